"""Survey import: CSV/XLSX exports of survey tools into one tidy frame and an import report."""

from framework.importer.columns import ColumnMatch, map_columns
from framework.importer.core import ROW, ImportReport, ImportResult, read_survey, read_survey_file, require_usable
from framework.importer.errors import SurveyFileError

__all__ = ["ROW", "ColumnMatch", "ImportReport", "ImportResult", "SurveyFileError", "map_columns", "read_survey",
           "read_survey_file", "require_usable"]
