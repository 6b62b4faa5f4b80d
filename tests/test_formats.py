"""Survey-tool exports: Google Forms, Microsoft Forms, SurveyMonkey, Qualtrics, hand-made sheets, encodings.

The fixtures in tests/fixtures/ are written by tests/fixtures/make_fixtures.py. Each is imported with
``read_survey`` and compared with figures worked out here from the file itself, read with the csv
module or openpyxl and plain Python (never the importer): who answered, which answers count, the
per-area n and mean, which rows are left out and why (with their spreadsheet row numbers), and which
cells cannot be read. The command line must give the same respondents and means.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from framework.aggregate import area_summary, respondent_count
from framework.definitions import get_framework
from framework.importer import ROW, read_survey
from framework.importer.columns import AreaMatcher, map_columns, match_identity
from framework.importer.sources import FORMATS, pick_format
from framework.importer.sources.google_forms import forms_timestamps
from framework.importer.table import read_table
from framework.publication import publish
from framework.targets import default_targets

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
FW = get_framework("cosn-2018")
TARGETS = default_targets()
AREA_ID = {a.name: a.id for a in FW.areas}
SCALE_NOTE = "Scale: "  # the core's warning that plain numbers 1-4 were assumed to be the 1-4 scale

# ---- reading the fixtures without the importer ---------------------------------------------
BLANK, NA, BAD = "blank", "n/a", "bad"
LEVELS = {"beginning": 1, "developing": 2, "proficient": 3, "advanced": 4}
MISSING = {"n/a", "na", "-", "not applicable", "n/a - not part of my role", "don't know", "don’t know"}


def answer(raw: str):
    """A level 1-4, NA, BLANK or BAD: the fixtures use only these spellings."""
    text = raw.strip()
    if not text:
        return BLANK
    if text.lower() in MISSING:
        return NA
    if text.lower() in LEVELS:
        return LEVELS[text.lower()]
    m = re.fullmatch(r"([1-4])(?:\.0)?(?: - ([A-Za-z]+))?", text)
    if m and (m[2] is None or LEVELS.get(m[2].lower()) == int(m[1])):
        return int(m[1])
    return BAD


@dataclass
class Record:
    row: int  # as a spreadsheet numbers it: the first line is row 1
    key: str  # who: "email:..." (a real email), else "id:..." (the tool's respondent id), else "row:N"
    stamp: datetime
    cells: dict[str, tuple[str, str]]  # column header as the report names it -> (area name, raw answer)
    dropped: str = ""  # the reason the export itself marks the row as not a response


def person(email: str, rid: str, row: int) -> str:
    email = email.strip().lower()
    if "@" in email and not email.startswith("anonymous"):
        return "email:" + email
    return "id:" + rid.strip() if rid.strip() else f"row:{row}"


def csv_rows(name: str, encoding: str = "utf-8", delimiter: str = ",") -> list[list[str]]:
    with (FIXTURES / name).open(newline="", encoding=encoding) as f:
        return list(csv.reader(f, delimiter=delimiter))


def xlsx_rows(name: str) -> list[list[object]]:
    ws = openpyxl.load_workbook(FIXTURES / name).active
    return [["" if v is None else v if isinstance(v, datetime) else str(v) for v in row]
            for row in ws.iter_rows(values_only=True)]


def one_line(header: str) -> str:
    return " ".join(header.split())


def google_forms(name: str, stamp: str) -> list[Record]:
    rows = csv_rows(name)
    header = rows[0]
    out = []
    for i, r in enumerate(rows[1:], start=2):
        d = dict(zip(header, r))
        when = datetime.strptime(re.sub(r" GMT[+-]\d+$", "", d["Timestamp"]), stamp)
        cells = {h: (h[h.rindex("[") + 1 : -1], v) for h, v in d.items() if h.endswith("]")}
        out.append(Record(i, person(d["Email Address"], "", i), when, cells))
    return out


def ms_forms(name: str) -> list[Record]:
    rows = xlsx_rows(name) if name.endswith(".xlsx") else csv_rows(name, "utf-8-sig")
    header = rows[0]
    out = []
    for i, r in enumerate(rows[1:], start=2):
        d = dict(zip(header, r))
        when = d["Completion time"]
        when = when if isinstance(when, datetime) else datetime.strptime(when, "%m/%d/%Y %H:%M")
        cells = {h: (h.partition(".")[2], v) for h, v in d.items() if h.startswith("Rate your proficiency")}
        out.append(Record(i, person(d["Email"], d["ID"], i), when, cells))
    return out


def surveymonkey(name: str) -> list[Record]:
    rows = csv_rows(name)
    headers, question = [], ""
    for q, label in zip(rows[0], rows[1]):
        question = q or question
        headers.append(question if label in ("", "Response", "Open-Ended Response") else f"{question} [{label}]")
    matrix = {h: label for h, label in zip(headers, rows[1]) if h.startswith("Please rate")}
    out = []
    for i, r in enumerate(rows[2:], start=3):
        d = dict(zip(headers, r))
        when = datetime.strptime(d["End Date"], "%m/%d/%Y %I:%M:%S %p")
        cells = {h: (area, d[h]) for h, area in matrix.items()}
        out.append(Record(i, person(d["Email Address"], d["Respondent ID"], i), when, cells))
    return out


def surveymonkey_older(name: str) -> list[Record]:
    """RespondentID and the questions only: the email is a question, no dates (nobody answered twice)."""
    rows = csv_rows(name)
    question, headers = "", []
    for q, label in zip(rows[0], rows[1]):
        question = q or question
        headers.append(question if label in ("", "Response", "Open-Ended Response") else f"{question} [{label}]")
    matrix = {h: label for h, label in zip(headers, rows[1]) if h.startswith("Please rate")}
    out = []
    for i, r in enumerate(rows[2:], start=3):
        d = dict(zip(headers, r))
        cells = {h: (area, d[h]) for h, area in matrix.items()}
        out.append(Record(i, person(d["What is your work email address?"], d["RespondentID"], i), datetime(2000, 1, 1),
                          cells))
    return out


def qualtrics_older(name: str, legacy: bool) -> list[Record]:
    """Qualtrics' 2016 export (ids, text, ImportIds in single quotes; records from row 4) or its legacy one
    (V1…Vn, names and text; records from row 3): statements after the bare hyphen, Status 1 a preview,
    Finished 0 unfinished."""
    rows = csv_rows(name, "utf-8-sig")
    ids, texts = rows[0], rows[1]
    if legacy:
        assert ids[:10] == [f"V{k}" for k in range(1, 11)]
        first = 3
    else:
        assert all(c.startswith("{'ImportId': '") for c in rows[2])
        first = 4
    out = []
    for i, r in enumerate(rows[first - 1 :], start=first):
        d = dict(zip(texts, r))
        cells = {t: (t.rsplit("-", 1)[1], v) for t, v in zip(texts, r) if t.startswith("Rate your proficiency")}
        dropped = ""
        if d["Status"] == "1":
            dropped = "survey preview, not a real response"
        elif d["Finished"] == "0":
            dropped = "unfinished response (Finished is 0)"
        email = d["EmailAddress"] if legacy else d["RecipientEmail"]
        when = datetime.strptime(d["EndDate"], "%Y-%m-%d %H:%M:%S")
        out.append(Record(i, person(email, d["ResponseID"], i), when, cells, dropped))
    return out


def left_out(records: list[Record]) -> list[str]:
    """The warnings a Qualtrics import gives for the rows its export marks as no real response."""
    out = []
    for what in ("survey preview", "unfinished response"):
        rows = [r.row for r in records if r.dropped.startswith(what)]
        if rows:
            out.append(f"{len(rows)} {what}(s) left out: {'row' if len(rows) == 1 else 'rows'} "
                       f"{', '.join(map(str, rows))}.")
    return out


def qualtrics(name: str) -> list[Record]:
    rows = csv_rows(name, "utf-8-sig")
    ids, texts = rows[0], rows[1]
    assert all(c.startswith('{"ImportId"') for c in rows[2])
    out = []
    for i, r in enumerate(rows[3:], start=4):
        d = dict(zip(ids, r))
        cells = {t: (t.split(" - ")[-1], v) for k, t, v in zip(ids, texts, r) if k.startswith("Q3_")}
        dropped = ""
        if d["Status"] in ("Survey Preview", "1"):
            dropped = "survey preview, not a real response"
        elif d["Finished"] in ("False", "0"):
            dropped = f"unfinished response (Finished is {d['Finished']}, {d['Progress']}% progress)"
        when = datetime.strptime(d["EndDate"], "%Y-%m-%d %H:%M:%S")
        out.append(Record(i, person(d["RecipientEmail"], d["ResponseId"], i), when, cells, dropped))
    return out


def by_header(rows: list[list], areas: dict[str, str], stamp_col: str, stamp: str | None) -> list[Record]:
    """A one-header-row table whose area columns are named in ``areas`` (header -> area name)."""
    header = [one_line(str(h)) for h in rows[0]]
    out = []
    for i, r in enumerate(rows[1:], start=2):
        if not any(str(v).strip() for v in r):
            continue  # an empty row at the end
        d = dict(zip(header, r))
        when = d[stamp_col] if stamp is None else datetime.strptime(d[stamp_col], stamp)
        cells = {h: (areas[h], str(v)) for h, v in d.items() if h in areas}
        out.append(Record(i, person(d["Email"], "", i), when, cells))
    return out


# how the hand-made files name the areas, typed here from what a district would write
HANDMADE = {
    "Data privacy & security": "Data Privacy and Security",
    "IT Mgmt": "Information Technology Management",
    "Comm. Systems Mgmt": "Communication Systems Management",
    "LEADERSHIP & vision": "Leadership and Vision",
    "strategic planning": "Strategic Planning",
    "Ethics/Policies": "Ethics and Policies",
    "Instr. Focus & PD": "Instructional Focus and Professional Development",
    "Team building/staffing": "Team Building and Staffing",
    "Business Mgmt": "Business Management",
    "data mgmt": "Data Management",
}
LONG = {
    "Leadership & Vision": "Leadership and Vision",
    "strategic planning": "Strategic Planning",
    "Ethics and Policies": "Ethics and Policies",
    "Instructional Focus & PD": "Instructional Focus and Professional Development",
    "Team Building & Staffing": "Team Building and Staffing",
    "IT Mgmt": "Information Technology Management",
    "Comm. Systems Mgmt": "Communication Systems Management",
    "Business Mgmt": "Business Management",
    "Data Mgmt": "Data Management",
    "Data privacy & security": "Data Privacy and Security",
}
TSV = {
    "Leadership & Vision": "Leadership and Vision",
    "Strategic Planning": "Strategic Planning",
    "Ethics & Policies": "Ethics and Policies",
    "Instruction & PD": "Instructional Focus and Professional Development",
    "Team & Staffing": "Team Building and Staffing",
    "IT Management": "Information Technology Management",
    "Comm. Systems": "Communication Systems Management",
    "Business Mgmt": "Business Management",
    "Data Mgmt": "Data Management",
    "Privacy & Security": "Data Privacy and Security",
}
FULL_NAMES = {name: name for name in AREA_ID}


def long_layout(name: str) -> list[Record]:
    rows = csv_rows(name)
    header = rows[0]
    out = []
    for i, r in enumerate(rows[1:], start=2):
        d = dict(zip(header, r))
        when = datetime.strptime(d["Submitted"], "%m/%d/%Y %H:%M")
        out.append(Record(i, person(d["Email"], "", i), when, {"Rating": (LONG[d["Skill area"]], d["Rating"])}))
    return out


# ---- what the import must report, worked out from the records -----------------------------
@dataclass
class Expected:
    rows_read: int
    rows_used: int
    respondents: int
    figures: dict[str, tuple[int, float]]  # area id -> (n, mean)
    whole_rows: dict[int, str]  # rejected row -> reason
    bad_cells: set[tuple[int, str, str]] = field(default_factory=set)  # (row, column, value)


def expect_wide(records: list[Record]) -> Expected:
    """One row per person: a row with no answer (no rating, no N/A) is rejected; of one person's rows
    the latest counts; a respondent is a counted row with at least one rating."""
    whole = {r.row: r.dropped for r in records if r.dropped}
    live = [r for r in records if not r.dropped]
    bad = {(r.row, col, raw) for r in live for col, (_, raw) in r.cells.items() if answer(raw) == BAD}
    answered = [r for r in live if any(answer(raw) not in (BLANK, BAD) for _, raw in r.cells.values())]
    whole.update({r.row: "no answer in any skill area (every answer blank or unreadable)"
                  for r in live if r not in answered})
    latest: dict[str, Record] = {}
    for r in answered:
        if r.key not in latest or (r.stamp, r.row) > (latest[r.key].stamp, latest[r.key].row):
            latest[r.key] = r
    for r in answered:
        keeper = latest[r.key]
        if keeper is not r:
            what = "email" if r.key.startswith("email:") else "respondent ID"
            whole[r.row] = f"superseded by a later response with the same {what} (row {keeper.row})"
    values, people = defaultdict(list), set()
    for r in latest.values():
        for area, raw in r.cells.values():
            if isinstance(answer(raw), int):
                values[AREA_ID[area]].append(answer(raw))
                people.add(r.key)
    figures = {a: (len(v), sum(v) / len(v)) for a, v in values.items()}
    return Expected(len(records), len(latest), len(people), figures, whole, bad)


def expect_long(records: list[Record]) -> Expected:
    """One row per answer: blank and unreadable ratings are rejected; per person and area the latest counts."""
    whole, bad, ok = {}, set(), []
    for r in records:
        (area, raw), = r.cells.values()
        if answer(raw) == BAD:
            whole[r.row] = "the rating cannot be read (see the cell)"
            bad.add((r.row, "Rating", raw))
        elif answer(raw) == BLANK:
            whole[r.row] = "the rating is blank"
        else:
            ok.append(r)
    latest: dict[tuple[str, str], Record] = {}
    for r in ok:
        k = (r.key, r.cells["Rating"][0])
        if k not in latest or (r.stamp, r.row) > (latest[k].stamp, latest[k].row):
            latest[k] = r
    for r in ok:
        keeper = latest[(r.key, r.cells["Rating"][0])]
        if keeper is not r:
            whole[r.row] = f"superseded by a later answer for the same person and skill area (row {keeper.row})"
    values, people = defaultdict(list), set()
    for (key, area), r in latest.items():
        level = answer(r.cells["Rating"][1])
        if isinstance(level, int):
            values[AREA_ID[area]].append(level)
            people.add(key)
    figures = {a: (len(v), sum(v) / len(v)) for a, v in values.items()}
    return Expected(len(records), len(latest), len(people), figures, whole, bad)


# ---- the fixtures --------------------------------------------------------------------------
@dataclass
class Case:
    records: object  # () -> list[Record]
    source: str
    unmapped: list[str]  # the columns the report lists as not used
    warnings: list[str] = field(default_factory=list)  # the format's own warnings, in order
    scale_assumed: bool = False  # plain numbers only: the core warns that the 1-4 scale was assumed
    layout: str = "wide"
    twice: bool = True  # someone answered on 11/9 and again on 11/10 (a file without emails and dates cannot say)

    @property
    def tool(self) -> str:
        """The format module's name: the source format without the export's generation."""
        return self.source if self.source == GENERIC else self.source.split(" (")[0]


GENERIC = "Spreadsheet (one header row)"
ANYTHING_ELSE = "Anything else you'd like the technology office to know?"
Q_META = ["Start Date", "Response Type", "IP Address", "Progress", "Duration (in seconds)", "Finished",
          "Recorded Date", "External Data Reference", "Location Latitude", "Location Longitude",
          "Distribution Channel", "User Language", ANYTHING_ELSE]
Q_LEFT_OUT = ["2 survey preview(s) left out: rows 4, 5.", "1 unfinished response(s) left out: row 18."]
Q_CODES = ("This is a numeric-values export: 'What is your role?' and 'Which school or department do you work in?' "
           "hold choice codes, not names, so results by role and by school or department will show codes. "
           "Export the data with choice text to see names.")
Q16_META = ["ResponseSet", "IPAddress", "StartDate", "ExternalDataReference", "Finished", "Status", ANYTHING_ELSE,
            "LocationLatitude", "LocationLongitude", "LocationAccuracy"]
QLEGACY_META = ["ResponseSet", "ExternalDataReference", "IPAddress", "Status", "StartDate", "Finished", ANYTHING_ELSE,
                "LocationLatitude", "LocationLongitude", "LocationAccuracy"]
QUALTRICS = "Qualtrics (current export: ImportId row in JSON)"
CASES = {
    "google_forms.csv": Case(lambda: google_forms("google_forms.csv", "%Y/%m/%d %I:%M:%S %p"),
                             "Google Forms (responses downloaded from Google Forms)",
                             ["How many years have you worked in district technology?", ANYTHING_ELSE]),
    "google_forms_sheets.csv": Case(lambda: google_forms("google_forms_sheets.csv", "%m/%d/%Y %H:%M:%S"),
                                    "Google Forms (response sheet downloaded from Google Sheets)", ["Comments"],
                                    scale_assumed=True),
    "ms_forms.xlsx": Case(lambda: ms_forms("ms_forms.xlsx"), "Microsoft Forms (responses workbook)",
                          ["Start time", "Last modified time", ANYTHING_ELSE]),
    "ms_forms_utf8bom.csv": Case(lambda: ms_forms("ms_forms_utf8bom.csv"),
                                 "Microsoft Forms (responses workbook saved as CSV)",
                                 ["Start time", "Last modified time", ANYTHING_ELSE]),
    "surveymonkey.csv": Case(lambda: surveymonkey("surveymonkey.csv"),
                             "SurveyMonkey (current export: Respondent ID, Collector ID, two header rows)",
                             ["Collector ID", "Start Date", "IP Address", "Custom Data 1",
                              "What is your job role? [Other (please specify)]", ANYTHING_ELSE]),
    "surveymonkey_older.csv": Case(lambda: surveymonkey_older("surveymonkey_older.csv"),
                                   "SurveyMonkey (older export: RespondentID, no Collector ID, two header rows)",
                                   [ANYTHING_ELSE], twice=False),
    "qualtrics_labels.csv": Case(lambda: qualtrics("qualtrics_labels.csv"), QUALTRICS, Q_META, Q_LEFT_OUT),
    "qualtrics_numeric.csv": Case(lambda: qualtrics("qualtrics_numeric.csv"), QUALTRICS, Q_META,
                                  [*Q_LEFT_OUT, Q_CODES], scale_assumed=True),
    "qualtrics_2016.csv": Case(lambda: qualtrics_older("qualtrics_2016.csv", legacy=False),
                               "Qualtrics (2016 export: ImportId row in single quotes)", Q16_META,
                               left_out(qualtrics_older("qualtrics_2016.csv", legacy=False))),
    "qualtrics_legacy.csv": Case(lambda: qualtrics_older("qualtrics_legacy.csv", legacy=True),
                                 "Qualtrics (legacy export: V1…Vn ids, question text in row 2)", QLEGACY_META,
                                 left_out(qualtrics_older("qualtrics_legacy.csv", legacy=True))),
    "handmade_wide.xlsx": Case(lambda: by_header(xlsx_rows("handmade_wide.xlsx"), HANDMADE, "Date entered", None),
                               GENERIC, ["Notes"], scale_assumed=True),
    "long_layout.csv": Case(lambda: long_layout("long_layout.csv"), GENERIC, [], layout="long"),
    "cp1252_semicolon.csv": Case(
        lambda: by_header(csv_rows("cp1252_semicolon.csv", "cp1252", ";"), FULL_NAMES, "Date", "%Y-%m-%d %H:%M"),
        GENERIC, ["Comments"], scale_assumed=True),
    "tab_crlf.tsv": Case(
        lambda: by_header(csv_rows("tab_crlf.tsv", "utf-8", "\t"), TSV, "Timestamp", "%m/%d/%Y %H:%M:%S"),
        GENERIC, []),
}


def load(name: str, as_name: str | None = None):
    result = read_survey((FIXTURES / name).read_bytes(), as_name or name, FW)
    rep = result.report
    assert rep.reconciles, f"read {rep.rows_read} != used {rep.rows_used} + rejected {rep.rows_rejected}"
    return result


def figures(result, k: int | None = None) -> dict[str, tuple[int, float]]:
    summary = (area_summary(result.ratings, FW, result.scale, TARGETS) if k is None
               else publish(result.ratings, FW, result.scale, TARGETS, k).areas())
    rated = summary[summary["n"] > 0]
    return {area_id: (int(row["n"]), float(row["mean"])) for area_id, row in rated.iterrows()}


def assert_same_figures(got: dict[str, tuple[int, float]], want: dict[str, tuple[int, float]]) -> None:
    assert set(got) == set(want)
    for area_id, (n, mean) in want.items():
        assert got[area_id][0] == n, area_id
        assert got[area_id][1] == pytest.approx(mean), area_id


def expected(name: str) -> Expected:
    case = CASES[name]
    records = case.records()
    return expect_long(records) if case.layout == "long" else expect_wide(records)


@pytest.mark.parametrize("name", list(CASES))
def test_fixture_imports_with_the_figures_worked_out_from_the_file(name):
    """Format, layout, rows read = used + rejected, respondents, per-area n and mean, rejects and warnings."""
    case, want = CASES[name], expected(name)
    result = load(name)
    rep = result.report
    assert rep.source_format == case.source
    assert rep.layout == case.layout
    assert rep.scale_id == "1-4"
    assert (rep.rows_read, rep.rows_used, rep.rows_rejected) == (
        want.rows_read, want.rows_used, len(want.whole_rows))
    assert rep.respondents == want.respondents >= 5
    assert rep.missing_areas == []
    assert set(want.figures) == set(AREA_ID.values())
    assert_same_figures(figures(result), want.figures)
    records = rep.rejected_records()
    assert {r["row"]: r["reason"] for r in records if r["column"] == ROW} == want.whole_rows
    assert {(r["row"], r["column"], r["value"]) for r in records if r["column"] != ROW} == want.bad_cells
    assert rep.unmapped_columns == case.unmapped
    own = [w for w in rep.warnings if not w.startswith(SCALE_NOTE) and "column(s) not used" not in w]
    assert own == case.warnings
    assert any(w.startswith(SCALE_NOTE) for w in rep.warnings) == case.scale_assumed


@pytest.mark.parametrize("name", list(CASES))
def test_every_fixture_has_what_the_tests_rely_on(name):
    """Each fixture: 8-20 people, someone who answered on 11/9 and again on 11/10, N/A answers and bad cells."""
    want = expected(name)
    records = CASES[name].records()
    assert 8 <= want.respondents <= 20
    assert want.bad_cells
    assert any(answer(raw) == NA for r in records for _, raw in r.cells.values()) or name == "qualtrics_numeric.csv"
    superseded = [row for row, why in want.whole_rows.items() if why.startswith("superseded")]
    assert bool(superseded) == CASES[name].twice
    if not superseded:
        return
    stamps = {r.row: r.stamp for r in records}
    keepers = {int(re.search(r"\(row (\d+)\)", want.whole_rows[row])[1]) for row in superseded}
    assert {(stamps[row].month, stamps[row].day) for row in superseded} == {(11, 9)}
    assert {(stamps[row].month, stamps[row].day) for row in keepers} == {(11, 10)}


@pytest.mark.parametrize("name", list(CASES))
def test_command_line_gives_the_same_respondents_and_means(name):
    """`python -m framework summarize FILE --json` agrees with read_survey + area_summary (anonymous, k = 5)."""
    proc = subprocess.run([sys.executable, "-m", "framework", "summarize", str(FIXTURES / name), "--json"],
                          cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)
    result = load(name)
    summary = publish(result.ratings, FW, result.scale, TARGETS, 5).areas()
    assert payload["respondents"] == respondent_count(result.ratings) == result.report.respondents
    assert payload["suppressed"] is False
    assert not summary["suppressed"].any()
    assert set(payload["areas"]) == set(summary["area"])
    for row in summary.itertuples():
        shown = payload["areas"][row.area]
        assert shown["n"] == row.n
        assert shown["mean"] == pytest.approx(row.mean, abs=1e-4)


# ---- the fixture script --------------------------------------------------------------------
def test_fixture_script_reproduces_the_committed_files(tmp_path):
    """Re-running make_fixtures.py writes the same files: CSVs byte for byte, workbooks part for part."""
    script = FIXTURES / "make_fixtures.py"
    proc = subprocess.run([sys.executable, str(script), "--out", str(tmp_path)], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    made = sorted(p.name for p in tmp_path.iterdir())
    assert made == sorted(CASES)
    for name in made:
        new, old = (tmp_path / name).read_bytes(), (FIXTURES / name).read_bytes()
        if name.endswith(".xlsx"):  # the zip's compressed bytes may differ between zlib builds; the parts may not
            with zipfile.ZipFile(io.BytesIO(new)) as a, zipfile.ZipFile(io.BytesIO(old)) as b:
                assert a.namelist() == b.namelist(), name
                for part in a.namelist():
                    assert a.read(part) == b.read(part), (name, part)
        else:
            assert new == old, name


# ---- format details ------------------------------------------------------------------------
def test_formats_are_registered_and_each_detects_its_own_fixture():
    """Every survey tool has a module in FORMATS, and each fixture is claimed by the right one."""
    names = [f.name for f in FORMATS]
    assert names[-1] == GENERIC
    for tool in ("Google Forms", "Microsoft Forms", "SurveyMonkey", "Qualtrics"):
        assert tool in names
    for name, case in CASES.items():
        raw = read_table((FIXTURES / name).read_bytes(), name)
        assert pick_format(raw).name == case.tool, name
        assert sum(f.detect(raw) >= 0.5 for f in FORMATS) <= 1, name  # no second format is nearly as sure


def test_google_forms_download_timestamps_are_read_with_their_time_zone():
    """Forms' own download stamps '2026/11/09 4:31:07 PM GMT-5'; they become UTC, other text stays."""
    stamps = pd.Series(["2026/11/09 4:31:07 PM GMT-5", "2026/11/10 8:04:52 am GMT-4", "2026/11/10 8:00:00 AM EST",
                        "2026/11/10 12:00:00 AM GMT+5:30", "11/9/2026 16:31:07", ""], index=[2, 3, 4, 5, 6, 7])
    out = forms_timestamps(stamps)
    assert out.to_dict() == {2: "2026-11-09 21:31:07", 3: "2026-11-10 12:04:52", 4: "2026-11-10 13:00:00",
                             5: "2026-11-09 18:30:00", 6: "11/9/2026 16:31:07", 7: ""}


