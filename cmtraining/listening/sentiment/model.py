"""A sentiment model trained on an organization's own labeled messages, saved without pickle.

`train_sentiment` fits one class-balanced logistic regression per label
against the rest (scikit-learn) on TF-IDF word and character n-grams, the
lexicon prior (see features.py) and a multilingual sentence vector (see
embedding.py). The fitted model is plain numbers: two vocabularies, their idf
weights, the name of the sentence encoder, a coefficient matrix and an
intercept. `SentimentModel` predicts with numpy dot products, so a saved model
is a JSON file that loads without scikit-learn and without pickle (a pickle
can run code; a model file is shared between facilitators). `load` checks
everything, including a checksum, and refuses a malformed or edited file with
the package's error: a file too big to be a model (before parsing it), too
deeply nested, holding a number too large for a float, weights out of the
range training produces, or predictions that do not depend on the text.
"""

from __future__ import annotations

import hashlib
import json
import math
import warnings
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cmtraining.listening.sentiment.embedding import DEFAULT_ENCODER
from cmtraining.listening.sentiment.embedding import available as encoder_available
from cmtraining.listening.sentiment.errors import ModelFileError, SentimentError
from cmtraining.listening.sentiment.features import PRIOR_NAMES, prior_features, text_features
from cmtraining.listening.sentiment.lexicon import load_lexicon

if TYPE_CHECKING:
    import numpy as np

LABELS = ("negative", "neutral", "positive")
FORMAT = "cmtraining-sentiment-model"
VERSION = 2  # 2 added the sentence encoder; version 1 files (without one) still load
READABLE_VERSIONS = (1, 2)
# A model's size grows with its vocabulary: the English development set (11,379
# labeled messages, far more than a course labels) trains a 6.1 MB model of
# 130,000 terms (measured 2026). Parsing costs ~14 times the file in memory, so
# the cap keeps a hostile file under ~0.5 GB (a 100 MB one cost 1.4 GB before).
MAX_FILE_BYTES = 32 * 1024 * 1024
# Training (C=2, unit-normed features) gives weights within ±100 and an
# intercept of -30 for an absent label; idf is at most 1 + ln(n). Anything past
# this bound is an edited file, and 1e308 weights overflow every prediction.
MAX_WEIGHT = 1e4
MAX_INT_DIGITS = 18  # "trained_on" and "version" are the only integers a model holds
# texts every model must tell apart (the lexicon prior alone makes them differ)
_PROBES = {"es": ("me encanta, muchas gracias", "qué desastre, no funciona nada",
                  "¿a qué hora abrís mañana?"),
           "en": ("I love it, thank you so much", "what a disaster, nothing works",
                  "what time do you open tomorrow?")}
# chosen on the development sets' learning curves (docs/sentiment.md)
C = 2.0
PRIOR_WEIGHT = 1.0
# scale of the unit sentence vector next to the unit TF-IDF blocks: 0.5-1.0 all
# helped both languages on three split seeds; 0.7 sits in the middle
ENCODER_WEIGHT = 0.7
WORD_MIN_DF = 1
CHAR_MIN_DF = 2
DECIMALS = 6


