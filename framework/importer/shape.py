"""The size of a survey file, measured on its bytes before anything is built from it.

``check_csv`` counts a CSV's records, its widest record and its longest field. The fast path is a
vectorised pass over the bytes: a quote opens only at the start of a field and a doubled quote inside
a quoted field stays in it (the RFC 4180 quoting every survey tool writes), so a byte is inside quotes
exactly when an odd number of quotes precede it. A file whose quotes do not follow that rule (a stray
quote inside an unquoted field, which pandas keeps as a character) is measured again with the ``csv``
module, which stops as soon as a limit is passed.

``check_xlsx`` reads a workbook's zip directory (how many parts, how large unpacked), finds the
workbook through the package's relationships (``_rels/.rels``, as Excel and openpyxl do, so a
workbook whose parts are not under ``xl/`` is still one), and streams each worksheet's XML in chunks:
rows, the rightmost column, the cells a table of that size holds, and the text of every cell that
shows a shared string, counted once per cell. Nothing is parsed into objects; the work stops at the
first limit passed.

Each check raises :class:`SurveyFileError` with one sentence naming the limit.
"""

from __future__ import annotations

import codecs
import csv
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from framework.importer.errors import SurveyFileError
from framework.importer.limits import ZIP_RATIO_FROM, Limits, size_text

if TYPE_CHECKING:
    from xml.etree import ElementTree

CHUNK = 2 * 1024 * 1024
_LF, _CR, _QUOTE = 10, 13, 34


