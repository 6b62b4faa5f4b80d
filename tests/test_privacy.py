"""No anonymous view, under any filter the app offers, shows a group below the minimum size,
directly or by subtraction.

The test plays the app: for every view (the team, and every filter the sidebar offers), it
records the set of people behind every figure that view shows (each area, and each role or
school cell of every breakdown), then checks that every set has at least k people, that any two
nested sets differ by 0 or at least k people, and that within a breakdown what is hidden adds up
to 0 or at least k people whenever the breakdown's total is shown.
"""

from __future__ import annotations

import random

import pandas as pd
import pytest

from framework.aggregate import NOT_STATED, area_summary, group_summary
from framework.definitions import get_framework
from framework.importer import read_survey
from framework.privacy import DIMENSIONS, Filters, apply_filters, check_filters, filter_options, pool, unit_map
from framework.scales import RATED
from framework.targets import default_targets
from tests.conftest import SAMPLE

FW = get_framework()
TARGETS = default_targets()


def synthetic_district(n: int, seed: int) -> bytes:
    """Big roles and schools, a few tiny ones (1, 2, 4 people), and scattered N/A answers."""
    rng = random.Random(seed)
    roles = ["Help Desk Technician"] * 40 + ["Instructional Technology Coach"] * 25 + ["Network Administrator"] * 15
    roles += ["Systems Engineer"] * 10 + ["Data / SIS Manager"] * 6
    groups = ["North High"] * 30 + ["South High"] * 30 + ["Elementary"] * 30 + ["Central Office"] * 6
    rows = ["Name,Email,Role,School," + ",".join(a.name for a in FW.areas)]
    for i in range(n):
        role, group = rng.choice(roles), rng.choice(groups)
        if i < 1:
            role = "Chief Technology Officer"
        elif i < 3:
            role = "Information Security Officer"
        elif i < 7:
            group = "Adult Education"
        answers = [rng.choice(["1", "2", "3", "4", "4", "N/A"]) for _ in FW.areas]
        rows.append(f"P{i},p{i}@x.org,{role},{group}," + ",".join(answers))
    return ("\n".join(rows) + "\n").encode()


def _people(tidy: pd.DataFrame, area: str) -> frozenset:
    rated = tidy[tidy["status"].eq(RATED) & tidy["area_id"].eq(area)]
    return frozenset(rated["respondent"].astype(str))


def _clean(s: pd.Series) -> pd.Series:
    return s.astype("string").fillna("").str.strip().replace("", NOT_STATED)


def shown_sets(tidy: pd.DataFrame, k: int):
    """Every (view, what, area) -> people behind a figure the anonymous app shows; and per breakdown
    the people hidden."""
    team = pool(tidy, k)
    options = filter_options(team, k)
    views = [Filters()] + [Filters(**{by: (u,)}) for by in DIMENSIONS for u in options[by]]
    shown, hidden_unions = {}, []
    for f in views:
        assert check_filters(team, f, k) == "", f
        view = apply_filters(team, f)
        parent = team if f.active else None
        areas = area_summary(view, FW, _scale(tidy), TARGETS, k, parent=parent)
        for area in FW.area_ids:
            if not areas.loc[area, "suppressed"] and areas.loc[area, "n"] > 0:
                shown[(f, "area", area)] = _people(view, area)
        for by in DIMENSIONS:
            out = group_summary(view, FW, _scale(tidy), TARGETS, by=by, min_group_size=k, parent=parent)
            for area in FW.area_ids:
                cells = out.xs(area, level="area_id")
                hidden_people = frozenset()
                for g, row in cells.iterrows():
                    members = _people(view[_clean(view[by]).eq(g)], area)
                    if row["suppressed"]:
                        hidden_people |= members
                    elif row["n"] > 0:
                        shown[(f, by, g, area)] = members
                hidden_unions.append(((f, by, area), hidden_people))
    return shown, hidden_unions


_SCALES = {}


def _scale(tidy):
    from framework.scales import get_scale

    return _SCALES.setdefault("1-4", get_scale("1-4"))


