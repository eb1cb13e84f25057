"""Adapting the sentiment model to an organization from the mentions trainees labeled.

Trainees label the tone of messages in the response stage; once there are
enough labels, the app trains a `SentimentModel` on them and saves it beside
the workbook (`<workbook>.sentiment.json`, the package's safe JSON format).
The listening audit and the triage then use it for messages in its
language, and the default lexicon for the others.

The adapted model is kept only when, on labels it did not see (5-fold
cross-validation), it agrees with the trainees more often than the default
does: with few labels a trained model can do worse than the lexicon
(docs/sentiment.md), and adapting must never make the inbox read worse.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cmtraining.core.errors import CmtrainingError

MIN_LABELS = 30  # fewer labels than this do worse than the default lexicon (docs/sentiment.md)


class AdaptError(CmtrainingError):
    key = "listening.adapt.error.few_labels"


@dataclass(frozen=True)
class Adapted:
    path: Path
    lang: str
    labels: int
    agreement_before: float  # the default backend against the trainee's labels
    agreement_after: float  # the adapted model, cross-validated (5 folds): on messages it did not see
    kept: bool = True  # False: the default agreed better, so no model was saved (an older one removed)


def model_path(workbook_path: Path) -> Path:
    return Path(workbook_path).with_suffix(".sentiment.json")


def load_adapted(workbook_path: Path | None):
    """The organization's adapted model, or None (no workbook, no model, or a damaged file)."""
    if workbook_path is None:
        return None
    path = model_path(workbook_path)
    if not path.is_file():
        return None
    from cmtraining.listening import SentimentModel

    try:
        return SentimentModel.load(path)
    except CmtrainingError:
        return None


def adapt(workbook, workbook_path: Path) -> Adapted:
    """Train on the workbook's labels in the organization's main language and save the model."""
    from collections import Counter

    from cmtraining.listening import classify_sentiment, train_sentiment
    from cmtraining.listening.sentiment.langdetect import detect_lang

    labels = workbook.mention_labels
    langs = Counter(detect_lang(m.text, default=workbook.lang) for m in labels)
    lang = langs.most_common(1)[0][0] if langs else workbook.lang
    chosen = [m for m in labels if detect_lang(m.text, default=lang) == lang]
    classes = {m.sentiment for m in chosen}
    if len(chosen) < MIN_LABELS or len(classes) < 2:
        raise AdaptError(count=len(chosen), needed=MIN_LABELS, classes=len(classes))
    texts, gold = [m.text for m in chosen], [m.sentiment for m in chosen]
    after = [None] * len(texts)
    for fold in range(5):  # each label predicted by a model trained without it
        test = [i for i in range(len(texts)) if i % 5 == fold]
        train = [i for i in range(len(texts)) if i % 5 != fold]
        if len({gold[i] for i in train}) < 2:
            continue
        part = train_sentiment([texts[i] for i in train], [gold[i] for i in train], lang)
        for i, label in zip(test, classify_sentiment([texts[i] for i in test], backend=part),
                            strict=True):
            after[i] = label
    before = _agreement(classify_sentiment(texts, lang=lang), gold)
    path = model_path(workbook_path)
    kept = _agreement(after, gold) > before  # a tie adds nothing: keep the simpler default
    if kept:
        train_sentiment(texts, gold, lang).save(path)
    else:
        path.unlink(missing_ok=True)
    return Adapted(path=path, lang=lang, labels=len(chosen), agreement_before=before,
                   agreement_after=_agreement(after, gold), kept=kept)


def _agreement(predicted, gold) -> float:
    return sum(p == g for p, g in zip(predicted, gold, strict=True)) / len(gold)