def column_letter(i: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def column_index(letters: bytes | str) -> int:
    """A -> 1, Z -> 26, AA -> 27, XFD -> 16384 (1-based)."""
    n = 0
    for ch in letters.upper() if isinstance(letters, str) else letters.decode("ascii").upper():
        n = n * 26 + ord(ch) - 64
    return n


def _n(x: int) -> str:
    return f"{x:,}"


# ---- CSV ------------------------------------------------------------------------------------
@dataclass
class CsvShape:
    records: int  # as pandas reads them (empty lines included)
    columns: int  # the widest record
    longest: int  # the longest field, in characters (0 when none exceeds the limit's cap)
    longest_at: tuple[int, int] = (0, 0)  # (row, 0-based column) of that field
    partial: bool = False  # measuring stopped at a limit: the counts are lower bounds


def check_csv(data: bytes, delimiter: str, encoding: str, limits: Limits, filename: str) -> CsvShape:
    """Measure a CSV's bytes (UTF-8, Windows-1252 or, after re-encoding, UTF-16 as UTF-8) and refuse it
    in one sentence if it passes a limit."""
    shape = _csv_fast(data, ord(delimiter), limits)
    if shape is None:  # quotes that do not follow RFC 4180: measure as the csv module reads it
        shape = _csv_slow(data, delimiter, encoding, limits)
    elif shape.longest > limits.max_cell_chars:  # bytes are an upper bound: count the characters
        shape.longest, shape.longest_at = _csv_exact_longest(data, delimiter, encoding, limits)
    _refuse_table(shape.records, shape.columns, limits, filename, partial=shape.partial, what="lines")
    if shape.longest > limits.max_cell_chars:
        row, col = shape.longest_at
        raise SurveyFileError(
            f"{filename} has a cell of {'at least ' if shape.partial else ''}{_n(shape.longest)} characters "
            f"(row {row}, column {column_letter(col)}); the dashboard reads at most {_n(limits.max_cell_chars)} "
            "characters in one cell."
        )
    return shape


def records_at_most(data: bytes, chunk: int = 1 << 18) -> int:
    """An upper bound of a CSV's records, from its line ends (LF, CRLF or a lone CR) counted on the
    bytes, a cache-sized chunk at a time."""
    arr = np.frombuffer(data, dtype=np.uint8)
    lf = cr = crlf = 0
    has_cr = b"\r" in data
    for start in range(0, len(arr), chunk):
        c = arr[start : start + chunk + 1]  # and the next chunk's first byte, for a CRLF across the cut
        own = c[:chunk]
        lf += int(np.count_nonzero(own == _LF))
        if has_cr:
            cr += int(np.count_nonzero(own == _CR))
            crlf += int(np.count_nonzero((c[:-1] == _CR) & (c[1:] == _LF)))
    return lf + cr - crlf + 1


def _refuse_table(rows: int, columns: int, limits: Limits, filename: str, partial: bool = False,
                  what: str = "rows", where: str = "") -> None:
    more = "at least " if partial else ""
    if rows > limits.max_rows:
        raise SurveyFileError(f"{filename}{where} has {more}{_n(rows)} {what}; the dashboard reads at most "
                              f"{_n(limits.max_rows)}.")
    if columns > limits.max_columns:
        raise SurveyFileError(f"{filename}{where} has {more}{_n(columns)} columns; the dashboard reads at most "
                              f"{_n(limits.max_columns)}.")
    if rows * columns > limits.max_cells:
        raise SurveyFileError(
            f"{filename}{where} has {more}{_n(rows)} {what} of up to {_n(columns)} columns ({_n(rows * columns)} "
            f"cells); the dashboard reads at most {_n(limits.max_cells)} cells."
        )


def _csv_fast(data: bytes, d: int, limits: Limits) -> CsvShape | None:
    """Records, widest record and longest field from the positions of the few bytes that matter.

    Per chunk, one comparison per kind of byte finds the quotes, delimiters and line ends; everything
    else (which of them are inside quotes, where records end, how long fields are) is worked out on
    those positions only, a few percent of the bytes. None when the quotes do not follow RFC 4180.
    """
    arr = np.frombuffer(data, dtype=np.uint8)
    n = len(arr)
    parity = 0  # quotes seen so far, mod 2: 1 = inside a quoted field
    records = 0
    delims_open = 0  # delimiters in the record not yet terminated
    widest = 0
    last_sep = -1  # global position of the last field separator (delimiter or line end)
    longest, longest_pos, longest_row = 0, -1, 0
    prev = _LF  # the byte before the chunk (the start of the file is the start of a field)
    for start in range(0, n, CHUNK):
        c = arr[start : start + CHUNK]
        size = len(c)
        nxt = int(arr[start + CHUNK]) if start + CHUNK < n else -1
        qpos = np.flatnonzero(c == _QUOTE)
        quotes = len(qpos)
        if quotes:  # a quote opens only at a field's start and closes only at its end
            inside = ((np.arange(quotes) + parity) & 1).astype(bool)  # inside quotes before this quote
            before = np.where(qpos > 0, c[np.maximum(qpos - 1, 0)], prev)
            after = np.where(qpos < size - 1, c[np.minimum(qpos + 1, size - 1)].astype(np.int16), nxt)
            ok_open = (before == d) | (before == _LF) | (before == _CR) | (before == _QUOTE)
            ok_close = (after == _QUOTE) | (after == d) | (after == _LF) | (after == _CR) | (after == -1)
            if (~inside & ~ok_open).any() or (inside & ~ok_close).any():
                return None
        cand = np.flatnonzero((c == d) | (c == _LF) | (c == _CR))  # separators, if outside quotes
        if quotes:
            cand = cand[((np.searchsorted(qpos, cand) + parity) & 1) == 0]
        elif parity:
            cand = cand[:0]
        kind = c[cand]
        is_term = kind == _LF
        cr = np.flatnonzero(kind == _CR)
        if len(cr):  # a CR ends a record unless an LF follows it (CRLF ends it at the LF)
            at = cand[cr]
            follows = np.where(at < size - 1, c[np.minimum(at + 1, size - 1)].astype(np.int16), nxt) == _LF
            is_term[cr[~follows]] = True
            sep = is_term | (kind == d)
            cand, is_term = cand[sep], is_term[sep]
        tidx = np.flatnonzero(is_term)  # which separators end a record
        if len(tidx):
            per_record = np.diff(tidx, prepend=-1) - 1  # delimiters in each record ended in this chunk
            per_record[0] += delims_open
            widest = max(widest, int(per_record.max()) + 1)
            delims_open = int(len(cand) - 1 - tidx[-1])
        else:
            delims_open += len(cand)
        if len(cand):
            seps = cand + start
            lengths = np.diff(seps, prepend=last_sep) - 1
            k = int(np.argmax(lengths))
            if lengths[k] > longest:
                longest, longest_pos = int(lengths[k]), int(seps[k])
                longest_row = records + int(np.count_nonzero(is_term[:k])) + 1
            last_sep = int(seps[-1])
        records += len(tidx)
        parity = (parity + quotes) & 1
        prev = int(c[-1])
        if records > limits.max_rows or widest > limits.max_columns or records * widest > limits.max_cells:
            return CsvShape(records, widest, 0, partial=True)
    if n and last_sep != n - 1:  # the last record has no line end
        records += 1
        widest = max(widest, delims_open + 1)
        if n - last_sep - 1 > longest:
            longest, longest_pos, longest_row = n - last_sep - 1, n, records
    if longest <= limits.max_cell_chars:
        return CsvShape(records, widest, longest)
    return CsvShape(records, widest, longest, (longest_row, max(longest_pos, 0)))


def _reader(data: bytes, delimiter: str, encoding: str):
    text = io.TextIOWrapper(io.BytesIO(data), encoding=_codec(encoding), errors="replace", newline="")
    return csv.reader(text, delimiter=delimiter)


def _codec(encoding: str) -> str:
    return {"UTF-8 with BOM": "utf-8-sig", "Windows-1252": "cp1252", "UTF-16": "utf-8"}.get(encoding, "utf-8")


def _csv_slow(data: bytes, delimiter: str, encoding: str, limits: Limits) -> CsvShape:
    records, widest, longest, at = 0, 0, 0, (0, 0)
    try:
        for row in _reader(data, delimiter, encoding):
            records += 1
            widest = max(widest, len(row))
            for j, cell in enumerate(row):
                if len(cell) > longest:
                    longest, at = len(cell), (records, j)
            if records > limits.max_rows or widest > limits.max_columns or records * widest > limits.max_cells:
                return CsvShape(records, widest, longest, at, partial=True)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):  # 131,072 characters: over any cell limit
            return CsvShape(records, widest, csv.field_size_limit() + 1, (records + 1, 0), partial=True)
        raise SurveyFileError(f"cannot be read as CSV ({' '.join(str(exc).split())})") from None
    return CsvShape(records, widest, longest if longest > limits.max_cell_chars else 0, at)


