"""What the reply checker compares against, and the text it reads.

`replies.py` holds the checks; this module holds the figures and cue lists of
`datasets/reply_checker.yaml` (parsed once per process), a light stemmer for
comparing a reply with the message it answers, the patterns of personal data
and unfilled template placeholders, and the service-hours clock. Kept free of
`Finding`s so that the triage and crisis engines can reuse the pieces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache, lru_cache

from cmtraining.core.paths import datasets_dir
from cmtraining.planning.post_rules import WORD, Terms, fold

__all__ = ["WORD", "Rules", "Text", "fold", "rules", "stem", "content_stems", "personal_data",
           "repeats", "author_tokens", "service_minutes", "in_service", "day_ranges", "longest"]
from cmtraining.core.yamlio import read_yaml

_fold = lru_cache(maxsize=200_000)(fold)  # words repeat across replies: fold each once

CUE_LISTS = ("thanks", "acknowledge", "apology", "boilerplate", "blame", "defensive", "next_step",
             "private", "personal_data", "request", "safety_topic", "safety_info", "deny", "rebuild")


@dataclass(frozen=True)
class Rules:
    """`datasets/reply_checker.yaml`, typed: figures plus `Terms` per list and language."""

    default_hours: dict
    hour_sources: dict
    crisis_hours: float
    late_decay: float
    weights: dict
    error_cap: float
    brief_words: dict
    brief_sentences: int
    spelling_penalty: float
    cues: dict  # lang -> list name -> Terms
    stopwords: dict  # lang -> frozenset of folded words (stopwords and filler)
    sources: dict  # id -> {title, publisher, year, note}
    vocabulary: dict  # lang -> every word of the cue lists as written (correct spelling)
    instruction_verbs: dict  # lang -> the safety verbs of `instructions` (response/instructions.py)


@cache
def rules() -> Rules:
    """Parse the data file once; the checks only read the result."""
    data = read_yaml(datasets_dir() / "reply_checker.yaml")
    timing = data["timeliness"]
    cues, stop, vocabulary = {}, {}, {}
    for lang, lists in data["cues"].items():
        cues[lang] = {name: Terms.of(lists[name]) for name in CUE_LISTS}
        stop[lang] = frozenset(fold(w) for key in ("stopwords", "filler") for w in lists[key])
        vocabulary[lang] = frozenset(w.lower() for items in lists.values() for item in items
                                     for w in WORD.findall(item))
    return Rules(
        default_hours=dict(timing["default_hours"]), hour_sources=dict(timing["sources"]),
        crisis_hours=float(timing["crisis_hours"]), late_decay=float(timing["late_decay"]),
        weights={k: float(v) for k, v in data["weights"].items()},
        error_cap=float(data["error_cap"]), brief_words=dict(data["brevity"]["words"]),
        brief_sentences=int(data["brevity"]["sentences"]),
        spelling_penalty=float(data["spelling_penalty"]), cues=cues, stopwords=stop,
        sources=dict(data["sources"]), vocabulary=vocabulary,
        instruction_verbs={lang: tuple(str(v) for v in verbs)
                           for lang, verbs in data.get("instructions", {}).items()})


def source_label(source_id: str, lang: str | None = None) -> str:
    """"Publisher, year" of a source of the data file (e.g. "Lithium Technologies …, 2013").

    Publishers are names and stay as they are; the course's own assumptions are
    named in the reader's language ("estimación de cmtraining, 2026"), never
    as the data file's English title inside Spanish feedback."""
    src = rules().sources.get(source_id, {})
    if src.get("kind") == "assumption":
        from cmtraining.i18n import t

        return t("evaluation.source.assumption", lang, year=src.get("year", ""))
    return f"{src.get('publisher') or src.get('title', source_id)}, {src.get('year', '')}".strip(", ")


class Source(str):
    """A finding parameter naming a source by id, labelled in the reader's language."""

    def render(self, lang: str | None) -> str:
        return source_label(self, lang)


# --- Text ------------------------------------------------------------------------------

