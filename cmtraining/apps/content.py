"""Stage 3 app: pillars, tone and style, capacity, editorial calendar, post review."""

from __future__ import annotations

import base64
import html
from datetime import date, timedelta
from typing import get_args

import ipywidgets as widgets

from cmtraining.apps.coherence_panel import coherence_panel
from cmtraining.apps.common import StageApp, Status, heading, mark_ready, stage_header
from cmtraining.apps.field_errors import COLUMN, FieldErrorsMixin, error_html
from cmtraining.apps.findings_view import findings_list
from cmtraining.apps.reader_fields import DateField
from cmtraining.apps.rows import Column, RowsEditor
from cmtraining.core.clock import today as clock_today
from cmtraining.core.errors import CmtrainingError
from cmtraining.core.numbers import clock, weekday_day
from cmtraining.core.numbers import day as format_day
from cmtraining.i18n import t
from cmtraining.planning.content import (
    capacity_sources,
    check_capacity,
    check_mix,
    default_capacity,
    next_monday,
    pillar_id,
)
from cmtraining.runtime.session import Session
from cmtraining.workbook.models import NetworkId


class ContentApp(FieldErrorsMixin, StageApp):
    def __init__(self, session: Session, *, today: date | None = None):
        self.session, self.lang = session, session.lang
        self.today = today or clock_today()
        lang, off, wb = self.lang, session.preview, session.workbook
        plan = wb.content_plan
        self.status = Status(lang)
        # pillars
        self.pillars = RowsEditor([
            Column("name", "app.content.pillar_name", width="300px"),
            Column("share", "app.content.pillar_share", kind="number", default=0.0, width="140px"),
        ], [p.model_dump() for p in plan.pillars], lang, self._save_pillars, disabled=off)
        self.mix = widgets.HTML()
        self.mix.add_class("cm-mix")
        # style guide
        style = plan.style
        self.voice = widgets.Textarea(value=style.voice, continuous_update=False, disabled=off,
                                      layout=widgets.Layout(width="auto", height="4em"))
        self.formality = widgets.Dropdown(
            options=[(t(f"app.content.formality_{k}", lang), k) for k in ("formal", "neutral", "informal")],
            value=style.formality, disabled=off)
        self.words_use = widgets.Text(value=", ".join(style.words_use), continuous_update=False,
                                      disabled=off, layout=widgets.Layout(width="auto"))
        self.words_avoid = widgets.Text(value=", ".join(style.words_avoid), continuous_update=False,
                                        disabled=off, layout=widgets.Layout(width="auto"))
        self.emoji = widgets.Dropdown(
            options=[(t(f"app.content.emoji_{k}", lang), k) for k in ("none", "moderate", "free")],
            value=style.emoji_policy, disabled=off)
        self.neutral = widgets.Checkbox(value=style.neutral_on_politics_religion, indent=False,
                                        description=t("app.content.neutrality", lang), disabled=off)
        for w in (self.voice, self.formality, self.words_use, self.words_avoid, self.emoji,
                  self.neutral):
            w.observe(lambda _: self._save_style(), names="value")
        # capacity
        capacity = plan.posts_per_week or default_capacity(wb)
        self.capacity = {n: widgets.BoundedIntText(value=capacity.get(n, 0), min=0, max=70,
                                                   description=t(f"common.network.{n}", lang),
                                                   disabled=off, layout=widgets.Layout(width="290px"),
                                                   style={"description_width": "170px"})
                         for n in get_args(NetworkId)
                         if n in capacity or n in {r.network for r in wb.networks}}
        for w in self.capacity.values():
            w.observe(lambda _: self._save_capacity(), names="value")
        self.capacity_checks = widgets.HTML()
        # where the proposed figures come from: stage 2's hours, not its Effort column's minimum
        self.capacity_sources = widgets.HTML(capacity_sources_html(wb, lang))
        self.capacity_sources.add_class("cm-capacity-sources")
        # calendar
        self.weeks = widgets.BoundedIntText(value=4, min=1, max=104, description=t("app.content.weeks", lang),
                                            layout=widgets.Layout(width="200px"), disabled=off)
        self.start = DateField(next_monday(self.today), lang, disabled=off,
                               description=t("app.content.start", lang))
        # "Semilla" meant nothing to a trainee: it picks another arrangement of the same posts
        self.seed = widgets.IntText(value=1, description=t("app.content.seed", lang), disabled=off,
                                    tooltip=t("app.content.screen.seed_help", lang),
                                    style={"description_width": "initial"},
                                    layout=widgets.Layout(width="230px"))
        self.seed.add_class("cm-seed")
        self.generate = widgets.Button(description=t("app.content.generate", lang), icon="calendar",
                                       button_style="primary", disabled=off)
        self.generate.add_class("cm-generate")
        self.generate.on_click(self._on_generate)
        # what happened to the last "Generate", beside the button (issue 19.10)
        self.generate_status = widgets.HTML()
        self.generate_status.add_class("cm-generate-status")
        self.format_checks = widgets.HTML()
        self.format_checks.add_class("cm-format-checks")
        self.calendar = widgets.VBox()
        self.calendar.add_class("cm-calendar")
        self.calendar_checks = widgets.HTML()
        self.downloads = widgets.HTML()
        # post checker
        self.draft = widgets.Textarea(placeholder=t("app.content.checker_placeholder", lang),
                                      layout=widgets.Layout(width="auto", height="6em"))
        self.draft.add_class("cm-draft")
        nets = [r.network for r in wb.networks] or list(capacity) or ["instagram"]
        self.draft_network = widgets.Dropdown(
            options=[(t(f"common.network.{n}", lang), n) for n in get_args(NetworkId)], value=nets[0],
            description=t("app.content.checker_network", lang))
        self.check_button = widgets.Button(description=t("app.content.check", lang), icon="check")
        self.check_button.add_class("cm-check-post")
        self.check_button.on_click(lambda _: self._check_post())
        self.post_findings = widgets.HTML()
        self.post_findings.add_class("cm-post-findings")
        self.refresh()
        self._render_calendar()

        def h2(key, help_key=None):
            return heading(key, lang, help_key)

        def label(key):
            return widgets.HTML(f"<b>{html.escape(t(key, lang))}</b>")

        super().__init__([
            *stage_header(session, "content", "app.content.intro", "03-content-plan"),
            coherence_panel(self, "content"),  # issue 15: coherence
            h2("app.content.pillars_title", "app.content.pillars_help"), self.pillars, self.mix,
            self.status,
            h2("app.content.style_title"), label("app.content.voice"), self.voice,
            widgets.HBox([widgets.VBox([label("app.content.formality"), self.formality]),
                          widgets.VBox([label("app.content.emoji_policy"), self.emoji])]),
            label("app.content.words_use"), self.words_use, label("app.content.words_avoid"),
            self.words_avoid, self.neutral,
            h2("app.content.capacity_title", "app.content.capacity_help"),
            widgets.GridBox(list(self.capacity.values()),
                            layout=widgets.Layout(grid_template_columns="repeat(3, 270px)")),
            self.capacity_sources, self.capacity_checks,
            h2("app.content.calendar_title"),
            widgets.HBox([self.start, self.weeks, self.seed, self.generate]),
            widgets.HTML(f"<span class='cm-muted'>"
                         f"{html.escape(t('app.content.screen.seed_help', lang))}</span>"),
            self.generate_status, self.format_checks, self.calendar_checks, self.downloads, self.calendar,
            h2("app.content.checker_title", "app.content.checker_help"), self.draft,
            widgets.HBox([self.draft_network, self.check_button]), self.post_findings,
        ], layout=widgets.Layout(max_width=COLUMN))
        self.add_class("cm-content-app")

    # --- saving -------------------------------------------------------------------

    def _plan_change(self, **fields):
        def change(wb):
            dumped = wb.model_dump()
            dumped["content_plan"].update(fields)
            return dumped
        return self.apply(change)

    def _save_pillars(self, rows: list[dict]) -> bool:
        # ids follow the names until a calendar entry refers to them; then they stay
        used = {e.pillar for e in self.session.workbook.content_plan.calendar}
        taken: set[str] = {r["id"] for r in rows if r.get("id") in used}
        pillars = []
        for row in rows:
            pid = row["id"] if row.get("id") in used else pillar_id(row["name"], taken)
            taken.add(pid)
            pillars.append({"id": pid, "name": row["name"], "share": row["share"]})
        ok = self._plan_change(pillars=pillars)
        if ok:
            for row, pillar in zip(rows, pillars, strict=True):
                row["id"] = pillar["id"]
            self.pillars.rows = [dict(p) for p in pillars]
        return ok

    def _save_style(self) -> None:
        def words(text):
            return [w.strip() for w in text.split(",") if w.strip()]
        self._plan_change(style={
            "voice": self.voice.value, "formality": self.formality.value,
            "words_use": words(self.words_use.value), "words_avoid": words(self.words_avoid.value),
            "emoji_policy": self.emoji.value, "neutral_on_politics_religion": self.neutral.value})

    def _save_capacity(self) -> None:
        self._plan_change(posts_per_week={n: w.value for n, w in self.capacity.items() if w.value})

    # --- calendar -----------------------------------------------------------------

    def _on_generate(self, _button) -> None:
        from cmtraining.planning.calendar import generate_calendar

        self._save_capacity()
        wb = self.session.workbook
        try:
            entries = generate_calendar(wb.content_plan, start=self.start.value,
                                        weeks=self.weeks.value, country=wb.profile.country,
                                        seed=self.seed.value, lang=self.lang,
                                        kind=wb.profile.kind, formats=wb.resources.formats)
        except CmtrainingError as exc:
            self.generate_status.value = error_html(exc, self.lang)
            return
        if self._plan_change(calendar=_renewed(entries, wb.content_plan.calendar,
                                               wb.profile.name)):
            self.generate_status.value = (
                f"<span class='cm-ok'>✔ "
                f"{html.escape(t('app.content.generated', self.lang, count=len(entries)))}</span>")
            self._render_calendar()

    def _render_calendar(self) -> None:
        from cmtraining.planning.calendar import check_calendar

        lang, wb = self.lang, self.session.workbook
        entries = wb.content_plan.calendar
        if not entries:
            self.calendar.children = [widgets.HTML(
                f"<i class='cm-muted'>{html.escape(t('app.content.calendar_none', lang))}</i>")]
            self.calendar_checks.value = self.downloads.value = ""
            return
        names = {p.id: p.name for p in wb.content_plan.pillars}
        rows, week = [], None
        # named parts: one heading per week, and each entry's pillar, idea and remove button
        self.week_headings: list[widgets.HTML] = []
        self.entry_fields: list[dict[str, widgets.Widget]] = []
        pillar_options = [(p.name, p.id) for p in wb.content_plan.pillars]
        for index, entry in enumerate(entries):
            monday = entry.day - timedelta(days=entry.day.weekday())
            if monday != week:
                week = monday
                self.week_headings.append(widgets.HTML(
                    f"<h3>{html.escape(t('app.content.week', lang, day=format_day(monday, lang)))}</h3>"))
                rows.append(self.week_headings[-1])
            info = widgets.HTML(
                f"<span style='display:inline-block;width:330px'>{html.escape(weekday_day(entry.day, lang))} {html.escape(clock(entry.time, lang))} · "
                f"<b>{html.escape(t(f'common.network.{entry.network}', lang))}</b> · "
                f"{html.escape(t(f'common.format.{entry.format}', lang) if entry.format else '')}"
                + (f" <i class='cm-muted'>({html.escape(entry.note)})</i>" if entry.note else "")
                + "</span>")
            pillar = widgets.Dropdown(options=pillar_options, value=entry.pillar
                                      if entry.pillar in names else None,
                                      layout=widgets.Layout(width="200px"),
                                      disabled=self.session.preview)
            idea = widgets.Text(value=entry.idea, continuous_update=False,
                                layout=widgets.Layout(width="330px"), disabled=self.session.preview)
            pillar.observe(lambda ch, i=index: self._edit_entry(i, "pillar", ch["new"]), names="value")
            idea.observe(lambda ch, i=index: self._edit_entry(i, "idea", ch["new"]), names="value")
            remove = widgets.Button(description=t("app.content.remove_entry", lang), icon="trash",
                                    disabled=self.session.preview,
                                    layout=widgets.Layout(width="100px"))
            remove.on_click(lambda _, i=index: self._remove_entry(i))
            self.entry_fields.append({"pillar": pillar, "idea": idea, "remove": remove})
            rows.append(widgets.HBox([info, pillar, idea, remove]))
        self.calendar.children = rows
        self.calendar_checks.value = findings_list(
            check_calendar(entries, wb.content_plan, country=wb.profile.country, lang=lang), lang)
        self._render_downloads()

    def _render_downloads(self) -> None:
        """The .ics and .csv links, written from the calendar as it is now."""
        from cmtraining.planning.export import calendar_to_csv, calendar_to_ics

        lang, wb = self.lang, self.session.workbook
        entries = wb.content_plan.calendar
        names = {p.id: p.name for p in wb.content_plan.pillars}
        ics = calendar_to_ics(entries, org_name=wb.profile.name, lang=lang, pillar_names=names)
        csv_text = calendar_to_csv(entries, lang=lang, pillar_names=names, bom=True)
        stem = f"{t('app.content.screen.download_stem', lang)}-{self.session.workbook_id or self.session.org}"
        self.downloads.value = (
            f"<a download='{stem}.ics' class='cm-download-ics' href='data:text/calendar;base64,"
            f"{base64.b64encode(ics).decode()}'>⬇ {html.escape(t('app.content.download_ics', lang))}</a> · "
            f"<a download='{stem}.csv' class='cm-download-csv' href='data:text/csv;base64,"
            f"{base64.b64encode(csv_text.encode('utf-8')).decode()}'>⬇ "
            f"{html.escape(t('app.content.download_csv', lang))}</a>")

    def _edit_entry(self, index: int, field: str, value) -> None:
        def change(wb):
            dumped = wb.model_dump()
            entry = dumped["content_plan"]["calendar"][index]
            if entry[field] != value:  # a changed post: calendar apps take the new version
                entry[field] = value
                entry["sequence"] += 1
            return dumped
        if self.apply(change):
            self._render_calendar_checks()
            self._render_downloads()

    def _render_calendar_checks(self) -> None:
        from cmtraining.planning.calendar import check_calendar

        wb = self.session.workbook
        self.calendar_checks.value = findings_list(
            check_calendar(wb.content_plan.calendar, wb.content_plan, country=wb.profile.country,
                           lang=self.lang), self.lang)

    def _remove_entry(self, index: int) -> None:
        calendar = [e.model_dump() for e in self.session.workbook.content_plan.calendar]
        del calendar[index]
        if self._plan_change(calendar=calendar):
            self._render_calendar()

    # --- checks -------------------------------------------------------------------

    def refresh(self) -> None:
        plan = self.session.workbook.content_plan
        from cmtraining.planning.calendar import format_findings

        self.mix.value = findings_list(check_mix(plan), self.lang)
        # the capacity on screen (the default one until the trainee saves their own)
        shown = {n: w.value for n, w in self.capacity.items() if w.value}
        self.format_checks.value = findings_list(format_findings(
            plan.model_copy(update={"posts_per_week": shown}),
            self.session.workbook.resources.formats), self.lang)
        self.capacity_checks.value = findings_list(check_capacity(plan), self.lang)

    def _check_post(self) -> None:
        from cmtraining.planning.posts import check_post

        try:
            findings = check_post(self.draft.value, self.draft_network.value, lang=self.lang,
                                  style=self.session.workbook.content_plan.style)
        except CmtrainingError as exc:
            self.post_findings.value = f"<div class='cm-error'>✖ {html.escape(exc.message(self.lang))}</div>"
            return
        from cmtraining.core.findings import worst_first

        self.post_findings.value = findings_list(worst_first(findings), self.lang)


