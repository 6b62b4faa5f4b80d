"""Table exports (CSV and XLSX bytes) with formula-like text neutralised.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return can run as a formula
when a spreadsheet opens the file (CSV injection). Such text gets a leading apostrophe, which
spreadsheets show as plain text; numbers, including negative ones, are left alone.
"""

from __future__ import annotations

import io
import re

import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?%?$")


def is_formula_like(text: str) -> bool:
    return isinstance(text, str) and text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(text.strip())


def neutralize(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy in which every formula-like text cell (and column name) is prefixed with an apostrophe."""
    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_string_dtype(s) or s.dtype == object:
            text = s.astype("string")
            risky = text.str.startswith(_FORMULA_START).fillna(False) & ~text.str.strip().str.match(
                _PLAIN_NUMBER
            ).fillna(False)
            if risky.any():
                out[col] = s.astype("object").where(~risky, "'" + text)
    out.columns = ["'" + c if is_formula_like(c) else c for c in map(str, out.columns)]
    return out


def to_csv_bytes(frame: pd.DataFrame, index: bool = False) -> bytes:
    """UTF-8 with BOM, so Excel opens accented names correctly."""
    return neutralize(frame).to_csv(index=index).encode("utf-8-sig")


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
