"""Microsoft Forms: the responses workbook (.xlsx), or that workbook saved by Excel as "CSV UTF-8".

One header row: ``ID``, ``Start time``, ``Completion time``, ``Email``, ``Name`` (and ``Last
modified time`` when respondents may edit their answers), then one column per question. A Likert
question is one column per statement, headed by the statement text or ``Question title.Statement``.
Times are real Excel date-times in the workbook and ``11/9/2026 16:31`` in the saved CSV. A form
open to anyone writes ``anonymous`` in Email for every response: those are different people, told
apart by their ID (the core keys respondents by a real email, else by the respondent ID).
"""

from framework.importer.sources.base import Prepared, SourceFormat, header_row, known_columns, single_header

_KNOWN = {
    "id": "respondent_id",
    "completion time": "timestamp",
    "email": "email",
    "name": "name",
    "start time": "",
    "last modified time": "",
    "total points": "",
    "quiz feedback": "",
}


class MicrosoftForms(SourceFormat):
    name = "Microsoft Forms"

    def detect(self, raw) -> float:
        header = {h.lower() for h in header_row(raw)}
        if {"id", "start time", "completion time"} <= header:
            return 0.95 if "email" in header else 0.8
        return 0.0

    def prepare(self, raw) -> Prepared:
        prepared = single_header(raw, self.name)
        prepared.hints = known_columns(prepared.frame.columns, _KNOWN)
        prepared.generation = "responses workbook" if raw.kind == "xlsx" else "responses workbook saved as CSV"
        return prepared


SOURCE = MicrosoftForms()
