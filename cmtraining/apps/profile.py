"""Stage 0 app: edit the organization profile; see the baseline metrics."""

from __future__ import annotations

import html
import os

import ipywidgets as widgets

from cmtraining.apps.common import StageApp, Status, labelled, mark_ready, stage_header
from cmtraining.apps.drawing import chart_image, draw_later
from cmtraining.apps.tables import table_html
from cmtraining.core.numbers import count, decimal, percent
from cmtraining.core.text import slugify
from cmtraining.evaluation.charts import baseline_png
from cmtraining.i18n import choices, t
from cmtraining.metrics.baseline import CHART_METRICS, summary
from cmtraining.runtime.session import Session
from cmtraining.workbook.store import set_field

#: languages offered for the organization's own communication (ISO 639-1)
ORG_LANGUAGES = ("es", "en", "ca", "eu", "gl", "pt", "fr", "de", "it")


def country_options(lang: str, current: str) -> list[tuple[str, str]]:
    """Real countries only, sorted as the reader sorts them (issue 21.13)."""
    from cmtraining.core.countries import country_options as options

    return options(lang, current)


def language_options(lang: str, current: str) -> list[tuple[str, str]]:
    from babel import Locale

    names = Locale(lang).languages
    codes = list(ORG_LANGUAGES) + ([current] if current not in ORG_LANGUAGES else [])
    return [(names.get(c, c).capitalize(), c) for c in codes]


