"""Table exports (CSV and XLSX bytes) with formula-like text neutralised.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return can run as a formula
when a spreadsheet opens the file (CSV injection). Such text gets a leading apostrophe, which
spreadsheets show as plain text; numbers, including negative ones, are left alone.

CSV has a second way in: a spreadsheet that splits lines on another separator than the file's (Excel
in a semicolon locale opening a comma file) or ignores quotes sees ``Smith;=2+5`` as two cells, the
second a formula. So in CSV every text field is quoted, and inside a text cell a ``=``, ``+``, ``-`` or
``@`` that follows a ``;``, ``,``, tab or line break (spaces or quotes between them allowed) gets an
apostrophe too. Numbers are written as numbers, unquoted.
"""

from __future__ import annotations

import csv
import io
import re

import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?%?$")
# a formula character after a separator inside a cell; the apostrophe goes just before it
_AFTER_SEPARATOR = re.compile(r"(?<=[;,\t\r\n])([ \"]*)(?=[=+\-@])")
_HAS_AFTER_SEPARATOR = r"[;,\t\r\n][ \"]*[=+\-@]"  # the same test, vectorised (no look-around)


def is_formula_like(text: str) -> bool:
    return isinstance(text, str) and text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(text.strip())


def neutralize_text(text: str, separators: bool = False) -> str:
    """One cell's text as a spreadsheet must show it: an apostrophe before a formula-like start and,
    with ``separators`` (CSV), before a formula character after a separator inside the cell."""
    if is_formula_like(text):
        text = "'" + text
    return _AFTER_SEPARATOR.sub(r"\1'", text) if separators else text


def neutralize(frame: pd.DataFrame, separators: bool = False) -> pd.DataFrame:
    """A copy in which every formula-like text cell (and column name) is neutralised (see
    :func:`neutralize_text`); numbers are left as they are."""
    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_string_dtype(s) or s.dtype == object:
            text = s.astype("string")
            risky = text.str.startswith(_FORMULA_START).fillna(False) & ~text.str.strip().str.match(
                _PLAIN_NUMBER
            ).fillna(False)
            if separators:
                risky |= text.str.contains(_HAS_AFTER_SEPARATOR, regex=True).fillna(False)
            if risky.any():
                mask = risky.to_numpy(dtype=bool)
                values = s.astype("object").to_numpy(copy=True)
                values[mask] = [neutralize_text(str(t), separators) for t in text.to_numpy(dtype=object)[mask]]
                out[col] = values
    out.columns = [neutralize_text(c, separators) for c in map(str, out.columns)]
    return out


def to_csv_bytes(frame: pd.DataFrame, index: bool = False) -> bytes:
    """UTF-8 with BOM, so Excel opens accented names correctly; text fields quoted, numbers not.
    An index that is written goes out as columns, neutralised like them."""
    if index:
        frame = frame.reset_index()
    return neutralize(frame, separators=True).to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC).encode("utf-8-sig")


def to_xlsx_bytes(sheets: dict[str, pd.DataFrame], index: bool = False) -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            safe = neutralize(frame)
            safe.to_excel(writer, sheet_name=name[:31], index=index)
            ws = writer.sheets[name[:31]]
            for i, col in enumerate(safe.columns, start=1):
                width = min(max([len(str(col))] + [len(str(v)) for v in safe[col].head(200)]) + 2, 60)
                ws.column_dimensions[ws.cell(1, i).column_letter].width = width
    return buf.getvalue()
