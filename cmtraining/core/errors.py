"""One exception root for the whole package.

Every error a user can cause is a `CmtrainingError`: it carries a catalogue
key and its parameters (structured fields a caller or a test can read), and
renders one clear message in the user's language. The CLI turns it into a
message on stderr and exit status 2; the apps show it beside the field.
"""

from __future__ import annotations

from dataclasses import dataclass


def rendered(params: dict, lang: str | None) -> dict:
    """`params` with each one that knows how to show itself (a catalogue key, a percentage:
    `cmtraining.core.findings`) written in the reader's language."""
    return {k: v.render(lang) if callable(getattr(v, "render", None)) else v
            for k, v in params.items()}


class CmtrainingError(Exception):
    """Root of every error cmtraining raises on bad input."""

    key = "core.error.generic"

    def __init__(self, key: str | None = None, *, lang: str | None = None, **params):
        self.key = key or self.key
        self.params = params
        self.lang = lang
        super().__init__(self.key)

    def message(self, lang: str | None = None) -> str:
        from cmtraining.i18n import t

        lang = lang or self.lang
        return t(self.key, lang, **rendered(self.params, lang))

    def __str__(self) -> str:  # the message, not the key, in tracebacks too
        return self.message()


class UnknownLanguageError(CmtrainingError):
    key = "core.error.unknown_language"


class ParameterError(CmtrainingError):
    """A notebook parameter that its declaration refuses."""

    key = "core.error.parameter"


class DatasetError(CmtrainingError):
    """A shipped or user-provided data file that cannot be used."""

    key = "core.error.dataset"


class UnknownOrganizationError(DatasetError):
    key = "core.error.unknown_org"


class WorkbookFileError(CmtrainingError):
    """A workbook file that is missing, unreadable or not YAML."""

    key = "core.error.workbook_missing"


class SchemaVersionError(CmtrainingError):
    key = "core.error.schema_newer"


class LockTimeoutError(CmtrainingError):
    key = "core.error.lock_timeout"


@dataclass(frozen=True)
class Problem:
    """One validation problem: where (a dotted field path) and what to do."""

    path: str
    key: str
    params: dict

    def message(self, lang: str | None = None) -> str:
        from cmtraining.i18n import t

        return t(self.key, lang, path=self.path or "/", **rendered(self.params, lang))


class WorkbookValidationError(CmtrainingError):
    """A workbook that does not satisfy the schema; lists every problem."""

    key = "core.error.workbook_invalid"

    def __init__(self, problems: list[Problem], *, source: str = "", lang: str | None = None):
        self.problems = problems
        super().__init__(lang=lang, source=source, count=len(problems))

    def message(self, lang: str | None = None) -> str:
        from cmtraining.i18n import t

        lang = lang or self.lang
        head = t(self.key, lang, **self.params)
        lines = [f"  - {p.message(lang)}" for p in self.problems]
        return "\n".join([head, *lines])
