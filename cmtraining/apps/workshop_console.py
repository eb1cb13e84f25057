"""The facilitator's console of the live crisis workshop (issue 18).

Start, pause, resume, advance (when turns are paced by the facilitator),
end; push an inject to every team or one; the teams' links; each team's
negative reach side by side on one chart; each team's timeline and every
published text as it happens; then the debrief for the room
(`workshop_debrief_view`). The console reads the engine's `ConsoleView`
and calls `Workshop`'s methods: it only wires and shows. Like the team
pages it re-reads the store every few seconds, and while turns run on real
time it is one of the pages that moves the clock (`advance_if_due`, safe
from several pages at once).
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from cmtraining.apps.common import header
from cmtraining.apps.field_errors import COLUMN
from cmtraining.apps.workshop_charts import reach_png
from cmtraining.apps.workshop_live import (
    LINK_STYLE,
    NOTEBOOK,
    LivePage,
    events_html,
    minute_label,
    page_link,
)
from cmtraining.i18n import t

#: which buttons each status enables
CONTROLS = {"start": ("ready",), "pause": ("running",), "resume": ("paused",),
            "advance": ("running",), "end": ("ready", "running", "paused")}
ICONS = {"start": "play", "pause": "pause", "resume": "play", "advance": "forward",
         "end": "stop"}


class WorkshopConsoleApp(LivePage, widgets.VBox):
    def __init__(self, workshop, *, token: str, lang: str, debrief_runs: int = 60,
                 live: bool = True):
        from cmtraining.workshop import INJECT_KINDS

        self.workshop, self.token, self.lang = workshop, token, lang
        self.debrief_runs = debrief_runs
        self.live_widgets()
        self.buttons: dict[str, widgets.Button] = {}
        for name in CONTROLS:
            button = widgets.Button(description=t(f"app.workshop.{name}", lang),
                                    icon=ICONS[name],
                                    button_style="danger" if name == "end" else "")
            button.add_class(f"cm-ws-{name}")
            button.on_click(lambda _, n=name: self._control(n))
            self.buttons[name] = button
        # injects: a ready-made kind or the facilitator's own text, to all teams or one
        self.inject_kind = widgets.Dropdown(
            options=[(t("app.workshop.inject_own", lang), "")] + [(t(f"workshop.inject.label.{k}", lang), k)
                                   for k in INJECT_KINDS],
            value="", layout=widgets.Layout(width="auto"))
        self.inject_kind.add_class("cm-ws-inject-kind")
        # "auto" fills the column less the widget's 2 px margins (100 % ran past it)
        self.inject_text = widgets.Textarea(placeholder=t("app.workshop.inject_text", lang),
                                            layout=widgets.Layout(width="auto", height="4em"))
        self.inject_text.add_class("cm-ws-inject-text")
        self.inject_to = widgets.Dropdown(description=t("app.workshop.inject_to", lang))
        self.inject_to.add_class("cm-ws-inject-to")
        self.inject_send = widgets.Button(description=t("app.workshop.inject_send", lang),
                                          icon="bolt", button_style="warning")
        self.inject_send.add_class("cm-ws-inject-send")
        self.inject_send.on_click(lambda _: self._inject())
        self.links = widgets.HTML()
        self.links.add_class("cm-ws-links")
        self.chart = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.chart.add_class("cm-ws-console-chart")
        self.teams = widgets.HTML()
        self.teams.add_class("cm-ws-teams")
        self.published = widgets.HTML()
        self.published.add_class("cm-ws-published")
        self.debrief_button = widgets.Button(description=t("app.workshop.debrief_button", lang),
                                             icon="flag-checkered", button_style="primary")
        self.debrief_button.add_class("cm-ws-debrief-button")
        self.debrief_button.on_click(lambda _: self.show_debrief())
        self.debrief_note = widgets.HTML(
            f"<span class='cm-muted'>{html.escape(t('app.workshop.debrief_needs_end', lang))}</span>")
        self.debrief_note.add_class("cm-ws-debrief-note")
        self.debrief = widgets.HTML(layout=widgets.Layout(width="auto"))  # its lines wrap
        self.debrief.add_class("cm-ws-debrief")
        view = workshop.console_view(lang)
        super().__init__([
            header(t("app.workshop.console_title", lang) + f" · {view.scenario_title}",
                   t("app.workshop.intro_console", lang), NOTEBOOK, {"workshop_token": token},
                   lang),
            self.state, self.clock, self.countdown,
            widgets.HBox(list(self.buttons.values())), self.status, self.refresh_button,
            widgets.HTML(f"<h2>{html.escape(t('app.workshop.inject_title', lang))}</h2>"),
            widgets.HBox([self.inject_kind, self.inject_to]), self.inject_text, self.inject_send,
            widgets.HTML(f"<h2>{html.escape(t('app.workshop.chart_console_title', lang))}</h2>"),
            self.chart,
            widgets.HTML(f"<h2>{html.escape(t('app.workshop.published_all_title', lang))}</h2>"),
            self.published,
            widgets.HTML(f"<h2>{html.escape(t('app.workshop.teams_title', lang))}</h2>"),
            self.teams,
            widgets.HTML(f"<h2>{html.escape(t('app.workshop.debrief_title', lang))}</h2>"),
            widgets.HBox([self.debrief_button, self.debrief_note],
                         layout=widgets.Layout(align_items="center", gap="12px")), self.debrief,
            widgets.HTML(f"<h2>{html.escape(t('app.workshop.links_title', lang))}</h2>"),
            self.links,
        ], layout=widgets.Layout(max_width=COLUMN, width="100%"))  # the stage pages' column
        self.add_class("cm-workshop-console")
        self.go_live(view, live)

    # --- acting ----------------------------------------------------------------------------

    def _control(self, name: str) -> None:
        getattr(self.workshop, name)()  # start, pause, resume, advance, end: stored on return
        self.status.info(t(f"app.workshop.done.{name}", self.lang))
        self.poll(force=True)

    def _inject(self) -> None:
        what = self.inject_text.value.strip() or self.inject_kind.value
        if not what:
            self.status.info(t("app.workshop.error.text_needed", self.lang))
            return
        team = self.inject_to.value or None
        self.workshop.inject(what, team_id=team)
        self.inject_text.value, self.inject_kind.value = "", ""
        names = dict((v, k) for k, v in self.inject_to.options)
        self.status.info(t("app.workshop.injected", self.lang, to=names.get(team or "", "")))
        self.poll(force=True)

    def show_debrief(self) -> None:
        from cmtraining.apps.workshop_debrief_view import debrief_html
        from cmtraining.workshop import debrief

        if self.workshop.status != "ended":
            self.status.info(t("app.workshop.debrief_needs_end", self.lang))
            return
        self.status.info(t("app.workshop.debriefing", self.lang, runs=self.debrief_runs))
        result = debrief(self.workshop, self.lang, runs=self.debrief_runs)
        self.debrief.value = debrief_html(result, self.lang)
        self.status.info(t("app.workshop.done.debrief", self.lang))

    # --- showing the store's state ---------------------------------------------------------

    def read_view(self):
        return self.workshop.console_view(self.lang)

    def render(self, view) -> None:
        lang = self.lang
        self.show_clock(view)
        for name, button in self.buttons.items():
            button.disabled = view.status not in CONTROLS[name]
        self.buttons["advance"].layout.display = None if view.seconds_left is None else "none"
        open_ = view.status in ("running", "paused")
        for widget in (self.inject_kind, self.inject_text, self.inject_to, self.inject_send):
            widget.disabled = not open_
        options = [(t("app.workshop.inject_all", lang), "")] + [
            (team["name"], team["team_id"]) for team in view.teams]
        if list(self.inject_to.options) != options:  # the choice kept, else "all teams"
            keep = self.inject_to.value
            self.inject_to.options = options
            self.inject_to.value = keep if keep in dict(map(reversed, options)) else ""
        self.debrief_button.disabled = view.status != "ended"
        # a greyed-out button says why beside it, not only in a message after a click
        self.debrief_note.layout.display = "none" if view.status == "ended" else None
        self.links.value = self._links_html(view)
        self.teams.value = self._teams_html(view)
        self.published.value = _published_html(view.published, lang, ended=view.status == "ended")
        names = {team["team_id"]: team["name"] for team in view.teams}
        curves: dict[str, tuple[list, list]] = {names[tid]: ([], []) for tid in names}
        for point in view.curves:
            minutes, reach = curves.setdefault(names.get(point["team_id"], point["team_id"]),
                                               ([], []))
            minutes.append(point["minute"])
            reach.append(point["negative_reach"])
        key = tuple((name, tuple(m), tuple(r)) for name, (m, r) in curves.items())
        if key != self._curve_key:
            self._curve_key = key
            self.chart.value = reach_png(curves, lang, view.duration, title="")  # under its h2

    def _links_html(self, view) -> str:
        lang = self.lang
        rows = []
        for team in view.teams:
            roles = " · ".join(
                f"<a class='cm-ws-team-link' data-team='{html.escape(team['team_id'])}' "
                f"data-role='{role}' href='{html.escape(page_link(team['token'], lang, role))}'>"
                f"{html.escape(t(f'app.workshop.role.{role}', lang))}</a>"
                for role in self.workshop.config.roles)
            rows.append(f"<li><b>{html.escape(team['name'])}</b>: {roles}</li>")
        return f"{LINK_STYLE}<ul>{''.join(rows)}</ul>"

    def _teams_html(self, view) -> str:
        """Each team's timeline in a column of its own, side by side."""
        lang = self.lang
        columns = []
        for team in view.teams:
            from cmtraining.core.numbers import count

            reach = count(round(team.get("negative_reach") or 0), lang)
            columns.append(
                f"<div class='cm-ws-team' data-team='{html.escape(team['team_id'])}' "
                f"style='flex:1 1 0;min-width:16em'><h3>{html.escape(team['name'])}</h3>"
                f"<p class='cm-muted cm-ws-team-reach'>"
                f"{html.escape(t('app.workshop.reach_played', lang, minute=view.minute, reach=reach))}"
                f"</p>"
                + events_html(view.timelines.get(team["team_id"], []), lang,
                              "cm-ws-team-timeline", team["name"]) + "</div>")
        return (f"<div class='cm-ws-columns' style='display:flex;flex-wrap:wrap;gap:1em;"
                f"align-items:flex-start;max-width:100%'>{''.join(columns)}</div>")


