"""The audited publication: the attacks that broke the anonymous view, a property test against an
independent reconstruction oracle, and the truth of the published numbers.

Each named attack below first shows that the oracle finds the person when the figures the old app
showed are published as they were (so the oracle can fail), then that the publication of the same
team gives the oracle nothing.
"""

from __future__ import annotations

import csv
import io
import itertools
import random
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from framework.publication import audit, publish
from framework.publication.export import publication_json
from tests.privacy_oracle import Unknowns, _rank, attack
from tests.publication_support import (
    AREAS,
    CATEGORIES,
    FW,
    LEVELS,
    TARGETS,
    Member,
    attack_one,
    attack_rounds,
    oracle_people,
    random_member,
    read,
    team,
    to_csv,
)


def naive_figures(population: dict, members: list[Member], round_label=None, areas=AREAS) -> list[dict]:
    """Figures of a group as the old app printed them: every level count, whatever the group's size."""
    out = []
    for a in areas:
        vals = [m.answers[a] for m in members]
        levels = {str(v): sum(x == v for x in vals) for v in LEVELS}
        n = sum(levels.values())
        fig = {"population": population, "area": a, "round": round_label, "n": n, "levels": levels,
               "not_applicable": sum(x == "N/A" for x in vals), "target": 3,
               "at_target": sum(isinstance(x, int) and x >= 3 for x in vals)}
        if n:
            fig["mean"] = sum(x for x in vals if isinstance(x, int)) / n
        out.append(fig)
    return out


def exposed(found, key: str) -> bool:
    return any(key in f.people for f in found)


# ---- the audit's two exact procedures agree with brute force ------------------------------------------------
def _brute_small_support(people: list[tuple[int, int]], sets: list[set[int]], k: int) -> bool:
    rows = [[1 if p in s else 0 for p in range(len(people))] for s in sets]
    full = audit.rank(rows)
    for size in range(1, k):
        for group in itertools.combinations(range(len(people)), size):
            if audit.rank([[x for i, x in enumerate(r) if i not in group] for r in rows]) < full:
                return True
    return False


@pytest.mark.parametrize("seed", range(40))
def test_cut_and_search_agree_with_brute_force(seed):
    """On small random role × school grids with some cells published, the lightest cut, the generic
    exact search and brute force over every group of people give the same answer."""
    rng = random.Random(seed)
    n_r, n_s, n_p = rng.randint(1, 3), rng.randint(1, 3), rng.randint(4, 9)
    people = [(rng.randrange(n_r), rng.randrange(n_s)) for _ in range(n_p)]
    k = rng.randint(2, 4)
    cells = [(r, s) for r in range(n_r) for s in range(n_s) if rng.random() < 0.3]
    sets = [set(range(n_p))]
    sets += [{i for i, p in enumerate(people) if p[0] == r} for r in range(n_r)]
    sets += [{i for i, p in enumerate(people) if p[1] == s} for s in range(n_s)]
    sets += [{i for i, p in enumerate(people) if p == c} for c in cells]
    sets = [s for s in sets if s]
    brute = _brute_small_support(people, sets, k)
    atoms, membership = audit.atoms_of(sets)
    found = audit.small_support(membership, [len(a) for a in atoms], k - 1)
    assert (found is not None) == brute
    if found is not None:
        assert found.weight < k and audit.in_span(membership, len(atoms), found.vector)
    if all(len(s) >= k for s in sets):  # the cut assumes every published group passes on its own
        edges = {}
        for p in people:
            if p not in cells:
                edges[(("r", p[0]), ("s", p[1]))] = edges.get((("r", p[0]), ("s", p[1])), 0) + 1
        cut = audit.lightest_cut([("r", r) for r in range(n_r)] + [("s", s) for s in range(n_s)], edges)
        assert (cut is not None and cut.weight < k) == brute


