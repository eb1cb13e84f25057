"""The competency self-assessment: questionnaire, radar charts, development plan.

`SelfAssessmentPanel` is one widget: it can sit inside another stage app
(pass that app or its session) or, with ``header=True``, be the whole page
of `notebooks/07-self-assessment.ipynb` (`build_app`). Every answer is one
locked update of the workbook through `cmtraining.evaluation.competency.record`,
which also keeps the area ratings (`self_assessment`) and the plan in step.

The profile is drawn as two radars, one for the nine personal competencies
and one for the seven areas of the role: sixteen axes on one chart crowd
the labels, and the two sets answer different questions (how I work / what
the job asks of me). Under Voila the radars are drawn in a background thread
(`draw_later`) so the page is built before matplotlib has loaded; the
browser's first state waits for them, so they never arrive half-way.
"""

from __future__ import annotations

import html
import threading

import ipywidgets as widgets

from cmtraining.apps.common import (
    StageApp,
    Status,
    heading,
    link,
    mark_ready,
    session_params,
    stage_header,
)
from cmtraining.apps.drawing import chart_image, draw_later, has_chart
from cmtraining.apps.field_errors import COLUMN, FieldErrorsMixin
from cmtraining.apps.findings_view import findings_list
from cmtraining.core.charts import PALETTE  # noqa: F401  (re-exported)
from cmtraining.core.findings import Number
from cmtraining.evaluation import competency as engine
from cmtraining.evaluation.charts import radar_png
from cmtraining.i18n import t

NOTEBOOK = "07-self-assessment"


