"""Coherence of one strategy across stages (issue 15, part 2).

`check(wb)` returns the findings (`cmtraining.core.findings.Finding`,
worst first) where the workbook's parts contradict each other. Each rule
names the stage where the contradiction arises (codes
`coherence.<stage>.<rule>`) and what to change:

- objectives: every goal has an objective (`goal_without_objective`) whose
  metric can measure the kind of result the goal asks for
  (`goal_unmeasured`: a goal about volunteers, donors, orders or demo
  requests needs leads or conversions, not followers alone; kinds and
  metrics in `datasets/goal_metrics.yaml`); every objective's network is a
  chosen network (`network_dropped`) with hours (`network_no_hours`);
- audiences: every chosen network has hours (`no_hours`) and the hours add
  up to the team's capacity (`hours_over`, `hours_under`);
- content: the calendar covers the chosen networks (`network_missing`), no
  other (`network_unplanned`), in proportion to the hours their role was
  given (`proportion`, time per post from the stage 2 engine);
- evaluation: no advice on a network the plan dropped unless it says to
  reconsider it (`dropped_network`), no two opposite pieces of advice on one
  network (`contradiction`), no advice on a gap too small to matter
  (`trivial`);
- crisis / listening: an open alert has a protocol level and an owner
  (`no_level`, `no_owner`), and the current level with what the protocol
  says (`current_level`, `open_incident`, info), from `crisis.status`.

It lives with the evaluation, the last stage, because it reads every
stage's output (the plan, the evaluation's recommendations, the crisis
status); the planning engines below it never import it.

Rules only judge what exists: no networks chosen yet, no calendar yet, no
metrics: nothing to contradict. Pure: no widgets, no I/O beyond the
shipped dataset.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date

from cmtraining.core.findings import Day, Finding, Key, KeyList, Number, Share, worst_first
from cmtraining.planning.goals import goal_kind, metrics_for
from cmtraining.planning.smart import ObjectiveTitle

STAGES = ("objectives", "audiences", "content", "listening", "crisis", "evaluation")
# Assumption (cmtraining, 2026): hours are planned to the half hour; a plan that leaves
# more than 10 % of the team's week (and at least half an hour) unassigned does not
# describe how the team will work.
HOURS_SLACK = 0.10
HOURS_MIN_SLACK = 0.5
# Assumption (cmtraining, 2026): a network whose share of the calendar's working time is
# less than half or more than twice its share of the planned hours, and at least 10
# points away from it, is not covered in proportion to its role.
PROPORTION_FACTOR = 2.0
PROPORTION_POINTS = 0.10
#: recommendation codes that advise on a network, and the way they push its effort
MORE = frozenset({"posting_low"})
LESS = frozenset({"posting_high", "effort_no_return"})
NETWORK_ADVICE = frozenset({"low_engagement", "low_conversation", "posting_low", "posting_high",
                            "declining_followers", "effort_no_return", "low_clicks"})


def _f(stage: str, rule: str, severity: str, value=None, **params) -> Finding:
    return Finding(code=f"coherence.{stage}.{rule}", level=severity,
                   rule_key=f"planning.coherence.rule.{stage}.{rule}",
                   message_key=f"planning.coherence.msg.{stage}.{rule}", value=value, params=params)


def _objectives(wb) -> list[Finding]:
    out = []
    for goal in wb.profile.goals:
        mine = [o for o in wb.objectives if o.goal_id == goal.id]
        if not mine:
            out.append(_f("objectives", "goal_without_objective", "warning", goal.id,
                          goal=goal.text.rstrip(". ")))
            continue
        kind = goal_kind(goal.text)
        if kind is None:
            continue
        fit = metrics_for(kind)
        if not any(o.metric in fit for o in mine):
            out.append(_f("objectives", "goal_unmeasured", "warning", goal.id, goal=goal.text.rstrip(". "),
                          kind=Key(f"planning.coherence.kind.{kind}"),
                          have=KeyList("planning.kpi", sorted({o.metric for o in mine})),
                          fit=KeyList("planning.kpi", fit)))
    hours = {r.network: r.hours_per_week for r in wb.networks}
    if wb.networks:
        for o in wb.objectives:
            if o.network is None:
                continue
            name = Key(f"common.network.{o.network}")
            if o.network not in hours:
                out.append(_f("objectives", "network_dropped", "warning", o.network,
                              objective=ObjectiveTitle(o), network=name,
                              chosen=KeyList("common.network", list(hours))))
            elif hours[o.network] <= 0:
                out.append(_f("objectives", "network_no_hours", "warning", o.network,
                              objective=ObjectiveTitle(o), network=name))
    return out


# --- networks and hours ---------------------------------------------------------------


def _audiences(wb) -> list[Finding]:
    if not wb.networks:
        return []
    out = [_f("audiences", "no_hours", "warning", r.network, network=Key(f"common.network.{r.network}"))
           for r in wb.networks if r.hours_per_week <= 0]
    total = round(sum(r.hours_per_week for r in wb.networks), 2)
    have = wb.resources.hours_per_week
    params = {"total": Number(total), "have": Number(have), "count": len(wb.networks)}
    if total > have + 1e-9:
        out.append(_f("audiences", "hours_over", "error", total, **params))
    elif have - total > max(HOURS_MIN_SLACK, HOURS_SLACK * have):
        out.append(_f("audiences", "hours_under", "warning", total,
                      spare=Number(round(have - total, 2)), **params))
    if len(wb.networks) == 1:  # "La red elegida recibe", never "Las 1 redes reciben" (21.13)
        from dataclasses import replace

        out = [replace(f, message_key=f"planning.coherence.{f.code.rsplit('.', 1)[1]}_one")
               if f.code in ("coherence.audiences.hours_over", "coherence.audiences.hours_under")
               else f for f in out]
    return out


def post_minutes(network: str, formats: list[str]) -> float:
    """Minutes one post takes on `network`, answering included: the figure stage 2 plans
    hours with (`audiences.weekly_hours` over the low end of the posting range)."""
    from cmtraining.networks import catalogue
    from cmtraining.planning.audiences import weekly_hours

    return weekly_hours(network, formats) * 60 / catalogue().networks[network].posts_per_week.low


def _content(wb) -> list[Finding]:
    calendar = wb.content_plan.calendar
    if not wb.networks or not calendar:
        return []
    out = []
    hours = {r.network: r.hours_per_week for r in wb.networks}
    posts = Counter(e.network for e in calendar)
    for net, count in sorted(posts.items()):
        if net not in hours:
            out.append(_f("content", "network_unplanned", "warning", net,
                          network=Key(f"common.network.{net}"), posts=count))
    for net, h in hours.items():
        if h > 0 and not posts[net]:
            out.append(_f("content", "network_missing", "warning", net,
                          network=Key(f"common.network.{net}"), hours=Number(h)))
    planned = {net: h for net, h in hours.items() if h > 0}
    total_hours = sum(planned.values())
    minutes: Counter = Counter()
    for e in calendar:
        if e.network in planned:
            minutes[e.network] += post_minutes(e.network, wb.resources.formats)
    total_minutes = sum(minutes.values())
    if not total_hours or not total_minutes:
        return out
    for net, h in planned.items():
        want, got = h / total_hours, minutes[net] / total_minutes
        if not got:
            continue  # already network_missing
        if abs(got - want) >= PROPORTION_POINTS and (got > want * PROPORTION_FACTOR
                                                     or got < want / PROPORTION_FACTOR):
            out.append(_f("content", "proportion", "warning", round(got, 3),
                          network=Key(f"common.network.{net}"), got=Share(got), want=Share(want),
                          posts=posts[net]))
    return out


# --- recommendations ------------------------------------------------------------------


def _evaluation(wb, as_of: date | None) -> list[Finding]:
    if not wb.metrics:
        return []
    from cmtraining.core.clock import today
    from cmtraining.evaluation.recommendations import TRIVIAL_GAP, recommend

    return evaluate_recommendations(wb, recommend(wb, today=as_of or today()),
                                    trivial=TRIVIAL_GAP)


def evaluate_recommendations(wb, recs, *, trivial: float) -> list[Finding]:
    """The recommendation rules on a given list (so a test can hand it a contradiction)."""
    out = []
    chosen = {r.network for r in wb.networks}
    for rec in recs:
        if rec.network is None:
            continue
        name = Key(f"common.network.{rec.network}")
        if chosen and rec.network not in chosen and rec.code in NETWORK_ADVICE:
            out.append(_f("evaluation", "dropped_network", "warning", rec.code, network=name,
                          advice=rec.finding.message(wb.lang)))
    by_net: dict[str, set[str]] = {}
    for rec in recs:
        if rec.network is not None:
            by_net.setdefault(rec.network, set()).add(rec.code)
    for net, codes in sorted(by_net.items()):
        more, less = sorted(codes & MORE), sorted(codes & LESS)
        if more and less:
            out.append(_f("evaluation", "contradiction", "warning", [*more, *less],
                          network=Key(f"common.network.{net}"),
                          more=KeyList("planning.coherence.advice", more),
                          less=KeyList("planning.coherence.advice", less)))
    for rec in recs:
        gap = getattr(rec, "gap", None)
        if gap is not None and gap < trivial:
            out.append(_f("evaluation", "trivial", "warning", gap, code=rec.code,
                          gap=Share(gap), minimum=Share(trivial),
                          advice=rec.finding.message(wb.lang)))
    return out


# --- listening alerts and the crisis protocol ------------------------------------------


def _crisis(wb, as_of: date | None) -> list[Finding]:
    from cmtraining.crisis.status import current

    status = current(wb, as_of=as_of, lang=wb.lang)
    if status is None or not status.open:
        return []
    first, last = Day(status.alert_days[0]), Day(status.alert_days[-1])
    days = len(status.alert_days)
    # the summary counts every alert day of the period; the incident is the latest run of them
    total = len({a.day for a in wb.listening.alerts if as_of is None or a.day <= as_of})
    incident = _f("listening", "open_incident", "info", days, days=days, first=first, last=last,
                  total=total, level=status.level or Key("planning.coherence.no_crisis_level"))
    if days >= total:  # "(all 5 alert days)", not "(5 of the period's 5 alert days)"
        incident = replace(incident, message_key=incident.message_key + "_all")
    out = [incident]
    if status.level is None:
        out.append(_f("crisis", "no_level", "error", days, days=days, first=first, last=last))
    elif not status.owner:
        out.append(_f("crisis", "no_owner", "error", status.number, level=status.level))
    else:
        finding = _f("crisis", "current_level", "info", status.number, level=status.level,
                     owner=status.owner, actions=" · ".join(status.actions) or "—",
                     days=days, first=first, last=last, peak=status.peak_negative,
                     why=status.why or "")
        if not status.by_trigger:  # no trigger met: the lowest level, and say so
            finding = replace(finding, message_key="planning.coherence.msg.crisis.current_level_default")
        out.append(finding)
    return out


#: the rule groups, each with the stages its findings belong to
GROUPS = (
    (("objectives",), lambda wb, as_of: _objectives(wb)),
    (("audiences",), lambda wb, as_of: _audiences(wb)),
    (("content",), lambda wb, as_of: _content(wb)),
    (("evaluation",), lambda wb, as_of: _evaluation(wb, as_of)),
    (("listening", "crisis"), lambda wb, as_of: _crisis(wb, as_of)),
)


def check(wb, *, as_of: date | None = None) -> list[Finding]:
    """Every coherence finding for `wb`, worst first (empty when the strategy holds together).

    Codes read `coherence.<stage>.<rule>`, e.g. `coherence.objectives.goal_unmeasured`.
    Info findings (the open incident and its level) describe, they do not warn.
    """
    return worst_first([f for _, rules in GROUPS for f in rules(wb, as_of)])


def warnings(wb, *, as_of: date | None = None) -> list[Finding]:
    """The findings that ask for a change (warnings and errors)."""
    return [f for f in check(wb, as_of=as_of) if not f.ok]


def for_stage(wb, stage: str, *, as_of: date | None = None) -> list[Finding]:
    """The findings that arise in one stage (`objectives`, `audiences`, `content`,
    `listening`, `crisis`, `evaluation`), for that stage's app (only its rules run)."""
    found = [f for stages, rules in GROUPS if stage in stages for f in rules(wb, as_of)]
    return worst_first([f for f in found if f.code.split(".")[1:2] == [stage]])
