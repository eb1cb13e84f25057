"""The facilitator's gradebook app (notebooks/90-gradebook.ipynb): the cohort at a glance.

It only reads the gradebook `cmtraining grade` writes (SQLite opened
read-only), so it can stay open while a cohort is being graded: "Reload"
reads the latest grades. Which gradebook is the facilitator's configuration
(`cmtraining serve --gradebook`, or `db` under papermill), never the served
page's address. Per exercise: the spread of grades, the checks that cost
the cohort points, the trainees at risk, the answers that look alike, and
each trainee's checks with the message they received.
"""

from __future__ import annotations

import base64
import html
import os

import ipywidgets as widgets

from cmtraining.apps.common import Status, header, link, mark_ready
from cmtraining.apps.drawing import chart_image, draw_later
from cmtraining.apps.tables import table_html
from cmtraining.core.errors import CmtrainingError
from cmtraining.core.numbers import decimal, percent
from cmtraining.grading.cohort import ExerciseSummary, summarize
from cmtraining.i18n import t
from cmtraining.runtime.parameters import resolve

NOTEBOOK = "90-gradebook"


def configured_gradebook() -> str:
    """The gradebook `cmtraining serve` was told to show ("" outside a server: the default)."""
    from cmtraining.runtime.serve_query import GRADEBOOK_ENV

    return os.environ.get(GRADEBOOK_ENV, "")


def _points(value: float | None, lang: str) -> str:
    """Points as the reader writes them, up to two decimals ("7,5", "10")."""
    return decimal(value, lang, decimals=2, trim=True)


def _reason(key: str, lang: str) -> str:
    if key in ("", "failed", "rejected"):
        return t(f"app.gradebook.status_{key or 'graded'}", lang)
    return t(f"grading.reason.{key}", lang)