@dataclass(eq=False)
class SentimentModel:
    """Vocabularies, idf and linear weights; predicts with numpy only."""

    lang: str
    word_vocab: dict[str, int]
    word_idf: np.ndarray
    char_vocab: dict[str, int]
    char_idf: np.ndarray
    coef: np.ndarray  # (3 labels, words + chars + prior features + encoder dimensions)
    intercept: np.ndarray
    prior_weight: float = PRIOR_WEIGHT
    trained_on: int = 0
    encoder: str = ""  # a name in embedding.ENCODERS, or "" for none
    encoder_weight: float = 0.0
    link: str = "ovr"  # "ovr": one binary model per label; "softmax": multinomial (version 1)

    # -- prediction -------------------------------------------------------
    def probabilities(self, texts: list[str]) -> np.ndarray:
        """(n, 3) probabilities of negative, neutral, positive."""
        import numpy as np

        logits = self._matrix(texts) + self.intercept
        if self.link == "ovr":  # each label's own P(label vs the rest), normalised
            odds = 1.0 / (1.0 + np.exp(-np.clip(logits, -500, 500)))
            return odds / np.maximum(odds.sum(axis=1, keepdims=True), 1e-300)
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def predict(self, texts: list[str]) -> list[str]:
        return [LABELS[i] for i in self.probabilities(texts).argmax(axis=1)]

    def scores(self, texts: list[str]) -> list[float]:
        """P(positive) - P(negative): a score in [-1, 1]."""
        p = self.probabilities(texts)
        return [float(min(1.0, max(-1.0, v))) for v in p[:, 2] - p[:, 0]]

    def _matrix(self, texts: list[str]) -> np.ndarray:
        """X @ coef.T computed row by row from sparse features (no scipy needed)."""
        import numpy as np

        indices, values, indptr = sparse_rows(texts, self)
        out = np.zeros((len(texts), len(LABELS)))
        if len(indices):
            contrib = self.coef[:, indices] * values  # (3, nnz)
            starts = np.asarray(indptr[:-1])
            nonempty = starts < np.asarray(indptr[1:])
            sums = np.add.reduceat(contrib, starts[nonempty], axis=1)
            out[nonempty] = sums.T
        if self.encoder:
            dense = self.coef[:, self.sparse_width:]
            out += (self.encoder_weight * dense_rows(texts, self.encoder)) @ dense.T
        return out

    @property
    def sparse_width(self) -> int:
        return len(self.word_vocab) + len(self.char_vocab) + len(PRIOR_NAMES)

    # -- files --------------------------------------------------------------
    def to_dict(self) -> dict:
        payload = {
            "format": FORMAT, "version": VERSION, "lang": self.lang, "labels": list(LABELS),
            "prior_features": list(PRIOR_NAMES), "prior_weight": self.prior_weight,
            "trained_on": self.trained_on,
            "encoder": self.encoder, "encoder_weight": self.encoder_weight, "link": self.link,
            "word_vocab": _ordered(self.word_vocab), "word_idf": self.word_idf.tolist(),
            "char_vocab": _ordered(self.char_vocab), "char_idf": self.char_idf.tolist(),
            "coef": self.coef.tolist(), "intercept": self.intercept.tolist(),
        }
        payload["checksum"] = _checksum(payload)
        return payload

    def save(self, path: str | Path) -> None:
        """Write the model as JSON, atomically (no half-written file on failure)."""
        from cmtraining.core.outputs import write_bytes_atomic

        data = json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"),
                          allow_nan=False).encode("utf-8")
        write_bytes_atomic(Path(path), data)

    @classmethod
    def load(cls, path: str | Path) -> SentimentModel:
        """Read and validate a model file; ModelFileError on anything wrong."""
        path = Path(path)
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise ModelFileError("listening.sentiment.error.model_too_big", path=str(path))
            data = path.read_bytes()
        except OSError as exc:
            raise ModelFileError("listening.sentiment.error.model_unreadable", path=str(path),
                                 reason=exc.strerror or str(exc)) from None
        if len(data) > MAX_FILE_BYTES:  # it grew between stat and read
            raise ModelFileError("listening.sentiment.error.model_too_big", path=str(path))
        try:
            payload = json.loads(data.decode("utf-8"), parse_constant=_refuse_constant,
                                 parse_int=_bounded_int)
        except RecursionError:
            raise ModelFileError("core.safety.model.too_deep", path=str(path)) from None
        except _HugeNumber:
            raise ModelFileError("core.safety.model.huge_number", path=str(path)) from None
        except (UnicodeDecodeError, ValueError) as exc:
            raise ModelFileError("listening.sentiment.error.model_not_json", path=str(path),
                                 reason=str(exc)[:200]) from None
        return cls.from_dict(payload, source=str(path))

    @classmethod
    def from_dict(cls, payload: object, source: str = "") -> SentimentModel:
        from cmtraining.listening.sentiment.validate import check_payload

        try:
            fields = check_payload(payload, source=source, expected_checksum=_checksum)
        except (OverflowError, RecursionError):  # a huge integer or a deep list built in code
            raise ModelFileError("core.safety.model.huge_number", path=source) from None
        model = cls(**fields)
        model._check_usable(source)
        return model

    def _check_usable(self, source: str) -> None:
        """Refuse weights out of training's range, and predictions that ignore the text."""
        import numpy as np

        for name in ("coef", "intercept", "word_idf", "char_idf"):
            values = getattr(self, name)
            if values.size and float(np.abs(values).max()) > MAX_WEIGHT:
                raise ModelFileError("core.safety.model.degenerate", path=source, problem=name)
        for name in ("prior_weight", "encoder_weight"):
            if abs(getattr(self, name)) > MAX_WEIGHT:
                raise ModelFileError("core.safety.model.degenerate", path=source, problem=name)
        # the text-dependent part only (the sentence encoder is not loaded here)
        indices, values, indptr = sparse_rows(list(_PROBES[self.lang]), self)
        logits = np.tile(self.intercept, (len(indptr) - 1, 1))
        for row in range(len(indptr) - 1):
            cols = indices[indptr[row]:indptr[row + 1]]
            logits[row] += self.coef[:, cols] @ values[indptr[row]:indptr[row + 1]]
        if not np.isfinite(logits).all():
            raise ModelFileError("core.safety.model.degenerate", path=source, problem="predictions")
        if float(np.ptp(logits, axis=0).max()) == 0.0:
            raise ModelFileError("core.safety.model.degenerate", path=source,
                                 problem="same prediction for every text")


