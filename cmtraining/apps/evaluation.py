"""Stage 6 app: KPI dashboard, attainment of the objectives, recommendations, conclusions,
and a summary of the competency self-assessment (its areas' means and a link to stage 7,
where the statements, radars and plan are: the trainee answers them once, in one place).

The dashboard filters by network and by a range of months; the metrics can
be replaced by a CSV the organization exports (validated line by line, the
workbook unchanged on any problem). Attainment and recommendations are
recomputed after every saved change.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from cmtraining.apps.coherence_panel import coherence_panel
from cmtraining.apps.common import (
    StageApp,
    Status,
    heading,
    labelled,
    mark_ready,
    stage_header,
    upload_button,
)
from cmtraining.apps.drawing import chart_image, draw_later
from cmtraining.apps.findings_view import findings_list
from cmtraining.apps.tables import table_html
from cmtraining.core.clock import today as clock_today
from cmtraining.core.numbers import month as month_text
from cmtraining.evaluation.charts import baseline_png
from cmtraining.i18n import t
from cmtraining.metrics.baseline import CHART_METRICS
from cmtraining.runtime.session import Session

SUMMARY_SHOWN = ("followers", "posts_per_week", "reach", "engagement_rate_reach",
                 "amplification_rate", "conversation_rate", "audience_growth_rate",
                 "click_through_rate")
RATES = {"engagement_rate_reach", "amplification_rate", "conversation_rate",
         "audience_growth_rate", "click_through_rate"}


def _fmt(value, column: str, lang: str, decimals: int | None = None) -> str:
    """One rule per quantity (issue 21.8): rates to two significant figures (one number
    of decimals for a whole column: `decimals`), growth with one decimal."""
    from cmtraining.core.numbers import decimal, growth_rate, rate

    if column == "audience_growth_rate":
        return growth_rate(value, lang)
    if column in RATES:
        return rate(value, lang, decimals=decimals)
    return decimal(value, lang, trim=True)


def _column_decimals(records: list[dict]) -> dict[str, int]:
    from cmtraining.core.numbers import column_rate_decimals

    return {c: column_rate_decimals([r[c] for r in records]) for c in RATES}


def formulas_html(columns, name, lang: str) -> str:
    """The table's ratios, each with its rule, as a muted legend under it."""
    from cmtraining.evaluation.dashboard import kpi_formulas

    items = "; ".join(f"<b>{html.escape(name(c))}</b>: {html.escape(rule)}"
                      for c, rule in kpi_formulas(columns, lang))
    return f"<p class='cm-muted cm-kpi-formulas' style='font-size:.85em'>{items}.</p>" if items else ""


def csv_guide(lang: str) -> widgets.HTML:
    """The metrics file's columns in the reader's words, each with the header to type as code."""
    from cmtraining.evaluation.metrics_csv import column_guide

    other = "en" if lang == "es" else "es"
    items = "".join(f"<li><code>{html.escape(header)}</code>: {html.escape(what)}</li>"
                    for header, what in column_guide(lang))
    more = t("app.evaluation.csv_more", lang,
             other=", ".join(header for header, _ in column_guide(other)))
    guide = widgets.HTML(f"<ul class='cm-muted' style='margin:.2em 0;columns:2'>{items}</ul>"
                         f"<span class='cm-muted'>{html.escape(more)}</span>")
    guide.add_class("cm-csv-guide")
    return guide


