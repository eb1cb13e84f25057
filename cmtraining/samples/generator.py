"""Seeded generator of the sample organizations' 12-month channel metrics.

Run ``python -m cmtraining.samples.generator`` to rewrite every
`datasets/organizations/*/metrics.csv` from its `organization.yaml`; the
same seed always gives the same file (a test checks the shipped files).

The model, per network and month m (all draws from one
`numpy.random.Generator` seeded by the organization's `generator.seed`):

- followers: ``F[m] = F[m-1] * (1 + g + e)``, with ``e ~ N(0, 0.4|g| + 0.003)``;
- posts: ``Poisson(posts_per_month * season[m])``;
- reach of one post: ``F * organic_reach_rate`` (catalogue) with log-normal
  noise; impressions: posts times that reach times a frequency of 1.1-1.5
  views per account; monthly reach (unique accounts) = impressions / frequency
  of the month (assumption: overlap grows with the number of posts);
- engagements: ``posts * F * engagement_per_follower`` (catalogue median,
  converted to the follower basis) times season and log-normal noise, split
  into reactions, comments and shares around `ENGAGEMENT_SPLIT` by a
  Dirichlet draw per month (`SPLIT_CONCENTRATION`, from a third generator
  seeded by the organization's seed and 2, so the engagements' total and
  every other column stay as they were): comments and shares vary from month
  to month as they do on a real account instead of keeping a fixed ratio;
- link clicks: impressions times `CLICK_THROUGH` (per network);
- goal actions (leads, conversions), only on the networks whose seed tracks them:
  ``Poisson(per_month * season * (1 + g) ** m)``, from a second generator
  (seeded by the organization's seed and 1) so that adding them left every
  other column as it was.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import numpy as np

from cmtraining.networks import network
from cmtraining.samples.organizations import (
    CSV_COLUMNS,
    GOAL_FIELDS,
    Organization,
    list_organizations,
    load_organization,
)

# Assumption (cmtraining, 2026): share of engagements that are reactions,
# comments and shares. Public benchmarks report totals, not the split; these
# follow the common pattern of reactions dominating, with more comments on
# community-style networks and more reposts on X, Bluesky and Threads.
ENGAGEMENT_SPLIT: dict[str, tuple[float, float, float]] = {
    "facebook": (0.78, 0.12, 0.10),
    "instagram": (0.88, 0.08, 0.04),
    "x": (0.62, 0.13, 0.25),
    "linkedin": (0.80, 0.12, 0.08),
    "tiktok": (0.86, 0.05, 0.09),  # shares outnumber comments on TikTok
    "youtube": (0.85, 0.12, 0.03),
    "threads": (0.72, 0.18, 0.10),
    "bluesky": (0.64, 0.14, 0.22),
    "whatsapp_channels": (0.97, 0.0, 0.03),
}
# Assumption (cmtraining, 2026): link clicks per impression. Platforms where
# links are rare in posts (Instagram, TikTok) get a low value.
# Assumption (cmtraining, 2026): how tightly a month's split follows ENGAGEMENT_SPLIT
# (Dirichlet concentration): at 150 a 7 % share varies by about a fifth from month to month.
SPLIT_CONCENTRATION = 150.0
CLICK_THROUGH: dict[str, float] = {
    "facebook": 0.006, "instagram": 0.0015, "x": 0.005, "linkedin": 0.009,
    "tiktok": 0.001, "youtube": 0.004, "threads": 0.002, "bluesky": 0.006,
    "whatsapp_channels": 0.02,
}


def _months(start: str, count: int) -> list[date]:
    year, month = map(int, start.split("-"))
    out = []
    for _ in range(count):
        out.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def generate_metrics(org: Organization) -> list[dict]:
    """Rows of monthly metrics for every network of `org`, deterministic."""
    spec = org.generator
    rng = np.random.default_rng(spec.seed)
    months = _months(spec.start, spec.months)
    goals_rng = np.random.default_rng([spec.seed, 1])
    split_rng = np.random.default_rng([spec.seed, 2])
    rows: list[dict] = []
    for net_id, seed in spec.networks.items():
        net = network(net_id)
        followers = float(seed.followers)
        g = seed.monthly_growth
        for index, month in enumerate(months):
            season = spec.seasonality[month.month - 1]
            followers = max(0.0, followers * (1 + g + rng.normal(0, 0.4 * abs(g) + 0.003)))
            posts = int(rng.poisson(seed.posts_per_month * season))
            post_reach = followers * net.organic_reach_rate.value * rng.lognormal(0, 0.25)
            frequency = 1.1 + 0.4 * rng.random()
            impressions = posts * post_reach * frequency
            overlap = 1 + 0.08 * max(posts - 1, 0)  # repeat viewers across posts
            reach = min(impressions / overlap, impressions)
            engagements = (posts * followers * net.engagement_per_follower() * season
                           * rng.lognormal(0, 0.2))
            react, comment, share = split_rng.dirichlet(
                np.array(ENGAGEMENT_SPLIT[net_id]) * SPLIT_CONCENTRATION + 1e-9)
            rows.append({
                "network": net_id,
                "month": f"{month:%Y-%m}",
                "followers": round(followers),
                "posts": posts,
                "reach": round(reach),
                "impressions": round(impressions),
                "reactions": round(engagements * react),
                "comments": round(engagements * comment),
                "shares": round(engagements * share),
                "link_clicks": round(impressions * CLICK_THROUGH[net_id] * rng.lognormal(0, 0.2)),
            })
            for name in GOAL_FIELDS:
                per_month = getattr(seed, f"{name}_per_month")
                rows[-1][name] = ("" if per_month is None else
                                  int(goals_rng.poisson(per_month * season * (1 + g) ** index)))
    return rows


def metrics_csv(org: Organization) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(generate_metrics(org))
    return buf.getvalue()


def main() -> None:
    for org_id in list_organizations():
        org = load_organization(org_id)
        (org.folder / "metrics.csv").write_text(metrics_csv(org), encoding="utf-8")
        print(f"{org_id}: {org.folder / 'metrics.csv'}")


if __name__ == "__main__":
    main()