def _csv_exact_longest(data: bytes, delimiter: str, encoding: str, limits: Limits) -> tuple[int, tuple[int, int]]:
    """The longest field in characters, when its bytes passed the cap (a rare file: read it with csv)."""
    shape = _csv_slow(data, delimiter, encoding, limits)
    return (shape.longest, shape.longest_at) if shape.longest > limits.max_cell_chars else (0, (0, 0))


# ---- XLSX -----------------------------------------------------------------------------------
_META_PART_MAX = 16 * 1024 * 1024  # workbook.xml, relationship parts
_ROW_RE = re.compile(rb"<(?:\w+:)?row[\s>/]")
_ROW_REF_RE = re.compile(rb"<(?:\w+:)?row\s[^>]*?\br=\"(\d+)\"")
_CELL_RE = re.compile(rb"<(?:\w+:)?c[\s>/]")
_CELL_REF_RE = re.compile(rb"<(?:\w+:)?c\s[^>]*?\br=\"\$?([A-Za-z]{1,3})\$?\d")
_PLAIN_CELL_RE = re.compile(rb"<(?:\w+:)?c(?:\s(?![^>]*?\br=\")[^>]*)?/?>")
_SHARED_REF_RE = re.compile(rb"<(?:\w+:)?c\s[^>]*?\bt=\"s\"[^>]*>\s*<(?:\w+:)?v>\s*(\d{1,10})\s*<")
_VALUE_RE = re.compile(rb"<(?:\w+:)?(?:v|is)>")
_SI_END_RE = re.compile(rb"</(?:\w+:)?si>|<(?:\w+:)?si\s*/>")
_ROOT_RE = re.compile(rb"<(\w+:)?worksheet[\s>]")


@dataclass
class SheetShape:
    name: str
    index: int  # position among the workbook's worksheets, as openpyxl and pandas count them
    part: str
    rows: int = 0
    columns: int = 0
    filled: bool = False  # some cell holds a value


@dataclass
class WorkbookPlan:
    sheets: list[SheetShape] = field(default_factory=list)  # the worksheets, in the workbook's order
    read: SheetShape | None = None  # the first worksheet with a value: the one to read


class NotAWorkbook(Exception):  # a signal to the caller, never shown as it is
    """A ZIP archive without a spreadsheet workbook in it; ``names`` lists its parts, ``kind`` says what it is."""

    def __init__(self, names: list[str], kind: str = ""):
        super().__init__(kind)
        self.names, self.kind = names, kind


