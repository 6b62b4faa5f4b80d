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
import mmap
import os
import sys
import warnings
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from framework.importer.errors import SurveyFileError
from framework.importer.limits import UPLOAD, Limits, size_text
from framework.importer.shape import NotAWorkbook, check_csv, check_xlsx, decode_head, records_at_most, zip_names

EXPECTED = "the dashboard reads a CSV or Excel (.xlsx) file with a header row and a row per staff member"
# a table wider than this is held as one block of Python strings, so that whole-table work is one pass
# whatever the number of columns; a narrower one as columns of pandas' Arrow-backed strings (several
# times smaller and quicker for the long tables of large surveys)
WIDE = 256
_HEAD_BYTES = 65536  # the start of a file that its delimiter and first record are read from

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


@dataclass(frozen=True)
class OnDisk:
    """The file a table's bytes were read from, as it was when they were read. pandas reads a CSV of
    several megabytes with two threads when it is given the file's path (and with one from bytes in
    memory), so the usual UTF-8 file is read from here, once its bytes have been checked, as long as
    the file is still the one they were read from (else the checked bytes are read, or, where the bytes
    are the file mapped into memory, the file is refused as changed while it was read)."""

    path: Path
    stat: os.stat_result

    def unchanged(self) -> bool:
        try:
            now = os.stat(self.path)
        except OSError:
            return False
        return _identity(now) == _identity(self.stat)


def _identity(st: os.stat_result) -> tuple:
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


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
        blank = np.ones(len(cells), dtype=bool)
        for j in range(cells.shape[1]):  # column by column, only the rows still blank so far
            rows = np.flatnonzero(blank)
            if not len(rows):
                break
            column = cells.iloc[:, j]
            column = column if len(rows) == len(cells) else column.iloc[rows]
            blank[rows] = column.astype("string").str.strip().eq("").to_numpy(dtype=bool)
        return blank
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


def read_table(data: bytes | mmap.mmap, filename: str = "upload", limits: Limits = UPLOAD, *,
               on_disk: OnDisk | None = None) -> RawTable:
    """The raw table of a file's bytes (or of the file mapped into memory: see ``read_survey_file``).
    ``on_disk``: the file they were read from (see :class:`OnDisk`); the table is the same with it or
    without it, only read sooner."""
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
    if _all_chunks(data, bytes.isspace):  # (not data.strip(), without a copy of the file)
        raise SurveyFileError(f"{filename} is empty: it holds only white space ({size_text(len(data))}); {EXPECTED}.")
    if on_disk is not None and on_disk.stat.st_size != len(data):
        on_disk = None
    return _read_csv(data, filename, limits, on_disk)


