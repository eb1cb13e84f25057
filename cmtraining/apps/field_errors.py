"""Errors shown at the field, in words, never with a server path (issues 19, 21.9).

`StageApp.apply` prints the package's error as it is: for an invalid workbook
that starts with the file's full path on the server and names fields by their
schema path (``networks[0].personas[0]``). The apps of stages 2-5 and the
self-assessment use `FieldErrorsMixin` instead: each problem is written with
the field's name in the trainee's language ("Papel de cada red, fila 1,
Públicos") and shown in the status line the app chose, next to the field.
"""

from __future__ import annotations

import html
import re

from cmtraining.core.errors import CmtrainingError, WorkbookValidationError
from cmtraining.i18n import catalogue, check_lang, t

#: the width of the text column of every page (the header's `.cm-app` max-width): fields
#: stretch to it ("auto" in a column), never past it as "100%" plus margins did (issue 19.7)
COLUMN = "980px"

_PART = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")


def field_name(path: str, lang: str | None = None) -> str:
    """A schema path in words: ``networks[0].personas`` -> "Papel de cada red, fila 1, Públicos"."""
    lang = check_lang(lang)
    known = catalogue(lang)
    words: list[str] = []
    for name, index in _PART.findall(path or ""):
        if index:
            if words and words[-1].startswith("#"):
                continue
            words.append(t("app.common.field.row", lang, n=int(index) + 1))
        else:
            keys = [k for k in (f"app.common.field.{name}",) if k in known]
            words.append(known[keys[0]] if keys else name.replace("_", " "))
    return ", ".join(words) or t("app.common.field.workbook", lang)


def problem_lines(exc: CmtrainingError, lang: str | None = None) -> list[str]:
    """The error as lines a trainee can act on: one per problem, each naming its field."""
    lang = check_lang(lang)
    if isinstance(exc, WorkbookValidationError):
        return [t(p.key, lang, **{**p.params, "path": field_name(p.path, lang)})
                for p in exc.problems]
    return [exc.message(lang)]


def error_html(exc: CmtrainingError, lang: str | None = None) -> str:
    """The refusal as HTML: "Not saved" and one line per problem."""
    lines = problem_lines(exc, lang)
    if not isinstance(exc, WorkbookValidationError):  # one refusal: the sentence says it all
        return (f"<div class='cm-error cm-field-error' style='white-space:normal'>✖ "
                f"{html.escape(lines[0])}</div>")
    head = t("app.common.not_saved", lang)
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    return (f"<div class='cm-error cm-field-error' style='white-space:normal'>✖ "
            f"{html.escape(head)}<ul style='margin:.2em 0'>{items}</ul></div>")


class FieldErrorsMixin:
    """`apply` that shows a refusal in words at `status_for` (default: the app's status)."""

    def apply(self, change, status=None) -> bool:  # noqa: D102  (same contract as StageApp)
        target = status if status is not None else self.status
        try:
            wb = self.session.update(change)
        except CmtrainingError as exc:
            target.value = error_html(exc, self.lang)
            return False
        when = wb.updated.astimezone().strftime("%H:%M:%S")
        target.value = (f'<span class="cm-ok">✔ '
                        f'{html.escape(t("app.common.saved", self.lang, time=when))}</span>')
        if target is not self.status:
            self.status.value = ""
        self.refresh()
        return True