@dataclass
class _Workbook:
    zf: zipfile.ZipFile
    names: dict[str, zipfile.ZipInfo]
    limits: Limits
    filename: str
    size: int
    shared_part: str = ""
    lengths: np.ndarray | None = None  # text bytes of each shared string

    def refuse(self, text: str):
        raise SurveyFileError(f"{self.filename}{text}")

    @property
    def longest_carry(self) -> int:  # bytes past which one string or cell is over the cap, whatever its markup
        return 10 * self.limits.max_cell_chars + 65536

    def too_long(self, where: str, what: str = "cell"):
        cap = _n(self.limits.max_cell_chars)
        self.refuse(f"{where} has a {what} of more than {cap} characters; the dashboard reads at most {cap} "
                    "characters in one cell.")


def _eocd_entries(data: bytes) -> int:
    """The number of parts the zip's end-of-directory record declares (-1 when not found, or ZIP64)."""
    tail = data[-(65536 + 22) :]
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return -1
    entries = int.from_bytes(tail[at + 10 : at + 12], "little")
    return -1 if entries == 0xFFFF else entries


def zip_names(data: bytes) -> list[str]:
    """The names in a ZIP archive's directory ([] when it cannot be read)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return []


def check_xlsx(data: bytes, limits: Limits, filename: str) -> WorkbookPlan:
    """Measure a workbook from its zip directory and streamed XML; refuse it in one sentence if it passes
    a limit. Raises :class:`NotAWorkbook` for a ZIP archive that holds no workbook."""
    entries = _eocd_entries(data)
    if entries > limits.max_zip_members:
        raise SurveyFileError(f"{filename} is a ZIP archive of {_n(entries)} parts; the dashboard reads workbooks "
                              f"of at most {_n(limits.max_zip_members)}.")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise SurveyFileError(f"{filename} starts like a ZIP archive (as an Excel workbook does) but is damaged "
                              f"({_why(exc)}).") from None
    with zf:
        infos = zf.infolist()
        wb = _Workbook(zf, {i.filename: i for i in infos}, limits, filename, len(data))
        if len(infos) > limits.max_zip_members:
            wb.refuse(f" is a ZIP archive of {_n(len(infos))} parts; the dashboard reads workbooks of at most "
                      f"{_n(limits.max_zip_members)}.")
        unpacked = sum(i.file_size for i in infos)
        if unpacked > limits.max_unzipped_bytes:
            wb.refuse(f" unpacks to {size_text(unpacked)}; the dashboard reads workbooks that unpack to at most "
                      f"{size_text(limits.max_unzipped_bytes)}.")
        if unpacked > ZIP_RATIO_FROM and unpacked > limits.max_zip_ratio * len(data):
            wb.refuse(f" unpacks to {size_text(unpacked)}, {_n(unpacked // max(len(data), 1))} times its size of "
                      f"{size_text(len(data))}; the dashboard reads workbooks that unpack to at most "
                      f"{limits.max_zip_ratio} times their size.")
        sheets = _workbook_parts(wb)
        plan = WorkbookPlan(sheets=sheets)
        if wb.shared_part in wb.names:
            wb.lengths = _shared_string_lengths(wb)
        for sheet in sheets:
            if sheet.part in wb.names:
                _scan_sheet(wb, sheet, full=plan.read is None)  # the sheet to read is measured whole
                if sheet.filled and plan.read is None:
                    plan.read = sheet
        return plan


def _why(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "…"


def _xml(wb: _Workbook, part: str) -> ElementTree.Element:
    from xml.etree import ElementTree  # (workbooks only: not imported for a CSV)

    info = wb.names[part]
    if info.file_size > _META_PART_MAX:
        wb.refuse(f" has a {part} part of {size_text(info.file_size)}, which no workbook needs; the dashboard does "
                  "not read it.")
    try:
        return ElementTree.fromstring(wb.zf.read(info))
    except ElementTree.ParseError as exc:
        wb.refuse(f" looks like an Excel workbook but its {part} part is not valid XML ({_why(exc)}).")
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError) as exc:
        wb.refuse(f" looks like an Excel workbook but its {part} part cannot be unpacked ({_why(exc)}).")
    raise AssertionError("unreachable")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _relationships(wb: _Workbook, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, target part) of a part ("" for the package itself)."""
    folder, base = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", base + ".rels") if part else "_rels/.rels"
    if rels not in wb.names:
        return {}
    out = {}
    for rel in _xml(wb, rels):
        if _local(rel.tag) != "Relationship" or rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id", "")] = (rel.get("Type", ""), target)
    return out


