"""The 90-day action plan: what to do, who does it, by when, with how many hours.

Every line comes from something the workbook already decided, never from
invented figures: the open incident and what the crisis protocol says to do
about it; the protocol's gaps; each chosen network with its weekly hours
and posts; the editorial calendar's posts inside the window; the people who
feed the plan (informants) and speak for it (advocates); the objectives'
deadlines; the monthly review. Hours are those the plan assigns to each
network (the only hours the workbook holds); an action with no hours of
its own shows none rather than a guess.

Owners are the people the workbook names: the level's owner in the crisis
protocol, the objective's owner, the informant, the advocate; otherwise the
community manager, by name when the crisis protocol's contacts give one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from babel.lists import format_list

from cmtraining.core.numbers import clock, count, decimal
from cmtraining.core.numbers import day as format_day
from cmtraining.i18n import t
from cmtraining.report.inputs import ReportInputs, incident_open, metric_value, objective_name

WINDOW_DAYS = 90
REVIEW_EVERY_DAYS = 30  # the monthly review of the KPI dashboard (stage 6)
PROTOCOL_FIX_DAYS = 14  # gaps of a crisis protocol are closed before anything else is planned
ADVOCATE_BRIEF_DAYS = 30
OBJECTIVE_RESCUE_DAYS = 30  # an off-track objective gets new tactics within a month
# A protocol not rehearsed for half a year is rehearsed in this quarter (cmtraining, 2026:
# a teaching convention, in line with the "exercise at least twice a year" habit of
# business-continuity practice; no single source fixes the figure).
DRILL_EVERY_DAYS = 182
DRILL_DAYS = 60


@dataclass(frozen=True)
class Action:
    start: date
    due: date
    what: str
    owner: str
    hours: str  # "4 h/week", or "—" when the workbook gives the action no hours
    stage: str  # the stage it comes from, in the reader's language
    kind: str  # incident, protocol, network, calendar, informant, advocate, objective,
    # review, drill, response, stage


@dataclass(frozen=True)
class ActionPlan:
    start: date
    end: date
    actions: list[Action] = field(default_factory=list)
    hours: str = ""  # the weekly hours planned against the team's capacity
    empty: str | None = None


def community_manager(wb, lang: str) -> str:
    """The community manager by name when the crisis protocol's contacts give one."""
    for c in wb.crisis_protocol.contacts:
        if c.kind == "community_manager" and c.name:
            return f"{c.name} ({c.role})"
    return t("report.board.owner.community_manager", lang)


def management(wb, lang: str) -> str:
    """Who answers for the plan to the board: management contact, else the top level's owner."""
    for c in wb.crisis_protocol.contacts:
        if c.kind == "management":
            return f"{c.name} ({c.role})" if c.name else c.role
    top = sorted(wb.crisis_protocol.levels, key=lambda x: -x.level)
    if top and top[0].owner:
        return top[0].owner
    return t("report.board.owner.management", lang)


def protocol_level(wb, status):
    """The protocol level a CrisisStatus names (its number; else its level as a number, a
    name or "1 · Name"), or None. Every section asks this, so all name the same owner."""
    levels = wb.crisis_protocol.levels
    number = getattr(status, "number", None)
    if number is not None:
        return next((x for x in levels if x.level == number), None)
    level = getattr(status, "level", status)
    for x in levels:
        if level is not None and str(level) in (str(x.level), x.name, f"{x.level} · {x.name}"):
            return x
    return None


def data_end_note(wb, lang: str, inputs: ReportInputs) -> str:
    """" The listening data end on ...": an incident is open as far as listening saw, which
    may be weeks before the report's date; the reader is told to check it still is."""
    from cmtraining.crisis.status import QUIET_DAYS

    summary = wb.listening.summary
    if summary is None or (inputs.as_of - summary.period_end).days <= QUIET_DAYS:
        return ""
    return " " + t("report.board.crisis.data_end", lang, end=format_day(summary.period_end, lang))


def incident_detail(wb, lang: str, inputs: ReportInputs) -> str:
    """What the protocol says to do about the open incident, in one sentence."""
    status = inputs.crisis
    level = getattr(status, "level", None)
    actions = [a.strip().rstrip(".") for a in (getattr(status, "actions", None) or []) if a]
    if level is None:
        return t("report.board.incident.no_level", lang)
    return t("report.board.incident.level", lang, level=level,
             actions="; ".join(actions) if actions else t("report.board.incident.no_actions", lang))


