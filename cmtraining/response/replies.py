"""Stage 4 engine: the reply checker, a review of one public reply to one message.

    check_reply(reply, message=..., lang="es", network="x", category="complaint",
                author=None, received=None, replied=None, playbook=None,
                style=None, crisis=False) -> ReplyReview

A trainee reads a message addressed to the organization and writes the public
reply; the review explains every finding (rule, value, what to do) and
combines ten components into a 0-100 score with visible weights:

1. timeliness (`reply_checks.timeliness`), 2. empathy (thanks, acknowledgement,
apology; blaming, defensive and boilerplate turns), 3. personalization (the
author named, details of the message, no `{name}` left), 4. answer or next
step, 5. privacy (no personal data asked for or repeated in public),
6. brevity, 7. spelling, 8. neutrality, 9. style guide, 10. crisis (with
`crisis=True`). Checks 6 to 9 reuse the post checker (`planning.posts`):
its length with the network's counting rules, its speller, its sensitive
topics and its style-guide findings, re-coded `reply.*`.

Pure and deterministic: no widgets, no I/O beyond reading
`datasets/reply_checker.yaml` once. The same engine grades exercises and
scores free-text replies in the crisis simulation.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from typing import get_args

from cmtraining.core.errors import CmtrainingError
from cmtraining.core.findings import Finding, Key, worst_first
from cmtraining.i18n import check_lang
from cmtraining.planning.posts import check_post
from cmtraining.response import reply_checks as C
from cmtraining.response import reply_rules as R
from cmtraining.workbook.base import MessageCategory
from cmtraining.workbook.models import StyleGuide
from cmtraining.workbook.sections_response import ResponsePlaybook

__all__ = ["CATEGORIES", "ReplyChecker", "ReplyInputError", "ReplyReview", "check_reply"]

CATEGORIES: tuple[str, ...] = get_args(MessageCategory)
COMPONENTS = ("timeliness", "empathy", "personalization", "answer", "privacy", "brevity",
              "spelling", "neutrality", "style", "crisis")
# post checker finding -> (reply code, component)
_REUSED = {"post.length": "length", "post.spelling": "spelling", "post.sensitive": "neutral",
           "post.words_avoid": "words_avoid", "post.register": "register", "post.emoji": "emoji"}


class ReplyInputError(CmtrainingError):
    """A reply, message, network, category or time the checker cannot take."""

    key = "response.reply.error.not_text"


@dataclass(frozen=True)
class ReplyReview:
    """Findings (worst first), the 0-1 components, their weights and the 0-100 score."""

    findings: list[Finding]
    components: dict[str, float]
    weights: dict[str, float]
    score: float
    capped: bool = False  # an error held the score at the cap (`error_cap` in the data file)

    @property
    def errors(self) -> list[Finding]:
        return [x for x in self.findings if x.level == "error"]

    def as_dict(self, lang: str | None = None) -> dict:
        return {"score": self.score, "capped": self.capped, "components": dict(self.components),
                "weights": dict(self.weights), "findings": [x.as_dict(lang) for x in self.findings]}


def _score(components: dict[str, float | None], findings: list[Finding]) -> ReplyReview:
    """Weighted mean over the components that apply, capped when there is an error."""
    rules = R.rules()
    used = {k: min(1.0, max(0.0, v)) for k, v in components.items() if v is not None}
    total = sum(rules.weights[k] for k in used) or 1.0
    weights = {k: round(rules.weights[k] / total, 4) for k in used}
    score = 100 * sum(rules.weights[k] * v for k, v in used.items()) / total
    errors = any(x.level == "error" for x in findings)
    capped = errors and score > rules.error_cap
    score = min(score, rules.error_cap) if errors else score
    return ReplyReview(findings=worst_first(findings), components={k: round(v, 4) for k, v in used.items()},
                       weights=weights, score=round(score, 1), capped=capped)


class ReplyChecker:
    """Checks replies in one language against one style guide (or none)."""

    def __init__(self, lang: str = "es", style: StyleGuide | None = None):
        from cmtraining.networks import catalogue

        self.lang = check_lang(lang)
        if style is not None and not isinstance(style, StyleGuide):
            raise ReplyInputError("response.reply.error.style", value=type(style).__name__)
        self.style = style
        self.cues = R.rules().cues[self.lang]
        self.vocabulary = R.rules().vocabulary[self.lang]
        self.networks = tuple(catalogue().networks)

    def check(self, reply: str, *, message: str, network: str = "x", category: str = "complaint",
              author: str | None = None, received: datetime | None = None,
              replied: datetime | None = None, playbook: ResponsePlaybook | None = None,
              crisis: bool = False) -> ReplyReview:
        self._validate(reply, message, network, category, author, received, replied, playbook)
        if not reply.strip():
            applies = [c for c in COMPONENTS if c != "crisis" or crisis]
            return _score(dict.fromkeys(applies, 0.0), [C.f("empty", "error", "empty", reply)])
        text, msg = R.Text(reply), R.Text(message)
        findings: list[Finding] = []
        components: dict[str, float | None] = {}

        def add(name, checked):
            findings.extend(checked[0])
            components[name] = checked[1]

        add("timeliness", C.timeliness(category, received, replied, playbook, bool(crisis)))
        add("empathy", C.empathy(text, category, self.cues))
        personal, score, shared = C.personalization(text, msg, author, self.lang)
        add("personalization", (personal, score))
        add("answer", C.answer(text, category, shared, self.cues, self.lang))
        add("privacy", C.privacy(text, msg, self.cues))
        post = {x.code: x for x in check_post(reply, network, lang=self.lang, style=self.style)}
        reused = {code: replace(x, code=f"reply.{code}") for key, code in _REUSED.items()
                  if (x := post.get(key)) is not None}
        add("brevity", self._brevity(text, reused["length"]))
        add("spelling", self._spelling(reused["spelling"], text))
        if "neutral" in reused:
            add("neutrality", ([reused["neutral"]], 0.0 if reused["neutral"].level == "warning" else 1.0))
        style = [reused[k] for k in ("words_avoid", "register", "emoji") if k in reused]
        add("style", (style, sum(1.0 if x.ok else 0.3 for x in style) / len(style)))
        if crisis:
            add("crisis", C.crisis(text, msg, category, self.cues, self.lang))
        return _score(components, findings)

    # --- the reused post-checker findings ----------------------------------------------

    def _brevity(self, text: R.Text, length: Finding) -> C.Checked:
        if length.level == "info":  # the feed preview concerns posts, not replies
            length = replace(length, level="ok", message_key="planning.post.msg.length_ok")
        found, score = C.brevity(text, self.lang)
        return [length, *found], (0.0 if length.level == "error" else score)

    def _spelling(self, found: Finding, text: R.Text) -> C.Checked:
        """The post checker's spelling, minus the words of our own cue lists
        (customer-service Spanish such as "dijimos" that its lexicon lacks)
        and the words inside an unfilled placeholder (already an error)."""
        before = dict(found.value or {})
        slots = " ".join(R.PLACEHOLDER.findall(text.text)).lower()
        unknown = {w: h for w, h in before.items() if w not in self.vocabulary and w not in slots}
        if len(unknown) != len(before):
            if unknown:
                shown = ", ".join(f"«{w}» (→ {' / '.join(h)})" if h else f"«{w}»"
                                  for w, h in unknown.items())
                found = replace(found, value=unknown, params={"count": len(unknown), "words": shown})
            else:
                found = replace(found, level="ok", message_key="planning.post.msg.spelling_ok", value=None,
                                params={"count": len(text.folded)})
        return [found], max(0.0, 1 - R.rules().spelling_penalty * len(unknown))

    # --- arguments -----------------------------------------------------------------------

    def _validate(self, reply, message, network, category, author, received, replied, playbook):
        for name, value in (("reply", reply), ("message", message)):
            if not isinstance(value, str):
                raise ReplyInputError("response.reply.error.not_text", field=name, value=type(value).__name__)
        if author is not None and not isinstance(author, str):
            raise ReplyInputError("response.reply.error.not_text", field="author", value=type(author).__name__)
        if not isinstance(network, str) or network not in self.networks:
            raise ReplyInputError("response.reply.error.network", value=str(network),
                                  allowed=", ".join(self.networks))
        if not isinstance(category, str) or category not in CATEGORIES:
            raise ReplyInputError("response.reply.error.category", value=str(category),
                                  allowed=", ".join(CATEGORIES))
        if playbook is not None and not isinstance(playbook, ResponsePlaybook):
            raise ReplyInputError("response.reply.error.playbook", value=type(playbook).__name__)
        for name, value in (("received", received), ("replied", replied)):
            if value is not None and not isinstance(value, datetime):
                raise ReplyInputError("response.reply.error.time", field=name, value=type(value).__name__)
        if received is not None and replied is not None:
            if (received.tzinfo is None) != (replied.tzinfo is None):
                raise ReplyInputError("response.reply.error.time_zones")
            if replied < received:
                raise ReplyInputError("response.reply.error.time_order", received=received.isoformat(),
                                      replied=replied.isoformat())


@lru_cache(maxsize=64)
def _checker(lang: str, style_json: str | None) -> ReplyChecker:
    style = StyleGuide.model_validate_json(style_json) if style_json else None
    return ReplyChecker(lang, style)


def check_reply(reply: str, *, message: str, lang: str = "es", network: str = "x",
                category: str = "complaint", author: str | None = None,
                received: datetime | None = None, replied: datetime | None = None,
                playbook: ResponsePlaybook | None = None, style: StyleGuide | None = None,
                crisis: bool = False) -> ReplyReview:
    """Review one public reply to one incoming message; see the module's docstring."""
    if style is not None and not isinstance(style, StyleGuide):
        raise ReplyInputError("response.reply.error.style", value=type(style).__name__)
    key = style.model_dump_json() if style is not None else None
    lang = check_lang(lang)
    written = _written_in(reply, lang)
    review = _checker(written, key).check(
        reply, message=message, network=network, category=category, author=author,
        received=received, replied=replied, playbook=playbook, crisis=crisis)
    if written == lang:
        return review
    # checked in the language it is written in (its empathy, spelling...), and
    # told to answer in the person's language: a personal touch it misses
    components = dict(review.components)
    components["personalization"] = components.get("personalization", 1.0) * 0.5
    wrong = C.f("language", "warning", "language", written, message_lang=Key(f"response.reply.lang_name.{lang}"),
                reply_lang=Key(f"response.reply.lang_name.{written}"))
    return _score(components, [*review.findings, wrong])


#: function words a reply needs in the other language, beyond those of the
#: message's, to count as written in it (a name or "ok" must not flip it)
LANGUAGE_MARGIN = 2


def _written_in(reply: str, lang: str) -> str:
    """The language of the reply: `lang` unless it is clearly the other one."""
    from cmtraining.listening.sentiment.langdetect import function_words

    if not isinstance(reply, str):
        return lang
    es, en = function_words(reply)
    if lang == "es" and en >= es + LANGUAGE_MARGIN:
        return "en"
    if lang == "en" and es >= en + LANGUAGE_MARGIN:
        return "es"
    return lang