def _workbook_parts(wb: _Workbook) -> list[SheetShape]:
    """The worksheets (name, part) in the workbook's order; sets the shared-strings part."""
    package = _relationships(wb, "")
    main = next((t for kind, t in package.values() if kind.endswith("/officeDocument")), None)
    if main is None and "xl/workbook.xml" in wb.names:
        main = "xl/workbook.xml"
    if main is None or main not in wb.names:
        raise NotAWorkbook(sorted(wb.names), _other_office_kind(wb))
    if main.endswith(".bin"):
        raise NotAWorkbook(sorted(wb.names), "an Excel binary workbook (.xlsb)")
    rels = _relationships(wb, main)
    sheets = []
    for el in _xml(wb, main).iter():
        if _local(el.tag) != "sheet":
            continue
        rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), "")
        kind, target = rels.get(rid, ("", ""))
        if kind.endswith("/worksheet"):
            sheets.append(SheetShape(el.get("name", ""), len(sheets), target))
    wb.shared_part = next((t for kind, t in rels.values() if kind.endswith("/sharedStrings")), "")
    return sheets


def _other_office_kind(wb: _Workbook) -> str:
    if "mimetype" in wb.names and wb.names["mimetype"].file_size < 200:
        mime = wb.zf.read("mimetype")
        if b"opendocument.spreadsheet" in mime:
            return "an OpenDocument spreadsheet (.ods)"
        if b"opendocument" in mime:
            return "an OpenDocument file"
    if "word/document.xml" in wb.names:
        return "a Word document (.docx)"
    if "ppt/presentation.xml" in wb.names:
        return "a PowerPoint presentation (.pptx)"
    return ""


def _stream(wb: _Workbook, part: str):
    """A part's bytes in chunks (never more than its directory entry declares)."""
    try:
        with wb.zf.open(part) as f:
            while chunk := f.read(CHUNK):
                yield chunk
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError) as exc:
        wb.refuse(f" looks like an Excel workbook but its {part} part cannot be unpacked ({_why(exc)}).")


def _shared_string_lengths(wb: _Workbook) -> np.ndarray:
    """The text of each shared string in UTF-8 bytes as written (at least its length in characters)."""
    lengths: list[np.ndarray] = []
    carry = b""
    for chunk in _stream(wb, wb.shared_part):
        buf = carry + chunk
        ends = [m.end() for m in _SI_END_RE.finditer(buf)]
        if ends:
            lengths.append(_text_bytes_between(buf, np.asarray(ends, dtype=np.int64)))
            carry = buf[ends[-1] :]
        else:
            carry = buf
        if len(carry) > wb.longest_carry:
            wb.too_long("", "shared string")
    return np.concatenate(lengths) if lengths else np.zeros(0, dtype=np.int64)


def _text_bytes_between(buf: bytes, ends: np.ndarray) -> np.ndarray:
    """Bytes outside markup in buf[0:ends[0]], buf[ends[0]:ends[1]], …"""
    a = np.frombuffer(buf, dtype=np.uint8)[: ends[-1]]
    gt = a == 62
    depth = np.cumsum(a == 60, dtype=np.int64) - np.cumsum(gt, dtype=np.int64)
    text = np.cumsum((depth == 0) & ~gt, dtype=np.int64)
    return np.diff(text[ends - 1], prepend=0)


def _shared_string_chars(wb: _Workbook, index: int) -> int:
    """The length in characters of one shared string (read again: only for a string whose bytes pass the cap)."""
    seen, carry = 0, b""
    for chunk in _stream(wb, wb.shared_part):
        buf = carry + chunk
        start = 0
        for m in _SI_END_RE.finditer(buf):
            if seen == index:
                body = re.sub(rb"<[^>]*>", b"", buf[start : m.start()])
                import html  # (workbooks only)

                return len(html.unescape(body.decode("utf-8", errors="replace")))
            seen += 1
            start = m.end()
        carry = buf[start:]
    return 0


@dataclass
class _Tally:
    cells: int = 0
    rows: int = 0
    top_row: int = 0
    top_col: int = 0
    rows_plain: int = 0  # rows without r=
    widest_plain: int = 0  # most cells without r= in one row
    open_plain: int = 0  # cells without r= in the row still open at the end of the last part
    text: int = 0

    @property
    def height(self) -> int:
        return max(self.top_row + self.rows_plain, self.rows)

    @property
    def width(self) -> int:
        return self.top_col + self.widest_plain


