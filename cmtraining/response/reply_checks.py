"""The reply checker's own checks, one function per component.

Each function takes the reply and the message already read (`reply_rules.Text`)
and returns `(findings, component)`: the explained findings and a 0-1 value
for the weighted score, or `None` when the check does not apply (then it is
left out of the weights instead of counting as a pass or a fail). Pure
functions, so the crisis simulation and the grader can call them one by one.
"""

from __future__ import annotations

from datetime import datetime

from cmtraining.core.findings import Finding, Key, Phrase
from cmtraining.core.numbers import clock
from cmtraining.i18n import t
from cmtraining.i18n.plural import Counted
from cmtraining.i18n.quotes import Quoted
from cmtraining.response import reply_rules as R

Checked = tuple[list[Finding], float | None]
RESOLVE = ("complaint", "crisis_signal")  # the organization has a problem to own
_DAY = "response.reply.day.%d"  # short day names, Monday = 0


def f(code, level, message, value=None, **params) -> Finding:
    return Finding(code=f"reply.{code}", level=level, rule_key=f"response.reply.rule.{code}",
                   message_key=f"response.reply.msg.{message}", value=value, params=params)


def listing(items) -> Quoted:
    """Words quoted in the reader's language when the finding renders (« » / “ ”)."""
    return Quoted(items)


class Duration(float):
    """Minutes shown as "45 min", "2 h 05 min" or "3 d 4 h"."""

    def render(self, lang: str | None) -> str:
        minutes = round(self)
        if minutes < 60:
            return f"{minutes} min"
        hours, rest = divmod(minutes, 60)
        if hours < 48:
            return f"{hours} h {rest:02d} min" if rest else f"{hours} h"
        days, hours = divmod(hours, 24)
        return f"{days} d {hours} h" if hours else f"{days} d"


class Hours(str):
    """Service hours in words, e.g. "lun–vie 09:00–18:00"."""

    def __new__(cls, hours):
        obj = super().__new__(cls, f"{hours.days} {hours.start}-{hours.end}")
        obj.hours = hours
        return obj

    def render(self, lang: str | None) -> str:
        h = self.hours
        name = {d: t(_DAY % d, lang) for d in range(7)}
        days = ", ".join(name[a] if a == b else f"{name[a]}–{name[b]}" for a, b in R.day_ranges(h.days))
        return f"{days} {clock(h.start, lang)}–{clock(h.end, lang)}"


# --- 1. Timeliness ----------------------------------------------------------------------


def timeliness(category: str, received: datetime | None, replied: datetime | None,
               playbook, crisis: bool) -> Checked:
    """Minutes to reply against the playbook's rule (or the sourced default).

    With a playbook, the clock counts service minutes only (as service-level
    agreements do), so a message received at night starts counting at the
    next opening; in a crisis it runs around the clock.
    """
    if received is None or replied is None:
        return [f("timeliness", "info", "timeliness_skipped")], None
    rules = R.rules()
    rule = next((r for r in playbook.rules if r.category == category), None) if playbook else None
    if rule is not None:
        hours, source = rule.max_hours, Key("response.reply.source.playbook")
    else:
        hours = rules.default_hours.get(category)
        source = R.Source(rules.hour_sources.get(category, "cmtraining_2026"))
    if hours is None and not crisis:
        return [f("timeliness", "info", "timeliness_none", None, category=Key(f"response.reply.category.{category}"))], None
    if crisis:
        hours = min(hours or rules.crisis_hours, rules.crisis_hours)
    limit = hours * 60
    wall = (replied - received).total_seconds() / 60
    if crisis:
        minutes, clock = wall, Phrase("response.reply.clock.crisis")
    elif playbook is not None and playbook.service_hours.days:
        sh = playbook.service_hours
        minutes = R.service_minutes(received, replied, sh)
        clock = Phrase("response.reply.clock.service" if R.in_service(received, sh) else "response.reply.clock.outside",
                       hours=Hours(sh))
    else:
        minutes, clock = wall, Phrase("response.reply.clock.wall")
    params = dict(elapsed=Duration(minutes), limit=Duration(limit), source=source, clock=clock)
    if minutes <= limit:
        return [f("timeliness", "ok", "timeliness_ok", round(minutes, 1), **params)], 1.0
    late = 1 - (minutes - limit) / (rules.late_decay * limit)
    return [f("timeliness", "warning", "timeliness_late", round(minutes, 1),
              over=Duration(minutes - limit), **params)], max(0.0, late)


# --- 2. Empathy and acknowledgement -------------------------------------------------------


