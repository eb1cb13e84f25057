"""Pieces the workshop's pages share: the live refresh, links, the timeline's HTML.

The store is the truth: each page (one Voila kernel each) re-reads its view
every few seconds and redraws only when it changed, so two browsers of the
same team, and the facilitator's console, show the same state, and a page
reloaded after a server restart shows where the team was.
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Callable
from datetime import datetime

import ipywidgets as widgets

from cmtraining.apps.common import Status, link
from cmtraining.i18n import catalogue, t

log = logging.getLogger("cmtraining.apps")

NOTEBOOK = "91-crisis-workshop"
#: links read as links on the workshop's pages (the shared style covers `.cm-app` only)
LINK_STYLE = ("<style>.cm-workshop-team a,.cm-workshop-console a"
              "{color:#0b57d0;text-decoration:underline}"
              # nothing runs past the content column: a width of 100% plus a border or padding
              # (textarea, images, the teams' columns) overflowed it by the border and padding
              ".cm-workshop-team,.cm-workshop-console,.cm-workshop-team *,.cm-workshop-console *"
              "{box-sizing:border-box}"
              ".cm-workshop-team img,.cm-workshop-console img,.cm-workshop-team textarea,"
              ".cm-workshop-console textarea,.cm-ws-columns,.cm-ws-teams,.cm-ws-published table"
              "{max-width:100%}</style>")
#: seconds between two readings of the store by a page (a SQLite read: a few milliseconds)
POLL_SECONDS = 2.0


class LiveRefresh:
    """Call `poll` every `interval` seconds on the kernel's event loop, while it runs.

    A kernel-side timer rather than browser polling: the widgets a poll
    changes reach the page as ordinary widget updates. Outside a running
    event loop (a test, papermill's end of run) nothing is scheduled and
    `poll` is called by hand.
    """

    def __init__(self, poll: Callable[[], object], report: Callable[[BaseException], None],
                 interval: float = POLL_SECONDS):
        self.poll, self.report, self.interval = poll, report, interval
        self.task: asyncio.Task | None = None

    def start(self) -> bool:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return False
        if self.task is None or self.task.done():
            self.task = loop.create_task(self._run())
        return True

    def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                self.poll()
            except Exception as exc:  # noqa: BLE001 - shown on the page, the loop goes on
                self.report(exc)


class LivePage:
    """What every workshop page (a team member's, the facilitator's console) does with the
    store: a status line, the clock, a refresh button, and a poll that redraws on change.

    Mixed into an ipywidgets box that sets `workshop` and `lang`, calls
    `live_widgets()` before building its children, defines `read_view()` (its
    view of the store) and `render(view)` (which calls `show_clock(view)`),
    and ends its `__init__` with `go_live(view, live)`.
    """

    def live_widgets(self) -> None:
        lang = self.lang
        self.view = None
        self._curve_key: tuple | None = None  # what the chart shows (a chart is slow to draw)
        self.status = Status(lang)
        self.state = widgets.HTML()
        self.clock = widgets.HTML()
        self.clock.add_class("cm-ws-clock")
        self.countdown = widgets.HTML()
        self.refresh_button = widgets.Button(description=t("app.workshop.refresh", lang),
                                             icon="refresh")
        self.refresh_button.add_class("cm-ws-refresh")
        self.refresh_button.on_click(lambda _: self.refresh())

    def go_live(self, view, live: bool) -> None:
        """Draw `view`, mark the page ready (what a test or a screen reader waits for) and
        re-read the store every few seconds when `live`."""
        self.render(view)
        self.countdown.value = countdown_html(view, self.lang)
        self.add_class("cm-workshop-ready")
        self.live = LiveRefresh(self.poll, self.status.failure)
        if live:
            self.live.start()

    def read_view(self):
        raise NotImplementedError

    def render(self, view) -> None:
        raise NotImplementedError

    def poll(self, force: bool = False) -> bool:
        """Move a real-time clock if its turn is up, re-read the view, redraw if it changed
        (or when asked). True if redrawn."""
        advance_if_due(self.workshop, self.view)
        view = self.read_view()
        self.countdown.value = countdown_html(view, self.lang)
        if not force and same_view(view, self.view):
            return False
        self.render(view)
        return True

    def refresh(self) -> None:
        """The "refresh" button: read the store now, and say when."""
        self.poll(force=True)
        self.status.info(t("app.workshop.refreshed", self.lang,
                           time=datetime.now().strftime("%H:%M:%S")))

    def show_clock(self, view) -> None:
        """Keep `view` as the one shown; its status and clock (turn and minute as data)."""
        lang = self.lang
        self.view = view
        self.state.value = status_html(view.status, lang)
        clock = t("app.workshop.clock", lang, minute=view.minute, end=view.duration,
                  turn=view.turn)
        self.clock.value = (f"<h3 class='cm-ws-clock-text' data-turn='{view.turn}' "
                            f"data-minute='{view.minute}'>{html.escape(clock)}</h3>")


def page_link(token: str, lang: str, role: str = "", **extra) -> str:
    """A relative link to the workshop page for this token (and role)."""
    return link(NOTEBOOK, {"workshop_token": token, "role": role, "lang": lang, **extra})


def minute_label(minute: int, lang: str) -> str:
    return f"{minute} {t('app.workshop.minute', lang)}"


def event_html(event: dict, lang: str, actor: str) -> str:
    """One item of a timeline or inbox: who (`actor` for the team's own actions), when, what."""
    kind = str(event.get("kind") or "")
    if kind == "arrivals":  # a minute's messages, told once (they are in the inbox)
        return (f"<p class='cm-ws-arrivals cm-muted' data-minute='{int(event['minute'])}' "
                f"style='margin:.3em 0'>{html.escape(minute_label(int(event['minute']), lang))}"
                f" · {html.escape(t('app.workshop.arrivals', lang, count=event['count']))}</p>")
    if kind.startswith("action:") or event.get("draft_id") is not None:
        action = kind.split(":", 1)[1] if kind.startswith("action:") else kind
        who = actor + " · " + t(f"crisis.action.{action}", lang)
        if event.get("strategy"):
            who += " (" + t(f"crisis.strategy.{event['strategy']}", lang) + ")"
        if event.get("reply_to"):
            who += " " + t("crisis.play.to", lang, author=event["reply_to"])
        css, colour = "cm-ws-action", "#0072B2"
    elif kind in ("opening", "message"):
        who, css, colour = str(event.get("author") or ""), f"cm-ws-{kind}", "#bbbbbb"
    else:
        who, css, colour = _inject_label(event, lang), "cm-ws-inject", "#D55E00"
    return (f"<blockquote class='{css}' style='border-left:4px solid {colour};margin:.3em 0;"
            f"padding:.2em .7em'><span class='cm-muted'>{html.escape(who)} · "
            f"{html.escape(minute_label(int(event.get('minute') or 0), lang))}</span><br>"
            f"{html.escape(str(event.get('text') or ''))}</blockquote>")


def _inject_label(event: dict, lang: str) -> str:
    """An inject's label: the facilitator's own (its text's words: "pregunta una periodista"
    over "Una periodista escribe…"), else the scenario's kinds (stage 5)."""
    if event.get("label"):
        return str(event["label"])
    kind = str(event.get("type") or event.get("kind") or "")
    for key in (f"crisis.inject.{kind}", f"workshop.inject.label.{kind}"):
        if key in catalogue(lang):
            return t(key, lang)
    return t("workshop.inject.label.facilitator", lang)


def condensed(events: list[dict]) -> list[dict]:
    """A timeline beside the inbox: the public's messages of a minute become one line.

    The team's page shows every message in its inbox; repeating each one in the
    timeline listed the same texts twice (sweep 4). What the team did and what the
    facilitator injected stay whole.
    """
    out: list[dict] = []
    for event in events:
        if str(event.get("kind") or "") in ("opening", "message"):
            last = out[-1] if out else None
            if last and last["kind"] == "arrivals" and last["minute"] == event["minute"]:
                last["count"] += 1
                continue
            out.append({"kind": "arrivals", "minute": event["minute"], "count": 1})
        else:
            out.append(event)
    return out


def events_html(events: list[dict], lang: str, css: str, actor: str) -> str:
    if not events:
        return f"<p class='{css} cm-muted'>{html.escape(t('app.workshop.nothing_yet', lang))}</p>"
    return f"<div class='{css}'>" + "".join(event_html(e, lang, actor) for e in events) + "</div>"


def status_html(status: str, lang: str) -> str:
    colour = {"running": "#137333", "paused": "#b58900", "ended": "#5f6368"}.get(status, "#0b57d0")
    return (f"<p class='cm-ws-status' data-status='{html.escape(status)}' "
            f"style='font-weight:600;color:{colour}'>"
            f"{html.escape(t(f'app.workshop.status.{status}', lang))}</p>")


def same_view(view, previous) -> bool:
    """Whether nothing a page shows changed, the real-time countdown aside."""
    if previous is None:
        return False
    return {**view.__dict__, "seconds_left": None} == {**previous.__dict__, "seconds_left": None}


def countdown_html(view, lang: str) -> str:
    """Real seconds left in the turn, when turns run on real time (else nothing)."""
    if view.seconds_left is None or view.status != "running":
        return ""
    seconds = max(0, round(view.seconds_left))
    return (f"<p class='cm-ws-countdown cm-muted'>"
            f"{html.escape(t('app.workshop.seconds_left', lang, seconds=seconds))}</p>")


def advance_if_due(workshop, view) -> None:
    """Move a real-time clock whose turn is up (the engine lets one page of many do it)."""
    if view is not None and view.status == "running" and view.seconds_left is not None:
        workshop.advance_if_due()