def _scan_sheet(wb: _Workbook, sheet: SheetShape, full: bool) -> None:
    where = f" (sheet {sheet.name!r})"
    tally = _Tally()
    carry, marks = b"", None
    for chunk in _stream(wb, sheet.part):
        buf = carry + chunk
        if marks is None:
            root = _ROOT_RE.search(buf)
            prefix = (root.group(1) or b"") if root else b""
            marks = (b"<" + prefix + b"c ", b"<" + prefix + b"c>", b"<" + prefix + b"row")
        cut = max(buf.rfind(m) for m in marks)
        if cut <= 0:
            carry = buf
            if len(carry) > wb.longest_carry:
                wb.too_long(where)
            continue
        part, carry = buf[:cut], buf[cut:]
        if not sheet.filled and _VALUE_RE.search(part):
            sheet.filled = True
            if not full:
                return
        _tally(wb, part, tally, where)
        _check_sheet(wb, tally, where, partial=True)
    if carry:
        sheet.filled = sheet.filled or bool(_VALUE_RE.search(carry))
        _tally(wb, carry, tally, where)
    sheet.rows, sheet.columns = tally.height, tally.width
    _check_sheet(wb, tally, where, partial=False)


def _tally(wb: _Workbook, part: bytes, t: _Tally, where: str) -> None:
    n_cells = len(_CELL_RE.findall(part))
    rows = [m.start() for m in _ROW_RE.finditer(part)]
    row_refs = _ROW_REF_RE.findall(part)
    col_refs = _CELL_REF_RE.findall(part)
    t.cells += n_cells
    t.rows += len(rows)
    t.rows_plain += len(rows) - len(row_refs)
    t.top_row = max(t.top_row, max(map(int, row_refs), default=0))
    t.top_col = max(t.top_col, max((column_index(c) for c in set(col_refs)), default=0))
    if n_cells > len(col_refs):  # cells without a reference: count them row by row
        plain = [m.start() for m in _PLAIN_CELL_RE.finditer(part)]
        which = np.searchsorted(np.asarray(rows, dtype=np.int64), np.asarray(plain, dtype=np.int64))
        counts = np.bincount(which, minlength=len(rows) + 1)
        counts[0] += t.open_plain
        t.widest_plain = max(t.widest_plain, int(counts.max()))
        t.open_plain = int(counts[-1])
    elif rows:
        t.open_plain = 0
    t.text += _shared_text(wb, part, where)


def _shared_text(wb: _Workbook, part: bytes, where: str) -> int:
    """The text the part's shared-string cells show, counted once per cell; refuses a string over the cap."""
    if wb.lengths is None or not len(wb.lengths):
        return 0
    refs = _SHARED_REF_RE.findall(part)
    if not refs:
        return 0
    idx = np.array(refs).astype(np.int64)
    idx = idx[idx < len(wb.lengths)]
    if not len(idx):
        return 0
    shown = wb.lengths[idx]
    for k in np.unique(idx[shown > wb.limits.max_cell_chars])[:20]:  # bytes pass the cap: count characters
        chars = _shared_string_chars(wb, int(k))
        if chars > wb.limits.max_cell_chars:
            wb.refuse(f"{where} has a cell of {_n(chars)} characters; the dashboard reads at most "
                      f"{_n(wb.limits.max_cell_chars)} characters in one cell.")
    return int(shown.sum())


def _check_sheet(wb: _Workbook, t: _Tally, where: str, partial: bool) -> None:
    lim = wb.limits
    _refuse_table(t.height, t.width, lim, wb.filename, partial=partial, where=where)
    if t.cells > lim.max_cells:
        wb.refuse(f"{where} has {'at least ' if partial else ''}{_n(t.cells)} cells; the dashboard reads at most "
                  f"{_n(lim.max_cells)}.")
    if t.text > lim.max_text_bytes:
        wb.refuse(f"{where} shows {'at least ' if partial else ''}{size_text(t.text)} of text once its shared "
                  f"strings are filled in (from a file of {size_text(wb.size)}); the dashboard reads at most "
                  f"{size_text(lim.max_text_bytes)}.")


def decode_head(data: bytes, encoding: str, size: int = 65536) -> str:
    """The first ``size`` bytes as text (a character cut in two at the end is dropped)."""
    return codecs.getincrementaldecoder(_codec(encoding))(errors="replace").decode(data[:size], final=False)
