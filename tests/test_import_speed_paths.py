"""The shortcuts of issue 13's import work read what the long way reads.

* A rectangular CSV is read without measuring every record first (``table._read_rectangular``); anything
  else (ragged, near a limit, a cell near the length limit) is measured first (``table._read_measured``).
* ``shape.records_at_most`` bounds the records from the line ends, chunk by chunk.
* ``read_survey_file`` reads a file as ``read_survey`` reads its bytes, and refuses an oversized file
  before reading it.
* Answers are dictionary-encoded by Arrow (``scales._factorize``) as ``pd.factorize`` would.
* The publication's level cube counts each person's answer once (``build.level_cube``).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from framework.definitions import get_framework
from framework.importer import SurveyFileError, read_survey, read_survey_file, shape, table
from framework.importer.limits import COMMAND_LINE, UPLOAD
from framework.scales import _factorize
from tests.golden import synthetic
from tests.test_import_equivalence import CSV_BYTES, TINY, assert_same_frame

FW = get_framework()
SAMPLE = Path(__file__).resolve().parents[1] / "data"


def _both(data: bytes, limits=UPLOAD):
    body, encoding = table._encoding(data, "t.csv")
    head = table.decode_head(body, encoding, table._HEAD_BYTES)
    delimiter = table._sniff_delimiter(head)
    opts = dict(sep=delimiter, header=None, keep_default_na=False, skip_blank_lines=False, encoding="utf-8",
                encoding_errors="replace")
    quick = table._read_rectangular(body, head, delimiter, limits, opts)
    try:
        measured = table._read_measured(body, delimiter, encoding, limits, "t.csv", opts)
    except SurveyFileError as exc:
        measured = exc
    return quick, measured


def test_a_plain_survey_export_takes_the_rectangular_read_and_it_reads_the_same():
    data = synthetic.wide(3000, seed=3)
    quick, measured = _both(data)
    assert quick is not None, "the usual file should not be measured record by record"
    pd.testing.assert_frame_equal(quick, measured, check_exact=True)


def test_a_ragged_file_or_one_near_a_limit_is_measured_first():
    ragged = b"a,b,c\n1,2,3\n1,2,3,4\n"
    assert _both(ragged)[0] is None
    rows = b"a,b\n" + b"1,2\n" * 30  # 31 line ends x 2 columns: over TINY's 40 cells
    quick, measured = _both(rows, TINY)
    assert quick is None and isinstance(measured, SurveyFileError)
    long_cell = b"a,b\n" + b"x" * 3 + b",1\n"  # 3 characters: within TINY's 5, but past half of it
    quick, measured = _both(long_cell, TINY)
    assert quick is None and not isinstance(measured, SurveyFileError)
    numbers = b"1,2\n3,4\n"  # no text at all: pandas would read numbers; they are read again as text
    quick, measured = _both(numbers)
    assert quick is not None
    pd.testing.assert_frame_equal(quick, measured, check_exact=True)
    assert quick.to_numpy().tolist() == [["1", "2"], ["3", "4"]]


def _csv_text(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def test_a_column_pandas_reads_partly_as_numbers_keeps_the_files_text():
    """pandas infers a long column's type block by block: a header of text above 300,000 numeric IDs is
    read as text in one block and as numbers in the next, where "000123" would become 123 and "3.50"
    3.5. Such columns are read again as text: every cell is what the file says, on either path."""
    from tests.test_import_equivalence import assert_same_import

    areas = [a.name for a in FW.areas[:2]]
    plain = ("Respondent ID,Name," + ",".join(areas) + "\n"
             + "".join(f"{i},P{i},3,2\n" for i in range(300_000))).encode()
    assert_same_import(plain, "ids.csv", limits=COMMAND_LINE)  # (the old importer's text was right here)

    padded = ("Staff ID,Score,Name\n" + "".join(f"{i % 1000:06d},{(i % 9) / 2:.2f},P{i}\n"
                                                for i in range(300_000))).encode()
    quick, measured = _both(padded, COMMAND_LINE)
    assert quick is not None and not isinstance(measured, SurveyFileError)
    pd.testing.assert_frame_equal(quick, measured, check_exact=True)
    cells = table.read_table(padded, "ids.csv", COMMAND_LINE).cells
    assert cells.to_numpy().tolist() == _csv_text(padded)
    assert cells.iat[299_000, 0] == "000999" and cells.iat[299_000, 1] == "0.50"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=CSV_BYTES, limits=st.sampled_from([UPLOAD, TINY]))
def test_whenever_the_rectangular_read_is_taken_it_is_the_measured_read(data, limits):
    if not data.strip():
        return
    quick, measured = _both(data, limits)
    if quick is not None:
        assert not isinstance(measured, SurveyFileError), (data, str(measured))
        pd.testing.assert_frame_equal(quick, measured, check_exact=True)


@settings(max_examples=300, deadline=None)
@given(data=CSV_BYTES, chunk=st.sampled_from([1, 2, 3, 5, 64, 1 << 18]))
def test_the_records_are_bounded_by_the_line_ends_whatever_the_chunk(data, chunk):
    bound = shape.records_at_most(data, chunk)
    exact = shape._csv_slow(data, ",", "UTF-8", COMMAND_LINE).records
    assert bound >= exact, data
    lines = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n") + 1
    assert bound == lines, data  # exactly the line ends (CRLF once), plus one


def test_a_file_is_read_as_its_bytes_are(tmp_path):
    messy = tmp_path / "messy.csv"
    messy.write_bytes(synthetic.wide(500, seed=11))
    for path in (SAMPLE / "sample_district.csv", messy):
        from_file = read_survey_file(path, FW, limits=COMMAND_LINE)
        from_bytes = read_survey(path.read_bytes(), path.name, FW, limits=COMMAND_LINE)
        assert_same_frame(from_file.ratings, from_bytes.ratings, path.name)
        assert from_file.report.rejected_records() == from_bytes.report.rejected_records()
        for field in dataclasses.fields(from_bytes.report):
            if field.name != "rejected":
                assert getattr(from_file.report, field.name) == getattr(from_bytes.report, field.name), field.name


def _big_messy(rows: int = 160_000) -> bytes:
    """Over pandas' 5 MB threshold for its threaded read, with what splits badly: quoted line ends,
    quoted commas and quotes, numbers under text headers (padded, decimal), and non-ASCII text."""
    out = ["Email,Staff ID,Comment,Score,Name"]
    for i in range(rows):
        comment = ('"line one\nline two, ""quoted"""' if i % 997 == 0 else
                   "é ü 漢" if i % 13 == 0 else "")
        out.append(f"p{i}@x.org,{i % 5000:07d},{comment},{(i % 9) / 2:.2f},Person {i}")
    return ("\r\n".join(out) + "\r\n").encode("utf-8")


