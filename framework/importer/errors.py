"""The importer's own error: a file that cannot be used at all, with one plain sentence saying why."""


class SurveyFileError(ValueError):
    """Raised for unusable input; ``str(err)`` is a sentence fit to show a user."""
