"""Prefill a workbook's planning stages, as a facilitator prepares a course.

Used by the stage notebooks when run with ``-p prefill True`` (papermill)
and by tests: each function only fills a section that is still empty, from
the same engines a trainee uses (suggested targets, persona templates and
network fit, pillar templates and the calendar generator), so a prepared
workbook passes the same checks.
"""

from __future__ import annotations

from datetime import date, timedelta

from cmtraining.planning.audiences import fit_table, persona_templates
from cmtraining.planning.content import default_capacity
from cmtraining.planning.smart import history, suggest_target
from cmtraining.workbook.models import Objective, Workbook

#: role given to a network chosen by prefill, by what its catalogue says it does best
ROLE_ORDER = ("community", "customer_care", "announcements", "thought_leadership", "education",
              "sales", "recruitment")


def prefill_objectives(wb: Workbook, *, today: date) -> dict:
    """One follower-growth objective per network with history, at the suggested target."""
    data = wb.model_dump()
    if wb.objectives:
        return data
    goal = wb.profile.goals[0].id if wb.profile.goals else None
    for net in sorted({r.network for r in wb.metrics}):
        values = history(wb.metrics, "followers", net)
        draft = Objective(id=f"{net.replace('_', '-')}-followers", metric="followers",
                          network=net, baseline=values[-1], target=values[-1] + 1,
                          deadline=today + timedelta(days=182), goal_id=goal)
        s = suggest_target(draft, wb.metrics, today)
        if s is None:
            continue
        # a shrinking audience gets "turn the trend" (+2 %), never a target below the baseline
        target = s.mid if s.mid > draft.baseline else max(s.high, draft.baseline * 1.02)
        data["objectives"].append(draft.model_copy(update={"target": round(target)}).model_dump())
    return data


def prefill_audiences(wb: Workbook, *, lang: str) -> dict:
    """Persona templates, then each persona's best-fitting network with a fitting role."""
    from cmtraining.networks import catalogue

    data = wb.model_dump()
    if wb.audiences:
        return data
    personas = persona_templates(wb.profile.kind, lang)
    data["audiences"] = [p.model_dump() for p in personas]
    filled = Workbook.model_validate(data)
    chosen: dict[str, list[str]] = {}
    for fit in fit_table(filled):
        if fit.persona not in {p for ps in chosen.values() for p in ps} and fit.components[0].score == 1:
            chosen.setdefault(fit.network, []).append(fit.persona)
    for net, pids in chosen.items():
        roles = catalogue().networks[net].roles
        role = next(r for r in ROLE_ORDER if r in roles) if any(r in roles for r in ROLE_ORDER) else roles[0]
        data["networks"].append({"network": net, "role": role, "personas": pids})
    return data


def prefill_content(wb: Workbook, *, lang: str, start: date, weeks: int, seed: int) -> dict:
    """Pillar template, capacity from history, and a generated calendar of `weeks`."""
    from cmtraining.planning.audiences import templates_data
    from cmtraining.planning.calendar import generate_calendar

    data = wb.model_dump()
    plan = data["content_plan"]
    if not plan["pillars"]:
        plan["pillars"] = [{"id": p["id"], "name": p["name"][lang], "share": p["share"]}
                           for p in templates_data()["pillars"][wb.profile.kind]]
    if not plan["posts_per_week"]:
        plan["posts_per_week"] = default_capacity(wb)
    if weeks and not plan["calendar"]:
        filled = Workbook.model_validate(data)
        plan["calendar"] = [e.model_dump() for e in generate_calendar(
            filled.content_plan, start=start, weeks=weeks, country=wb.profile.country, seed=seed,
            lang=lang)]
    return data
