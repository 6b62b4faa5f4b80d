"""The bundled sample district: a synthetic technology team, written as a Google Forms CSV export.

Deterministic: the same seed gives the same bytes. ``python -m framework make-sample`` rewrites
``data/sample_district.csv``; a test checks that the committed file is what this script makes.

The people are invented. The team is built to show what the dashboard is for: strong network and
systems skills, thin leadership bench, Data Privacy and Security and Business Management each
held up by one person, and a District Office group too small to show in the anonymous view.
"""

from __future__ import annotations

import csv
import io
import random
from datetime import datetime, timedelta
from pathlib import Path

from framework.definitions import get_framework

SAMPLE_PATH = Path(__file__).resolve().parents[1] / "data" / "sample_district.csv"
SEED = 2026
GRID_TITLE = "How would you rate your current proficiency in each skill area?"
ANSWERS = {1: "1 - Beginning", 2: "2 - Developing", 3: "3 - Proficient", 4: "4 - Advanced"}
NOT_APPLICABLE = "N/A - Not part of my role"

# (role, school or department, how many)
TEAM = [
    ("Director of Technology", "District Office", 1),
    ("Information Security Officer", "District Office", 1),
    ("Data / SIS Manager", "District Office", 2),
    ("Network Administrator", "Technology Services", 3),
    ("Systems Engineer", "Technology Services", 3),
    ("Instructional Technology Coach", "Secondary Schools", 3),
    ("Help Desk Technician", "Secondary Schools", 5),
    ("Instructional Technology Coach", "Elementary Schools", 3),
    ("Help Desk Technician", "Elementary Schools", 4),
]

# typical level per role and area (framework order: LV SP EP IF TB IT CS BM DM DPS); 0 = often N/A
PROFILE = {
    "Director of Technology":         [4, 4, 3, 3, 3, 3, 3, 3, 3, 2],
    "Information Security Officer":   [2, 2, 3, 2, 2, 3, 2, 1, 3, 4],
    "Data / SIS Manager":             [2, 2, 3, 2, 2, 3, 2, 1, 4, 2],
    "Network Administrator":          [2, 2, 3, 2, 2, 4, 4, 1, 2, 2],
    "Systems Engineer":               [2, 2, 3, 2, 2, 4, 3, 1, 3, 2],
    "Instructional Technology Coach": [2, 2, 3, 4, 3, 3, 3, 0, 2, 2],
    "Help Desk Technician":           [2, 1, 3, 2, 2, 3, 3, 0, 2, 2],
}

FIRST = ["Maria", "James", "Aisha", "Robert", "Linh", "David", "Sofía", "Michael", "Keisha", "Daniel", "Priya",
         "Thomas", "Grace", "Andre", "Emily", "Carlos", "Hannah", "Marcus", "Olivia", "Samuel", "Renée", "Kevin",
         "Fatima", "Brian", "Zoë"]
LAST = ["Alvarez", "Bennett", "Chen", "Dubois", "Edwards", "Fischer", "García", "Hughes", "Ibrahim", "Johnson",
        "Kowalski", "Lopez", "Murphy", "Nguyen", "O'Brien", "Patel", "Quinn", "Robinson", "Schmidt", "Turner",
        "Usman", "Vasquez", "Washington", "Young", "Zimmerman"]
COMMENTS = [
    "",
    "",
    "",
    "I'd like training on budgeting, procurement and E-Rate.",
    'Our "single sign-on" rollout taught me a lot, but I still need help with data privacy agreements.',
    "New to the district this year.\nStill learning our systems.",
    "Happy to mentor others on networking, firewalls and Wi-Fi.",
]


def make_rows(seed: int = SEED) -> list[dict[str, str]]:
    rng = random.Random(seed)
    areas = get_framework().areas
    start = datetime(2026, 10, 5, 7, 40)
    people = [(role, group) for role, group, n in TEAM for _ in range(n)]
    rng.shuffle(people)
    last_names = LAST[:]
    rng.shuffle(last_names)
    rows = []
    for i, (role, group) in enumerate(people):
        first, last = FIRST[i], last_names[i]
        stamp = start + timedelta(days=rng.randint(0, 9), minutes=rng.randint(0, 600), seconds=rng.randint(0, 59))
        row = {
            "Timestamp": f"{stamp.month}/{stamp.day}/{stamp.year} {stamp:%H:%M:%S}",
            "Email Address": f"{first[0].lower()}{last.lower().replace(chr(39), '')}@example-district.org"
            .replace("í", "i").replace("é", "e").replace("ë", "e").replace("ó", "o"),
            "Full name": f"{first} {last}",
            "Job role": role,
            "School or department": group,
            "Years in district technology": str(rng.randint(1, 22)),
        }
        for area, base in zip(areas, PROFILE[role]):
            if base == 0:
                level = None if rng.random() < 0.7 else 1
            else:
                level = max(1, min(4, base + rng.choice([-1, 0, 0, 0, 0, 1])))
                if rng.random() < 0.03:
                    level = None
            row[f"{GRID_TITLE} [{area.name}]"] = ANSWERS[level] if level else NOT_APPLICABLE
        row["Anything else you'd like the technology office to know?"] = rng.choice(COMMENTS)
        rows.append((stamp, row))
    _ensure_story(rows, areas)
    rows.sort(key=lambda t: t[0])
    return [r for _, r in rows]


def _ensure_story(rows, areas) -> None:
    """Hold the story the sample tells whatever the noise: one person covers each of two areas."""
    col = {a.id: f"{GRID_TITLE} [{a.name}]" for a in areas}
    for area_id, holder in (("data-privacy-security", "Information Security Officer"),
                            ("business-management", "Director of Technology")):
        for _, row in rows:
            if row["Job role"] == holder:
                row[col[area_id]] = ANSWERS[4 if area_id == "data-privacy-security" else 3]
            elif row[col[area_id]] in (ANSWERS[3], ANSWERS[4]):
                row[col[area_id]] = ANSWERS[2]


def render_csv(rows: list[dict[str, str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def make_sample_csv(seed: int = SEED) -> bytes:
    return render_csv(make_rows(seed))


def write_sample(path: Path = SAMPLE_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(make_sample_csv())
    return path