# ---- named attacks ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("k", [3, 5])
def test_role_and_school_rows_that_differ_by_one_person(k):
    """Help Desk (6) and South (5, the same people less one): 6 × mean(Help Desk) − 5 × mean(South)."""
    members = team([("Help Desk", "South", 5), ("Help Desk", "North", 1), ("Coach", "North", 6),
                    ("Network", "East", 6), ("Coach", "East", 2), ("Network", "North", 3)])
    sixth = members[5].key
    old = {"k": k, "figures": naive_figures({}, members) + naive_figures({"role": ["Help Desk"]}, members[:6])
           + naive_figures({"school": ["South"]}, members[:5])}
    assert exposed(attack(old, oracle_people({None: members}), AREAS, LEVELS, CATEGORIES, k), sixth)
    pub, _doc, found = attack_one(members, k)
    assert found == []
    hd = pub.population_for("role", "Help Desk")
    assert "South" not in [p.label for p in pub.units("group")]  # South was pooled: it alone would single out
    assert hd.people == 6


def test_three_figures_without_nesting():
    """Role A (11) and school B (11) overlap in one person of a team of 21: 11 A + 11 B − 21 T."""
    members = team([("A", "B", 1), ("A", "C", 10), ("D", "B", 10)], seed=2)
    one = members[0].key
    old = {"k": 5, "figures": naive_figures({}, members) + naive_figures({"role": ["A"]}, members[:11])
           + naive_figures({"school": ["B"]}, [members[0]] + members[11:])}
    assert exposed(attack(old, oracle_people({None: members}), AREAS, LEVELS, CATEGORIES, 5), one)
    pub, _doc, found = attack_one(members, 5)
    assert found == []
    assert len(pub.units("role")) == 1 or len(pub.units("group")) == 1  # one dimension had to go
    assert any("not shown beside" in n for n in pub.notes)


def test_a_hidden_cell_is_not_shown_again_as_a_filter_view():
    """Every filter view is a unit of the publication: its figures are that unit's row, hidden where the
    row is hidden, so team − shown roles − a filter view cannot give a hidden cell."""
    members = team([("Help Desk", "North", 9), ("Coach", "South", 6), ("Network", "North", 3),
                    ("Systems", "South", 3), ("Data", "North", 2), ("Director", "South", 1)], seed=3, na=0.35)
    pub, _doc, found = attack_one(members, 5)
    assert found == []
    for by, labels in pub.filter_options().items():
        rows = pub.breakdown(None, by)
        for label in labels:
            view = pub.areas(pub.population_for(by, label))
            row = rows.xs(label, level=by)
            assert view["suppressed"].tolist() == row["suppressed"].tolist()
            shown = ~view["suppressed"]
            assert view.loc[shown, "mean"].tolist() == row.loc[shown, "mean"].tolist()


def test_category_figures_are_means_of_the_area_means():
    """One person answered N/A in one area of a two-area category: a category averaged over each
    person's own mean gave that person's rating away; the plain mean of the area means does not."""
    members = team([("Help Desk", "North", 6)], seed=4, na=0.0)
    business = next(c for c, areas in CATEGORIES.items() if len(areas) == 2)
    a1, a2 = CATEGORIES[business]
    for m in members:
        m.answers[a1], m.answers[a2] = 3, 2
    members[0].answers[a1], members[0].answers[a2] = 4, "N/A"
    people = oracle_people({None: members})
    unk = Unknowns(people, [a1, a2], LEVELS)
    area_rows = [{unk.col(p, a, None, lv): Fraction(1) for p in people} for a in (a1, a2) for lv in LEVELS]
    person_mean = {}  # the old figure: each person's own mean over the category's areas, averaged
    for m, p in zip(members, people):
        rated = [a for a in (a1, a2) if isinstance(m.answers[a], int)]
        for a in rated:
            for lv in LEVELS:
                c = unk.col(p, a, None, lv)
                person_mean[c] = person_mean.get(c, Fraction(0)) + Fraction(lv, len(rated) * len(members))
    cols = list(range(len(unk.index)))
    assert _rank(area_rows + [person_mean], cols) > _rank(area_rows, cols)  # it told something new
    pub, _doc, found = attack_one(members, 5)
    assert found == []  # the oracle also checks that category rows add nothing to the area rows
    areas, cats = pub.areas(), pub.categories()
    cat_id = next(c.id for c in FW.categories if c.name == business)
    ids = [a.id for a in FW.areas if a.category == cat_id]
    assert not cats.loc[cat_id, "suppressed"]
    assert cats.loc[cat_id, "mean"] == pytest.approx(areas.loc[ids, "mean"].mean())
    assert cats.loc[cat_id, "mean"] == pytest.approx((19 / 6 + 2.0) / 2)  # (5 × 3 + 4) / 6 and 2