def _published_html(published: list[dict], lang: str, *, ended: bool = False) -> str:
    if not published:  # "Nada todavía" while it runs; once ended, nothing will come
        key = "app.workshop.nothing_published" if ended else "app.workshop.nothing_yet"
        return f"<p class='cm-muted'>{html.escape(t(key, lang))}</p>"
    rows = []
    for item in published:
        role = t(f"app.workshop.role.{item.get('role')}", lang)
        kind = t(f"crisis.action.{item.get('kind')}", lang)
        rows.append(
            f"<tr data-team='{html.escape(str(item.get('team_id')))}'>"
            f"<td>{html.escape(str(item.get('team') or ''))}</td>"
            f"<td>{html.escape(minute_label(int(item.get('minute') or 0), lang))}</td>"
            f"<td>{html.escape(role)}</td><td>{html.escape(kind)}</td>"
            f"<td class='cm-text'>{html.escape(str(item.get('text') or ''))}</td></tr>")
    head = "".join(f"<th>{html.escape(t(k, lang))}</th>" for k in (
        "app.workshop.team", "app.workshop.minute", "app.workshop.role_column", "app.workshop.kind",
        "app.workshop.text_column"))
    return f"<table class='cm-table cm-ws-published-table'><tr>{head}</tr>{''.join(rows)}</table>"