def test_google_forms_download_keeps_the_later_answer_whatever_the_row_order():
    """With the data rows reversed, the 11/10 answer still beats the 11/9 one (time, not position, decides)."""
    rows = csv_rows("google_forms.csv")
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([rows[0], *reversed(rows[1:])])
    result = read_survey(buf.getvalue().encode("utf-8"), "reversed.csv", FW)
    n = len(rows) - 1
    records = google_forms("google_forms.csv", "%Y/%m/%d %I:%M:%S %p")
    flipped = [Record(n + 3 - r.row, r.key, r.stamp, r.cells) for r in records]
    want = expect_wide(flipped)
    whole = {r["row"]: r["reason"] for r in result.report.rejected_records() if r["column"] == ROW}
    assert whole == want.whole_rows
    assert_same_figures(figures(result), want.figures)


def test_google_forms_comments_keep_commas_quotes_and_line_breaks():
    """Quoted comments with commas, doubled quotes and line breaks stay one cell; row numbers count records."""
    raw = read_table((FIXTURES / "google_forms.csv").read_bytes(), "google_forms.csv")
    comments = set(raw.cells[raw.cells.columns[-1]])
    assert 'Our "single sign-on" rollout taught me a lot, but I still need help with data privacy agreements.' in comments
    assert "New to the district this year.\nStill learning our systems." in comments
    assert len(raw.cells) == len(csv_rows("google_forms.csv"))


