"""The executive summary: the situation in three sentences, three priorities, success in numbers.

A board member reads this page and nothing else, so every sentence comes
from the workbook's own figures (written by `cmtraining.core.numbers`), a
missing stage says which stage fills it, and the priorities are chosen by a
fixed order of urgency: an open incident first, then what makes the plan
contradict itself (coherence), objectives heading the wrong way, gaps of the
crisis protocol, the evaluation's top recommendation, objectives nothing
measures yet, and stages not done. At most one priority of each kind is
taken before a second of any kind, so three priorities are three different
things to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from babel.lists import format_list

from cmtraining.core.numbers import count, percent
from cmtraining.core.numbers import day as format_day
from cmtraining.core.numbers import month as format_month
from cmtraining.evaluation.attainment import status_label
from cmtraining.i18n import t
from cmtraining.report.inputs import ReportInputs, incident_open, metric_value, objective_name

#: order of urgency of the kinds of priority (see the module docstring)
PRIORITY_ORDER = ("incident", "coherence", "objective", "protocol", "recommendation", "measure",
                  "stage")
#: attainment statuses that make an objective a priority, worst first
OBJECTIVE_TROUBLE = ("missed", "off_track", "at_risk")
STATUS_ORDER = ("on_track", "achieved", "no_trend", "at_risk", "off_track", "missed", "no_data")
#: recommendations with a title of their own among the priorities
TITLED = frozenset({"negative_sentiment", "alerts_no_protocol", "no_playbook", "slow_playbook"})
#: informative recommendations that still ask the board for a decision (taken after the
#: warnings): a network the plan dropped while people still follow it
DECISIONS = frozenset({"reconsider_network"})
EMPTY_KEY = {"evaluation": "report.empty.kpis"}  # a stage whose report section has another name
QUARTER = 3  # months of follower change quoted in the first sentence


@dataclass(frozen=True)
class Priority:
    kind: str  # one of PRIORITY_ORDER
    title: str  # what to do, in a few words
    detail: str  # why, with the figure that triggered it


@dataclass(frozen=True)
class SuccessLine:
    objective: str
    text: str  # "Followers on Instagram: from 1,200 to 1,500 by 2027-05-01 (today 1,310)."
    status: str  # attainment status
    status_label: str
    note: str = ""  # the reason a bare status would hide (on track with no progress yet)


@dataclass(frozen=True)
class ExecutiveSummary:
    situation: list[str]  # three sentences
    priorities: list[Priority]  # up to three
    success: list[SuccessLine]
    success_empty: str | None = None  # what to do when there is no objective


def _names(items, lang: str) -> str:
    return format_list(list(items), locale=lang) if items else ""


def _latest(metrics, as_of: date) -> dict[str, list]:
    by_net: dict[str, list] = {}
    for row in sorted(metrics, key=lambda r: r.month):
        if row.month <= as_of:
            by_net.setdefault(row.network, []).append(row)
    return by_net


def audience_sentence(wb, lang: str, as_of: date) -> str:
    """Followers today on every network with figures, and their change over a quarter."""
    name = wb.profile.name
    by_net = _latest(wb.metrics, as_of)
    if not by_net:
        return t("report.board.summary.audience_none", lang, org=name)
    followers = sum(rows[-1].followers for rows in by_net.values())
    nets = _names([t(f"common.network.{n}", lang) for n in sorted(by_net)], lang)
    month = max(rows[-1].month for rows in by_net.values())
    before = [rows[-1 - QUARTER].followers for rows in by_net.values() if len(rows) > QUARTER]
    if len(before) == len(by_net) and sum(before) > 0:
        change = followers / sum(before) - 1
        return t("report.board.summary.audience_change", lang, org=name, followers=count(followers, lang),
                 networks=nets, month=format_month(month, lang),
                 change=percent(change, lang, sign=True))
    return t("report.board.summary.audience", lang, org=name, followers=count(followers, lang),
             networks=nets, month=format_month(month, lang))


def conversation_sentence(wb, lang: str, inputs: ReportInputs) -> str:
    """What the listening audit found, with the open incident when there is one."""
    s = wb.listening.summary
    if s is None:
        return t("report.board.summary.listening_none", lang)
    text = t("report.board.summary.listening", lang, start=format_day(s.period_start, lang),
             end=format_day(s.period_end, lang), mentions=count(s.mentions, lang),
             net=percent(s.net_sentiment, lang, sign=True))
    if s.share_of_voice is not None:
        text += t("report.board.summary.share_of_voice", lang, share=percent(s.share_of_voice, lang))
    alerts = sorted(a.day for a in wb.listening.alerts)
    if incident_open(inputs):
        days = list(getattr(inputs.crisis, "alert_days", []) or []) or alerts
        level = getattr(inputs.crisis, "level", None)
        text += t("report.board.summary.incident", lang, days=len(days),
                  last=format_day(max(days), lang) if days else "—",
                  level=level if level is not None else t("report.board.none_level", lang))
    elif alerts:
        text += t("report.board.summary.alerts", lang, days=len(alerts), last=format_day(alerts[-1], lang))
    return text + "."


def objectives_sentence(wb, lang: str, inputs: ReportInputs) -> str:
    """How many objectives are on track, at risk, off track, without data."""
    if not wb.objectives:
        return t("report.board.summary.objectives_none", lang)
    tally: dict[str, int] = {}
    for a in inputs.attainments:
        tally[a.status] = tally.get(a.status, 0) + 1
    parts = [t(f"report.board.summary.status_{'one' if tally[s] == 1 else 'many'}.{s}", lang,
               n=tally[s]) for s in STATUS_ORDER if tally.get(s)]
    return t("report.board.summary.objectives", lang, n=len(wb.objectives), parts=_names(parts, lang))


def _objective_priority(wb, a, lang: str) -> Priority:
    """An objective in trouble, in a board's words: where it is, where the pace leads."""
    from cmtraining.core.numbers import percent

    objective = next(o for o in wb.objectives if o.id == a.objective_id)
    values = {"current": metric_value(a.metric, a.current, lang),
              "projected": metric_value(a.metric, a.projected, lang),
              "target": metric_value(a.metric, a.target, lang),
              "deadline": format_day(a.deadline, lang)}
    if a.status == "missed":
        detail = t("report.board.objective_detail.missed", lang, **values)
    elif a.projected_progress is not None and a.projected_progress < 0:
        detail = t("report.board.objective_detail.backwards", lang, **values)
    else:
        detail = t("report.board.objective_detail.ahead", lang, **values,
                   share=percent(a.projected_progress, lang))
    if a.status in ("at_risk", "off_track"):
        detail += t(f"report.board.objective_detail.{a.status}", lang)
    return Priority("objective", t("report.board.priority.objective", lang,
                                   name=objective_name(objective, lang)), detail)


