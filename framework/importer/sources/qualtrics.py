"""Qualtrics: the CSV data export (UTF-8 with a BOM), with choice text or with numeric values, every generation.

* **current** (2017 on): three header rows. Row 1 holds short ids (``StartDate``, ``ResponseId``,
  ``Q1``, ``Q3_1``), row 2 the full text (``Rate your proficiency in each skill area - Data Privacy
  and Security`` for a matrix statement), row 3 ``{"ImportId":"QID3_1"}`` (JSON). Records from row 4.
* **2016**: the same three rows, the ImportId row in single quotes (``{'ImportId': 'QID3-1'}``), the
  metadata ids ``ResponseID``, ``ResponseSet``, ``IPAddress``, ``StartDate``, ``EndDate``,
  ``RecipientLastName`` … ``Finished``, ``Status``, and a matrix statement joined to its question by a
  bare hyphen (``Rate your proficiency-Data Management``). Row 3 is never a response.
* **legacy**: two header rows. Row 1 holds ``V1`` … ``V10`` and the question ids, row 2 the names
  (``ResponseID``, ``ResponseSet``, ``Name``, ``ExternalDataReference``, ``EmailAddress``,
  ``IPAddress``, ``Status``, ``StartDate``, ``EndDate``, ``Finished``) and the question text, a matrix
  statement joined by a bare hyphen. Records from row 3; Status and Finished are numbers.
* an export with two header rows and no ImportId row is read like the legacy one.

The header of each column is its row-2 text; the columns are known by their ids. Where the statement
is joined by a bare hyphen, it is where the texts of neighbouring columns of one question part: the
last hyphen of the text they share (``Check all that apply-Squash`` / ``…-Kiwi``).

Survey previews and tests (``Status`` ``Survey Preview``/``Survey Test``, 1/2 in a numeric export, or
``DistributionChannel`` ``preview``/``test``) and unfinished responses (``Finished`` False or 0) are left
out with a reason. A numeric-values export writes choice codes instead of choice text: when its role or
school columns hold only small numbers, a warning says so, since results by role and by school will
show those codes.
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

# id -> identity field, or "" for metadata that is not used (row-1 ids; row-2 names in legacy exports)
_KNOWN = {
    "responseid": "respondent_id",
    "recipientemail": "email",
    "emailaddress": "email",
    "recipientfirstname": "first_name",
    "recipientlastname": "last_name",
    "enddate": "timestamp",
    **{k: "" for k in ("startdate", "status", "ipaddress", "progress", "duration (in seconds)", "finished",
                       "recordeddate", "externalreference", "externaldatareference", "locationlatitude",
                       "locationlongitude", "locationaccuracy", "distributionchannel", "userlanguage",
                       "responseset")},
}
_PREVIEW = {"survey preview", "1", "preview"}
_TEST = {"survey test", "2", "test"}
_CODE = re.compile(r"^\d{1,2}$")
_ANONYMOUS = {"anonymous", "anonym", "anonyme", "anónimo", "anonimo"}

CURRENT, Y2016, LEGACY, TWO_ROWS = "current", "2016", "legacy", "two rows"
GENERATIONS = {
    CURRENT: "current export: ImportId row in JSON",
    Y2016: "2016 export: ImportId row in single quotes",
    LEGACY: "legacy export: V1…Vn ids, question text in row 2",
    TWO_ROWS: "export with two header rows and no ImportId row",
}


def generation(raw) -> str:
    """Which Qualtrics export this is, or "" when it is none."""
    first = header_row(raw)
    second = {h.lower() for h in header_row(raw, 1)}
    if first[:3] == ["V1", "V2", "V3"] and "responseid" in second and second & {"startdate", "enddate", "finished"}:
        return LEGACY
    ids = {h.lower() for h in first}
    if "responseid" not in ids or not ids & {"startdate", "enddate", "finished"}:
        return ""
    third = header_row(raw, 2)
    if any(v.startswith('{"ImportId"') for v in third):
        return CURRENT
    if any(v.startswith("{'ImportId'") for v in third):
        return Y2016
    return TWO_ROWS


def hyphen_statements(texts: list[str]) -> dict[int, str]:
    """Column position -> statement, for texts joined as ``Question-Statement``: the part after the last
    hyphen of the text a column shares with a neighbour (its question)."""
    out = {}
    for i, text in enumerate(texts):
        shared = max((_shared(text, texts[j]) for j in (i - 1, i + 1) if 0 <= j < len(texts)), default=0)
        cut = text.rfind("-", 0, shared)
        if cut > 0 and text[:cut].strip() and text[cut + 1 :].strip():
            out[i] = text[cut + 1 :].strip()
    return out


def _shared(a: str, b: str) -> int:
    """The length of the text two headers start with."""
    return next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))


class Qualtrics(SourceFormat):
    name = "Qualtrics"

    def detect(self, raw) -> float:
        found = generation(raw)
        return 0.8 if found == TWO_ROWS else 0.97 if found else 0.0

    def prepare(self, raw) -> Prepared:
        kind = generation(raw)
        top = first_filled_row(raw)
        ids = header_row(raw)
        texts = header_row(raw, 1) or [""] * len(ids)
        texts = (texts + [""] * len(ids))[: len(ids)]
        frame = raw.cells.loc[top + (3 if kind in (CURRENT, Y2016) else 2) :].copy()
        frame.columns = unique_headers([t or i for t, i in zip(texts, ids)])
        keys = [{i.lower()} | ({t.lower()} if kind == LEGACY else set()) for i, t in zip(ids, texts)]
        by_id = {k: c for ks, c in zip(keys, frame.columns) for k in ks if k}
        hints = {by_id[i]: field for i, field in _KNOWN.items() if i in by_id}
        if kind == LEGACY and "name" in by_id:  # the panel's name of the respondent; "Anonymous" is no name
            col = by_id["name"]
            hints[col] = "name"
            frame[col] = frame[col].where(~frame[col].astype("string").str.strip().str.lower().isin(_ANONYMOUS), "")
        statements = {}
        if kind in (Y2016, LEGACY):
            statements = {frame.columns[i]: s for i, s in hyphen_statements(texts).items()
                          if frame.columns[i] not in hints}

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
            coded = [c for c in frame.columns if c not in hints and match_identity(_question(c)) in ("role", "group")
                     and _only_codes(frame[c])]
            if coded:
                names = " and ".join([", ".join(repr(c) for c in coded[:-1]), repr(coded[-1])] if len(coded) > 1
                                     else [repr(coded[0])])
                warnings.append(
                    f"This is a numeric-values export: {names} hold{'s' if len(coded) == 1 else ''} choice codes, "
                    "not names, so results by role and by school or department will show codes. "
                    "Export the data with choice text to see names."
                )
        return Prepared(frame, self.name, hints=hints, dropped=dropped, warnings=warnings,
                        generation=GENERATIONS[kind], statements=statements)


def _question(header: str) -> str:
    """The question part of a header: "Rate yourself - Team Building" is about rating, not a building."""
    return header.rsplit(" - ", 1)[0] if " - " in header else header


def _only_codes(values: pd.Series) -> bool:
    filled = values.astype("string").str.strip()
    filled = filled[filled.ne("")]
    return bool(len(filled)) and bool(filled.str.match(_CODE.pattern).all())


SOURCE = Qualtrics()
