"""Sentiment backends side by side on real labeled messages: quality and speed.

Reads the development sets from ../shared/sentiment-dev (never shipped; see
their README) and prints, per language, macro-F1, accuracy and messages/s of
plain TextBlob, VADER (if installed) and the default "lexicon" backend; then
the learning curve of `train_sentiment` at 100, 500 and 2,000 labels
(stratified sample, fixed seed, evaluated on the rest), the 2,000-label
figure for two more split seeds (one split can flatter or hide a change by a
point) and the training time on 5,000 English messages. Skips itself when the sets are missing; never
fails the build. Speeds are single-process (one core) on a warm cache.
"""

from __future__ import annotations

import csv
import random
import time
from pathlib import Path

DEV = Path(__file__).resolve().parents[1] / ".." / "shared" / "sentiment-dev"
SEED = 2026
CURVE = (100, 500, 2000)
MORE_SEEDS = (1, 2)


def read(lang: str) -> tuple[list[str], list[str]]:
    with open(DEV / f"{lang}.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [r["text"] for r in rows], [r["label"] for r in rows]


def stratified_split(labels: list[str], n: int, seed: int = SEED) -> tuple[list[int], list[int]]:
    """Indices of a class-proportional sample of n, and of the rest."""
    rng = random.Random(seed)
    by_class: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        by_class.setdefault(label, []).append(i)
    chosen: list[int] = []
    for members in by_class.values():
        rng.shuffle(members)
        chosen += members[:round(n * len(members) / len(labels))]
    picked = set(chosen)
    return chosen, [i for i in range(len(labels)) if i not in picked]


def cold() -> None:
    """Forget cached sentence vectors, so fit and predict times include encoding."""
    from cmtraining.listening.sentiment import embedding

    embedding._CACHE.clear()


def row(name: str, report, rate: float | None) -> str:
    speed = f"{rate:>9,.0f}" if rate else f"{'':>9}"
    return f"  {name:<28} macro-F1 {report.macro_f1:.3f}  accuracy {report.accuracy:.3f}  {speed} msg/s"


def main() -> None:
    if not DEV.is_dir():
        print(f"skipped: {DEV} not found")
        return
    from cmtraining.listening import classify_sentiment, train_sentiment
    from cmtraining.listening.sentiment.metrics import evaluate

    backends = ["textblob", "lexicon"]
    try:
        import vaderSentiment  # noqa: F401

        backends.insert(1, "vader")
    except ImportError:
        print("  (vaderSentiment not installed: VADER skipped)")
    for lang in ("en", "es"):
        texts, gold = read(lang)
        print(f"{lang}: {len(texts):,} messages (majority class "
              f"{max(gold.count(g) for g in set(gold)) / len(gold):.0%})")
        for backend in backends:
            classify_sentiment(texts[:200], lang=lang, backend=backend)  # warm caches
            start = time.perf_counter()
            predicted = classify_sentiment(texts, lang=lang, backend=backend)
            rate = len(texts) / (time.perf_counter() - start)
            label = backend + (" (default)" if backend == "lexicon" else "")
            print(row(label, evaluate(gold, predicted), rate))
        for n in CURVE:
            train, rest = stratified_split(gold, n)
            cold()
            start = time.perf_counter()
            model = train_sentiment([texts[i] for i in train], [gold[i] for i in train], lang)
            fit_s = time.perf_counter() - start
            cold()
            start = time.perf_counter()
            predicted = classify_sentiment([texts[i] for i in rest], backend=model)
            rate = len(rest) / (time.perf_counter() - start)
            report = evaluate([gold[i] for i in rest], predicted)
            print(row(f"trained on {n:,} (fit {fit_s:.1f} s)", report, rate))
        figures = [report.macro_f1]  # seed 2026 at 2,000 labels, the last of the curve
        for seed in MORE_SEEDS:
            train, rest = stratified_split(gold, CURVE[-1], seed)
            model = train_sentiment([texts[i] for i in train], [gold[i] for i in train], lang)
            predicted = classify_sentiment([texts[i] for i in rest], backend=model)
            figures.append(evaluate([gold[i] for i in rest], predicted).macro_f1)
        print(f"  trained on {CURVE[-1]:,}, seeds {SEED}/{'/'.join(map(str, MORE_SEEDS))}: macro-F1 "
              f"{' '.join(f'{f:.3f}' for f in figures)} (mean {sum(figures) / len(figures):.3f})")
    texts, gold = read("en")
    train, _ = stratified_split(gold, 5000)
    cold()
    start = time.perf_counter()
    train_sentiment([texts[i] for i in train], [gold[i] for i in train], "en")
    print(f"training on 5,000 English messages: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
