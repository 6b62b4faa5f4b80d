"""How much the importer reads: every limit in one place, checked on the raw file before anything is built.

A survey file is measured on its bytes before pandas or openpyxl sees it (``shape.py``): a CSV's
records, widest record and longest field; a workbook's zip directory, its sheets' rows, columns and
cells, and the text its cells show once shared strings are filled in (one 32,000-character string
shown by 80,000 cells is 2.5 GB of text, however small the file). Anything over a limit is refused
with one sentence naming the limit, so an oversized or hostile file costs a second, not gigabytes.

Two sets of limits, by where the file comes from:

* ``UPLOAD``: the app, a server shared by a district's staff. Files up to the upload limit of
  ``.streamlit/config.toml`` (``server.maxUploadSize``, in MiB, as Streamlit counts it; a test checks
  the two agree). 2,000,000 cells is a 100,000-person survey of 20 columns (the benchmark's largest
  file has 1.6 million); 1,000,000 rows is the long layout of 100,000 people and ten areas.
* ``COMMAND_LINE``: ``python -m framework …`` on the district's own machine, where a million-person
  wide CSV (about 255 MB, 16 million cells) is a fair thing to summarise.

Both read at most 2,000 columns: a survey export has tens or hundreds (Qualtrics' largest in the public
corpus has 367), and a table of thousands is refused at once rather than read cell by cell (a workbook
of 10,000 columns and 20 rows takes openpyxl about 4 s).

The longest cell, 50,000 characters, is Google Sheets' cell limit (Excel's is 32,767); a workbook's
text may be as large as the largest CSV accepted. A workbook's parts may unpack to a bounded size, and
an archive larger than 16 MiB unpacked may not unpack to more than 100 times its size (real workbooks
unpack to 5–15 times theirs).
"""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024
UPLOAD_MAX_MB = 50  # server.maxUploadSize in .streamlit/config.toml (MiB, as Streamlit counts it)


@dataclass(frozen=True)
class Limits:
    """What one entry point reads at most."""

    where: str  # "upload" or "command line", for messages and tests
    max_bytes: int  # the file itself
    max_rows: int  # records (a CSV's lines, a sheet's rows), header rows included
    max_columns: int
    max_cells: int  # rows x columns, as a table of that size is built
    max_cell_chars: int  # one cell's text
    max_text_bytes: int  # a workbook's cell text with shared strings filled in (UTF-8 bytes)
    max_unzipped_bytes: int  # a workbook's parts, as its zip directory declares them
    max_zip_ratio: int  # unpacked / packed size of a workbook that unpacks to more than ZIP_RATIO_FROM
    max_zip_members: int  # parts in a workbook's zip directory


ZIP_RATIO_FROM = 16 * MIB

UPLOAD = Limits(
    where="upload",
    max_bytes=UPLOAD_MAX_MB * MIB,
    max_rows=1_000_000,
    max_columns=2_000,
    max_cells=2_000_000,
    max_cell_chars=50_000,
    max_text_bytes=UPLOAD_MAX_MB * MIB,
    max_unzipped_bytes=256 * MIB,
    max_zip_ratio=100,
    max_zip_members=10_000,
)

COMMAND_LINE = Limits(
    where="command line",
    max_bytes=1024 * MIB,
    max_rows=5_000_000,
    max_columns=2_000,
    max_cells=30_000_000,
    max_cell_chars=50_000,
    max_text_bytes=1024 * MIB,
    max_unzipped_bytes=4096 * MIB,
    max_zip_ratio=100,
    max_zip_members=10_000,
)


def size_text(n: int) -> str:
    """A byte count as people say it: 812 bytes, 20 KB, 2.3 MB, 1.5 GB (powers of 1024)."""
    if n < 1024:
        return f"{n:,} byte{'s' if n != 1 else ''}"
    for unit in ("KB", "MB", "GB", "TB"):
        n /= 1024
        if n < 1024 or unit == "TB":
            return f"{n:,.0f} {unit}" if n >= 100 or n == int(n) else f"{n:,.1f} {unit}"
    raise AssertionError("unreachable")
