"""Engines of the listening stage (stage 0): sentiment for now.

Re-exports are lazy so that `import cmtraining.listening` stays cheap.
"""

from __future__ import annotations

_SENTIMENT = ("classify_sentiment", "sentiment_scores", "train_sentiment", "SentimentModel")


def __getattr__(name: str):
    if name in _SENTIMENT:
        from cmtraining.listening import sentiment

        return getattr(sentiment, name)
    raise AttributeError(f"module 'cmtraining.listening' has no attribute {name!r}")


__all__ = list(_SENTIMENT)
