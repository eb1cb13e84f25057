"""Hidden checks of `objectives-smart`: three SMART objectives for the NGO sample.

The SMART engine (`cmtraining.planning.smart.check_smart`) judges each
objective exactly as the objectives app does, against the sample's history,
with "today" pinned to the month after its data so grades never drift.
"""

from datetime import date

from cmtraining.grading.answers import as_list, missing, msg, total

ORG = "ngo"
TODAY = date(2026, 11, 1)
COUNT = 3


def _objectives(answers, lang):
    """[(index, Objective or None, problem)] for each answer item."""
    from cmtraining.core.errors import CmtrainingError
    from cmtraining.workbook.models import Objective
    from cmtraining.workbook.validation import validate_model

    items = as_list(answers.get("objectives"))
    if items is None:
        return None
    out = []
    for index, item in enumerate(items[:10]):
        data = dict(item) if isinstance(item, dict) else None
        if data is None:
            out.append((index, None, msg("common.not_mapping", lang, item=index + 1)))
            continue
        data.setdefault("id", f"objective-{index + 1}")
        try:
            out.append((index, validate_model(Objective, data, lang=lang), ""))
        except CmtrainingError as exc:
            out.append((index, None, exc.message(lang)))
    return out


def _workbook():
    from cmtraining.samples.organizations import sample_workbook

    return sample_workbook(ORG)


@total
def check_three(answers, lang):
    found = _objectives(answers, lang)
    if found is None:
        return missing("objectives", lang)
    valid = [o for _, o, _ in found if o is not None]
    problems = [f"{i + 1}: {p}" for i, o, p in found if o is None]
    if len(valid) == COUNT and not problems:
        return 1.0, msg("smart.three_ok", lang)
    text = msg("smart.three_count", lang, count=len(valid), expected=COUNT)
    return min(len(valid), COUNT) / COUNT * (0.5 if problems else 1), " ".join([text, *problems[:3]])


@total
def check_smart(answers, lang):
    from cmtraining.planning.smart import check_smart as smart

    found = _objectives(answers, lang)
    if found is None:
        return missing("objectives", lang)
    valid = [o for _, o, _ in found if o is not None][:COUNT]
    if not valid:
        return 0.0, msg("smart.none_valid", lang)
    wb = _workbook()
    good, notes = 0, []
    for number, objective in enumerate(valid, 1):
        for finding in smart(objective, wb, today=TODAY):
            if finding.ok:
                good += 1
            else:
                notes.append(f"{number}: {finding.message(lang)}")
    fraction = good / (5 * COUNT)
    if not notes and len(valid) == COUNT:
        return 1.0, msg("smart.all_ok", lang)
    return fraction, " ".join([msg("smart.letters", lang, good=good, total=5 * COUNT), *notes[:4]])


@total
def check_goals(answers, lang):
    found = _objectives(answers, lang)
    if found is None:
        return missing("objectives", lang)
    valid = [o for _, o, _ in found if o is not None][:COUNT]
    goals = {o.goal_id for o in valid if o.goal_id}
    pairs = [(o.metric, o.network or o.audience) for o in valid]
    if len(set(pairs)) < len(pairs):
        return 0.5 if len(goals) >= 2 else 0.0, msg("smart.repeated", lang)
    if len(goals) >= 2:
        return 1.0, msg("smart.goals_ok", lang, count=len(goals))
    return 0.0, msg("smart.goals_few", lang, count=len(goals))
