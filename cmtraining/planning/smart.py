"""SMART check of a social-media objective, with a suggested target range.

Each letter gives one `Finding` (rule, triggering value, what to do):

- **S**pecific: one metric (typed) and a network or an audience named.
- **M**easurable: a baseline and a target that differ, in the metric's
  direction (a growth metric cannot aim below its baseline); a baseline far
  from the organization's last recorded month is pointed out.
- **A**chievable: the implied compound monthly change,
  ``(target / baseline) ** (1 / months) - 1``, compared with a plausible band
  (`cmtraining.planning.achievable_band`):
  the organization's own month-over-month history for that metric and
  network when it has at least `MIN_HISTORY` months (10th-90th percentile,
  with `STRETCH` times the 90th as the ceiling of "ambitious"), otherwise the
  generic band of `TYPICAL_BANDS`. Rate metrics are also compared with the
  network's sourced median engagement rate in the catalogue.
- **R**elevant: linked to one of the organization's goals.
- **T**ime-bound: a deadline in the future, at least a month away and at
  most `MAX_MONTHS` away.

A deadline already past gives one finding, T's: no growth per month can be
computed towards a date behind us, so A says nothing rather than a second,
misleading finding about the baseline.

Rate metrics are fractions in the store (0.118) and percentages for the
reader (11,8 %): findings render them through `RateValue`. Rates and monthly
flows (leads, clicks) swing from month to month, so with six months of
history or more their plausible band is a band of *levels* (the
organization's usual months). `plausible_band` gives the one band to both the
Achievable check and `suggest_target`: the suggested range is the part of
that band above the baseline, so a target inside it is one the check accepts
(and one above its top is one it does not). Net sentiment has its own rule
(`SENTIMENT_POINTS` a month), and its suggestion follows that rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cmtraining.core.findings import Day, Finding, Key, Number, Percent
from cmtraining.planning.achievable_band import (
    FLOWS,
    RATES,
    SENTIMENT_BAND,
    SENTIMENT_POINTS,
    Band,
    history,
    implied_monthly_change,
    plausible_band,
)
from cmtraining.planning.snap import RateValue, rate_values  # noqa: F401 (RateValue: re-exported)
from cmtraining.workbook.models import ChannelMonth, Objective, Workbook

#: metrics where less is better
DECREASING = frozenset({"response_time"})
#: metrics read from the listening audit (about the organization, not one network)
LISTENING_METRICS = frozenset({"net_sentiment", "share_of_voice"})
# Assumption (cmtraining, 2026): a metric that has been shrinking gets "turn the trend"
# as its suggested target, 2 % above today's value by the deadline (the prefill's rule).
TURN_TREND = 0.02
MAX_MONTHS = 24  # beyond two years, an objective is a vision: split it into milestones
BASELINE_DRIFT = 0.2  # a baseline 20% away from the last recorded month is worth a look

# Assumption (cmtraining, 2026): a target rate above 3x the network's median
# engagement rate (catalogue, Rival IQ 2023/2024 and Buffer 2025) is rare for
# organic content; 3x leaves room for small, close communities.
BENCHMARK_MULTIPLE = 3.0


@dataclass(frozen=True)
class Suggestion:
    """A range of targets the Achievable check accepts, and the one figure to take from it.

    `mid` is what the history's typical (median) month gives over the months
    left when that lies inside the range (`mid_kind` "typical"), otherwise the
    range's arithmetic middle ("middle"); the screen names it accordingly.
    """

    low: float
    mid: float
    high: float
    band: Band
    months: float
    mid_kind: str = "middle"
    #: decimals the three are snapped to and shown with (of the fraction for a rate)
    decimals: int = 0


def months_between(start: date, end: date) -> float:
    return (end.year - start.year) * 12 + (end.month - start.month) + (end.day - start.day) / 30.44


def _between(low: float, high: float, band: Band, months: float, base: float = 0.0) -> Suggestion:
    """The range low-high, with a typical month's result as its figure when it lies inside."""
    if band.kind == "change" and band.typical is not None:
        typical = base * (1 + band.typical) ** months
        if low < typical < high:
            return Suggestion(low, typical, high, band=band, months=months, mid_kind="typical")
    return Suggestion(low, (low + high) / 2, high, band=band, months=months)


