"""The zero-shot scorer: lexicon values adjusted by rules of customer-service language.

Messages to an organization are not reviews: most negative ones are
complaints that name a fact ("vuelo cancelado", "still waiting") rather than
a feeling, many neutral ones are questions that contain polite words
("hola, ¿me podéis ayudar? gracias") and praise is often sarcastic ("gracias
por nada", "great, another delay"). The rules, in the order they apply:

1. phrases before words ("nadie contesta", "no funciona", "gracias por nada");
2. negation up to three words back, stopped by punctuation: a positive
   word flips to a weaker negative, a negative one to a weak positive
   ("no está mal" is mildly positive);
3. intensifiers and diminishers just before a word ("muy", "super", "algo");
4. contrast: after "pero"/"but" counts 1.5 times, before it half;
5. sarcasm: a positive word in quotes, followed by "..."/"," and a complaint,
   "thanks for" + complaint, or an eye-roll/clown emoji turn praise negative;
6. thanks or a smiley inside a question or request is politeness, not praise,
   the positive side of a question is damped (questions are mostly neutral),
   and so is a weak negative word in a question ("¿cuántas horas…?");
   "sin"/"poco"/"without" with no sentiment word after them describe a thing
   ("pan sin gluten"), so only a bare "no"-like word counts as a complaint;
7. exclamation marks and shouting (capitals) amplify whichever side wins.

The sum is squashed into [-1, 1] as VADER does (s / sqrt(s² + 15)) and two
thresholds per language turn it into a label (chosen by measurement, see
docs/sentiment.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from cmtraining.listening.sentiment.lexicon import Lexicon
from cmtraining.listening.sentiment.normalize import caps_ratio, tokens

_BREAK = frozenset({".", ",", ";", ":", "!", "?", "!!", "??", "?!", "!?", "...", '"'})
_SARCASM_MARKS = frozenset({"🙄", "🤡", "😒"})
_NEG_SCOPE = 3
# negators that describe a thing when no sentiment word follows ("sin gluten", "poco dinero")
_DESCRIPTIVE = frozenset({"sin", "poco", "without", "little"})
_ALPHA = 15.0
UNRESOLVED_NEGATION = 0.6
# label thresholds on the squashed score: (positive at or above, negative at or below)
THRESHOLDS = {"es": (0.25, -0.05), "en": (0.35, -0.05)}


@dataclass(frozen=True)
class Analysis:
    """What the scorer found in one message; also the prior features of a trained model."""

    score: float
    positive: float
    negative: float
    negations: int
    question: bool
    request: bool
    thanks: bool
    exclamations: int


def analyse(text: str, lex: Lexicon, toks: list[str] | None = None) -> Analysis:
    """The scorer's findings for one message; `toks` when the caller has them already."""
    return finish(weigh(tokens(text) if toks is None else toks, lex), text)


Weights = tuple[float, float, int, bool, bool, bool, int]


