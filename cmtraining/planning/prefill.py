"""Prefill a workbook's planning stages, as a facilitator prepares a course.

Used by the stage notebooks when run with ``-p prefill True`` (papermill)
and by tests: each function only fills a section that is still empty, from
the same engines a trainee uses (suggested targets, persona templates and
network fit, pillar templates and the calendar generator), so a prepared
workbook passes the same checks, the coherence engine's included
(`cmtraining.evaluation.coherence`): the worked examples facilitators teach
from never contradict themselves.

One plan (`plan`) drives the stages, so that objectives (stage 1, filled
before the audiences exist) and networks (stage 2) agree:

- **networks**: the network each goal's measure needs, then for each
  persona (the workbook's, else its kind's templates) the best-fitting
  network it is on (one a goal needs when it can, else one the organization
  already has an audience on). Networks no goal needs are dropped first
  when their minimum hours do not fit the team's capacity.
- **capacity**: the team's hours a week as given in stage 2, or, while
  still the default, the hours its history shows it spends (its posts a
  week on each network at the stage 2 engine's minutes per post).
- **hours**: the capacity shared out in proportion to what each network
  needs at the low end of its posting range (`audiences.weekly_hours`).
- **measures**: each goal gets the metric of its kind
  (`goals.goal_kind`): leads or conversions for goals about people
  asking or acting (on a network that tracks them, one goal per metric and
  network), link clicks for retention, net sentiment for reputation, reach
  for awareness; targets are the organization's own usual growth
  (`smart.suggest_target`), which the SMART check shows as the reason.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from cmtraining.planning.audiences import fit_table, persona_templates, weekly_hours
from cmtraining.planning.content import default_capacity
from cmtraining.planning.smart import FLOWS, history, suggest_target
from cmtraining.workbook.models import Objective, Resources, Workbook

#: role given to a network chosen by prefill, by what its catalogue says it does best
ROLE_ORDER = ("community", "customer_care", "announcements", "thought_leadership", "education",
              "sales", "recruitment")
#: roles that serve a kind of goal (the network carrying one is preferred for its measure)
KIND_ROLES = {"lead": ("sales", "recruitment"), "conversion": ("sales", "recruitment"),
              "retention": ("education", "customer_care"),
              "reputation": ("customer_care",), "awareness": ("announcements", "community")}
DEADLINE_DAYS = 182  # half a year: long enough to see a trend, short enough to steer
HOURS_STEP = 0.5  # hours are planned to the half hour
# Assumption (cmtraining, 2026): a measure needs about 10 a month for a half-year target
# to be more than noise (Poisson noise of 10 is ~30 %, of 2 is ~70 %).
MIN_MONTHLY = 10


@dataclass
class Plan:
    networks: dict[str, list[str]] = field(default_factory=dict)  # network -> persona ids
    hours: dict[str, float] = field(default_factory=dict)
    capacity: float = 0.0
    measures: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # goal -> (metric, net)


def _month_posts(wb: Workbook, net: str) -> float:
    rows = [r.posts for r in wb.metrics if r.network == net]
    return sum(rows) / len(rows) if rows else 0.0


def team_capacity(wb: Workbook) -> float:
    """Hours a week: as set in stage 2, or (still the default) what the history shows."""
    if wb.resources != Resources() or not wb.metrics:
        return wb.resources.hours_per_week
    from cmtraining.networks import catalogue

    hours = 0.0
    for net in sorted({r.network for r in wb.metrics}):
        per_week = _month_posts(wb, net) / (52 / 12)
        hours += per_week * weekly_hours(net, wb.resources.formats) / catalogue().networks[
            net].posts_per_week.low
    return max(HOURS_STEP, math.ceil(hours / HOURS_STEP) * HOURS_STEP)


def _followers(wb: Workbook, net: str) -> float:
    values = history(wb.metrics, "followers", net)
    return values[-1] if values else 0.0


def _tracked(wb: Workbook, metric: str, net: str) -> float:
    return sum(history(wb.metrics, metric, net))


def _measure(wb: Workbook, kind: str | None, chosen: list[str], used: set) -> tuple | None:
    """The (metric, network) that can measure a goal of `kind` (see the module docstring)."""
    from cmtraining.networks import catalogue
    from cmtraining.planning.goals import goal_kinds

    spec = goal_kinds().get(kind or "awareness")
    nets = sorted({r.network for r in wb.metrics})
    roles = KIND_ROLES.get(kind or "awareness", ())

    busy = {n for _, n in used}

    def rank(pair):
        metric, net = pair
        carried = net is not None and any(r in catalogue().networks[net].roles for r in roles)
        return (net in chosen or net is None, net not in busy, metric == spec["prefer"], carried,
                _followers(wb, net) if net else 0)

    if kind in ("lead", "conversion"):
        pairs = [(m, n) for m in spec["metrics"] if m in ("leads", "conversions") for n in nets
                 if _tracked(wb, m, n) > 0 and (m, n) not in used]
    elif kind == "reputation":
        summary = wb.listening.summary
        pairs = [("net_sentiment", None)] if summary is not None else []
    else:
        metric = spec["prefer"]
        pairs = [(metric, n) for n in nets if history(wb.metrics, metric, n)
                 and (metric, n) not in used]
    # a measure that moves by ones and twos cannot show progress: prefer a real volume
    sizable = [(m, n) for m, n in pairs if n is None or _usual(wb, m, n) >= MIN_MONTHLY]
    pairs = sizable or pairs
    return max(pairs, key=rank) if pairs else None


def _usual(wb: Workbook, metric: str, net: str) -> float:
    values = history(wb.metrics, metric, net)[-3:]
    return sum(values) / len(values) if values else 0.0


def _personas(wb: Workbook, lang: str):
    return wb.audiences or persona_templates(wb.profile.kind, lang)


def plan(wb: Workbook, *, lang: str = "es") -> Plan:
    """The networks, hours and goal measures a prepared workbook uses (module docstring)."""
    from cmtraining.planning.goals import goal_kind

    capacity = team_capacity(wb)
    filled = wb.model_copy(update={"audiences": _personas(wb, lang),
                                   "resources": wb.resources.model_copy(
                                       update={"hours_per_week": capacity})})
    have = {r.network for r in wb.metrics}
    fits = {(f.network, f.persona): f.score for f in fit_table(filled)}
    options = {p.id: [n for n in p.networks if n in have] or list(p.networks)
               for p in filled.audiences}
    candidates = list(dict.fromkeys(n for nets in options.values() for n in nets))
    measures: dict[str, tuple[str, str | None]] = {}
    used: set = set()
    for goal in wb.profile.goals:
        pair = _measure(wb, goal_kind(goal.text), candidates, used)
        if pair is not None:
            measures[goal.id] = pair
            used.add(pair)
    goal_nets = list(dict.fromkeys(net for _, net in measures.values() if net))
    networks: dict[str, list[str]] = {net: [] for net in goal_nets}
    for persona in filled.audiences:
        mine = [n for n in options[persona.id] if n in goal_nets] or options[persona.id]
        if not mine:
            continue
        best = max(mine, key=lambda n: (fits.get((n, persona.id), 0), _followers(wb, n)))
        networks.setdefault(best, []).append(persona.id)
    for net, pids in networks.items():  # a goal's network serves the personas found there
        if not pids:
            pids.extend(p.id for p in filled.audiences if net in p.networks)
    needed = {net for _, net in measures.values() if net}
    need = {net: weekly_hours(net, wb.resources.formats) for net in networks}
    spare = sorted((n for n in networks if n not in needed), key=lambda n: _followers(wb, n))
    while sum(need[n] for n in networks) > capacity and spare:
        drop = spare.pop(0)
        del networks[drop]
    return Plan(networks=networks, hours=share_hours(capacity, {n: need[n] for n in networks}),
                capacity=capacity, measures=measures)


def share_hours(capacity: float, need: dict[str, float]) -> dict[str, float]:
    """`capacity` split in proportion to `need`, in half hours, adding up to it exactly."""
    if not need:
        return {}
    steps = round(capacity / HOURS_STEP)
    total = sum(need.values())
    exact = {n: steps * v / total for n, v in need.items()}
    out = {n: max(1, math.floor(x)) for n, x in exact.items()}
    order = sorted(exact, key=lambda n: (out[n] - exact[n], n))
    index = 0
    while sum(out.values()) != steps and order:
        net = order[index % len(order)]
        if sum(out.values()) < steps:
            out[net] += 1
        elif out[net] > 1:
            out[net] -= 1
        index += 1
        if index > 10 * len(order) * max(steps, 1):
            break
    return {n: out[n] * HOURS_STEP for n in need}


# Assumption (cmtraining, 2026): a prepared flow objective grows between 1 % and 5 % a
# month: at least a step forward, at most what a small team's plan can add in a half year.
FLOW_GROWTH = (0.01, 0.05)


def flow_trend(values: list[float]) -> float:
    """Monthly trend of a flow: its last three months' mean against its first three's."""
    if len(values) < 6 or sum(values[:3]) <= 0:
        return FLOW_GROWTH[0]
    first, last = sum(values[:3]) / 3, sum(values[-3:]) / 3
    return (last / first) ** (1 / (len(values) - 3)) - 1 if last > 0 else FLOW_GROWTH[0]


def _target(draft: Objective, wb: Workbook, today: date) -> float | None:
    if draft.metric in FLOWS:
        from cmtraining.planning.smart import months_between

        values = history(wb.metrics, draft.metric, draft.network)
        growth = min(max(flow_trend(values), FLOW_GROWTH[0]), FLOW_GROWTH[1])
        # from the better of the last month and the usual month (a dip is not the bar)
        usual = max(values[-1], sum(values[-3:]) / len(values[-3:]))
        grown = usual * (1 + growth) ** months_between(today, draft.deadline)
        target = max(round(grown), math.floor(draft.baseline) + 1)
        # never past the suggestion the card shows beside it (29 beside "27 to 28")
        s = suggest_target(draft, wb.metrics, today)
        return min(target, s.high) if s else target
    s = suggest_target(draft, wb.metrics, today)
    if s is None:
        return None
    # a shrinking series gets "turn the trend" (+2 %), never a target below the baseline
    target = s.mid if s.mid > draft.baseline else max(s.high, draft.baseline * 1.02)
    if draft.metric == "net_sentiment":
        return min(1.0, round(target, 2))
    return max(round(target), math.floor(draft.baseline) + 1)


def prefill_objectives(wb: Workbook, *, today: date, lang: str | None = None) -> dict:
    """One objective per goal, on the metric of its kind, at the suggested target."""
    from cmtraining.i18n import t

    data = wb.model_dump()
    if wb.objectives:
        return data
    lang = lang or wb.lang
    deadline = today + timedelta(days=DEADLINE_DAYS)
    for goal_id, (metric, net) in plan(wb, lang=lang).measures.items():
        if metric == "net_sentiment":
            baseline, audience = wb.listening.summary.net_sentiment, t("planning.coherence.audience.mentions",
                                                                       lang)
        else:
            values = history(wb.metrics, metric, net)
            baseline, audience = values[-1], ""  # where it stands today: progress starts at 0
        draft = Objective(id=f"{goal_id}-{metric}".replace("_", "-")[:64], metric=metric,
                          network=net, audience=audience, baseline=baseline,
                          target=baseline + 1 if metric != "net_sentiment" else 1,
                          deadline=deadline, goal_id=goal_id)
        target = _target(draft, wb, today) if baseline > 0 else None
        if target is None and metric == "net_sentiment":
            # a negative tone: back to neutral at least (no growth rate from below zero)
            target = min(1.0, round(max(0.0, baseline) + 0.1, 2))
        if target is None:
            continue
        data["objectives"].append(draft.model_copy(update={"target": target}).model_dump())
    return data


def prefill_audiences(wb: Workbook, *, lang: str) -> dict:
    """Persona templates, the planned networks with a fitting role, and the hours shared out."""
    from cmtraining.networks import catalogue

    data = wb.model_dump()
    if wb.audiences:
        return data
    chosen = plan(wb, lang=lang)
    data["audiences"] = [p.model_dump() for p in persona_templates(wb.profile.kind, lang)]
    # networks the objectives already use stay in (with the hours their minimum needs)
    for o in wb.objectives:
        if o.network and o.network not in chosen.networks:
            chosen.networks[o.network] = []
    if set(chosen.networks) != set(chosen.hours):
        chosen.hours = share_hours(chosen.capacity, {
            n: weekly_hours(n, wb.resources.formats) for n in chosen.networks})
    data["resources"]["hours_per_week"] = chosen.capacity
    for net, pids in chosen.networks.items():
        roles = catalogue().networks[net].roles
        role = next((r for r in ROLE_ORDER if r in roles), roles[0])
        data["networks"].append({"network": net, "role": role, "personas": pids,
                                 "hours_per_week": chosen.hours[net]})
    return data


def prefill_content(wb: Workbook, *, lang: str, start: date, weeks: int, seed: int) -> dict:
    """Pillar template, capacity from the planned hours, and a generated calendar of `weeks`."""
    from cmtraining.planning.audiences import templates_data
    from cmtraining.planning.calendar import generate_calendar

    data = wb.model_dump()
    plan_ = data["content_plan"]
    if not plan_["pillars"]:
        plan_["pillars"] = [{"id": p["id"], "name": p["name"][lang], "share": p["share"]}
                            for p in templates_data()["pillars"][wb.profile.kind]]
    if not plan_["posts_per_week"]:
        plan_["posts_per_week"] = default_capacity(wb)
    if weeks and not plan_["calendar"]:
        filled = Workbook.model_validate(data)
        plan_["calendar"] = [e.model_dump() for e in generate_calendar(
            filled.content_plan, start=start, weeks=weeks, country=wb.profile.country, seed=seed,
            lang=lang, kind=wb.profile.kind)]
    return data