# ---- CSV ------------------------------------------------------------------------------------
def _encoding(data: bytes, filename: str) -> tuple[bytes, str]:
    """The bytes to measure (UTF-8 or Windows-1252; UTF-16 re-encoded as UTF-8) and the encoding's name."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data[:].decode("utf-16").encode("utf-8"), "UTF-16"
        except UnicodeDecodeError:
            raise SurveyFileError(f"{filename} starts like a UTF-16 text file but is not one; {EXPECTED}.") from None
    sample = data[:65536]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13, 12))
    if b"\x00" in sample or controls > 0.05 * len(sample):
        raise SurveyFileError(
            f"{filename} is not a text or spreadsheet file ({controls:,} of its first {len(sample):,} bytes are "
            f"control codes); {EXPECTED}."
        )
    if data[:3] == b"\xef\xbb\xbf":
        return data[3:], "UTF-8 with BOM"
    return data, ("UTF-8" if _is_utf8(data) else "Windows-1252")


def _all_chunks(data: bytes | mmap.mmap, test) -> bool:
    """``test`` (such as ``bytes.isspace``) of the whole file, a megabyte at a time: a mapped file has
    no such methods, and its bytes are not copied whole to ask."""
    if isinstance(data, bytes):
        return test(data)
    step = 1 << 20
    return len(data) > 0 and all(test(data[at : at + step]) for at in range(0, len(data), step))


def _is_ascii(data: bytes | mmap.mmap) -> bool:
    if isinstance(data, bytes):
        return data.isascii()
    whole = len(data) // 8 * 8  # a mapped file: eight bytes at a time, their top bits or-ed together
    top = np.bitwise_or.reduce(np.frombuffer(data, dtype=np.uint64, count=whole // 8)) if whole else 0
    return not int(top) & 0x8080808080808080 and data[whole:].isascii()


def _is_utf8(data: bytes | mmap.mmap) -> bool:
    if _is_ascii(data):  # one pass in C; ASCII is UTF-8
        return True
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:  # chunk by chunk: no copy of the whole file as text
        for at in range(0, len(data), 1 << 20):
            decoder.decode(data[at : at + (1 << 20)], final=at + (1 << 20) >= len(data))
    except UnicodeDecodeError:
        return False
    return True


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


def _read_csv(data: bytes, filename: str, limits: Limits, on_disk: OnDisk | None = None) -> RawTable:
    if len(data) < _AHEAD_FROM:
        return _read_csv_with(data, filename, limits, on_disk, None)
    # a large file's line ends are counted on a second thread (numpy lets go of the interpreter) while
    # this one checks its encoding; the thread has ended before the bytes can be let go
    with ThreadPoolExecutor(1, thread_name_prefix="line-ends") as pool:
        line_ends = pool.submit(records_at_most, data)
        try:
            return _read_csv_with(data, filename, limits, on_disk, line_ends)
        finally:
            line_ends.cancel()


_AHEAD_FROM = 8 << 20  # bytes from which a file's line ends are counted beside its encoding check


def _read_csv_with(data: bytes, filename: str, limits: Limits, on_disk: OnDisk | None,
                   line_ends: Future | None) -> RawTable:
    body, encoding = _encoding(data, filename)
    head = decode_head(body, encoding, _HEAD_BYTES)
    delimiter = _sniff_delimiter(head)
    # Bytes that cannot be decoded are replaced; text checked to be UTF-8 (by _encoding, or here after a
    # BOM) needs no error handler, which would make pandas decode every field in Python, 10 times slower.
    checked = encoding in ("UTF-8", "UTF-16") or (encoding == "UTF-8 with BOM" and _is_utf8(body))
    opts = dict(sep=delimiter, header=None, keep_default_na=False, skip_blank_lines=False,
                encoding="cp1252" if encoding == "Windows-1252" else "utf-8",
                **({} if checked else {"encoding_errors": "replace"}))
    # the file itself only when its bytes are the ones checked here (plain UTF-8, nothing taken off)
    same = on_disk if on_disk is not None and encoding == "UTF-8" and body is data else None
    records = line_ends.result() if line_ends is not None and body is data else None
    cells = _read_rectangular(body, head, delimiter, limits, opts, same, records)
    if cells is None:  # ragged, near a limit, or quoted unusually: measure every record first
        cells = _read_measured(body, delimiter, encoding, limits, filename, opts)
    cells = _tidy_cells(cells)
    if cells.empty:
        raise SurveyFileError(f"{filename} has no cells with content; {EXPECTED}.")
    return RawTable(cells, "csv", encoding=encoding, delimiter=delimiter)


def _pandas_opts(opts: dict, columns: int) -> dict:
    # a wide table as one block of Python strings (dtype=object); a narrow one without a dtype: with
    # header=None every column holds its header text, so pandas keeps it as text, several times quicker.
    return {**opts, "dtype": object} if columns > WIDE else opts


def _read_text(body: bytes, opts: dict, on_disk: OnDisk | None = None) -> pd.DataFrame:
    """``pd.read_csv`` of the bytes, every cell as the text in the file. pandas guesses a column's type
    block by block (blocks of rows, or of the file when it reads with threads), so a long column of
    numbers under a text header comes back partly as numbers ("007" as 7, "3.50" as 3.5): such
    columns are read again as text. From the file on disk when it is still the one the bytes came
    from, else from the bytes."""

    def read(**more):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if on_disk is not None:
                if isinstance(body, mmap.mmap) and hasattr(mmap, "MADV_DONTNEED"):
                    # pandas maps the file itself: its pages are not also held in this mapping (they stay in
                    # the operating system's cache, and come back here if the bytes are read again)
                    body.madvise(mmap.MADV_DONTNEED)
                cells = pd.read_csv(on_disk.path, **opts, **more)
                if on_disk.unchanged():
                    return cells
                del cells
                if isinstance(body, mmap.mmap):  # a mapping shows the file as it is now, not as it was checked
                    raise SurveyFileError(f"{on_disk.path.name} changed while it was being read; run the command "
                                          "again once the file is saved.")
            return pd.read_csv(io.BytesIO(body), **opts, **more)

    cells = read()
    numbers = [c for c in cells.columns if not _all_text(cells[c])]
    if numbers:
        del cells
        cells = read(dtype={c: str for c in numbers})
    return cells


def _all_text(column: pd.Series) -> bool:
    if column.dtype == object:
        return pd.api.types.infer_dtype(column, skipna=True) in ("string", "empty")
    return pd.api.types.is_string_dtype(column.dtype)


def _read_rectangular(body: bytes, head: str, delimiter: str, limits: Limits, opts: dict,
                      on_disk: OnDisk | None = None, records: int | None = None) -> pd.DataFrame | None:
    """The usual file, read without measuring every record first: every record as wide as the first
    (pandas refuses a wider one), at most as many records as line ends, and no cell near the length
    limit. Then the records, columns, cells and longest cell are within the limits exactly as
    ``check_csv`` would find them, and the table is the one the measured read builds. None when any of
    that does not hold or cannot be told cheaply: the caller measures the file and reads it then.

    The records are bounded before anything is decoded (line ends counted on the bytes: a record ends
    at one, and a quoted line end only makes the bound larger), so a table over a limit is never built.
    """
    width = _first_record_width(head, delimiter, whole=len(body) <= _HEAD_BYTES)
    if not width:
        return None
    if records is None:  # (``records``: the same bound, counted already)
        records = records_at_most(body)
    if records > limits.max_rows or width > limits.max_columns or records * width > limits.max_cells:
        return None
    try:
        cells = _read_text(body, _pandas_opts(opts, width), on_disk)
    except SurveyFileError:
        raise
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, csv.Error, MemoryError, OSError):
        return None
    if cells.shape[1] != width:
        return None
    # check_csv counts a cell's characters as the csv module reads it; pandas reads the same field, its
    # quotes and doubled quotes at most doubling the length: half the limit leaves no doubt either way
    if _longest_cell(cells) > limits.max_cell_chars // 2 - 2:
        return None
    return cells


def _first_record_width(head: str, delimiter: str, whole: bool) -> int:
    """The number of fields in the file's first record, 0 when it is empty or not wholly in ``head``."""
    reader = csv.reader(io.StringIO(head, newline=""), delimiter=delimiter)
    try:
        first = next(reader)
        if not whole:
            next(reader)  # a second record has begun: the first one ended inside the head
    except (StopIteration, csv.Error):
        return 0
    return len(first) if any(first) or len(first) > 1 else 0


