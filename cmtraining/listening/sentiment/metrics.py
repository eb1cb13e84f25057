"""Macro-F1, accuracy, per-class F1 and the confusion table, without scikit-learn.

Used by `cmtraining sentiment eval`, the benchmark and the tests, so that all
three report the same numbers. Macro-F1 (the mean of the three classes' F1)
is the headline figure because the classes are unbalanced: a model that
calls everything negative gets a high accuracy on complaints and is useless.
"""

from __future__ import annotations

from dataclasses import dataclass

from cmtraining.listening.sentiment.model import LABELS


@dataclass(frozen=True)
class Report:
    macro_f1: float
    accuracy: float
    f1: dict[str, float]
    confusion: dict[str, dict[str, int]]  # confusion[true][predicted]
    count: int


def evaluate(gold: list[str], predicted: list[str]) -> Report:
    confusion = {g: dict.fromkeys(LABELS, 0) for g in LABELS}
    for g, p in zip(gold, predicted, strict=True):
        confusion[g][p] += 1
    f1 = {}
    for label in LABELS:
        tp = confusion[label][label]
        fp = sum(confusion[g][label] for g in LABELS) - tp
        fn = sum(confusion[label].values()) - tp
        f1[label] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    count = len(gold)
    correct = sum(confusion[label][label] for label in LABELS)
    return Report(sum(f1.values()) / len(LABELS), correct / count if count else 0.0, f1,
                  confusion, count)
