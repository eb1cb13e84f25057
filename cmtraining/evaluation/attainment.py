"""How far each objective has come, where its trend leads, and a status with its reasons.

For one `Objective`:

- **current**: the latest value of its metric. Count and rate metrics come
  from the workbook's monthly `metrics` (on the objective's network; counts
  of an objective without a network are summed over networks, as the SMART
  check sums them; a rate without a network has no meaning and gives
  no_data); `net_sentiment` and `share_of_voice` from the listening audit's
  summary (`workbook.listening.summary`, one measurement). Response rate and
  response time give no_data: the workbook keeps the replies a trainee
  *practised*, not when real messages arrived and were answered, so any
  figure would be invented.
- **progress** = (current - baseline) / (target - baseline): 0 at the
  baseline, 1 at the target, whichever way the target lies ("reduce"
  objectives have target < baseline and the formula still reads forwards).
  A target equal to the baseline is a "keep" objective: progress is 1 while
  the value is on the good side of it (at or above; at or below for metrics
  where less is better), else 0.
- **projection** to the deadline, by ordinary least squares over the last
  up to `TREND_MONTHS` months (x in calendar months, so a gap is a gap):
  on the logarithm of the value for counts, so growth compounds, and on the
  value itself for rates. With fewer than `MIN_TREND` months the last value
  is held (a single listening audit, a new network): no trend is claimed.
- **status**: before the deadline, from the projected progress: on_track if
  the projection reaches the target, at_risk if it covers at least
  `AT_RISK` of the way, off_track otherwise. Once the deadline has passed,
  from the last value up to the deadline: achieved or missed. no_data when
  there is nothing to measure. More progress never gives a worse status.
- **no_trend**: a projection is only a status when the data support a
  trend: at least `MIN_TREND` months and a slope that differs from zero at
  the `TREND_P` level (two-sided t-test on the least-squares slope). Six
  months of 4 to 20 leads are noise around a level, and the line through
  them falls below the start as easily as it rises: before the deadline such
  an objective is "no clear trend yet" (reached already: on track), with the
  range its months moved in as the reason, never "off track" on a line the
  data cannot draw. A single listening audit is one measurement: the same.

Months after `today` are ignored (after the deadline: after the deadline's
month), so an evaluation "as of" a past date sees only what was known then.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Literal

from cmtraining.core.findings import Day, Finding, Key, Month, Number
from cmtraining.core.numbers import growth, percent
from cmtraining.metrics.baseline import MONTHLY_METRICS, series
from cmtraining.planning.smart import (
    DECREASING,
    RATES,
    ObjectiveTitle,
    RateValue,
    months_between,
    rounded,
    suggest_target,
)
from cmtraining.workbook.models import ChannelMonth, Objective, Workbook

Status = Literal["achieved", "on_track", "at_risk", "off_track", "missed", "no_data",
                 "no_trend"]
#: better statuses rank higher (no_data is not ranked)
#: (no_trend ranks with at_risk: not known to reach the target, not known to miss it)
STATUS_RANK = {"missed": 0, "off_track": 1, "at_risk": 2, "no_trend": 2, "on_track": 3,
               "achieved": 4}
LEVEL = {"achieved": "ok", "on_track": "ok", "at_risk": "warning", "off_track": "error",
         "missed": "error", "no_data": "info", "no_trend": "info"}
# Assumption (cmtraining, 2026): a projection that covers 70 % of the way is close
# enough to rescue with stronger tactics; below that the plan itself needs changing.
AT_RISK = 0.7
TREND_MONTHS = 6  # half a year: long enough to average out a month, short enough to be current
MIN_TREND = 3  # two points always make a line; three are the least that can show a trend
# Convention (statistics texts): a slope counts as a trend when p < 0.05, two-sided.
TREND_P = 0.05
#: Student's t at TREND_P two-sided, by degrees of freedom (standard t table; the
#: projection uses at most TREND_MONTHS points, so n - 2 <= 4)
T_CRITICAL = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776}
#: counts projected on their logarithm (growth compounds; never below zero)
COUNTS = frozenset({"followers", "reach", "impressions", "link_clicks", "leads", "conversions"})
LISTENING = frozenset({"net_sentiment", "share_of_voice"})
NOT_MEASURED = frozenset({"response_rate", "response_time"})
BOUNDS = {"net_sentiment": (-1.0, 1.0), "share_of_voice": (0.0, 1.0),
          "response_rate": (0.0, 1.0)}


class Share(float):
    """A level given as a fraction, shown as a percentage (unsigned) in the reader's format.

    Written by `cmtraining.core.numbers.percent` like every other percentage in the
    apps and the report (one decimal; two under 1 %), so a figure never reads
    "-18,92 %" in one place and "-18,9 %" in another."""

    def render(self, lang: str | None) -> str:
        return percent(float(self), lang or "es", small=True)


class Progress(float):
    """A share of the way to a target (or a change over a period): whole percent.

    Progress rests on monthly figures that swing by a fifth, so "20,5 %" claims
    more than the data holds (`cmtraining.core.numbers.growth`, issue 21.8)."""

    def render(self, lang: str | None) -> str:
        return growth(float(self), lang or "es")


def shown(metric: str, x: float | None):
    """A metric's value as a finding parameter: rates as percentages (two significant
    figures), counts rounded."""
    if x is None:
        return "—"
    if metric in RATES:
        return RateValue(x)
    return Number(round(x, 1) if metric in DECREASING else round(x))


@dataclass(frozen=True)
class Attainment:
    objective_id: str
    metric: str
    network: str | None
    baseline: float
    target: float
    deadline: date
    current: float | None
    current_month: date | None
    progress: float | None
    projected: float | None  # value expected at the deadline
    projected_progress: float | None
    method: str  # log_ols, linear_ols, last_value or none
    months: int  # data points behind the projection
    status: Status
    finding: Finding


def _month_index(month: date) -> int:
    return month.year * 12 + month.month - 1


def points(workbook: Workbook, metric: str, network: str | None) -> tuple[list, str | None]:
    """Dated values of `metric` and, when there are none, why (a catalogue key suffix)."""
    if metric in NOT_MEASURED:
        return [], "not_measured"
    if metric in LISTENING:
        summary = workbook.listening.summary
        value = None if summary is None else getattr(summary, metric)
        if value is None:
            return [], "no_listening"
        end = summary.period_end
        return [(date(end.year, end.month, 1), float(value))], None
    if metric in RATES and network is None:
        return [], "rate_without_network"
    if metric == "audience_growth_rate":
        followers, _ = points(workbook, "followers", network)
        growth = [(m, b / a - 1) for (p, a), (m, b) in zip(followers, followers[1:], strict=False)
                  if a > 0 and _month_index(m) - _month_index(p) == 1]
        return growth, None if growth else "no_metrics"
    if metric not in MONTHLY_METRICS:
        return [], "no_metrics"
    data = _monthly(workbook.metrics, metric, network)
    return data, None if data else "no_metrics"


def _monthly(metrics: list[ChannelMonth], metric: str, network: str | None) -> list:
    data = series(metrics, metric)
    if network is not None:
        return [(m, float(v)) for m, v in data.get(network, []) if v is not None]
    summed: dict[date, float] = {}
    for values in data.values():
        for m, v in values:
            if v is not None:
                summed[m] = summed.get(m, 0.0) + v
    return sorted(summed.items())


def progress(baseline: float, target: float, current: float, *, decreasing: bool = False) -> float:
    """(current - baseline) / (target - baseline); a "keep" objective gives 1 or 0."""
    if target == baseline:
        met = current <= target if decreasing else current >= target
        return 1.0 if met else 0.0
    return (current - baseline) / (target - baseline)


def project(data: list[tuple[date, float]], metric: str, deadline: date) -> tuple[float, str, int]:
    """The value expected at `deadline`, the method used and the months it rests on."""
    recent = data[-TREND_MONTHS:]
    last = recent[-1][1]
    if len(recent) < MIN_TREND:
        return last, "last_value", len(recent)
    first = recent[0][0]
    xs = [float(_month_index(m) - _month_index(first)) for m, _ in recent]
    ys = [v for _, v in recent]
    log = metric in COUNTS and all(v > 0 for v in ys)
    if log:
        ys = [math.log(v) for v in ys]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx
    at = months_between(first, deadline)
    fitted = mean_y + slope * (at - mean_x)
    value = math.exp(min(fitted, 700.0)) if log else fitted
    low, high = BOUNDS.get(metric, (0.0, math.inf))
    return min(max(value, low), high), "log_ols" if log else "linear_ols", len(recent)


def trend_supported(data: list[tuple[date, float]], metric: str) -> bool:
    """Whether the last months show a trend at all (module docstring, no_trend).

    The slope `project` fits (same months, same scale) against its standard
    error; a perfect fit (no scatter) is a trend, flat included."""
    recent = data[-TREND_MONTHS:]
    if len(recent) < MIN_TREND:
        return False
    first = recent[0][0]
    xs = [float(_month_index(m) - _month_index(first)) for m, _ in recent]
    ys = [v for _, v in recent]
    if metric in COUNTS and all(v > 0 for v in ys):
        ys = [math.log(v) for v in ys]
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx
    residual = sum((y - mean_y - slope * (x - mean_x)) ** 2 for x, y in zip(xs, ys, strict=True))
    scale = max(abs(y) for y in ys) or 1.0
    if residual <= (1e-12 * scale) ** 2 * n:
        return True
    se = math.sqrt(residual / (n - 2) / sxx)
    return abs(slope) / se >= T_CRITICAL[n - 2]


def status_for(progress_now: float, projected_progress: float, *, deadline_passed: bool,
               supported: bool = True) -> Status:
    """The status rule (see the module docstring); monotone in both progresses."""
    if deadline_passed:
        return "achieved" if progress_now >= 1 else "missed"
    if not supported:
        return "on_track" if progress_now >= 1 else "no_trend"
    if projected_progress >= 1:
        return "on_track"
    if projected_progress >= AT_RISK:
        return "at_risk"
    return "off_track"


def _where(o: Objective):
    if o.network:
        return Key(f"common.network.{o.network}")
    return o.audience or "—"


def _range(metric: str, data: list) -> dict:
    """The lowest and highest of the months behind a projection (the no_trend reason)."""
    values = [v for _, v in data[-TREND_MONTHS:]]
    return {"low": shown(metric, min(values)), "high": shown(metric, max(values)),
            "min_months": MIN_TREND}


def status_label(a: Attainment | None, lang: str | None) -> str:
    """The status as a word that agrees with the progress beside it (issue 19.5).

    "On track" beside "progress 0 %" read as a contradiction: on track with
    no progress yet is said to rest on the trend.
    """
    from cmtraining.i18n import t

    if a is None:
        return t("evaluation.status.no_data", lang)
    if a.status == "on_track" and (a.progress or 0) <= 0:
        return t("evaluation.status.on_track_by_trend", lang)
    return t(f"evaluation.status.{a.status}", lang)


def message_key(status: Status, progress_now: float, projected_progress: float) -> str:
    """The finding's message, with the reason a bare status would hide.

    "On track" with no progress yet (the objective was just set at today's
    value) says the status rests on the trend alone; "off track" with a
    projection going the wrong way says so, rather than "only -113.9 % of
    the way".
    """
    if status == "no_trend":
        return "evaluation.msg.attainment_no_trend"
    if status == "on_track" and progress_now <= 0:
        return "report.board.attainment.on_track_not_started"
    if status == "off_track" and projected_progress < 0:
        return "report.board.attainment.off_track_backwards"
    return f"evaluation.msg.attainment_{status}"


def attainment(objective: Objective, workbook: Workbook, *, today: date) -> Attainment:
    """Current value, progress, projection and status of one objective (see module docstring)."""
    o = objective
    data, reason = points(workbook, o.metric, o.network)
    passed = o.deadline <= today
    end = _month_index(min(o.deadline, today))
    data = [(m, v) for m, v in data if _month_index(m) <= end]
    reason = reason or ("no_metrics" if not data else None)
    base = {"objective": ObjectiveTitle(o), "metric": Key(f"planning.kpi.{o.metric}"), "where": _where(o),
            "baseline": shown(o.metric, o.baseline), "target": shown(o.metric, o.target),
            "deadline": Day(o.deadline), "threshold": Progress(AT_RISK)}
    common = {"objective_id": o.id, "metric": o.metric, "network": o.network,
              "baseline": o.baseline, "target": o.target, "deadline": o.deadline}
    if not data:
        finding = Finding(code="evaluation.attainment", level="info",
                          rule_key="evaluation.rule.attainment",
                          message_key=f"evaluation.msg.no_data_{reason}", value=None, params=base)
        return Attainment(**common, current=None, current_month=None, progress=None,
                          projected=None, projected_progress=None, method="none", months=0,
                          status="no_data", finding=finding)
    month, current = data[-1]
    down = o.metric in DECREASING or o.target < o.baseline
    now = progress(o.baseline, o.target, current, decreasing=down)
    projected, method, n = project(data, o.metric, o.deadline)
    if passed:
        projected, method, n = current, "last_value", 1
    ahead = progress(o.baseline, o.target, projected, decreasing=down)
    supported = passed or trend_supported(data, o.metric)
    status = status_for(now, ahead, deadline_passed=passed, supported=supported)
    params = {**base, "current": shown(o.metric, current), "month": Month(month),
              "progress": Progress(now), "projected": shown(o.metric, projected),
              "projected_progress": Progress(ahead), "method": Key(f"evaluation.method.{method}"),
              "n": n, **_range(o.metric, data)}
    key = message_key(status, now, ahead)
    if status == "no_trend" and n < MIN_TREND:
        key = "evaluation.msg.attainment_too_few"
    finding = Finding(code="evaluation.attainment", level=LEVEL[status],
                      rule_key="evaluation.rule.attainment",
                      message_key=key, value=current, params=params)
    return Attainment(**common, current=current, current_month=month, progress=now,
                      projected=projected, projected_progress=ahead, method=method, months=n,
                      status=status, finding=finding)


def attainment_all(workbook: Workbook, *, today: date) -> list[Attainment]:
    """Every objective of the workbook, in the workbook's order."""
    return [attainment(o, workbook, today=today) for o in workbook.objectives]


def starting_point(workbook: Workbook, metric: str, network: str | None, *, today: date,
                   deadline: date) -> tuple[float, float]:
    """Baseline and target for an objective that has just been given `metric` on `network`.

    The baseline is that metric's latest value (monthly metrics, the listening
    audit's summary); the target is the middle of the suggested range from
    that metric's own history. Without any value, both are 0 and the check
    asks for them: a metric never inherits another metric's figures (13,478
    followers as the target of an engagement rate)."""
    data, _ = points(workbook, metric, network)
    if not data:
        return 0.0, 0.0
    floor = -1.0 if metric == "net_sentiment" else 0.0  # the model's bounds (a falling growth)
    baseline = max(rounded(metric, data[-1][1]), floor)
    draft = Objective(id="draft", metric=metric, network=network, baseline=baseline,
                      target=baseline, deadline=deadline)
    s = suggest_target(draft, workbook.metrics, today)
    return baseline, rounded(metric, s.mid) if s else baseline