class SelfAssessmentPanel(FieldErrorsMixin, StageApp):
    """The questionnaire (saved answer by answer), progress, radars and plan.

    `source` is a `Session` or a stage app that has one (`.session`); the
    panel keeps its own status line. Without a workbook (a preview session)
    every button is disabled: nothing typed would be saved.
    """

    def __init__(self, source, *, header: bool = False, defer_chart: bool | None = None,
                 plan_size: int = 3):
        self.session = getattr(source, "session", source)
        lang = self.lang = self.session.lang
        self.plan_size = plan_size
        self.status = Status(lang)
        self.quest = engine.questionnaire()
        self._syncing = False
        self._draw_lock = threading.Lock()
        if defer_chart is None:
            from cmtraining.apps.profile import under_voila

            defer_chart = under_voila()
        self.defer_chart = defer_chart
        answers = self.session.workbook.competency.answers

        self.questions: dict[str, widgets.ToggleButtons] = {}
        self.accordions: dict[str, widgets.Accordion] = {}
        options = [(t(f"evaluation.competency.scale.{v}", lang), v) for v in engine.SCALE]
        sections = []
        for kind in ("competency", "area"):
            groups = [g for g in self.quest.groups if g.kind == kind]
            boxes = []
            for group in groups:
                rows = []
                for item in group.items:
                    toggle = widgets.ToggleButtons(
                        options=options, value=answers.get(item.id) if answers.get(item.id)
                        in engine.SCALE else None, disabled=self.session.preview,
                        tooltips=[str(v) for v in engine.SCALE],
                        style={"button_width": "180px"})  # "Totalmente de acuerdo" unclipped
                    toggle.add_class(f"cm-item-{item.id}")
                    toggle.observe(self._saver(item.id), names="value")
                    self.questions[item.id] = toggle
                    rows.append(widgets.VBox([widgets.HTML(f"<b>{html.escape(item.text(lang))}</b>"),
                                              toggle], layout=widgets.Layout(margin="0 0 .7em 0")))
                boxes.append(widgets.VBox(rows))
            # the first group open and a line saying to open the others (issue 19.10)
            self.accordions[kind] = widgets.Accordion(children=boxes, selected_index=0)
            sections += [heading(f"evaluation.competency.kind.{kind}", lang),
                         widgets.HTML(f"<span class='cm-muted cm-open-groups'>"
                                      f"{html.escape(t('app.self_assessment.open_groups', lang, count=len(boxes)))}"
                                      "</span>"),
                         self.accordions[kind]]

        self.progress = widgets.IntProgress(min=0, max=len(self.questions), value=0,
                                            layout=widgets.Layout(width="320px"))
        self.progress_label = widgets.HTML()
        self.completed = widgets.HTML()
        # hidden until drawn: an empty Image is a broken-image icon in the browser (issue 19.3)
        self.radars = {kind: chart_image(max_width="49%") for kind in ("competency", "area")}
        for kind, image in self.radars.items():
            image.add_class(f"cm-radar-{kind}")
        self.chart_note = widgets.HTML()
        # two radars reading "sin respuestas" on every axis say less than one line: until the
        # first answer the line is shown and the radars (drawn all the same) are not
        self.radars_box = widgets.HBox(list(self.radars.values()))
        self.plan = widgets.HTML()
        self.plan.add_class("cm-competency-plan")

        children = stage_header(self.session, "self_assessment", "evaluation.competency.intro", NOTEBOOK) \
            if header else []
        children += [
            widgets.HTML(f"<span class='cm-muted'>{html.escape(t('evaluation.competency.scale_help', lang))}</span>"),
            widgets.HBox([self.progress, self.progress_label]), self.completed,
            *sections, self.status,
            heading("evaluation.competency.results", lang, "evaluation.competency.results_help"),
            self.chart_note, self.radars_box,
            heading("evaluation.competency.plan_title", lang, "evaluation.competency.plan_help"), self.plan,
        ]
        super().__init__(children, layout=widgets.Layout(max_width=COLUMN))
        self.add_class("cm-self-assessment")
        self._render_text()
        if defer_chart:
            self.chart_note.value = f"<i class='cm-muted'>{html.escape(t('app.common.loading_chart', lang))}</i>"
        self._schedule_draw()

    # --- saving ---------------------------------------------------------------

    def _saver(self, item_id: str):
        def save(change):
            if self._syncing or self.session.preview:
                return
            if not self.apply(lambda wb: engine.record(wb, {item_id: change["new"]}, lang=self.lang,
                                                       n=self.plan_size)):
                self._sync_toggles()  # show what is really saved

        return save

    def _sync_toggles(self) -> None:
        answers = self.session.workbook.competency.answers
        self._syncing = True
        try:
            for item_id, toggle in self.questions.items():
                value = answers.get(item_id)
                toggle.value = value if value in engine.SCALE else None
        finally:
            self._syncing = False

    def refresh(self) -> None:
        self._render_text()
        self._schedule_draw()

    # --- derived views ------------------------------------------------------------

    def scores(self) -> engine.Scores:
        answers = self.session.workbook.competency.answers
        return engine.score({k: v for k, v in answers.items() if k in self.quest.items}, self.quest)

    def _render_text(self) -> None:
        lang = self.lang
        scores = self.scores()
        self.progress.value = scores.answered
        self.progress_label.value = (
            f"&nbsp;<span class='cm-progress'>"
            f"{html.escape(t('evaluation.competency.progress', lang, answered=scores.answered, total=scores.total))}"
            "</span>")
        for kind, accordion in self.accordions.items():
            groups = [s for s in scores.groups.values() if s.kind == kind]
            accordion.titles = tuple(
                f"{t(f'evaluation.competency.name.{s.group}', lang)} · "
                f"{t('evaluation.competency.group_progress', lang, answered=s.answered, total=s.total)}"
                for s in groups)
        done = self.session.workbook.competency.completed
        self.completed.value = "" if done is None else (
            f"<span class='cm-ok'>✔ {html.escape(t('evaluation.competency.completed', lang, date=_date(done, lang)))}</span>")
        self.plan.value = self.plan_html(scores)

    def plan_html(self, scores: engine.Scores) -> str:
        lang = self.lang
        plan = engine.development_plan(scores, lang, self.plan_size, self.quest)
        if not plan:
            strong = any(s.enough for s in scores.groups.values())
            text = (t("evaluation.competency.plan_strong", lang, strength=Number(engine.STRENGTH).render(lang))
                    if strong else t("evaluation.competency.plan_empty", lang))
            return f"<p class='cm-muted'>{html.escape(text)}</p>"
        params = session_params(self.session)
        parts = []
        for entry in plan:
            actions = []
            for action in entry.actions:
                extra = []
                if action.resource:
                    extra.append(f"{html.escape(t('evaluation.competency.resource', lang))}: "
                                 f"{html.escape(action.resource)}")
                if action.stage:
                    extra.append(_stage_link(action.stage, params, lang))
                note = f"<br><span class='cm-muted'>{' · '.join(extra)}</span>" if extra else ""
                actions.append(f"<li>{html.escape(action.text)}{note}</li>")
            parts.append(f"<div class='cm-plan-entry' data-group='{entry.group}'>"
                         f"<h3>{html.escape(t(f'evaluation.competency.name.{entry.group}', lang))}</h3>"
                         f"{findings_list([entry.finding], lang)}<ul>{''.join(actions)}</ul></div>")
        rule = html.escape(plan[0].finding.rule(lang))
        return "".join(parts) + f"<p class='cm-muted' style='font-size:.9em'>{rule}</p>"

    def _schedule_draw(self) -> None:
        if self.defer_chart:
            draw_later(self._draw, name="cm-competency-radar")
        else:
            self._draw()

    def _draw(self) -> None:
        with self._draw_lock:  # the latest answers win when clicks come fast
            scores = self.scores()
            for colour, (kind, image) in zip(PALETTE, self.radars.items(), strict=False):
                means = scores.competencies if kind == "competency" else scores.areas
                title = t("evaluation.competency.radar_competencies" if kind == "competency"
                          else "evaluation.competency.radar_areas", self.lang)
                png = _drawn(means, title, self.lang, colour)
                if png:
                    image.value = png
            missing = [k for k, image in self.radars.items() if not has_chart(image)]
            self.radars_box.layout.display = None if scores.answered else "none"
            self.chart_note.value = (
                f"<span class='cm-error'>{html.escape(t('app.self_assessment.chart_failed', self.lang))}"
                "</span>" if missing else "" if scores.answered else
                f"<p class='cm-muted cm-no-answers'>"
                f"{html.escape(t('app.self_assessment.no_answers_yet', self.lang))}</p>")


