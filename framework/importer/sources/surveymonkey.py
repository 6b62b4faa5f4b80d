"""SurveyMonkey: "All responses data" as CSV with expanded columns.

Two header rows. Row 1 holds the question text, left blank over the later columns of a question
that takes several (a matrix, or a choice with "Other (please specify)"); row 2 says what each
column holds: ``Response``, ``Open-Ended Response``, or the matrix row label (the statement).
The first columns are ``Respondent ID``, ``Collector ID``, ``Start Date``, ``End Date``, ``IP
Address``, ``Email Address``, ``First Name``, ``Last Name`` and ``Custom Data 1``, blank in row 2.
Responses follow from row 3, newest first; dates read ``11/10/2026 09:00:02 AM``.

Each column gets one header: the question carried forward over the blanks, with the row-2 label
in brackets (``Question [Row label]``), or the question alone when row 2 says Response or
Open-Ended Response. End Date is the response's timestamp.
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
    "respondent id": "respondent_id",
    "end date": "timestamp",
    "email address": "email",
    "first name": "first_name",
    "last name": "last_name",
    "collector id": "",
    "start date": "",
    "ip address": "",
}
_CUSTOM_DATA = re.compile(r"^custom data( \d+)?$")
_PLAIN = {"", "response", "open-ended response"}


class SurveyMonkey(SourceFormat):
    name = "SurveyMonkey"

    def detect(self, raw) -> float:
        top = {h.lower() for h in header_row(raw)}
        if not {"respondent id", "collector id"} <= top:
            return 0.0
        second = {h.lower() for h in header_row(raw, 1)}
        return 0.95 if second & {"response", "open-ended response"} else 0.7

    def prepare(self, raw) -> Prepared:
        top = first_filled_row(raw)
        questions = header_row(raw)
        labels = header_row(raw, 1) or [""] * len(questions)
        headers, question = [], ""
        for q, label in zip(questions, labels):
            question = q or question
            headers.append(question if label.lower() in _PLAIN else f"{question} [{label}]" if question else label)
        frame = raw.cells.loc[top + 2 :].copy()
        frame.columns = unique_headers(headers)
        hints = known_columns(frame.columns, _KNOWN)
        hints.update({c: "" for c in frame.columns if _CUSTOM_DATA.match(c.strip().lower())})
        return Prepared(frame, self.name, hints=hints, warnings=list(raw.notes))


SOURCE = SurveyMonkey()