def test_ms_forms_anonymous_rows_are_different_people():
    """'anonymous' in Email marks distinct people: each counts once, keyed by the form's ID."""
    rows = xlsx_rows("ms_forms.xlsx")
    anonymous_ids = {r[0] for r in rows[1:] if r[3] == "anonymous"}
    assert len(anonymous_ids) == 3
    result = load("ms_forms.xlsx")
    keys = set(result.ratings["respondent"].astype(str))
    assert {f"id:{i}" for i in anonymous_ids} <= keys
    assert not any("anonymous" in k for k in keys)
    assert {m.column: (m.target, m.method) for m in result.report.mapping if m.column in (
        "ID", "Start time", "Completion time", "Email", "Name", "Last modified time")} == {
        "ID": ("respondent_id", "survey format"), "Completion time": ("timestamp", "survey format"),
        "Email": ("email", "survey format"), "Name": ("name", "survey format"),
        "Start time": ("", "survey metadata"), "Last modified time": ("", "survey metadata"),
    }


def test_ms_forms_likert_headed_by_the_statement_alone():
    """Likert columns headed by the bare statement ("Data Privacy and Security") read the same."""
    wb = openpyxl.load_workbook(FIXTURES / "ms_forms.xlsx")
    ws = wb.active
    for cell in ws[1]:
        if str(cell.value).startswith("Rate your proficiency"):
            cell.value = cell.value.partition(".")[2]
    buf = io.BytesIO()
    wb.save(buf)
    result = read_survey(buf.getvalue(), "Staff skills survey.xlsx", FW)
    assert result.report.source_format == "Microsoft Forms (responses workbook)"
    mapping = {m.column: m.target for m in result.report.mapping}
    assert all(mapping[a.name] == a.id for a in FW.areas)
    assert_same_figures(figures(result), expected("ms_forms.xlsx").figures)


