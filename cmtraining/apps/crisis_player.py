"""Stage 5, second half: the live crisis exercise, turn by turn, then the debrief.

Each turn shows the messages and injects that arrive, charts of the simulated
public so far, and a form for the organization's actions (statements with an
SCCT strategy, replies, private messages, escalation), each text checked by
the reply checker in crisis mode. "Finish" scores the run, runs the Monte
Carlo debrief, saves the run to the workbook and offers the after-action report.
"""

from __future__ import annotations

import base64
import html
from typing import get_args

import ipywidgets as widgets

from cmtraining.apps.common import choice
from cmtraining.apps.drawing import chart_image
from cmtraining.apps.findings_view import findings_list, findings_table
from cmtraining.core.errors import CmtrainingError
from cmtraining.core.text import first_upper
from cmtraining.crisis.protocol import channel_label
from cmtraining.i18n import t
from cmtraining.workbook.sections_crisis import (
    FAMILY,
    STATEMENT_ACTIONS,
    CrisisChannel,
    Strategy,
)

ACTION_KINDS = ("statement", "pin_post", "update", "reply", "private_message", "escalate", "wait")
TEXT_KINDS = ("statement", "pin_post", "update", "reply", "private_message")
ANSWER_KINDS = ("reply", "private_message")
SCORE_COMPONENTS = ("timing", "fit", "consistency", "quality", "outcome")


