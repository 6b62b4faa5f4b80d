"""Teams for the privacy tests: written as survey CSVs, read by the importer, published, attacked.

The generator keeps the truth (who is who, every answer) apart from the file, so the oracle in
tests/privacy_oracle.py attacks the publication with knowledge the importer never had.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass

from framework.definitions import get_framework
from framework.importer import read_survey
from framework.publication import publish
from framework.publication.export import publication_json, series_json
from framework.publication.series import RoundInput, publish_rounds
from framework.targets import default_targets
from tests.privacy_oracle import Person, attack

FW = get_framework()
AREAS = [a.name for a in FW.areas]
CATEGORIES = {c.name: [a.name for a in FW.areas if a.category == c.id] for c in FW.categories}
LEVELS = [1, 2, 3, 4]
TARGETS = default_targets()


@dataclass
class Member:
    key: str
    name: str  # "" when the survey did not ask
    role: str
    school: str
    answers: dict[str, object]  # area name -> 1..4 | "N/A" | None (blank)


def to_csv(members: list[Member]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["Name", "Role", "School", *AREAS])
    for m in members:
        w.writerow([m.name, m.role, m.school] + [
            "" if m.answers[a] is None else str(m.answers[a]) for a in AREAS])
    return buf.getvalue().encode()


def read(members: list[Member]):
    return read_survey(to_csv(members), "team.csv", FW, scale="1-4")


def oracle_people(rounds: dict) -> list[Person]:
    """rounds: label (None for one data set) -> members."""
    people: dict[str, Person] = {}
    for label, members in rounds.items():
        for m in members:
            p = people.setdefault(m.key, Person(m.key, m.role, m.school))
            p.answers[label] = dict(m.answers)
    return list(people.values())


def attack_one(members: list[Member], k: int, groups: bool = True):
    result = read(members)
    pub = publish(result.ratings, FW, result.scale, TARGETS, k)
    doc = publication_json(pub)
    return pub, doc, attack(doc, oracle_people({None: members}), AREAS, LEVELS, CATEGORIES, k, groups=groups)


def attack_rounds(rounds: list[tuple[str, list[Member]]], k: int, groups: bool = True):
    inputs = [RoundInput(label, read(members).ratings) for label, members in rounds]
    pub = publish_rounds(inputs, FW, read(rounds[0][1]).scale, TARGETS, k)
    doc = series_json(pub)
    return pub, doc, attack(doc, oracle_people(dict(rounds)), AREAS, LEVELS, CATEGORIES, k, groups=groups)


def random_member(rng: random.Random, i: int, role: str, school: str, na: float = 0.2, named: bool = True) -> Member:
    answers = {}
    for a in AREAS:
        x = rng.random()
        answers[a] = "N/A" if x < na else None if x < na + 0.03 else rng.choice(LEVELS)
    if all(not isinstance(v, int) for v in answers.values()):
        answers[AREAS[0]] = rng.choice(LEVELS)  # everyone in the file rated something
    return Member(f"P{i}", f"Person {i}" if named else "", role, school, answers)


def team(spec: list[tuple[str, str, int]], seed: int = 1, na: float = 0.1) -> list[Member]:
    """(role, school, how many) -> members, with random answers."""
    rng = random.Random(seed)
    out = []
    for role, school, count in spec:
        for _ in range(count):
            out.append(random_member(rng, len(out), role, school, na=na))
    return out
