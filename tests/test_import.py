"""Survey import: layouts, header matching, delimiters, encodings, XLSX, rejects, duplicates and unusable files.

Every CSV here is written out by hand; the expected counts and means are worked out in the comments and
compared with ``aggregate.area_summary`` (named view, no suppression, since these files are tiny).
"""

from __future__ import annotations

import datetime as dt
import io
import random
import zipfile

import openpyxl
import pandas as pd
import pytest

from framework.aggregate import area_summary
from framework.definitions import get_framework
from framework.importer import ROW, SurveyFileError, read_survey
from framework.scales import BLANK, NOT_APPLICABLE, RATED
from framework.targets import default_targets

FW = get_framework("cosn-2018")
TARGETS = default_targets()


def load(data: str | bytes, filename: str = "survey.csv", **kwargs):
    """Import a survey; every import must account for every row it read."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    result = read_survey(raw, filename, FW, **kwargs)
    rep = result.report
    assert rep.reconciles, f"read {rep.rows_read} != used {rep.rows_used} + rejected {rep.rows_rejected}"
    return result


def figures(result) -> dict[str, tuple[int, float]]:
    """(n, mean) per skill area id, for the areas with at least one rating."""
    summary = area_summary(result.ratings, FW, result.scale, TARGETS)
    rated = summary[summary["n"] > 0]
    return {area_id: (int(row["n"]), float(row["mean"])) for area_id, row in rated.iterrows()}


def assert_figures(result, expected: dict[str, tuple[int, float]]):
    """The (n, mean) of each rated area are the hand-computed ones, and no other area has ratings."""
    got = figures(result)
    assert set(got) == set(expected)
    for area_id, (n, mean) in expected.items():
        assert got[area_id][0] == n, area_id
        assert got[area_id][1] == pytest.approx(mean), area_id


def mapping(result) -> dict[str, str]:
    """Column header -> matched area id or identity field ("" when unmapped)."""
    return {m.column: m.target for m in result.report.mapping}


# --------------------------------------------------------------------------------------------
# layouts and header matching

GOOGLE_FORMS = (
    "Timestamp,Email Address,Full name,Job role,School or department,"
    "Rate yourself [Leadership and Vision],Rate yourself [Information Technology Management],"
    "Rate yourself [Data Privacy and Security],Anything else?\r\n"
    "11/3/2026 9:15:02,ann@district.org,Ann Avery,Network Administrator,Technology Services,"
    "2 - Developing,4 - Advanced,3 - Proficient,\r\n"
    "11/3/2026 10:01:44,bo@district.org,Bo Brandt,Help Desk Technician,Elementary Schools,"
    '1 - Beginning,3 - Proficient,N/A - Not part of my role,"More training, please"\r\n'
    "11/4/2026 8:30:00,cy@district.org,Cy Cruz,Director of Technology,District Office,"
    "4 - Advanced,2 - Developing,4 - Advanced,\r\n"
)


def test_google_forms_wide_layout():
    """A Google Forms grid export maps 'Rate yourself [Area]' headers and its identity columns."""
    result = load(GOOGLE_FORMS)
    rep = result.report
    assert rep.source_format == "Google Forms (response sheet downloaded from Google Sheets)"
    assert rep.layout == "wide"
    assert rep.scale_id == "1-4"
    assert mapping(result) == {
        "Timestamp": "timestamp",
        "Email Address": "email",
        "Full name": "name",
        "Job role": "role",
        "School or department": "group",
        "Rate yourself [Leadership and Vision]": "leadership-vision",
        "Rate yourself [Information Technology Management]": "it-management",
        "Rate yourself [Data Privacy and Security]": "data-privacy-security",
        "Anything else?": "",
    }
    assert (rep.rows_read, rep.rows_used, rep.rows_rejected, rep.respondents) == (3, 3, 0, 3)
    # Leadership and Vision: 2, 1, 4                 -> n 3, mean 7/3
    # Information Technology Management: 4, 3, 2    -> n 3, mean 9/3 = 3
    # Data Privacy and Security: 3, N/A, 4          -> n 2, mean 7/2 = 3.5 (N/A is not a 0)
    assert_figures(result, {
        "leadership-vision": (3, 7 / 3),
        "it-management": (3, 3.0),
        "data-privacy-security": (2, 3.5),
    })
    people = result.ratings.drop_duplicates("respondent").set_index("name")
    assert people.loc["Ann Avery", "role_id"] == "network-admin"
    assert people.loc["Bo Brandt", "role_id"] == "help-desk"
    assert people.loc["Cy Cruz", "role_id"] == "cto"
    assert people.loc["Bo Brandt", "group"] == "Elementary Schools"
    assert rep.cells_not_applicable == 1


ODD_HEADERS = (
    "NAME,E-mail,leadership & VISION,IT Mgmt,Comm. Systems Mgmt,Data privacy & security,"
    "Instructional Focus & PD,business mgmt.,STRATEGIC-PLANNING\n"
    "Zed,zed@x.org,3,4,2,1,3,2,1\n"
    "Yan,yan@x.org,4,4,3,2,2,1,2\n"
)


def test_headers_in_odd_case_punctuation_ampersands_and_abbreviations():
    """Case, punctuation, '&' and abbreviations like 'IT Mgmt' and 'Comm. Systems Mgmt' still name the areas."""
    result = load(ODD_HEADERS)
    assert mapping(result) == {
        "NAME": "name",
        "E-mail": "email",
        "leadership & VISION": "leadership-vision",
        "IT Mgmt": "it-management",
        "Comm. Systems Mgmt": "communication-systems",
        "Data privacy & security": "data-privacy-security",
        "Instructional Focus & PD": "instructional-focus-pd",
        "business mgmt.": "business-management",
        "STRATEGIC-PLANNING": "strategic-planning",
    }
    assert result.report.unmapped_columns == []
    # two people per column: (3+4)/2, (4+4)/2, (2+3)/2, (1+2)/2, (3+2)/2, (2+1)/2, (1+2)/2
    assert_figures(result, {
        "leadership-vision": (2, 3.5),
        "it-management": (2, 4.0),
        "communication-systems": (2, 2.5),
        "data-privacy-security": (2, 1.5),
        "instructional-focus-pd": (2, 2.5),
        "business-management": (2, 1.5),
        "strategic-planning": (2, 1.5),
    })


LONG = (
    "Name,Email,Role,Skill area,Rating\n"
    "Ann Avery,ann@x.org,Network Administrator,Information Technology Management,4 - Advanced\n"  # row 2
    "Ann Avery,ann@x.org,Network Administrator,Data Privacy & Security,3\n"  # row 3
    "Ann Avery,ann@x.org,Network Administrator,Business Management,N/A\n"  # row 4
    "Bo Brandt,bo@x.org,Help Desk Technician,IT Mgmt,2\n"  # row 5
    "Bo Brandt,bo@x.org,Help Desk Technician,Data privacy and security,\n"  # row 6: blank rating
    "Bo Brandt,bo@x.org,Help Desk Technician,Basket Weaving,3\n"  # row 7: not an area
    "Cy Cruz,cy@x.org,Director of Technology,Information Technology Management,3\n"  # row 8
    "Cy Cruz,cy@x.org,Director of Technology,Data Privacy and Security,7\n"  # row 9: off the scale
)


def test_long_layout_one_row_per_person_and_area():
    """The long layout (Name, Email, Role, Skill area, Rating) reads one answer per row."""
    result = load(LONG)
    rep = result.report
    assert rep.layout == "long"
    # rows 2-9 read; 2, 3, 4 (N/A is an answer), 5 and 8 used; 6, 7, 9 rejected
    assert (rep.rows_read, rep.rows_used, rep.rows_rejected) == (8, 5, 3)
    assert rep.respondents == 3
    whole_rows = {r["row"]: r["reason"] for r in rep.rejected_records() if r["column"] == ROW}
    assert set(whole_rows) == {6, 7, 9}
    assert "blank" in whole_rows[6]
    cells = {(r["row"], r["column"], r["value"]): r["reason"] for r in rep.rejected_records() if r["column"] != ROW}
    assert cells == {
        (7, "Skill area", "Basket Weaving"): "not a skill area of this framework",
        (9, "Rating", "7"): "outside the 1–4 scale",
    }
    # IT Management: Ann 4, Bo 2, Cy 3             -> n 3, mean 9/3 = 3
    # Data Privacy and Security: Ann 3 (Bo blank, Cy 7 rejected) -> n 1, mean 3
    # Business Management: Ann N/A                 -> no rating
    assert_figures(result, {"it-management": (3, 3.0), "data-privacy-security": (1, 3.0)})
    # the long layout is completed to a person x area grid: answers nobody gave show as blank
    bm = result.ratings[result.ratings["area_id"].eq("business-management")].set_index("name")["status"]
    assert bm.to_dict() == {"Ann Avery": NOT_APPLICABLE, "Bo Brandt": BLANK, "Cy Cruz": BLANK}
    summary = area_summary(result.ratings, FW, result.scale, TARGETS)
    assert summary.loc["business-management", "n_na"] == 1


def test_long_layout_keeps_the_later_of_two_answers_for_the_same_area():
    """Two long-layout answers by one person for one area: the later row counts, the other is rejected."""
    text = (
        "Email,Skill area,Rating\n"
        "ann@x.org,Data Management,1\n"  # row 2: superseded
        "bo@x.org,Data Management,2\n"  # row 3
        "ann@x.org,Data Management,4\n"  # row 4
    )
    result = load(text)
    rep = result.report
    assert (rep.rows_read, rep.rows_used, rep.rows_rejected) == (3, 2, 1)
    [superseded] = rep.rejected_records()
    assert superseded["row"] == 2 and "row 4" in superseded["reason"]
    # Data Management: Ann 4, Bo 2 -> n 2, mean 3
    assert_figures(result, {"data-management": (2, 3.0)})


# --------------------------------------------------------------------------------------------
# delimiters and encodings


@pytest.mark.parametrize(("delimiter", "word"), [(";", "semicolon"), ("\t", "tab")])
def test_semicolon_and_tab_delimited(delimiter, word):
    """Semicolon- and tab-separated files are read, commas inside cells staying in their cell."""
    lines = [
        ["Name", "Email", "Leadership and Vision", "Strategic Planning", "Comments"],
        ["Zoé Ébert", "zoe@x.org", "3", "2", "Good, very good"],
        ["Ann Avery", "ann@x.org", "2", "N/A", "Fine, thanks, all well"],
        ["Cy Cruz", "cy@x.org", "4", "4", ""],
    ]
    text = "".join(delimiter.join(cells) + "\n" for cells in lines)
    result = load(text)
    assert word in result.report.file_kind
    assert mapping(result)["Comments"] == ""
    assert sorted(set(result.ratings["name"])) == ["Ann Avery", "Cy Cruz", "Zoé Ébert"]
    # Leadership and Vision: 3, 2, 4 -> n 3, mean 3; Strategic Planning: 2, N/A, 4 -> n 2, mean 3
    assert_figures(result, {"leadership-vision": (3, 3.0), "strategic-planning": (2, 3.0)})


def test_utf8_with_bom():
    """A UTF-8 BOM (Excel's 'CSV UTF-8') is not glued to the first header, and accents come through."""
    data = b"\xef\xbb\xbf" + "Name,Email,Leadership and Vision\nZoé Ébert,zoe@x.org,3\nLiam,liam@x.org,4\n".encode()
    result = load(data)
    assert result.report.file_kind.startswith("CSV (UTF-8 with BOM")
    assert mapping(result)["Name"] == "name"
    assert result.ratings["name"].iloc[0] == "Zoé Ébert"
    # 3, 4 -> n 2, mean 3.5
    assert_figures(result, {"leadership-vision": (2, 3.5)})


def test_windows_1252_bytes():
    """Windows-1252 bytes (Excel's plain 'CSV') decode accents and curly apostrophes correctly."""
    text = "Name,Email,Leadership and Vision,Data Management\nJosé Muñoz,jose@x.org,3,Don’t know\nRenée Côté,renee@x.org,4,2\n"
    data = text.encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the test file really is not UTF-8
    result = load(data)
    assert "Windows-1252" in result.report.file_kind
    assert sorted(set(result.ratings["name"])) == ["José Muñoz", "Renée Côté"]
    dm = result.ratings[result.ratings["area_id"].eq("data-management")].set_index("name")
    assert dm.loc["José Muñoz", "status"] == NOT_APPLICABLE  # "Don’t know" with a cp1252 0x92 apostrophe
    # Leadership and Vision: 3, 4 -> n 2, mean 3.5; Data Management: Don't know, 2 -> n 1, mean 2
    assert_figures(result, {"leadership-vision": (2, 3.5), "data-management": (1, 2.0)})
    assert result.report.rejected.empty


# --------------------------------------------------------------------------------------------
# Excel


def make_xlsx() -> bytes:
    """A small workbook as Excel would hold it: dates, whole numbers, floats, labels, N/A and an empty cell."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Form Responses 1"
    ws.append(["Timestamp", "Email Address", "Full name", "Job role", "Leadership and Vision", "IT Management",
               "Data Privacy and Security"])
    ws.append([dt.datetime(2026, 11, 9, 9, 0), "zoe@x.org", "Zoé Ébert", "Systems Engineer", 3, 4.0, "N/A"])
    ws.append([dt.datetime(2026, 11, 9, 10, 0), "liam@x.org", "Liam Ng", "Help Desk", "2 - Developing", 3, 1])
    ws.append([dt.datetime(2026, 11, 10, 8, 0), "maya@x.org", "Maya Roy", "Network Admin", 4, 2, None])
    notes = wb.create_sheet("Notes")
    notes.append(["not survey data"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_built_with_openpyxl():
    """An .xlsx workbook is read from its first sheet, numbers and labels alike, N/A as not applicable."""
    result = load(make_xlsx(), "responses.xlsx")
    rep = result.report
    assert rep.file_kind == "Excel workbook, sheet 'Form Responses 1'"
    assert any("Notes" in w for w in rep.warnings)
    assert (rep.rows_read, rep.rows_used, rep.rows_rejected) == (3, 3, 0)
    # Leadership and Vision: 3, 2, 4          -> n 3, mean 3
    # IT Management: 4.0, 3, 2                -> n 3, mean 3
    # Data Privacy and Security: N/A, 1, empty -> n 1, mean 1
    assert_figures(result, {"leadership-vision": (3, 3.0), "it-management": (3, 3.0), "data-privacy-security": (1, 1.0)})
    dps = result.ratings[result.ratings["area_id"].eq("data-privacy-security")].set_index("name")["status"]
    assert dps.to_dict() == {"Zoé Ébert": NOT_APPLICABLE, "Liam Ng": RATED, "Maya Roy": BLANK}
    assert set(result.ratings["role_id"]) == {"systems-engineer", "help-desk", "network-admin"}


def test_xlsx_bytes_with_a_csv_name_are_still_read_as_a_workbook():
    """The content decides the format: workbook bytes named .csv give the same result as named .xlsx."""
    as_xlsx = load(make_xlsx(), "responses.xlsx")
    as_csv = load(make_xlsx(), "responses.csv")
    assert as_csv.report.file_kind.startswith("Excel workbook")
    pd.testing.assert_frame_equal(as_csv.ratings, as_xlsx.ratings)


# --------------------------------------------------------------------------------------------
# rejects, duplicates, people, blank rows, unmapped columns

BAD_CELLS = (
    "Name,Email,Leadership and Vision,Strategic Planning,Data Management\n"
    "Ann,ann@x.org,3,5,2\n"  # row 2: 5 is off the 1-4 scale
    "Bo,bo@x.org,2.5,2,3 - Advanced\n"  # row 3: fractional; number and label disagree
    "Cy,cy@x.org,4,Excellent,1\n"  # row 4: not a level
)


def test_rejected_cells_report_row_column_value_and_reason():
    """Each unreadable cell is listed with its spreadsheet row (header = row 1), column, value and reason."""
    result = load(BAD_CELLS, scale="1-4")
    rep = result.report
    records = rep.rejected_records()
    assert [(r["row"], r["column"], r["value"]) for r in records] == [
        (2, "Strategic Planning", "5"),
        (3, "Leadership and Vision", "2.5"),
        (3, "Data Management", "3 - Advanced"),
        (4, "Strategic Planning", "Excellent"),
    ]
    reasons = [r["reason"] for r in records]
    assert reasons[0] == "outside the 1–4 scale"
    assert reasons[1] == "fractional rating; the scale has whole levels only"
    assert reasons[2] == "the number and the label name different levels"
    assert reasons[3].startswith("not a level of the Proficiency (1–4) scale")
    assert rep.cells_invalid == 4
    # every row still has a rating somewhere, so all three are used
    assert (rep.rows_read, rep.rows_used, rep.rows_rejected) == (3, 3, 0)
    # Leadership and Vision: 3, (2.5 rejected), 4 -> n 2, mean 3.5
    # Strategic Planning: (5 rejected), 2, (Excellent rejected) -> n 1, mean 2
    # Data Management: 2, (3 - Advanced rejected), 1 -> n 2, mean 1.5
    assert_figures(result, {"leadership-vision": (2, 3.5), "strategic-planning": (1, 2.0), "data-management": (2, 1.5)})


NO_RATING = (
    "Name,Email,Leadership and Vision,IT Management\n"
    "Ann,ann@x.org,3,4\n"  # row 2
    "Bo,bo@x.org,N/A,Don't know\n"  # row 3: only missing words
    "Cy,cy@x.org,,\n"  # row 4: nothing rated
    "Di,di@x.org,9,Excellent\n"  # row 5: only unreadable answers
    "Ed,ed@x.org,,2\n"  # row 6
)


def test_rows_with_no_answer_are_rejected():
    """A row whose answers are all blank or unreadable is rejected whole; an all-N/A row is a used answer."""
    result = load(NO_RATING)
    rep = result.report
    assert (rep.rows_read, rep.rows_used, rep.rows_rejected) == (5, 3, 2)
    whole = {r["row"]: r["reason"] for r in rep.rejected_records() if r["column"] == ROW}
    assert set(whole) == {4, 5}
    assert all(reason.startswith("no answer in any skill area") for reason in whole.values())
    assert {(r["row"], r["value"]) for r in rep.rejected_records() if r["column"] != ROW} == {(5, "9"), (5, "Excellent")}
    assert set(result.ratings["name"]) == {"Ann", "Bo", "Ed"}
    assert rep.respondents == 2  # Bo answered, but rated nothing
    bo = result.ratings[result.ratings["name"] == "Bo"]
    assert bo["rating"].isna().all() and set(bo["status"]) == {"not applicable"}
    assert rep.respondents == 2
    # Leadership and Vision: Ann 3 -> n 1, mean 3; IT Management: Ann 4, Ed 2 -> n 2, mean 3
    assert_figures(result, {"leadership-vision": (1, 3.0), "it-management": (2, 3.0)})


DUPLICATES = (
    "Timestamp,Email Address,Name,Leadership and Vision,IT Management\n"
    "11/10/2026 9:00:00,Ann.Avery@District.org,Ann Avery,4,4\n"  # row 2: Ann's latest, first in the file
    "11/9/2026 17:30:00,ann.avery@district.org,Ann Avery,1,1\n"  # row 3: Ann's earlier answer
    "11/9/2026 12:00:00,bo@district.org,Bo Brandt,2,3\n"  # row 4: Bo's earlier answer
    "11/12/2026 8:00:00,BO@district.org,Bo Brandt,3,2\n"  # row 5: Bo's latest
)


def test_duplicate_email_keeps_the_latest_timestamp():
    """Same email in any case: the latest timestamp wins (11/10 after 11/9, whatever the file order)."""
    result = load(DUPLICATES)
    rep = result.report
    assert (rep.rows_read, rep.rows_used, rep.rows_rejected) == (4, 2, 2)
    assert rep.respondents == 2
    assert sorted(result.ratings["row"].unique().tolist()) == [2, 5]
    records = rep.rejected_records()
    assert [(r["row"], r["column"]) for r in records] == [(3, ROW), (4, ROW)]
    assert records[0]["reason"] == "superseded by a later response with the same email (row 2)"
    assert records[1]["reason"] == "superseded by a later response with the same email (row 5)"
    # kept: Ann row 2 (4, 4), Bo row 5 (3, 2)
    # Leadership and Vision: 4, 3 -> n 2, mean 3.5; IT Management: 4, 2 -> n 2, mean 3
    assert_figures(result, {"leadership-vision": (2, 3.5), "it-management": (2, 3.0)})


def test_same_name_with_different_emails_is_two_people():
    """Two rows with one name but different emails are two respondents, both counted."""
    text = "Name,Email,Leadership and Vision\nSam Lee,sam.lee@x.org,4\nSam Lee,slee2@x.org,2\n"
    result = load(text)
    assert result.report.respondents == 2
    assert result.report.rejected.empty
    assert result.ratings["respondent"].nunique() == 2
    # 4, 2 -> n 2, mean 3
    assert_figures(result, {"leadership-vision": (2, 3.0)})


def test_blank_rows_are_skipped_with_a_warning():
    """Empty rows (commas only, whitespace, or an empty line) are skipped, named in a warning, and row numbers hold."""
    text = (
        "Name,Email,Leadership and Vision,IT Management\n"
        "Ann,ann@x.org,3,4\n"  # row 2
        ",,,\n"  # row 3
        "Bo,bo@x.org,2,2\n"  # row 4
        "\n"  # row 5
        "  , ,,\n"  # row 6
        "Cy,cy@x.org,4,3\n"  # row 7
    )
    result = load(text)
    rep = result.report
    assert rep.blank_rows == 3
    assert "3 empty row(s) skipped: rows 3, 5, 6." in rep.warnings
    assert (rep.rows_read, rep.rows_used, rep.rows_rejected) == (3, 3, 0)
    rows = result.ratings.drop_duplicates("respondent").set_index("name")["row"].to_dict()
    assert rows == {"Ann": 2, "Bo": 4, "Cy": 7}
    # Leadership and Vision: 3, 2, 4 -> mean 3; IT Management: 4, 2, 3 -> mean 3
    assert_figures(result, {"leadership-vision": (3, 3.0), "it-management": (3, 3.0)})


def test_unmapped_columns_are_listed_in_the_warnings():
    """Columns that name no skill area or identity field are listed in a warning and not used."""
    text = "Name,Years in district technology,Leadership and Vision,Favourite colour\nAnn,4,3,blue\nBo,12,2,red\n"
    result = load(text)
    rep = result.report
    assert rep.unmapped_columns == ["Years in district technology", "Favourite colour"]
    assert "2 column(s) not used: 'Years in district technology', 'Favourite colour'." in rep.warnings
    assert set(result.ratings["column"]) == {"Leadership and Vision"}
    # 3, 2 -> n 2, mean 2.5 (the years column is not read as a rating)
    assert_figures(result, {"leadership-vision": (2, 2.5)})


def test_missing_areas_are_named_in_a_warning():
    """Areas without a column are listed in report.missing_areas and in a warning."""
    result = load("Name,Leadership and Vision\nAnn,3\n")
    assert len(result.report.missing_areas) == 9
    assert "Leadership and Vision" not in result.report.missing_areas
    assert any(w.startswith("No column for Strategic Planning, ") for w in result.report.warnings)


def test_plain_numbers_warn_that_the_scale_was_assumed():
    """Numbers 1-4 without labels import on the 1-4 scale with a warning that it was assumed."""
    result = load("Name,Leadership and Vision\nAnn,3\nBo,4\n")
    assert result.scale.id == "1-4"
    assert any(w.startswith("Scale: ") for w in result.report.warnings)


def test_agreement_scale_file():
    """A file answered on the agreement scale is read on 1-5."""
    text = "Name,Leadership and Vision\nAnn,Strongly agree\nBo,Disagree\nCy,5\n"
    result = load(text)
    assert result.scale.id == "1-5"
    # 5, 2, 5 -> n 3, mean 4
    assert_figures(result, {"leadership-vision": (3, 4.0)})


# --------------------------------------------------------------------------------------------
# unusable files


def _zip_without_workbook() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "hello")
    return buf.getvalue()


UNUSABLE = {
    "empty bytes": (b"", "is empty"),
    "whitespace only": (b"  \r\n\t \n   ", "is empty"),
    "header only": (b"Name,Email,Leadership and Vision\r\n", "has a header row but no responses"),
    "header and empty rows": (b"Name,Email,Leadership and Vision\r\n,,\r\n,,\r\n", "has a header row but no responses"),
    "random binary": (random.Random(7).randbytes(4096), "is not a text or spreadsheet file"),
    "PDF": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "is a PDF document"),
    "old Excel": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "old-style Excel (.xls)"),
    "zip, not a workbook": (_zip_without_workbook(), "not an Excel workbook"),
    "no skill-area column": (b"Name,Email,Favourite colour\nAnn,ann@x.org,blue\n", "none of them a skill area"),
}


@pytest.mark.parametrize("case", list(UNUSABLE))
def test_unusable_files_raise_survey_file_error_with_a_sentence(case):
    """Unusable input raises SurveyFileError: a one-line message naming the file and saying why."""
    data, why = UNUSABLE[case]
    with pytest.raises(SurveyFileError) as info:
        read_survey(data, "upload.csv", FW)
    message = str(info.value)
    assert message.startswith("upload.csv ")
    assert why in message
    assert message.endswith(".")
    assert "\n" not in message


# --------------------------------------------------------------------------------------------
# what the import says it found


def test_a_column_found_but_never_on_the_scale_gets_a_warning_that_says_so():
    """Not 'No column for Data Privacy and Security': the column is there, its answers are not ratings."""
    text = "Name,Leadership and Vision,Data Privacy and Security\nAnn,3,2 tier architecture\nBo,4,some\n"
    rep = load(text).report
    assert "Data Privacy and Security" not in rep.missing_areas
    assert not any("No column for" in w and "Data Privacy and Security" in w.split(";")[0] for w in rep.warnings)
    assert ("The column 'Data Privacy and Security' (column C) was read as Data Privacy and Security, but none of "
            "its answers is a rating on the Proficiency (1–4) scale (2 listed as rejected, such as "
            "'2 tier architecture', 'some').") in rep.warnings
    assert rep.unusable == ""


def test_zero_respondents_is_said_in_one_sentence():
    rep = load("Name,Data Management\nAnn,5 stars\nBo,N/A\n").report
    assert rep.respondents == 0
    assert rep.unusable == ("survey.csv has 2 rows but not one rating on the Proficiency (1–4) scale: the skill-area "
                            "column 'Data Management' (column B) holds answers such as '5 stars'; nothing usable was "
                            "read.")
    assert rep.unusable in rep.warnings


def test_the_refusal_names_the_closest_columns_with_their_letters():
    data = b"Name,Email,Data,Budget notes,Vision for next year\nAnn,a@x.org,3,x,y\n"
    with pytest.raises(SurveyFileError) as info:
        read_survey(data, "staff.csv", FW)
    assert str(info.value) == (
        "staff.csv has 5 columns, none of them a skill area of the CoSN Framework of Essential Skills of the K-12 "
        "CTO; the closest were 'Data' (column C) and 'Budget notes' (column D). Map them on the Upload page or "
        "rename the columns.")
    assert [m.letter for m in info.value.mapping] == list("ABCDE") and info.value.filename == "staff.csv"


def test_a_proposal_is_the_closest_column():
    data = b"Name,How would you rate the leadership?\nAnn,3\n"
    with pytest.raises(SurveyFileError, match=r"the closest was 'How would you rate the leadership\?' \(column B\)"):
        read_survey(data, "staff.csv", FW)


def test_no_library_warning_is_raised_by_an_import():
    """openpyxl warns about ordinary workbooks (styles, extensions); an import shows none of it."""
    import warnings

    from tests.test_corpus import CORPUS

    for name in ("csvkit__examples_test.xlsx", "readxl__tests_testthat_sheets_nonstandard-xml-ns-prefix.xlsx",
                 "frictionless-py__data_issue-1024.xlsx"):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with pytest.raises(SurveyFileError):
                read_survey((CORPUS / "messy-tables" / name).read_bytes(), name, FW)
        assert caught == [], (name, [str(w.message) for w in caught])
