"""Bytes to a raw table of text cells: CSV or XLSX, told apart by content, not by extension.

The raw table keeps every record, header rows included, as text ("" for an empty cell), indexed by
the row number a spreadsheet would show (the first line is row 1). Nothing is interpreted here.

Before anything is built, the file is measured on its bytes against the entry point's limits
(``limits.py``, ``shape.py``). Every refusal is one sentence that says what the file is.
"""

from __future__ import annotations

import codecs
import csv
import io
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from framework.importer.errors import SurveyFileError
from framework.importer.limits import UPLOAD, Limits, size_text
from tests.oracle_importer.shape import NotAWorkbook, check_csv, check_xlsx, decode_head, zip_names

EXPECTED = "the dashboard reads a CSV or Excel (.xlsx) file with a header row and a row per staff member"
# a table wider than this is held as one block of Python strings, so that whole-table work is one pass
# whatever the number of columns; a narrower one as columns of pandas' Arrow-backed strings (several
# times smaller and quicker for the long tables of large surveys)
WIDE = 256

# what a file is, by its first bytes, for the ones that are no table at all
_MAGIC = [
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"{\\rtf", "an RTF document"),
    (b"SQLite format 3", "an SQLite database"),
]


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
                filled = filled_mask(part).any(axis=1)
                if filled.any():
                    self._first_row = int(part.index[np.argmax(filled)])
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


def filled_mask(cells: pd.DataFrame) -> np.ndarray:
    """Cells with something other than white space, as a boolean matrix (one pass over the values,
    whatever the number of columns)."""
    if cells.size == 0:
        return np.zeros(cells.shape, dtype=bool)
    flat = pd.Series(cells.to_numpy(dtype=object).ravel(), dtype=object).fillna("").astype(str)
    return flat.str.strip().ne("").to_numpy(dtype=bool).reshape(cells.shape)


def blank_rows(cells: pd.DataFrame) -> np.ndarray:
    """Rows whose every cell is empty or white space. Column by column for a narrow table; for a wide one,
    most rows are decided by their first non-empty cell, and only rows whose first non-empty cell is white
    space are looked at whole."""
    if cells.shape[1] <= WIDE:
        if cells.shape[1] == 0 or len(cells) == 0:
            return np.ones(len(cells), dtype=bool)
        empty = cells.apply(lambda s: s.astype("string").str.strip().eq("")).astype(bool)
        return empty.all(axis=1).to_numpy(dtype=bool)
    values = cells.to_numpy(dtype=object)
    if values.shape[1] == 0:
        return np.ones(len(values), dtype=bool)
    nonempty = values != ""
    blank = ~nonempty.any(axis=1)
    rows = np.flatnonzero(~blank)
    first = values[rows, nonempty[rows].argmax(axis=1)]
    unsure = rows[np.fromiter((not str(v).strip() for v in first), dtype=bool, count=len(first))]
    if len(unsure):
        blank[unsure] = ~filled_mask(cells.iloc[unsure]).any(axis=1)
    return blank


def _why(exc: BaseException) -> str:
    """A library's error text on one line, short enough for a sentence."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "…"


def read_table(data: bytes, filename: str = "upload", limits: Limits = UPLOAD) -> RawTable:
    if not data:
        raise SurveyFileError(f"{filename} is empty (0 bytes); {EXPECTED}.")
    if len(data) > limits.max_bytes:
        raise SurveyFileError(f"{filename} is {size_text(len(data))}; the dashboard reads files of at most "
                              f"{size_text(limits.max_bytes)}.")
    head = data[:16]
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _read_xlsx(data, filename, limits)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise SurveyFileError(
            f"{filename} is an old-style Excel (.xls) workbook or another pre-2007 Office file; open it in Excel or "
            "Google Sheets, save it as .xlsx or CSV, and upload that."
        )
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise SurveyFileError(f"{filename} is {what}, not a table; {EXPECTED}.")
    if not data.strip():
        raise SurveyFileError(f"{filename} is empty: it holds only white space ({size_text(len(data))}); {EXPECTED}.")
    return _read_csv(data, filename, limits)


# ---- CSV ------------------------------------------------------------------------------------
def _encoding(data: bytes, filename: str) -> tuple[bytes, str]:
    """The bytes to measure (UTF-8 or Windows-1252; UTF-16 re-encoded as UTF-8) and the encoding's name."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16").encode("utf-8"), "UTF-16"
        except UnicodeDecodeError:
            raise SurveyFileError(f"{filename} starts like a UTF-16 text file but is not one; {EXPECTED}.") from None
    sample = data[:65536]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13, 12))
    if b"\x00" in sample or controls > 0.05 * len(sample):
        raise SurveyFileError(
            f"{filename} is not a text or spreadsheet file ({controls:,} of its first {len(sample):,} bytes are "
            f"control codes); {EXPECTED}."
        )
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:], "UTF-8 with BOM"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:  # chunk by chunk: no copy of the whole file as text
        for at in range(0, len(data), 1 << 20):
            decoder.decode(data[at : at + (1 << 20)], final=at + (1 << 20) >= len(data))
    except UnicodeDecodeError:
        return data, "Windows-1252"
    return data, "UTF-8"


