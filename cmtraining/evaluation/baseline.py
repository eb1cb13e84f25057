"""The baseline: an organization's channel history, as series and a summary.

Pure functions over `ChannelMonth` rows (no pandas: the profile app builds
its chart from these at page load, and they are cheap).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from cmtraining.evaluation import kpis
from cmtraining.workbook.models import ChannelMonth

#: metrics the baseline chart offers, in display order
CHART_METRICS = ("followers", "reach", "impressions", "engagements", "engagement_rate_reach",
                 "posts", "link_clicks")


def value(row: ChannelMonth, metric: str) -> float | None:
    eng = kpis.engagements(row.reactions, row.comments, row.shares)
    if metric == "engagements":
        return eng
    if metric == "engagement_rate_reach":
        return kpis.engagement_rate_by_reach(eng, row.reach)
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
