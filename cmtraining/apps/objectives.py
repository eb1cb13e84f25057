"""Stage 1 app: objectives with a live SMART check; informants; staff advocacy."""

from __future__ import annotations

import html
from datetime import date, timedelta
from typing import get_args

import ipywidgets as widgets

from cmtraining.apps.coherence_panel import coherence_panel
from cmtraining.apps.common import StageApp, Status, heading, stage_header
from cmtraining.apps.findings_view import findings_table
from cmtraining.apps.rows import Column, RowsEditor
from cmtraining.clock import today as clock_today
from cmtraining.i18n import t
from cmtraining.planning.findings import Finding
from cmtraining.planning.smart import check_smart, history, objective_title, suggest_target
from cmtraining.session import Session
from cmtraining.workbook.models import NetworkId, Objective, ObjectiveMetric
from cmtraining.workspace import slugify


def findings_html(findings: list[Finding], lang: str) -> str:
    return findings_table(findings, lang,
                          label=lambda f: t(f"smart.letter.{f.code.split('.')[-1]}", lang))


def _num(value: float, lang: str) -> str:
    from cmtraining.numbers import decimal

    return decimal(value, lang, decimals=4 if value < 10 else 0, trim=True)


class ObjectiveCard(widgets.VBox):
    """One objective: its fields, its SMART findings and a suggested target."""

    def __init__(self, app: ObjectivesApp, index: int, objective: Objective):
        self.app, self.index = app, index
        lang, wb = app.lang, app.session.workbook
        off = app.session.preview
        wide = widgets.Layout(width="260px")
        self.metric = widgets.Dropdown(
            options=[(t(f"kpi.{k}", lang), k) for k in get_args(ObjectiveMetric)],
            value=objective.metric,
            description=t("objectives.metric", lang), layout=wide, disabled=off)
        nets = [(t("objectives.any_network", lang), None)] + [
            (t(f"network.{n}", lang), n) for n in get_args(NetworkId)]
        self.network = widgets.Dropdown(options=nets, value=objective.network, layout=wide,
                                        description=t("objectives.network", lang), disabled=off)
        self.audience = widgets.Text(value=objective.audience, continuous_update=False,
                                     placeholder=t("objectives.audience_placeholder", lang),
                                     description=t("objectives.audience", lang), disabled=off)
        self.baseline = widgets.FloatText(value=objective.baseline, layout=wide, disabled=off,
                                          description=t("objectives.baseline", lang))
        self.target = widgets.FloatText(value=objective.target, layout=wide, disabled=off,
                                        description=t("objectives.target", lang))
        self.target.add_class("cm-target")
        self.deadline = widgets.DatePicker(value=objective.deadline, disabled=off,
                                           description=t("objectives.deadline", lang))
        goals = [(t("objectives.no_goal", lang), None)] + [
            (g.text[:70], g.id) for g in wb.profile.goals]
        self.goal = widgets.Dropdown(options=goals, disabled=off,
                                     value=objective.goal_id if objective.goal_id in
                                     {g.id for g in wb.profile.goals} else None,
                                     description=t("objectives.goal", lang),
                                     style={"description_width": "initial"},
                                     layout=widgets.Layout(width="560px"))
        self.owner = widgets.Text(value=objective.owner, continuous_update=False, disabled=off,
                                  description=t("objectives.owner", lang))
        for w in (self.metric, self.network, self.audience, self.baseline, self.target,
                  self.deadline, self.goal, self.owner):
            w.style.description_width = "initial" if w is self.goal else "110px"
            w.observe(self._changed, names="value")
        self.findings = widgets.HTML()
        self.findings.add_class("cm-smart")
        self.suggestion = widgets.HTML()
        self.accept = widgets.Button(description=t("objectives.accept", lang), icon="check",
                                     disabled=off)
        self.accept.on_click(self._accept)
        remove = widgets.Button(description=t("objectives.remove", lang), icon="trash",
                                disabled=off)
        remove.on_click(lambda _: app.remove(self.index))
        # named as the report names it ("Followers on Instagram"); redrawn on every change
        self.title = widgets.HTML(self._title_html(objective, lang))
        self.title.add_class("cm-objective-title")
        super().__init__([
            self.title,
            widgets.HBox([self.metric, self.network, self.audience]),
            widgets.HBox([self.baseline, self.target, self.deadline]),
            widgets.HBox([self.goal, self.owner]),
            widgets.HBox([self.suggestion, self.accept]),
            widgets.HTML(f"<b>{html.escape(t('objectives.smart_title', lang))}</b>"),
            self.findings, remove,
        ], layout=widgets.Layout(border="1px solid #ddd", padding=".6em", margin=".5em 0"))
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
        if change["owner"] is self.metric or change["owner"] is self.network:
            values = history(self.app.session.workbook.metrics, self.metric.value, self.network.value)
            if values:  # start from the latest month, as a facilitator would
                self.baseline.value = round(values[-1], 4)
        self.app.save(self.index, self.current())
        self.refresh()

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
            self.suggestion.value = html.escape(t(
                "objectives.suggestion", lang, deadline=objective.deadline.isoformat(),
                low=_num(s.low, lang), mid=_num(s.mid, lang), high=_num(s.high, lang),
                source=t(f"smart.band.{s.band.source}", lang)))
        else:
            self.suggestion.value = f"<span class='cm-muted'>{html.escape(t('objectives.no_suggestion', lang))}</span>"

    @staticmethod
    def _title_html(objective: Objective, lang: str) -> str:
        return (f"<h3 style='margin:.2em 0' data-objective='{html.escape(objective.id)}'>"
                f"{html.escape(objective_title(objective, lang))}</h3>")

    def _accept(self, _button) -> None:
        if self._suggested is not None:
            self.target.value = round(self._suggested, 4 if self._suggested < 10 else 0)