def test_ms_forms_workbook_and_its_csv_save_agree():
    """The workbook and Excel's "CSV UTF-8" save of it give the same people, ratings and rejects."""
    book, saved = load("ms_forms.xlsx"), load("ms_forms_utf8bom.csv")
    assert saved.report.file_kind == "CSV (UTF-8 with BOM, comma-separated)"
    cols = ["respondent", "name", "email", "role", "group", "area_id", "rating", "status", "row"]
    pd.testing.assert_frame_equal(book.ratings[cols].astype(str), saved.ratings[cols].astype(str))
    assert book.report.rejected_records() == saved.report.rejected_records()


def test_xlsx_renamed_to_csv_is_read_as_the_workbook_it_is():
    """The content decides: ms_forms.xlsx uploaded as 'responses.csv' gives the same result."""
    as_xlsx, as_csv = load("ms_forms.xlsx"), load("ms_forms.xlsx", "responses.csv")
    assert as_csv.report.file_kind == "Excel workbook, sheet 'Sheet1'"
    assert as_csv.report.source_format == "Microsoft Forms (responses workbook)"
    pd.testing.assert_frame_equal(as_csv.ratings.astype(str), as_xlsx.ratings.astype(str))


def test_surveymonkey_builds_one_header_per_column_from_its_two_header_rows():
    """The matrix question is carried over the blanks; Response and Open-Ended Response add nothing."""
    raw = read_table((FIXTURES / "surveymonkey.csv").read_bytes(), "surveymonkey.csv")
    prepared = pick_format(raw).prepare(raw)
    cols = list(prepared.frame.columns)
    question = "Please rate your current proficiency in each of the following skill areas."
    assert cols[9:13] == ["What is your job role?", "What is your job role? [Other (please specify)]",
                          "Which school or department do you work in?", f"{question} [Leadership and Vision]"]
    assert cols[21] == f"{question} [Data Privacy and Security]"
    assert cols[-1] == ANYTHING_ELSE
    assert prepared.frame.index[0] == 3  # records start below the two header rows, numbered as the sheet does
    assert prepared.hints == {"Respondent ID": "respondent_id", "End Date": "timestamp", "Email Address": "email",
                              "First Name": "first_name", "Last Name": "last_name", "Collector ID": "",
                              "Start Date": "", "IP Address": "", "Custom Data 1": ""}
    result = load("surveymonkey.csv")
    web = result.ratings[result.ratings["email"].eq("")]
    assert web["respondent"].astype(str).str.startswith("id:").all() and web["respondent"].nunique() == 3
    assert web["name"].eq("").all()
    named = result.ratings[result.ratings["email"].ne("")]
    assert not named["name"].eq("").any()  # First Name + Last Name


