"""Date fields written as the reader writes them (issue 19.8).

ipywidgets' DatePicker is the browser's `<input type=date>`: it shows the
browser's locale, so a Spanish page on an en-US browser read "06/04/2027".
`DateField` is a text box that shows "4 jun 2027" in the page's language,
reads back what the trainee types in that language, and says at the field
when it is not a date (the last good date stays). Numbers have their own
field, `cmtraining.apps.number_field.NumberField`.
"""

from __future__ import annotations

import html
from datetime import date

import ipywidgets as widgets
import traitlets

from cmtraining.core.numbers import day, parse_day
from cmtraining.i18n import t


class _ReaderField(widgets.HBox):
    """A text box holding `value` (typed), with its refusal beside it."""

    value = traitlets.Any(allow_none=True)

    def __init__(self, value, lang: str, *, description: str = "", disabled: bool = False,
                 layout: widgets.Layout | None = None, placeholder: str = ""):
        self.lang = lang
        self.text = widgets.Text(value=self.show(value), description=description,
                                 continuous_update=False, disabled=disabled,
                                 placeholder=placeholder, layout=layout or widgets.Layout())
        self.message = widgets.HTML()
        self.message.add_class("cm-field-message")
        super().__init__([self.text, self.message])
        self.value = value
        self.text.observe(self._typed, names="value")
        self.observe(self._set, names="value")

    @property
    def style(self):  # the description width is the text box's
        return self.text.style

    @property
    def disabled(self) -> bool:
        return self.text.disabled

    @disabled.setter
    def disabled(self, flag: bool) -> None:
        self.text.disabled = flag

    def show(self, value) -> str:
        raise NotImplementedError

    def parse(self, text: str):
        raise NotImplementedError

    def refusal(self, text: str) -> str:
        raise NotImplementedError

    def _set(self, change) -> None:
        """A value set by the app ("use the suggested target") is shown the reader's way."""
        if change["new"] is not None and self.parse(self.text.value) != change["new"]:
            self.message.value = ""
            self.text.value = self.show(change["new"])

    def _typed(self, change) -> None:
        parsed = self.parse(change["new"])
        if parsed is None:
            self.message.value = (f"<span class='cm-error'>✖ "
                                  f"{html.escape(self.refusal(change['new']))}</span>")
            return
        self.message.value = ""
        self.value = parsed
        shown = self.show(parsed)
        if shown != change["new"]:
            self.text.value = shown  # written back the reader's way: "4/6/27" -> "4 jun 2027"


class DateField(_ReaderField):
    """A date as "4 jun 2027" / "Jun 4, 2027"; also reads "4/6/2027" (es) or "6/4/2027" (en)."""

    def __init__(self, value: date | None, lang: str, **kwargs):
        kwargs.setdefault("placeholder", day(date(2027, 6, 4), lang))
        super().__init__(value, lang, **kwargs)
        self.add_class("cm-date-field")

    def show(self, value) -> str:
        return day(value, self.lang) if value is not None else ""

    def parse(self, text: str):
        return parse_day(text, self.lang)

    def refusal(self, text: str) -> str:
        return t("app.common.not_a_date", self.lang, text=text.strip(),
                 example=day(date(2027, 6, 4), self.lang),
                 short="4/6/2027" if self.lang == "es" else "6/4/2027")