def suggest_target(objective: Objective, metrics: list[ChannelMonth], today: date) -> Suggestion | None:
    """A target range for the deadline, as the screen shows it, that the Achievable check accepts.

    The range of `raw_suggestion`, snapped to the precision it is shown with
    (`cmtraining.planning.snap`): its lower bound rounded up, its upper bound
    down, both past the baseline. None when no value at that precision fits.
    """
    from dataclasses import replace

    from cmtraining.planning.snap import shown_decimals, snap_range

    raw = raw_suggestion(objective, metrics, today)
    if raw is None:
        return None
    metric = objective.metric
    kind = "rate" if metric in RATES else "figures" if metric in DECREASING else "count"
    first = shown_decimals(kind, raw.low, raw.high)
    # a tiny rate's range (0,010 % to 0,015 %) holds no value at 2 decimals: one more, up to 3
    for decimals in range(first, first + (1 if kind == "count" else 4)):
        snapped = snap_range(raw.low, raw.mid, raw.high, base=objective.baseline,
                             decimals=decimals, decreasing=metric in DECREASING)
        if snapped is not None:
            break
    else:
        return None
    low, mid, high = snapped
    return replace(raw, low=low, mid=mid, high=high, decimals=decimals)


def raw_suggestion(objective: Objective, metrics: list[ChannelMonth],
                   today: date) -> Suggestion | None:
    """A target range for the deadline: the part of the Achievable check's band past the baseline.

    The band is `plausible_band`'s, the one the check reads: for a count, its
    usual monthly change (the organization's 10th to 90th percentile months,
    or the generic band) compounded over the months left; for a rate or a
    flow with history, its usual levels; for net sentiment, its points a
    month. None when there is nothing to suggest (`no_suggestion_reason`).
    """
    months = months_between(today, objective.deadline)
    if months <= 0:
        return None
    base = objective.baseline
    if objective.metric == "net_sentiment":  # -1 to +1: a negative baseline is a start too
        high = min(1.0, base + SENTIMENT_POINTS * months)
        return _between(min(high, base + SENTIMENT_POINTS), high, SENTIMENT_BAND, months) \
            if high > base else None
    if base <= 0:
        return None
    values = history(metrics, objective.metric, objective.network)
    band = plausible_band(objective.metric, values)
    if band.kind == "level":  # the part of the usual levels above the baseline
        low = max(base, band.low)
        high = band.high if band.high > low else band.ceiling  # already at its usual best
        if high <= low:
            return None  # beyond the plausible ceiling already: nothing to suggest
        return _between(low, high, band, months)
    if objective.metric in DECREASING:  # down to the band's steepest usual fall
        steepest, least = band.low, min(band.high, -0.01)
        if steepest >= 0:
            return None
        low, high = (base * (1 + c) ** months for c in (steepest, max(least, steepest)))
        return _between(low, high, band, months, base)
    if band.high <= 0:
        # a shrinking history: its usual months point below the baseline, a target the
        # Measurable check refuses for a metric that should grow; suggest turning the trend
        # instead, which the Achievable check calls ambitious (it is)
        up = [base * (1 + TURN_TREND * k) for k in (0.5, 1, 2)]
        return Suggestion(*up, band=band, months=months)
    low, high = (base * (1 + c) ** months for c in (max(band.low, 0.0), band.high))
    return _between(low, high, band, months, base)


def no_suggestion_reason(objective: Objective, today: date,
                         metrics: list[ChannelMonth] | None = None) -> str:
    """Why `suggest_target` gave nothing, as the one thing the trainee can do about it.

    "step": the usual range exists but holds no shown value past the baseline
    (a count of 27 whose best months reach 27.6): a later deadline leaves room."""
    if objective.deadline <= today:
        return "deadline"
    if objective.baseline <= 0 and objective.metric != "net_sentiment":
        return "baseline"
    if metrics is not None and raw_suggestion(objective, metrics, today) is not None:
        return "step"
    return "ceiling"


def draft_objective(workbook: Workbook, today: date) -> Objective:
    """A new objective to edit: followers on the biggest network, a target from its history.

    The baseline is the latest month, the deadline six months away, the id
    unique in the workbook, the goal the organization's first one.
    """
    from datetime import timedelta

    from cmtraining.core.text import slugify

    metrics = workbook.metrics
    network = max(metrics, key=lambda r: r.followers).network if metrics else None
    values = history(metrics, "followers", network)
    taken = {o.id for o in workbook.objectives}
    base = slugify(f"{network or 'objetivo'}-followers") or "objective"
    oid, n = base, 1
    while oid in taken:
        n += 1
        oid = f"{base}-{n}"
    goals = workbook.profile.goals
    draft = Objective(id=oid, metric="followers", network=network,
                      baseline=values[-1] if values else 0, target=0,
                      deadline=today + timedelta(days=182),
                      goal_id=goals[0].id if goals else None)
    s = suggest_target(draft, metrics, today)
    return draft.model_copy(update={"target": round(s.mid) if s else draft.baseline + 1})


