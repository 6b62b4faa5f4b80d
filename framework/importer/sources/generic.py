"""A hand-made sheet or any table with one header row: the fallback format."""

from framework.importer.sources.base import SourceFormat


class GenericTable(SourceFormat):
    name = "Spreadsheet (one header row)"

    def detect(self, raw) -> float:
        return 0.1


SOURCE = GenericTable()
