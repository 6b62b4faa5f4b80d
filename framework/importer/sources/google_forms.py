"""Google Forms: the Sheets CSV download, or Forms' own "Download responses (.csv)".

One header row: ``Timestamp``, ``Email Address`` when the form collects emails, then the full
question texts; a grid question is one column per row, ``Question title [Row label]``. Answers are
the choice labels (``3 - Proficient``) or numbers; comments are quoted and may hold commas,
doubled quotes and line breaks.

The Sheets download writes timestamps as the sheet shows them (``11/9/2026 16:31:07``; a sheet
downloaded as .xlsx holds real date-times). The Forms download writes them with the form's time zone
(``2026/11/09 4:31:07 PM GMT-5``, or ``... EST``); those are rewritten here as UTC
(``2026-11-09 21:31:07``) so that the core can order them. The detection says which download it saw.
"""

import re

import numpy as np
import pandas as pd

from framework.importer.sources.base import Prepared, SourceFormat, header_row, known_columns, single_header

_KNOWN = {"timestamp": "timestamp", "email address": "email", "score": ""}

_FORMS_STAMP = re.compile(
    r"^\s*(\d{4}/\d{1,2}/\d{1,2}\s+\d{1,2}:\d{2}:\d{2}\s*[AaPp]\.?[Mm]\.?)"
    r"\s*(?:(?:GMT|UTC)([+-]\d{1,2})(?::?(\d{2}))?|([A-Za-z]{2,5}))?\s*$"
)
# hours from UTC of the zone names the Forms download uses in the US
_ZONES = {"utc": 0, "gmt": 0, "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8,
          "pdt": -7, "akst": -9, "akdt": -8, "hst": -10}


class GoogleForms(SourceFormat):
    name = "Google Forms"

    def detect(self, raw) -> float:
        header = [h.lower() for h in header_row(raw)]
        if header and header[0] == "timestamp":
            grid = sum(1 for h in header if h.endswith("]") and "[" in h)
            return 0.9 if grid or "email address" in header else 0.6
        return 0.0

    def prepare(self, raw) -> Prepared:
        prepared = single_header(raw, self.name)
        prepared.hints = known_columns(prepared.frame.columns, _KNOWN)
        prepared.generation = "response sheet downloaded from Google Sheets" + (" as .xlsx" if raw.kind == "xlsx" else "")
        for col, field in prepared.hints.items():
            if field == "timestamp":
                if _zoned(prepared.frame[col]):
                    prepared.generation = "responses downloaded from Google Forms"
                prepared.frame[col] = forms_timestamps(prepared.frame[col])
        return prepared


def forms_timestamps(text: pd.Series) -> pd.Series:
    """Forms-download timestamps as UTC ``YYYY-MM-DD HH:MM:SS``; any other text is left as it is.

    The zone is the last word (a file has one or two: GMT-5, GMT-4), so it is worked out once per
    distinct zone; only a sample is matched against the pattern, to leave Sheets-style files alone.
    """
    if not _zoned(text):
        return text
    s = text.astype("string").str.strip().fillna("")
    head, _, last = (s.str.rpartition(" ")[i] for i in range(3))
    codes, zones = pd.factorize(last)
    offsets = np.array([_zone_minutes(z) for z in zones] + [0.0])
    has_zone = ~np.isnan(offsets)
    local_text = head.where(pd.Series(has_zone[codes], index=s.index), s).str.replace(".", "", regex=False)
    local = pd.to_datetime(local_text, format="%Y/%m/%d %I:%M:%S %p", errors="coerce")
    utc = local - pd.to_timedelta(np.nan_to_num(offsets[codes]), unit="min")
    return utc.dt.strftime("%Y-%m-%d %H:%M:%S").where(local.notna(), text)


def _zoned(text: pd.Series) -> bool:
    """Whether a sample of the time stamps (the first 50 filled in) is written the Forms-download way
    (with a time zone). Read from the top of the column; the whole of it only when the top is mostly empty."""
    for part in (text.head(1000), text):
        s = part.astype("string").str.strip().fillna("")
        filled = s[s.ne("")]
        if len(filled) >= 50 or len(part) == len(text):
            return bool(filled.head(50).str.match(_FORMS_STAMP).any())
    return False


def _zone_minutes(zone: str) -> float:
    """Minutes from UTC of "GMT-5", "GMT+05:30", "EST"; NaN when the word is no zone (AM/PM)."""
    m = re.fullmatch(r"(?:GMT|UTC)([+-])(\d{1,2})(?::?(\d{2}))?", zone, re.IGNORECASE)
    if m:
        return (1 if m[1] == "+" else -1) * (int(m[2]) * 60 + int(m[3] or 0))
    return _ZONES[zone.lower()] * 60.0 if zone.lower() in _ZONES else np.nan


SOURCE = GoogleForms()
