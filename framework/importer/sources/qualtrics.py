"""Qualtrics: the CSV data export (UTF-8 with a BOM), with choice text or with numeric values.

Three header rows. Row 1 holds short ids (``StartDate``, ``ResponseId``, ``Q1``, ``Q3_1``), row 2
the full text (``Rate your proficiency in each skill area - Data Privacy and Security`` for a
matrix statement), row 3 ``{"ImportId":"QID3_1"}``. Records follow from row 4. The first columns
are ``StartDate``, ``EndDate``, ``Status``, ``IPAddress``, ``Progress``, ``Duration (in seconds)``,
``Finished``, ``RecordedDate``, ``ResponseId``, ``RecipientLastName``, ``RecipientFirstName``,
``RecipientEmail``, ``ExternalReference``, ``LocationLatitude``, ``LocationLongitude``,
``DistributionChannel`` and ``UserLanguage``.

Row 2 is the header, so the skill areas are found by their statement text; the columns are
known by their row-1 id. Survey previews and tests (``Status`` ``Survey Preview``/``Survey Test``,
1/2 in a numeric export, or ``DistributionChannel`` ``preview``/``test``) and unfinished responses
(``Finished`` False or 0) are left out with a reason. A numeric-values export writes choice codes
instead of choice text: when its role or school columns hold only small numbers, a warning says
so, since results by role and by school will show those codes.
"""

import re

import pandas as pd

from framework.importer.columns import match_identity
from framework.importer.sources.base import (
    Prepared,
    SourceFormat,
    first_filled_row,
    header_row,
    rows_text,
    unique_headers,
)

# row-1 id -> identity field, or "" for metadata that is not used
_KNOWN = {
    "responseid": "respondent_id",
    "recipientemail": "email",
    "recipientfirstname": "first_name",
    "recipientlastname": "last_name",
    "enddate": "timestamp",
    **{k: "" for k in ("startdate", "status", "ipaddress", "progress", "duration (in seconds)", "finished",
                       "recordeddate", "externalreference", "externaldatareference", "locationlatitude",
                       "locationlongitude", "distributionchannel", "userlanguage")},
}
_PREVIEW = {"survey preview", "1", "preview"}
_TEST = {"survey test", "2", "test"}
_CODE = re.compile(r"^\d{1,2}$")


class Qualtrics(SourceFormat):
    name = "Qualtrics"

    def detect(self, raw) -> float:
        ids = {h.lower() for h in header_row(raw)}
        if "responseid" not in ids or not ids & {"startdate", "enddate", "finished"}:
            return 0.0
        return 0.97 if _has_import_ids(raw) else 0.8

    def prepare(self, raw) -> Prepared:
        top = first_filled_row(raw)
        ids = header_row(raw)
        texts = header_row(raw, 1) or [""] * len(ids)
        frame = raw.cells.loc[top + (3 if _has_import_ids(raw) else 2) :].copy()
        frame.columns = unique_headers([t or i for t, i in zip(texts, ids)])
        by_id = {i.lower(): c for i, c in zip(ids, frame.columns) if i}
        hints = {by_id[i]: field for i, field in _KNOWN.items() if i in by_id}

        def col(key: str) -> pd.Series:
            if key in by_id:
                return frame[by_id[key]].astype("string").str.strip().str.lower().fillna("")
            return pd.Series("", index=frame.index, dtype="string")

        status, channel, finished = col("status"), col("distributionchannel"), col("finished")
        preview = status.isin(_PREVIEW) | channel.eq("preview")
        test = ~preview & (status.isin(_TEST) | channel.eq("test"))
        unfinished = ~preview & ~test & finished.isin(["false", "0"])
        progress = col("progress")
        dropped, warnings = [], list(raw.notes)
        for mask, what in ((preview, "survey preview"), (test, "survey test"), (unfinished, "unfinished response")):
            rows = [int(r) for r in frame.index[mask.to_numpy()]]
            for r in rows:
                why = f"{what}, not a real response" if what != "unfinished response" else (
                    f"unfinished response (Finished is {frame.at[r, by_id['finished']].strip()}"
                    + (f", {progress[r]}% progress)" if progress[r] else ")"))
                dropped.append((r, why))
            if rows:
                warnings.append(f"{len(rows)} {what}(s) left out: {rows_text(rows)}.")
        frame = frame.loc[~(preview | test | unfinished).to_numpy()]

        numeric = finished.isin(["0", "1"]).any() or status.str.fullmatch(r"\d+").any()
        if numeric and len(frame):
            coded = [c for c in frame.columns if c not in hints and _only_codes(frame[c])
                     and match_identity(_question(c)) in ("role", "group")]
            if coded:
                names = " and ".join([", ".join(repr(c) for c in coded[:-1]), repr(coded[-1])] if len(coded) > 1
                                     else [repr(coded[0])])
                warnings.append(
                    f"This is a numeric-values export: {names} hold{'s' if len(coded) == 1 else ''} choice codes, "
                    "not names, so results by role and by school or department will show codes. "
                    "Export the data with choice text to see names."
                )
        return Prepared(frame, self.name, hints=hints, dropped=dropped, warnings=warnings)


def _has_import_ids(raw) -> bool:
    return any(v.startswith('{"ImportId"') for v in header_row(raw, 2))


def _question(header: str) -> str:
    """The question part of a header: "Rate yourself - Team Building" is about rating, not a building."""
    return header.rsplit(" - ", 1)[0] if " - " in header else header


def _only_codes(values: pd.Series) -> bool:
    filled = values.astype("string").str.strip()
    filled = filled[filled.ne("")]
    return bool(len(filled)) and bool(filled.str.match(_CODE.pattern).all())


SOURCE = Qualtrics()
