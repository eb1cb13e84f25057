"""Stage 5 app: the crisis protocol, then a live exercise with a computed public and a debrief.

The protocol is checked for gaps as it is edited (and can start from a
default drawn from the workbook). The exercise is turn-based: each turn
shows the messages and injects that arrive, charts of the simulated public
so far, and a form for the organization's actions (statements with an SCCT
strategy, replies, private messages, escalation), each text checked by the
reply checker in crisis mode. "Finish" scores the run, runs the Monte Carlo
debrief, saves the run to the workbook and offers the after-action report.
"""

from __future__ import annotations

import base64
import html
from typing import get_args

import ipywidgets as widgets

from cmtraining.apps.coherence_panel import coherence_panel
from cmtraining.apps.common import StageApp, Status, heading, labelled, stage_header
from cmtraining.apps.field_errors import COLUMN, FieldErrorsMixin
from cmtraining.apps.findings_view import findings_list, findings_table
from cmtraining.apps.rows import Column, RowsEditor
from cmtraining.errors import CmtrainingError
from cmtraining.i18n import t
from cmtraining.session import Session
from cmtraining.workbook.sections_crisis import (
    THRESHOLD_RANGE,
    CrisisChannel,
    Strategy,
    TriggerKind,
)

ACTION_KINDS = ("statement", "pin_post", "update", "reply", "private_message", "escalate", "wait")
TEXT_KINDS = ("statement", "pin_post", "update", "reply", "private_message")


