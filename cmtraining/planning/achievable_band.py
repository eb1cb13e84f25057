"""The Achievable band: how much a metric usually moves in a month, for the SMART check and
the suggested target alike.

With at least `MIN_HISTORY` months of the organization's own figures the band is
its history: the 10th-90th percentile of its monthly changes (or, for rates and
monthly flows, which swing month to month, of its monthly levels), with `STRETCH`
times the top as the ceiling of "ambitious". Without that history it is the
generic band of `TYPICAL_BANDS`. Net sentiment has its own rule
(`SENTIMENT_POINTS` a month).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from statistics import median, quantiles

from cmtraining.metrics.baseline import MONTHLY_METRICS, series
from cmtraining.workbook.models import ChannelMonth

#: metrics that are rates (fractions), compared with catalogue benchmarks
RATES = frozenset({"engagement_rate_reach", "engagement_rate_followers",
                   "engagement_rate_impressions", "amplification_rate", "applause_rate",
                   "conversation_rate", "share_of_voice", "net_sentiment", "response_rate",
                   "audience_growth_rate"})
#: monthly flows (not stocks like followers): one month is noisy, so a baseline may
#: be the last month or the mean of the last three
FLOWS = frozenset({"leads", "conversions", "reach", "impressions", "link_clicks"})
# Assumption (cmtraining, 2026): net sentiment (-1 to +1) rarely moves more than 5
# points a month without a crisis or a campaign behind it.
SENTIMENT_POINTS = 0.05
MIN_HISTORY = 6  # months of history needed to trust the organization's own band
STRETCH = 1.5  # targets up to 1.5x the best usual month are "ambitious", beyond: not achievable
# Assumption (cmtraining, 2026): generic monthly bands (low, usual high, ceiling)
# of compound change when the organization has no history for the metric.
# Public benchmarks (Rival IQ 2024; Buffer 2025) report levels, not monthly
# growth, so these are deliberately broad, and the organization's own history
# replaces them as soon as it has MIN_HISTORY months.
TYPICAL_BANDS: dict[str, tuple[float, float, float]] = {
    "followers": (0.0, 0.04, 0.10),
    "reach": (-0.05, 0.08, 0.20),
    "impressions": (-0.05, 0.08, 0.20),
    "link_clicks": (-0.05, 0.08, 0.20),
    "rate": (-0.03, 0.05, 0.12),  # any rate metric, relative monthly change
    "response_time": (-0.15, 0.0, 0.0),  # relative monthly reduction
}

@dataclass(frozen=True)
class Band:
    low: float
    high: float
    ceiling: float
    source: str  # "history" or "typical"
    months: int = 0  # months of history behind a "history" band
    #: "change": compound monthly change; "level": the metric's own monthly values
    kind: str = "change"
    #: a history's median monthly change: what a typical month of its own adds
    typical: float | None = None


#: the band of net sentiment's rule (points a month, not a band of its history)
SENTIMENT_BAND = Band(-SENTIMENT_POINTS, SENTIMENT_POINTS, SENTIMENT_POINTS, "sentiment")


def history(metrics: list[ChannelMonth], metric: str, network: str | None) -> list[float]:
    """Monthly values of `metric` on `network` (all networks summed for counts)."""
    if metric not in MONTHLY_METRICS:
        return []
    data = series(metrics, metric)
    if network is not None:
        return [v for _, v in data.get(network, []) if v is not None]
    if metric in RATES:
        return []  # a rate summed over networks means nothing
    months: dict[date, float] = {}
    for points in data.values():
        for month, v in points:
            if v is not None:
                months[month] = months.get(month, 0) + v
    return [months[m] for m in sorted(months)]


def monthly_changes(values: list[float]) -> list[float]:
    return [b / a - 1 for a, b in zip(values, values[1:], strict=False) if a > 0]


def band_for(metric: str, values: list[float]) -> Band:
    changes = monthly_changes(values)
    if len(changes) + 1 >= MIN_HISTORY:
        deciles = quantiles(changes, n=10, method="inclusive")
        low, high = deciles[0], deciles[-1]
        ceiling = max(high * STRETCH, high + 0.01) if high > 0 else high + 0.02
        return Band(low, high, ceiling, "history", len(values), typical=median(changes))
    key = metric if metric in TYPICAL_BANDS else "rate" if metric in RATES else "reach"
    low, high, ceiling = TYPICAL_BANDS[key]
    return Band(low, high, ceiling, "typical")


def level_band(values: list[float]) -> Band:
    """A rate's or a flow's usual levels: its 10th-90th percentile months, `STRETCH` x the 90th
    as ceiling.

    Rates and monthly flows swing month to month, so compounding their monthly
    changes over months gives nonsense ranges (0.0178 to 3.96; 31 to 8,261
    link clicks); their levels are what is usual."""
    deciles = quantiles(values, n=10, method="inclusive")
    return Band(deciles[0], deciles[-1], deciles[-1] * STRETCH, "history", len(values), "level")


def plausible_band(metric: str, values: list[float]) -> Band:
    """The one band both the Achievable check and the suggested target use."""
    if (metric in RATES or metric in FLOWS) and len(values) >= MIN_HISTORY:
        return level_band(values)
    return band_for(metric, values)


def implied_monthly_change(baseline: float, target: float, months: float) -> float | None:
    if baseline <= 0 or target < 0 or months <= 0:
        return None
    return (target / baseline) ** (1 / months) - 1
