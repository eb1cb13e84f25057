"""Stage 1 app: objectives with a live SMART check; informants; staff advocacy."""

from __future__ import annotations

import html
import textwrap
from datetime import date
from typing import get_args

import ipywidgets as widgets

from cmtraining.apps.coherence_panel import coherence_panel
from cmtraining.apps.common import StageApp, Status, choice, heading, mark_ready, stage_header
from cmtraining.apps.findings_view import findings_table
from cmtraining.apps.number_field import NumberField
from cmtraining.apps.reader_fields import DateField
from cmtraining.apps.rows import Column, RowsEditor
from cmtraining.core.clock import today as clock_today
from cmtraining.core.findings import Finding
from cmtraining.core.numbers import day as format_day
from cmtraining.evaluation.attainment import starting_point
from cmtraining.i18n import t
from cmtraining.planning.smart import (
    RATES,
    check_smart,
    draft_objective,
    no_suggestion_reason,
    objective_title,
    suggest_target,
)
from cmtraining.runtime.session import Session
from cmtraining.workbook.models import NetworkId, Objective, ObjectiveMetric


def findings_html(findings: list[Finding], lang: str) -> str:
    return findings_table(findings, lang,
                          label=lambda f: t(f"planning.smart.letter.{f.code.split('.')[-1]}", lang))


def _num(value: float, lang: str, metric: str = "followers", decimals: int = 0) -> str:
    """A suggested value at the suggestion's precision (`Suggestion.decimals`), which it is
    already snapped to: rates as the reader's percentage, counts with their grouping.

    The three figures of one suggestion share their decimals ("2,0 % and 27,0 %")."""
    from cmtraining.core.numbers import decimal, percent

    if metric in RATES:
        return percent(value, lang, decimals=max(0, decimals - 2))
    return decimal(value, lang, decimals=decimals)


def card_layout() -> widgets.Layout:
    """The card fits the content column: its border never runs past the page (it reached 1115 px)."""
    return widgets.Layout(border="1px solid #ddd", padding=".6em", margin=".5em 0",
                          width="auto", max_width="100%")


def _line(*children) -> widgets.HBox:
    """Fields side by side that wrap to the next line rather than run past the card."""
    return widgets.HBox(list(children), layout=widgets.Layout(flex_flow="row wrap",
                                                              max_width="100%"))