def priorities(wb, lang: str, inputs: ReportInputs, limit: int = 3) -> list[Priority]:
    """Up to `limit` priorities, by urgency, one of each kind first (module docstring)."""
    from cmtraining.report import action_plan

    candidates: dict[str, list[Priority]] = {k: [] for k in PRIORITY_ORDER}
    if incident_open(inputs):
        candidates["incident"].append(Priority(
            "incident", t("report.board.priority.incident", lang), action_plan.incident_detail(
                wb, lang, inputs)))
    for f in inputs.coherence:
        if f.level in ("error", "warning"):
            candidates["coherence"].append(Priority("coherence", t("report.board.priority.coherence",
                                                                     lang), f.message(lang)))
    troubled = sorted((a for a in inputs.attainments if a.status in OBJECTIVE_TROUBLE),
                      key=lambda a: OBJECTIVE_TROUBLE.index(a.status))
    candidates["objective"] = [_objective_priority(wb, a, lang) for a in troubled
                                  if any(o.id == a.objective_id for o in wb.objectives)]
    for f in inputs.protocol_gaps:
        candidates["protocol"].append(Priority("protocol", t("report.board.priority.protocol", lang),
                                               f.message(lang)))
    urgent = [r for r in inputs.recommendations if r.finding.level in ("error", "warning")]
    decisions = [r for r in inputs.recommendations if r.code in DECISIONS]
    for r in urgent + decisions:
        # an objective's recommendation repeats the objective's own priority
        if r.code.startswith("objective_"):
            continue
        network = t(f"common.network.{r.network}", lang) if r.network else ""
        title = (t(f"report.board.priority.rec.{r.code}", lang, network=network)
                 if r.code in TITLED | DECISIONS
                 else t("report.board.priority.recommendation_network", lang, network=network)
                 if r.network else t("report.board.priority.recommendation", lang))
        candidates["recommendation"].append(Priority("recommendation", title,
                                                     r.finding.message(lang)))
    for a in inputs.attainments:
        objective = next((o for o in wb.objectives if o.id == a.objective_id), None)
        if a.status == "no_data" and objective is not None:
            candidates["measure"].append(Priority("measure", t(
                "report.board.priority.measure", lang, name=objective_name(objective, lang)),
                a.finding.message(lang)))
    for stage in missing_stages(wb):
        candidates["stage"].append(Priority("stage", t("report.board.priority.stage", lang,
                                                       stage=t(f"common.stage.{stage}", lang)),
                                            t(EMPTY_KEY.get(stage, f"report.empty.{stage}"), lang)))
    chosen: list[Priority] = []
    for round_ in range(limit):
        for kind in PRIORITY_ORDER:
            if len(chosen) < limit and len(candidates[kind]) > round_:
                chosen.append(candidates[kind][round_])
    return chosen


