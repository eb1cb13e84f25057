"""A team's page in the live crisis workshop (issue 18): one person, one role.

The role is chosen at the top (each role is a link to its own page, so a
reload or a server restart brings the person back to the same role); then
the page shows the status (ready, running, paused by the facilitator,
ended), the clock, the inbox up to the current minute, the team's timeline
(it only grows), the team's negative-reach curve, and what the role does:
the lead drafts statements, the replies role answers posts and sends
private messages, the approval role publishes what waits in the queue,
monitoring watches. Everything comes from the engine's `TeamView` and goes
back through `Workshop.draft` / `approve`: this module only wires and shows.
"""

from __future__ import annotations

import html
from typing import get_args

import ipywidgets as widgets

from cmtraining.apps.common import choice, header
from cmtraining.apps.field_errors import COLUMN
from cmtraining.apps.workshop_charts import reach_png
from cmtraining.apps.workshop_live import (
    LINK_STYLE,
    NOTEBOOK,
    LivePage,
    condensed,
    events_html,
    minute_label,
    page_link,
)
from cmtraining.core.text import first_upper
from cmtraining.crisis.protocol import channel_label
from cmtraining.i18n import t
from cmtraining.workbook.sections_crisis import CrisisChannel, Strategy

#: the SCCT strategies a statement may name (the families' members, as in stage 5)
STATEMENT_STRATEGIES = tuple(s for s in get_args(Strategy)
                             if s not in ("base", "deny", "diminish", "rebuild", "bolster"))
#: what each role drafts on this page (the engine's ROLE_ACTIONS decides what it accepts)
FORM_KINDS = {"lead": ("statement", "pin_post", "update"),
              "replies": ("reply", "private_message")}