def _hours(value: float, lang: str) -> str:
    return t("report.board.hours_per_week", lang, hours=decimal(value, lang, decimals=1, trim=True))


def _incident(wb, lang, inputs, start) -> list[Action]:
    if not incident_open(inputs):
        return []
    level = protocol_level(wb, inputs.crisis)
    owner = (level.owner if level and level.owner else management(wb, lang))
    hours = "—"
    if level and level.monitor_minutes:
        from cmtraining.crisis.status import monitor_key, monitor_params

        hours = t(*monitor_key("report.board.monitor_every", level.monitor_minutes), lang,
                  **monitor_params(level.monitor_minutes))
    return [Action(start, start, incident_detail(wb, lang, inputs), owner, hours,
                   t("common.stage.crisis", lang), "incident")]


def _protocol(wb, lang, inputs, start, end) -> list[Action]:
    stage = t("common.stage.crisis", lang)
    if not wb.crisis_protocol.levels:
        return [Action(start, start + timedelta(days=ADVOCATE_BRIEF_DAYS),
                       t("report.board.action.write_protocol", lang), management(wb, lang), "—", stage,
                       "protocol")]
    out = []
    if inputs.protocol_gaps:
        first = inputs.protocol_gaps[0].message(lang)
        more = len(inputs.protocol_gaps) - 1
        out.append(Action(start, start + timedelta(days=PROTOCOL_FIX_DAYS), t(
            "report.board.action.protocol_gaps", lang, n=len(inputs.protocol_gaps), first=first)
            + (t("report.board.action.and_more", lang, n=more) if more else ""),
            management(wb, lang), "—", stage, "protocol"))
    last = max((r.started.date() for r in wb.crisis_runs), default=None)
    if last is None or (start - last).days > DRILL_EVERY_DAYS:
        level1 = wb.crisis_protocol.level(1)
        owner = level1.owner if level1 and level1.owner else community_manager(wb, lang)
        what = (t("report.board.action.drill_never", lang) if last is None
                else t("report.board.action.drill_again", lang, last=format_day(last, lang)))
        out.append(Action(start, min(end, start + timedelta(days=DRILL_DAYS)), what, owner, "—",
                          stage, "drill"))
    return out


def _networks(wb, lang, start, end) -> list[Action]:
    posts = wb.content_plan.posts_per_week
    cm = community_manager(wb, lang)
    out = []
    for r in wb.networks:
        name = t(f"common.network.{r.network}", lang)
        n = posts.get(r.network)
        what = t("report.board.action.network", lang, network=name, role=t(f"common.role.{r.role}", lang))
        if n == 1:
            what += t("report.board.action.network_posts_one", lang)
        elif n:
            what += t("report.board.action.network_posts", lang, posts=count(n, lang))
        out.append(Action(start, end, what, cm, _hours(r.hours_per_week, lang),
                          t("common.stage.audiences", lang), "network"))
    return out


def _calendar(wb, lang, start, end) -> list[Action]:
    stage = t("common.stage.content", lang)
    cm = community_manager(wb, lang)
    days = sorted(e.day for e in wb.content_plan.calendar)
    inside = [d for d in days if start <= d <= end]
    if inside:
        out = [Action(inside[0], inside[-1], t(
            "report.board.action.calendar", lang, posts=count(len(inside), lang),
            first=format_day(inside[0], lang), last=format_day(inside[-1], lang)), cm, "—", stage, "calendar")]
        if inside[-1] < end - timedelta(days=7):
            out.append(Action(max(start, inside[-1] - timedelta(days=7)), inside[-1], t(
                "report.board.action.calendar_next", lang, last=format_day(inside[-1], lang)), cm, "—", stage,
                "calendar"))
        return out
    if days and days[-1] < start:
        return [Action(start, start + timedelta(days=7), t(
            "report.board.action.calendar_over", lang, last=format_day(days[-1], lang)), cm, "—", stage,
            "calendar")]
    return [Action(start, start + timedelta(days=7), t("report.board.action.calendar_none", lang), cm,
                   "—", stage, "calendar")]


