"""Resource limits: every oversized or hostile file of issue 10's attack pass ends in one sentence naming the
limit, within 10 s and under 500 MB; the largest legitimate files still pass.

Each attack runs in a fresh process, started by a small wrapper that waits for it and reads its peak
memory with ``getrusage(RUSAGE_CHILDREN)`` (the wrapper has no other child), so the figure is the
attacked process's own, interpreter and pandas included.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
import tomllib
import zipfile
from pathlib import Path

import pytest

from framework.definitions import get_framework
from framework.importer import SurveyFileError, read_survey
from framework.importer.limits import COMMAND_LINE, MIB, UPLOAD, UPLOAD_MAX_MB
from framework.importer.shape import check_csv
from tests.attack_files import ATTACKS, sheet, workbook

ROOT = Path(__file__).resolve().parents[1]
SECONDS, MEGABYTES = 10, 500

# runs a command as its only child and reports what it printed, its exit status, wall time and peak memory
WRAPPER = """
import json, resource, subprocess, sys, time
t = time.perf_counter()
p = subprocess.run(sys.argv[1:], capture_output=True, text=True, encoding="utf-8", errors="replace")
print(json.dumps({"rc": p.returncode, "out": p.stdout, "err": p.stderr, "seconds": time.perf_counter() - t,
                  "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""
# reads one file with the importer's default (upload) limits, as the app does
IMPORT = """
import sys
from pathlib import Path
from framework.definitions import get_framework
from framework.importer import SurveyFileError, read_survey
path = Path(sys.argv[1])
try:
    result = read_survey(path.read_bytes(), path.name, get_framework())
except SurveyFileError as exc:
    print(exc, file=sys.stderr)
    sys.exit(2)
print(result.report.respondents)
"""


def measured(*command: str) -> dict:
    done = subprocess.run([sys.executable, "-c", WRAPPER, *command], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def assert_one_sentence(text: str, name: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    line = lines[0]
    assert line.startswith(name) and line.endswith("."), line
    for noise in ("Traceback", "Warning", "site-packages", "/tmp", str(ROOT)):
        assert noise not in line, line
    return line


def test_the_upload_limit_matches_streamlits_config():
    """UPLOAD.max_bytes is server.maxUploadSize of .streamlit/config.toml, in MiB as Streamlit counts it."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text("utf-8"))
    assert config["server"]["maxUploadSize"] == UPLOAD_MAX_MB
    assert UPLOAD.max_bytes == config["server"]["maxUploadSize"] * 1024 * 1024
    assert UPLOAD.max_text_bytes == UPLOAD.max_bytes  # a workbook may hold as much text as the largest CSV


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_each_attack_ends_in_one_sentence_within_10_s_and_500_mb(tmp_path, attack):
    name, make = ATTACKS[attack]
    path = tmp_path / name
    path.write_bytes(make())
    run = measured(sys.executable, "-c", IMPORT, str(path))
    print(f"{attack}: {path.stat().st_size / 1024:,.0f} KB, {run['seconds']:.2f} s, {run['peak_mb']:.0f} MB: "
          f"{run['err'].strip()}")
    assert run["rc"] == 2, run
    assert run["out"] == ""
    line = assert_one_sentence(run["err"], name)
    assert "the dashboard reads at most" in line or "the dashboard reads workbooks" in line, line
    assert run["seconds"] < SECONDS
    assert run["peak_mb"] < MEGABYTES


@pytest.mark.parametrize("attack", ["CSV of 100,000 columns (2.3 MB)", "CSV of 10,000,000 rows (20 MB)"])
def test_the_command_line_refuses_the_csv_attacks_in_one_line(tmp_path, attack):
    """`summarize` has larger limits than the app, and still refuses these: exit 2, one line, quickly."""
    name, make = ATTACKS[attack]
    path = tmp_path / name
    path.write_bytes(make())
    run = measured(sys.executable, "-m", "framework", "summarize", str(path), "--json")
    assert run["rc"] == 2 and run["out"] == "", run
    line = assert_one_sentence(run["err"], name)
    assert "the dashboard reads at most" in line
    assert run["seconds"] < SECONDS and run["peak_mb"] < MEGABYTES, run


@pytest.mark.parametrize(("limit", "data", "said"), [
    ("bytes", b"a,b\n" + b"1,2\n" * 10, "the dashboard reads files of at most"),
    ("rows", b"Name\n" + b"x\n" * 30, "lines; the dashboard reads at most 20."),
    ("columns", (",".join(f"c{i}" for i in range(40)) + "\n").encode(), "40 columns; the dashboard reads at most 30."),
    ("cells", ("a,b,c,d\n" + "1,2,3,4\n" * 15).encode(), "cells); the dashboard reads at most 50 cells."),
    ("cell length", b"Name,Note\nAnn," + b"x" * 101 + b"\n", "a cell of 101 characters (row 2, column B)"),
])
def test_each_csv_limit_is_named_in_its_sentence(limit, data, said):
    """With small limits, each limit is the one the sentence names (the limits live in one object)."""
    from dataclasses import replace

    small = replace(UPLOAD, max_bytes=40 if limit == "bytes" else UPLOAD.max_bytes, max_rows=20, max_columns=30,
                    max_cells=50, max_cell_chars=100)
    with pytest.raises(SurveyFileError) as info:
        read_survey(data, "f.csv", get_framework(), limits=small)
    assert said in str(info.value)
    assert_one_sentence(str(info.value), "f.csv")


def test_a_quoted_field_with_line_breaks_and_delimiters_counts_as_one_cell():
    """Commas and line ends inside quotes belong to the field (the RFC 4180 rule the scan follows); a stray
    quote inside an unquoted field is measured the way pandas reads it."""
    data = b'Name,Note\r\nAnn,"a, b\r\nc ""d"""\r\nBo,5" tall\r\n'
    shape = check_csv(data, ",", "UTF-8", UPLOAD, "f.csv")
    assert (shape.records, shape.columns) == (3, 2)
    regular = b'Name,Note\r\nAnn,"a, b\r\nc ""d"""\r\n'
    assert (check_csv(regular, ",", "UTF-8", UPLOAD, "f.csv").records, 2) == (2, 2)


def test_a_sparse_workbook_is_measured_by_its_farthest_cell():
    """Two cells, A1 and ZZ200000: the table pandas would build is 200,000 x 702, so it is refused."""
    xml = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="200000"><c r="ZZ200000"><v>2</v></c></row>'
           b"</sheetData></worksheet>")
    with pytest.raises(SurveyFileError, match=r"200,000 rows of up to 702 columns \(140,400,000 cells\)"):
        read_survey(workbook(xml), "sparse.xlsx", get_framework())


def test_a_zip_bomb_is_refused_from_its_directory(tmp_path):
    """A part that unpacks to 300 MB is refused from the sizes in the zip directory, before unpacking it."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            block = b" " * MIB
            for _ in range(300):
                part.write(block)
    data = buf.getvalue()
    t = time.perf_counter()
    with pytest.raises(SurveyFileError) as info:
        read_survey(data, "bomb.xlsx", get_framework())
    assert time.perf_counter() - t < 1
    assert str(info.value) == ("bomb.xlsx unpacks to 300 MB; the dashboard reads workbooks that unpack to at most "
                               "256 MB.")


def test_the_largest_legitimate_files_pass_the_limits(tmp_path):
    """The benchmark's 100,000-person survey is read in the app; a million-person one (about 255 MB) passes
    the command line's limits and is refused by the app's byte limit alone."""
    from bench.bench_import import make_csv

    file = tmp_path / "wide_100000.csv"
    make_csv(file, 100_000)
    data = file.read_bytes()
    result = read_survey(data, file.name, get_framework())
    assert result.report.respondents == 100_000
    header, _, body = data.partition(b"\r\n")
    million = header + b"\r\n" + body * 10
    assert len(million) > 250 * 1000 * 1000
    shape = check_csv(million, ",", "UTF-8", COMMAND_LINE, "wide_1000000.csv")
    assert (shape.records, shape.columns) == (1_000_001, 15)
    with pytest.raises(SurveyFileError, match="the dashboard reads files of at most 50 MB"):
        read_survey(million, "wide_1000000.csv", get_framework())


def test_workbook_text_counts_each_shared_string_once_per_cell_that_shows_it():
    """400 cells showing one 20,000-character string are 8 MB of text: over a 1 MB text limit, though the
    file is small; with a short string the same workbook passes."""
    from dataclasses import replace

    from framework.importer.shape import check_xlsx

    def book(text: str) -> bytes:
        xml = sheet(400, 3, [' t="s"><v>0</v>', ' t="s"><v>1</v>', "><v>3</v>"])
        shared = ('<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                  f"<si><t>Name</t></si><si><t>{text}</t></si></sst>").encode()
        return workbook(xml, shared)

    small = replace(UPLOAD, max_text_bytes=1_000_000)
    big = book("x" * 20_000)
    with pytest.raises(SurveyFileError) as info:
        check_xlsx(big, small, "big.xlsx")
    assert str(info.value) == (f"big.xlsx (sheet 'Sheet1') shows at least 7.6 MB of text once its shared strings are filled "
                               f"in (from a file of {len(big) / 1024:,.1f} KB); the dashboard reads at most 977 KB.")
    plan = check_xlsx(book("short"), small, "fine.xlsx")
    assert (plan.read.name, plan.read.rows, plan.read.columns) == ("Sheet1", 400, 3)


@pytest.mark.parametrize("limits", [UPLOAD, COMMAND_LINE], ids=["upload", "command line"])
def test_ten_thousand_columns_are_refused_within_2_s(limits):
    """Issue 11: any file up to the upload limit is read or refused within 2 s for 10,000 columns."""
    header = ",".join(f"How often do you use tool {i} at work?" for i in range(10_000))
    rows = "\n".join(",".join(str((i + r) % 4 + 1) for i in range(10_000)) for r in range(100))
    files = {"wide.csv": (header + "\n" + rows + "\n").encode(),
             "wide.xlsx": workbook(sheet(20, 10_000, [f"><v>{c % 4 + 1}</v>" for c in range(10_000)]))}
    for name, data in files.items():
        t = time.perf_counter()
        with pytest.raises(SurveyFileError) as info:
            read_survey(data, name, get_framework(), limits=limits)
        assert time.perf_counter() - t < 2.0, name
        assert "10,000 columns; the dashboard reads at most 2,000." in str(info.value)
