"""Bytes to a raw table of text cells: CSV or XLSX, told apart by content, not by extension.

The raw table keeps every record, header rows included, as text ("" for an empty cell), indexed by
the row number a spreadsheet would show (the first line is row 1). Nothing is interpreted here.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field

import pandas as pd

from framework.importer.errors import SurveyFileError

_EXPECTED = (
    "Expected a CSV or Excel (.xlsx) file with one header row and one row per staff member "
    "(or one row per staff member and skill area)."
)


@dataclass
class RawTable:
    cells: pd.DataFrame  # text cells, columns 0..n-1, index = 1-based row numbers
    kind: str  # "csv" or "xlsx"
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    notes: list[str] = field(default_factory=list)
    _first_row: int | None = field(default=None, repr=False)

    @property
    def first_row(self) -> int:
        """The first row with any content (computed once; the top rows are looked at first)."""
        if self._first_row is None:
            for part in (self.cells.head(64), self.cells):
                filled = part.apply(lambda s: s.str.strip().ne("")).any(axis=1)
                if filled.any():
                    self._first_row = int(filled[filled].index[0])
                    break
            else:
                raise ValueError("the table has no content")
        return self._first_row

    @property
    def kind_text(self) -> str:
        if self.kind == "xlsx":
            return f"Excel workbook, sheet {self.sheet!r}"
        names = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
        return f"CSV ({self.encoding}, {names.get(self.delimiter or ',', repr(self.delimiter))}-separated)"


def _why(exc: Exception) -> str:
    """A library's error text on one line, short enough for a sentence."""
    text = " ".join(str(exc).split())
    return text if len(text) <= 120 else text[:117] + "…"


def read_table(data: bytes, filename: str = "upload") -> RawTable:
    if not data or not data.strip():
        raise SurveyFileError(f"{filename} is empty. {_EXPECTED}")
    head = data[:8]
    if head.startswith(b"PK\x03\x04"):
        return _read_xlsx(data, filename)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise SurveyFileError(
            f"{filename} is an old-style Excel (.xls) workbook. Open it in Excel or Google Sheets and save it as "
            ".xlsx or CSV, then upload that."
        )
    if head.startswith(b"%PDF"):
        raise SurveyFileError(f"{filename} is a PDF document, not a table. {_EXPECTED}")
    text, encoding = _decode(data, filename)
    return _read_csv(text, encoding, filename)


def _decode(data: bytes, filename: str) -> tuple[str, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16"
    sample = data[:65536]
    if b"\x00" in sample or _binary_share(sample) > 0.05:
        raise SurveyFileError(f"{filename} is not a text or spreadsheet file. {_EXPECTED}")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "UTF-8 with BOM"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "Windows-1252"


def _binary_share(sample: bytes) -> float:
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13, 12))
    return controls / max(len(sample), 1)


def _sniff_delimiter(text: str) -> str:
    lines = [ln for ln in text[:65536].splitlines()[:50] if ln.strip()]
    sample = "\n".join(lines)
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        first = lines[0] if lines else ""
        counts = {d: first.count(d) for d in (",", ";", "\t", "|")}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def _read_csv(text: str, encoding: str, filename: str) -> RawTable:
    delimiter = _sniff_delimiter(text)
    # no dtype: with header=None every column holds its header text, so pandas keeps each column as
    # text exactly as written (and its fast path is several times quicker than dtype=str)
    opts = dict(sep=delimiter, header=None, keep_default_na=False, skip_blank_lines=False)
    try:
        cells = pd.read_csv(io.StringIO(text), **opts)
    except (pd.errors.ParserError, pd.errors.EmptyDataError):
        # ragged rows, or empty lines above the header (pandas takes the width from the first line):
        # give pandas the widest row's width
        try:
            rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
            width = max((len(r) for r in rows), default=0)
            if width == 0:
                raise SurveyFileError(f"{filename} has no cells with content. {_EXPECTED}")
            cells = pd.read_csv(io.StringIO(text), names=range(width), **opts)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, csv.Error) as exc:
            raise SurveyFileError(f"{filename} cannot be read as CSV ({_why(exc)}). {_EXPECTED}") from None
    except (ValueError, csv.Error) as exc:
        raise SurveyFileError(f"{filename} cannot be read as CSV ({_why(exc)}). {_EXPECTED}") from None
    cells = _tidy_cells(cells)
    if cells.empty:
        raise SurveyFileError(f"{filename} has no cells with content. {_EXPECTED}")
    return RawTable(cells, "csv", encoding=encoding, delimiter=delimiter)


def _read_xlsx(data: bytes, filename: str) -> RawTable:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if "xl/workbook.xml" not in zf.namelist():
                raise SurveyFileError(f"{filename} is a ZIP archive but not an Excel workbook. {_EXPECTED}")
        sheets = pd.read_excel(
            io.BytesIO(data), sheet_name=None, header=None, dtype=object, engine="openpyxl", keep_default_na=False
        )
    except SurveyFileError:
        raise
    except Exception as exc:  # openpyxl raises many types for damaged workbooks
        raise SurveyFileError(f"{filename} looks like an Excel workbook but cannot be opened ({_why(exc)}).") from None
    filled = {name: _tidy_cells(_excel_text(df)) for name, df in sheets.items()}
    filled = {name: df for name, df in filled.items() if not df.empty}
    if not filled:
        raise SurveyFileError(f"{filename} is an Excel workbook with no cells with content. {_EXPECTED}")
    name, cells = next(iter(filled.items()))
    notes = []
    if len(filled) > 1:
        others = ", ".join(repr(n) for n in list(filled)[1:])
        notes.append(f"The workbook has several sheets; the first one, {name!r}, was read and {others} ignored.")
    return RawTable(cells, "xlsx", sheet=str(name), notes=notes)


def _excel_text(df: pd.DataFrame) -> pd.DataFrame:
    out = {}
    for col in df.columns:
        s = df[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            out[col] = s.dt.strftime("%Y-%m-%d %H:%M:%S")
            continue
        as_dt = s.map(lambda v: v.isoformat(sep=" ") if hasattr(v, "isoformat") else v)
        out[col] = as_dt
    text = pd.DataFrame(out, index=df.index).astype("string")
    # whole-number floats from Excel ("3.0") stay readable by the scales; nothing else to do
    return text


def _tidy_cells(cells: pd.DataFrame) -> pd.DataFrame:
    """Text dtype, "" for empty, numbered rows from 1; drop empty trailing rows and columns."""
    cells = cells.astype("string").fillna("")
    cells.columns = range(cells.shape[1])
    cells.index = pd.RangeIndex(1, len(cells) + 1)
    filled = cells.ne("")  # whitespace-only trailing rows stay; the importer skips them as empty rows
    if not filled.to_numpy().any():
        return cells.iloc[0:0, 0:0]
    rows = filled.any(axis=1)
    cols = filled.any(axis=0)
    last_row = rows[rows].index.max()
    last_col = cols[cols].index.max()
    cells = cells.loc[:last_row, : last_col]
    if not _has_content(cells):  # only white space (a form feed, say) in every cell
        return cells.iloc[0:0, 0:0]
    return cells


def _has_content(cells: pd.DataFrame) -> bool:
    # the top rows first: content is almost always there, and the whole table is only scanned if not
    return any(part.apply(lambda s: s.str.strip().ne("")).to_numpy().any() for part in (cells.head(64), cells))
