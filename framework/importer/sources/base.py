"""What a survey source format module provides.

A source format turns a :class:`RawTable` into a :class:`Prepared` table: one header row, one
record per row, rows the format knows to leave out (survey previews, say) reported with a reason,
and the identity columns it knows by name. Adding a survey tool means adding one module with a
``SOURCE`` object in this package and listing it in ``sources/__init__.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from framework.importer.shape import column_letter
from framework.importer.table import RawTable


@dataclass
class Prepared:
    frame: pd.DataFrame  # text cells; columns are unique header texts; index = source row numbers
    source: str  # the format's name, as shown in the import report
    hints: dict[str, str] = field(default_factory=dict)  # column -> identity field
    dropped: list[tuple[int, str]] = field(default_factory=list)  # (row, reason) left out by the format
    warnings: list[str] = field(default_factory=list)
    generation: str = ""  # which of the tool's export layouts this is ("2016 export: …")
    statements: dict[str, str] = field(default_factory=dict)  # column -> its grid statement, where the format knows it

    @property
    def source_format(self) -> str:
        """The tool and, where it has several, the generation of its export: "Qualtrics (legacy export: …)"."""
        return f"{self.source} ({self.generation})" if self.generation else self.source


class SourceFormat:
    name = "Table"

    def detect(self, raw: RawTable) -> float:
        """How sure this format is that it made the file, 0 to 1."""
        return 0.0

    def prepare(self, raw: RawTable) -> Prepared:
        return single_header(raw, self.name)


def unique_headers(values: list[str]) -> list[str]:
    """Header texts made unique and non-empty: an empty header becomes "Column C", a repeat "Name (2)"."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, v in enumerate(values):
        text = " ".join(str(v).split()) or f"Column {column_letter(i)}"
        n = seen.get(text.lower(), 0) + 1
        seen[text.lower()] = n
        out.append(text if n == 1 else f"{text} ({n})")
    return out


def first_filled_row(raw: RawTable) -> int:
    """The first row with any content."""
    return raw.first_row


def header_row(raw: RawTable, offset: int = 0) -> list[str]:
    """The cells of the first non-empty row (``offset`` rows further down), stripped; [] past the end."""
    row = first_filled_row(raw) + offset
    if row not in raw.cells.index:
        return []
    return [str(v).strip() for v in raw.cells.loc[row].tolist()]


def single_header(raw: RawTable, name: str, header_rows: int = 1) -> Prepared:
    """The common case: the first non-empty row is the header, every later row a record."""
    top = first_filled_row(raw)
    header = raw.cells.loc[top]
    frame = raw.cells.loc[top + header_rows :].copy()
    frame.columns = unique_headers(header.tolist())
    return Prepared(frame, name, warnings=list(raw.notes))


def known_columns(columns, known: dict[str, str]) -> dict[str, str]:
    """Hints for the columns a format knows by name (compared in lower case): column -> field or ""."""
    return {c: known[c.strip().lower()] for c in columns if c.strip().lower() in known}


def rows_text(rows: list[int], most: int = 10) -> str:
    """"row 4" or "rows 4, 9, 12" (and how many more)."""
    text = ", ".join(str(r) for r in rows[:most])
    more = f" and {len(rows) - most} more" if len(rows) > most else ""
    return ("row " if len(rows) == 1 else "rows ") + text + more