def _people(wb, lang, start, end) -> list[Action]:
    stage = t("common.stage.objectives", lang)
    out = []
    for i in wb.informants:
        what = t("report.board.action.informant", lang, department=i.department)
        if i.cadence:
            what += f" ({i.cadence})"
        owner = f"{i.person} ({i.department})" if i.person else i.department
        out.append(Action(start, end, what, owner, "—", stage, "informant"))
    for a in wb.advocates:
        what = t("report.board.action.advocate", lang) + (f": {a.how}" if a.how else "")
        owner = f"{a.person} ({a.department})" if a.department else a.person
        out.append(Action(start, start + timedelta(days=ADVOCATE_BRIEF_DAYS), what, owner, "—",
                          stage, "advocate"))
    return out


def _objectives(wb, lang, inputs, start, end) -> list[Action]:
    stage = t("common.stage.objectives", lang)
    cm = community_manager(wb, lang)
    found = {a.objective_id: a for a in inputs.attainments}
    out = []
    for o in wb.objectives:
        owner = o.owner or cm
        name = objective_name(o, lang)
        target = metric_value(o.metric, o.target, lang)
        a = found.get(o.id)
        if a is not None and a.status in ("off_track", "at_risk"):
            out.append(Action(start, min(end, o.deadline, start + timedelta(
                days=OBJECTIVE_RESCUE_DAYS)), t("report.board.action.rescue", lang, name=name,
                                                 target=target, deadline=format_day(o.deadline, lang)),
                owner, "—", t("common.stage.evaluation", lang), "objective"))
        if start <= o.deadline <= end:
            out.append(Action(start, o.deadline, t("report.board.action.deadline", lang, name=name,
                                                   target=target), owner, "—", stage,
                              "objective"))
    return out


def _review(wb, lang, start, end) -> list[Action]:
    dates = [start + timedelta(days=d) for d in range(REVIEW_EVERY_DAYS, WINDOW_DAYS + 1,
                                                        REVIEW_EVERY_DAYS)]
    what = t("report.board.action.review", lang, dates=", ".join(format_day(d, lang) for d in dates),
             to=management(wb, lang))
    return [Action(dates[0], dates[-1], what, community_manager(wb, lang), "—",
                   t("common.stage.evaluation", lang), "review")]


def _response(wb, lang, start, end) -> list[Action]:
    pb = wb.response_playbook
    if not pb.rules:
        return []
    departments = sorted({r.department for r in pb.rules if r.department})
    fastest = min(r.max_hours for r in pb.rules)
    days = ", ".join(t(f"response.weekday.{d}", lang) for d in pb.service_hours.days)
    what = t("report.board.action.response", lang, days=days,
             start=clock(pb.service_hours.start, lang), end=clock(pb.service_hours.end, lang), hours=decimal(fastest, lang, decimals=1, trim=True))
    owner = ", ".join(departments) if departments else community_manager(wb, lang)
    return [Action(start, end, what, owner, "—", t("common.stage.response", lang), "response")]


def action_plan(wb, lang: str, inputs: ReportInputs, days: int = WINDOW_DAYS) -> ActionPlan:
    """The plan's actions from `inputs.as_of` for `days` days, by due date (module docstring)."""
    start = inputs.as_of
    end = start + timedelta(days=days)
    actions = (_incident(wb, lang, inputs, start) + _protocol(wb, lang, inputs, start, end)
               + _objectives(wb, lang, inputs, start, end) + _calendar(wb, lang, start, end)
               + _networks(wb, lang, start, end) + _response(wb, lang, start, end)
               + _people(wb, lang, start, end) + _review(wb, lang, start, end))
    urgent = {"incident": 0, "protocol": 1, "objective": 2}
    actions.sort(key=lambda a: (a.kind != "incident", a.due, urgent.get(a.kind, 3)))
    planned = sum(r.hours_per_week for r in wb.networks)
    capacity = wb.resources.hours_per_week
    hours = t("report.board.plan.hours", lang, planned=decimal(planned, lang, decimals=1, trim=True),
              capacity=decimal(capacity, lang, decimals=1, trim=True),
              networks=format_list([t(f"common.network.{r.network}", lang) for r in wb.networks],
                                   locale=lang))
    if planned > capacity:
        hours += " " + t("report.board.plan.over_capacity", lang)
    elif wb.networks and planned == 0:
        hours += " " + t("report.board.plan.no_hours", lang)
    return ActionPlan(start, end, actions, hours,
                      t("report.empty.audiences", lang) if not wb.networks else None)
