"""The baseline: an organization's channel history, as series and a summary.

Pure functions over `ChannelMonth` rows (no pandas: the profile app builds
its chart from these at page load, and they are cheap).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from cmtraining.metrics import kpis
from cmtraining.workbook.models import ChannelMonth

#: metrics the baseline chart offers, in display order
CHART_METRICS = ("followers", "reach", "impressions", "engagements", "engagement_rate_reach",
                 "posts", "link_clicks")


#: metrics that `value` can compute from one month of channel totals
MONTHLY_METRICS = ("followers", "posts", "reach", "impressions", "link_clicks", "engagements",
                   "engagement_rate_reach", "engagement_rate_followers",
                   "engagement_rate_impressions", "amplification_rate", "applause_rate",
                   "conversation_rate", "leads", "conversions")


def value(row: ChannelMonth, metric: str) -> float | None:
    """One month's value of `metric` (KPI formulas from `kpis`)."""
    eng = kpis.engagements(row.reactions, row.comments, row.shares)
    computed = {
        "engagements": lambda: eng,
        "engagement_rate_reach": lambda: kpis.engagement_rate_by_reach(eng, row.reach),
        "engagement_rate_followers": lambda: kpis.engagement_rate_by_followers(
            eng, row.posts, row.followers),
        "engagement_rate_impressions": lambda: kpis.engagement_rate_by_impressions(
            eng, row.impressions),
        "amplification_rate": lambda: kpis.amplification_rate(row.shares, row.posts, row.followers),
        "applause_rate": lambda: kpis.applause_rate(row.reactions, row.posts, row.followers),
        "conversation_rate": lambda: kpis.conversation_rate(row.comments, row.posts, row.followers),
    }
    if metric in computed:
        return computed[metric]()
    return getattr(row, metric)


def series(rows: list[ChannelMonth], metric: str) -> dict[str, list[tuple[date, float | None]]]:
    """{network: [(month, value), ...]} sorted by month."""
    out: dict[str, list[tuple[date, float | None]]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: (r.network, r.month)):
        out[row.network].append((row.month, value(row, metric)))
    return dict(out)


@dataclass(frozen=True)
class NetworkSummary:
    network: str
    months: int
    followers: int
    growth: float | None  # audience growth over the period
    posts_per_month: float
    engagement_rate_reach: float | None


def summary(rows: list[ChannelMonth]) -> list[NetworkSummary]:
    """One line per network, largest audience first."""
    out = []
    for net, points in series(rows, "followers").items():
        mine = [r for r in rows if r.network == net]
        eng = sum(kpis.engagements(r.reactions, r.comments, r.shares) for r in mine)
        reach = sum(r.reach for r in mine)
        out.append(NetworkSummary(
            network=net, months=len(points), followers=int(points[-1][1] or 0),
            growth=kpis.audience_growth_rate(points[0][1] or 0, points[-1][1] or 0),
            posts_per_month=sum(r.posts for r in mine) / len(mine),
            engagement_rate_reach=kpis.engagement_rate_by_reach(eng, reach),
        ))
    return sorted(out, key=lambda s: s.followers, reverse=True)