def test_the_file_read_from_disk_is_the_table_of_its_bytes(tmp_path, monkeypatch):
    """pandas reads a file path of several megabytes with two threads, each guessing its block's types;
    the table is the one read from the bytes, and every cell is the file's text."""
    path = tmp_path / "big.csv"
    data = _big_messy()
    path.write_bytes(data)
    assert len(data) > 5 * 1024 * 1024
    given_to_pandas = []
    read_csv = pd.read_csv
    monkeypatch.setattr(pd, "read_csv", lambda src, **kw: given_to_pandas.append(src) or read_csv(src, **kw))
    from pandas.io.parsers import readers  # (pandas' threaded read, where this pandas has one)

    threaded = []
    if hasattr(readers, "_read_csv_parallel"):
        parallel = readers._read_csv_parallel
        monkeypatch.setattr(readers, "_read_csv_parallel", lambda *a: threaded.append(parallel(*a)) or threaded[-1])
    from_disk = table.read_table(data, path.name, COMMAND_LINE, on_disk=table.OnDisk(path, path.stat())).cells
    assert given_to_pandas and all(src == path for src in given_to_pandas), "the file itself was not read"
    if hasattr(readers, "_read_csv_parallel"):
        assert any(t is not None for t in threaded), "pandas did not read the file with threads"
    given_to_pandas.clear()
    from_bytes = table.read_table(data, path.name, COMMAND_LINE).cells
    assert given_to_pandas and not any(isinstance(src, Path) for src in given_to_pandas)
    pd.testing.assert_frame_equal(from_disk, from_bytes, check_exact=True)
    assert from_disk.to_numpy().tolist() == _csv_text(data)


