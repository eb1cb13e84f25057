"""The hand-written lexicons the zero-shot scorer reads, and how a word is looked up.

Each language has one TSV file in `data/` (written for this project, see the
header of `data/es.tsv`), plus `data/emoji.tsv` shared by both. Sections:

- `[valence]` term and value on VADER's -4..+4 scale. A trailing `*` matches
  any ending (Spanish inflects: "decepcion*" covers decepción, decepcionado,
  decepcionante); several words make a phrase ("nadie contesta", "still
  waiting"), matched before single words; an exact entry wins over a prefix,
  so "atentado" is not read as "atento".
- `[negators]`, `[intensifiers]` (term and factor), `[contrast]` ("pero",
  "but"), `[requests]` (words of a neutral request for information) and
  `[thanks]`.

For English, VADER's general lexicon (vaderSentiment, MIT) is read first
when installed and our file is laid over it: VADER knows thousands of general
words; ours adds customer-service language and neutralises words VADER
scores that are neutral in messages to an organization ("please", "help",
brand names such as "united").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from cmtraining.listening.sentiment.normalize import tokens

_DOUBLE = re.compile(r"([a-z])\1")
_MIN_PREFIX = 3


@dataclass
class Lexicon:
    """Everything the rule scorer needs for one language."""

    lang: str
    words: dict[str, float] = field(default_factory=dict)
    prefixes: dict[str, float] = field(default_factory=dict)
    phrases: dict[str, list[tuple[tuple[str, ...], float]]] = field(default_factory=dict)
    negators: frozenset[str] = frozenset()
    intensifiers: dict[str, float] = field(default_factory=dict)
    contrast: frozenset[str] = frozenset()
    requests: frozenset[str] = frozenset()
    thanks: frozenset[str] = frozenset()
    _cache: dict[str, float] = field(default_factory=dict, repr=False)

    def add(self, term: str, value: float) -> None:
        parts = tuple(term.split())
        if len(parts) > 1:
            entries = self.phrases.setdefault(parts[0], [])
            entries[:] = [e for e in entries if e[0] != parts] + [(parts, value)]
            entries.sort(key=lambda e: -len(e[0]))  # longest phrase first
        elif term.endswith("*") and len(term) > _MIN_PREFIX:
            self.prefixes[term[:-1]] = value
        else:
            self.words[term] = value
        self._cache.clear()

    def valence(self, token: str) -> float:
        """Value of one normalised token: exact, then without doubled letters, then prefix."""
        cached = self._cache.get(token)
        if cached is not None:
            return cached
        value = self._lookup(token)
        if value == 0.0 and token != (single := _DOUBLE.sub(r"\1", token)):
            value = self._lookup(single)  # "buenoo" -> "bueno"
            # one elongated letter next to a real double: "maaravilla", "reecommend"
            for run in _DOUBLE.finditer(token) if value == 0.0 else ():
                value = self._lookup(token[:run.start()] + token[run.start() + 1:])
                if value:
                    break
        if len(self._cache) < 200_000:
            self._cache[token] = value
        return value

    def _lookup(self, token: str) -> float:
        value = self.words.get(token)
        if value is not None:
            return value
        for end in range(len(token), _MIN_PREFIX - 1, -1):
            value = self.prefixes.get(token[:end])
            if value is not None:
                return value
        return 0.0

    def phrase_at(self, toks: list[str], i: int) -> tuple[int, float] | None:
        """(length, value) of the longest phrase starting at position i, if any."""
        for parts, value in self.phrases.get(toks[i], ()):
            n = len(parts)
            if tuple(toks[i:i + n]) == parts:
                return n, value
        return None


def _sections(text: str) -> dict[str, list[list[str]]]:
    out: dict[str, list[list[str]]] = {}
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("# "):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = out.setdefault(line[1:-1], [])
            continue
        if current is None:
            raise ValueError(f"lexicon line outside a section: {raw!r}")
        current.append(raw.split("\t"))
    return out


def _read_data(name: str) -> str:
    return resources.files("cmtraining.listening.sentiment").joinpath("data").joinpath(name).read_text(
        encoding="utf-8")


def _vader_words() -> dict[str, float]:
    """VADER's general English lexicon, when the package is installed (MIT)."""
    try:
        text = resources.files("vaderSentiment").joinpath("vader_lexicon.txt").read_text(
            encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return {}
    words = {}
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) >= 2:
            try:
                words[parts[0]] = float(parts[1])
            except ValueError:
                continue
    return words


@cache
def load_lexicon(lang: str, with_vader: bool = True) -> Lexicon:
    """The lexicon for "es" or "en", built once per process."""
    lex = Lexicon(lang)
    base = _sections(_read_data("emoji.tsv"))
    own = _sections(_read_data(f"{lang}.tsv"))
    lex.negators = frozenset(r[0] for r in own.get("negators", []))
    lex.intensifiers = {r[0]: float(r[1]) for r in own.get("intensifiers", []) if " " not in r[0]}
    lex.contrast = frozenset(r[0] for r in own.get("contrast", []))
    lex.requests = frozenset(r[0] for r in own.get("requests", []))
    lex.thanks = frozenset(r[0] for r in own.get("thanks", []))
    special = lex.negators | set(lex.intensifiers) | lex.contrast
    if lang == "en" and with_vader:
        for term, value in _vader_words().items():
            folded = tokens(term)
            # VADER's emoticons are tokenised differently; keep plain words only
            if len(folded) == 1 and folded[0] == term and term not in special:
                lex.words[term] = value
    for term, value in base.get("valence", []):
        lex.add(term, float(value))
    for term, value in own.get("valence", []):
        if term not in special:
            lex.add(term, float(value))
    return lex
