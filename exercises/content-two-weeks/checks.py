"""Hidden checks of `content-two-weeks`: two weeks of the café's content, within caps and mix.

The same engines as the content app: `planning.content.check_mix` and
`check_capacity` for the plan, `planning.calendar.check_calendar` for the
dated posts (weekly caps, mix within tolerance, holidays, unknown pillars).
"""

from datetime import date, timedelta

from cmtraining.grading.answers import as_dict, as_list, missing, msg, total

COUNTRY = "ES"
START = date(2026, 11, 9)  # a Monday; the two weeks end on Sunday 22 November
DAYS = 14


def _plan(answers, lang):
    from cmtraining.core.errors import CmtrainingError
    from cmtraining.workbook.models import ContentPlan
    from cmtraining.workbook.validation import validate_model

    pillars, caps = as_list(answers.get("pillars")), as_dict(answers.get("posts_per_week"))
    if pillars is None or caps is None:
        return None, msg("common.missing", lang, name="pillars, posts_per_week")
    try:
        return validate_model(ContentPlan, {"pillars": pillars, "posts_per_week": caps},
                              source="pillars, posts_per_week", lang=lang), ""
    except CmtrainingError as exc:
        return None, exc.message(lang)


@total
def check_mix(answers, lang):
    from cmtraining.planning.content import check_mix as mix

    plan, problem = _plan(answers, lang)
    if plan is None:
        return 0.0, problem
    findings = mix(plan)
    bad = [f for f in findings if not f.ok]
    if bad:
        return 0.0, " ".join(f.message(lang) for f in bad[:3])
    if not 3 <= len(plan.pillars) <= 5:
        return 0.5, msg("content.pillar_count", lang, count=len(plan.pillars))
    return 1.0, msg("content.mix_ok", lang, count=len(plan.pillars))


@total
def check_capacity(answers, lang):
    from cmtraining.planning.content import check_capacity as capacity

    plan, problem = _plan(answers, lang)
    if plan is None:
        return 0.0, problem
    used = {n: p for n, p in plan.posts_per_week.items() if p > 0}
    if not used:
        return 0.0, msg("content.no_capacity", lang)
    bad = [f for f in capacity(plan) if f.level == "warning"]
    if bad:
        return 0.5, " ".join(f.message(lang) for f in bad[:3])
    return 1.0, msg("content.capacity_ok", lang, count=len(used))


@total
def check_calendar(answers, lang):
    from cmtraining.core.errors import CmtrainingError
    from cmtraining.planning.calendar import check_calendar as review
    from cmtraining.workbook.models import CalendarEntry
    from cmtraining.workbook.validation import validate_model

    plan, problem = _plan(answers, lang)
    items = as_list(answers.get("calendar"))
    if items is None:
        return missing("calendar", lang)
    if plan is None:
        return 0.0, problem
    entries = []
    for index, item in enumerate(items[:500]):
        try:
            entries.append(validate_model(CalendarEntry, item, source=f"calendar[{index}]", lang=lang))
        except CmtrainingError as exc:
            return 0.0, exc.message(lang)
    if not entries:
        return 0.0, msg("content.calendar_empty", lang)
    end = START + timedelta(days=DAYS)
    outside = [e for e in entries if not START <= e.day < end]
    if outside:
        return 0.0, msg("content.outside", lang, count=len(outside), start=START.isoformat(),
                        end=(end - timedelta(days=1)).isoformat())
    findings = review(entries, plan, country=COUNTRY, lang=lang)
    errors = [f for f in findings if f.level == "error"]
    warnings = [f for f in findings if f.level == "warning"]
    weeks = {e.day.isocalendar()[:2] for e in entries}
    fraction = max(0.0, 1 - 0.34 * len(errors) - 0.15 * len(warnings)) * len(weeks) / 2
    if fraction >= 1:
        return 1.0, msg("content.calendar_ok", lang, posts=len(entries))
    notes = [f.message(lang) for f in (errors + warnings)[:3]]
    if len(weeks) < 2:
        notes.append(msg("content.one_week", lang))
    return fraction, " ".join(notes)
