"""Property-based tests: whatever bytes, table shapes or cell values arrive, the importer returns a
report that reconciles, or raises its own error with a sentence, and nothing else."""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from framework.definitions import get_framework
from framework.importer import SurveyFileError, read_survey

FW = get_framework()
AREAS = [a.name for a in FW.areas]
HEADERS = st.sampled_from(AREAS + ["Name", "Email", "Role", "School", "Timestamp", "Skill area", "Rating",
                                   "Comments", "", "IT Mgmt", "Q1", "Data privacy & security"])
CELLS = st.one_of(
    st.sampled_from(["1", "2", "3", "4", "5", "0", "3.0", "2.5", " 3 ", "3 - Proficient", "Advanced", "N/A",
                     "Don't know", "", "=SUM(A1)", "-1", "@x", "a@x.org", "A@X.ORG", "11/9/2026 10:00:00",
                     "Leadership and Vision", "Data Management", "CTO", "Help Desk", "é", '"', "\n", ",", ";"]),
    st.text(max_size=12),
)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check(data: bytes, name: str = "f.csv") -> None:
    try:
        res = read_survey(data, name, FW)
    except SurveyFileError as exc:
        message = str(exc)
        assert message and "\n" not in message.strip() and "Traceback" not in message
        return
    rep = res.report
    assert rep.rows_read == rep.rows_used + rep.rows_rejected, (rep.rows_read, rep.rows_used, rep.rows_rejected)
    assert set(res.ratings["status"].astype(str)) <= {"rated", "not applicable", "blank", "invalid"}
    rated = res.ratings[res.ratings["status"] == "rated"]["rating"]
    assert rated.notna().all() and rated.between(res.scale.min, res.scale.max).all()
    assert res.ratings.loc[res.ratings["status"] != "rated", "rating"].isna().all()  # missing is never 0
    assert rep.respondents == res.ratings.loc[res.ratings["status"] == "rated", "respondent"].nunique()


@SETTINGS
@given(st.binary(max_size=2000))
def test_random_bytes(data):
    check(data)


@SETTINGS
@given(st.binary(max_size=600))
def test_random_bytes_after_a_zip_or_bom_header(data):
    check(b"PK\x03\x04" + data, "f.xlsx")
    check(b"\xef\xbb\xbf" + data)


@SETTINGS
@given(
    headers=st.lists(HEADERS, min_size=1, max_size=8),
    rows=st.lists(st.lists(CELLS, min_size=0, max_size=9), max_size=12),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_random_tables(headers, rows, delimiter):
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(rows)
    check(buf.getvalue().encode("utf-8"))
    check(buf.getvalue().encode("cp1252", errors="replace"))


@SETTINGS
@given(values=st.lists(CELLS, min_size=1, max_size=30))
def test_random_values_in_a_proper_sheet(values):
    """A well-formed sheet with arbitrary answers: every answer is rated, missing or rejected, and counted."""
    lines = ["Name,Email," + ",".join(AREAS[:3])]
    for i in range(0, len(values), 3):
        chunk = (values[i:i + 3] + ["", "", ""])[:3]
        buf = io.StringIO()
        csv.writer(buf).writerow([f"P{i}", f"p{i}@x.org", *chunk])
        lines.append(buf.getvalue().strip("\r\n"))
    data = ("\n".join(lines) + "\n").encode()
    check(data)
    try:
        res = read_survey(data, "f.csv", FW)
    except SurveyFileError:
        return
    rep = res.report
    kept_invalid = int((res.ratings["status"] == "invalid").sum())
    assert rep.cells_rated + rep.cells_not_applicable + rep.cells_blank + kept_invalid == len(res.ratings)
    # every unreadable answer, in a used row or a rejected one, is listed with its row and column
    assert rep.cells_invalid == int((rep.rejected["column"] != "(whole row)").sum())
    assert kept_invalid <= rep.cells_invalid
