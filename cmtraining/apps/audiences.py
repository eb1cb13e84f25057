"""Stage 2 app: personas, network fit with its reasons, roles, prescribers."""

from __future__ import annotations

import html
from typing import get_args

import ipywidgets as widgets

from cmtraining.apps.check_list import CheckList
from cmtraining.apps.coherence_panel import coherence_panel
from cmtraining.apps.common import StageApp, Status, heading, mark_ready, stage_header
from cmtraining.apps.field_errors import COLUMN, FieldErrorsMixin
from cmtraining.apps.findings_view import findings_list
from cmtraining.apps.rows import Column, RowsEditor
from cmtraining.core.numbers import decimal, keep_figures_with_units, percent, whole
from cmtraining.i18n import t
from cmtraining.planning.audiences import WEIGHTS, check_network_roles, fit_table, persona_templates
from cmtraining.runtime.session import Session
from cmtraining.workbook.models import Format, NetworkId, NetworkRoleId

LIST_FIELDS = ("needs", "questions")
MAX_HOURS = 168.0  # hours in a week: no team has more


class PersonaCard(widgets.VBox):
    def __init__(self, app: AudiencesApp, index: int, persona: dict):
        self.app, self.index = app, index
        lang, off = app.lang, app.session.preview
        self.fields = {
            "name": widgets.Text(value=persona["name"], continuous_update=False),
            "age_range": widgets.Text(value=persona["age_range"], continuous_update=False,
                                      layout=widgets.Layout(width="120px")),
            # beside a 230 px label: the rest of the row, never past the column (issue 19.7)
            "description": widgets.Textarea(value=persona["description"], continuous_update=False,
                                            layout=widgets.Layout(width="auto", flex="1 1 auto")),
            "needs": widgets.Text(value=", ".join(persona["needs"]), continuous_update=False,
                                  layout=widgets.Layout(width="auto", flex="1 1 auto")),
            "questions": widgets.Text(value=", ".join(persona["questions"]),
                                      continuous_update=False,
                                      layout=widgets.Layout(width="auto", flex="1 1 auto")),
            "expectations": widgets.Text(value=persona["expectations"], continuous_update=False,
                                         layout=widgets.Layout(width="auto", flex="1 1 auto")),
        }
        labels = {"name": "persona_name", "age_range": "persona_ages",
                  "description": "persona_description", "needs": "persona_needs",
                  "questions": "persona_questions", "expectations": "persona_expectations"}
        self.networks = CheckList([(t(f"common.network.{n}", lang), n) for n in get_args(NetworkId)],
                                  persona["networks"])
        for w in [*self.fields.values(), self.networks]:
            w.disabled = off
            w.observe(lambda _: self.app.save_persona(self.index, self.current()), names="value")
        self.persona = persona
        remove = widgets.Button(description=t("app.audiences.remove_persona", lang), icon="trash",
                                disabled=off)
        remove.on_click(lambda _: app.remove_persona(self.index))
        # the persona's name, never its internal id (issue 19.4)
        self.title = widgets.HTML(f"<h3 style='margin:.2em 0'>"
                                  f"{html.escape(persona['name'] or persona['id'])}</h3>")
        rows = [self.title]
        for key, widget in self.fields.items():
            rows.append(widgets.HBox([widgets.HTML(
                f"<b>{html.escape(t('app.audiences.' + labels[key], lang))}</b>",
                layout=widgets.Layout(width="230px")), widget]))
        rows.append(widgets.HTML(f"<b>{html.escape(t('app.audiences.persona_networks', lang))}</b>"))
        rows.append(self.networks)
        rows.append(remove)
        super().__init__(rows, layout=widgets.Layout(border="1px solid #ddd", padding=".6em",
                                                     margin=".5em 0"))
        self.add_class("cm-persona")

    def current(self) -> dict:
        data = dict(self.persona)
        for key, widget in self.fields.items():
            value = widget.value
            data[key] = [v.strip() for v in value.split(",") if v.strip()] if key in LIST_FIELDS else value
        data["networks"] = list(self.networks.value)
        return data