def test_qualtrics_uses_the_statement_text_and_knows_its_columns_by_id():
    """Row 2 is the header; 'X - Statement' names the area; ids decide the identity and metadata columns."""
    result = load("qualtrics_labels.csv")
    mapping = {m.column: m.target for m in result.report.mapping}
    for area in FW.areas:
        assert mapping[f"Rate your proficiency in each skill area - {area.name}"] == area.id
    assert mapping["Response ID"] == "respondent_id"
    assert mapping["Recipient Email"] == "email"
    assert mapping["End Date"] == "timestamp"
    assert mapping["Start Date"] == mapping["Recorded Date"] == mapping["Location Latitude"] == ""
    assert mapping["What is your role?"] == "role"
    anonymous_link = result.ratings[result.ratings["email"].eq("")]
    assert anonymous_link["respondent"].astype(str).str.match(r"^id:R_\w{15}$").all()
    assert anonymous_link["respondent"].nunique() == 2


def test_qualtrics_numeric_export_matches_the_labels_export_but_shows_codes():
    """Same responses: the same figures; roles and schools come through as codes; N/A (-99) is rejected."""
    labels, numeric = load("qualtrics_labels.csv"), load("qualtrics_numeric.csv")
    assert_same_figures(figures(numeric), figures(labels))
    assert set(numeric.ratings["role"]) <= {str(i) for i in range(1, 8)}
    assert set(numeric.ratings["group"]) <= {str(i) for i in range(1, 5)}
    assert not any("numeric-values" in w for w in labels.report.warnings)
    na_codes = [r for r in numeric.report.rejected_records() if r["value"] == "-99"]
    assert len(na_codes) == labels.report.cells_not_applicable