def check_no_disclosure(tidy: pd.DataFrame, k: int) -> int:
    shown, hidden_unions = shown_sets(tidy, k)
    for key, members in shown.items():
        assert len(members) >= k, f"{key} rests on {len(members)} people"
    for (f, by, area), hidden in hidden_unions:
        if (f, "area", area) in shown:  # the total is shown, so total minus the shown cells is known
            assert len(hidden) == 0 or len(hidden) >= k, f"{(f, by, area)}: the hidden cells add up to {len(hidden)}"
    by_area: dict[str, list] = {}
    for key, members in shown.items():
        by_area.setdefault(key[-1], []).append((key, members))
    pairs = 0
    for items in by_area.values():
        for i, (ka, a) in enumerate(items):
            for kb, b in items[i + 1:]:
                if a <= b or b <= a:
                    pairs += 1
                    diff = len(a ^ b)
                    assert diff == 0 or diff >= k, f"{ka} and {kb} differ by {diff} people"
    return pairs


@pytest.mark.parametrize("k", [3, 5, 8])
def test_sample_district_discloses_nothing(k):
    """The sample district, at several minimum group sizes."""
    tidy = read_survey(SAMPLE.read_bytes(), SAMPLE.name, FW).ratings
    assert check_no_disclosure(tidy, k) > 0


@pytest.mark.parametrize("seed", [1, 2])
def test_large_district_with_tiny_groups_discloses_nothing(seed):
    """5,000 people with one-, two- and four-person roles and schools, k = 5."""
    tidy = read_survey(synthetic_district(5000, seed), "big.csv", FW).ratings
    assert check_no_disclosure(tidy, 5) > 0


def test_small_units_are_pooled_until_the_pool_reaches_k():
    """Units below k join "Other"; if the pool is still below k the smallest unit joins too."""
    tidy = read_survey(SAMPLE.read_bytes(), SAMPLE.name, FW).ratings
    roles = unit_map(tidy, "role", 5)
    # sample roles: Help Desk 9, Coach 6, Network 3, Systems 3, Data 2, Director 1, Security 1
    assert roles["Help Desk Technician"] == "Help Desk Technician"
    assert roles["Instructional Technology Coach"] == "Instructional Technology Coach"
    assert {roles[r] for r in ("Network Administrator", "Systems Engineer", "Data / SIS Manager",
                               "Director of Technology", "Information Security Officer")} == {"Other roles"}
    groups = unit_map(tidy, "group", 5)
    # District Office has 4 people: alone in the pool it is below 5, so the smallest other
    # (Technology Services, 6) joins it
    assert groups["District Office"] == groups["Technology Services"] == "Other schools and departments"
    assert groups["Secondary Schools"] == "Secondary Schools"


def test_two_dimensions_or_two_units_are_refused_in_the_anonymous_view():
    """The anonymous view filters by one unit of one dimension at a time, with a sentence why."""
    team = pool(read_survey(SAMPLE.read_bytes(), SAMPLE.name, FW).ratings, 5)
    both = Filters(role=("Help Desk Technician",), group=("Secondary Schools",))
    assert "one at a time" in check_filters(team, both, 5)
    two = Filters(role=("Help Desk Technician", "Instructional Technology Coach"))
    assert "one role" in check_filters(team, two, 5)
    assert check_filters(team, both, None) == ""  # named view: anything goes


def small_random_team(seed: int) -> bytes:
    """20–40 people in 2–7 roles and 2–5 schools of uneven sizes, with N/A answers: the shapes
    where subtraction attacks work best."""
    rng = random.Random(seed)
    roles = [f"Role {c}" for c in "ABCDEFG"[: rng.randint(2, 7)]]
    groups = [f"School {c}" for c in "VWXYZ"[: rng.randint(2, 5)]]
    role_w = [rng.choice([1, 1, 2, 5, 9]) for _ in roles]
    group_w = [rng.choice([1, 2, 4, 8]) for _ in groups]
    rows = ["Name,Email,Role,School," + ",".join(a.name for a in FW.areas)]
    for i in range(rng.randint(20, 40)):
        answers = [rng.choice(["1", "2", "3", "4", "N/A", "N/A"]) for _ in FW.areas]
        rows.append(f"P{i},p{i}@x.org,{rng.choices(roles, role_w)[0]},{rng.choices(groups, group_w)[0]},"
                    + ",".join(answers))
    return ("\n".join(rows) + "\n").encode()


@pytest.mark.parametrize("seed", range(12))
def test_small_uneven_teams_disclose_nothing(seed):
    """Twelve random small teams, k from 3 to 6."""
    tidy = read_survey(small_random_team(seed), "small.csv", FW).ratings
    check_no_disclosure(tidy, 3 + seed % 4)
