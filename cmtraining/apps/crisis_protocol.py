"""Stage 5, first half: the crisis protocol editor, checked for gaps as it is edited.

Levels, triggers and contacts are tables (`crisis.protocol_rows` maps the
protocol to rows and back); the approval chain, channels and dark-site plan
are fields. An empty protocol can start from a default drawn from the
workbook; a preview shows that default, read-only and never saved.
"""

from __future__ import annotations

import html
from typing import get_args

import ipywidgets as widgets

from cmtraining.apps.check_list import CheckList
from cmtraining.apps.common import labelled
from cmtraining.apps.findings_view import findings_list
from cmtraining.apps.rows import Column, RowsEditor
from cmtraining.crisis import protocol_rows
from cmtraining.crisis.protocol import channel_label
from cmtraining.i18n import t
from cmtraining.workbook.sections_crisis import CrisisChannel, TriggerKind

#: the protocol's checks about its contacts, shown with the contacts rather than at the top
CONTACT_CHECKS = ("legal", "after_hours", "people")


class ProtocolEditor(widgets.VBox):
    """Edits the workbook's crisis protocol through `app` (a StageApp: `apply`, `session`)."""

    def __init__(self, app):
        super().__init__()
        self.app, self.session, self.lang = app, app.session, app.lang
        lang, off = self.lang, self.session.preview
        self.add_class("cm-protocol")
        self.checks = widgets.HTML()
        self.checks.add_class("cm-protocol-checks")
        self.contact_checks = widgets.HTML()
        self.contact_checks.add_class("cm-contact-checks")
        self.default_button = widgets.Button(description=t("app.crisis.default_protocol", lang),
                                             icon="magic", disabled=off)
        self.default_button.on_click(self._on_default)
        # a preview has nothing to save: it shows the default protocol, to look at
        example = off and not self.session.workbook.crisis_protocol.levels
        self.example_note = widgets.HTML(
            f"<p class='cm-muted'>{html.escape(t('app.crisis.example_shown', lang))}</p>"
            if example else "")
        if example:
            self.default_button.layout.display = "none"
        self.levels = widgets.VBox()
        self.triggers = widgets.VBox()
        self.contacts = widgets.VBox()
        self.plan = widgets.VBox()
        self._render_editors()
        self.children = [self.default_button, self.example_note, self.checks, self.levels,
                         self.triggers, self.contacts, self.plan]

    def refresh(self) -> None:
        from cmtraining.crisis.protocol import check_protocol

        protocol = self.shown_protocol()
        found = check_protocol(protocol, self.lang,
                               org_language=self.session.workbook.profile.language)
        gaps = [f for f in found if f.level != "ok"]
        # a gap in the contacts is told above the contacts, where it is mended (sweep 4)
        about_contacts = [f for f in gaps if f.code.rsplit(".", 1)[-1] in CONTACT_CHECKS]
        rest = [f for f in gaps if f not in about_contacts]
        self.checks.value = findings_list(rest or found[:1], self.lang)
        self.contact_checks.value = (findings_list(about_contacts, self.lang)
                                     if about_contacts else "")

    def shown_protocol(self):
        """The workbook's protocol; in an empty preview, the default one (never saved)."""
        from cmtraining.crisis.protocol import default_protocol

        wb = self.session.workbook
        if self.session.preview and not wb.crisis_protocol.levels:
            return default_protocol(wb, self.lang)
        return wb.crisis_protocol

    def _render_editors(self) -> None:
        lang, protocol, off = self.lang, self.shown_protocol(), self.session.preview
        self.level_rows = RowsEditor([
            Column("level", "app.crisis.col.level", kind="number", default=1.0, width="70px"),
            Column("name", "app.crisis.col.name", width="150px"),
            Column("owner", "app.crisis.col.owner", width="150px"),
            Column("monitor_minutes", "app.crisis.col.monitor", kind="number", default=60.0,
                   width="100px"),
            # holding statements are paragraphs: text areas, not 190 px one-liners (issue 19.7)
            Column("statement_es", "app.crisis.col.statement_es", kind="textarea", width="440px"),
            Column("statement_en", "app.crisis.col.statement_en", kind="textarea", width="440px"),
        ], protocol_rows.level_rows(protocol), lang, self._save_levels, disabled=off)
        yes_no = ((t("response.yes", lang), True), (t("response.no", lang), False))
        self.contact_rows = RowsEditor([
            Column("role", "app.crisis.col.role", width="150px"),
            Column("name", "app.crisis.col.person", width="150px"),
            # "Teléfono y el grupo de chat de crisis" read whole
            Column("reach_by", "app.crisis.col.reach_by", width="280px"),
            Column("after_hours", "app.crisis.col.after_hours", kind="choice", options=yes_no,
                   default=False, width="110px"),
            Column("legal", "app.crisis.col.legal", kind="choice", options=yes_no, default=False,
                   width="90px"),
        ], protocol_rows.contact_rows(protocol), lang, self._save_contacts, disabled=off)
        self.levels.children = [
            widgets.HTML(f"<h3>{html.escape(t('app.crisis.levels', lang))}</h3>"), self.level_rows]
        self.trigger_rows = RowsEditor([
            Column("level", "app.crisis.col.level", kind="number", default=1.0, width="70px"),
            Column("kind", "app.crisis.col.trigger", kind="choice", width="260px",
                   options=tuple((t(f"crisis.trigger.{k}", lang), k)
                                 for k in get_args(TriggerKind)),
                   default="media_enquiry"),
            # net sentiment as a percentage, as everywhere else: "-10 %", typed "-10" (19)
            Column("threshold", "app.crisis.col.threshold", kind="number", default=0.0,
                   width="110px", percent=protocol_rows.percent_threshold,
                   applies=protocol_rows.has_threshold),
            Column("note", "app.crisis.col.note", width="240px"),
        ], protocol_rows.trigger_rows(protocol), lang, self._save_triggers, disabled=off)
        self.triggers.children = [
            widgets.HTML(f"<h3>{html.escape(t('app.crisis.triggers', lang))}</h3>"
                         f"<span class='cm-muted'>"
                         f"{html.escape(t('app.crisis.triggers_help', lang))}</span>"),
            self.trigger_rows]
        self.approval = widgets.Text(value=", ".join(protocol.approval_chain),
                                     continuous_update=False, disabled=off,
                                     layout=widgets.Layout(width="auto"))
        self.channels = CheckList([(channel_label(c, lang), c) for c in get_args(CrisisChannel)],
                                  protocol.channels, disabled=off)
        self.dark_site = widgets.Textarea(value=protocol.dark_site_plan, continuous_update=False,
                                          disabled=off,
                                          layout=widgets.Layout(width="auto", height="4em"))
        for w in (self.approval, self.channels, self.dark_site):
            w.observe(lambda _: self._save_plan(), names="value")
        self.plan.children = [
            labelled(self.approval, t("app.crisis.approval", lang),
                     t("app.crisis.approval_help", lang)),
            labelled(self.channels, t("app.crisis.channels", lang)),
            labelled(self.dark_site, t("app.crisis.dark_site", lang),
                     t("app.crisis.dark_site_help", lang))]
        self.contacts.children = [
            widgets.HTML(f"<h3>{html.escape(t('app.crisis.contacts', lang))}</h3>"),
            self.contact_checks, self.contact_rows]

    def _edit_protocol(self, fields) -> bool:
        """Save the protocol fields `fields(current protocol)` returns, in one locked update."""
        def edit(wb):
            data = wb.model_dump()
            data["crisis_protocol"].update(fields(wb.crisis_protocol))
            return data
        return self.app.apply(edit)

    def _save_levels(self, rows: list[dict]) -> bool:
        return self._edit_protocol(
            lambda protocol: {"levels": protocol_rows.levels_from_rows(rows, protocol)})

    def _save_triggers(self, rows: list[dict]) -> bool:
        by_level = protocol_rows.triggers_by_level(rows)

        def edit(wb):
            data = wb.model_dump()
            for level in data["crisis_protocol"]["levels"]:
                level["triggers"] = by_level.get(level["level"], [])
            return data
        return self.app.apply(edit)

    def _save_plan(self) -> bool:
        plan = {"approval_chain": protocol_rows.approval_chain(self.approval.value),
                "channels": list(self.channels.value), "dark_site_plan": self.dark_site.value}
        return self._edit_protocol(lambda _protocol: plan)

    def _save_contacts(self, rows: list[dict]) -> bool:
        return self._edit_protocol(
            lambda protocol: {"contacts": protocol_rows.contacts_from_rows(rows, protocol)})

    def _on_default(self, _button) -> None:
        from cmtraining.crisis.protocol import default_protocol

        def edit(wb):
            data = wb.model_dump()
            data["crisis_protocol"] = default_protocol(wb, wb.lang).model_dump()  # its language
            return data
        if self.app.apply(edit):
            self._render_editors()
