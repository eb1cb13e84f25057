"""Stage 4 app: triage the inbox, answer a message with live feedback, keep the playbook.

The inbox is the same seeded sample as the listening stage (same `seed`,
`days`, `incident`), triaged with reasons; the trainee picks a message,
labels its tone (labels adapt the sentiment model), writes a reply and sees
the checker's findings and score. Replies, labels, the playbook and the
chosen prescribers are saved to the workbook.
"""

from __future__ import annotations

import html
from datetime import timedelta

import ipywidgets as widgets

from cmtraining.apps.common import StageApp, Status, heading, labelled, mark_ready, stage_header
from cmtraining.apps.field_errors import COLUMN, FieldErrorsMixin
from cmtraining.apps.findings_view import findings_list, findings_table
from cmtraining.apps.response_playbook import PlaybookEditor
from cmtraining.apps.tables import table_html
from cmtraining.core.errors import CmtrainingError
from cmtraining.core.numbers import count, day_time, decimal, percent
from cmtraining.i18n import t
from cmtraining.i18n.plural import tn
from cmtraining.listening.adapt import MIN_LABELS, adapt, load_adapted
from cmtraining.listening.audit import audit_mentions
from cmtraining.listening.inbox import brand_terms, inbox_for
from cmtraining.listening.prescribers import rank_prescribers
from cmtraining.response.inbox_order import ranked, shown
from cmtraining.response.playbook import blank, fill_template, reply_author, template_for
from cmtraining.response.triage import (
    accuracy,
    routes_for,
    triage_mentions,
    unassigned_findings,
)
from cmtraining.runtime.session import Session


def _pct(value, lang: str) -> str:
    return percent(value, lang, decimals=0)  # agreement figures: whole percents