def test_round_saved_again_with_one_late_respondent():
    """Ten people, then the same ten and one more: 11 × mean − 10 × mean is the late respondent."""
    first = team([("Help Desk", "North", 10)], seed=5)
    late = random_member(random.Random(9), 99, "Help Desk", "North", na=0.0)
    second = [*first, late]
    old = {"k": 5, "figures": naive_figures({}, first, "Fall") + naive_figures({}, second, "Spring")}
    people = oracle_people({"Fall": first, "Spring": second})
    assert exposed(attack(old, people, AREAS, LEVELS, CATEGORIES, 5), late.key)
    pub, _doc, found = attack_rounds([("Fall", first), ("Spring", second)], 5)
    assert found == []
    # Fall may already be in last year's board packet: it is the newer round that must not complete the
    # attack, so Spring's team figures are hidden (and Fall's stay)
    assert pub.figures.xs(0, level="round")["shown"].all()
    assert not pub.figures.xs(1, level="round")["shown"].any()
    assert any("Some figures of Spring are hidden beside Fall" in n for n in pub.notes)


def test_rounds_with_enough_change_keep_both():
    """Rounds that differ by at least k people (who joined, left, or changed an answer) are both shown."""
    rng = random.Random(11)
    first = team([("Help Desk", "North", 12)], seed=6)
    second = [Member(m.key, m.name, m.role, m.school, {a: rng.choice(LEVELS) for a in AREAS}) for m in first]
    pub, _doc, found = attack_rounds([("Fall", first), ("Spring", second)], 5)
    assert found == []
    assert pub.figures["shown"].mean() > 0.9


def _old_small_random_team(seed: int) -> list[Member]:
    """The small uneven teams of the pairwise privacy tests that the old app passed."""
    rng = random.Random(seed)
    roles = [f"Role {c}" for c in "ABCDEFG"[: rng.randint(2, 7)]]
    groups = [f"School {c}" for c in "VWXYZ"[: rng.randint(2, 5)]]
    role_w = [rng.choice([1, 1, 2, 5, 9]) for _ in roles]
    group_w = [rng.choice([1, 2, 4, 8]) for _ in groups]
    out = []
    for i in range(rng.randint(20, 40)):
        answers = {a: rng.choice([1, 2, 3, 4, "N/A", "N/A"]) for a in AREAS}
        if not any(isinstance(v, int) for v in answers.values()):
            answers[AREAS[0]] = 3
        out.append(Member(f"P{i}", f"P{i}", rng.choices(roles, role_w)[0], rng.choices(groups, group_w)[0], answers))
    return out


@pytest.mark.parametrize("seed", range(12))
def test_the_small_uneven_teams_disclose_nothing(seed):
    """The twelve small teams of the old pairwise tests (one of them leaked a rating), k from 3 to 6."""
    _pub, _doc, found = attack_one(_old_small_random_team(seed), 3 + seed % 4)
    assert found == [], [str(f) for f in found[:5]]


# ---- property: random teams, random k, the oracle recovers nobody ------------------------------------------------
@st.composite
def teams(draw):
    n_roles = draw(st.integers(1, 6))
    n_schools = draw(st.integers(1, 5))
    size = draw(st.integers(6, 36))
    nested = draw(st.floats(0, 1))  # how often a role sits in "its" school: near-nesting is where attacks live
    na = draw(st.sampled_from([0.0, 0.1, 0.3, 0.5]))
    seed = draw(st.integers(0, 10**6))
    rng = random.Random(seed)
    weights = [rng.choice([1, 1, 2, 4, 8]) for _ in range(n_roles)]
    members = []
    for i in range(size):
        r = rng.choices(range(n_roles), weights)[0]
        s = r % n_schools if rng.random() < nested else rng.randrange(n_schools)
        members.append(random_member(rng, i, f"Role {r}", f"School {s}", na=na))
    return members


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(teams(), st.integers(3, 8))
def test_property_no_team_discloses_anyone(members, k):
    """Random teams with crossing roles and schools, N/A answers and pooled groups, at k = 3 … 8: the
    oracle reconstructs nobody and no group below k, knowing or not who answered N/A."""
    _pub, _doc, found = attack_one(members, k)
    assert found == [], [str(f) for f in found[:5]]