class ObjectivesApp(StageApp):
    def __init__(self, session: Session, *, today: date | None = None):
        self.session, self.lang = session, session.lang
        self.today = today or clock_today()
        lang = self.lang
        self.status = Status(lang)
        self.cards = widgets.VBox()
        self.add_button = widgets.Button(description=t("objectives.add", lang), icon="plus",
                                         button_style="primary", disabled=session.preview)
        self.add_button.add_class("cm-add-objective")
        self.add_button.on_click(self._add)
        self._render_cards()
        wb = session.workbook
        self.informants = RowsEditor([
            Column("department", "objectives.informant_department"),
            Column("person", "objectives.informant_person"),
            Column("topics", "objectives.informant_topics", kind="list", width="260px"),
            Column("cadence", "objectives.informant_cadence", width="140px"),
        ], [i.model_dump() for i in wb.informants], lang,
            lambda rows: self._save_section("informants", rows), disabled=session.preview)
        self.advocates = RowsEditor([
            Column("person", "objectives.advocate_person"),
            Column("department", "objectives.advocate_department"),
            Column("how", "objectives.advocate_how", width="220px"),
            Column("guidelines", "objectives.advocate_guidelines", width="260px"),
        ], [a.model_dump() for a in wb.advocates], lang,
            lambda rows: self._save_section("advocates", rows), disabled=session.preview)
        children = stage_header(session, "objectives", "objectives.intro", "01-objectives")
        children.append(coherence_panel(self, "objectives"))  # issue 15: coherence
        children += [
            heading("objectives.list_title", lang),
            self.cards, self.add_button, self.status,
            heading("objectives.informants_title", lang, "objectives.informants_help"),
            self.informants,
            heading("objectives.advocates_title", lang, "objectives.advocates_help"),
            self.advocates,
        ]
        super().__init__(children, layout=widgets.Layout(max_width="1100px"))
        self.add_class("cm-objectives-app")

    def _render_cards(self) -> None:
        objectives = self.session.workbook.objectives
        cards = [ObjectiveCard(self, i, o) for i, o in enumerate(objectives)]
        self.cards.children = cards or [widgets.HTML(
            f"<i class='cm-muted'>{html.escape(t('objectives.none', self.lang))}</i>")]

    def save(self, index: int, data: dict) -> bool:
        return self.set_item("objectives", index, data)

    def _save_section(self, name: str, rows: list[dict]) -> bool:
        return self.save_section(name, rows)

    def remove(self, index: int) -> None:
        if self.set_item("objectives", index, None):
            self._render_cards()

    def _add(self, _button) -> None:
        wb = self.session.workbook
        network = max(wb.metrics, key=lambda r: r.followers).network if wb.metrics else None
        values = history(wb.metrics, "followers", network)
        taken = {o.id for o in wb.objectives}
        base, n = slugify(f"{network or 'objetivo'}-followers") or "objective", 1
        oid = base
        while oid in taken:
            n += 1
            oid = f"{base}-{n}"
        draft = Objective(id=oid, metric="followers", network=network,
                          baseline=values[-1] if values else 0, target=0,
                          deadline=self.today + timedelta(days=182),
                          goal_id=wb.profile.goals[0].id if wb.profile.goals else None)
        s = suggest_target(draft, wb.metrics, self.today)
        draft = draft.model_copy(update={"target": round(s.mid) if s else draft.baseline + 1})

        if self.append_item("objectives", draft.model_dump(mode="json")):
            self._render_cards()


def build_app(session: Session, *, today: date | None = None) -> ObjectivesApp:
    return ObjectivesApp(session, today=today)
