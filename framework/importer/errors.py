"""The importer's own error: a file that cannot be used at all, with one plain sentence saying why."""


class SurveyFileError(ValueError):
    """Raised for unusable input; ``str(err)`` is a sentence fit to show a user. When a file was refused for
    having no skill-area column, ``filename`` and ``mapping`` (how each column was read, proposals included)
    let a mapping editor offer the columns to choose from."""

    def __init__(self, message: str, mapping: list | None = None, filename: str = ""):
        super().__init__(message)
        self.mapping = list(mapping or [])
        self.filename = filename
