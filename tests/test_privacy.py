"""The anonymous view on the bundled sample district and on a 5,000-person district with tiny groups.

The sample is attacked by the reconstruction oracle (tests/privacy_oracle.py) with the truth read from
the CSV by the csv module alone. The large district is too big for the oracle's person-level matrices,
so its publication is checked with the audit's *other* exact procedure: the generic search over every
published population (team, role and school units, cells), which the publication itself does not use
for one survey (it uses the role × school cut); the two must agree that no combination singles out
fewer than k people, knowing or not who answered N/A.
"""

from __future__ import annotations

import csv
import io
import random

import pytest

from framework.definitions import get_framework
from framework.importer import read_survey
from framework.privacy import Filters, anonymous_view
from framework.publication import audit, publish
from framework.publication.export import publication_json
from framework.scales import get_scale
from framework.targets import default_targets
from tests.conftest import SAMPLE
from tests.privacy_oracle import Person, attack

FW = get_framework()
TARGETS = default_targets()
SCALE = get_scale("1-4")
AREAS = [a.name for a in FW.areas]
CATEGORIES = {c.name: [a.name for a in FW.areas if a.category == c.id] for c in FW.categories}


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


def sample_truth() -> list[Person]:
    """The sample's people and answers, read with the csv module (labels like '3 - Proficient')."""
    rows = list(csv.reader(io.StringIO(SAMPLE.read_text(encoding="utf-8"))))
    head = rows[0]
    area_col = {a: next(i for i, h in enumerate(head) if h.endswith(f"[{a}]")) for a in AREAS}
    people = []
    for r in rows[1:]:
        answers = {}
        for a, i in area_col.items():
            v = r[i].strip()
            answers[a] = int(v[0]) if v[:1].isdigit() else "N/A" if v.upper().startswith("N/A") else None
        people.append(Person(r[1], r[3], r[4], {None: answers}))
    return people


@pytest.mark.parametrize("k", [3, 5, 8])
def test_sample_district_discloses_nothing(k):
    """Every figure the anonymous view and the exports can show of the sample, attacked by the oracle."""
    result = read_survey(SAMPLE.read_bytes(), SAMPLE.name, FW)
    doc = publication_json(publish(result.ratings, FW, result.scale, TARGETS, k))
    found = attack(doc, sample_truth(), AREAS, [1, 2, 3, 4], CATEGORIES, k)
    assert found == [], [str(f) for f in found[:5]]


def _populations_of(doc: dict, roles: list[str], groups: list[str]) -> dict[tuple, set[int]]:
    """Each published population of the JSON -> the people in it (by the roster)."""
    out = {}
    for f in doc["figures"]:
        pop = f["population"]
        key = (tuple(pop.get("role", ())), tuple(pop.get("school", ())))
        if key in out:
            continue
        out[key] = {i for i, (r, g) in enumerate(zip(roles, groups))
                    if ("role" not in pop or r in pop["role"]) and ("school" not in pop or g in pop["school"])}
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_large_district_with_tiny_groups_discloses_nothing(seed):
    """5,000 people with one-, two- and four-person roles and schools, k = 5: for each area, the generic
    exact search over the shown populations finds no combination of fewer than 5 people (everyone) or
    resting on 1 to 4 ratings (knowing who rated)."""
    data = synthetic_district(5000, seed)
    result = read_survey(data, "big.csv", FW)
    pub = publish(result.ratings, FW, result.scale, TARGETS, 5)
    doc = publication_json(pub)
    rows = list(csv.reader(io.StringIO(data.decode())))[1:]
    roles, groups = [r[2] for r in rows], [r[3] for r in rows]
    pops = _populations_of(doc, roles, groups)
    checked = 0
    for a_i, area in enumerate(AREAS):
        shown = [(tuple(f["population"].get("role", ())), tuple(f["population"].get("school", ())))
                 for f in doc["figures"] if f.get("area") == area and "levels" in f]
        raters = {i for i, r in enumerate(rows) if r[4 + a_i] in {"1", "2", "3", "4"}}
        for sets in ([pops[key] for key in shown], [pops[key] & raters for key in shown]):
            atoms, membership = audit.atoms_of(sets)
            assert audit.small_support(membership, [len(x) for x in atoms], 4) is None, area
            checked += 1
    assert checked == 2 * len(AREAS)
    assert len(pub.units("role")) >= 3 and len(pub.units("group")) >= 3  # still worth looking at


def test_small_units_are_pooled_until_the_pool_reaches_k():
    """Units below k join "Other"; if the pool is still below k the smallest unit joins too."""
    result = read_survey(SAMPLE.read_bytes(), SAMPLE.name, FW)
    pub = publish(result.ratings, FW, result.scale, TARGETS, 5)
    roles = {p.label: set(p.roles) for p in pub.units("role")}
    # sample roles: Help Desk 9, Coach 6, Network 3, Systems 3, Data 2, Director 1, Security 1
    assert roles["Other roles"] == {"Network Administrator", "Systems Engineer", "Data / SIS Manager",
                                    "Director of Technology", "Information Security Officer"}
    assert "Help Desk Technician" in roles and "Instructional Technology Coach" in roles
    groups = {p.label: set(p.groups) for p in pub.units("group")}
    # District Office has 4 people: alone in the pool it is below 5, so the smallest other
    # (Technology Services, 6) joins it
    assert groups["Other schools and departments"] == {"District Office", "Technology Services"}
    assert "Secondary Schools" in groups
    assert any("Other roles" in n for n in pub.notes)


def test_two_dimensions_or_two_units_are_refused_in_the_anonymous_view():
    """The anonymous view filters by one unit of one dimension at a time, with a sentence why."""
    result = read_survey(SAMPLE.read_bytes(), SAMPLE.name, FW)
    pub = publish(result.ratings, FW, result.scale, TARGETS, 5)
    both = Filters(role=("Help Desk Technician",), group=("Secondary Schools",))
    assert "one at a time" in anonymous_view(pub, both)[1]
    two = Filters(role=("Help Desk Technician", "Instructional Technology Coach"))
    assert "one role" in anonymous_view(pub, two)[1]
    view, problem = anonymous_view(pub, Filters(role=("Help Desk Technician",)))
    assert problem == "" and view.label == "Help Desk Technician" and view.people == 9
    view, problem = anonymous_view(pub, Filters(role=("Network Administrator",)))  # pooled: not a unit
    assert "cannot be shown on its own" in problem and view.kind == "team"
