"""A number typed as the reader writes it, with what was understood shown beside it.

Every numeric text field of the apps is a `NumberField`: the text is read by
`cmtraining.core.numbers.parse_number` in the reader's language ("4.000" is four
thousand in Spanish, "4,5" is 4.5), the value understood is shown next to
the field the way the field itself writes it ("= 4.000" / "= 4,000", through
`cmtraining.core.numbers`) only when the reader typed it some other way
("4000"): under a field that already reads "20.000", "= 20000" only puzzled. A
text that cannot be read ("tres mil") is refused with a message at the field: `value` keeps the last
good number, so nothing unread is ever saved. A browser's number input
(ipywidgets' FloatText) reads "4.000" as 4 whatever the language; this does not.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import traitlets

from cmtraining.core.numbers import NumberEntryError, decimal, parse_number, rate_decimals
from cmtraining.i18n import t


class NumberField(widgets.Box):
    """A text field whose `value` is the float read from it (None while empty).

    `percent`: the value is a fraction (the store's 0.118) shown and typed as
    a percentage ("11,8" with a "%" after the field). Observe `value` as on
    any widget: it changes only when the text reads as a number. `below`:
    the echo goes under the field (table cells keep their column's width).
    """

    value = traitlets.Float(allow_none=True)

    def __init__(self, value: float | None, lang: str, *, description: str = "",
                 percent: bool = False, decimals: int = 4, layout=None,
                 disabled: bool = False, style=None, below: bool = False, placeholder: str = ""):
        self.lang, self.percent, self.decimals = lang, percent, decimals
        self.text = widgets.Text(value=self._shown(value), description=description,
                                 continuous_update=False, disabled=disabled,
                                 placeholder=placeholder,
                                 layout=layout or widgets.Layout(width="200px"))
        if style:
            self.text.style = style
        self.text.add_class("cm-number")
        self.unit = widgets.HTML("%" if percent else "")
        self.unit.add_class("cm-number-unit")
        self.unit.layout.display = None if percent else "none"
        self.echo = widgets.HTML()
        self.echo.add_class("cm-number-echo")
        if below:
            # the column's width is the box's, and the text fills what the unit leaves: the
            # text used to share the column's Layout, set to "auto" here, so the box lost its
            # width and the text ran under the next cell, pushing the headings apart
            column = layout.width if layout else None
            self.text.layout = widgets.Layout(width="auto", flex="1 1 0%", min_width="0")
            parts = [widgets.HBox([self.text, self.unit], layout=widgets.Layout(width="100%")),
                     self.echo]
            box = widgets.Layout(flex_flow="column", width=column)
        else:
            parts = [self.text, self.unit, self.echo]
            box = widgets.Layout(flex_flow="row", align_items="center")
        super().__init__(parts, layout=box)
        self.add_class("cm-number-field")
        self.set_trait("value", value)
        self.error: str | None = None
        self.text.observe(self._typed, names="value")
        self.observe(self._set, names="value")
        self._shown_echo(value)

    @property
    def description(self) -> str:
        return self.text.description

    @property
    def style(self):  # the description width is the text box's
        return self.text.style

    @property
    def disabled(self) -> bool:
        return self.text.disabled

    @disabled.setter
    def disabled(self, off: bool) -> None:
        self.text.disabled = off

    def show_percent(self, percent: bool) -> None:
        """Show and read the same value as a percentage (a fraction) or as a plain number."""
        if percent == self.percent:
            return
        self.percent = percent
        self.unit.value = "%" if percent else ""
        self.unit.layout.display = None if percent else "none"
        self._set({"new": self.value})  # the text and the echo in the new form

    def _shown(self, value: float | None) -> str:
        """A value set by code as the page writes it; a rate by the one rule for rates
        ("-6,7", as "-6,7 %" elsewhere on the page, never "-6,6667")."""
        if value is None:
            return ""
        if self.percent:
            return decimal(value * 100, self.lang, decimals=rate_decimals(value))
        return decimal(value, self.lang, decimals=self.decimals, trim=True)

    def _understood(self, value: float) -> str:
        """What was read from the text, unrounded: "-12,5" typed is "-12,5" understood."""
        if self.percent:
            return decimal(value * 100, self.lang, decimals=4, trim=True)
        return decimal(value, self.lang, decimals=max(self.decimals, 4), trim=True)

    def _shown_echo(self, value: float | None) -> None:
        """A rate set by code is shown rounded as on the rest of the page: nothing was typed,
        so there is nothing to say was understood (the store keeps the unrounded value)."""
        if self.percent:
            self.echo.value = ""
        else:
            self._echo(value)

    def _echo(self, value: float | None) -> None:
        if value is None:
            self.echo.value = ""
            return
        shown = self._understood(value)
        typed = self.text.value.replace("\u00a0", " ").strip().rstrip("%").strip()
        if typed == shown:
            self.echo.value = ""  # "= 20.000" under a field that says 20.000 tells nothing
            return
        shown += ("\u00a0%" if self.lang == "es" else "%") if self.percent else ""
        self.echo.value = (f"<span class='cm-muted'>"
                           f"{html.escape(t('core.number_entry.understood', self.lang, value=shown))}"
                           f"</span>")

    def _typed(self, change) -> None:
        try:
            number = parse_number(change["new"], self.lang, percent_sign=self.percent)
        except NumberEntryError as error:
            self.error = error.message(self.lang)
            self.echo.value = (f"<span class='cm-field-error' style='color:#b00020'>"
                               f"{html.escape(self.error)}</span>")
            return
        self.error = None
        value = number / 100 if self.percent else number
        if value == self.value:
            self._echo(value)  # the same number written another way: show it understood
            return
        self._from_text = True
        try:
            self.value = value
        finally:
            self._from_text = False

    def _set(self, change) -> None:
        """A value set by code (or read from the text): the text and the echo follow it."""
        if not getattr(self, "_from_text", False):
            self.error = None
            with self.hold_trait_notifications():
                self.text.unobserve(self._typed, names="value")
                self.text.value = self._shown(change["new"])
                self.text.observe(self._typed, names="value")
            self._shown_echo(change["new"])
            return
        self._echo(change["new"])