def weigh(toks: list[str], lex: Lexicon) -> Weights:
    """Everything but shouting, from the tokens alone (positive, negative, negations,
    question, request, thanks, exclamations): equal tokens weigh the same."""
    n = len(toks)
    phrases = lex.phrases
    values: list[tuple[int, float]] = []
    negations = exclam = negators_seen = 0
    question = request = has_thanks = sarcasm_mark = False
    contrast_at = -1
    in_quote_since = -1
    i = 0
    while i < n:
        tok = toks[i]
        if tok in _BREAK or tok[0] in "!?":
            if "?" in tok:
                question = True
            if "!" in tok:
                exclam += 1
            if tok == '"':
                in_quote_since = i if in_quote_since < 0 else -1
            i += 1
            continue
        if tok in lex.contrast:
            contrast_at = i
        if tok in lex.requests:
            request = True
        if tok in _SARCASM_MARKS:
            sarcasm_mark = True
        if tok in lex.negators and tok not in _DESCRIPTIVE:
            negators_seen += 1
        phrase = lex.phrase_at(toks, i) if tok in phrases else None
        if phrase is not None:
            length, value = phrase
        else:
            length, value = 1, (lex.valence(tok) if tok not in lex.negators else 0.0)
        if value:
            value = _modified(toks, i, value, lex)
            # an emoji is never under a negation: "nunca falla 😍" is praise twice
            if value != 0 and tok[0].isalpha() and _negated(toks, i, lex):
                negations += 1
                value *= -0.7 if value > 0 else -0.5
            if value > 0:
                if tok in lex.thanks:
                    has_thanks = True
                if (0 <= in_quote_since and i - in_quote_since <= 3) or _ironic(toks, i, lex):
                    value = -0.8 * value
            values.append((i, value))
        i += length
    if sarcasm_mark:
        values = [(j, -0.8 * v if v > 0 else v) for j, v in values]
    pos = neg = 0.0
    for j, value in values:
        if contrast_at >= 0:
            value *= 0.5 if j < contrast_at else 1.5 if j > contrast_at else 1.0
        if value > 0:
            if question or request:  # "¿Tenéis leche de avena? 🙂" is a question
                value *= 0.3 if toks[j] in lex.thanks else 0.2 if not toks[j][0].isalnum() else 0.6
            pos += value
        else:
            if question and value > -1:  # "¿Cuántas horas…?": a weak word is no complaint
                value *= 0.3
            neg += value
    # a "no" that negates no sentiment word is, in a message to an organization,
    # mostly a complaint about something that did not happen ("no me dicen nada")
    neg -= UNRESOLVED_NEGATION * min(max(negators_seen - negations, 0), 2)
    return pos, neg, negations, question, request, has_thanks, exclam


def finish(weights: Weights, text: str) -> Analysis:
    """The squashed score: the weights amplified by exclamations and shouting."""
    pos, neg, negations, question, request, has_thanks, exclam = weights
    total = pos + neg
    if total:
        boost = 1.0 + 0.1 * min(exclam, 3)
        if caps_ratio(text) > 0.5:
            boost += 0.3
        total *= boost
    score = total / math.sqrt(total * total + _ALPHA)
    return Analysis(score, pos, neg, negations, question, request, has_thanks, exclam)


def _modified(toks: list[str], i: int, value: float, lex: Lexicon) -> float:
    """Apply an intensifier or diminisher found one or two words before position i."""
    for back in (1, 2):
        j = i - back
        if j < 0 or toks[j] in _BREAK:
            break
        factor = lex.intensifiers.get(toks[j])
        if factor is not None:
            return value * factor
    return value


def _negated(toks: list[str], i: int, lex: Lexicon) -> bool:
    for j in range(i - 1, max(-1, i - 1 - _NEG_SCOPE), -1):
        tok = toks[j]
        if tok in _BREAK or tok in lex.contrast:
            return False
        if tok in lex.negators:
            # "un poco lento" is a diminisher, not a negation
            return not (tok == "poco" and j > 0 and toks[j - 1] == "un")
    return False


def _ironic(toks: list[str], i: int, lex: Lexicon) -> bool:
    """Praise followed by a pause and a complaint: "genial... otra vez", "great, another delay".

    Also thanks-for-a-problem: "gracias por el retraso", "thanks for the delay".
    """
    nxt = toks[i + 1] if i + 1 < len(toks) else ""
    if nxt in ("...", ",", "!", "!!") or toks[i] in lex.thanks and nxt in ("por", "for"):
        for tok in toks[i + 2:i + 6]:
            if tok in lex.contrast:
                return False
            if lex.valence(tok) <= -1.5:
                return True
        return False
    return False


def classify(analysis: Analysis, lang: str) -> str:
    pos_at, neg_at = THRESHOLDS[lang]
    if analysis.score >= pos_at:
        return "positive"
    if analysis.score <= neg_at:
        return "negative"
    return "neutral"
