"""The command line: `python -m framework summarize` and `make-sample`, run as a user would run them."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_definitions import AREAS_2018

ROOT = Path(__file__).parents[1]
SAMPLE = ROOT / "data" / "sample_district.csv"
AREA_NAMES = AREAS_2018  # the current framework's ten areas, in order


def run(*args: str | Path) -> subprocess.CompletedProcess:
    """Run `python -m framework ARGS` from the project root and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "framework", *map(str, args)],
        cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=120,
    )


def summarize_json(path: Path, *extra: str) -> dict:
    proc = run("summarize", path, "--json", *extra)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("\n") == 1  # one JSON object on one line
    return json.loads(proc.stdout)


def independent_means(path: Path) -> dict[str, tuple[int, float]]:
    """(n, mean) per area from the sample file with the csv module and plain Python.

    A cell "3 - Proficient" is 3; "N/A - Not part of my role" and blank are missing.
    """
    values: dict[str, list[int]] = {}
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            for header, cell in row.items():
                if not header.endswith("]"):
                    continue
                area = header[header.rindex("[") + 1 : -1]
                values.setdefault(area, [])
                cell = cell.strip()
                if not cell or cell.upper().startswith("N/A"):
                    continue
                values[area].append(int(cell.split(" - ")[0]))
    return {area: (len(v), sum(v) / len(v)) for area, v in values.items()}


def assert_plain_error(proc: subprocess.CompletedProcess):
    """Exit status 2, nothing on stdout, and one plain line on stderr with no traceback."""
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "Error:" not in proc.stderr  # no exception class names
    assert lines[0].endswith(".")


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------
# the sample district


@pytest.fixture(scope="module")
def sample_json() -> dict:
    return summarize_json(SAMPLE)


def test_summarize_sample_json_shape(sample_json):
    """--json prints one object with exactly the documented keys."""
    out = sample_json
    assert set(out) == {"respondents", "scale", "suppressed", "areas", "warnings", "rejected"}
    assert out["respondents"] == 25
    assert out["scale"] == {"min": 1, "max": 4}
    assert out["suppressed"] is False
    assert list(out["areas"]) == AREA_NAMES
    assert all(set(v) == {"n", "mean"} for v in out["areas"].values())
    assert isinstance(out["warnings"], list)
    assert out["rejected"] == []


def test_summarize_sample_means_match_an_independent_count(sample_json):
    """Each area's n and mean equal those computed from the CSV with the csv module."""
    out = sample_json
    expected = independent_means(SAMPLE)
    assert set(expected) == set(AREA_NAMES)
    for area, (n, mean) in expected.items():
        assert out["areas"][area]["n"] == n, area
        assert out["areas"][area]["mean"] == pytest.approx(mean, abs=5e-5), area  # JSON rounds to 4 places


def test_summarize_sample_readable_output():
    """The readable summary names every skill area and accounts for the rows."""
    proc = run("summarize", SAMPLE)
    assert proc.returncode == 0, proc.stderr
    for name in AREA_NAMES:
        assert name in proc.stdout
    assert "Rows: 25 read = 25 used + 0 rejected" in proc.stdout
    assert "Respondents: 25." in proc.stdout
    assert proc.stderr == ""


def test_summarize_other_framework_and_scale_options():
    """--framework cosn-2009 lists Stakeholder Focus (no column in the sample, so n 0, no mean)."""
    out = summarize_json(SAMPLE, "--framework", "cosn-2009", "--scale", "1-4")
    assert "Stakeholder Focus" in out["areas"]
    assert out["areas"]["Stakeholder Focus"] == {"n": 0, "mean": None}
    assert out["areas"]["Leadership and Vision"]["n"] == 25


# --------------------------------------------------------------------------------------------
# small teams and bad options


def test_four_respondents_are_suppressed(tmp_path):
    """A file with 4 respondents gives suppressed true and every mean null."""
    path = write_csv(tmp_path / "four.csv", (
        "Name,Email,Leadership and Vision,IT Management\n"
        "Ann,ann@x.org,3,4\nBo,bo@x.org,2,4\nCy,cy@x.org,4,3\nDi,di@x.org,1,2\n"
    ))
    out = summarize_json(path)
    assert out["respondents"] == 4
    assert out["suppressed"] is True
    assert all(v["mean"] is None for v in out["areas"].values())
    assert all(v["n"] is None for v in out["areas"].values())  # a hidden area has no figure, not even its n
    # with --min-group-size 3 the same file shows: (3 + 2 + 4 + 1) / 4
    shown = summarize_json(path, "--min-group-size", "3")
    assert shown["suppressed"] is False
    assert shown["areas"]["Leadership and Vision"]["mean"] == 2.5