@st.composite
def round_pairs(draw):
    base = draw(teams())
    rng = random.Random(draw(st.integers(0, 10**6)))
    changes = draw(st.integers(1, 2))
    second = [Member(m.key, m.name, m.role, m.school, dict(m.answers)) for m in base]
    for _ in range(changes):
        what = rng.choice(["join", "leave", "change"])
        if what == "join" or len(second) < 3:
            second.append(random_member(rng, 1000 + len(second), base[0].role, base[0].school))
        elif what == "leave":
            second.pop(rng.randrange(len(second)))
        else:
            m = rng.choice(second)
            m.answers[rng.choice(AREAS)] = rng.choice(LEVELS)
    return base, second


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(round_pairs(), st.integers(3, 8))
def test_property_round_pairs_disclose_nobody(pair, k):
    """Two rounds that differ by one or two people (who joined, left or changed an answer)."""
    first, second = pair
    _pub, _doc, found = attack_rounds([("Fall", first), ("Spring", second)], k)
    assert found == [], [str(f) for f in found[:5]]


# ---- the numbers are true ------------------------------------------------------------------------------------
def _independent(members_csv: bytes) -> dict:
    """Level counts per (role, area) and for the team, from the CSV with the csv module only."""
    rows = list(csv.DictReader(io.StringIO(members_csv.decode())))
    out: dict = {}
    for r in rows:
        for a in AREAS:
            v = r[a].strip()
            for key in ((), ("role", r["Role"]), ("school", r["School"])):
                cell = out.setdefault((key, a), {"levels": dict.fromkeys(LEVELS, 0), "na": 0})
                if v in {"1", "2", "3", "4"}:
                    cell["levels"][int(v)] += 1
                elif v == "N/A":
                    cell["na"] += 1
    return out


def test_published_numbers_equal_an_independent_count():
    members = team([("Help Desk", "North", 12), ("Coach", "South", 9), ("Network", "North", 7)], seed=8, na=0.2)
    result = read(members)
    pub = publish(result.ratings, FW, result.scale, TARGETS, 5)
    truth = _independent(to_csv(members))
    doc = publication_json(pub)
    checked = 0
    for f in doc["figures"]:
        if "area" not in f or "levels" not in f:
            continue
        pop = f["population"]
        key = () if not pop else (("role", pop["role"][0]) if "role" in pop and "school" not in pop and len(pop["role"]) == 1
                                  else ("school", pop["school"][0]) if "school" in pop and "role" not in pop
                                  and len(pop["school"]) == 1 else None)
        if key is None:
            continue
        want = truth[(key, f["area"])]
        assert f["levels"] == {str(v): want["levels"][v] for v in LEVELS}
        assert f["not_applicable"] == want["na"]
        n = sum(want["levels"].values())
        assert f["n"] == n
        if n:
            assert f["mean"] == pytest.approx(sum(v * c for v, c in want["levels"].items()) / n)
        assert f["at_target"] == sum(c for v, c in want["levels"].items() if v >= f["target"])
        checked += 1
    assert checked >= 30


def test_notes_never_name_a_person():
    members = team([("Help Desk", "North", 9), ("Coach", "South", 6), ("Network", "North", 3),
                    ("Director", "South", 1), ("Help Desk", "South", 1)], seed=12, na=0.4)
    result = read(members)
    pub = publish(result.ratings, FW, result.scale, TARGETS, 5)
    assert pub.notes
    for note in pub.notes:
        for m in members:
            assert m.name not in note
