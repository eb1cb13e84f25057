"""The response playbook editor: rules per category, service hours, escalation."""

from __future__ import annotations

import html
from typing import get_args

import ipywidgets as widgets

from cmtraining.apps.common import labelled
from cmtraining.apps.rows import Column, RowsEditor
from cmtraining.core.numbers import clock
from cmtraining.i18n import LANGS, t
from cmtraining.response.playbook import (
    BLANKS,
    blank,
    escalation_from_rows,
    escalation_rows,
    rule_rows,
    rules_from_rows,
    service_hours_from,
)
from cmtraining.workbook.base import MessageCategory
from cmtraining.workbook.sections_response import EscalationTrigger


def template_slots(lang: str) -> widgets.HTML:
    """What each {blank} of a template is replaced with (issue 19, sweep 2): shown under
    the templates and beside the reply they are inserted into."""
    other = next(x for x in LANGS if x != lang)  # the playbook has both languages' templates

    def named(slot: str) -> str:
        mine, theirs = blank(slot, lang), blank(slot, other)
        text = f"<code>{html.escape(mine)}</code>"
        if theirs != mine:  # sweep 6: {name} in the English templates was explained nowhere
            code = f"<code>{html.escape(theirs)}</code>"
            text += " " + html.escape(t("response.pb.slot_in_other", lang, blank="\0")).replace(
                "\0", code)
        return text
    items = "".join(f"<li>{named(slot)}: {html.escape(t(f'response.pb.slots.{slot}', lang))}</li>"
                    for slot in BLANKS)
    legend = widgets.HTML(f"<div class='cm-muted'><b>{html.escape(t('response.pb.slots_title', lang))}</b>"
                          f"<ul style='margin:.2em 0'>{items}</ul></div>")
    legend.add_class("cm-template-slots")
    return legend


class PlaybookEditor(widgets.VBox):
    """Edits the workbook's playbook; an empty one can start from the example playbook.

    A preview (a sample organization, nothing saved) shows the example
    playbook read-only, so a trainee sees what a filled one looks like.
    """

    def __init__(self, app, wb, lang: str, *, disabled: bool):
        super().__init__()
        self.app, self.lang, self.disabled = app, lang, disabled
        self.add_class("cm-playbook")
        self.start_example = widgets.Button(description=t("response.pb.use_example", lang),
                                            icon="magic", disabled=disabled,
                                            layout=widgets.Layout(flex="0 0 auto"))  # unclipped
        self.start_example.add_class("cm-playbook-example")
        self.start_example.on_click(self._on_example)
        self._build(wb)

    def _on_example(self, _button) -> None:
        from cmtraining.response.playbook import default_playbook

        if self.app.apply(lambda wb: {**wb.model_dump(), "response_playbook": default_playbook(wb)}):
            self._build(self.app.session.workbook)

    def _build(self, wb) -> None:
        from cmtraining.response.playbook import default_playbook
        from cmtraining.workbook.sections_response import ResponsePlaybook

        lang, disabled = self.lang, self.disabled
        pb = wb.response_playbook
        intro = []  # `self.intro`: the example's note or its start button, or None
        if not pb.rules:
            if disabled:  # a preview: show the example, read-only
                pb = ResponsePlaybook.model_validate(default_playbook(wb))
                intro = [widgets.HTML(f"<p class='cm-muted'>{html.escape(t('response.pb.example_shown', lang))}</p>")]
            else:
                intro = [widgets.HBox([self.start_example, widgets.HTML(
                    f"<span class='cm-muted'>{html.escape(t('response.pb.example_help', lang))}</span>")])]
        yes_no = ((t("response.yes", lang), True), (t("response.no", lang), False))
        self.rules = RowsEditor([
            Column("category", "response.pb.category", kind="choice", width="150px",
                   options=tuple((t(f"response.triage.category.{c}", lang), c) for c in get_args(MessageCategory)),
                   default="question"),
            Column("department", "response.pb.department", width="150px"),
            Column("max_hours", "response.pb.max_hours", kind="number", default=1.0, width="90px"),
            # templates are paragraphs: text areas on their own line (issue 19.7)
            Column("template_es", "response.pb.template_es", kind="textarea", width="440px"),
            Column("template_en", "response.pb.template_en", kind="textarea", width="440px"),
            Column("escalate", "response.pb.escalate", kind="choice", options=yes_no,
                   default=False, width="80px"),
        ], rule_rows(pb), lang, self._save_rules, disabled=disabled)
        hours = pb.service_hours
        self.days = widgets.SelectMultiple(
            options=[(t(f"response.weekday.{d}", lang), d) for d in range(7)], value=tuple(hours.days),
            rows=7, disabled=disabled, layout=widgets.Layout(width="160px"))
        # each reader's clock ("9:00" / "9:00 AM"); typed either way, stored as HH:MM
        self.start = widgets.Text(value=clock(hours.start, lang), continuous_update=False,
                                  disabled=disabled, layout=widgets.Layout(width="90px"))
        self.end = widgets.Text(value=clock(hours.end, lang), continuous_update=False,
                                disabled=disabled, layout=widgets.Layout(width="90px"))
        self.after = {code: widgets.Text(value=hours.after_hours.get(code, ""), continuous_update=False,
                                         disabled=disabled, layout=widgets.Layout(width="auto"))
                      for code in ("es", "en")}
        for w in (self.days, self.start, self.end, *self.after.values()):
            w.observe(lambda _: self._save_hours(), names="value")
        self.escalation = RowsEditor([
            Column("trigger", "response.pb.trigger", kind="choice", width="170px",
                   options=tuple((t(f"response.trigger.{k}", lang), k) for k in get_args(EscalationTrigger)),
                   default="crisis_signal"),
            Column("to", "response.pb.to", width="200px", default=t("response.pb.to_default", lang)),
            Column("within_minutes", "response.pb.within", kind="number", default=60.0, width="110px"),
            Column("threshold", "response.pb.threshold", kind="number", default=0.0, width="110px"),
        ], escalation_rows(pb), lang,
            self._save_escalation, disabled=disabled)
        self.escalation.add_class("cm-escalation")
        self.rules.add_class("cm-playbook-rules")
        self.intro = intro[0] if intro else None
        self.children = [
            *intro,
            template_slots(lang),  # read before the templates it explains
            self.rules,
            widgets.HTML(f"<h3>{html.escape(t('response.pb.hours_title', lang))}</h3>"),
            widgets.HBox([labelled(self.days, t("response.pb.days", lang)),
                          labelled(self.start, t("response.pb.start", lang)),
                          labelled(self.end, t("response.pb.end", lang))]),
            labelled(self.after["es"], t("response.pb.after_es", lang)),
            labelled(self.after["en"], t("response.pb.after_en", lang)),
            widgets.HTML(f"<h3>{html.escape(t('response.pb.escalation_title', lang))}</h3>"),
            self.escalation,
        ]

    def _edit(self, key: str, value) -> bool:
        def change(wb):
            data = wb.model_dump()
            data["response_playbook"][key] = value
            return data
        return self.app.apply(change)

    def _save_rules(self, rows: list[dict]) -> bool:
        return self._edit("rules", rules_from_rows(rows))

    def _save_hours(self) -> bool:
        return self._edit("service_hours", service_hours_from(
            self.days.value, self.start.value, self.end.value,
            {k: w.value for k, w in self.after.items()}))

    def _save_escalation(self, rows: list[dict]) -> bool:
        return self._edit("escalation", escalation_from_rows(rows))