class ProfileApp(StageApp):
    """The profile form (each edit saved to the workbook) and the baseline."""

    def __init__(self, session: Session, *, defer_chart: bool | None = None):
        self.session = session
        lang = self.lang = session.lang
        wb = session.workbook
        prof = wb.profile
        self.status = Status(lang)
        disabled = session.preview

        self.name = widgets.Text(value=prof.name, continuous_update=False, disabled=disabled,
                                 layout=widgets.Layout(width="auto"))
        self.name.add_class("cm-field-name")
        self.kind = widgets.Dropdown(options=[(v, k) for k, v in choices("common.kind", lang).items()],
                                     value=prof.kind, disabled=disabled)
        self.sector = widgets.Text(value=prof.sector, continuous_update=False, disabled=disabled,
                                   layout=widgets.Layout(width="auto"))
        self.size = widgets.Dropdown(options=[(v, k) for k, v in choices("common.size", lang).items()],
                                     value=prof.size, disabled=disabled)
        self.country = widgets.Dropdown(options=country_options(lang, prof.country),
                                        value=prof.country, disabled=disabled)
        self.language = widgets.Dropdown(options=language_options(lang, prof.language),
                                         value=prof.language, disabled=disabled)
        self.mission = widgets.Textarea(value=prof.mission, continuous_update=False,
                                        disabled=disabled,
                                        layout=widgets.Layout(width="auto", height="5em"))
        for widget, field in ((self.name, "name"), (self.kind, "kind"), (self.sector, "sector"),
                              (self.size, "size"), (self.country, "country"),
                              (self.language, "language"), (self.mission, "mission")):
            widget.observe(self._saver(f"profile.{field}"), names="value")

        self.goals_box = widgets.VBox()
        self.new_goal = widgets.Text(placeholder=t("app.profile.goal_placeholder", lang),
                                     disabled=disabled, layout=widgets.Layout(width="70%"))
        self.add_goal = widgets.Button(description=t("app.profile.add_goal", lang), icon="plus",
                                       disabled=disabled)
        self.add_goal.on_click(self._on_add_goal)
        self._render_goals()

        form = widgets.VBox([
            labelled(self.name, t("app.profile.name", lang)),
            widgets.HBox([labelled(self.kind, t("app.profile.kind", lang)),
                          labelled(self.size, t("app.profile.size", lang), t("app.profile.size_help", lang))]),
            labelled(self.sector, t("app.profile.sector", lang)),
            widgets.HBox([labelled(self.country, t("app.profile.country", lang)),
                          labelled(self.language, t("app.profile.language", lang))]),
            labelled(self.mission, t("app.profile.mission", lang)),
            widgets.HTML(f"<h2>{html.escape(t('app.profile.goals', lang))}</h2>"
                         f"<span class='cm-muted'>{html.escape(t('app.profile.goals_help', lang))}</span>"),
            self.goals_box,
            widgets.HBox([self.new_goal, self.add_goal]),
            self.status,
        ])

        self.metric = widgets.Dropdown(
            options=[(t(f"common.metric.{m}", lang), m) for m in CHART_METRICS], value="followers")
        self.chart = chart_image()
        self.metric.observe(lambda _: self._draw(), names="value")
        self.table = widgets.HTML()
        self._render_table()
        if defer_chart is None:
            defer_chart = under_voila()
        if defer_chart:
            # matplotlib's import and first draw take about a second: let the
            # form become interactive first and fill the chart in when ready
            self.chart_note = widgets.HTML(f"<i class='cm-muted'>{html.escape(t('app.common.loading_chart', lang))}</i>")
            draw_later(self._draw, name="cm-baseline-chart")
        else:
            self.chart_note = widgets.HTML()
            self._draw()

        children = stage_header(session, "profile", "app.profile.intro", "00-profile")
        children += [
            widgets.HTML(f"<h2>{html.escape(t('app.profile.section_profile', lang))}</h2>"), form,
            widgets.HTML(f"<h2>{html.escape(t('app.profile.section_baseline', lang))}</h2>"
                         f"<span class='cm-muted'>{html.escape(t('app.profile.baseline_help', lang))}</span>"),
            self.metric, self.chart_note, self.chart, self.table,
        ]
        super().__init__(children, layout=widgets.Layout(max_width="1000px"))
        self.add_class("cm-profile-app")

    # --- saving ---------------------------------------------------------------

    def _saver(self, dotted: str):
        def save(change):
            self.apply(lambda wb: set_field(wb.model_dump(), dotted, change["new"]))
        return save

    # --- goals ------------------------------------------------------------------

    def _render_goals(self) -> None:
        rows = []
        self.goal_fields: list[dict[str, widgets.Widget]] = []  # each goal's text and remove
        for index, goal in enumerate(self.session.workbook.profile.goals):
            text = widgets.Text(value=goal.text, continuous_update=False,
                                disabled=self.session.preview, layout=widgets.Layout(width="70%"))
            text.observe(self._saver(f"profile.goals[{index}].text"), names="value")
            remove = widgets.Button(description=t("app.profile.remove_goal", self.lang), icon="trash",
                                    disabled=self.session.preview)
            remove.on_click(lambda _, gid=goal.id: self._remove_goal(gid))
            self.goal_fields.append({"text": text, "remove": remove})
            rows.append(widgets.HBox([text, remove]))
        if not rows:
            rows.append(widgets.HTML(f"<i class='cm-muted'>{html.escape(t('app.profile.no_goals', self.lang))}</i>"))
        self.goals_box.children = rows

    def _on_add_goal(self, _button) -> None:
        text = self.new_goal.value.strip()

        def change(wb):
            taken = {g.id for g in wb.profile.goals}
            base = slugify(text)[:40] or "goal"
            gid, n = base, 1
            while gid in taken:
                n += 1
                gid = f"{base}-{n}"
            data = wb.model_dump()
            data["profile"]["goals"].append({"id": gid, "text": text})
            return data

        if self.apply(change):
            self.new_goal.value = ""
            self._render_goals()

    def _remove_goal(self, goal_id: str) -> None:
        def change(wb):
            data = wb.model_dump()
            data["profile"]["goals"] = [g for g in data["profile"]["goals"] if g["id"] != goal_id]
            return data

        if self.apply(change):
            self._render_goals()

    # --- baseline ---------------------------------------------------------------

    def _draw(self) -> None:
        self.chart.value = baseline_png(self.session.workbook.metrics, self.metric.value, self.lang)
        self.chart_note.value = ""

    def _render_table(self) -> None:
        lang = self.lang
        rows = summary(self.session.workbook.metrics)
        if not rows:
            self.table.value = f"<p class='cm-muted'>{html.escape(t('app.profile.no_metrics', lang))}</p>"
            return
        self.table.value = table_html(
            [[t(f"common.network.{s.network}", lang), count(s.followers, lang), percent(s.growth, lang),
              decimal(s.posts_per_month, lang), percent(s.engagement_rate_reach, lang)] for s in rows],
            [t(f"app.profile.table.{c}", lang) for c in ("network", "followers", "growth", "posts", "err")])


def under_voila() -> bool:
    """Voila sets SERVER_SOFTWARE=voila/<version> in the kernels it starts."""
    return os.environ.get("SERVER_SOFTWARE", "").startswith("voila/")


def build_app(session: Session, *, defer_chart: bool | None = None) -> ProfileApp:
    return mark_ready(ProfileApp(session, defer_chart=defer_chart), "00-profile")
