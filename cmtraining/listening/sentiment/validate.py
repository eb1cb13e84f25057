"""Checks a model file's content before any number of it is used.

A model file travels between facilitators and may be truncated, edited by
hand or not a model at all; every field is checked (types, sizes, finite
numbers, unique vocabulary, the checksum over the whole content) so that a
bad file is refused with one clear message instead of failing later, or
silently predicting nonsense.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from cmtraining.listening.sentiment.errors import ModelFileError

_KEYS = {"format", "version", "lang", "labels", "prior_features", "prior_weight", "trained_on",
         "word_vocab", "word_idf", "char_vocab", "char_idf", "coef", "intercept", "checksum"}
_ENCODER_KEYS = {"encoder", "encoder_weight", "link"}  # from version 2 on


def check_payload(payload: object, *, source: str, expected_checksum: Callable[[dict], str]) -> dict:
    """The constructor fields of a SentimentModel, or ModelFileError naming the problem."""
    import numpy as np

    from cmtraining.listening.sentiment.embedding import ENCODERS
    from cmtraining.listening.sentiment.features import PRIOR_NAMES
    from cmtraining.listening.sentiment.model import FORMAT, LABELS, READABLE_VERSIONS, VERSION

    def bad(problem: str) -> ModelFileError:
        return ModelFileError("listening.sentiment.error.model_invalid", path=source, problem=problem)

    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise bad("format")
    version = payload.get("version")
    if isinstance(version, bool) or version not in READABLE_VERSIONS:
        raise ModelFileError("listening.sentiment.error.model_version", path=source,
                             version=str(version)[:20], supported=VERSION)
    missing = (_KEYS | (_ENCODER_KEYS if version >= 2 else set())) - set(payload)
    if missing:
        raise bad(", ".join(sorted(missing)))
    if payload["checksum"] != expected_checksum(payload):
        raise ModelFileError("listening.sentiment.error.model_checksum", path=source)
    if payload["lang"] not in ("es", "en"):
        raise bad("lang")
    if payload["labels"] != list(LABELS) or payload["prior_features"] != list(PRIOR_NAMES):
        raise bad("labels")
    weight = payload["prior_weight"]
    if not _finite(weight):
        raise bad("prior_weight")
    trained_on = payload["trained_on"]
    if not isinstance(trained_on, int) or isinstance(trained_on, bool) or trained_on < 0:
        raise bad("trained_on")
    vocabs = {}
    for name in ("word", "char"):
        terms, idf = payload[f"{name}_vocab"], payload[f"{name}_idf"]
        if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
            raise bad(f"{name}_vocab")
        if len(set(terms)) != len(terms):
            raise bad(f"{name}_vocab")
        if not isinstance(idf, list) or len(idf) != len(terms) or not all(
                _finite(v) and v > 0 for v in idf):
            raise bad(f"{name}_idf")
        vocabs[name] = ({t: i for i, t in enumerate(terms)}, np.array(idf, dtype=float))
    encoder = payload.get("encoder", "")
    encoder_weight = payload.get("encoder_weight", 0.0)
    if not isinstance(encoder, str) or (encoder and encoder not in ENCODERS):
        raise bad("encoder")
    if not _finite(encoder_weight):
        raise bad("encoder_weight")
    link = payload.get("link", "softmax")  # version 1 models were multinomial
    if link not in ("ovr", "softmax"):
        raise bad("link")
    width = len(vocabs["word"][0]) + len(vocabs["char"][0]) + len(PRIOR_NAMES)
    if encoder:
        width += ENCODERS[encoder][2]
    coef, intercept = payload["coef"], payload["intercept"]
    if (not isinstance(coef, list) or len(coef) != len(LABELS)
            or not all(isinstance(row, list) and len(row) == width and all(map(_finite, row))
                       for row in coef)):
        raise bad("coef")
    if not isinstance(intercept, list) or len(intercept) != len(LABELS) or not all(
            map(_finite, intercept)):
        raise bad("intercept")
    return {
        "lang": payload["lang"], "word_vocab": vocabs["word"][0], "word_idf": vocabs["word"][1],
        "char_vocab": vocabs["char"][0], "char_idf": vocabs["char"][1],
        "coef": np.array(coef, dtype=float), "intercept": np.array(intercept, dtype=float),
        "prior_weight": float(weight), "trained_on": trained_on,
        "encoder": encoder, "encoder_weight": float(encoder_weight), "link": link,
    }


def _finite(value: object) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(value))