def _renewed(entries, previous, org_name: str) -> list[dict]:
    """A new calendar replacing `previous`: a post in a slot an earlier post had takes
    that post's UID (as the workbook would give it) with a higher SEQUENCE, so a
    calendar app replaces the old event instead of ignoring an older-looking one."""
    from cmtraining.workbook.models import assign_calendar_uids

    fresh = [e.model_copy() for e in entries]
    assign_calendar_uids(fresh, org_name)
    before = {e.uid: e.sequence for e in previous}
    return [e.model_dump() | ({"sequence": before[e.uid] + 1} if e.uid in before else {})
            for e in fresh]


def build_app(session: Session, *, today: date | None = None) -> ContentApp:
    return mark_ready(ContentApp(session, today=today), "03-content-plan")


def capacity_sources_html(wb, lang: str) -> str:
    """One muted line per network: where its proposed posts a week come from."""
    from cmtraining.core.findings import render_params

    lines = []
    for _net, kind, params in capacity_sources(wb):
        text = t(f"app.content.capacity_from.{kind}", lang, **render_params(params, lang))
        if params["paid"] != params["posts"]:  # pulled into the network's usual range
            text += " " + t("app.content.capacity_from.range", lang, **render_params(params, lang))
        lines.append(f"<li>{html.escape(text)}</li>")
    if not lines:
        return ""
    title = html.escape(t("app.content.capacity_from.title", lang))
    return f"<div class='cm-muted'>{title}<ul style='margin:.2em 0'>{''.join(lines)}</ul></div>"