def test_qualtrics_test_responses_are_left_out_too():
    """A 'Survey Test' response (or channel 'test') is left out like a preview, with its own reason."""
    rows = csv_rows("qualtrics_labels.csv", "utf-8-sig")
    ids = rows[0]
    status = ids.index("Status")
    row7 = list(rows[6])
    row7[status] = "Survey Test"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([*rows[:6], row7, *rows[7:]])
    result = read_survey(b"\xef\xbb\xbf" + buf.getvalue().encode(), "q.csv", FW)
    whole = {r["row"]: r["reason"] for r in result.report.rejected_records() if r["column"] == ROW}
    assert whole[7] == "survey test, not a real response"
    assert "1 survey test(s) left out: row 7." in result.report.warnings
    assert result.report.reconciles


def test_hand_made_abbreviations_odd_case_and_stray_spaces_map_to_the_areas():
    """The generic format reads the district's own headers: 'IT Mgmt', 'Comm. Systems Mgmt', stray spaces."""
    for name, areas in (("handmade_wide.xlsx", HANDMADE), ("tab_crlf.tsv", TSV)):
        mapping = {m.column: m.target for m in load(name).report.mapping}
        for header, area in areas.items():
            assert mapping[header] == AREA_ID[area], (name, header)
    long = load("long_layout.csv")
    assert {m.column: m.target for m in long.report.mapping}["Skill area"] == "area_name"


