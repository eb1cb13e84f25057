"""The public sentiment API: classify, score, train.

Backends:
- "lexicon" (the default for both languages, chosen by measurement, see
  docs/sentiment.md): our hand-written lexicons and rules; for English laid
  over VADER's general lexicon. Offline, zero-shot, fast.
- "textblob": TextBlob's pattern-based polarity (English lexicon only).
- "vader": the plain VADER analyser (vaderSentiment), for comparison.
- a `SentimentModel` from `train_sentiment`, adapted to an organization.

Input rules: `texts` is a list (or any iterable but a bare string) of
messages. None and NaN (an empty cell of a spreadsheet column) count as
empty messages, which are neutral with score 0; any other non-string value
raises SentimentError naming its position. Any string gets exactly one
label: empty, emoji-only, huge (cut at 2,000 characters) or in any script.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from cmtraining.listening.sentiment.errors import SentimentError
from cmtraining.listening.sentiment.model import LABELS, SentimentModel

LANGS = ("es", "en")
BACKENDS = ("lexicon", "textblob", "vader")
DEFAULT_BACKEND = {"es": "lexicon", "en": "lexicon"}
# TextBlob and VADER give a polarity in [-1, 1]; the usual cut-offs
_POLARITY_CUT = {"textblob": 0.1, "vader": 0.05}


def classify_sentiment(texts: Iterable, lang: str = "es", backend=None) -> list[str]:
    """One label per text: "positive", "neutral" or "negative"."""
    items = _texts(texts)
    if isinstance(backend, SentimentModel):
        return backend.predict(items) if items else []
    langs = _langs(items, lang)
    name = _backend_name(backend)
    if name == "lexicon":
        from cmtraining.listening.sentiment.lexicon import load_lexicon
        from cmtraining.listening.sentiment.rules import analyse, classify

        return [classify(analyse(text, load_lexicon(code)), code)
                for text, code in zip(items, langs, strict=True)]
    cut = _POLARITY_CUT[name]
    return [_label(score, cut) for score in _polarity(items, name)]


def sentiment_scores(texts: Iterable, lang: str = "es", backend=None) -> list[float]:
    """One score in [-1, 1] per text (negative to positive), for charts."""
    items = _texts(texts)
    if isinstance(backend, SentimentModel):
        return backend.scores(items) if items else []
    langs = _langs(items, lang)
    name = _backend_name(backend)
    if name == "lexicon":
        from cmtraining.listening.sentiment.lexicon import load_lexicon
        from cmtraining.listening.sentiment.rules import analyse

        return [analyse(text, load_lexicon(code)).score
                for text, code in zip(items, langs, strict=True)]
    return _polarity(items, name)


def train_sentiment(texts: Iterable, labels: Iterable, lang: str) -> SentimentModel:
    """A model adapted to an organization's own labeled messages (needs scikit-learn).

    Labels are "positive", "neutral" or "negative"; at least two of them must
    occur. Training on 5,000 messages takes a few seconds.
    """
    from cmtraining.listening.sentiment.model import fit

    items = _texts(texts)
    if lang not in LANGS:
        raise SentimentError("listening.sentiment.error.lang", value=str(lang), allowed="es, en")
    golds = list(labels)
    if len(golds) != len(items):
        raise SentimentError("listening.sentiment.error.label_count", texts=len(items), labels=len(golds))
    for position, label in enumerate(golds):
        if label not in LABELS:
            raise SentimentError("listening.sentiment.error.label", position=position,
                                 value=str(label)[:40], allowed=", ".join(LABELS))
    if len(set(golds)) < 2:
        raise SentimentError("listening.sentiment.error.one_label", count=len(golds))
    return fit(items, golds, lang)


def _texts(texts) -> list[str]:
    if isinstance(texts, str | bytes):
        raise SentimentError("listening.sentiment.error.not_a_list")
    try:
        items = list(texts)
    except TypeError:
        raise SentimentError("listening.sentiment.error.not_a_list") from None
    out = []
    for position, text in enumerate(items):
        if isinstance(text, str):
            out.append(text)
        elif text is None or (isinstance(text, float) and math.isnan(text)):
            out.append("")
        else:
            raise SentimentError("listening.sentiment.error.not_text", position=position,
                                 type=type(text).__name__)
    return out


def _langs(items: list[str], lang: str) -> list[str]:
    if lang in LANGS:
        return [lang] * len(items)
    if lang == "auto":
        from cmtraining.listening.sentiment.langdetect import detect_lang

        return [detect_lang(text) for text in items]
    raise SentimentError("listening.sentiment.error.lang", value=str(lang), allowed="es, en, auto")


def _backend_name(backend) -> str:
    if backend is None:
        return "lexicon"  # DEFAULT_BACKEND is "lexicon" for both languages
    if isinstance(backend, str) and backend in BACKENDS:
        return backend
    raise SentimentError("listening.sentiment.error.backend", value=str(backend)[:40],
                         allowed=", ".join(BACKENDS))


def _polarity(items: list[str], name: str) -> list[float]:
    from cmtraining.listening.sentiment.normalize import MAX_CHARS

    if name == "textblob":
        from textblob import TextBlob

        return [float(TextBlob(text[:MAX_CHARS]).sentiment.polarity) for text in items]
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        raise SentimentError("listening.sentiment.error.backend_missing", backend=name,
                             package="vaderSentiment") from None
    analyzer = _vader(SentimentIntensityAnalyzer)
    return [float(analyzer.polarity_scores(text[:MAX_CHARS])["compound"]) for text in items]


_VADER = []


def _vader(factory):
    if not _VADER:
        _VADER.append(factory())
    return _VADER[0]


def _label(score: float, cut: float) -> str:
    return "positive" if score >= cut else "negative" if score <= -cut else "neutral"