def objective_title(objective: Objective, lang: str | None) -> str:
    """An objective as a reader names it ("Followers on Instagram"), never its id.

    The report, the evaluation app and the objectives app cards all name an
    objective this way; the id stays for matching and files."""
    from cmtraining.i18n import t

    metric = t(f"planning.kpi.{objective.metric}", lang)
    if objective.network:
        where = t(f"common.network.{objective.network}", lang)
    else:  # the listening audit's metrics are the organization's as a whole
        where = "" if objective.metric in LISTENING_METRICS else objective.audience.strip()
    return t("report.board.objective_name", lang, metric=metric, where=where) if where else metric


class ObjectiveTitle(str):
    """A finding parameter naming an objective: its id as a string, its title when rendered."""

    def __new__(cls, objective: Objective):
        obj = super().__new__(cls, objective.id)
        obj.objective = objective
        return obj

    def render(self, lang: str | None) -> str:
        return objective_title(self.objective, lang)


def _f(code, level, letter_rule, message, value=None, **params) -> Finding:
    return Finding(code=f"smart.{code}", level=level, rule_key=f"planning.smart.rule.{letter_rule}",
                   message_key=f"planning.smart.msg.{message}", value=value, params=params)


def _pct(x: float) -> Percent:
    return Percent(x)


def value_param(metric: str, x: float):
    """A baseline, target or level as a finding shows it: rates as %, counts as numbers."""
    return RateValue(x) if metric in RATES else Number(x)


def check_smart(objective: Objective, workbook: Workbook, *, today: date) -> list[Finding]:
    """One finding per letter, in S, M, A, R, T order.

    A deadline already past leaves out A: T's finding says what to fix, and a
    growth rate towards a past date means nothing. So does a target on the
    wrong side of the baseline (M's error): "aim higher than -16 % a month"
    would be a second, muddled finding about the same mistake."""
    measurable = _measurable(objective, workbook)
    findings = [_specific(objective), measurable]
    if objective.deadline > today and measurable.level != "error":
        findings.append(_achievable(objective, workbook, today))
    return findings + [_relevant(objective, workbook), _time_bound(objective, today)]


def _specific(o: Objective) -> Finding:
    if o.network or o.audience.strip():
        where = o.network or o.audience
        shown = Key(f"common.network.{o.network}") if o.network else o.audience
        return _f("specific", "ok", "specific", "specific_ok", where,
                  metric=Key(f"planning.kpi.{o.metric}"), where=shown)
    return _f("specific", "warning", "specific", "specific_where", o.metric,
              metric=Key(f"planning.kpi.{o.metric}"))


def _measurable(o: Objective, wb: Workbook) -> Finding:
    down = o.metric in DECREASING
    shown = lambda x: value_param(o.metric, x)  # noqa: E731
    if o.target == o.baseline:
        return _f("measurable", "error", "measurable", "measurable_same", o.target,
                  target=shown(o.target))
    if (o.target < o.baseline) != down:
        key = "measurable_down" if not down else "measurable_up"
        return _f("measurable", "error", "measurable", key, o.target,
                  baseline=shown(o.baseline), target=shown(o.target))
    values = history(wb.metrics, o.metric, o.network)
    last = values[-1] if values else None
    # a flow's month is noisy: its three-month mean is as good a starting point
    usual = sum(values[-3:]) / len(values[-3:]) if values and o.metric in FLOWS else last
    if last and usual and min(abs(o.baseline / last - 1), abs(o.baseline / usual - 1)) > BASELINE_DRIFT:
        return _f("measurable", "warning", "measurable", "measurable_drift", o.baseline,
                  baseline=shown(o.baseline),
                  last=shown(last if o.metric in RATES else round(last, 1)))
    return _f("measurable", "ok", "measurable", "measurable_ok", o.target,
              baseline=shown(o.baseline), target=shown(o.target))