class GradebookApp(widgets.VBox):
    def __init__(self, *, db: str = "", exercise: str = "", risk: int = 50, lang: str = "es",
                 defer_charts: bool | None = None):
        from cmtraining.apps.profile import under_voila

        values = resolve(NOTEBOOK, {"db": db, "exercise": exercise, "risk": risk, "lang": lang})
        self.lang = lang = values["lang"]
        self.risk = values["risk"]
        self.db = values["db"] or configured_gradebook()  # a missing file reads as empty
        self.defer_charts = under_voila() if defer_charts is None else defer_charts
        self.summaries: dict[str, ExerciseSummary] = {}
        self.rows: list[dict] = []
        self.book = None
        # links to this page (language switch) never carry the database
        params = {"exercise": values["exercise"], "lang": lang,
                  "risk": self.risk if self.risk != 50 else ""}
        self.status = Status(lang)
        self.source = widgets.HTML()
        self.reload = widgets.Button(description=t("app.gradebook.reload", lang), icon="refresh")
        self.reload.add_class("cm-reload")
        self.reload.on_click(lambda _: self.load())
        self.overview = widgets.HTML()
        self.overview.add_class("cm-overview")
        self.exercise = widgets.Dropdown(description=t("app.gradebook.exercise", lang),
                                         layout=widgets.Layout(width="620px"),
                                         style={"description_width": "initial"})
        self.exercise.observe(lambda _: self.show_exercise(), names="value")
        self.facts = widgets.HTML()
        self.distribution = chart_image()
        self.checks_chart = chart_image()
        self.checks_table = widgets.HTML()
        self.at_risk = widgets.HTML()
        self.at_risk.add_class("cm-at-risk")
        self.similar = widgets.HTML()
        self.similar.add_class("cm-similar")
        self.trainee = widgets.Dropdown(description=t("app.gradebook.trainee", lang),
                                        style={"description_width": "initial"})
        self.trainee.observe(lambda _: self.show_trainee(), names="value")
        self.detail = widgets.HTML()
        self.detail.add_class("cm-trainee-detail")
        self.download = widgets.HTML()
        self.details = widgets.VBox([
            self.exercise, self.facts, self.distribution,
            self._h2("app.gradebook.checks_title", "app.gradebook.checks_help"),
            self.checks_chart, self.checks_table,
            self._h2("app.gradebook.at_risk_title", None), self.at_risk,
            self._h2("app.gradebook.similar", "app.gradebook.similar_help"), self.similar,
            self._h2("app.gradebook.trainee_title", None), self.trainee, self.detail,
        ])
        back = (f'<a href="{html.escape(link("index", {"lang": lang}))}">'
                f'← {html.escape(t("app.common.back_home", lang))}</a>')
        super().__init__([
            header(t("app.gradebook.title", lang), t("app.gradebook.intro", lang), NOTEBOOK, params,
                   lang),
            widgets.HTML(back), widgets.HBox([self.source, self.reload]), self.status,
            self.overview, self.download, self.details,
        ], layout=widgets.Layout(max_width="1000px"))
        self.add_class("cm-gradebook-app")
        self.load(select=values["exercise"])

    def _h2(self, key: str, help_key: str | None) -> widgets.HTML:
        text = f"<h2>{html.escape(t(key, self.lang, share=self.risk))}</h2>"
        if help_key:
            text += f"<span class='cm-muted'>{html.escape(t(help_key, self.lang))}</span>"
        return widgets.HTML(text)

    # --- reading ------------------------------------------------------------------

    def load(self, select: str = "") -> None:
        """(Re)read the gradebook and redraw everything."""
        from cmtraining.grading.gradebook import (
            Gradebook,
            redacted_url,
            resolve_gradebook,
            sqlite_path,
        )

        lang = self.lang
        url, exists = resolve_gradebook(self.db)
        path = sqlite_path(url)
        shown = str(path) if path is not None else redacted_url(url)
        self.source.value = (f"<span class='cm-muted'>{html.escape(t('app.gradebook.source', lang))}"
                             f" <code>{html.escape(shown)}</code></span>")
        self.status.value = ""
        rows, titles = [], {}
        if exists:
            try:
                self.book = Gradebook(url, read_only=True)
                rows, titles = self.book.current(), self.book.titles()
            except CmtrainingError as exc:
                self.status.error(exc)
        self.rows = rows
        self.summaries = {s.exercise: s for s in summarize(
            rows, titles, risk=self.risk, lang=lang,
            exercises_root=path.parent if path is not None else None)}
        if not self.summaries:
            if not self.status.value:  # no error to show: the gradebook is missing or empty
                self.status.info(t("app.gradebook.empty", lang, url=redacted_url(url)))
            self.overview.value = self.download.value = ""
            self.details.layout.display = "none"
            return
        self.details.layout.display = None
        self.overview.value = self._overview_html()
        data = base64.b64encode(self.book.export_csv(rows=rows).encode("utf-8")).decode("ascii")
        self.download.value = (f'<a class="cm-download" download="gradebook.csv" '
                               f'href="data:text/csv;charset=utf-8;base64,{data}">⬇ '
                               f'{html.escape(t("app.gradebook.download", lang))}</a>')
        current = select if select in self.summaries else self.exercise.value
        self.exercise.options = [(s.title(lang), s.exercise) for s in self.summaries.values()]
        self.exercise.value = current if current in self.summaries else next(iter(self.summaries))
        self.show_exercise()

    def _overview_html(self) -> str:
        lang = self.lang
        head = [t(f"app.gradebook.{k}", lang) for k in
                ("exercise", "count", "graded", "mean", "median", "failed", "at_risk_count")]
        body = [[s.title(lang), s.count, s.graded,
                 f"{_points(s.mean, lang)} / {_points(s.max_points, lang)}" if s.mean is not None else "—",
                 _points(s.median, lang), s.not_graded, len(s.at_risk)] for s in self.summaries.values()]
        return table_html(body, head, "cm-overview-table")

    # --- one exercise -------------------------------------------------------------

    def show_exercise(self) -> None:
        summary = self.summaries.get(self.exercise.value)
        if summary is None:
            return
        lang = self.lang
        reasons = "; ".join(f"{_reason(k, lang)}: {v}" for k, v in sorted(summary.reasons.items()))
        self.facts.value = (
            f"<p>{html.escape(t('app.gradebook.facts', lang, count=summary.count, graded=summary.graded, version=summary.version, max=_points(summary.max_points, lang)))}"
            + (f"<br><span class='cm-muted'>{html.escape(t('app.gradebook.failed', lang))}: "
               f"{html.escape(reasons)}</span>" if reasons else "") + "</p>")
        self.checks_table.value = table_html(
            [[c.title, _points(c.max_points, lang), percent(c.mean_share, lang, decimals=0), c.zero]
             for c in sorted(summary.checks, key=lambda c: c.mean_share)],
            [t("app.gradebook.check", lang), t("app.gradebook.points", lang),
             t("app.gradebook.share", lang), t("app.gradebook.zero", lang)], "cm-checks-table")
        if summary.at_risk:
            self.at_risk.value = table_html(
                [[r.trainee, f"{_points(r.total, lang)} / {_points(r.max_points, lang)}",
                  percent(r.share, lang, decimals=0) if r.status == "graded" else "—", _reason(r.reason, lang)
                  if r.status != "graded" else t("app.gradebook.below", lang, share=self.risk)]
                 for r in summary.at_risk],
                [t("app.gradebook.trainee", lang), t("app.gradebook.score", lang),
                 t("app.gradebook.share", lang), t("app.gradebook.reason", lang)], "cm-at-risk-table")
        else:
            self.at_risk.value = f"<p class='cm-ok'>{html.escape(t('app.gradebook.none_at_risk', lang))}</p>"
        pairs = self.book.similar(summary.exercise) if self.book is not None else []
        self.similar.value = (table_html(
            [[p["trainee_a"], p["trainee_b"], f"{p['score']:.2f}"] for p in pairs],
            [t("app.gradebook.trainee", lang), t("app.gradebook.trainee", lang),
             t("app.gradebook.cosine", lang)], "cm-similar-table") if pairs else
            f"<p class='cm-muted'>{html.escape(t('app.gradebook.no_similar', lang))}</p>")
        trainees = sorted(r["trainee_id"] for r in self.rows if r["exercise_id"] == summary.exercise)
        keep = self.trainee.value
        self.trainee.options = trainees
        self.trainee.value = keep if keep in trainees else (trainees[0] if trainees else None)
        self.show_trainee()
        if self.defer_charts:
            draw_later(self._draw, summary, name="cm-gradebook-charts")
        else:
            self._draw(summary)

    def _draw(self, summary: ExerciseSummary) -> None:
        from cmtraining.apps.gradebook_charts import checks_png, distribution_png

        title = summary.title(self.lang)
        self.distribution.value = distribution_png(summary.shares, self.risk, title, self.lang)
        self.checks_chart.value = checks_png(summary.checks, self.risk, title, self.lang)

    def show_trainee(self) -> None:
        lang = self.lang
        row = next((r for r in self.rows if r["exercise_id"] == self.exercise.value
                    and r["trainee_id"] == self.trainee.value), None)
        if row is None:
            self.detail.value = ""
            return
        summary = self.summaries[row["exercise_id"]]
        titles = {c.check_id: c.title for c in summary.checks}
        manual = {a["check_id"]: a for a in row["adjustments"]}
        lines = [f"<p><b>{html.escape(t('app.gradebook.score', lang))}:</b> "
                 f"{_points(row['total'], lang)} / {_points(row['max_points'], lang)}"
                 + (f" · {html.escape(_reason(row['reason'] or row['status'], lang))}"
                    if row["status"] != "graded" else "")
                 + f" · <span class='cm-muted'>{html.escape(row['filename'] or '')}</span></p>"]
        body = []
        for check in row["checks"]:
            adj = manual.get(check["check_id"])
            extra = (f" (+{_points(adj['points'], lang)} {t('grading.feedback.manual', lang)}"
                     f"{': ' + adj['note'] if adj['note'] else ''})") if adj else ""
            body.append([titles.get(check["check_id"], check["check_id"]),
                         f"{_points(check['points'], lang)} / {_points(check['max_points'], lang)}",
                         (check["message"] or "") + extra])
        if body:
            lines.append(table_html(body, [t("app.gradebook.check", lang),
                                           t("app.gradebook.points", lang),
                                           t("grading.feedback.message", lang)], "cm-detail-table"))
        self.detail.value = "".join(lines)


def build_app(*, db: str = "", exercise: str = "", risk: int = 50, lang: str = "es",
              defer_charts: bool | None = None) -> GradebookApp:
    return mark_ready(GradebookApp(db=db, exercise=exercise, risk=risk, lang=lang, defer_charts=defer_charts), "90-gradebook")
