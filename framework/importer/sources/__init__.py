"""Survey source formats. Each module defines ``SOURCE``; the most confident one reads the file."""

from framework.importer.sources import generic, google_forms, ms_forms, qualtrics, surveymonkey
from framework.importer.sources.base import Prepared, SourceFormat

FORMATS: list[SourceFormat] = [
    google_forms.SOURCE,
    ms_forms.SOURCE,
    surveymonkey.SOURCE,
    qualtrics.SOURCE,
    generic.SOURCE,
]


def pick_format(raw) -> SourceFormat:
    return max(FORMATS, key=lambda f: f.detect(raw))


__all__ = ["FORMATS", "Prepared", "SourceFormat", "pick_format"]