_SENTENCE = re.compile(r"[^.!?…\n]+[.!?…\n]*")
_URL = re.compile(r"(?:https?://|www\.)\S+|\b[a-z0-9-]+\.(?:com|org|net|es|io|ly|co|info|gob|app)\b(?:/\S*)?", re.I)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
MENTION = re.compile(r"(?<![\w@])@\w(?:[\w.]*\w)?")
# Long digit runs (9-19 digits with spaces, dots or dashes): phones, cards.
_DIGITS = re.compile(r"(?<![\w+])\+?\d(?:[ .\-]?\d){8,18}(?!\w)")
_ID = re.compile(r"\b[XYZxyz]?\d{7,8}[- ]?[A-Za-z]\b")  # Spanish DNI / NIE
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}\b")
_TIME = re.compile(r"\b(?:[01]?\d|2[0-3])[:.h][0-5]\d\b|\b\d{1,2} ?(?:h|am|pm|horas?|hours?|d[ií]as?|days?|min)\b", re.I)
# Unfilled template slots: {name}, {{name}}, [NOMBRE], [nombre del cliente], <name>, XXX, ___
PLACEHOLDER = re.compile(r"""
    \{\{?[^{}\n]{1,30}\}\}?
  | \[[A-ZÁÉÍÓÚÑ0-9_ ]{2,30}\]
  | \[(?i:nombre|name|usuario|user|cliente|customer|fecha|date|n[uú]mero|number|enlace|link|
          handle|producto|product|tienda|store|pedido|order)[^\]\n]{0,25}\]
  | <(?i:nombre|name|usuario|user|cliente|customer|fecha|date|enlace|link)[\w ]{0,20}>
  | \bX{3,}\b | _{3,}
""", re.VERBOSE)


class Text:
    """A reply or a message read once: folded words, sentences, links, data, mentions."""

    __slots__ = ("text", "folded", "joined", "sentences", "urls", "mentions", "has_time", "stems")

    def __init__(self, text: str):
        self.text = text
        no_mail = EMAIL.sub(" ", text)
        self.urls = _URL.findall(no_mail)
        self.mentions = [m.lower() for m in MENTION.findall(no_mail)]
        bare = _URL.sub(" ", no_mail)
        self.folded = [_fold(w) for w in WORD.findall(bare)]
        self.joined = f" {' '.join(self.folded)} "
        self.sentences = [s for s in _SENTENCE.findall(bare) if WORD.search(s)]
        self.has_time = bool(_TIME.search(text))
        self.stems: dict = {}  # memo of content_stems per (lang, ignored words)

    def find(self, terms: Terms) -> list[str]:
        return longest(terms.find(self.folded, self.joined))

    def sentence_words(self) -> list[tuple[list[str], str, bool]]:
        """(folded words, ' '-joined, is a question) per sentence, for checks within one."""
        out = []
        for sentence in self.sentences:
            words = [_fold(w) for w in WORD.findall(sentence)]
            out.append((words, f" {' '.join(words)} ", "?" in sentence or "¿" in sentence))
        return out


def longest(hits: list[str]) -> list[str]:
    """Drop hits inside a longer hit ("112" within "llama al 112"): each cue shown once."""
    return [h for h in hits if not any(h != o and f" {h} " in f" {o} " for o in hits)]


# Light stemmer: drop the longest listed ending (keeping 4 letters), keep 6.
# Own curation (cmtraining, 2026); enough to match retraso/retrasado/retrasos,
# pedido/pedidos, llegó/llegado, delivery/delivered, refund/refunded.
_ENDINGS = {
    "es": ("aciones", "acion", "iendo", "ieron", "ando", "amos", "aron", "ados", "adas", "idos",
           "idas", "mente", "ado", "ada", "ido", "ida", "es", "as", "os", "a", "o", "e", "s"),
    "en": ("ations", "ation", "ing", "edly", "ed", "es", "ly", "er", "s", "e", "y"),
}


@lru_cache(maxsize=100_000)
def stem(word: str, lang: str) -> str:
    for ending in _ENDINGS[lang]:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)][:6]
    return word[:6]