class AudiencesApp(FieldErrorsMixin, StageApp):
    def __init__(self, session: Session):
        self.session, self.lang = session, session.lang
        lang, off, wb = self.lang, session.preview, session.workbook
        self.status = Status(lang)
        # resources
        # not bounded: a bounded field clamps -5 to 0 without a word (issue 19.9); read as
        # the reader writes numbers (issue 21.6)
        from cmtraining.apps.number_field import NumberField

        self.hours = NumberField(wb.resources.hours_per_week, lang,
                                 description=t("app.audiences.hours", lang),
                                 style={"description_width": "initial"}, disabled=off,
                                 layout=widgets.Layout(width="300px"))
        self.hours.add_class("cm-hours")
        self.hours_status = Status(lang)
        self.hours_status.add_class("cm-hours-status")
        self.formats = CheckList([(t(f"common.format.{f}", lang), f) for f in get_args(Format)],
                                 wb.resources.formats, disabled=off, width="150px")
        for w in [self.hours, self.formats]:
            w.observe(lambda _: self._save_resources(), names="value")
        # personas
        templates = persona_templates(wb.profile.kind, lang)
        self.template = widgets.Dropdown(options=[(p.name, p.id) for p in templates],
                                         disabled=off or not templates)
        self.add_template = widgets.Button(description=t("app.audiences.add_template", lang),
                                           icon="plus", disabled=off or not templates)
        self.add_template.add_class("cm-add-persona")
        self.add_template.on_click(self._on_add_template)
        self.personas = widgets.VBox()
        self.fit = widgets.HTML()
        self.fit.add_class("cm-fit")
        self.checks = widgets.HTML()
        self.checks.add_class("cm-network-checks")
        self.roles_status = Status(lang)
        self.roles_status.add_class("cm-roles-status")
        self.roles = RowsEditor(self._role_columns(), [r.model_dump() for r in wb.networks], lang,
                                lambda rows: self._save_section("networks", rows,
                                                                self.roles_status),
                                disabled=off)
        self.roles.add_class("cm-roles")
        self.prescribers_status = Status(lang)
        self.prescribers = RowsEditor([
            Column("kind", "app.audiences.prescriber_kind", kind="choice", default="prescriber",
                   width="260px", options=tuple((t(f"planning.prescribers.kind.{k}", lang), k)
                                                for k in ("prescriber", "energizer"))),
            Column("network", "app.audiences.prescriber_network", kind="choice", default="instagram",
                   options=tuple((t(f"common.network.{n}", lang), n) for n in get_args(NetworkId))),
            Column("who", "app.audiences.prescriber_who", default=t("app.objectives.new_row", lang),
                   width="160px"),
            Column("where_to_find", "app.audiences.prescriber_where", width="240px"),
        ], [p.model_dump() for p in wb.prescribers], lang,
            lambda rows: self._save_section("prescribers", rows, self.prescribers_status),
            disabled=off)
        self.tips = widgets.HTML()
        self._render_personas()
        self.refresh()

        def h2(key, help_key=None):
            return heading(key, lang, help_key)

        super().__init__([
            *stage_header(session, "audiences", "app.audiences.intro", "02-audiences-networks"),
            coherence_panel(self, "audiences"),  # issue 15: coherence
            h2("app.audiences.resources_title"), widgets.HBox([self.hours, self.hours_status]),
            widgets.HTML(f"<b>{html.escape(t('app.audiences.formats', lang))}</b>"),
            self.formats,
            h2("app.audiences.personas_title"), self.personas,
            widgets.HBox([self.template, self.add_template]), self.status,
            h2("app.audiences.fit_title", "app.audiences.fit_help"), self.fit,
            h2("app.audiences.roles_title", "app.audiences.roles_help"), self.roles, self.roles_status,
            h2("app.audiences.checks_title"), self.checks,
            h2("app.audiences.prescribers_title", "app.audiences.prescribers_help"), self.prescribers,
            self.prescribers_status,
            self.tips,
        ], layout=widgets.Layout(max_width=COLUMN))
        self.add_class("cm-audiences-app")

    # --- saving -------------------------------------------------------------------

    def _role_columns(self) -> list[Column]:
        """The roles table; its audiences column lists the personas by name (issue 21.9)."""
        lang, wb = self.lang, self.session.workbook
        personas = tuple((p.name or p.id, p.id) for p in wb.audiences)
        return [
            Column("network", "app.audiences.role_network", kind="choice", default="instagram",
                   options=tuple((t(f"common.network.{n}", lang), n) for n in get_args(NetworkId))),
            Column("role", "app.audiences.role_role", kind="choice", default="community", width="230px",
                   options=tuple((t(f"common.role.{r}", lang), r) for r in get_args(NetworkRoleId))),
            Column("personas", "app.audiences.screen.role_personas", kind="multi", width="260px",
                   options=personas),
            Column("hours_per_week", "app.audiences.role_hours", kind="number", default=0.0,
                   width="110px"),
        ]

    def _save_section(self, name: str, rows: list[dict], status=None) -> bool:
        return self.apply(lambda wb: {**wb.model_dump(), name: rows}, status)

    def _save_resources(self) -> None:
        hours = self.hours.value
        if hours < 0 or hours > MAX_HOURS:  # refused at the field, never clamped in silence
            key = "hours_negative" if hours < 0 else "hours_too_many"
            self.hours_status.value = (
                "<span class='cm-error'>✖ " + html.escape(t(
                    f"app.audiences.screen.{key}", self.lang, value=decimal(hours, self.lang, trim=True),
                    max=decimal(MAX_HOURS, self.lang, trim=True))) + "</span>")
            return
        formats = list(self.formats.value)
        self.apply(lambda wb: {**wb.model_dump(), "resources": {
            "hours_per_week": hours, "formats": formats}}, self.hours_status)

    def save_persona(self, index: int, data: dict) -> None:
        self.set_item("audiences", index, data)

    def remove_persona(self, index: int) -> None:
        if self.set_item("audiences", index, None):
            self._render_personas()

    def _on_add_template(self, _button) -> None:
        wb = self.session.workbook
        template = next(p for p in persona_templates(wb.profile.kind, self.lang)
                        if p.id == self.template.value)
        taken = {p.id for p in wb.audiences}
        pid, n = template.id, 1
        while pid in taken:
            n += 1
            pid = f"{template.id}-{n}"
        if self.append_item("audiences", template.model_copy(update={"id": pid}).model_dump()):
            self._render_personas()

    # --- display --------------------------------------------------------------------

    def _render_personas(self) -> None:
        personas = [p.model_dump() for p in self.session.workbook.audiences]
        self.persona_cards = [PersonaCard(self, i, p) for i, p in enumerate(personas)]
        self.personas.children = self.persona_cards or [
            widgets.HTML(f"<i class='cm-muted'>{html.escape(t('app.audiences.personas_none', self.lang))}</i>")]

    def refresh(self) -> None:
        lang, wb = self.lang, self.session.workbook
        self.fit.value = fit_html(wb, lang)
        findings = check_network_roles(wb)
        self.checks.value = findings_list(findings, lang) if findings else (
            f"<p class='cm-muted cm-checks-empty'>"
            f"{html.escape(t('app.audiences.screen.checks_empty', lang))}</p>")
        if hasattr(self, "roles"):  # persona names changed: the audiences column follows
            columns = self._role_columns()
            if columns[2].options != self.roles.columns[2].options:
                self.roles.set_columns(columns)
        nets = sorted({r.network for r in wb.networks} | {p.network for p in wb.prescribers})
        self.tips.value = "".join(
            f"<p><b>{html.escape(t(f'common.network.{n}', lang))}</b>: "
            f"{html.escape(t(f'planning.prescribers.where.{n}', lang))}</p>" for n in nets)