# ---- encodings, delimiters, line ends ------------------------------------------------------
def test_windows_1252_semicolon_file_keeps_its_accents():
    """Windows-1252 bytes: accented names and the curly apostrophe come through; 2,5 is a bad cell."""
    data = (FIXTURES / "cp1252_semicolon.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert b"\r\n" in data and b";" in data
    result = load("cp1252_semicolon.csv")
    assert result.report.file_kind == "CSV (Windows-1252, semicolon-separated)"
    names = {r[1] for r in csv_rows("cp1252_semicolon.csv", "cp1252", ";")[1:]}
    assert set(result.ratings["name"].astype(str)) == names
    assert any(not n.isascii() for n in names)
    assert "Don’t know" in data.decode("cp1252")


def test_tab_file_with_crlf_and_trailing_empty_columns_and_rows():
    """Trailing empty columns and rows are dropped, not read as columns or blank responses."""
    data = (FIXTURES / "tab_crlf.tsv").read_bytes()
    assert data.count(b"\r\n") == data.count(b"\n") and data.endswith(b"\r\n\r\n")
    raw = read_table(data, "tab_crlf.tsv")
    header = csv_rows("tab_crlf.tsv", "utf-8", "\t")[0]
    assert header[-2:] == ["", ""]
    assert raw.cells.shape[1] == len(header) - 2
    assert raw.kind_text == "CSV (UTF-8, tab-separated)"
    assert load("tab_crlf.tsv").report.blank_rows == 0


@pytest.mark.parametrize(("encoding", "delimiter", "newline", "kind"), [
    ("utf-8", ",", "\n", "CSV (UTF-8, comma-separated)"),
    ("utf-8-sig", ";", "\r\n", "CSV (UTF-8 with BOM, semicolon-separated)"),
    ("cp1252", "\t", "\r\n", "CSV (Windows-1252, tab-separated)"),
    ("utf-16", "\t", "\r\n", "CSV (UTF-16, tab-separated)"),  # Excel's "Unicode Text"
    ("utf-8", ",", "\r", "CSV (UTF-8, comma-separated)"),  # old Mac line ends
])
def test_encodings_delimiters_and_line_ends(encoding, delimiter, newline, kind):
    """The same small table in each encoding, separator and line end gives the same names and figures."""
    rows = [["Name", "Email", "Leadership and Vision", "Data Management", "Comments"],
            ["José Muñoz", "jose@x.org", "3", "N/A", "Good, very good; thanks"],
            ["Renée Côté", "renee@x.org", "4", "2", ""],
            ["Zoë Øberg", "zoe@x.org", "2", "4", "OK"]]
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator=newline).writerows(rows)
    result = read_survey(buf.getvalue().encode(encoding), "upload.csv", FW)
    assert result.report.file_kind == kind
    assert sorted(result.ratings["name"].astype(str).unique()) == ["José Muñoz", "Renée Côté", "Zoë Øberg"]
    # Leadership and Vision: 3, 4, 2 -> n 3, mean 3; Data Management: N/A, 2, 4 -> n 2, mean 3
    assert figures(result) == {"leadership-vision": (3, 3.0), "data-management": (2, 3.0)}


