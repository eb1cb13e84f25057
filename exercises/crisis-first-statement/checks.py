"""Hidden checks of `crisis-first-statement`: the café's first statement in the allergen crisis.

The strategies are judged by SCCT's rules (`crisis.scoring.strategy_fit`,
which knows the scenario's cluster, history and reputation) and the text by
the reply checker in crisis mode, exactly as the crisis app scores a turn.
"""

from cmtraining.grading.answers import as_list, as_text, missing, msg, total

SCENARIO = "cafe-allergen-recall"
GOOD_SCORE = 80


def _scenario():
    from cmtraining.crisis.scenarios import load_scenario

    return load_scenario(SCENARIO)


@total
def check_strategies(answers, lang):
    from cmtraining.crisis.scoring import strategy_fit
    from cmtraining.workbook.sections_crisis import FAMILY

    chosen = as_list(answers.get("strategies"))
    if chosen is None:
        return missing("strategies", lang)
    names = [c for c in chosen if isinstance(c, str)]
    unknown = [c for c in names if c not in FAMILY]
    if unknown or len(names) != len(chosen):
        return 0.0, msg("crisis.unknown", lang, value=", ".join(map(str, unknown or chosen))[:120],
                        allowed=", ".join(sorted(FAMILY)))
    value, finding = strategy_fit(names, _scenario())
    return value, f"{finding.rule(lang)} {finding.message(lang)}"


def _review(answers, lang):
    from cmtraining.response import check_reply
    from cmtraining.samples.organizations import load_organization

    text = as_text(answers.get("statement"))
    if text is None or not text.strip():
        return None
    scenario = _scenario()
    org = load_organization(scenario.sample_org).profile.name
    return check_reply(text[:5000], message=scenario.opening.text.get(lang, org=org), lang=lang,
                       network=scenario.network, category="crisis_signal",
                       author=scenario.opening.author, crisis=True)


@total
def check_statement(answers, lang):
    review = _review(answers, lang)
    if review is None:
        return missing("statement", lang)
    if review.score >= GOOD_SCORE:
        return 1.0, msg("crisis.statement_ok", lang, score=review.score)
    why = " ".join(f.message(lang) for f in review.findings[:2])
    return review.score / GOOD_SCORE, msg("crisis.statement_low", lang, score=review.score,
                                          good=GOOD_SCORE, why=why)


@total
def check_safety(answers, lang):
    """The crisis component: safety information first, no speculation, a next update."""
    review = _review(answers, lang)
    if review is None:
        return missing("statement", lang)
    value = review.components.get("crisis", 0.0)
    if value >= 1:
        return 1.0, msg("crisis.safety_ok", lang)
    notes = [f.message(lang) for f in review.findings if f.code.startswith("reply.crisis")]
    return value, " ".join(notes[:2]) or msg("crisis.safety_low", lang)