def content_stems(text: Text, lang: str, ignore: frozenset[str] = frozenset()) -> set[str]:
    """Stems of the words that carry meaning: no function words, greetings, numbers."""
    key = (lang, ignore)
    if key not in text.stems:
        stop = rules().stopwords[lang]
        text.stems[key] = frozenset(stem(w, lang) for w in text.folded
                                    if len(w) >= 3 and w.isalpha() and w not in stop and w not in ignore)
    return text.stems[key]


def personal_data(text: str) -> dict[str, str]:
    """Personal data written in a text: {normalised value: kind} (email, phone, id, card, iban)."""
    found: dict[str, str] = {}
    for m in EMAIL.findall(text):
        found[m.lower()] = "email"
    for m in _IBAN.findall(text):
        found[re.sub(r"\s", "", m)] = "iban"
    for m in _DIGITS.findall(text):
        digits = re.sub(r"\D", "", m)
        if 9 <= len(digits) <= 19 and digits not in found:
            found[digits] = "card" if len(digits) >= 13 else "phone"
    for m in _ID.findall(text):
        found[re.sub(r"[- ]", "", m).upper()] = "id"
    return found


def repeats(reply: str, data: dict[str, str]) -> list[str]:
    """The items of `data` (from the message) that the reply writes again."""
    lower, digits = reply.lower(), re.sub(r"\D", "", reply)
    compact = re.sub(r"[\s-]", "", reply).upper()
    out = []
    for value, kind in data.items():
        hay = lower if kind == "email" else digits if kind in ("phone", "card") else compact
        if value in hay:  # emails are stored in lower case, numbers as bare digits
            out.append(value)
    return out


def author_tokens(author: str | None) -> tuple[set[str], str | None]:
    """(@handles in lower case, folded first name) of the message's author."""
    if not author or not author.strip():
        return set(), None
    handles = {m.lower() for m in MENTION.findall(author)}
    rest = MENTION.sub(" ", author)
    names = [w for w in WORD.findall(rest) if w.isalpha() and len(w) >= 2]
    if not handles and len(names) <= 1 and re.fullmatch(r"\s*\w+\s*", author):
        handles.add("@" + author.strip().lower())  # a bare handle, e.g. "ana_garcia"
    if not names:  # "@ana_garcia" is greeted as "Ana"
        parts = [re.split(r"[_.\d]+", h[1:])[0] for h in sorted(handles)]
        names = [p for p in parts if len(p) >= 3 and p.isalpha()]
    return handles, fold(names[0]) if names else None


# --- Service-hours clock ------------------------------------------------------------------


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def in_service(moment: datetime, hours) -> bool:
    return (moment.weekday() in hours.days
            and _clock(hours.start) <= moment.time().replace(tzinfo=None) < _clock(hours.end))


def service_minutes(received: datetime, replied: datetime, hours) -> float:
    """Minutes of service time (days x start-end) between two moments.

    Exact for any span: the first and last days are clipped, the whole days
    between them are counted by weeks plus a remainder (no loop over years).
    """
    if received.tzinfo is not None:  # read both on the clock where the message arrived
        replied = replied.astimezone(received.tzinfo)
    days = set(hours.days)
    start, end = _clock(hours.start), _clock(hours.end)
    span = (datetime.combine(date.min, end) - datetime.combine(date.min, start)).total_seconds() / 60

    def window(day: date) -> float:
        if day.weekday() not in days:
            return 0.0
        lo = datetime.combine(day, start, tzinfo=received.tzinfo)
        hi = datetime.combine(day, end, tzinfo=received.tzinfo)
        lo, hi = max(lo, received), min(hi, replied)
        return max(0.0, (hi - lo).total_seconds() / 60)

    first, last = received.date(), replied.date()
    if first == last:
        return window(first)
    total = window(first) + window(last)
    between = (last - first).days - 1
    weeks, rest = divmod(between, 7)
    total += weeks * len(days) * span
    total += sum(span for i in range(rest) if (first + timedelta(days=1 + i)).weekday() in days)
    return total


def day_ranges(days) -> list[tuple[int, int]]:
    """Monday-first day numbers grouped into runs: [0,1,2,3,4,6] -> [(0,4),(6,6)]."""
    runs: list[tuple[int, int]] = []
    for d in sorted(set(days)):
        if runs and d == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], d)
        else:
            runs.append((d, d))
    return runs
