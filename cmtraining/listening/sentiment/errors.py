"""The sentiment engine's errors: `CmtrainingError`s with keys under `sentiment.error`."""

from __future__ import annotations

from cmtraining.core.errors import CmtrainingError


class SentimentError(CmtrainingError):
    """Bad input to the sentiment engine: a text, a label, a language or a backend."""

    key = "listening.sentiment.error.generic"


class ModelFileError(SentimentError):
    """A model file that cannot be read, is not a model, or was edited."""

    key = "listening.sentiment.error.model_invalid"


class LabeledDataError(SentimentError):
    """A labeled CSV the command line cannot train or evaluate on."""

    key = "listening.sentiment.error.csv"