class CrisisApp(FieldErrorsMixin, StageApp):
    def __init__(self, session: Session, *, debrief_runs: int | None = None):
        self.session, self.lang = session, session.lang
        lang, off = self.lang, session.preview
        self.params = session.params
        self.debrief_runs = debrief_runs
        self.status = Status(lang)
        self.exercise = None
        # --- protocol
        self.protocol_checks = widgets.HTML()
        self.protocol_checks.add_class("cm-protocol-checks")
        self.default_button = widgets.Button(description=t("crisis_app.default_protocol", lang),
                                             icon="magic", disabled=off)
        self.default_button.on_click(self._on_default)
        # a preview has nothing to save: it shows the default protocol, to look at
        example = off and not session.workbook.crisis_protocol.levels
        self.example_note = widgets.HTML(
            f"<p class='cm-muted'>{html.escape(t('crisis_app.example_shown', lang))}</p>" if example else "")
        if example:
            self.default_button.layout.display = "none"
        self.levels = widgets.VBox()
        self.triggers = widgets.VBox()
        self.contacts = widgets.VBox()
        self.plan = widgets.VBox()
        self._render_protocol_editors()
        # --- exercise
        self.start = widgets.Button(description=t("crisis_app.start", lang), icon="play",
                                    button_style="danger")
        self.start.add_class("cm-start")
        self.start.on_click(lambda _: self._start())
        self.clock = widgets.HTML()
        self.clock.add_class("cm-clock")
        self.inbox = widgets.HTML()
        self.inbox.add_class("cm-crisis-inbox")
        self.chart = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.kind = widgets.Dropdown(options=[(t(f"crisis_app.action.{k}", lang), k)
                                              for k in ACTION_KINDS], value="statement",
                                     description=t("crisis_app.kind", lang))
        self.strategy = widgets.Dropdown(
            options=[("—", None)] + [(t(f"crisis.strategy.{s}", lang), s) for s in get_args(Strategy)
                                     if s not in ("base", "deny", "diminish", "rebuild", "bolster")],
            value=None, description=t("crisis_app.strategy", lang),
            style={"description_width": "initial"})
        self.channel = widgets.Dropdown(options=[(self._channel_label(c), c)
                                                 for c in get_args(CrisisChannel)],
                                        description=t("crisis_app.channel_label", lang))
        # the post a reply or private message answers (issue 21.1): its author and text are checked
        self.reply_to = widgets.Dropdown(options=[], description=t("crisis_play.reply_to", lang),
                                         style={"description_width": "initial"},
                                         layout=widgets.Layout(width="100%"),
                                         tooltip=t("crisis_play.reply_to_help", lang))
        self.reply_to.add_class("cm-reply-to")
        self.kind.observe(lambda _: self._show_kind_fields(), names="value")
        self.kind.add_class("cm-action-kind")
        self.strategy.add_class("cm-strategy")
        self.text = widgets.Textarea(placeholder=t("crisis_app.text_placeholder", lang),
                                     layout=widgets.Layout(width="100%", height="5em"))
        self.text.add_class("cm-crisis-text")
        self.add = widgets.Button(description=t("crisis_app.add", lang), icon="plus")
        self.add.add_class("cm-add-action")
        self.add.on_click(lambda _: self._add_action())
        self.pending_view = widgets.HTML()
        self.pending_view.add_class("cm-pending")
        self.end_turn = widgets.Button(description=t("crisis_app.end_turn", lang),
                                       icon="forward", button_style="primary")
        self.end_turn.add_class("cm-end-turn")
        self.end_turn.on_click(lambda _: self._end_turn())
        self.finish = widgets.Button(description=t("crisis_app.finish", lang), icon="flag-checkered")
        self.finish.add_class("cm-finish")
        self.finish.on_click(lambda _: self._finish())
        self.score = widgets.HTML()
        self.score.add_class("cm-crisis-score")
        self.debrief = widgets.HTML()
        self.debrief.add_class("cm-debrief")
        self.pending: list[dict] = []
        self.play = widgets.VBox([
            self.clock, self.inbox, self.chart,
            widgets.HBox([self.kind, self.strategy]), self.reply_to, self.channel, self.text,
            widgets.HBox([self.add, self.end_turn, self.finish]), self.pending_view])
        self.play.layout.display = "none"

        scenario = self._scenario()
        intro = (f"<p><b>{html.escape(scenario.get('title', ''))}</b> · "
                 f"{html.escape(scenario.get('cluster', ''))}</p>"
                 f"<p>{html.escape(scenario.get('summary', ''))}</p>")
        children = stage_header(session, "crisis", "crisis_app.intro", "05-crisis")
        children.append(coherence_panel(self, "crisis"))  # issue 15: coherence
        children += [
            heading("crisis_app.protocol_title", lang, "crisis_app.protocol_help"),
            self.default_button, self.example_note, self.protocol_checks, self.levels,
            self.triggers, self.contacts,
            self.plan,
            heading("crisis_app.exercise_title", lang, "crisis_app.exercise_help"),
            widgets.HTML(intro), self.start, self.play, self.score, self.debrief, self.status,
        ]
        super().__init__(children, layout=widgets.Layout(max_width=COLUMN))
        self.add_class("cm-crisis-app")
        self.refresh()

    # --- protocol -----------------------------------------------------------------

    def refresh(self) -> None:
        from cmtraining.crisis.protocol import check_protocol

        protocol = self._shown_protocol()
        self.protocol_checks.value = findings_list(
            [f for f in check_protocol(protocol, self.lang,
                                       org_language=self.session.workbook.profile.language)
             if f.level != "ok"] or check_protocol(protocol, self.lang)[:1], self.lang)

    def _shown_protocol(self):
        """The workbook's protocol; in an empty preview, the default one (never saved)."""
        from cmtraining.crisis.protocol import default_protocol

        wb = self.session.workbook
        if self.session.preview and not wb.crisis_protocol.levels:
            return default_protocol(wb, self.lang)
        return wb.crisis_protocol

    def _render_protocol_editors(self) -> None:
        lang, protocol, off = self.lang, self._shown_protocol(), self.session.preview
        levels = [{"level": lv.level, "name": lv.name, "owner": lv.owner,
                   "monitor_minutes": lv.monitor_minutes or 0,
                   "statement_es": lv.holding_statement.get("es", ""),
                   "statement_en": lv.holding_statement.get("en", "")} for lv in protocol.levels]
        self.level_rows = RowsEditor([
            Column("level", "crisis_app.col.level", kind="number", default=1.0, width="70px"),
            Column("name", "crisis_app.col.name", width="150px"),
            Column("owner", "crisis_app.col.owner", width="150px"),
            Column("monitor_minutes", "crisis_app.col.monitor", kind="number", default=60.0,
                   width="100px"),
            # holding statements are paragraphs: text areas, not 190 px one-liners (issue 19.7)
            Column("statement_es", "crisis_app.col.statement_es", kind="textarea", width="440px"),
            Column("statement_en", "crisis_app.col.statement_en", kind="textarea", width="440px"),
        ], levels, lang, self._save_levels, disabled=off)
        yes_no = ((t("response.yes", lang), True), (t("response.no", lang), False))
        self.contact_rows = RowsEditor([
            Column("role", "crisis_app.col.role", width="160px"),
            Column("name", "crisis_app.col.person", width="160px"),
            Column("reach_by", "crisis_app.col.reach_by", width="180px"),
            Column("after_hours", "crisis_app.col.after_hours", kind="choice", options=yes_no,
                   default=False, width="110px"),
            Column("legal", "crisis_app.col.legal", kind="choice", options=yes_no, default=False,
                   width="90px"),
        ], [c.model_dump(include={"role", "name", "reach_by", "after_hours", "legal"})
            for c in protocol.contacts], lang, self._save_contacts, disabled=off)
        self.levels.children = [widgets.HTML(f"<h3>{html.escape(t('crisis_app.levels', lang))}</h3>"),
                                self.level_rows]
        triggers = [{"level": float(lv.level), "kind": tr.kind,
                     "threshold": tr.threshold if tr.threshold is not None else 0.0,
                     "note": tr.note} for lv in protocol.levels for tr in lv.triggers]
        self.trigger_rows = RowsEditor([
            Column("level", "crisis_app.col.level", kind="number", default=1.0, width="70px"),
            Column("kind", "crisis_app.col.trigger", kind="choice", width="260px",
                   options=tuple((t(f"crisis.trigger.{k}", lang), k) for k in get_args(TriggerKind)),
                   default="media_enquiry"),
            Column("threshold", "crisis_app.col.threshold", kind="number", default=0.0,
                   width="110px"),
            Column("note", "crisis_app.col.note", width="240px"),
        ], triggers, lang, self._save_triggers, disabled=off)
        self.triggers.children = [
            widgets.HTML(f"<h3>{html.escape(t('crisis_app.triggers', lang))}</h3>"
                         f"<span class='cm-muted'>{html.escape(t('crisis_app.triggers_help', lang))}</span>"),
            self.trigger_rows]
        self.approval = widgets.Text(value=", ".join(protocol.approval_chain),
                                     continuous_update=False, disabled=off,
                                     layout=widgets.Layout(width="auto"))
        self.channels = widgets.SelectMultiple(
            options=[(self._channel_label(c), c) for c in get_args(CrisisChannel)],
            value=tuple(protocol.channels), rows=6, disabled=off)
        self.dark_site = widgets.Textarea(value=protocol.dark_site_plan, continuous_update=False,
                                          disabled=off,
                                          layout=widgets.Layout(width="auto", height="4em"))
        for w in (self.approval, self.channels, self.dark_site):
            w.observe(lambda _: self._save_plan(), names="value")
        self.plan.children = [
            labelled(self.approval, t("crisis_app.approval", lang), t("crisis_app.approval_help", lang)),
            labelled(self.channels, t("crisis_app.channels", lang)),
            labelled(self.dark_site, t("crisis_app.dark_site", lang), t("crisis_app.dark_site_help", lang))]
        self.contacts.children = [widgets.HTML(f"<h3>{html.escape(t('crisis_app.contacts', lang))}</h3>"),
                                  self.contact_rows]

    def _save_levels(self, rows: list[dict]) -> bool:
        existing = {lv.level: lv for lv in self.session.workbook.crisis_protocol.levels}

        def edit(wb):
            data = wb.model_dump()
            levels = []
            for r in rows:
                number = int(r.get("level") or 1)
                old = existing.get(number)
                levels.append({"level": number, "name": r.get("name", ""), "owner": r.get("owner", ""),
                               "monitor_minutes": int(r.get("monitor_minutes") or 0) or None,
                               "triggers": [x.model_dump() for x in old.triggers] if old else [],
                               "holding_statement": {k: r[f"statement_{k}"] for k in ("es", "en")
                                                     if r.get(f"statement_{k}")}})
            data["crisis_protocol"]["levels"] = levels
            return data
        return self.apply(edit)

    def _channel_label(self, channel: str) -> str:
        if channel in ("website", "dark_site", "email", "press_release"):
            return t(f"crisis_app.channel.{channel}", self.lang)
        return t(f"network.{channel}", self.lang)

    def _save_triggers(self, rows: list[dict]) -> bool:
        by_level: dict[int, list[dict]] = {}
        for r in rows:
            kind = r.get("kind") or "other"
            trigger = {"kind": kind, "note": r.get("note", "")}
            if kind in THRESHOLD_RANGE:
                trigger["threshold"] = r.get("threshold")
            by_level.setdefault(int(r.get("level") or 1), []).append(trigger)

        def edit(wb):
            data = wb.model_dump()
            for level in data["crisis_protocol"]["levels"]:
                level["triggers"] = by_level.get(level["level"], [])
            return data
        return self.apply(edit)

    def _save_plan(self) -> bool:
        chain = [x.strip() for x in self.approval.value.split(",") if x.strip()]

        def edit(wb):
            data = wb.model_dump()
            data["crisis_protocol"].update(approval_chain=chain, channels=list(self.channels.value),
                                           dark_site_plan=self.dark_site.value)
            return data
        return self.apply(edit)

    def _save_contacts(self, rows: list[dict]) -> bool:
        def edit(wb):
            data = wb.model_dump()
            kinds = {c.role: c.kind for c in wb.crisis_protocol.contacts}
            data["crisis_protocol"]["contacts"] = [
                {**r, "kind": kinds.get(r.get("role"), "other")} for r in rows]
            return data
        return self.apply(edit)

    def _on_default(self, _button) -> None:
        from cmtraining.crisis.protocol import default_protocol

        def edit(wb):
            data = wb.model_dump()
            data["crisis_protocol"] = default_protocol(wb, self.lang).model_dump()
            return data
        if self.apply(edit):
            self._render_protocol_editors()

    # --- exercise -----------------------------------------------------------------

    def _scenario(self) -> dict:
        from cmtraining.crisis.scenarios import load_scenario

        try:
            s = load_scenario(self.params.get("scenario") or _default_scenario(self.session))
        except CmtrainingError as exc:
            return {"title": exc.message(self.lang)}
        org = self.session.workbook.profile.name
        return {"title": s.title.get(self.lang, org=org), "summary": s.summary.get(self.lang, org=org),
                "cluster": t(f"crisis.cluster.{s.cluster}", self.lang)}

    def _start(self) -> None:
        from cmtraining.crisis.exercise import Exercise

        params = self.params
        try:
            self.exercise = Exercise(params.get("scenario") or _default_scenario(self.session),
                                     lang=self.lang, seed=params.get("seed", 1),
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
        ex, lang = self.exercise, self.lang
        self.clock.value = (f"<h3>{html.escape(t('crisis_app.clock', lang, minute=ex.minute, end=ex.duration, turn=len(ex.turns) + 1))}</h3>")
        fresh = {item["id"] for item in ex.incoming()}
        rows = []
        for event in ex.timeline():
            rows.append(self._event_html(event, new=event.get("id") in fresh))
        self.inbox.value = (f"<b>{html.escape(t('crisis_play.feed_title', lang))}</b>"
                            + "".join(rows))
        self.reply_to.options = [(self._post_label(p), p["id"]) for p in reversed(ex.posts())]
        self._show_kind_fields()
        from cmtraining.apps.crisis_charts import live_png

        self.chart.value = live_png(ex.live(), lang, ex.duration)
        self._render_pending()
        if ex.done:
            self.end_turn.disabled = True

    def _post_label(self, post: dict) -> str:
        text = post["text"] if len(post["text"]) <= 70 else post["text"][:69] + "…"
        return f"{post['author']} · {post['minute']} min · {text}"

    def _event_html(self, event: dict, *, new: bool) -> str:
        lang, kind = self.lang, event["kind"]
        if kind.startswith("action:"):
            who = t("crisis_play.you", lang) + " · " + t(f"crisis_app.action.{kind[7:]}", lang)
            if event.get("strategy"):
                who += " (" + t(f"crisis.strategy.{event['strategy']}", lang) + ")"
            if event.get("reply_to"):
                who += " " + t("crisis_play.to", lang, author=event["reply_to"])
            if event.get("score") is not None:
                who += f" · {round(event['score'])}/100"
            style, css = "border-left:4px solid #0072B2;margin-left:2em", "cm-action"
        else:
            who = (t(f"crisis.inject.{kind}", lang) if kind not in ("opening", "message")
                   else event.get("author") or "")
            style = "border-left:4px solid #D55E00" if kind not in ("message",) else \
                "border-left:4px solid #ccc"
            css = f"cm-item cm-{'inject' if kind not in ('opening', 'message') else kind}"
        css += " cm-new" if new else ""
        weight = "font-weight:600;" if new else ""
        return (f"<blockquote class='{css}' style='{style};padding:.2em .7em;{weight}'>"
                f"<span class='cm-muted'>{html.escape(str(who))} · {event['minute']} min</span><br>"
                f"{html.escape(event.get('text') or '')}</blockquote>")

    def _show_kind_fields(self) -> None:
        """A strategy for statements, the post answered for replies and private messages."""
        kind = self.kind.value
        self.strategy.layout.display = None if kind in ("statement", "pin_post", "update") \
            else "none"
        self.reply_to.layout.display = None if kind in ("reply", "private_message") else "none"

    def _add_action(self) -> None:
        kind = self.kind.value
        action = {"kind": kind, "channel": self.channel.value, "lang": self.lang}
        if kind in ("statement", "pin_post", "update") and self.strategy.value:
            action["strategy"] = self.strategy.value
        if kind in ("reply", "private_message"):
            action["reply_to"] = self.reply_to.value
        if kind in TEXT_KINDS:
            action["text"] = self.text.value.strip()
            if not action["text"]:
                self.status.info(t("crisis_app.text_needed", self.lang))
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
            line = html.escape(t(f"crisis_app.action.{a['kind']}", lang))
            if a.get("strategy"):
                line += " · " + html.escape(t(f"crisis.strategy.{a['strategy']}", lang))
            if a.get("text"):
                review = a["_review"]
                checked = (t("crisis_play.checked_as_reply", lang,
                             author=authors.get(a.get("reply_to") or "opening", ""))
                           if a.get("kind") in ("reply", "private_message")
                           else t("crisis_play.checked_as_statement", lang))
                line += (f"<br><i>{html.escape(a['text'])}</i><br><b>{review.score:.0f}/100</b>"
                         f" <span class='cm-muted'>{html.escape(checked)}</span>"
                         + findings_list([f for f in review.findings if f.level != "ok"][:4], lang))
            parts.append(f"<li>{line}</li>")
        self.pending_view.value = (f"<b>{html.escape(t('crisis_app.pending', lang))}</b><ol>{''.join(parts)}</ol>"
                                   if parts else "")

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
        kwargs = {"runs": self.debrief_runs} if self.debrief_runs else {}
        self.status.info(t("crisis_app.debriefing", self.lang))
        debrief = self.exercise.finish(**kwargs)
        data = sections(self.exercise, debrief, self.lang)
        report = after_action_html(self.exercise, debrief, self.lang)
        href = "data:text/html;base64," + base64.b64encode(report.encode("utf-8")).decode("ascii")
        self.debrief.value = (
            "".join(f"<p class='cm-cf'>{html.escape(cf['text'])}</p>" for cf in data["counterfactuals"])
            + f"<p class='cm-best'>{html.escape(t('crisis_app.aar.best', self.lang, strategy=data['best']))}</p>"
            + f"<p>{html.escape(t('crisis_app.aar.recommended', self.lang, strategy=data['recommended']))} "
            + f"{html.escape(data['reason'])}</p>"
            + f"<a class='cm-aar' download='after-action-report.html' href='{href}'>"
            + f"{html.escape(t('crisis_app.download_aar', self.lang))}</a>")
        # the score last: whoever waits for it finds the debrief already there
        self.score.value = (f"<h3>{html.escape(t('crisis_app.aar.score', self.lang, score=round(debrief.score.total)))}</h3>"
                            + findings_table(debrief.score.findings, self.lang,
                                             label=lambda f: t(f"crisis.score.component.{f.code.split('.')[-1]}", self.lang)
                                             if f.code.split(".")[-1] in ("timing", "fit", "consistency", "quality", "outcome") else ""))
        self.end_turn.disabled = self.finish.disabled = self.add.disabled = True
        if not self.session.preview:
            run = debrief.run
            if self.append_item("crisis_runs", run):
                self.status.info(t("crisis_app.saved", self.lang, score=round(debrief.score.total)))
        else:
            self.status.info(t("crisis_app.preview_not_saved", self.lang))


def _default_scenario(session) -> str:
    """The scenario written for this sample organization, or the generic one."""
    from cmtraining.crisis.scenarios import list_scenarios, load_scenario

    ids = list_scenarios()
    for sid in ids:
        if load_scenario(sid).sample_org == session.workbook.org_id:
            return sid
    return next((s for s in ids if s.startswith("generic")), ids[0])


def build_app(session: Session, *, debrief_runs: int | None = None) -> CrisisApp:
    return CrisisApp(session, debrief_runs=debrief_runs)
