"""The importer over every file of the public corpus in ../shared/corpora/ (real survey exports and the test
collections of CSV and spreadsheet parsers; sources and licences in its SOURCES.md).

None of these files is a CoSN survey: each must be refused in one sentence that names the file and says
what was found, or read without a single skill area taken from it; no library warning, traceback or path
reaches the user, and nothing runs away (10 s for a file that takes well under a second: a guard against
a quadratic read, not a speed goal, which bench/ measures; the slowest files are printed). CI lays ``shared/`` beside the checkout, so the corpus is
``../shared/corpora`` from the repository; when it is missing these tests fail, saying so.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

from framework.definitions import get_framework
from framework.importer import SurveyFileError, read_survey
from framework.importer.columns import AREA
from framework.importer.limits import COMMAND_LINE, UPLOAD

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora"
FW = get_framework("cosn-2018")
SECONDS = 10.0  # a runaway read, not a speed goal: on a quiet machine the slowest file takes about 1 s
NOISE = re.compile(r"Traceback|Warning|site-packages|(?:/(?:usr|work|tmp|home|root|opt|var))+/")


def corpus_files() -> list[Path]:
    assert CORPUS.is_dir(), (f"The public corpus is missing: expected {CORPUS}, i.e. ../shared/corpora beside the "
                             "checkout (CI lays shared/ out there).")
    files = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name != "SOURCES.md")
    assert len(files) >= 400, f"only {len(files)} files under {CORPUS}"
    return files


def assert_one_sentence(message: str, name: str) -> None:
    lines = message.strip().splitlines()
    assert len(lines) == 1, message
    assert lines[0].startswith(name) and lines[0].endswith("."), message
    assert not NOISE.search(lines[0]), message
    assert str(CORPUS) not in lines[0]


@pytest.mark.parametrize("limits", [UPLOAD, COMMAND_LINE], ids=["upload", "command line"])
def test_every_corpus_file_is_refused_in_one_sentence_or_read_without_a_skill_area(limits):
    timings, problems = [], []
    for path in corpus_files():
        data = path.read_bytes()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            t = time.perf_counter()
            try:
                result = read_survey(data, path.name, FW, limits=limits)
            except SurveyFileError as exc:
                result, message = None, str(exc)
            seconds = time.perf_counter() - t
        timings.append((seconds, path.name))
        where = path.relative_to(CORPUS)
        if caught:
            problems.append(f"{where}: {len(caught)} warning(s), e.g. {caught[0].message}")
        if result is None:
            try:
                assert_one_sentence(message, path.name)
            except AssertionError:
                problems.append(f"{where}: refused with {message!r}")
        else:
            taken = [m.column for m in result.report.mapping if m.kind == AREA]
            if taken:
                problems.append(f"{where}: took {taken} for skill areas")
        if seconds > SECONDS:
            problems.append(f"{where}: {seconds:.2f} s")
    timings.sort(reverse=True)
    print(f"\n{len(timings)} files ({limits.where} limits); slowest: "
          + ", ".join(f"{name} {s:.2f} s" for s, name in timings[:5]))
    assert problems == []


# the command line on a sample: every export generation, and each file the issue names as a problem
SAMPLE = [
    "survey-exports/qualtRics__sample.csv",  # Qualtrics, current export
    "survey-exports/qualtRics__sample_legacy.csv",  # Qualtrics, legacy export
    "survey-exports/qualtricstools__Better_Sample_Survey_Better_Sample_Survey.csv",  # Qualtrics 2016
    "survey-exports/qualtricstools__Long_Exhaustive_Sample_Survey_Long_Exhaustive_Sample_Survey.csv",  # 367 columns
    "survey-exports/qualtricstools__Single_Answer_Matrix_Questions_Single_Answer_Matrix_Questions.csv",  # only tests
    "survey-exports/538__StarWars.csv",  # SurveyMonkey, RespondentID, no Collector ID
    "survey-exports/538__comma-survey.csv",  # "about it above": no IT
    "survey-exports/538__flying-etiquette.csv",  # "is it rude": no IT
    "survey-exports/jupyter__2015-12-SurveyExport.csv",  # SurveyGizmo: "make it pleasant"
    "survey-exports/jupyter__2016-05-education-responses.csv",  # Google Forms
    "survey-exports/uvads__fa24_Hot-Dog-Form-Fa24.csv",  # Microsoft Forms saved as CSV
    "survey-exports/uvads__fa22_DS-4002-fa22-survey-results.xlsx",  # Google Sheets as .xlsx
    "messy-tables/frictionless-py__data_wide.csv",  # 9,074 columns
    "messy-tables/readxl__tests_testthat_sheets_los-angeles-arrests-xlsx.xlsx",  # a workbook outside xl/
    "messy-tables/csvkit__examples_test.xlsx",  # openpyxl warns about an extension
    "messy-tables/readxl__tests_testthat_sheets_nonstandard-xml-ns-prefix.xlsx",  # ... and about styles
    "messy-tables/frictionless-py__data_compression_implicit-zip.csv",  # a zipped CSV
    "messy-tables/goodtables-py__data_hmt_invalid_excel.xlsx",  # not a workbook at all
    "messy-tables/csvkit__examples_dummy.xls",
    "messy-tables/csvkit__examples_test_utf16_little.csv",
    "messy-tables/csvkit__examples_empty.csv",
    "messy-tables/goodtables-py__data_contacts_people.csv",  # is_management
    "messy-tables/frictionless-py__data_skip-rows.csv",  # "# it's a comment!"
]


@pytest.mark.parametrize("name", SAMPLE)
def test_the_command_line_refuses_corpus_files_in_one_line(name):
    path = CORPUS / name
    assert path.is_file(), f"{path} is missing from the public corpus"
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "framework", "summarize", str(path), "--json"], cwd=ROOT,
                          capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=120)
    seconds = time.perf_counter() - t
    print(f"{name}: exit {proc.returncode} in {seconds:.2f} s (interpreter start included): {proc.stderr.strip()}")
    assert proc.returncode == 2, proc.stdout[:300]
    assert proc.stdout == ""
    assert_one_sentence(proc.stderr, path.name)
    assert seconds < 10


def test_the_refusals_say_what_was_found():
    """Spot checks of what the sentences say, on files the issue names."""
    def refusal(name: str) -> str:
        with pytest.raises(SurveyFileError) as info:
            read_survey((CORPUS / name).read_bytes(), Path(name).name, FW, limits=COMMAND_LINE)
        return str(info.value)

    assert refusal("messy-tables/frictionless-py__data_compression_implicit-zip.csv") == (
        "frictionless-py__data_compression_implicit-zip.csv is a ZIP archive holding table.csv, not an Excel "
        "workbook; unzip it and upload the CSV or workbook inside.")
    assert refusal("messy-tables/frictionless-py__data_wide.csv") == (
        "frictionless-py__data_wide.csv has at least 9,074 columns; the dashboard reads at most 2,000.")
    arrests = refusal("messy-tables/readxl__tests_testthat_sheets_los-angeles-arrests-xlsx.xlsx")
    assert "has 36 columns" in arrests and "none of them a skill area" in arrests  # a workbook, read
    tests_only = refusal("survey-exports/qualtricstools__Single_Answer_Matrix_Questions_Single_Answer_Matrix_"
                         "Questions.csv")
    assert "none of them a skill area" in tests_only