class WorkshopTeamApp(LivePage, widgets.VBox):
    """The page of one member of one team, in one role."""

    def __init__(self, workshop, team_id: str, *, token: str, role: str, lang: str,
                 live: bool = True):
        self.workshop, self.team_id, self.token, self.lang = workshop, team_id, token, lang
        view = workshop.team_view(team_id, lang)
        self.roles = tuple(view.roles)
        self.actor = t("app.workshop.you", lang)  # who did the team's actions, in its timeline
        self.role = role if role in self.roles else ""
        self.live_widgets()
        self.roles_bar = widgets.HTML(self._roles_html())
        self.roles_bar.add_class("cm-ws-roles")
        self.inbox = widgets.HTML()
        self.inbox.add_class("cm-ws-inbox-box")
        self.timeline = widgets.HTML()
        self.timeline.add_class("cm-ws-timeline-box")
        self.chart = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.chart.add_class("cm-ws-chart")
        self.pending = widgets.HTML()
        self.pending.add_class("cm-ws-pending-box")
        self.queue = widgets.VBox()
        self.queue.add_class("cm-ws-queue")
        self.form = self._form()
        unknown = (widgets.HTML(f"<p class='cm-error'>{html.escape(t('app.workshop.error.role_unknown', lang, value=role))}</p>")
                   if role and not self.role else widgets.HTML())
        params = {"workshop_token": token, "role": self.role}
        children = [
            header(t("app.workshop.team_title", lang, team=view.team_name),
                   t("app.workshop.intro_team", lang), NOTEBOOK, params, lang),
            unknown, self.roles_bar, self.state, self.clock, self.countdown,
        ]
        if self.role:
            children += [self.form, self.queue, self.pending, self.status,
                         self.refresh_button, self.chart, self.inbox, self.timeline]
        super().__init__(children, layout=widgets.Layout(max_width=COLUMN, width="100%"))
        self.add_class("cm-workshop-team")
        self.add_class(f"cm-ws-role-{self.role or 'none'}")
        self.go_live(view, live and bool(self.role))

    # --- the role --------------------------------------------------------------------------

    def _roles_html(self) -> str:
        """Without a role: every role, what it does, a link each. With one: a single line."""
        lang = self.lang
        if self.role:
            others = " · ".join(
                f"<a class='cm-ws-role' data-role='{role}' "
                f"href='{html.escape(page_link(self.token, lang, role))}'>"
                f"{html.escape(t(f'app.workshop.role.{role}', lang))}</a>"
                for role in self.roles if role != self.role)
            current = html.escape(t(f"app.workshop.role.{self.role}", lang))
            does = html.escape(role_does(self.workshop, self.role, lang))
            return (f"{LINK_STYLE}<p>{html.escape(t('app.workshop.role_title', lang))}: "
                    f"<b class='cm-ws-role-current' data-role='{self.role}'>{current}</b> · "
                    f"<span class='cm-muted'>{does}</span><br><span class='cm-muted'>"
                    f"{html.escape(t('app.workshop.change_role', lang))}</span> {others}</p>")
        items = []
        for role in self.roles:
            label = html.escape(t(f"app.workshop.role.{role}", lang))
            does = html.escape(role_does(self.workshop, role, lang))
            href = html.escape(page_link(self.token, lang, role))
            items.append(f"<li><a class='cm-ws-role' data-role='{role}' href='{href}'>"
                         f"{label}</a> · <span class='cm-muted'>{does}</span></li>")
        return (f"{LINK_STYLE}<h2>{html.escape(t('app.workshop.role_title', lang))}</h2>"
                f"<span class='cm-muted'>{html.escape(t('app.workshop.role_help', lang))}</span>"
                f"<ul>{''.join(items)}</ul>")

    def _form(self) -> widgets.VBox:
        """The drafting form of the lead and replies roles (empty for the others)."""
        lang = self.lang
        kinds = FORM_KINDS.get(self.role, ())
        self.kind = widgets.Dropdown(options=[(first_upper(t(f"crisis.action.{k}", lang)), k)
                                              for k in kinds] or [(t("app.workshop.kind_none", lang), "")],
                                     description=t("app.workshop.kind", lang))
        self.kind.add_class("cm-ws-kind")
        self.strategy = choice(
            [(t("app.workshop.strategy_none", lang), None)] + [(t(f"crisis.strategy.{s}", lang), s)
                                     for s in STATEMENT_STRATEGIES], None,
            description=t("app.workshop.strategy", lang),
            style={"description_width": "initial"})
        self.strategy.add_class("cm-ws-strategy")
        self.reply_to = widgets.Dropdown(options=[], description=t("app.workshop.reply_to", lang),
                                         layout=widgets.Layout(width="auto"),
                                         style={"description_width": "initial"})
        self.reply_to.add_class("cm-ws-reply-to")
        self.channel = widgets.Dropdown(options=[(channel_label(c, lang), c)
                                                 for c in get_args(CrisisChannel)],
                                        description=t("app.workshop.channel", lang))
        # "auto" fills the column less the widget's 2 px margins (100 % ran past it)
        self.text = widgets.Textarea(placeholder=t("app.workshop.text_placeholder", lang),
                                     layout=widgets.Layout(width="auto", height="6em"))
        self.text.add_class("cm-ws-text")
        self.send_button = widgets.Button(description=t("app.workshop.send_draft", lang), icon="send",
                                   button_style="primary")
        self.send_button.add_class("cm-ws-send")
        self.send_button.on_click(lambda _: self._send_draft())
        if self.role == "lead":
            self.reply_to.layout.display = "none"
            title = t("app.workshop.statement_title", lang)
        elif self.role == "replies":
            self.strategy.layout.display = "none"
            title = t("app.workshop.draft_title", lang)
        else:
            return widgets.VBox()
        box = widgets.VBox([widgets.HTML(f"<h2>{html.escape(title)}</h2>"),
                            widgets.HBox([self.kind, self.strategy]), self.reply_to,
                            self.channel, self.text, self.send_button])
        box.add_class("cm-ws-form")
        return box

    def _send_draft(self) -> None:
        text = self.text.value.strip()
        if not text:
            self.status.info(t("app.workshop.error.text_needed", self.lang))
            return
        action = {"kind": self.kind.value, "text": text, "channel": self.channel.value,
                  "lang": self.lang}
        if self.role == "lead" and self.strategy.value:
            action["strategy"] = self.strategy.value
        if self.role == "replies":
            action["reply_to"] = self.reply_to.value
        self.workshop.draft(self.team_id, self.role, action)  # the store has it on return
        self.text.value = ""
        self.status.info(t("app.workshop.draft_sent", self.lang,
                           what=t(f"crisis.action.{action['kind']}", self.lang)))
        self.poll(force=True)

    def _approve(self, draft_id) -> None:
        self.workshop.approve(self.team_id, self.role, draft_id)
        self.status.info(t("app.workshop.approved", self.lang))
        self.poll(force=True)

    def _send_back(self, draft_id) -> None:
        self.workshop.reject(self.team_id, self.role, draft_id)  # never published
        self.status.info(t("app.workshop.sent_back", self.lang))
        self.poll(force=True)

    # --- showing the store's state ---------------------------------------------------------

    def read_view(self):
        return self.workshop.team_view(self.team_id, self.lang)

    def render(self, view) -> None:
        lang, running = self.lang, view.status == "running"
        self.show_clock(view)
        self.inbox.value = (f"<h2>{html.escape(t('app.workshop.inbox_title', lang, minute=view.minute))}</h2>"
                            + events_html(view.inbox, lang, "cm-ws-inbox", self.actor))
        self.timeline.value = (f"<h2>{html.escape(t('app.workshop.timeline_title', lang))}</h2>"
                               + events_html(condensed(view.timeline), lang, "cm-ws-timeline",
                                             self.actor))
        self.pending.value = (f"<h2>{html.escape(t('app.workshop.pending_title', lang))}</h2>"
                              + _drafts_html(view.pending, lang, "cm-ws-pending"))
        posts = [(_post_label(p), p["id"]) for p in reversed(view.posts)]
        if [o[1] for o in self.reply_to.options] != [p[1] for p in posts]:
            keep = self.reply_to.value
            self.reply_to.options = posts
            ids = [p[1] for p in posts]
            if ids:  # the post being answered stays chosen; else the latest one
                self.reply_to.value = keep if keep in ids else ids[0]
        for widget in (self.send_button, self.text, self.kind, self.strategy, self.reply_to,
                       self.channel):
            widget.disabled = not running
        self._render_queue(view, running)
        curve = tuple((p["minute"], p["negative_reach"]) for p in view.curve)
        if curve != self._curve_key:  # a chart is slow to draw: only when it changed
            self._curve_key = curve
            reach = round(curve[-1][1]) if curve else 0
            from cmtraining.core.numbers import count

            self.chart.value = reach_png(
                {view.team_name: ([c[0] for c in curve], [c[1] for c in curve])}, lang,
                view.duration, title=t("app.workshop.chart_team_title", lang,
                                       reach=count(reach, lang),
                                       minute=curve[-1][0] if curve else 0))

    def _render_queue(self, view, running: bool) -> None:
        if self.role != "approval":
            return
        lang = self.lang
        rows: list[widgets.Widget] = [widgets.HTML(f"<h2>{html.escape(t('app.workshop.queue_title', lang))}</h2>")]
        if not view.pending:
            rows.append(widgets.HTML(f"<p class='cm-muted cm-ws-queue-empty'>"
                                     f"{html.escape(t('app.workshop.queue_empty', lang))}</p>"))
        for draft in view.pending:
            button = widgets.Button(description=t("app.workshop.approve", lang), icon="check",
                                    button_style="success", disabled=not running)
            button.add_class("cm-ws-approve")
            button.on_click(lambda _, d=draft["draft_id"]: self._approve(d))
            back = widgets.Button(description=t("app.workshop.send_back", lang), icon="undo",
                                  disabled=not running)
            back.add_class("cm-ws-send-back")
            back.on_click(lambda _, d=draft["draft_id"]: self._send_back(d))
            item = widgets.HTML(_drafts_html([draft], lang, "cm-ws-queue-item"))
            rows.append(widgets.VBox([item, widgets.HBox([button, back])]))
        self.queue.children = rows