def empathy(reply: R.Text, category: str, cues: dict) -> Checked:
    """What the category calls for (thanks, acknowledgement, apology), minus bad turns."""
    cat = Key(f"response.reply.category.{category}")
    out: list[Finding] = []
    if category in RESOLVE:
        ack, sorry = reply.find(cues["acknowledge"]), reply.find(cues["apology"])
        if sorry:
            out.append(f("empathy", "ok", "empathy_apology", sorry, found=listing(sorry), category=cat))
            score = 1.0
        elif ack:
            out.append(f("empathy", "info", "empathy_no_apology", ack, found=listing(ack), category=cat))
            score = 0.8
        else:
            out.append(f("empathy", "warning", "empathy_missing", None, category=cat))
            score = 0.0
    elif category in ("praise", "suggestion"):
        thanks = reply.find(cues["thanks"])
        if thanks:
            out.append(f("empathy", "ok", "empathy_thanks", thanks, found=listing(thanks), category=cat))
            score = 1.0
        else:
            out.append(f("empathy", "warning", "empathy_no_thanks", None, category=cat))
            score = 0.3
    elif category == "spam":
        out.append(f("empathy", "info", "empathy_spam"))
        score = 1.0
    else:
        out.append(f("empathy", "ok", "empathy_neutral", None, category=cat))
        score = 1.0
    for name, level, factor in (("blame", "error", 0.0), ("defensive", "warning", 0.3),
                                ("boilerplate", "warning", 0.6)):
        hits = reply.find(cues[name])
        if hits:
            out.append(f(name, level, name, hits, found=listing(hits)))
            score *= factor
    return out, score


# --- 3. Personalization -------------------------------------------------------------------


def personalization(reply: R.Text, message: R.Text, author: str | None, lang: str) -> tuple[
        list[Finding], float, set[str]]:
    """Named author, details of the message, no unfilled template slots.

    Returns the shared stems too: the answer check reads them.
    """
    out: list[Finding] = []
    handles, first = R.author_tokens(author)
    name_words = frozenset({first} if first else ())
    shared = R.content_stems(reply, lang, name_words) & R.content_stems(message, lang, name_words)
    slots = R.PLACEHOLDER.findall(reply.text)
    if slots:
        out.append(f("placeholder", "error", "placeholder", slots, found=listing(slots)))
    if author and author.strip():
        # "Hi Mark" greets @markp: a capitalised word that opens the handle counts
        capitalised = {R.fold(w) for w in R.WORD.findall(reply.text) if w[:1].isupper() and len(w) >= 3}
        bodies = [h[1:] for h in handles]
        named = (bool(handles & set(reply.mentions)) or (first is not None and first in reply.folded)
                 or any(b.startswith(w) for b in bodies for w in capitalised))
        if named:
            out.append(f("address", "ok", "address_ok", author, author=author))
        else:
            out.append(f("address", "warning", "address_missing", author, author=author))
        address = 1.0 if named else 0.0
    elif reply.mentions:
        out.append(f("address", "ok", "address_mention", reply.mentions, found=listing(reply.mentions)))
        address = 1.0
    else:
        out.append(f("address", "info", "address_unknown"))
        address = None
    words = list(dict.fromkeys(w for w in reply.folded if R.stem(w, lang) in shared))
    if not R.content_stems(message, lang, name_words):
        out.append(f("specifics", "info", "specifics_nothing"))
        specifics = 1.0
    elif len(shared) >= 2:
        out.append(f("specifics", "ok", "specifics_ok", words, found=listing(words[:5])))
        specifics = 1.0
    elif shared:
        out.append(f("specifics", "info", "specifics_few", words, found=listing(words)))
        specifics = 0.6
    else:
        out.append(f("specifics", "warning", "specifics_none"))
        specifics = 0.0
    score = specifics if address is None else 0.4 * address + 0.6 * specifics
    return out, (0.0 if slots else score), shared


# --- 4. Answer or next step ----------------------------------------------------------------


def answer(reply: R.Text, category: str, shared: set[str], cues: dict, lang: str) -> Checked:
    """A question gets an answer or a next step; a complaint gets a next step."""
    cat = Key(f"response.reply.category.{category}")
    steps = reply.find(cues["next_step"]) + reply.urls[:2]
    if reply.has_time and not steps:
        steps = ["⏱"]
    if category in ("praise", "other", "spam"):
        return [f("answer", "ok", "answer_not_needed", steps, category=cat)], None
    if steps:
        return [f("answer", "ok", "answer_step", steps, found=listing(steps[:3]), category=cat)], 1.0
    content = R.content_stems(reply, lang)
    if category == "question" and shared and len(content) >= 3:
        return [f("answer", "ok", "answer_given", sorted(shared), category=cat)], 0.9
    if category == "question":
        return [f("answer", "error", "answer_missing_question", None, category=cat)], 0.0
    if category == "suggestion":
        return [f("answer", "info", "answer_suggestion", None, category=cat)], 0.7
    return [f("answer", "warning", "answer_missing_step", None, category=cat)], 0.0


# --- 5. Private channel for personal data ---------------------------------------------------


