"""Stage 6 app: KPI dashboard, attainment of the objectives, recommendations, conclusions,
and the competency self-assessment.

The dashboard filters by network and by a range of months; the metrics can
be replaced by a CSV the organization exports (validated line by line, the
workbook unchanged on any problem). Attainment and recommendations are
recomputed after every saved change.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from cmtraining.apps.charts import baseline_png
from cmtraining.apps.coherence_panel import coherence_panel
from cmtraining.apps.common import (
    StageApp,
    Status,
    heading,
    labelled,
    stage_header,
)
from cmtraining.apps.findings_view import findings_list
from cmtraining.apps.listening import table_html
from cmtraining.clock import today as clock_today
from cmtraining.evaluation.baseline import CHART_METRICS
from cmtraining.i18n import t
from cmtraining.session import Session

SUMMARY_SHOWN = ("followers", "posts_per_week", "reach", "engagement_rate_reach",
                 "amplification_rate", "conversation_rate", "audience_growth_rate",
                 "click_through_rate")
RATES = {"engagement_rate_reach", "amplification_rate", "conversation_rate",
         "audience_growth_rate", "click_through_rate"}


def _fmt(value, rate: bool, lang: str) -> str:
    from cmtraining.numbers import decimal, percent

    if rate:  # small rates (amplification, conversation) need a second decimal
        return percent(value, lang, small=True)
    return decimal(value, lang, trim=True)


class EvaluationApp(StageApp):
    def __init__(self, session: Session, *, today=None, defer_chart: bool | None = None):
        from cmtraining.apps.profile import under_voila

        self.session, self.lang = session, session.lang
        self.today = today or clock_today()
        self.defer_chart = under_voila() if defer_chart is None else defer_chart
        lang, wb, off = self.lang, session.workbook, session.preview
        self.status = Status(lang)
        self.upload = widgets.FileUpload(accept=".csv,.tsv,.txt,.xlsx", multiple=False,
                                         description=t("evaluation.app.upload", lang),
                                         disabled=off)
        self.upload.observe(self._on_upload, names="value")
        self.gaps = widgets.HTML()
        self.network = widgets.Dropdown(description=t("evaluation.app.network", lang))
        self.months = widgets.SelectionRangeSlider(options=[("—", None)], index=(0, 0),
                                                   description=t("evaluation.app.months", lang),
                                                   continuous_update=False,
                                                   layout=widgets.Layout(width="520px"))
        self.metric = widgets.Dropdown(
            options=[(t(f"metric.{m}", lang), m) for m in CHART_METRICS], value="followers",
            description=t("evaluation.app.chart", lang))
        for w in (self.network, self.months, self.metric):
            w.observe(lambda _: self._render_dashboard(), names="value")
        self.summary = widgets.HTML()
        self.summary.add_class("cm-kpi-summary")
        self.chart = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.attainment = widgets.HTML()
        self.attainment.add_class("cm-attainment")
        self.recommendations = widgets.HTML()
        self.recommendations.add_class("cm-recommendations")
        ev = wb.evaluation
        self.conclusions = widgets.Textarea(value=ev.conclusions, continuous_update=False,
                                            disabled=off,
                                            layout=widgets.Layout(width="100%", height="6em"))
        self.changes = widgets.Textarea(value="\n".join(ev.changes), continuous_update=False,
                                        disabled=off,
                                        layout=widgets.Layout(width="100%", height="5em"))
        self.conclusions.observe(lambda _: self._save_evaluation(), names="value")
        self.changes.observe(lambda _: self._save_evaluation(), names="value")
        self.report_link = widgets.HTML()

        children = stage_header(session, "evaluation", "evaluation.app.intro", "06-evaluation")
        children.append(coherence_panel(self, "evaluation"))  # issue 15: coherence
        children += [
            heading("evaluation.app.dashboard_title", lang, "evaluation.app.dashboard_help"),
            widgets.HBox([self.upload]), self.gaps,
            widgets.HBox([self.network, self.metric]), self.months, self.summary, self.chart,
            heading("evaluation.app.attainment_title", lang, "evaluation.app.attainment_help"),
            self.attainment,
            heading("evaluation.app.recommendations_title", lang), self.recommendations,
            heading("evaluation.app.conclusions_title", lang),
            labelled(self.conclusions, t("evaluation.app.conclusions", lang)),
            labelled(self.changes, t("evaluation.app.changes", lang),
                     t("evaluation.app.changes_help", lang)),
            self.status,
            heading("evaluation.app.self_title", lang, "evaluation.app.self_help"),
        ]
        from cmtraining.apps.self_assessment import SelfAssessmentPanel

        self.self_assessment = SelfAssessmentPanel(session, defer_chart=self.defer_chart)
        children.append(self.self_assessment)
        super().__init__(children, layout=widgets.Layout(max_width="1000px"))
        self.add_class("cm-evaluation-app")
        self._reset_filters()
        self.refresh()

    # --- dashboard --------------------------------------------------------------

    def _reset_filters(self) -> None:
        metrics = self.session.workbook.metrics
        nets = sorted({m.network for m in metrics})
        self.network.options = [(t("listening.app.all", self.lang), "")] + [
            (t(f"network.{n}", self.lang), n) for n in nets]
        self.network.value = ""
        months = sorted({m.month for m in metrics})
        if months:
            self.months.options = [(f"{t(f'month.{m.month}', self.lang)} {m:%y}", m) for m in months]
            self.months.index = (0, len(months) - 1)
        self.months.disabled = not months

    def _selection(self):
        network = self.network.value or None
        months = None
        if not self.months.disabled and self.months.value and self.months.value[0] is not None:
            months = tuple(self.months.value)
        return network, months

    def _render_dashboard(self) -> None:
        from cmtraining.evaluation.dashboard import kpi_summary, select

        lang, metrics = self.lang, self.session.workbook.metrics
        if not metrics:
            self.summary.value = f"<p class='cm-muted'>{html.escape(t('report.empty.kpis', lang))}</p>"
            self.chart.value = b""
            return
        network, months = self._selection()
        frame = kpi_summary(metrics, network=network, months=months)
        self.summary.value = table_html(
            [[t(f"network.{r['network']}", lang),
              *(_fmt(r[c], c in RATES, lang) for c in SUMMARY_SHOWN)]
             for r in frame.to_dict("records")],
            [t("report.network", lang), *(t(f"evaluation.app.col.{c}", lang) for c in SUMMARY_SHOWN)])
        rows = select(metrics, network=network, months=months)
        metric = self.metric.value
        if self.defer_chart:
            import threading

            threading.Thread(target=self._draw, args=(rows, metric), daemon=True).start()
        else:
            self._draw(rows, metric)

    def _draw(self, rows, metric) -> None:
        self.chart.value = baseline_png(rows, metric, self.lang)

    def _on_upload(self, change) -> None:
        from cmtraining.csvinput import guarded
        from cmtraining.evaluation.metrics_csv import (
            MetricsFileError,
            metrics_gaps,
            read_metrics_csv,
        )

        read = self.read_upload(change, guarded(read_metrics_csv, MetricsFileError))
        if read is None:
            return
        name, rows = read
        data = [r.model_dump() for r in rows]
        if self.apply(lambda wb: {**wb.model_dump(), "metrics": data}):
            self.gaps.value = findings_list(metrics_gaps(rows), self.lang)
            self.status.info(t("evaluation.app.imported", self.lang, count=len(rows), source=name))
            self._reset_filters()
            self.refresh()

    # --- attainment, recommendations, conclusions --------------------------------

    def refresh(self) -> None:
        from cmtraining.evaluation.attainment import attainment_all
        from cmtraining.evaluation.recommendations import recommend
        from cmtraining.planning.smart import objective_title

        lang, wb = self.lang, self.session.workbook
        self._render_dashboard()
        rows = attainment_all(wb, today=self.today)
        titles = {o.id: objective_title(o, lang) for o in wb.objectives}
        if rows:
            self.attainment.value = "<table class='cm-table'>" + "".join(
                f"<tr data-status='{a.status}' data-objective='{html.escape(a.objective_id)}'>"
                f"<td>{html.escape(titles.get(a.objective_id, a.objective_id))}</td>"
                f"<td class='cm-status-{a.status}'><b>{html.escape(t(f'evaluation.status.{a.status}', lang))}</b></td>"
                f"<td style='text-align:left'>{html.escape(a.finding.message(lang))}</td></tr>"
                for a in rows) + "</table>"
        else:
            self.attainment.value = f"<p class='cm-muted'>{html.escape(t('report.empty.objectives', lang))}</p>"
        recs = recommend(wb, today=self.today)
        self.recommendations.value = "<ol>" + "".join(
            f"<li class='cm-finding cm-{r.finding.level}' data-code='{r.code}'>"
            f"{html.escape(r.finding.message(lang))}<br><span class='cm-muted' style='font-size:.9em'>"
            f"{html.escape(r.finding.rule(lang))}</span></li>" for r in recs) + "</ol>"

    def _save_evaluation(self) -> None:
        changes = [line.strip() for line in self.changes.value.splitlines() if line.strip()]

        def edit(wb):
            data = wb.model_dump()
            data["evaluation"]["conclusions"] = self.conclusions.value
            data["evaluation"]["changes"] = changes
            return data
        self.apply(edit)


def build_app(session: Session, *, today=None, defer_chart: bool | None = None) -> EvaluationApp:
    return EvaluationApp(session, today=today, defer_chart=defer_chart)