def test_empty_lines_above_the_header_are_skipped_and_rows_keep_their_numbers():
    """A CSV that starts with empty lines is read from its first filled row; row numbers stay the file's."""
    text = "\r\n,,,\r\nName,Email,Leadership and Vision\r\nAnn,ann@x.org,3\r\nBo,bo@x.org,nonsense\r\n"
    result = read_survey(text.encode(), "upload.csv", FW)
    assert result.report.reconciles
    assert result.ratings.drop_duplicates("respondent").set_index("name")["row"].to_dict() == {"Ann": 4}
    assert [(r["row"], r["value"]) for r in result.report.rejected_records() if r["column"] != ROW] == [(5, "nonsense")]


# ---- header matching -----------------------------------------------------------------------
@pytest.mark.parametrize(("header", "area"), [
    ("Rate your proficiency in each skill area - Data Privacy and Security", "data-privacy-security"),
    # the question text names another area: the statement after the last " - " or the dot decides
    ("For your professional development plan, rate yourself - Data Management", "data-management"),
    ("Information technology skills - Data Privacy", "data-privacy-security"),
    ("For your professional development plan, rate yourself.Data Management", "data-management"),
    ("Rate your information technology skills [Business Mgmt]", "business-management"),
    ("Rate yourself - IT Mgmt", "it-management"),
    # no statement to split off: a dot inside an abbreviation, a trailing dot, a statement that is no area
    ("Comm. Systems Mgmt", "communication-systems"),
    ("business mgmt.", "business-management"),
    ("Leadership - Vision", "leadership-vision"),
])
def test_statement_after_the_question_text_names_the_area(header, area):
    assert AreaMatcher(FW).match(header)[0] == area


def test_free_text_questions_are_not_identity_columns():
    """'Anything else … technology office …' is a comment, not the school or department, even when first."""
    assert match_identity("Anything else you'd like the technology office to know?") == ""
    assert match_identity("Comments for the department") == ""
    assert match_identity("Which school or department do you work in?") == "group"
    cols = ["Anything else you'd like the technology office to know?", "School", "Leadership and Vision"]
    assert {m.column: m.target for m in map_columns(cols, FW)} == {cols[0]: "", "School": "group",
                                                                   "Leadership and Vision": "leadership-vision"}


# ---- export generations ----------------------------------------------------------------------
def test_older_surveymonkey_keeps_its_matrix_row_labels():
    """'RespondentID' without 'Collector ID' is still SurveyMonkey: the matrix labels of row 2 name the columns."""
    raw = read_table((FIXTURES / "surveymonkey_older.csv").read_bytes(), "surveymonkey_older.csv")
    prepared = pick_format(raw).prepare(raw)
    question = "Please rate your current proficiency in each of the following skill areas."
    assert f"{question} [Data Privacy and Security]" in prepared.frame.columns
    assert prepared.frame.index[0] == 3
    assert prepared.hints == {"RespondentID": "respondent_id"}
    assert prepared.source_format == "SurveyMonkey (older export: RespondentID, no Collector ID, two header rows)"


def test_qualtrics_2016_import_id_row_is_never_a_response():
    """Row 3 ({'ImportId': ...} in single quotes) is a header row: records start at row 4, none holds an ImportId."""
    raw = read_table((FIXTURES / "qualtrics_2016.csv").read_bytes(), "qualtrics_2016.csv")
    prepared = pick_format(raw).prepare(raw)
    assert min([*prepared.frame.index, *(row for row, _ in prepared.dropped)]) == 4  # row 4 is the preview
    assert prepared.dropped[0] == (4, "survey preview, not a real response")
    assert not prepared.frame.apply(lambda c: c.astype(str).str.contains("ImportId")).any().any()
    result = load("qualtrics_2016.csv")
    assert 3 not in set(result.ratings["row"]) and 3 not in {r["row"] for r in result.report.rejected_records()}


def test_qualtrics_bare_hyphen_statements_are_split_where_neighbouring_columns_part():
    from framework.importer.sources.qualtrics import hyphen_statements

    texts = ["ResponseID", "Rate your proficiency-Data Management", "Rate your proficiency-Data Privacy and Security",
             "Check all that apply-E-Rate filing", "Check all that apply-Budgets", "Long-term plans (one column)"]
    assert hyphen_statements(texts) == {1: "Data Management", 2: "Data Privacy and Security", 3: "E-Rate filing",
                                        4: "Budgets"}


@pytest.mark.parametrize(("name", "generation"), [
    ("qualtRics__sample.csv", "Qualtrics (current export: ImportId row in JSON)"),
    ("qualtricstools__Sample_Survey_Sample_Survey.csv", "Qualtrics (2016 export: ImportId row in single quotes)"),
    ("qualtRics__sample_legacy.csv", "Qualtrics (legacy export: V1…Vn ids, question text in row 2)"),
    ("538__StarWars.csv", "SurveyMonkey (older export: RespondentID, no Collector ID, two header rows)"),
    ("uvads__fa24_Hot-Dog-Form-Fa24.csv", "Microsoft Forms (responses workbook saved as CSV)"),
    ("uvads__sp24_DS-4002-sp24-survey-results.xlsx", "Google Forms (response sheet downloaded from Google Sheets as .xlsx)"),
])
def test_real_exports_of_each_generation_are_recognised(name, generation):
    """Real exports from the public corpus (../shared/corpora/survey-exports) are told apart by generation."""
    from tests.test_corpus import CORPUS

    raw = read_table((CORPUS / "survey-exports" / name).read_bytes(), name)
    assert pick_format(raw).prepare(raw).source_format == generation
