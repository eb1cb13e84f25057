"""The stage 6 dashboard: every KPI per network and month, and filtered summaries.

Formulas are not written here: each comes from `cmtraining.metrics.kpis`
(through `baseline.value` for the monthly ones), so the dashboard, the
baseline chart and the SMART check can never disagree. Rates are fractions;
a zero denominator is NaN in the tables (the formulas return None), never a
silent 0 that would read as "nobody engaged".
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date

from cmtraining.metrics import kpis
from cmtraining.metrics.baseline import value
from cmtraining.workbook.models import ChannelMonth

COUNTS = ("followers", "posts", "reach", "impressions", "reactions", "comments", "shares",
          "link_clicks")
RATES = ("engagement_rate_reach", "engagement_rate_followers", "engagement_rate_impressions",
         "amplification_rate", "applause_rate", "conversation_rate", "audience_growth_rate",
         "click_through_rate")
TABLE_COLUMNS = ("network", "month", *COUNTS, "engagements", *RATES)
SUMMARY_COLUMNS = ("network", "months", "first_month", "last_month", "followers_start",
                   *COUNTS, "engagements", "posts_per_week", *RATES)


def _nan(x: float | None) -> float:
    return float("nan") if x is None else float(x)


def previous_month(month: date) -> date:
    return date(month.year - 1, 12, 1) if month.month == 1 else date(month.year, month.month - 1, 1)


def kpi_table(metrics: list[ChannelMonth]):
    """One row per network and month, sorted by network then month.

    `audience_growth_rate` compares with the previous calendar month of the same
    network; it is NaN for a network's first month and for the month after a
    gap (a growth "since two months ago" would be mislabeled as monthly).
    """
    import pandas as pd

    rows = sorted(metrics, key=lambda r: (r.network, r.month))
    followers = {(r.network, r.month): r.followers for r in rows}
    records = []
    for r in rows:
        record = {"network": r.network, "month": r.month}
        record.update({c: getattr(r, c) for c in COUNTS})
        record["engagements"] = kpis.engagements(r.reactions, r.comments, r.shares)
        for rate in RATES[:6]:
            record[rate] = _nan(value(r, rate))
        before = followers.get((r.network, previous_month(r.month)))
        record["audience_growth_rate"] = (
            float("nan") if before is None else _nan(kpis.audience_growth_rate(before, r.followers)))
        record["click_through_rate"] = _nan(kpis.click_through_rate(r.link_clicks, r.impressions))
        records.append(record)
    frame = pd.DataFrame(records, columns=list(TABLE_COLUMNS))
    for rate in RATES:
        frame[rate] = frame[rate].astype(float)
    return frame.reset_index(drop=True)


def _month_start(day: date) -> date:
    return date(day.year, day.month, 1)


def select(metrics: list[ChannelMonth], *, network: str | Iterable[str] | None = None,
           months: tuple[date, date] | None = None) -> list[ChannelMonth]:
    """The rows the dashboard filters keep: some networks, an inclusive month range."""
    nets = None if network is None else {network} if isinstance(network, str) else set(network)
    rows = [r for r in metrics if nets is None or r.network in nets]
    if months is not None:
        start, end = _month_start(months[0]), _month_start(months[1])
        rows = [r for r in rows if start <= r.month <= end]
    return rows


def kpi_summary(metrics: list[ChannelMonth], *, network: str | Iterable[str] | None = None,
                months: tuple[date, date] | None = None):
    """Totals and rates over the selection, one row per network (largest audience first).

    `network`: one id or several (None: all); `months`: an inclusive (first,
    last) range, any day of a month selecting that month. Counts are sums
    (followers: the last month's, with the first month's as `followers_start`);
    rates are recomputed from the sums, never averaged month by month, so a
    quiet month weighs less than a busy one: by reach and by impressions,
    engagements over the summed denominator; per-post rates use the mean
    followers over the selection. Audience growth runs from the first to the
    last selected month. An empty selection gives an empty table.
    """
    import pandas as pd

    by_net: dict[str, list[ChannelMonth]] = {}
    for r in sorted(select(metrics, network=network, months=months), key=lambda r: r.month):
        by_net.setdefault(r.network, []).append(r)
    records = []
    for net, rows in by_net.items():
        total = {c: sum(getattr(r, c) for r in rows) for c in COUNTS}
        eng = kpis.engagements(total["reactions"], total["comments"], total["shares"])
        mean_followers = sum(r.followers for r in rows) / len(rows)
        days = sum(calendar.monthrange(r.month.year, r.month.month)[1] for r in rows)
        record = {"network": net, "months": len(rows), "first_month": rows[0].month,
                  "last_month": rows[-1].month, "followers_start": rows[0].followers,
                  **total, "followers": rows[-1].followers, "engagements": eng,
                  "posts_per_week": total["posts"] / (days / 7)}
        record["reach"] = kpis.total_reach(r.reach for r in rows)
        record["impressions"] = kpis.total_impressions(r.impressions for r in rows)
        posts = total["posts"]
        record.update({
            "engagement_rate_reach": kpis.engagement_rate_by_reach(eng, record["reach"]),
            "engagement_rate_followers": kpis.engagement_rate_by_followers(eng, posts,
                                                                           mean_followers),
            "engagement_rate_impressions": kpis.engagement_rate_by_impressions(
                eng, record["impressions"]),
            "amplification_rate": kpis.amplification_rate(total["shares"], posts, mean_followers),
            "applause_rate": kpis.applause_rate(total["reactions"], posts, mean_followers),
            "conversation_rate": kpis.conversation_rate(total["comments"], posts, mean_followers),
            "audience_growth_rate": kpis.audience_growth_rate(rows[0].followers,
                                                              rows[-1].followers)
            if len(rows) > 1 else None,
            "click_through_rate": kpis.click_through_rate(total["link_clicks"],
                                                          record["impressions"]),
        })
        records.append({k: _nan(v) if k in RATES else v for k, v in record.items()})
    frame = pd.DataFrame(records, columns=list(SUMMARY_COLUMNS))
    if len(frame):
        frame = frame.sort_values(["followers", "network"], ascending=[False, True])
    return frame.reset_index(drop=True)


def kpi_formulas(columns: Iterable[str], lang: str) -> list[tuple[str, str]]:
    """(column, how it is worked out) for each ratio among `columns`, in their order: a table of
    rates is read beside the rule that makes them, so a trainee can redo one by hand."""
    from cmtraining.i18n import choices

    known = choices("planning.kpi_formula", lang)
    return [(c, known[c]) for c in columns if c in known]