def test_a_file_changed_after_its_bytes_were_read_is_not_read_from_disk(tmp_path):
    path = tmp_path / "changing.csv"
    data = synthetic.wide(800, seed=5)
    path.write_bytes(data)
    before = path.stat()
    path.write_bytes(data.replace(b"Proficient", b"Profic1ent"))  # same size, other text
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 10**9))
    cells = table.read_table(data, path.name, COMMAND_LINE, on_disk=table.OnDisk(path, before)).cells
    pd.testing.assert_frame_equal(cells, table.read_table(data, path.name, COMMAND_LINE).cells, check_exact=True)
    assert not cells.isin(["3 - Profic1ent"]).any().any()


def test_a_mapped_file_changed_while_it_is_read_is_refused(tmp_path, monkeypatch):
    """A file mapped into memory shows what the file holds now, not the bytes that were checked: when it
    changed during the read, the command says so rather than read what was not checked."""
    path = tmp_path / "moving.csv"
    areas = [a.name for a in FW.areas]
    path.write_bytes(("Email,Name," + ",".join(areas) + "\n"
                      + "".join(f"p{i}@x.org,P{i}," + ",".join(["3"] * len(areas)) + "\n" for i in range(40_000))
                      ).encode())
    assert path.stat().st_size >= 1 << 20
    read_survey_file(path, FW, limits=COMMAND_LINE)  # (read from the file itself while it is unchanged)
    monkeypatch.setattr(table.OnDisk, "unchanged", lambda self: False)
    with pytest.raises(SurveyFileError, match=r"^moving\.csv changed while it was being read"):
        read_survey_file(path, FW, limits=COMMAND_LINE)


@pytest.mark.parametrize("prefix, encoding", [(b"\xef\xbb\xbf", "utf-8"), (b"", "cp1252")])
def test_only_plain_utf8_is_read_from_disk(tmp_path, monkeypatch, prefix, encoding):
    """A BOM, or Windows-1252 text, means the bytes pandas must read are not the file's."""
    path = tmp_path / "other.csv"
    data = prefix + "Name,Score\nRenée,3\n".encode(encoding)
    path.write_bytes(data)
    given_to_pandas = []
    read_csv = pd.read_csv
    monkeypatch.setattr(pd, "read_csv", lambda src, **kw: given_to_pandas.append(src) or read_csv(src, **kw))
    cells = table.read_table(data, path.name, COMMAND_LINE, on_disk=table.OnDisk(path, path.stat())).cells
    assert not any(isinstance(src, Path) for src in given_to_pandas)
    assert cells.to_numpy().tolist() == [["Name", "Score"], ["Renée", "3"]]


def test_an_oversized_file_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "big.csv"
    with big.open("wb") as f:  # 64 GB of nothing (a sparse file): reading it would not end in time
        f.truncate(64 << 30)
    with pytest.raises(SurveyFileError, match=r"^big\.csv is 64 GB; the dashboard reads files of at most [^()]*\.$"):
        read_survey_file(big, FW, limits=UPLOAD)