def test_four_respondents_readable_output_shows_no_figures(tmp_path):
    """The readable summary of 4 respondents says no figures are shown."""
    path = write_csv(tmp_path / "four.csv", "Name,Leadership and Vision\nA,3\nB,2\nC,4\nD,1\n")
    proc = run("summarize", path)
    assert proc.returncode == 0
    assert "Fewer than 5 people responded, so no figures are shown" in proc.stdout
    assert "2.50" not in proc.stdout


@pytest.mark.parametrize("value", ["2", "0", "five"])
def test_min_group_size_below_three_exits_2_with_one_line(value):
    """--min-group-size under 3 (or not a number) exits 2 with a one-line message."""
    proc = run("summarize", SAMPLE, "--min-group-size", value)
    assert_plain_error(proc)
    assert "min-group-size" in proc.stderr


# --------------------------------------------------------------------------------------------
# unusable input

UNUSABLE_FILES = {
    "empty file": (b"", "is empty"),
    "header only": (b"Name,Email,Leadership and Vision\r\n", "no responses"),
    "binary file": (bytes(range(256)) * 16, "not a text or spreadsheet file"),
    "no skill-area column": (b"Name,Email,Favourite colour\nAnn,ann@x.org,blue\n", "none of them a skill area"),
}


@pytest.mark.parametrize("case", list(UNUSABLE_FILES))
def test_unusable_file_exits_2_with_a_plain_sentence(tmp_path, case):
    """Unusable files exit 2 with one plain sentence naming the file, and no traceback."""
    data, why = UNUSABLE_FILES[case]
    path = tmp_path / "survey.csv"
    path.write_bytes(data)
    proc = run("summarize", path, "--json")
    assert_plain_error(proc)
    assert proc.stderr.startswith("survey.csv ")  # the file name as it is, not capitalised
    assert why in proc.stderr


def test_missing_file_exits_2(tmp_path):
    """A path that does not exist exits 2 with one sentence."""
    proc = run("summarize", tmp_path / "nope.csv")
    assert_plain_error(proc)
    assert proc.stderr.startswith("There is no file ")


def test_directory_exits_2(tmp_path):
    """A folder instead of a file exits 2 with one sentence."""
    proc = run("summarize", tmp_path)
    assert_plain_error(proc)
    assert "is a folder" in proc.stderr


# --------------------------------------------------------------------------------------------
# make-sample


def test_make_sample_reproduces_the_committed_file(tmp_path):
    """make-sample writes data/sample_district.csv byte for byte."""
    out = tmp_path / "sample.csv"
    proc = run("make-sample", "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(out)
    assert out.read_bytes() == SAMPLE.read_bytes()


# --------------------------------------------------------------------------------------------
# nothing usable read


def test_a_file_without_one_rating_exits_2_saying_what_it_found(tmp_path):
    """A skill-area column was found, but no answer in it is a rating: exit 2 with one sentence, no JSON."""
    path = write_csv(tmp_path / "free-text.csv", (
        "Name,Data Privacy and Security,Comments\n"
        "Ann,2 tier architecture,ok\nBo,3 months,\nCy,,fine\n"
    ))
    proc = run("summarize", path, "--json")
    assert_plain_error(proc)
    assert proc.stderr.strip() == (
        "free-text.csv has 3 rows but not one rating on the Proficiency (1–4) scale: the skill-area column "
        "'Data Privacy and Security' (column B) holds answers such as '2 tier architecture', '3 months'; nothing "
        "usable was read.")


@pytest.mark.parametrize("command", [["report", "--out", "board.pdf", "--no-charts"],
                                     ["rounds", "save", "--label", "Fall 2026"]])
def test_report_and_rounds_save_refuse_a_file_without_one_rating_too(tmp_path, command):
    path = write_csv(tmp_path / "blank.csv", "Name,Data Management\nAnn,N/A\nBo,\n")
    if command[0] == "report":
        proc = run("report", path, *command[1:2], tmp_path / command[2], *command[3:])
    else:
        proc = run("rounds", "save", path, *command[2:])
    assert_plain_error(proc)
    assert proc.stderr.startswith("blank.csv has 2 rows but not one rating: every answer in the skill-area column "
                                  "'Data Management' (column B) is blank or N/A")
    assert not (tmp_path / "board.pdf").exists()


def test_no_library_warning_reaches_the_terminal(tmp_path):
    """openpyxl warns about this ordinary workbook's styles; the command line prints only its sentence."""
    from tests.test_corpus import CORPUS

    proc = run("summarize", CORPUS / "messy-tables" / "readxl__tests_testthat_sheets_nonstandard-xml-ns-prefix.xlsx")
    assert_plain_error(proc)
    assert "Warning" not in proc.stderr and "openpyxl" not in proc.stderr