def fit_html(wb, lang: str) -> str:
    fits = fit_table(wb)
    if not fits:
        return f"<i class='cm-muted'>{html.escape(t('app.audiences.fit_none', lang))}</i>"
    names = {p.id: p.name for p in wb.audiences}
    weights = ", ".join(f"{t(f'planning.fit.component.{name}', lang).lower()} {percent(w, lang, decimals=0)}"
                        for name, w in sorted(WEIGHTS.items(), key=lambda kv: -kv[1]))
    blocks = [f"<p class='cm-muted cm-fit-weights'>"
              f"{html.escape(t('app.audiences.fit_weights', lang, weights=weights))}</p>"]
    for persona in wb.audiences:
        mine = [f for f in fits if f.persona == persona.id]
        head = "".join(f"<th>{html.escape(t(f'planning.fit.component.{c.name}', lang))}</th>"
                       for c in mine[0].components)
        rows = []
        for fit in mine:
            shown = [whole(c.score * 100) for c in fit.components]
            # the total as the weighted sum of the components as shown, so a reader who
            # redoes it with the stated weights gets the same figure (52 beside 41 was 51.4)
            score = whole(sum(v * c.weight for v, c in zip(shown, fit.components, strict=True)))
            bar = (f"<div style='background:#e8eaed;width:90px;height:10px'><div style='background:"
                   f"#0072B2;width:{score * 0.9:.0f}px;height:10px'></div></div>")
            cells = "".join(
                f"<td><b>{v}</b>"
                f"<div class='cm-muted' style='font-size:.85em'>"
                f"{html.escape(keep_figures_with_units(c.explain(lang)))}</div></td>"
                for v, c in zip(shown, fit.components, strict=True))
            rows.append(f"<tr data-network='{fit.network}'><td>{html.escape(t(f'common.network.{fit.network}', lang))}</td>"
                        f"<td><b class='cm-fit-score'>{score}</b>{bar}</td>{cells}</tr>")
        blocks.append(
            f"<h3>{html.escape(names[persona.id])}</h3><table class='cm-table'>"
            f"<tr><th>{html.escape(t('app.audiences.role_network', lang))}</th>"
            f"<th>{html.escape(t('app.audiences.fit_score', lang))}</th>{head}</tr>{''.join(rows)}</table>")
    return "".join(blocks)


def build_app(session: Session) -> AudiencesApp:
    return mark_ready(AudiencesApp(session), "02-audiences-networks")
