"""The speed work of issue 13 changes how a survey is read, never what it reads as.

Two oracles from before that work (main at 9127e3a):

* ``tests/golden/summarize.json``: the exact output (exit status, stderr, stdout's SHA-256) of
  ``summarize FILE``, ``--json`` and ``--json --min-group-size 8`` for every fixture, the sample district
  and the synthetic files of ``tests/golden/synthetic.py``; today's command prints the same bytes.
* ``tests/oracle_importer``: the importer as it was, frozen. Every fixture, synthetic file and public
  corpus file, and random tables, read by both give the same tidy frame (values and dtypes, the
  categories' dtype included), the same import report (every field, every rejected cell) and the same
  refusal sentence.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from framework.definitions import get_framework
from framework.importer import SurveyFileError, read_survey, shape
from framework.importer.limits import COMMAND_LINE, UPLOAD
from tests.golden import make_goldens, synthetic
from tests.oracle_importer import core as oracle
from tests.oracle_importer import shape as oracle_shape
from tests.test_corpus import corpus_files
from tests.test_import_properties import CELLS, HEADERS

FW = get_framework()
GOLDEN = json.loads(make_goldens.GOLDEN.read_text("utf-8"))
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def outcome(read, data: bytes, name: str, **kwargs):
    try:
        return read(data, name, FW, **kwargs)
    except SurveyFileError as exc:
        return exc


def assert_same_frame(new: pd.DataFrame, old: pd.DataFrame, what: str) -> None:
    assert list(new.columns) == list(old.columns), what
    pd.testing.assert_frame_equal(new, old, check_exact=True, check_categorical=True, obj=what)
    for col in old.columns:  # the categories' own dtype too (Arrow-backed strings stay so)
        assert new[col].dtype == old[col].dtype, (what, col, new[col].dtype, old[col].dtype)
        if isinstance(old[col].dtype, pd.CategoricalDtype):
            assert new[col].cat.categories.dtype == old[col].cat.categories.dtype, (what, col)
            assert new[col].cat.categories.tolist() == old[col].cat.categories.tolist(), (what, col)


def assert_same_import(data: bytes, name: str, **kwargs) -> None:
    old = outcome(oracle.read_survey, data, name, **kwargs)
    new = outcome(read_survey, data, name, **kwargs)
    if isinstance(old, SurveyFileError):
        assert isinstance(new, SurveyFileError), (name, str(old))
        assert str(new) == str(old), name
        assert getattr(new, "mapping", None) == getattr(old, "mapping", None), name
        return
    assert not isinstance(new, SurveyFileError), (name, str(new))
    assert new.scale.id == old.scale.id, name
    assert new.framework.id == old.framework.id, name
    assert_same_frame(new.ratings, old.ratings, f"{name}: tidy frame")
    for field in oracle.ImportReport.__dataclass_fields__:
        mine, theirs = getattr(new.report, field), getattr(old.report, field)
        if isinstance(theirs, pd.DataFrame):
            assert_same_frame(mine, theirs, f"{name}: report.{field}")
        else:
            assert mine == theirs, (name, field, mine, theirs)
    assert new.report.rejected_records() == old.report.rejected_records(), name


# ---- the command's output ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def golden_inputs(tmp_path_factory):
    return make_goldens.inputs(tmp_path_factory.mktemp("golden"))


@pytest.mark.parametrize("key", sorted(GOLDEN))
def test_summarize_prints_the_same_bytes_as_before(key, golden_inputs):
    name, label = key.rsplit(" (", 1)
    found = make_goldens.run_cli(["summarize", str(golden_inputs[name]), *make_goldens.COMMANDS[label[:-1]]])
    expected = GOLDEN[key]
    if "stdout" in expected:  # short: show the difference itself
        assert found["stdout"] == expected["stdout"]
    assert make_goldens.recorded(found) == expected


def test_the_goldens_cover_hidden_figures_and_long_lists_of_rejected_cells():
    """The golden outputs are not all alike: one hides every figure, some list thousands of rejected cells."""
    shown = [json.loads(v["stdout"]) for k, v in GOLDEN.items() if "(json" in k and "stdout" in v]
    assert any(o["suppressed"] for o in shown) and any(not o["suppressed"] for o in shown)
    assert any(v["stdout_chars"] > 100_000 for v in GOLDEN.values())


# ---- the import itself ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(synthetic.files()))
def test_synthetic_files_import_as_before(name):
    data = synthetic.files()[name]
    assert_same_import(data, name)
    assert_same_import(data, name, limits=COMMAND_LINE)


def test_fixtures_and_sample_import_as_before(golden_inputs):
    for name, path in golden_inputs.items():
        data = path.read_bytes()
        assert_same_import(data, name)
        assert_same_import(data, name, scale="1-5")


def test_overrides_and_a_chosen_scale_import_as_before():
    data = synthetic.wide(300, seed=2)
    header = next(csv.reader(io.StringIO(data.decode())))
    overrides = {header[5]: "", header[6]: FW.area_ids[3], header[-1]: "name", header[2]: ""}
    assert_same_import(data, "o.csv", overrides=overrides)
    assert_same_import(data, "o.csv", scale="1-4", overrides={header[3]: ""})


def test_every_corpus_file_imports_or_is_refused_as_before():
    """The public corpus (real exports, parsers' test collections) at the app's limits."""
    for path in corpus_files():
        assert_same_import(path.read_bytes(), path.name, limits=UPLOAD)


# ---- random tables --------------------------------------------------------------------------------
@SETTINGS
@given(
    headers=st.lists(HEADERS, min_size=1, max_size=8),
    rows=st.lists(st.lists(CELLS, min_size=0, max_size=9), max_size=12),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_random_tables_import_as_before(headers, rows, delimiter):
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter).writerows([headers, *rows])
    assert_same_import(buf.getvalue().encode("utf-8"), "r.csv")
    assert_same_import(buf.getvalue().encode("cp1252", errors="replace"), "r.csv")


IDENTITY = st.sampled_from(["", " ", "a@x.org", "A@X.org", "b@x.org", "anonymous", "anonymous@x.org", "x"])
STAMPS = st.sampled_from(["", "11/9/2026 10:00:00", "11/10/2026 09:00:00", "2026-11-09 10:00:00", "later",
                          "11/9/2026 10:00:00"])


@SETTINGS
@given(people=st.lists(st.tuples(IDENTITY, STAMPS, st.sampled_from(["", "Ann", " Ann ", "Bo"]),
                                 st.sampled_from(["", "CTO", "Help Desk", " help desk "]),
                                 st.lists(CELLS, min_size=4, max_size=4)), max_size=25),
       seed=st.integers(0, 3))
def test_random_people_with_repeated_emails_import_as_before(people, seed):
    """Identity, time stamps and de-duplication: the same email in other cases, equal and unreadable stamps."""
    header = ["Timestamp", "Email Address", "Name", "Role", *[a.name for a in FW.areas[seed:seed + 4]]]
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    for email, stamp, name, role, cells in people:
        writer.writerow([stamp, email, name, role, *cells])
    assert_same_import(buf.getvalue().encode("utf-8"), "p.csv")


def test_a_large_file_with_every_oddity_imports_as_before():
    data = synthetic.wide(20_000, seed=99)
    assert_same_import(data, "large.csv", limits=COMMAND_LINE)


def test_the_oracle_is_the_old_code_not_the_new():
    """The oracle is a separate copy: changing the framework's importer does not change it."""
    import framework.importer.core as current

    assert oracle.read_survey is not current.read_survey
    assert oracle.__file__ != current.__file__
    assert oracle.read_table.__module__ == "tests.oracle_importer.table"
    assert oracle.get_scale("1-4").parse_block.__module__ == "tests.oracle_importer.scales"


# ---- measuring a CSV's bytes ------------------------------------------------------------------------
CSV_BYTES = st.lists(st.sampled_from([b"a", b"b", b",", b";", b'"', b'""', b"\n", b"\r", b"\r\n", b" ", b"\xc3\xa9",
                                      b"1"]), max_size=60).map(b"".join)
TINY = dataclasses.replace(UPLOAD, max_rows=12, max_columns=6, max_cells=40, max_cell_chars=5)


@settings(max_examples=400, deadline=None)
@given(data=CSV_BYTES, chunk=st.sampled_from([1, 2, 3, 7, 64]), delimiter=st.sampled_from([",", ";"]),
       limits=st.sampled_from([UPLOAD, TINY]))
def test_a_csv_is_measured_as_before_whatever_the_chunk_size(data, chunk, delimiter, limits, monkeypatch_chunk):
    """Records, widest record, longest field and where it is, and where measuring stops at a limit:
    the same as the old byte-by-byte pass, with chunk boundaries anywhere (inside quotes, CRLF split)."""
    monkeypatch_chunk(chunk)
    old = oracle_shape._csv_fast(data, ord(delimiter), limits)
    new = shape._csv_fast(data, ord(delimiter), limits)
    assert (old is None) == (new is None), data
    if old is not None:
        assert new.__dict__ == old.__dict__, data


@pytest.fixture(name="monkeypatch_chunk", scope="module")
def monkeypatch_chunk_fixture():
    saved = shape.CHUNK, oracle_shape.CHUNK

    def set_chunk(size: int) -> None:
        shape.CHUNK = oracle_shape.CHUNK = size

    yield set_chunk
    shape.CHUNK, oracle_shape.CHUNK = saved


def test_a_large_csv_is_measured_as_before():
    data = synthetic.wide(20_000, seed=7)
    for limits in (UPLOAD, COMMAND_LINE, TINY):
        assert shape._csv_fast(data, 44, limits).__dict__ == oracle_shape._csv_fast(data, 44, limits).__dict__


@SETTINGS
@given(body=st.binary(max_size=300), lines=st.lists(st.lists(CELLS, max_size=6), max_size=6))
def test_files_after_a_bom_with_bytes_that_are_not_utf8_import_as_before(body, lines):
    """A BOM says UTF-8, the rest may not be: undecodable bytes are replaced, as before."""
    buf = io.StringIO()
    csv.writer(buf).writerows([[a.name for a in FW.areas[:3]] + ["Name"], *lines])
    text = buf.getvalue().encode("utf-8")
    assert_same_import(b"\xef\xbb\xbf" + text + body, "bom.csv")
    assert_same_import(b"\xef\xbb\xbf" + text[:20] + b"\xff\xfe" + text[20:], "bom.csv")


# ---- the wide matrices and what is built from them ---------------------------------------------------------
def assert_grid_parts_are_grid_of(result) -> None:
    """The publication's inputs read straight from the matrices equal grid_of over the tidy frame."""
    from framework.publication.build import Grid, grid_of

    expected = grid_of(result.ratings, result.framework, result.scale)
    parts = result.wide.grid_parts()
    assert [f.name for f in dataclasses.fields(parts) if f.name != "distinct"] == \
        [f.name for f in dataclasses.fields(Grid) if f.init]
    assert_same_grid(parts, expected)
    # the factorizations the matrices hand over are the ones the grid would find itself
    seeded = grid_of(result.wide, result.framework, result.scale)
    assert set(parts.distinct) == {"role_value", "group_value", "role_id"}
    for name in parts.distinct:
        codes, uniques = seeded.distinct(name)
        fresh_codes, fresh_uniques = pd.factorize(getattr(expected, name), use_na_sentinel=False)
        assert codes.tolist() == fresh_codes.tolist() and list(uniques) == list(fresh_uniques), name
    # grid_of reads a tidy frame's categoricals through their codes: the same grid as from plain text columns
    plain = result.ratings.astype({c: "string" for c in ("respondent", "role", "group", "role_id", "area_id",
                                                          "status")})
    assert_same_grid(expected, grid_of(plain, result.framework, result.scale))
    assert_same_grid(grid_of(result.wide, result.framework, result.scale), expected)


def assert_same_grid(mine_grid, their_grid) -> None:
    pd.testing.assert_index_equal(mine_grid.respondents, their_grid.respondents, exact=True)
    for field in ("role_value", "group_value", "role_id", "answers"):
        mine, theirs = getattr(mine_grid, field), getattr(their_grid, field)
        assert mine.dtype == theirs.dtype and mine.shape == theirs.shape, field
        assert (mine == theirs).all(), field
    assert mine_grid.n_levels == their_grid.n_levels


def test_the_publication_inputs_from_the_matrices_equal_grid_of_the_tidy_frame(golden_inputs):
    for name, path in golden_inputs.items():
        result = outcome(read_survey, path.read_bytes(), name)
        if not isinstance(result, SurveyFileError) and result.wide is not None:
            assert_grid_parts_are_grid_of(result)
    assert_grid_parts_are_grid_of(read_survey(synthetic.wide(3000, seed=4), "w.csv", FW, scale="1-5"))


@SETTINGS
@given(people=st.lists(st.tuples(IDENTITY, st.sampled_from(["", "CTO", "Help Desk", " help desk ", "Intern"]),
                                 st.sampled_from(["", "North", " north"]), st.lists(CELLS, min_size=3, max_size=3)),
                       min_size=1, max_size=25))
def test_publication_inputs_equal_grid_of_for_random_people(people):
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["Email", "Role", "School", *[a.name for a in FW.areas[2:5]]])
    for email, role, school, cells in people:
        writer.writerow([email, role, school, *cells])
    result = outcome(read_survey, buf.getvalue().encode(), "g.csv")
    if not isinstance(result, SurveyFileError):
        assert_grid_parts_are_grid_of(result)


def test_the_import_does_not_build_the_tidy_frame_until_it_is_read(monkeypatch):
    """read_survey keeps a wide file as matrices; the tidy frame is built on first reading, once."""
    from framework.importer.core import WideRatings

    built = []
    real = WideRatings.tidy
    monkeypatch.setattr(WideRatings, "tidy", lambda self: built.append(1) or real(self))
    result = read_survey(synthetic.wide(200), "w.csv", FW)
    assert built == [] and result.report.respondents > 150
    first = result.ratings
    assert result.ratings is first and built == [1]


def test_a_pickled_result_carries_its_tidy_frame():
    """st.cache_data pickles the result: the copy has the tidy frame and needs not build it again."""
    import pickle

    result = read_survey(synthetic.wide(100), "w.csv", FW)
    copy = pickle.loads(pickle.dumps(result))
    assert copy._ratings is not None
    assert_same_frame(copy.ratings, result.ratings, "pickled")
    assert copy.report.rejected_records() == result.report.rejected_records()