def privacy(reply: R.Text, message: R.Text, cues: dict) -> Checked:
    """No personal data asked for or repeated in public; move it to a private channel."""
    out: list[Finding] = []
    private = reply.find(cues["private"])
    asked: list[str] = []
    for words, joined, question in reply.sentence_words():
        data = R.longest(cues["personal_data"].find(words, joined))
        if data and (cues["request"].find(words, joined) or question):
            asked += [d for d in data if d not in asked]
    score = 1.0
    if asked and not private:
        out.append(f("privacy", "error", "privacy_public_request", asked, found=listing(asked)))
        score = 0.0
    elif asked:
        out.append(f("privacy", "ok", "privacy_private_request", asked, found=listing(asked)))
    exposed = R.personal_data(message.text)
    repeated = R.repeats(reply.text, exposed)
    kinds = lambda values: [Key(f"response.reply.data.{exposed.get(v, v)}") for v in values]  # noqa: E731
    if repeated:
        out.append(f("privacy_repeat", "error", "privacy_repeated", repeated,
                     kinds=_keys(kinds(repeated))))
        score = 0.0
    elif exposed and private:
        out.append(f("privacy_repeat", "info", "privacy_exposed_private", list(exposed),
                     kinds=_keys(kinds(exposed))))
    elif exposed:
        out.append(f("privacy_repeat", "warning", "privacy_exposed", list(exposed),
                     kinds=_keys(kinds(exposed))))
        score = min(score, 0.5)
    own = {v: k for v, k in R.personal_data(reply.text).items()
           if k in ("id", "card", "iban") and v not in exposed}
    if own:
        out.append(f("privacy_repeat", "error", "privacy_reply_data", list(own),
                     kinds=_keys([Key(f"response.reply.data.{k}") for k in own.values()])))
        score = 0.0
    if not out:
        out.append(f("privacy", "ok", "privacy_ok"))
    return out, score


class _keys(tuple):
    """Catalogue keys joined with commas, each once."""

    def render(self, lang: str | None) -> str:
        return ", ".join(dict.fromkeys(k.render(lang) for k in self))


# --- 6. Brevity (the length against the network's limit comes from the post checker) ------


def brevity(reply: R.Text, lang: str) -> Checked:
    rules = R.rules()
    most_words, most_sentences = rules.brief_words[lang], rules.brief_sentences
    words, sentences = len(reply.folded), len(reply.sentences)
    params = dict(words=Counted(words, "word"), sentences=Counted(sentences, "sentence"),
                  most_words=most_words,
                  most_sentences=most_sentences)
    if words <= most_words and sentences <= most_sentences:
        return [f("brevity", "ok", "brevity_ok", words, **params)], 1.0
    score = max(0.2, min(most_words / max(words, 1), most_sentences / max(sentences, 1), 1.0))
    return [f("brevity", "warning", "brevity_long", words, **params)], score


# --- 10. Crisis (SCCT, Coombs 2007) ---------------------------------------------------------


def crisis(reply: R.Text, message: R.Text, category: str, cues: dict,
           lang: str | None = None) -> Checked:
    """Safety information first, an apology when responsible, never deny + rebuild.

    Safety information is an instruction in any imperative form ("no los
    consumáis", "do not eat", `response.instructions`) or a safety cue.
    """
    out: list[Finding] = []
    parts: list[float] = []
    topic = message.find(cues["safety_topic"])
    if topic:
        if lang is not None:
            from cmtraining.response.instructions import instructions

            found = instructions(reply.text, lang)
            first = [i.words for i in found if i.sentence < 2]
            anywhere = [i.words for i in found]
        else:
            first, anywhere = [], []
        # the cue list's words too ("retiramos el lote"), as before
        first += [w for words, joined, _ in reply.sentence_words()[:2]
                  for w in cues["safety_info"].find(words, joined)
                  if not any(R.fold(w) in R.fold(x) for x in first)]
        anywhere += [w for w in reply.find(cues["safety_info"])
                     if not any(R.fold(w) in R.fold(x) for x in anywhere)]
        if first:
            out.append(f("crisis_safety", "ok", "crisis_safety_first", first, found=listing(first)))
            parts.append(1.0)
        elif anywhere:
            out.append(f("crisis_safety", "warning", "crisis_safety_late", anywhere,
                         found=listing(anywhere), topic=listing(topic[:3])))
            parts.append(0.5)
        else:
            out.append(f("crisis_safety", "error", "crisis_safety_missing", None, topic=listing(topic[:3])))
            parts.append(0.0)
    deny, rebuild = reply.find(cues["deny"]), reply.find(cues["rebuild"])
    if category in RESOLVE:
        sorry = rebuild + [x for x in reply.find(cues["apology"]) if x not in rebuild]
        if sorry:
            out.append(f("crisis_apology", "ok", "crisis_apology_ok", sorry, found=listing(sorry)))
            parts.append(1.0)
        else:
            out.append(f("crisis_apology", "warning", "crisis_apology_missing",
                         category=Key(f"response.reply.category.{category}")))
            parts.append(0.0)
    if deny and rebuild:
        out.append(f("crisis_mix", "error", "crisis_mix", deny + rebuild, deny=listing(deny),
                     rebuild=listing(rebuild)))
        parts.append(0.0)
    else:
        out.append(f("crisis_mix", "ok", "crisis_mix_ok", deny or rebuild))
        parts.append(1.0)
    return out, sum(parts) / len(parts)