def _longest_cell(cells: pd.DataFrame) -> int:
    """The longest cell: in bytes (at least its characters) for Arrow-backed text, else characters; a
    column not wholly text (which ``_read_text`` does not leave) is not measured: no bound."""
    longest = 0
    for c in cells.columns:
        column = cells[c]
        if not pd.api.types.is_string_dtype(column.dtype):
            return sys.maxsize
        if column.dtype == object:
            if not _all_text(column):
                return sys.maxsize
            top = column.map(len, na_action="ignore").max()
        else:
            top = pc.max(pc.binary_length(pa.array(column.array))).as_py()
        if top is not None and pd.notna(top):
            longest = max(longest, int(top))
    return longest


def _read_measured(body: bytes, delimiter: str, encoding: str, limits: Limits, filename: str,
                   opts: dict) -> pd.DataFrame:
    """Measure every record (refusing a file over a limit in one sentence), then read the file."""
    body = body[:]  # (a mapped file as bytes: what is measured is what pandas reads)
    try:
        shape = check_csv(body, delimiter, encoding, limits, filename)
    except SurveyFileError as exc:
        text = str(exc)
        raise SurveyFileError(text if text.startswith(filename) else f"{filename} {text}; {EXPECTED}.") from None
    opts = _pandas_opts(opts, shape.columns)
    try:
        try:
            return _read_text(body, opts)
        except (pd.errors.ParserError, pd.errors.EmptyDataError):
            # ragged rows, or empty lines above the header (pandas takes the width from the first
            # line): give pandas the widest record's width, measured already
            if shape.columns == 0:
                raise SurveyFileError(f"{filename} has no cells with content; {EXPECTED}.") from None
            return _read_text(body, {**opts, "names": range(shape.columns)})
    except SurveyFileError:
        raise
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, csv.Error, MemoryError) as exc:
        raise SurveyFileError(f"{filename} cannot be read as CSV ({_why(exc)}); {EXPECTED}.") from None


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


def _last_filled(first_row: list, column_filled, n: int) -> int:
    """The last column with a filled cell (-1 for none): the first row's last filled cell, unless a column
    right of it holds something further down (looked at from the right, column by column)."""
    known = max((c for c, v in enumerate(first_row) if v != ""), default=-1)
    for c in range(n - 1, known, -1):
        if column_filled(c):
            return c
    return known


def _tidy_columns(cells: pd.DataFrame) -> pd.DataFrame:
    """A narrow table column by column, as pandas' text dtype."""
    cells = cells.astype("string").fillna("")
    cells.columns = range(cells.shape[1])
    cells.index = pd.RangeIndex(1, len(cells) + 1)
    # white space counts here: the importer skips such rows as empty. Only the last filled row and
    # column matter: a filled header row or last row answers that without reading every cell.
    last_col = _last_filled([cells.iat[0, c] for c in range(cells.shape[1])] if len(cells) else [],
                            lambda c: bool(cells[c].ne("").any()), cells.shape[1])
    if last_col < 0:
        return cells.iloc[0:0, 0:0]
    last_row = len(cells) - 1
    if not any(cells.iat[last_row, c] != "" for c in range(last_col + 1)):
        filled = np.logical_or.reduce([cells[c].ne("").to_numpy(dtype=bool) for c in range(last_col + 1)])
        last_row = int(np.flatnonzero(filled)[-1])
    cells = cells.iloc[: last_row + 1, : last_col + 1]
    if not filled_mask(cells.head(64)).any() and not filled_mask(cells).any():  # white space in every cell
        return cells.iloc[0:0, 0:0]
    return cells


__all__ = ["EXPECTED", "OnDisk", "RawTable", "blank_rows", "filled_mask", "read_table", "zip_names"]