def _achievable(o: Objective, wb: Workbook, today: date) -> Finding:
    months = months_between(today, o.deadline)
    if o.metric == "net_sentiment" and months > 0:
        points = (o.target - o.baseline) / months
        params = {"points": Number(round(points * 100, 1)), "max": Number(SENTIMENT_POINTS * 100)}
        if points > SENTIMENT_POINTS + 1e-9:  # the suggestion's top, to the float, is within
            return _f("achievable", "warning", "achievable", "sentiment_fast", o.target, **params)
        return _f("achievable", "ok", "achievable", "sentiment_ok", o.target, **params)
    change = implied_monthly_change(o.baseline, o.target, months)
    if change is None:
        return _f("achievable", "warning", "achievable", "achievable_unknown", o.baseline,
                  baseline=value_param(o.metric, o.baseline))
    values = history(wb.metrics, o.metric, o.network)
    benchmark = _benchmark(o)
    if benchmark is not None and o.target > benchmark * BENCHMARK_MULTIPLE:
        return _f("achievable", "warning", "achievable", "achievable_benchmark", o.target,
                  target=RateValue(o.target), median=RateValue(benchmark),
                  multiple=Number(BENCHMARK_MULTIPLE))
    band = plausible_band(o.metric, values)
    if band.kind == "level":
        return _achievable_level(o, band)
    params = {"change": _pct(change), "low": _pct(band.low), "high": _pct(band.high),
              "ceiling": _pct(band.ceiling), "months": Number(round(months, 1)),
              "source": Key(f"planning.smart.band.{band.source}"), "n": band.months}
    if o.metric in DECREASING:  # a reduction: its ceiling is the band's steepest fall
        if change < band.low - 1e-12:
            params["ceiling"] = _pct(band.low)
            return _f("achievable", "error", "achievable", "achievable_too_fast", change, **params)
        return _f("achievable", "ok", "achievable", "achievable_ok", change, **params)
    # a target at the suggestion's top compounds back to the band's edge give or take a float
    if change > band.ceiling + 1e-12:
        return _f("achievable", "error", "achievable", "achievable_too_fast", change, **params)
    if change > band.high + 1e-12:
        return _f("achievable", "warning", "achievable", "achievable_ambitious", change, **params)
    if change < max(band.low, 0) - 1e-12:
        return _f("achievable", "info", "achievable", "achievable_timid", change, **params)
    return _f("achievable", "ok", "achievable", "achievable_ok", change, **params)


def _achievable_level(o: Objective, band: Band) -> Finding:
    """Rates and flows swing month to month; compare the target level with the usual levels.

    Usual = the organization's own 10th-90th percentile months; a target up to
    `STRETCH` times its 90th percentile is ambitious, beyond it not achievable.
    """
    low, high = band.low, band.high
    # flows are counted one by one: whole numbers (sweep 4: "usual months (12.5 to 28.9)")
    shown = lambda x: value_param(o.metric, x if o.metric in RATES else round(x))  # noqa: E731
    params = {"target": shown(o.target), "low": shown(low), "high": shown(high),
              "ceiling": shown(band.ceiling), "n": band.months}
    if o.metric in RATES:  # the band's figures read side by side: one number of decimals
        params["low"], params["high"], params["ceiling"] = rate_values(low, high, band.ceiling)
    if o.target > band.ceiling:
        level, key = "error", "level_too_high"
    elif o.target > high:
        level, key = "warning", "level_ambitious"
    elif o.target < low:
        level, key = "info", "level_timid"
    else:
        level, key = "ok", "level_ok"
    # the rule a level is judged by, not the compound-change rule of counts
    rule = "rule_level" if o.metric in RATES else "rule_level_flow"
    return Finding(code="smart.achievable", level=level, rule_key=f"planning.smart.{rule}",
                   message_key=f"planning.smart.msg.{key}", value=o.target, params=params)


def _benchmark(o: Objective) -> float | None:
    if not o.network or not o.metric.startswith("engagement_rate"):
        return None
    from cmtraining.networks import network

    net = network(o.network)
    basis = o.metric.removeprefix("engagement_rate_")
    if net.engagement_rate.basis == basis:
        return net.engagement_rate.value
    if basis == "followers":
        return net.engagement_per_follower()
    return None  # no comparable benchmark for this basis


def _relevant(o: Objective, wb: Workbook) -> Finding:
    goals = {g.id: g.text for g in wb.profile.goals}
    if o.goal_id and o.goal_id in goals:
        # the goal is quoted inside a sentence: its own full stop would end it twice (".».")
        return _f("relevant", "ok", "relevant", "relevant_ok", o.goal_id,
                  goal=goals[o.goal_id].strip().rstrip("."))
    return _f("relevant", "error", "relevant", "relevant_missing", o.goal_id, count=len(goals))


def _time_bound(o: Objective, today: date) -> Finding:
    months = months_between(today, o.deadline)
    params = {"deadline": Day(o.deadline), "months": Number(round(months, 1)),
              "max": MAX_MONTHS}
    if o.deadline <= today:
        return _f("time_bound", "error", "time_bound", "time_past", o.deadline, **params)
    if months < 1:
        return _f("time_bound", "warning", "time_bound", "time_short", o.deadline, **params)
    if months > MAX_MONTHS:
        return _f("time_bound", "warning", "time_bound", "time_far", o.deadline, **params)
    return _f("time_bound", "ok", "time_bound", "time_ok", o.deadline, **params)


def rounded(metric: str, x: float) -> float:
    """A starting value as a trainee would type it: counts whole, rates to 3 significant figures."""
    if metric in RATES or metric in DECREASING:
        return float(f"{x:.3g}")
    return float(round(x))
