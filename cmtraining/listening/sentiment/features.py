"""Features of the trainable model: words, character n-grams and the lexicon prior.

Training uses scikit-learn, but a saved model must predict without it (and
without pickle), so the features are produced here, in plain Python, for both
training and prediction: whatever the trainer saw, the loaded model sees too.

- word 1-2-grams of the normalised tokens, with the three words after a
  negator marked ("no_bueno"), so "no está mal" and "está mal" differ;
- character n-grams (2 to 5) inside each word padded with spaces, which
  survive typos, missing accents and Spanish inflection;
- the zero-shot scorer's findings (score, positive and negative mass, question,
  request, thanks, its label): a prior that carries the lexicon's knowledge when
  an organization has only a few hundred labels.
"""

from __future__ import annotations

from cmtraining.listening.sentiment.lexicon import Lexicon
from cmtraining.listening.sentiment.normalize import tokens
from cmtraining.listening.sentiment.rules import analyse, classify

_SKIP = frozenset({",", ".", ";", ":", '"', "<url>"})
_SCOPE_END = frozenset({",", ".", ";", ":", "!", "?", "!!", "??", "?!", "!?", "...", '"'})
CHAR_MIN, CHAR_MAX = 2, 5
PRIOR_NAMES = ("score", "positive", "negative", "question", "request", "thanks",
               "negations", "exclamations", "label_negative", "label_neutral", "label_positive")


def text_features(text: str, lex: Lexicon) -> tuple[list[str], list[str]]:
    """(word 1-2-grams, character n-grams) of one message."""
    words: list[str] = []
    scope = 0
    for tok in tokens(text):
        if tok in _SCOPE_END:
            scope = 0
        if tok in _SKIP:
            continue
        if tok in lex.negators:
            scope = 3
            words.append(tok)
            continue
        if scope:
            scope -= 1
            words.append("no_" + tok)
        else:
            words.append(tok)
    grams = words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]
    chars: list[str] = []
    for word in words:
        if word.startswith("no_"):
            word = word[3:]
        if len(word) < 2 or not word[0].isalnum():
            continue
        padded = f" {word} "
        size = len(padded)
        for n in range(CHAR_MIN, min(CHAR_MAX, size) + 1):
            chars.extend(padded[k:k + n] for k in range(size - n + 1))
    return grams, chars


def prior_features(text: str, lex: Lexicon) -> list[float]:
    """The zero-shot scorer's view of one message, as numbers of order 1."""
    a = analyse(text, lex)
    label = classify(a, lex.lang)
    return [a.score, a.positive / 4.0, a.negative / 4.0, float(a.question), float(a.request),
            float(a.thanks), min(a.negations, 3) / 3.0, min(a.exclamations, 3) / 3.0,
            float(label == "negative"), float(label == "neutral"), float(label == "positive")]
