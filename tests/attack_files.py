"""The oversized and hostile files of issue 10's attack pass, made from their description (nothing big is
committed: each is written into the test's temporary folder).

    shared_string_bomb()      ~20 KB workbook: 9,000 cells all showing one 1,000,000-character shared string
    shared_string_bomb_88k()  ~88 KB workbook: 45,000 cells all showing one 32,000-character shared string
    numeric_workbook()        ~2.4 MB workbook of small whole numbers over Excel's full 16,384 columns
    numeric_workbook_tall()   ~6 MB workbook of small whole numbers, 1,000 columns x 2,500 rows
    wide_csv()                ~2.3 MB CSV of 100,000 columns
    tall_csv()                20 MB CSV of one column and 10,000,000 rows

The workbooks are written part by part (the XML a spreadsheet program writes), so that making them
takes a second rather than what reading them would.
"""

from __future__ import annotations

import io
import zipfile

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def letters(i: int) -> str:
    """0 -> A, 16383 -> XFD."""
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def workbook(sheet_xml: bytes, shared_xml: bytes | None = None) -> bytes:
    """A minimal, valid .xlsx package around one worksheet (and a shared-strings part)."""
    shared_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        + (f'<Override PartName="/xl/sharedStrings.xml" ContentType="{shared_type}"/>' if shared_xml else "")
        + "</Types>"
    )
    rels = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">'
            f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    book = (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}" xmlns:r="{REL}"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
    book_rels = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">'
                 f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
                 + (f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
                    if shared_xml else "")
                 + "</Relationships>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr("_rels/.rels", rels)
        z.writestr("xl/workbook.xml", book)
        z.writestr("xl/_rels/workbook.xml.rels", book_rels)
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        if shared_xml is not None:
            z.writestr("xl/sharedStrings.xml", shared_xml)
    return buf.getvalue()


def sheet(rows: int, cols: int, inner: list[str]) -> bytes:
    """A worksheet of rows x cols cells; ``inner[c]`` is the XML after column c's reference (a type
    attribute, the closing bracket and the value)."""
    template = "".join(f'<c r="{letters(c)}\x00"{inner[c]}</c>' for c in range(cols))
    parts = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{NS}"><sheetData>']
    parts.extend(f'<row r="{r}">' + template.replace("\x00", str(r)) + "</row>" for r in range(1, rows + 1))
    parts.append("</sheetData></worksheet>")
    return "".join(parts).encode()


def shared_strings(text: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="{NS}" count="1" uniqueCount="1">'
            f"<si><t>{text}</t></si></sst>").encode()


def shared_string_bomb() -> bytes:
    """About 20 KB: 900 rows x 10 columns, every cell showing one 1,000,000-character string (9 GB of text)."""
    return workbook(sheet(900, 10, [' t="s"><v>0</v>'] * 10), shared_strings("A" * 1_000_000))


def shared_string_bomb_88k() -> bytes:
    """About 88 KB: 4,500 rows x 10 columns showing one 32,000-character string, under Excel's own cell
    limit (1.4 GB of text)."""
    return workbook(sheet(4_500, 10, [' t="s"><v>0</v>'] * 10), shared_strings("B" * 32_000))


def numeric_workbook() -> bytes:
    """About 2.4 MB: small whole numbers in 56 rows of Excel's full 16,384 columns (917,504 cells)."""
    return workbook(sheet(56, 16_384, [f"><v>{c % 4 + 1}</v>" for c in range(16_384)]))


def numeric_workbook_tall() -> bytes:
    """About 6 MB: small whole numbers in 2,500 rows of 1,000 columns (2,500,000 cells, within the column
    limit, over the cell limit)."""
    return workbook(sheet(2_500, 1_000, [f"><v>{c % 4 + 1}</v>" for c in range(1_000)]))


def wide_csv() -> bytes:
    """About 2.3 MB: a header of 100,000 question columns and three rows of answers."""
    header = ",".join(f"Question {i}" for i in range(100_000))
    row = ",".join(str(i % 4 + 1) for i in range(100_000))
    return (header + "\n" + row + "\n" + row + "\n" + row + "\n").encode()


def tall_csv() -> bytes:
    """20 MB: one column, a header and 10,000,000 rows of '1'."""
    return b"Rating\n" + b"1\n" * 9_999_996


ATTACKS = {
    "shared-string bomb (20 KB)": ("bomb.xlsx", shared_string_bomb),
    "shared-string bomb (88 KB)": ("bomb88.xlsx", shared_string_bomb_88k),
    "numeric workbook, 16,384 columns (2.4 MB)": ("numbers.xlsx", numeric_workbook),
    "numeric workbook, 2,500,000 cells (6 MB)": ("numbers-tall.xlsx", numeric_workbook_tall),
    "CSV of 100,000 columns (2.3 MB)": ("wide.csv", wide_csv),
    "CSV of 10,000,000 rows (20 MB)": ("tall.csv", tall_csv),
}