def missing_stages(wb) -> list[str]:
    """The planning stages with nothing saved yet, in the journey's order."""
    empty = {"listening": wb.listening.summary is None, "objectives": not wb.objectives,
             "audiences": not wb.networks, "content": not wb.content_plan.calendar,
             "response": not wb.response_playbook.rules,
             "crisis": not wb.crisis_protocol.levels, "evaluation": not wb.metrics}
    return [stage for stage, missing in empty.items() if missing]


def success(wb, lang: str, inputs: ReportInputs) -> list[SuccessLine]:
    """Each objective as a number to reach by a date, with where it stands today."""
    found = {a.objective_id: a for a in inputs.attainments}
    lines = []
    for o in wb.objectives:
        a = found.get(o.id)
        current = a.current if a is not None else None
        status = a.status if a is not None else "no_data"
        key = "report.board.summary.success" if current is not None else "report.board.summary.success_no_data"
        lines.append(SuccessLine(o.id, t(
            key, lang, name=objective_name(o, lang),
            baseline=metric_value(o.metric, o.baseline, lang),
            target=metric_value(o.metric, o.target, lang), deadline=format_day(o.deadline, lang),
            current=metric_value(o.metric, current, lang)), status,
            status_label(a, lang),
            status_note(a, lang)))
    return lines


def status_note(a, lang: str) -> str:
    """Why "on track" at 0 % progress: the status rests on the trend alone; why there
    is no projection at all (no_trend)."""
    if a is not None and a.status == "on_track" and a.progress is not None and a.progress <= 0:
        return t("report.board.trend_note", lang)
    if a is not None and a.status == "no_trend":
        from cmtraining.evaluation.attainment import MIN_TREND

        return t("report.board.too_few_note" if a.months < MIN_TREND else "report.board.no_trend_note", lang)
    return ""


def executive_summary(wb, lang: str, inputs: ReportInputs) -> ExecutiveSummary:
    """The summary's data (see the module docstring)."""
    return ExecutiveSummary(
        situation=[audience_sentence(wb, lang, inputs.as_of), conversation_sentence(wb, lang, inputs),
                   objectives_sentence(wb, lang, inputs)],
        priorities=priorities(wb, lang, inputs), success=success(wb, lang, inputs),
        success_empty=None if wb.objectives else t("report.empty.objectives", lang))