class ExercisePlayer(widgets.VBox):
    """Plays the scenario through `app` (a StageApp: `session`, `status`, `append_item`)."""

    def __init__(self, app, *, debrief_runs: int | None = None):
        super().__init__()
        self.app, self.session, self.lang = app, app.session, app.lang
        self.status, self.debrief_runs = app.status, debrief_runs
        self.params = self.session.params
        self.exercise = None
        self.pending: list[dict] = []
        lang = self.lang
        self.add_class("cm-exercise")
        self.start = widgets.Button(description=t("app.crisis.start", lang), icon="play",
                                    button_style="danger")
        self.start.add_class("cm-start")
        self.start.on_click(lambda _: self._start())
        self.clock = widgets.HTML()
        self.clock.add_class("cm-clock")
        self.inbox = widgets.HTML()
        self.inbox.add_class("cm-crisis-inbox")
        self.chart = chart_image()
        self.kind = widgets.Dropdown(options=[(first_upper(t(f"crisis.action.{k}", lang)), k)
                                              for k in ACTION_KINDS], value="statement",
                                     description=t("app.crisis.kind", lang))
        # the specific strategies: a family's name alone says less than the trainee can
        self.strategy = choice(
            [(t("app.crisis.strategy_none", lang), None)] + [(t(f"crisis.strategy.{s}", lang), s)
                                     for s in get_args(Strategy) if FAMILY[s] != s], None,
            description=t("app.crisis.strategy", lang),
            style={"description_width": "initial"})
        self.channel = widgets.Dropdown(options=[(channel_label(c, lang), c)
                                                 for c in get_args(CrisisChannel)],
                                        description=t("app.crisis.channel_label", lang))
        # the post a reply or private message answers (issue 21.1): its author and text are checked
        self.reply_to = widgets.Dropdown(options=[], description=t("app.crisis.play.reply_to", lang),
                                         style={"description_width": "initial"},
                                         layout=widgets.Layout(width="auto"),
                                         tooltip=t("app.crisis.play.reply_to_help", lang))
        self.reply_to.add_class("cm-reply-to")
        self.kind.observe(lambda _: self._show_kind_fields(), names="value")
        self.kind.add_class("cm-action-kind")
        self.strategy.add_class("cm-strategy")
        self.text = widgets.Textarea(placeholder=t("app.crisis.text_placeholder", lang),
                                     layout=widgets.Layout(width="auto", height="5em"))
        self.text.add_class("cm-crisis-text")
        self.add = widgets.Button(description=t("app.crisis.add", lang), icon="plus")
        self.add.add_class("cm-add-action")
        self.add.on_click(lambda _: self._add_action())
        self.pending_view = widgets.HTML()
        self.pending_view.add_class("cm-pending")
        self.end_turn = widgets.Button(description=t("app.crisis.end_turn", lang),
                                       icon="forward", button_style="primary")
        self.end_turn.add_class("cm-end-turn")
        self.end_turn.on_click(lambda _: self._end_turn())
        self.finish = widgets.Button(description=t("app.crisis.finish", lang),
                                     icon="flag-checkered")
        self.finish.add_class("cm-finish")
        self.finish.on_click(lambda _: self._finish())
        self.score = widgets.HTML()
        self.score.add_class("cm-crisis-score")
        self.debrief = widgets.HTML()
        self.debrief.add_class("cm-debrief")
        self.play = widgets.VBox([
            self.clock, self.inbox, self.chart,
            widgets.HBox([self.kind, self.strategy]), self.reply_to, self.channel, self.text,
            widgets.HBox([self.add, self.end_turn, self.finish]), self.pending_view])
        self.play.layout.display = "none"
        self.intro = widgets.HTML(self._intro_html())
        self.children = [self.intro, self.start, self.play, self.score, self.debrief]

    def scenario_id(self) -> str:
        from cmtraining.crisis.scenarios import default_scenario

        return self.params.get("scenario") or default_scenario(self.session.workbook.org_id)

    def _intro_html(self) -> str:
        from cmtraining.crisis.scenarios import load_scenario

        lang = self.lang
        try:
            s = load_scenario(self.scenario_id())
        except CmtrainingError as exc:
            return f"<p><b>{html.escape(exc.message(lang))}</b> · </p><p></p>"
        org = self.session.workbook.profile.name
        return (f"<p><b>{html.escape(s.title.get(lang, org=org))}</b> · "
                f"{html.escape(t(f'crisis.cluster.{s.cluster}', lang))}</p>"
                f"<p>{html.escape(s.summary.get(lang, org=org))}</p>")

    def _start(self) -> None:
        from cmtraining.crisis.exercise import Exercise

        params = self.params
        try:
            self.exercise = Exercise(self.scenario_id(), lang=self.lang,
                                     seed=params.get("seed", 1),
                                     graph_size=params.get("graph_size", 3000),
                                     minutes_per_turn=params.get("minutes_per_turn") or None,
                                     org_name=self.session.workbook.profile.name)
        except CmtrainingError as exc:
            self.status.error(exc)
            return
        self.start.disabled = True
        if self.exercise.scenario.network in get_args(CrisisChannel):
            self.channel.value = self.exercise.scenario.network  # where the crisis broke out
        self.play.layout.display = None
        self.score.value = self.debrief.value = ""
        self._render_turn()

    def _render_turn(self) -> None:
        """The clock, the timeline so far (it only grows), the chart and the form."""
        from cmtraining.apps.crisis_charts import live_png

        ex, lang = self.exercise, self.lang
        clock = t("app.crisis.clock", lang, minute=ex.minute, end=ex.duration,
                  turn=len(ex.turns) + 1)
        self.clock.value = f"<h3>{html.escape(clock)}</h3>"
        fresh = {item["id"] for item in ex.incoming()}
        rows = [self._event_html(event, new=event.get("id") in fresh) for event in ex.timeline()]
        self.inbox.value = (f"<b>{html.escape(t('app.crisis.play.feed_title', lang))}</b>"
                            + "".join(rows))
        posts = [(_post_label(p), p["id"]) for p in reversed(ex.posts())]
        keep, ids = self.reply_to.value, [p[1] for p in posts]
        self.reply_to.options = posts
        if ids:  # never a blank choice: the post being answered stays chosen, else the latest
            self.reply_to.value = keep if keep in ids else ids[0]
        self._show_kind_fields()
        self.chart.value = live_png(ex.live(), lang, ex.duration)
        self._render_pending()
        if ex.done:
            self.end_turn.disabled = True

    def _event_html(self, event: dict, *, new: bool) -> str:
        lang, kind = self.lang, event["kind"]
        if kind.startswith("action:"):
            who = t("app.crisis.play.you", lang) + " · " + t(f"crisis.action.{kind[7:]}", lang)
            if event.get("strategy"):
                who += " (" + t(f"crisis.strategy.{event['strategy']}", lang) + ")"
            if event.get("reply_to"):
                who += " " + t("crisis.play.to", lang, author=event["reply_to"])
            if event.get("score") is not None:
                who += f" · {round(event['score'])}/100"
            style, css = "border-left:4px solid #0072B2;margin-left:2em", "cm-action"
        else:
            inject = kind not in ("opening", "message")
            who = t(f"crisis.inject.{kind}", lang) if inject else event.get("author") or ""
            style = ("border-left:4px solid #D55E00" if kind != "message"
                     else "border-left:4px solid #ccc")
            css = f"cm-item cm-{'inject' if inject else kind}"
        css += " cm-new" if new else ""
        weight = "font-weight:600;" if new else ""
        return (f"<blockquote class='{css}' style='{style};padding:.2em .7em;{weight}'>"
                f"<span class='cm-muted'>{html.escape(str(who))} · {event['minute']} min</span>"
                f"<br>{html.escape(event.get('text') or '')}</blockquote>")

    def _show_kind_fields(self) -> None:
        """A strategy for statements, the post answered for replies and private messages."""
        kind = self.kind.value
        self.strategy.layout.display = None if kind in STATEMENT_ACTIONS else "none"
        self.reply_to.layout.display = None if kind in ANSWER_KINDS else "none"

    def _add_action(self) -> None:
        kind = self.kind.value
        action = {"kind": kind, "channel": self.channel.value, "lang": self.lang}
        if kind in STATEMENT_ACTIONS and self.strategy.value:
            action["strategy"] = self.strategy.value
        if kind in ANSWER_KINDS:
            action["reply_to"] = self.reply_to.value
        if kind in TEXT_KINDS:
            action["text"] = self.text.value.strip()
            if not action["text"]:
                self.status.info(t("app.crisis.text_needed", self.lang))
                return
            try:
                review = self.exercise.check_text(action["text"], kind=kind,
                                                  channel=self.channel.value,
                                                  reply_to=action.get("reply_to"),
                                                  strategy=action.get("strategy"))
            except CmtrainingError as exc:
                self.status.error(exc)
                return
            action["_review"] = review
        self.pending.append(action)
        self.text.value = ""
        self._render_pending()

    def _render_pending(self) -> None:
        lang = self.lang
        authors = {p["id"]: p["author"] for p in self.exercise.posts()} if self.exercise else {}
        parts = []
        for a in self.pending:
            line = html.escape(t(f"crisis.action.{a['kind']}", lang))
            if a.get("strategy"):
                line += " · " + html.escape(t(f"crisis.strategy.{a['strategy']}", lang))
            if a.get("text"):
                review = a["_review"]
                checked = (t("app.crisis.play.checked_as_reply", lang,
                             author=authors.get(a.get("reply_to") or "opening", ""))
                           if a.get("kind") in ANSWER_KINDS
                           else t("app.crisis.play.checked_as_statement", lang))
                line += (f"<br><i>{html.escape(a['text'])}</i><br><b>{review.score:.0f}/100</b>"
                         f" <span class='cm-muted'>{html.escape(checked)}</span>"
                         + findings_list([f for f in review.findings if f.level != "ok"][:4],
                                         lang))
            parts.append(f"<li>{line}</li>")
        title = html.escape(t("app.crisis.pending", lang))
        self.pending_view.value = f"<b>{title}</b><ol>{''.join(parts)}</ol>" if parts else ""

    def _end_turn(self) -> None:
        actions = [{k: v for k, v in a.items() if k != "_review"} for a in self.pending]
        try:
            self.exercise.act(actions)
        except CmtrainingError as exc:
            self.status.error(exc)
            return
        self.pending = []
        self._render_turn()

    def _finish(self) -> None:
        from cmtraining.crisis.after_action import after_action_html, sections

        if self.exercise is None:
            return
        if self.pending:
            self._end_turn()
        lang = self.lang
        kwargs = {"runs": self.debrief_runs} if self.debrief_runs else {}
        self.status.info(t("app.crisis.debriefing", lang))
        debrief = self.exercise.finish(**kwargs)
        data = sections(self.exercise, debrief, lang)
        report = after_action_html(self.exercise, debrief, lang)
        href = "data:text/html;base64," + base64.b64encode(report.encode("utf-8")).decode("ascii")
        best = t("crisis.aar.best", lang, strategy=data["best"])
        recommended = t("crisis.aar.recommended", lang, strategy=data["recommended"])
        self.debrief.value = (
            "".join(f"<p class='cm-cf'>{html.escape(cf['text'])}</p>"
                    for cf in data["counterfactuals"])
            + f"<p class='cm-best'>{html.escape(best)}</p>"
            + f"<p>{html.escape(recommended)} {html.escape(data['reason'])}</p>"
            + f"<p class='cm-reconcile'>{html.escape(data['reconcile'])}</p>"
            + f"<a class='cm-aar' download='after-action-report.html' href='{href}'>"
            + f"{html.escape(t('app.crisis.download_aar', lang))}</a>")

        def component(finding) -> str:
            name = finding.code.split(".")[-1]
            return t(f"crisis.score.component.{name}", lang) if name in SCORE_COMPONENTS else ""

        # the score last: whoever waits for it finds the debrief already there
        total = t("crisis.aar.score", lang, score=round(debrief.score.total))
        self.score.value = (f"<h3>{html.escape(total)}</h3>"
                            + findings_table(debrief.score.findings, lang, label=component))
        self.end_turn.disabled = self.finish.disabled = self.add.disabled = True
        if not self.session.preview:
            if self.app.append_item("crisis_runs", debrief.run):
                self.status.info(t("app.crisis.saved", lang, score=round(debrief.score.total)))
        else:
            self.status.info(t("app.crisis.preview_not_saved", lang))


def _post_label(post: dict) -> str:
    """A post in the reply-to list: author, minute, the text cut at 70 characters."""
    text = post["text"] if len(post["text"]) <= 70 else post["text"][:69] + "…"
    return f"{post['author']} · {post['minute']} min · {text}"