def _drafts_html(drafts: list[dict], lang: str, css: str) -> str:
    if not drafts:
        return f"<p class='{css} cm-muted'>{html.escape(t('app.workshop.nothing_yet', lang))}</p>"
    parts = []
    for d in drafts:
        line = html.escape(t(f"app.workshop.role.{d['role']}", lang) + " · "
                           + t(f"crisis.action.{d['kind']}", lang))
        if d.get("strategy"):
            line += " · " + html.escape(t(f"crisis.strategy.{d['strategy']}", lang))
        if d.get("score") is not None:
            line += f" · <b>{round(d['score'])}/100</b>"
        line += f" · {html.escape(minute_label(int(d.get('minute') or 0), lang))}"
        parts.append(f"<li data-draft='{d['draft_id']}'>{line}<br>"
                     f"<i>{html.escape(str(d.get('text') or ''))}</i></li>")
    return f"<ul class='{css}'>{''.join(parts)}</ul>"


def role_does(workshop, role: str, lang: str) -> str:
    """What a role does, and when what it writes is published, as this workshop's protocol
    has it (`Workshop.needs_approval`): the words follow the code, not a guess."""
    text = t(f"app.workshop.role_does.{role}", lang)
    kind = {"lead": ("statements", "statement"), "replies": ("replies", "reply")}.get(role)
    if kind:
        how = "approved" if workshop.needs_approval(kind[1]) else "at_once"
        text += " " + t(f"app.workshop.role_publish.{kind[0]}_{how}", lang)
    return text


def _post_label(post: dict) -> str:
    text = str(post.get("text") or "")
    text = text if len(text) <= 70 else text[:69] + "…"
    return f"{post.get('author') or ''} · {post.get('minute', 0)} min · {text}"

