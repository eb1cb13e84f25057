"""A sentiment model trained on an organization's own labeled messages, saved without pickle.

`train_sentiment` fits a class-balanced multinomial logistic regression
(scikit-learn) on TF-IDF word and character n-grams plus the lexicon prior
(see features.py). The fitted model is plain numbers: two vocabularies, their
idf weights, a coefficient matrix and an intercept. `SentimentModel` predicts
with a numpy dot product, so a saved model is a JSON file that loads without
scikit-learn and without pickle (a pickle can run code; a model file is
shared between facilitators). `load` checks everything, including a
checksum, and refuses a malformed or edited file with the package's error.
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

from cmtraining.listening.sentiment.errors import ModelFileError
from cmtraining.listening.sentiment.features import PRIOR_NAMES, prior_features, text_features
from cmtraining.listening.sentiment.lexicon import load_lexicon

if TYPE_CHECKING:
    import numpy as np

LABELS = ("negative", "neutral", "positive")
FORMAT = "cmtraining-sentiment-model"
VERSION = 1
MAX_FILE_BYTES = 200 * 1024 * 1024
# chosen on the development sets' learning curves (docs/sentiment.md)
C = 2.0
PRIOR_WEIGHT = 1.0
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
    coef: np.ndarray  # (3 labels, words + chars + prior features)
    intercept: np.ndarray
    prior_weight: float = PRIOR_WEIGHT
    trained_on: int = 0

    # -- prediction -------------------------------------------------------
    def probabilities(self, texts: list[str]) -> np.ndarray:
        """(n, 3) probabilities of negative, neutral, positive."""
        import numpy as np

        logits = self._matrix(texts) + self.intercept
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
        return out

    # -- files --------------------------------------------------------------
    def to_dict(self) -> dict:
        payload = {
            "format": FORMAT, "version": VERSION, "lang": self.lang, "labels": list(LABELS),
            "prior_features": list(PRIOR_NAMES), "prior_weight": self.prior_weight,
            "trained_on": self.trained_on,
            "word_vocab": _ordered(self.word_vocab), "word_idf": self.word_idf.tolist(),
            "char_vocab": _ordered(self.char_vocab), "char_idf": self.char_idf.tolist(),
            "coef": self.coef.tolist(), "intercept": self.intercept.tolist(),
        }
        payload["checksum"] = _checksum(payload)
        return payload

    def save(self, path: str | Path) -> None:
        """Write the model as JSON, atomically (no half-written file on failure)."""
        from cmtraining.workbook.store import write_bytes_atomic

        data = json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"),
                          allow_nan=False).encode("utf-8")
        write_bytes_atomic(Path(path), data)

    @classmethod
    def load(cls, path: str | Path) -> SentimentModel:
        """Read and validate a model file; ModelFileError on anything wrong."""
        path = Path(path)
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise ModelFileError("sentiment.error.model_too_big", path=str(path))
            data = path.read_bytes()
        except OSError as exc:
            raise ModelFileError("sentiment.error.model_unreadable", path=str(path),
                                 reason=exc.strerror or str(exc)) from None
        try:
            payload = json.loads(data.decode("utf-8"), parse_constant=_refuse_constant)
        except (UnicodeDecodeError, ValueError) as exc:
            raise ModelFileError("sentiment.error.model_not_json", path=str(path),
                                 reason=str(exc)[:200]) from None
        return cls.from_dict(payload, source=str(path))

    @classmethod
    def from_dict(cls, payload: object, source: str = "") -> SentimentModel:
        from cmtraining.listening.sentiment.validate import check_payload

        fields = check_payload(payload, source=source, expected_checksum=_checksum)
        return cls(**fields)


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


def fit(texts: list[str], labels: list[str], lang: str) -> SentimentModel:
    """Build vocabularies and idf, then fit the logistic regression (scikit-learn)."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    lex = load_lexicon(lang)
    feats = [text_features(text, lex) for text in texts]
    n = len(texts)
    word_vocab, word_idf = _vocabulary((set(g) for g, _ in feats), n, WORD_MIN_DF)
    char_vocab, char_idf = _vocabulary((set(c) for _, c in feats), n, CHAR_MIN_DF)
    draft = SentimentModel(lang, word_vocab, word_idf, char_vocab, char_idf,
                           coef=np.zeros((3, 0)), intercept=np.zeros(3), prior_weight=PRIOR_WEIGHT)
    indices, values, indptr = sparse_rows(texts, draft)
    width = len(word_vocab) + len(char_vocab) + len(PRIOR_NAMES)
    x = csr_matrix((values, indices, indptr), shape=(n, width))
    y = np.array([LABELS.index(label) for label in labels])
    clf = LogisticRegression(C=C, class_weight="balanced", max_iter=300, tol=1e-3)
    with warnings.catch_warnings():  # a stop at max_iter is close enough; users can't act on it
        warnings.simplefilter("ignore", category=ConvergenceWarning)
        clf.fit(x, y)
    coef = np.zeros((3, width))
    intercept = np.zeros(3)
    for row, cls in enumerate(clf.classes_):  # a class absent from the labels keeps zeros
        if len(clf.classes_) == 2:  # binary: sklearn keeps one row for the second class
            sign = 1.0 if row == 1 else -1.0
            coef[cls] = sign * clf.coef_[0] / 2
            intercept[cls] = sign * clf.intercept_[0] / 2
        else:
            coef[cls] = clf.coef_[row]
            intercept[cls] = clf.intercept_[row]
    missing = [i for i in range(3) if i not in set(clf.classes_)]
    intercept[missing] = -30.0  # never predicted: the organization has no such label
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