def sparse_rows(texts: list[str], model: SentimentModel):
    """CSR-style (indices, values, indptr) of the model's features for `texts`."""
    import numpy as np

    lex = load_lexicon(model.lang)
    n_words = len(model.word_vocab)
    offset_prior = n_words + len(model.char_vocab)
    indices: list[int] = []
    values: list[float] = []
    indptr = [0]
    for text in texts:
        grams, chars = text_features(text, lex)
        for vocab, idf, feats, offset in ((model.word_vocab, model.word_idf, grams, 0),
                                          (model.char_vocab, model.char_idf, chars, n_words)):
            row: list[tuple[int, float]] = []
            for feat, count in Counter(feats).items():
                j = vocab.get(feat)
                if j is not None:
                    row.append((j, (1.0 + math.log(count)) * idf[j]))
            norm = math.sqrt(sum(v * v for _, v in row)) or 1.0
            for j, v in row:
                indices.append(j + offset)
                values.append(v / norm)
        for k, v in enumerate(prior_features(text, lex)):
            if v:
                indices.append(offset_prior + k)
                values.append(v * model.prior_weight)
        indptr.append(len(indices))
    return np.asarray(indices, dtype=np.int64), np.asarray(values), indptr


def dense_rows(texts: list[str], encoder: str):
    """The sentence vectors of `texts` (SentimentError if the encoder's package is missing)."""
    from cmtraining.listening.sentiment.embedding import EncoderMissing, sentence_vectors

    try:
        return sentence_vectors(texts, encoder)
    except EncoderMissing as exc:
        raise SentimentError("listening.sentiment.error.backend_missing", backend=encoder,
                             package=exc.package) from None


def fit(texts: list[str], labels: list[str], lang: str) -> SentimentModel:
    """Build vocabularies and idf, then fit the logistic regression (scikit-learn)."""
    import numpy as np
    from scipy.sparse import csr_matrix, hstack
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    lex = load_lexicon(lang)
    feats = [text_features(text, lex) for text in texts]
    n = len(texts)
    word_vocab, word_idf = _vocabulary((set(g) for g, _ in feats), n, WORD_MIN_DF)
    char_vocab, char_idf = _vocabulary((set(c) for _, c in feats), n, CHAR_MIN_DF)
    encoder = DEFAULT_ENCODER if encoder_available() else ""
    draft = SentimentModel(lang, word_vocab, word_idf, char_vocab, char_idf,
                           coef=np.zeros((3, 0)), intercept=np.zeros(3), prior_weight=PRIOR_WEIGHT,
                           encoder=encoder, encoder_weight=ENCODER_WEIGHT if encoder else 0.0)
    indices, values, indptr = sparse_rows(texts, draft)
    width = draft.sparse_width
    x = csr_matrix((values, indices, indptr), shape=(n, width))
    if encoder:
        x = hstack([x, csr_matrix(draft.encoder_weight * dense_rows(texts, encoder))]).tocsr()
        width = x.shape[1]
    y = np.array([LABELS.index(label) for label in labels])
    # One model per label against the rest, each balanced for its own label's
    # share: macro-F1 scores each label's own yes/no decision, and a rare label
    # (praise is often a sixth of the messages) gets its own weighting. On the
    # development sets this beat one multinomial model by 0.005 (es, five split
    # seeds, better on four) and tied in English.
    coef = np.zeros((3, width))
    intercept = np.full(3, -30.0)  # a label absent from the training set is never predicted
    for cls in sorted(set(y.tolist())):
        clf = LogisticRegression(C=C, class_weight="balanced", max_iter=300, tol=1e-3)
        with warnings.catch_warnings():  # a stop at max_iter is close enough; users can't act on it
            warnings.simplefilter("ignore", category=ConvergenceWarning)
            clf.fit(x, (y == cls).astype(int))
        coef[cls] = clf.coef_[0]
        intercept[cls] = clf.intercept_[0]
    draft.coef = np.round(coef, DECIMALS)
    draft.intercept = np.round(intercept, DECIMALS)
    draft.trained_on = n
    return draft


def _vocabulary(doc_sets, n_docs: int, min_df: int):
    import numpy as np

    df: Counter[str] = Counter()
    for features in doc_sets:
        df.update(features)
    terms = sorted(t for t, c in df.items() if c >= min_df)
    vocab = {t: i for i, t in enumerate(terms)}
    idf = np.array([math.log((1 + n_docs) / (1 + df[t])) + 1.0 for t in terms])
    return vocab, np.round(idf, DECIMALS)


def _ordered(vocab: dict[str, int]) -> list[str]:
    terms = [""] * len(vocab)
    for term, index in vocab.items():
        terms[index] = term
    return terms


def _checksum(payload: dict) -> str:
    body = {k: v for k, v in payload.items() if k != "checksum"}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a number a model may contain")


class _HugeNumber(Exception):
    """An integer literal longer than any a model holds (10**400 overflowed later)."""


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _HugeNumber
    return int(text)
