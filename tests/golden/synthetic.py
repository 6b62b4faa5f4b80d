"""Deterministic survey files with the oddities real exports have, for the equivalence and golden tests.

Each builder returns the file's bytes; the same seed gives the same bytes on every machine (the random
module's sequence for a given seed is stable across Python versions). They are large enough for the
publication to show and hide figures (thousands of people, a few small roles) and hold what the importer
must account for: responses superseded by a later one with the same email (in another case), equal time
stamps, rows with no answer, empty and white-space rows, out-of-range, fractional and wordy answers, N/A
in several spellings, anonymous and missing emails, quoted comments with commas, quotes and line breaks.
"""

from __future__ import annotations

import csv
import io
import random

from framework.definitions import get_framework

AREAS = [a.name for a in get_framework().areas]
ROLES = ["Network Administrator", "Help Desk Technician", "Instructional Technology Coach", "Systems Engineer",
         "Data / SIS Manager", "Information Security Officer", "Director of Technology", " CTO ", "Intern",
         "Tier 2 support"]
ROLE_WEIGHTS = [30, 60, 25, 20, 10, 6, 3, 1, 2, 3]
GROUPS = ["District Office", "Technology Services", "Secondary Schools", "Elementary Schools", "Lincoln High",
          "  Adult Ed", ""]
GROUP_WEIGHTS = [20, 40, 30, 30, 5, 2, 3]
GOOD = ["1 - Beginning", "2 - Developing", "3 - Proficient", "4 - Advanced", "3", "4", " 2 ", "Proficient",
        "(3) Proficient", "3 – Proficient", "4.0"]
MISSING = ["N/A - Not part of my role", "N/A", "Not applicable", "Don't know", "", " "]
BAD = ["5", "0", "2.5", "3 months", "Expert", "2-3", "=1+2", "-1", "four", "5 stars"]
COMMENTS = ["", "", "", "Needs training, badly", 'She said "soon"', "line one\nline two", "ok; fine", "é ü ß",
            "  padded  "]


def _answer(rng: random.Random) -> str:
    x = rng.random()
    if x < 0.80:
        return rng.choice(GOOD)
    if x < 0.96:
        return rng.choice(MISSING)
    return rng.choice(BAD)


def wide(n: int = 3000, seed: int = 13, delimiter: str = ",", bom: bool = False, encoding: str = "utf-8",
         numbers_only: bool = False) -> bytes:
    """A Google Forms style wide export (``Timestamp``, ``Email Address``, grid columns per area)."""
    rng = random.Random(seed)
    header = ["Timestamp", "Email Address", "Full name", "Job role", "School or department"]
    header += [f"Rate yourself in each skill area [{a}]" for a in AREAS] + ["Comments"]
    buf = io.StringIO()
    out = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    out.writerow(header)
    emails = []
    for i in range(n):
        kind = rng.random()
        if kind < 0.01:
            out.writerow([""] * len(header))  # an empty row
            continue
        if kind < 0.015:
            out.writerow([" "] + [""] * (len(header) - 2) + ["  "])  # white space only
            continue
        if kind < 0.06 and emails:  # the same person again, in another case, later or at the same time
            email = rng.choice(emails).upper() if rng.random() < 0.5 else rng.choice(emails)
        elif kind < 0.07:
            email = "anonymous"
        elif kind < 0.09:
            email = ""
        else:
            email = f"person{i}@district.org"
            emails.append(email)
        day, minute = 1 + rng.randrange(28), rng.randrange(60)
        stamp = f"10/{day}/2026 {8 + rng.randrange(10)}:{minute:02d}:00" if rng.random() > 0.02 else ""
        name = f"Person {i}" + (" " if rng.random() < 0.05 else "") if rng.random() > 0.03 else ""
        role = rng.choices(ROLES, ROLE_WEIGHTS)[0]
        group = rng.choices(GROUPS, GROUP_WEIGHTS)[0]
        if rng.random() < 0.02:
            answers = [rng.choice(MISSING + BAD) for _ in AREAS]  # no usable answer at all
        elif numbers_only:
            answers = [str(rng.randrange(1, 5)) if rng.random() > 0.1 else rng.choice(["", "N/A", "7"])
                       for _ in AREAS]
        else:
            answers = [_answer(rng) for _ in AREAS]
        out.writerow([stamp, email, name, role, group, *answers, rng.choice(COMMENTS)])
    out.writerow([""] * len(header))  # trailing empty rows
    out.writerow([""] * len(header))
    text = buf.getvalue()
    data = text.encode(encoding, errors="replace")
    return (b"\xef\xbb\xbf" + data) if bom else data


def long(n: int = 600, seed: int = 29) -> bytes:
    """A long layout: a row per person and area (some areas missing, some answered twice)."""
    rng = random.Random(seed)
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(["Name", "Email", "Role", "School", "Timestamp", "Skill area", "Rating"])
    for i in range(n):
        role = rng.choices(ROLES, ROLE_WEIGHTS)[0]
        group = rng.choices(GROUPS, GROUP_WEIGHTS)[0]
        email = f"p{i}@district.org" if rng.random() > 0.05 else ""
        for area in AREAS:
            if rng.random() < 0.1:
                continue
            for again in range(2 if rng.random() < 0.03 else 1):
                stamp = f"11/{1 + rng.randrange(28)}/2026 10:{again:02d}:00"
                shown = area if rng.random() > 0.05 else area.upper()
                out.writerow([f"Person {i}", email, role, group, stamp, shown, _answer(rng)])
        if rng.random() < 0.01:
            out.writerow([f"Person {i}", email, role, group, "", "Underwater basket weaving", "3"])
    return buf.getvalue().encode()


def files() -> dict[str, bytes]:
    """The synthetic files by name."""
    return {
        "synthetic_wide.csv": wide(),
        "synthetic_wide_semicolon_cp1252.csv": wide(1500, seed=5, delimiter=";", encoding="cp1252"),
        "synthetic_wide_bom_tab.tsv": wide(1200, seed=8, delimiter="\t", bom=True),
        "synthetic_numbers.csv": wide(2500, seed=21, numbers_only=True),
        "synthetic_small_team.csv": wide(40, seed=3),
        "synthetic_tiny.csv": wide(7, seed=4),
        "synthetic_long.csv": long(),
    }