class ObjectiveCard(widgets.VBox):
    """One objective: its fields, its SMART findings and a suggested target."""

    def __init__(self, app: ObjectivesApp, index: int, objective: Objective):
        self.app, self.index = app, index
        lang, wb = app.lang, app.session.workbook
        off = app.session.preview
        wide = widgets.Layout(width="260px")
        # "Red" and its longest option, "(ninguna en concreto)" / "Canales de WhatsApp", whole
        network_width = widgets.Layout(width="340px", max_width="100%")
        self.metric = widgets.Dropdown(
            options=[(t(f"planning.kpi.{k}", lang), k) for k in get_args(ObjectiveMetric)],
            value=objective.metric,  # wide enough for its longest metric name
            description=t("app.objectives.metric", lang),
            layout=widgets.Layout(width="380px", max_width="100%"),
            disabled=off)
        nets = [(t("app.objectives.any_network", lang), None)] + [
            (t(f"common.network.{n}", lang), n) for n in get_args(NetworkId)]
        self.network = choice(nets, objective.network, layout=network_width,
                              description=t("app.objectives.network", lang), disabled=off)
        self.audience = widgets.Text(value=objective.audience, continuous_update=False,
                                     placeholder=t("app.objectives.audience_placeholder", lang),
                                     description=t("app.objectives.audience", lang), disabled=off,
                                     # the rest of the line: "Menciones de la organización (escucha)"
                                     layout=widgets.Layout(flex="1 1 300px", width="auto",
                                                           min_width="260px", max_width="100%"))
        # typed as the reader writes numbers ("4.000" is four thousand in Spanish), rates
        # as percentages; the store keeps fractions (issue 21.5, 21.6)
        percent = objective.metric in RATES
        self.baseline = NumberField(objective.baseline, lang, percent=percent, layout=wide,
                                    disabled=off, description=t("app.objectives.baseline", lang))
        self.target = NumberField(objective.target, lang, percent=percent, layout=wide,
                                  disabled=off, description=t("app.objectives.target", lang))
        self.target.add_class("cm-target")
        self.deadline = DateField(objective.deadline, lang, disabled=off,
                                  description=t("app.objectives.deadline", lang))
        # a goal is a sentence: shortened at a word, never cut mid-word ("…por mensaje direc")
        goals = [(t("app.objectives.no_goal", lang), None)] + [
            (textwrap.shorten(g.text, 110, placeholder=" …"), g.id) for g in wb.profile.goals]
        self.goal = choice(goals, objective.goal_id, disabled=off,
                           description=t("app.objectives.goal", lang),
                           style={"description_width": "initial"},
                           layout=widgets.Layout(width="auto"))
        self.owner = widgets.Text(value=objective.owner, continuous_update=False, disabled=off,
                                  description=t("app.objectives.owner", lang))
        self._resetting = False
        for w in (self.metric, self.network, self.audience, self.baseline, self.target,
                  self.deadline, self.goal, self.owner):
            inner = w.text if isinstance(w, NumberField) else w
            inner.style.description_width = "initial" if w is self.goal else "110px"
            w.observe(self._changed, names="value")
        self.findings = widgets.HTML()
        self.findings.add_class("cm-smart")
        self.suggestion = widgets.HTML()
        self.accept = widgets.Button(description="", icon="check",
                                     disabled=off)
        self.accept.add_class("cm-accept-suggestion")
        self.accept.on_click(self._accept)
        self.remove_button = remove = widgets.Button(description=t("app.objectives.remove", lang),
                                                     icon="trash", disabled=off)
        remove.on_click(lambda _: app.remove(self.index))
        # named as the report names it ("Followers on Instagram"); redrawn on every change
        self.title = widgets.HTML(self._title_html(objective, lang))
        self.title.add_class("cm-objective-title")
        self.goal.layout.max_width = "100%"
        super().__init__([
            self.title,
            _line(self.metric, self.network, self.audience),
            _line(self.baseline, self.target, self.deadline),
            self.goal,  # a line of its own: the goal's sentence is read whole
            self.owner,
            _line(self.suggestion, self.accept),
            widgets.HTML(f"<b>{html.escape(t('app.objectives.smart_title', lang))}</b>"),
            self.findings, remove,
        ], layout=card_layout())
        self.add_class("cm-objective")
        self.objective = objective
        self.refresh()

    def current(self) -> dict:
        return {**self.objective.model_dump(), "metric": self.metric.value,
                "network": self.network.value, "audience": self.audience.value,
                "baseline": self.baseline.value, "target": self.target.value,
                "deadline": self.deadline.value, "goal_id": self.goal.value,
                "owner": self.owner.value}

    def _changed(self, change) -> None:
        if self._resetting:
            return
        if change["owner"] is self.metric or change["owner"] is self.network:
            self._reset_figures()
        self.app.save(self.index, self.current())
        self.refresh()

    def _reset_figures(self) -> None:
        """A new metric or network: baseline and target from THAT metric's history (21.5)."""
        metric = self.metric.value
        baseline, target = starting_point(self.app.session.workbook, metric, self.network.value,
                                          today=self.app.today, deadline=self.deadline.value)
        self._resetting = True
        try:
            for field, value in ((self.baseline, baseline), (self.target, target)):
                field.show_percent(metric in RATES)  # the "%" beside the field comes and goes
                field.value = None  # redraws the text in the new unit even if the value is equal
                field.value = value
        finally:
            self._resetting = False

    def refresh(self) -> None:
        lang = self.app.lang
        try:
            objective = Objective.model_validate(self.current())
        except Exception:  # the status line already explains a bad value
            return
        self.objective = objective
        self.title.value = self._title_html(objective, lang)
        wb = self.app.session.workbook
        self.findings.value = findings_html(check_smart(objective, wb, today=self.app.today), lang)
        s = suggest_target(objective, wb.metrics, self.app.today)
        self._suggested = s.mid if s else None
        self.accept.layout.display = None if s else "none"
        if s:
            shown = {k: _num(getattr(s, k), lang, objective.metric, s.decimals)
                     for k in ("low", "mid", "high")}
            # a range of one shown value is that value, not "between 28 and 28"
            key = "suggestion" if s.low < s.high else "suggestion_one"
            self.suggestion.value = html.escape(t(
                f"app.objectives.{key}", lang, deadline=format_day(objective.deadline, lang),
                **shown, source=t(f"planning.smart.band.{s.band.source}", lang),
                what=t(f"app.objectives.suggested.{s.mid_kind}", lang)))
            self.accept.description = t("app.objectives.accept", lang, value=shown["mid"])
        else:
            # what to do, and only what applies (a deadline already in the future is not asked for)
            why = no_suggestion_reason(objective, self.app.today, wb.metrics)
            self.suggestion.value = (f"<span class='cm-muted'>"
                                     f"{html.escape(t(f'app.objectives.no_suggestion.{why}', lang))}</span>")

    @staticmethod
    def _title_html(objective: Objective, lang: str) -> str:
        return (f"<h3 style='margin:.2em 0' data-objective='{html.escape(objective.id)}'>"
                f"{html.escape(objective_title(objective, lang))}</h3>")

    def _accept(self, _button) -> None:
        if self._suggested is not None:  # already at the precision the button shows
            self.target.value = self._suggested


