"""Formula-like text is neutralised in exports; the survey template reads back with no mapping."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pandas as pd

from framework.definitions import get_framework
from framework.exports import is_formula_like, neutralize, to_csv_bytes, to_xlsx_bytes
from framework.importer import read_survey
from framework.scales import get_scale
from framework.targets import default_targets
from framework.template import choices, question_wording, template_csv, template_xlsx

FW = get_framework()


def test_formula_like_text_is_neutralised_but_numbers_are_not():
    """=, +, -, @ starts get an apostrophe; -3 and +4.5 stay numbers."""
    df = pd.DataFrame({"note": ["=HYPERLINK(\"x\")", "+SUM(A1)", "-2+3", "@cmd", "-3", "+4.5", "plain", None]})
    out = neutralize(df)["note"].tolist()
    assert out[:4] == ["'=HYPERLINK(\"x\")", "'+SUM(A1)", "'-2+3", "'@cmd"]
    assert out[4:7] == ["-3", "+4.5", "plain"]
    assert pd.isna(out[7])
    assert is_formula_like("=1") and not is_formula_like("1")


def test_csv_and_xlsx_exports_hold_no_formula():
    """Neither the CSV text nor the workbook contains a live formula."""
    df = pd.DataFrame({"=bad header": ["=1+1", "ok"], "n": [1, 2]})
    text = to_csv_bytes(df).decode("utf-8-sig")
    assert "\n=1+1" not in text and "'=1+1" in text and text.startswith('"\'=bad header"')
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes({"Sheet": df})))
    values = [c.value for row in wb["Sheet"].iter_rows() for c in row]
    assert all(not (isinstance(v, str) and v.startswith("=")) for v in values)
    assert all(c.data_type != "f" for row in wb["Sheet"].iter_rows() for c in row)


ATTACKS = ["Smith;=2+5", "a,+1", "x\t@y", '=HYPERLINK("http://evil/","x")', "Lee, \"=1+1", "two\nlines\r\n-2+3",
           "plain, text; here", "-3"]
NUMBERS = [-1, 2.5, -3.25, 0, 4, -5, 6, -7]


def test_csv_quotes_text_and_neutralises_formulas_after_separators():
    """A spreadsheet that splits on ``;``, ``,``, tab or line breaks and ignores quotes finds no cell that
    starts a formula; a CSV reader gets the neutralised text back; numbers stay unquoted numbers."""
    df = pd.DataFrame({"Name": ATTACKS, "Mean": NUMBERS, "n": range(len(ATTACKS))})
    text = to_csv_bytes(df).decode("utf-8-sig")
    # every text field quoted, every number not: the strict reader turns each unquoted field into a float
    rows = list(csv.reader(io.StringIO(text), quoting=csv.QUOTE_NONNUMERIC))
    assert rows[0] == ["Name", "Mean", "n"]
    assert [r[1] for r in rows[1:]] == NUMBERS and [r[2] for r in rows[1:]] == list(range(len(ATTACKS)))
    names = [r[0] for r in rows[1:]]
    assert names == ["Smith;'=2+5", "a,'+1", "x\t'@y", '\'=HYPERLINK("http://evil/","x")', "Lee, \"'=1+1",
                     "two\nlines\r\n'-2+3", "plain, text; here", "-3"]
    # Excel in a semicolon locale, or any reader that ignores quotes, cuts at every separator
    pieces = re.split(r"[;,\t\r\n]", text)
    starts = [p.strip().strip('"').lstrip() for p in pieces]
    live = [p for p in starts if p[:1] in ("=", "+", "-", "@") and not re.fullmatch(r"-?\d+(\.\d+)?", p)]
    assert live == [], f"formula-like cells after splitting: {live}"


def test_separators_inside_a_cell_are_left_alone_in_xlsx():
    """A workbook cell is one cell whatever it holds: only a formula-like start is neutralised there."""
    df = pd.DataFrame({"Name": ATTACKS, "Mean": NUMBERS})
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes({"Sheet": df})))
    values = [[c.value for c in row] for row in wb["Sheet"].iter_rows(min_row=2)]
    assert [v[0] for v in values] == ["Smith;=2+5", "a,+1", "x\t@y", '\'=HYPERLINK("http://evil/","x")', "Lee, \"=1+1",
                                      "two\nlines\r\n-2+3", "plain, text; here", "-3"]
    assert [v[1] for v in values] == NUMBERS
    assert all(c.data_type != "f" for row in wb["Sheet"].iter_rows() for c in row)


def test_template_csv_maps_every_area_by_itself():
    """A filled-in copy of the CSV template imports with every column matched exactly."""
    header = template_csv(FW).decode("utf-8-sig").strip()
    row = "Ann,ann@x.org,Network Administrator,HQ," + ",".join(["3 - Proficient"] * len(FW.areas))
    res = read_survey((header + "\n" + row + "\n").encode(), "t.csv", FW)
    assert res.report.unmapped_columns == []
    assert {m.target for m in res.report.mapping if m.kind == "area"} == set(FW.area_ids)
    assert res.ratings["role_id"].astype(str).unique().tolist() == ["network-admin"]


def test_template_xlsx_has_dropdowns_and_wording():
    """The workbook has the headers, a level dropdown over the area columns, and the wording sheet."""
    scale = get_scale("1-4")
    wb = openpyxl.load_workbook(io.BytesIO(template_xlsx(FW, scale, default_targets())))
    ws = wb["Responses"]
    headers = [c.value for c in ws[1]]
    assert headers[4:] == [a.name for a in FW.areas]
    formulas = {dv.formula1 for dv in ws.data_validations.dataValidation}
    assert any("Lists!$A$1:$A$5" in f for f in formulas)
    assert [c.value for c in wb["Lists"]["A"] if c.value] == choices(scale)
    assert wb["How to use"]["A1"].value.startswith("Survey wording")


def test_question_wording_lists_areas_and_choices():
    text = question_wording(FW, get_scale("1-4"), default_targets())
    assert all(a.name in text for a in FW.areas)
    assert "3 - Proficient" in text and "N/A - Not part of my role" in text
