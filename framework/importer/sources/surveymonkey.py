"""SurveyMonkey: "All responses data" as CSV with expanded columns, every generation of it.

Two header rows. Row 1 holds the question text, left blank over the later columns of a question
that takes several (a matrix, or a choice with "Other (please specify)"); row 2 says what each
column holds: ``Response``, ``Open-Ended Response``, or the matrix row label (the statement).
The first columns are metadata, blank in row 2:

* current exports: ``Respondent ID``, ``Collector ID``, ``Start Date``, ``End Date``, ``IP Address``,
  ``Email Address``, ``First Name``, ``Last Name``, ``Custom Data 1``; responses from row 3, newest
  first, dates as ``11/10/2026 09:00:02 AM``;
* older exports spell them ``RespondentID``, ``CollectorID``, ``StartDate``, ``EndDate``, ``LastName``,
  ``Custom Data``;
* either generation with the metadata columns removed keeps only the respondent id (no Collector ID).

The detection names the generation it saw. Each column gets one header: the question carried
forward over the blanks, with the row-2 label in brackets (``Question [Row label]``), or the question
alone when row 2 says Response or Open-Ended Response. End Date is the response's timestamp.
"""

import re

from framework.importer.sources.base import (
    Prepared,
    SourceFormat,
    first_filled_row,
    header_row,
    known_columns,
    unique_headers,
)

_KNOWN = {
    "respondent id": "respondent_id", "respondentid": "respondent_id",
    "end date": "timestamp", "enddate": "timestamp",
    "email address": "email", "emailaddress": "email",
    "first name": "first_name", "firstname": "first_name",
    "last name": "last_name", "lastname": "last_name",
    "collector id": "", "collectorid": "",
    "start date": "", "startdate": "",
    "ip address": "", "ipaddress": "",
}
_RESPONDENT = {"respondent id", "respondentid"}
_COLLECTOR = {"collector id", "collectorid"}
_CUSTOM_DATA = re.compile(r"^custom ?data( \d+)?$")
_PLAIN = {"", "response", "open-ended response"}


def _rows(raw) -> tuple[list[str], list[str]]:
    top = header_row(raw)
    second = header_row(raw, 1)
    return top, (second + [""] * len(top))[: len(top)]


class SurveyMonkey(SourceFormat):
    name = "SurveyMonkey"

    def detect(self, raw) -> float:
        top, second = _rows(raw)
        lower = [h.lower() for h in top]
        if not _RESPONDENT & set(lower):
            return 0.0
        if {h.lower() for h in second} & {"response", "open-ended response"}:
            return 0.95
        # a matrix-only export: row 2 blank under the respondent id, labels under the carried-over questions
        at = next(i for i, h in enumerate(lower) if h in _RESPONDENT)
        carried = any(not q and label for q, label in zip(top[at + 1 :], second[at + 1 :]))
        if not second[at] and carried:
            return 0.9
        return 0.7 if _COLLECTOR & set(lower) else 0.0

    def generation(self, raw) -> str:
        lower = {h.lower() for h in header_row(raw)}
        spelled = "Respondent ID" if "respondent id" in lower else "RespondentID"
        era = "current export" if spelled == "Respondent ID" else "older export"
        collector = ("Collector ID" if "collector id" in lower else "CollectorID") if lower & _COLLECTOR else (
            "no Collector ID")
        return f"{era}: {spelled}, {collector}, two header rows"

    def prepare(self, raw) -> Prepared:
        top = first_filled_row(raw)
        questions, labels = _rows(raw)
        headers, question = [], ""
        for q, label in zip(questions, labels):
            question = q or question
            headers.append(question if label.lower() in _PLAIN else f"{question} [{label}]" if question else label)
        frame = raw.cells.loc[top + 2 :].copy()
        frame.columns = unique_headers(headers)
        hints = known_columns(frame.columns, _KNOWN)
        hints.update({c: "" for c in frame.columns if _CUSTOM_DATA.match(c.strip().lower())})
        return Prepared(frame, self.name, hints=hints, warnings=list(raw.notes), generation=self.generation(raw))


SOURCE = SurveyMonkey()