class ObjectivesApp(StageApp):
    def __init__(self, session: Session, *, today: date | None = None):
        self.session, self.lang = session, session.lang
        self.today = today or clock_today()
        lang = self.lang
        self.status = Status(lang)
        self.cards = widgets.VBox()
        self.add_button = widgets.Button(description=t("app.objectives.add", lang), icon="plus",
                                         button_style="primary", disabled=session.preview)
        self.add_button.add_class("cm-add-objective")
        self.add_button.on_click(self._add)
        self._render_cards()
        wb = session.workbook
        self.informants = RowsEditor([
            Column("department", "app.objectives.informant_department"),
            Column("person", "app.objectives.informant_person"),
            Column("topics", "app.objectives.informant_topics", kind="list", width="260px"),
            Column("cadence", "app.objectives.informant_cadence", width="140px"),
        ], [i.model_dump() for i in wb.informants], lang,
            lambda rows: self._save_section("informants", rows), disabled=session.preview)
        self.advocates = RowsEditor([
            Column("person", "app.objectives.advocate_person"),
            Column("department", "app.objectives.advocate_department"),
            Column("how", "app.objectives.advocate_how", width="220px"),
            Column("guidelines", "app.objectives.advocate_guidelines", width="260px"),
        ], [a.model_dump() for a in wb.advocates], lang,
            lambda rows: self._save_section("advocates", rows), disabled=session.preview)
        children = stage_header(session, "objectives", "app.objectives.intro", "01-objectives")
        children.append(coherence_panel(self, "objectives"))  # issue 15: coherence
        children += [
            heading("app.objectives.list_title", lang),
            self.cards, self.add_button, self.status,
            heading("app.objectives.informants_title", lang, "app.objectives.informants_help"),
            self.informants,
            heading("app.objectives.advocates_title", lang, "app.objectives.advocates_help"),
            self.advocates,
        ]
        super().__init__(children, layout=widgets.Layout(max_width="1000px"))
        self.add_class("cm-objectives-app")

    def _render_cards(self) -> None:
        objectives = self.session.workbook.objectives
        cards = self.objective_cards = [ObjectiveCard(self, i, o) for i, o in enumerate(objectives)]
        self.cards.children = cards or [widgets.HTML(
            f"<i class='cm-muted'>{html.escape(t('app.objectives.none', self.lang))}</i>")]

    def save(self, index: int, data: dict) -> bool:
        return self.set_item("objectives", index, data)

    def _save_section(self, name: str, rows: list[dict]) -> bool:
        return self.save_section(name, rows)

    def remove(self, index: int) -> None:
        if self.set_item("objectives", index, None):
            self._render_cards()

    def _add(self, _button) -> None:
        draft = draft_objective(self.session.workbook, self.today)
        if self.append_item("objectives", draft.model_dump(mode="json")):
            self._render_cards()


def build_app(session: Session, *, today: date | None = None) -> ObjectivesApp:
    return mark_ready(ObjectivesApp(session, today=today), "01-objectives")
