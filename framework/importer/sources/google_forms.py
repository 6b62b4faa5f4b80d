"""Google Forms: the Sheets CSV download or "Download responses (.csv)".

One header row: ``Timestamp``, optionally ``Email Address``, then the full question texts; a grid
question is one column per row, ``Question title [Row label]``.
"""

from framework.importer.sources.base import SourceFormat, first_filled_row


class GoogleForms(SourceFormat):
    name = "Google Forms"

    def detect(self, raw) -> float:
        header = raw.cells.loc[first_filled_row(raw)].str.strip().str.lower().tolist()
        if header and header[0] == "timestamp":
            grid = sum(1 for h in header if h.endswith("]") and "[" in h)
            return 0.9 if grid or "email address" in header else 0.6
        return 0.0


SOURCE = GoogleForms()