class EvaluationApp(StageApp):
    def __init__(self, session: Session, *, today=None, defer_chart: bool | None = None):
        from cmtraining.apps.profile import under_voila

        self.session, self.lang = session, session.lang
        self.today = today or clock_today()
        self.defer_chart = under_voila() if defer_chart is None else defer_chart
        lang, wb, off = self.lang, session.workbook, session.preview
        self.status = Status(lang)
        self.upload = upload_button(t("app.evaluation.upload", lang),
                                    accept=".csv,.tsv,.txt,.xlsx", disabled=off)
        self.upload.observe(self._on_upload, names="value")
        self.gaps = widgets.HTML()
        self.network = widgets.Dropdown(description=t("app.evaluation.network", lang))
        self.months = widgets.SelectionRangeSlider(options=[("—", None)], index=(0, 0),
                                                   description=t("app.evaluation.months", lang),
                                                   continuous_update=False, readout=False,
                                                   layout=widgets.Layout(width="420px"))
        # the slider's own readout runs "ago 2026-oct 2026" into its handle: the range is
        # written beside it as everywhere else ("ago 2026 – oct 2026")
        # with room from the slider's right handle (the sweep saw it 4-7 px away)
        self.months_shown = widgets.HTML(layout=widgets.Layout(margin="0 0 0 18px"))
        self.months_shown.add_class("cm-months-shown")
        self.metric = widgets.Dropdown(
            options=[(t(f"common.metric.{m}", lang), m) for m in CHART_METRICS], value="followers",
            description=t("app.evaluation.chart", lang))
        for w in (self.network, self.months, self.metric):
            w.observe(lambda _: self._render_dashboard(), names="value")
        self.summary = widgets.HTML()
        self.summary.add_class("cm-kpi-summary")
        self.period = widgets.HTML()  # the table's period and the recommendations' (21.8)
        self.period.add_class("cm-kpi-period")
        self.rec_period = widgets.HTML()
        self.rec_period.add_class("cm-rec-period")
        self.chart = chart_image()
        self.attainment = widgets.HTML()
        self.attainment.add_class("cm-attainment")
        self.recommendations = widgets.HTML()
        self.recommendations.add_class("cm-recommendations")
        ev = wb.evaluation
        self.conclusions = widgets.Textarea(value=ev.conclusions, continuous_update=False,
                                            disabled=off,
                                            layout=widgets.Layout(width="auto", height="6em"))
        self.changes = widgets.Textarea(value="\n".join(ev.changes), continuous_update=False,
                                        disabled=off,
                                        layout=widgets.Layout(width="auto", height="5em"))
        self.conclusions.observe(lambda _: self._save_evaluation(), names="value")
        self.changes.observe(lambda _: self._save_evaluation(), names="value")
        self.report_link = widgets.HTML()

        children = stage_header(session, "evaluation", "app.evaluation.intro", "06-evaluation")
        children.append(coherence_panel(self, "evaluation"))  # issue 15: coherence
        children += [
            heading("app.evaluation.dashboard_title", lang, "app.evaluation.dashboard_help"),
            csv_guide(lang),
            widgets.HBox([self.upload]), self.gaps,
            widgets.HBox([self.network, self.metric]),
            widgets.HBox([self.months, self.months_shown], layout=widgets.Layout(
                align_items="center")), self.summary, self.period,
            self.chart,
            heading("app.evaluation.attainment_title", lang, "app.evaluation.attainment_help"),
            self.attainment,
            heading("app.evaluation.recommendations_title", lang), self.rec_period,
            self.recommendations,
            heading("app.evaluation.conclusions_title", lang),
            labelled(self.conclusions, t("app.evaluation.conclusions", lang)),
            labelled(self.changes, t("app.evaluation.changes", lang),
                     t("app.evaluation.changes_help", lang)),
            self.status,
            heading("app.evaluation.self_title", lang, "app.evaluation.self_help"),
        ]
        from cmtraining.apps.self_assessment import summary_html

        self.self_summary = widgets.HTML(summary_html(session))
        children.append(self.self_summary)
        super().__init__(children, layout=widgets.Layout(max_width="1000px"))
        self.add_class("cm-evaluation-app")
        self._reset_filters()
        self.refresh()

    # --- dashboard --------------------------------------------------------------

    def _reset_filters(self) -> None:
        metrics = self.session.workbook.metrics
        nets = sorted({m.network for m in metrics})
        self.network.options = [(t("app.listening.all", self.lang), "")] + [
            (t(f"common.network.{n}", self.lang), n) for n in nets]
        self.network.value = ""
        months = sorted({m.month for m in metrics})
        if months:
            from cmtraining.evaluation.recommendations import recommendation_period

            # "ago 2026", never "Aug 26" (read as a day of August)
            self.months.options = [(month_text(m, self.lang), m) for m in months]
            # opens on the recommendations' period: one set of figures for both (issue 21.8)
            recent = recommendation_period(metrics, self.today)
            start = months.index(recent[0]) if recent else 0
            end = months.index(recent[1]) if recent else len(months) - 1
            self.months.index = (start, end)
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
        self.months_shown.value = "" if not months else html.escape(
            f"{month_text(months[0], lang)} – {month_text(months[1], lang)}"
            if months[0] != months[1] else month_text(months[0], lang))
        frame = kpi_summary(metrics, network=network, months=months)
        self.period.value = self._period_html(frame)
        records = frame.to_dict("records")
        decimals = _column_decimals(records)
        self.summary.value = table_html(
            [[t(f"common.network.{r['network']}", lang),
              *(_fmt(r[c], c, lang, decimals.get(c)) for c in SUMMARY_SHOWN)]
             for r in records],
            [t("report.network", lang), *(t(f"app.evaluation.col.{c}", lang) for c in SUMMARY_SHOWN)]
        ) + formulas_html(SUMMARY_SHOWN, lambda c: t(f"app.evaluation.col.{c}", lang), lang)
        rows = select(metrics, network=network, months=months)
        metric = self.metric.value
        if self.defer_chart:
            draw_later(self._draw, rows, metric, name="cm-kpi-chart")
        else:
            self._draw(rows, metric)

    def _period_html(self, frame) -> str:
        from cmtraining.evaluation.recommendations import period_text, recommendation_period

        recent = recommendation_period(self.session.workbook.metrics, self.today)
        if not len(frame) or recent is None:
            return ""
        period = period_text(min(frame["first_month"]), max(frame["last_month"]), self.lang)
        text = t("evaluation.period_text.kpi_period", self.lang, period=period,
                 recent=period_text(*recent, self.lang))
        return f"<p class='cm-muted'>{html.escape(text)}</p>"

    def _draw(self, rows, metric) -> None:
        self.chart.value = baseline_png(rows, metric, self.lang)

    def _on_upload(self, change) -> None:
        from cmtraining.core.csvinput import guarded
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
            self.status.info(t("app.evaluation.imported", self.lang, count=len(rows), source=name))
            self._reset_filters()
            self.refresh()

    # --- attainment, recommendations, conclusions --------------------------------

    def refresh(self) -> None:
        from cmtraining.evaluation.attainment import attainment_all, status_label
        from cmtraining.evaluation.recommendations import recommend
        from cmtraining.planning.smart import objective_title

        lang, wb = self.lang, self.session.workbook
        self._render_dashboard()
        rows = attainment_all(wb, today=self.today)
        titles = {o.id: objective_title(o, lang) for o in wb.objectives}
        if rows:
            # the report's table of the same rows, with the same headings
            head = "".join(f"<th>{html.escape(t(f'report.{c}', lang))}</th>"
                           for c in ("objective", "status", "why"))
            self.attainment.value = f"<table class='cm-table'><tr>{head}</tr>" + "".join(
                f"<tr data-status='{a.status}' data-objective='{html.escape(a.objective_id)}'>"
                f"<td>{html.escape(titles.get(a.objective_id, a.objective_id))}</td>"
                f"<td class='cm-status-{a.status}'><b>{html.escape(status_label(a, lang))}</b></td>"
                f"<td>{html.escape(a.finding.message(lang))}</td></tr>"
                for a in rows) + "</table>"
        else:
            self.attainment.value = f"<p class='cm-muted'>{html.escape(t('report.empty.objectives', lang))}</p>"
        recs = recommend(wb, today=self.today)
        self.rec_period.value = self._rec_period_html()
        self.recommendations.value = "<ol>" + "".join(
            f"<li class='cm-finding cm-{r.finding.level}' data-code='{r.code}'>"
            f"{html.escape(r.finding.message(lang))}<br><span class='cm-muted' style='font-size:.9em'>"
            f"{html.escape(r.finding.rule(lang))}</span></li>" for r in recs) + "</ol>"

    def _rec_period_html(self) -> str:
        from cmtraining.evaluation.attainment import Progress
        from cmtraining.evaluation.recommendations import (
            TRIVIAL_GAP,
            period_text,
            recommendation_period,
        )

        recent = recommendation_period(self.session.workbook.metrics, self.today)
        if recent is None:
            return ""
        text = t("evaluation.period_text.rec_period", self.lang, recent=period_text(*recent, self.lang),
                 trivial=Progress(TRIVIAL_GAP).render(self.lang))
        return f"<p class='cm-muted'>{html.escape(text)}</p>"

    def _save_evaluation(self) -> None:
        changes = [line.strip() for line in self.changes.value.splitlines() if line.strip()]

        def edit(wb):
            data = wb.model_dump()
            data["evaluation"]["conclusions"] = self.conclusions.value
            data["evaluation"]["changes"] = changes
            return data
        self.apply(edit)


def build_app(session: Session, *, today=None, defer_chart: bool | None = None) -> EvaluationApp:
    return mark_ready(EvaluationApp(session, today=today, defer_chart=defer_chart), "06-evaluation")