def _sniff_delimiter(text: str) -> str:
    lines = [ln for ln in text.splitlines()[:50] if ln.strip()]
    sample = "\n".join(lines)
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        first = lines[0] if lines else ""
        counts = {d: first.count(d) for d in (",", ";", "\t", "|")}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def _read_csv(data: bytes, filename: str, limits: Limits) -> RawTable:
    body, encoding = _encoding(data, filename)
    delimiter = _sniff_delimiter(decode_head(body, encoding))
    try:
        shape = check_csv(body, delimiter, encoding, limits, filename)
    except SurveyFileError as exc:
        text = str(exc)
        raise SurveyFileError(text if text.startswith(filename) else f"{filename} {text}; {EXPECTED}.") from None
    # a wide table as one block of Python strings (dtype=object); a narrow one without a dtype: with
    # header=None every column holds its header text, so pandas keeps it as text, several times quicker
    opts = dict(sep=delimiter, header=None, keep_default_na=False, skip_blank_lines=False,
                encoding="cp1252" if encoding == "Windows-1252" else "utf-8", encoding_errors="replace",
                **({"dtype": object} if shape.columns > WIDE else {}))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                cells = pd.read_csv(io.BytesIO(body), **opts)
            except (pd.errors.ParserError, pd.errors.EmptyDataError):
                # ragged rows, or empty lines above the header (pandas takes the width from the first
                # line): give pandas the widest record's width, measured already
                if shape.columns == 0:
                    raise SurveyFileError(f"{filename} has no cells with content; {EXPECTED}.") from None
                opts["names"] = range(shape.columns)
                cells = pd.read_csv(io.BytesIO(body), **opts)
            # The one change made on purpose since this copy was frozen: every cell is the file's text.
            # pandas guesses a long column's type block by block, and gave "007" as 7 and "true" as
            # True; such a table is read again as Python strings throughout.
            if not all(pd.api.types.infer_dtype(cells[c], skipna=True) in ("string", "empty") for c in cells.columns):
                cells = pd.read_csv(io.BytesIO(body), **{**opts, "dtype": object})
    except SurveyFileError:
        raise
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, csv.Error, MemoryError) as exc:
        raise SurveyFileError(f"{filename} cannot be read as CSV ({_why(exc)}); {EXPECTED}.") from None
    cells = _tidy_cells(cells)
    if cells.empty:
        raise SurveyFileError(f"{filename} has no cells with content; {EXPECTED}.")
    return RawTable(cells, "csv", encoding=encoding, delimiter=delimiter)