def test_a_large_file_is_mapped_and_reads_as_its_bytes(tmp_path, monkeypatch):
    """Files of a megabyte and more are mapped into memory rather than copied; the import is the same."""
    import mmap

    from framework.importer import core

    path = tmp_path / "large.csv"
    path.write_bytes(synthetic.wide(6000, seed=2))
    assert path.stat().st_size >= core._MAP_FROM
    mapped = []

    class Seen(mmap.mmap):
        def __init__(self, *a, **kw):
            mapped.append(self)

    monkeypatch.setattr(mmap, "mmap", Seen)
    from_file = read_survey_file(path, FW, limits=COMMAND_LINE)
    assert mapped and mapped[0].closed
    from_bytes = read_survey(path.read_bytes(), path.name, FW, limits=COMMAND_LINE)
    assert_same_frame(from_file.ratings, from_bytes.ratings, path.name)
    assert from_file.report.rejected_records() == from_bytes.report.rejected_records()
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"", "cp1252"), (b"", "utf-16")):
        other = tmp_path / f"large-{encoding}{len(bom)}.csv"
        other.write_bytes(bom + path.read_bytes().decode("utf-8").replace("Person", "Renée").encode(encoding))
        a = read_survey_file(other, FW, limits=COMMAND_LINE)
        b = read_survey(other.read_bytes(), other.name, FW, limits=COMMAND_LINE)
        assert_same_frame(a.ratings, b.ratings, other.name)
        assert a.report.file_kind == b.report.file_kind, other.name


TEXT = st.one_of(st.none(), st.sampled_from(["", "3", "3 - Proficient", " 3", "N/A", "é", "a" * 40]))


@settings(max_examples=200, deadline=None)
@given(values=st.lists(TEXT, max_size=40), cut=st.integers(0, 40))
def test_answers_are_encoded_as_pandas_factorizes_them(values, cut):
    plain = pd.Series(values, dtype="string")
    expected_codes, expected_uniques = pd.factorize(plain, sort=False, use_na_sentinel=True)
    chunked = pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array(
        [pa.array(values[:cut], pa.large_string()), pa.array(values[cut:], pa.large_string())])), dtype="string") \
        if values else plain
    for series in (plain, chunked, plain.astype(object)):
        codes, uniques = _factorize(series)
        assert codes.tolist() == expected_codes.tolist()
        assert list(uniques) == list(expected_uniques)


def test_the_level_cube_counts_each_answer_once():
    from framework.publication.build import Grid, answer_matrix, level_cube

    rng = np.random.default_rng(5)
    n, areas, levels, n_r, n_g = 500, 4, 4, 3, 2
    answers = answer_matrix(n, areas, levels)
    answers[:] = rng.integers(-1, levels + 1, size=(n, areas))
    grid = Grid(pd.Index([f"p{i}" for i in range(n)], dtype="string"), np.full(n, "", dtype=object),
                np.full(n, "", dtype=object), np.full(n, "", dtype=object), answers, levels)
    ri, gi = rng.integers(0, n_r, n), rng.integers(0, n_g, n)
    cube = level_cube(grid, ri, gi, n_r, n_g)
    expected = np.zeros((n_r, n_g, areas, levels + 1), dtype=np.int64)
    for p in range(n):
        for a in range(areas):
            if answers[p, a] >= 0:
                expected[ri[p], gi[p], a, answers[p, a]] += 1
    assert (cube == expected).all()
    assert answers.dtype == np.int8 and answers.flags.f_contiguous


def test_a_header_row_written_by_hand_reads_the_same_either_way():
    buf = io.StringIO()
    csv.writer(buf).writerows([["Name", "Email", *[a.name for a in FW.areas]],
                               *[[f"P {i}", f"p{i}@x.org", *["3"] * len(FW.areas)] for i in range(50)]])
    quick, measured = _both(buf.getvalue().encode())
    assert quick is not None
    pd.testing.assert_frame_equal(quick, measured, check_exact=True)


@settings(max_examples=300, deadline=None)
@given(values=st.lists(st.one_of(st.none(), st.text(alphabet=st.characters(codec="utf-8"), max_size=6),
                                 st.sampled_from(["", " a", "a ", "\u00a0x", "x\u3000", "\x1fq", "é", "a\tb"])),
                       max_size=12),
       cut=st.integers(0, 3))
def test_stripping_is_skipped_only_where_it_changes_nothing(values, cut):
    """``_stripped`` returns the column itself when its first and last bytes show nothing to strip;
    either way the values are pandas' own strip of the column, "" for missing."""
    from framework.importer.core import _stripped

    column = pd.Series(values, dtype="string").iloc[cut:]  # (a slice: an Arrow array with an offset)
    expected = column.astype("string").str.strip().fillna("")
    pd.testing.assert_series_equal(_stripped(column), expected, check_names=False)