def summary_html(session) -> str:
    """The self-assessment in a few lines, for the evaluation page: progress, each area of the
    role's mean and a link to stage 7, where the statements, radars and plan live (shown
    once, not on two pages)."""
    from cmtraining.apps.tables import table_html
    from cmtraining.core.numbers import decimal

    lang, quest = session.lang, engine.questionnaire()
    answers = session.workbook.competency.answers
    scores = engine.score({k: v for k, v in answers.items() if k in quest.items}, quest)
    progress = t("evaluation.competency.progress", lang, answered=scores.answered, total=scores.total)
    rows = [[t(f"evaluation.competency.name.{area}", lang),
             "—" if mean is None else t("app.evaluation.self_score", lang, score=decimal(mean, lang))]
            for area, mean in scores.areas.items()]
    table = table_html(rows, [t("evaluation.competency.kind.area", lang),
                              t("app.evaluation.self_mean", lang)]) if scores.answered else ""
    target = html.escape(link(NOTEBOOK, session_params(session)))
    go = html.escape(t("app.evaluation.self_link", lang))
    return (f"<div class='cm-self-summary'><p class='cm-progress'>{html.escape(progress)}</p>{table}"
            f"<p><a class='cm-self-link' href='{target}'>{go}</a></p></div>")


def _drawn(means, title: str, lang: str, colour: str, attempts: int = 2) -> bytes:
    """The radar's PNG, or b"" when matplotlib fails twice (the page says so, no broken image)."""
    for _ in range(attempts):
        try:
            return radar_png(means, title, lang, colour)
        except Exception:  # noqa: BLE001  (any failure: try again, then say so on the page)
            continue
    return b""


def _stage_link(key: str, params: dict, lang: str) -> str:
    from cmtraining.core.stages import STAGES

    stage = next(s for s in STAGES if s.key == key)
    name = html.escape(t(f"common.stage.{key}", lang))
    if stage.available():
        name = f"<a href='{html.escape(link(stage.notebook, params))}'>{name}</a>"
    return t("evaluation.competency.in_course", lang, stage=name)


def _date(when, lang: str) -> str:
    from babel.dates import format_date

    return format_date(when.date(), format="long", locale=lang)


def build_app(session, *, defer_chart: bool | None = None) -> SelfAssessmentPanel:
    """The whole page of notebook 07: header, questionnaire, radars and plan."""
    return mark_ready(SelfAssessmentPanel(session, header=True, defer_chart=defer_chart), "07-self-assessment")