# ---- XLSX -----------------------------------------------------------------------------------
def _read_xlsx(data: bytes, filename: str, limits: Limits) -> RawTable:
    try:
        plan = check_xlsx(data, limits, filename)
    except NotAWorkbook as nw:
        if nw.kind:
            raise SurveyFileError(f"{filename} is {nw.kind}, not an Excel workbook; save it as .xlsx or CSV and "
                                  "upload that.") from None
        names = [n for n in nw.names if not n.endswith("/")]
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3:,} more" if len(names) > 3 else "")
        raise SurveyFileError(
            f"{filename} is a ZIP archive holding {shown or 'nothing'}, not an Excel workbook; unzip it and upload "
            "the CSV or workbook inside."
        ) from None
    filled = [s for s in plan.sheets if s.filled]
    if not filled:
        sheets = ", ".join(repr(s.name) for s in plan.sheets[:5])
        raise SurveyFileError(
            f"{filename} is an Excel workbook whose {len(plan.sheets)} sheet{'s' if len(plan.sheets) != 1 else ''}"
            f"{f' ({sheets})' if sheets else ''} hold no cells with content; {EXPECTED}."
        )
    for k, sheet in enumerate(filled):
        try:
            with warnings.catch_warnings():  # openpyxl's UserWarnings about styles and extensions
                warnings.simplefilter("ignore")
                df = pd.read_excel(io.BytesIO(data), sheet_name=sheet.index, header=None, dtype=object,
                                   engine="openpyxl", keep_default_na=False)
        except Exception as exc:  # openpyxl raises many types for damaged workbooks
            raise SurveyFileError(f"{filename} looks like an Excel workbook but cannot be opened "
                                  f"({_why(exc)}).") from None
        cells = _tidy_cells(_excel_text(df))
        if cells.empty:
            continue
        notes = []
        others = [s.name for s in filled[k + 1 :]]
        if others:
            listed = ", ".join(repr(n) for n in others)
            notes.append(f"The workbook has several sheets; the first one, {sheet.name!r}, was read and {listed} "
                         "ignored.")
        return RawTable(cells, "xlsx", sheet=sheet.name, notes=notes)
    raise SurveyFileError(f"{filename} is an Excel workbook with no cells with content; {EXPECTED}.")


def _excel_text(df: pd.DataFrame) -> pd.DataFrame:
    """Workbook values as text: date-times as ``YYYY-MM-DD HH:MM:SS``, numbers as Python writes them
    (a whole-number float "3.0" stays readable by the scales), empty cells as ""."""

    def text(v) -> str:
        if v is None or v is pd.NaT or (isinstance(v, float) and v != v):
            return ""
        if isinstance(v, str):
            return v
        if hasattr(v, "isoformat"):
            return v.isoformat(sep=" ") if hasattr(v, "hour") and hasattr(v, "date") else v.isoformat()
        return str(v)

    values = df.to_numpy(dtype=object)
    flat = np.frompyfunc(text, 1, 1)(values.ravel()) if values.size else values.ravel()
    return pd.DataFrame(flat.reshape(values.shape), index=df.index, dtype=object)


def _tidy_cells(cells: pd.DataFrame) -> pd.DataFrame:
    """Text cells, "" for empty, numbered rows from 1; drop empty trailing rows and columns."""
    if cells.shape[1] <= WIDE:
        return _tidy_columns(cells)
    values = cells.to_numpy(dtype=object)
    if values.size == 0:
        return pd.DataFrame(np.empty((0, 0), dtype=object), dtype=object)
    missing = pd.isna(values)
    if missing.any():
        values = values.copy()
        values[missing] = ""
    filled = values != ""  # white space counts here: the importer skips such rows as empty
    rows, cols = np.flatnonzero(filled.any(axis=1)), np.flatnonzero(filled.any(axis=0))
    if not len(rows):
        return pd.DataFrame(np.empty((0, 0), dtype=object), dtype=object)
    values = values[: rows[-1] + 1, : cols[-1] + 1]
    out = pd.DataFrame(values, index=pd.RangeIndex(1, len(values) + 1), columns=range(values.shape[1]), dtype=object)
    if not filled_mask(out.head(64)).any() and not filled_mask(out).any():  # white space in every cell
        return pd.DataFrame(np.empty((0, 0), dtype=object), dtype=object)
    return out


def _tidy_columns(cells: pd.DataFrame) -> pd.DataFrame:
    """A narrow table column by column, as pandas' text dtype."""
    cells = cells.astype("string").fillna("")
    cells.columns = range(cells.shape[1])
    cells.index = pd.RangeIndex(1, len(cells) + 1)
    filled = cells.ne("")  # white space counts here: the importer skips such rows as empty
    if not filled.to_numpy().any():
        return cells.iloc[0:0, 0:0]
    rows, cols = filled.any(axis=1), filled.any(axis=0)
    cells = cells.loc[: rows[rows].index.max(), : cols[cols].index.max()]
    if not filled_mask(cells.head(64)).any() and not filled_mask(cells).any():  # white space in every cell
        return cells.iloc[0:0, 0:0]
    return cells


__all__ = ["EXPECTED", "RawTable", "blank_rows", "filled_mask", "read_table", "zip_names"]