class ResponseApp(FieldErrorsMixin, StageApp):
    def __init__(self, session: Session):
        self.session, self.lang = session, session.lang
        lang, wb, off = self.lang, session.workbook, session.preview
        params = session.params
        self.status = Status(lang)
        frame, self.source = inbox_for(wb, seed=params.get("seed", 1), days=params.get("days", 28),
                                       incident=params.get("incident", True), lang=session.lang)
        brand, handle = brand_terms(wb)
        self.model = load_adapted(session.path)
        self.audit = audit_mentions(frame, brand=brand, handle=handle, source=self.source,
                                    backend=self.model)
        self.routes = routes_for(wb)
        self.inbox, self.decisions = triage_mentions(self.audit.mentions, routes=self.routes)
        self.ranked = ranked(self.inbox)
        self.order = shown(self.ranked, self.decisions)

        self.accuracy = widgets.HTML(self._accuracy_html())
        self.routes_note = widgets.HTML(
            f"<span class='cm-muted'>{html.escape(t(f'app.response.routes_{self.routes.source}', lang))}</span>"
            + findings_list(unassigned_findings(wb), lang))
        self.routes_note.add_class("cm-routes-note")
        self.category_filter = widgets.Dropdown(
            options=[(t("app.listening.all", lang), "")] + [
                (t(f"response.triage.category.{c}", lang), c) for c in
                ("crisis_signal", "complaint", "question", "suggestion", "praise", "other")],
            description=t("app.response.filter", lang))
        self.category_filter.observe(lambda _: self._filter(), names="value")
        self.picker = widgets.Select(options=[(self._option(i), i) for i in self.order],
                                     rows=10, layout=widgets.Layout(width="auto"))
        self.picker.add_class("cm-inbox")
        self.picker.observe(lambda _: self._show(), names="value")
        self.message = widgets.HTML()
        self.message.add_class("cm-message")
        self.triage_box = widgets.HTML()
        self.triage_box.add_class("cm-triage")
        self.label_buttons = widgets.ToggleButtons(
            options=[(t(f"listening.sentiment.label.{s}", lang), s) for s in ("positive", "neutral", "negative")],
            value=None, disabled=off, style={"button_width": "110px"})
        self.label_buttons.observe(self._on_label, names="value")
        # ready only with enough labels (sweep 4: an active button beside "0 of the 30 needed")
        self.adapt = widgets.Button(description=t("app.response.adapt", lang), icon="magic",
                                    disabled=off or self._too_few_labels())
        self.adapt.add_class("cm-adapt")
        self.adapt.on_click(self._on_adapt)
        self.adapt_note = widgets.HTML(self._model_note())
        self.minutes = widgets.BoundedIntText(value=30, min=0, max=10080, step=5,
                                              layout=widgets.Layout(width="110px"))
        self.reply = widgets.Textarea(placeholder=t("app.response.reply_placeholder", lang),
                                      layout=widgets.Layout(width="auto", height="6em"))
        self.reply.add_class("cm-reply")
        self.template = widgets.Button(description=t("app.response.use_template", lang),
                                       icon="file-text-o")
        self.template.on_click(self._on_template)
        self.check = widgets.Button(description=t("app.response.check", lang), icon="check",
                                    button_style="primary")
        self.check.add_class("cm-check-reply")
        self.check.on_click(lambda _: self._check())
        self.save_reply = widgets.Button(description=t("app.response.save_reply", lang),
                                         icon="save", disabled=True)
        self.save_reply.on_click(self._on_save_reply)
        self.score = widgets.HTML()
        self.score.add_class("cm-reply-score")
        self.review = widgets.HTML()
        self.review.add_class("cm-reply-findings")
        self.playbook = PlaybookEditor(self, wb, lang, disabled=off)
        self.prescribers = widgets.VBox()
        self._render_prescribers()

        children = stage_header(session, "response", "app.response.intro", "04-response")
        children += [
            heading("app.response.inbox_title", lang, "app.response.inbox_help"),
            self.accuracy, self.routes_note, self.category_filter, self.picker, self.message, self.triage_box,
            labelled(self.label_buttons, t("app.response.label", lang), t("app.response.label_help", lang)),
            widgets.HBox([self.adapt, self.adapt_note]),
            heading("app.response.reply_title", lang, "app.response.reply_help"),
            widgets.HBox([widgets.HTML(html.escape(t("app.response.minutes", lang)) + "&nbsp;"),
                          self.minutes, self.template]),
            _slots_note(lang), self.reply, widgets.HBox([self.check, self.save_reply]), self.score, self.review,
            heading("app.response.playbook_title", lang, "app.response.playbook_help"), self.playbook,
            heading("app.response.prescribers_title", lang, "app.response.prescribers_help"),
            self.prescribers, self.status,
        ]
        super().__init__(children, layout=widgets.Layout(max_width=COLUMN))
        self.add_class("cm-response-app")
        if self.order:
            self.picker.value = self.order[0]
        self._show()

    # --- inbox --------------------------------------------------------------------

    def _option(self, i: int) -> str:
        row, lang = self.inbox.loc[i], self.lang
        text = row["text"] if len(row["text"]) <= 90 else row["text"][:87] + "…"
        # "Urgente: posible crisis · …" reads as a sentence; "[urgente]" looked like code
        priority = t(f"response.triage.priority.{row.triage_priority}", lang)
        return (f"{priority[:1].upper()}{priority[1:]}: "
                f"{t(f'response.triage.category.{row.triage_category}', lang)} · {text}")

    def _filter(self) -> None:
        wanted = self.category_filter.value
        self.order = shown(self.ranked, self.decisions, wanted)
        self.picker.options = [(self._option(i), i) for i in self.order]
        self.picker.value = self.order[0] if self.order else None
        self._show()

    def _accuracy_html(self) -> str:
        scores = accuracy(self.inbox)
        if not scores:
            return ""
        # what the figures mean, in words; the department figure only where the sample's
        # labels and the routes name the same departments (issue 21.11)
        text = t("app.response.screen.accuracy", self.lang,
                 category=_pct(scores["category"], self.lang),
                 priority=_pct(scores["priority"], self.lang))
        if self.routes.source == "sample":
            text += " " + t("app.response.screen.accuracy_department", self.lang,
                            department=_pct(scores["department"], self.lang))
        return "<span class='cm-muted cm-triage-accuracy'>" + html.escape(text) + "</span>"

    def _current(self):
        i = self.picker.value
        return None if i is None else self.inbox.loc[i]

    def _show(self) -> None:
        row, lang = self._current(), self.lang
        self.reply.value, self.score.value, self.review.value = "", "", ""
        self.save_reply.disabled = True
        if row is None:
            self.message.value = f"<i class='cm-muted'>{html.escape(t('app.response.empty', lang))}</i>"
            self.triage_box.value = ""
            return
        meta = t("app.response.meta", lang, author=row["author"] or "—",
                 followers=count(row["followers"] or 0, lang),
                 network=t(f"common.network.{row['network']}", lang) if row["network"] else "—",
                 when=day_time(row["at"], lang))
        if row["lang"] in ("es", "en") and row["lang"] != lang:  # answer in the person's language
            meta += " · " + t("app.response.written_in", lang,
                              language=t(f"response.reply.lang_name.{row['lang']}", lang))
        self.message.value = (f"<blockquote style='border-left:4px solid #ccc;padding:.3em .8em'>"
                              f"<span class='cm-muted'>{html.escape(meta)}</span><br>"
                              f"{html.escape(row['text'])}</blockquote>")
        decision = self.decisions[self.picker.value]
        self.triage_box.value = (
            "<b>" + html.escape(t("app.response.triage" if decision.department
                                  else "app.response.screen.triage_unassigned", lang,
                                  category=t(f"response.triage.category.{decision.category}", lang),
                                  priority=t(f"response.triage.priority.{decision.priority}", lang),
                                  department=decision.department)) + "</b>"
            + findings_list(decision.reasons, lang))
        labels = {m.mention_id: m.sentiment for m in self.session.workbook.mention_labels}
        self.label_buttons.unobserve(self._on_label, names="value")
        self.label_buttons.value = labels.get(row["id"])
        self.label_buttons.observe(self._on_label, names="value")

    def _on_label(self, change) -> None:
        row = self._current()
        if row is None or change["new"] is None:
            return
        label = {"mention_id": row["id"], "text": row["text"][:5000], "sentiment": change["new"],
                 "category": self.decisions[self.picker.value].category}

        def edit(wb):
            data = wb.model_dump()
            data["mention_labels"] = [m for m in data["mention_labels"]
                                      if m["mention_id"] != row["id"]] + [label]
            return data
        if self.apply(edit):
            labelled_now = len(self.session.workbook.mention_labels)
            self.status.info(tn("app.response.screen.labelled", labelled_now, self.lang))
            self.adapt_note.value = self._model_note()  # never a stale count beside it
            self.adapt.disabled = self.session.preview or self._too_few_labels()

    def _too_few_labels(self) -> bool:
        return len(self.session.workbook.mention_labels) < MIN_LABELS

    def _model_note(self) -> str:
        count = len(self.session.workbook.mention_labels)
        key = ("app.response.screen.model_adapted" if self.model is not None
               else "app.response.screen.model_default")
        trained = getattr(self.model, "trained_on", 0)
        text = tn(key, count, self.lang, trained=trained)
        return f"<span class='cm-muted cm-model-note'>{html.escape(text)}</span>"

    def _on_adapt(self, _button) -> None:
        try:
            result = adapt(self.session.workbook, self.session.path)
        except CmtrainingError as exc:
            self.status.error(exc)
            return
        self.model = load_adapted(self.session.path)
        self.adapt_note.value = self._model_note()
        key = "app.response.adapted" if result.kept else "app.response.not_adapted"
        self.status.info(t(key, self.lang, labels=result.labels,
                           before=_pct(result.agreement_before, self.lang),
                           after=_pct(result.agreement_after, self.lang)))

    # --- reply --------------------------------------------------------------------

    def _on_template(self, _button) -> None:
        row = self._current()
        if row is None:
            return
        category = self.decisions[self.picker.value].category
        lang = row["lang"] if row["lang"] in ("es", "en") else self.lang
        text = template_for(self.session.workbook.response_playbook, category, lang)
        self.reply.value = fill_template(text, row, self.decisions[self.picker.value].department)

    def _check(self):
        from cmtraining.response import check_reply

        row = self._current()
        if row is None:
            return None
        decision = self.decisions[self.picker.value]
        wb = self.session.workbook
        try:
            review = check_reply(
                self.reply.value, message=row["text"],
                lang=row["lang"] if row["lang"] in ("es", "en") else self.lang,
                network=row["network"] or "x", category=decision.category,
                author=reply_author(row), received=row["at"].to_pydatetime(),
                replied=row["at"].to_pydatetime() + timedelta(minutes=self.minutes.value),
                playbook=wb.response_playbook, style=wb.content_plan.style,
                crisis=decision.category == "crisis_signal")
        except CmtrainingError as exc:
            self.review.value = f"<div class='cm-error'>✖ {html.escape(exc.message(self.lang))}</div>"
            return None
        lang = self.lang
        parts = " · ".join(f"{t(f'response.reply.component.{k}', lang)} {round(v * 100)}"
                           for k, v in review.components.items())
        self.score.value = (f"<h3 class='cm-score'>{html.escape(t('app.response.score', lang))}: "
                            f"<b>{review.score:.0f}</b>/100</h3><span class='cm-muted'>{html.escape(parts)}</span>")
        self.review.value = findings_table(review.findings, lang)
        self.save_reply.disabled = self.session.preview or not self.reply.value.strip()
        self.last_review = review
        return review

    def _on_save_reply(self, _button) -> None:
        from cmtraining.workbook.store import now

        review, row = self._check(), self._current()
        if review is None or row is None:
            return
        record = {"mention_id": row["id"], "category": self.decisions[self.picker.value].category,
                  "reply": self.reply.value.strip(), "score": round(review.score, 1), "at": now()}
        if self.append_item("replies", record):
            self.status.info(t("app.response.reply_saved", self.lang, score=round(review.score)))

    # --- prescribers --------------------------------------------------------------

    def _render_prescribers(self) -> None:
        lang = self.lang
        candidates = rank_prescribers(self.audit.mentions, limit=8)
        saved = {p.who for p in self.session.workbook.prescribers}
        head = table_html(
            [[c.author, t(f"app.response.kind_{c.kind}", lang), count(c.followers, lang), c.positive,
              c.defences,
              " · ".join(f"{t(f'response.prescriber.{k}', lang)} {decimal(v, lang, sign=True)}"
                         for k, v in c.components.items()),
              decimal(_shown_score(c), lang)] for c in candidates],
            [t(f"app.response.pcol.{k}", lang) for k in
             ("author", "kind", "followers", "positive", "defences", "why", "score")], "cm-prescribers")
        buttons = self.prescriber_buttons = []  # one "add" per candidate, in their order
        for c in candidates:
            button = widgets.Button(description=t("app.response.add_prescriber", lang, author=c.author),
                                    disabled=self.session.preview or c.author in saved,
                                    layout=widgets.Layout(width="auto"))
            button.on_click(lambda b, c=c: self._add_prescriber(c, b))
            buttons.append(button)
        if not candidates:
            head = f"<i class='cm-muted'>{html.escape(t('app.response.no_prescribers', lang))}</i>"
        self.prescribers.children = [widgets.HTML(head), widgets.HBox(buttons, layout=widgets.Layout(
            flex_flow="row wrap"))]

    def _add_prescriber(self, c, button) -> None:
        from cmtraining.core.numbers import count, decimal
        from cmtraining.i18n.plural import tn

        # numbers as the reader writes them: "116.222 seguidores (puntuación 14,8)" (issue 21.13)
        note = t("app.response.prescriber_note", self.lang, positive=count(c.positive, self.lang),
                 defences=tn("common.n.defence", c.defences, self.lang),
                 followers=count(c.followers, self.lang),
                 score=decimal(_shown_score(c), self.lang, decimals=1, trim=True))
        record = {"kind": c.kind, "network": c.network or "instagram", "who": c.author,
                  "where_to_find": c.name, "note": note}
        if self.append_item("prescribers", record):
            button.disabled = True


def _shown_score(candidate) -> float:
    """The score as the sum of its components as shown (one decimal each), so the row adds up:
    14,9 beside components that show 14,9, never 14,8 from the unrounded ones."""
    return round(sum(round(v, 1) for v in candidate.components.values()), 1)


def _slots_note(lang: str) -> widgets.HTML:
    """One line pointing to the blanks' legend: the legend itself is shown once, with the
    playbook's templates (twice on one page read as two different lists)."""
    text = t("app.response.slots_note", lang, first=blank("issue", lang), second=blank("answer", lang))
    note = widgets.HTML(f"<p class='cm-muted'>{html.escape(text)}</p>")
    note.add_class("cm-template-slots-note")
    return note


def build_app(session: Session) -> ResponseApp:
    return mark_ready(ResponseApp(session), "04-response")

