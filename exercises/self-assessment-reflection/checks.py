"""Hidden checks of `self-assessment-reflection`: ratings and a written reflection.

The ratings are scored by the competency engine of the self-assessment app
(`cmtraining.evaluation.competency.score` and `development_plan`); the
reflection must be long enough to say something, in paragraphs, and name
what the engine found weakest, so that the text and the numbers agree.
"""

import re
import unicodedata

from cmtraining.grading.answers import as_dict, as_text, missing, msg, total

MIN_WORDS, MAX_WORDS = 80, 300
PLAN_SIZE = 3


def _scores(answers):
    from cmtraining.evaluation.competency import SCALE, questionnaire, score

    ratings = as_dict(answers.get("ratings"))
    if ratings is None:
        return None
    quest = questionnaire()
    clean = {k: v for k, v in ratings.items()
             if k in quest.items and not isinstance(v, bool) and v in SCALE}
    return score(clean, quest)


@total
def check_ratings(answers, lang):
    scores = _scores(answers)
    if scores is None:
        return missing("ratings", lang)
    groups = list(scores.groups.values())
    enough = [g for g in groups if g.enough]
    if len(enough) == len(groups):
        return 1.0, msg("reflection.ratings_ok", lang, answered=scores.answered, total=scores.total)
    return len(enough) / len(groups), msg("reflection.ratings_few", lang,
                                          count=len(groups) - len(enough))


def _fold(text):
    return "".join(c for c in unicodedata.normalize("NFD", text.lower())
                   if unicodedata.category(c) != "Mn")


@total
def check_length(answers, lang):
    text = as_text(answers.get("reflection"))
    if text is None or not text.strip():
        return missing("reflection", lang)
    words = len(re.findall(r"\w+", text))
    paragraphs = len([p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()])
    if not MIN_WORDS <= words <= MAX_WORDS:
        fraction = 0.5 * words / MIN_WORDS if words < MIN_WORDS else 0.5
        return fraction, msg("reflection.words", lang, words=words, low=MIN_WORDS, high=MAX_WORDS)
    if paragraphs < 3:
        return 0.5, msg("reflection.paragraphs", lang, count=paragraphs)
    return 1.0, msg("reflection.length_ok", lang, words=words)


@total
def check_plan(answers, lang):
    """The reflection names at least one of the groups the development plan puts first."""
    from cmtraining.evaluation.competency import development_plan
    from cmtraining.i18n import t

    text = as_text(answers.get("reflection"))
    scores = _scores(answers)
    if text is None or not text.strip():
        return missing("reflection", lang)
    if scores is None:
        return missing("ratings", lang)
    plan = development_plan(scores, lang, n=PLAN_SIZE)
    if not plan:
        return 0.0, msg("reflection.no_plan", lang)
    names = [t(f"evaluation.competency.name.{entry.group}", lang) for entry in plan]
    folded = _fold(text)
    if any(_fold(name) in folded for name in names):
        return 1.0, msg("reflection.plan_ok", lang)
    return 0.0, msg("reflection.plan_missing", lang, names=", ".join(names))
