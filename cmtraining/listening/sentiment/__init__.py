"""Sentiment of messages addressed to an organization, in Spanish and English.

See docs/sentiment.md. Importing this package is cheap: numpy, scikit-learn,
TextBlob and VADER are imported only when a function needs them.
"""

from cmtraining.listening.sentiment.api import (
    BACKENDS,
    classify_sentiment,
    sentiment_scores,
    train_sentiment,
)
from cmtraining.listening.sentiment.errors import ModelFileError, SentimentError
from cmtraining.listening.sentiment.model import SentimentModel

__all__ = ["BACKENDS", "ModelFileError", "SentimentError", "SentimentModel",
           "classify_sentiment", "sentiment_scores", "train_sentiment"]
