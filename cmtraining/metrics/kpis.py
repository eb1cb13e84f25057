"""KPI formulas, each defined once with its source (invariant 5).

Engagements are reactions + comments + shares. Rates are fractions
(0.031 = 3.1 %); a zero denominator gives None rather than a fake zero.
"""

from __future__ import annotations


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def engagements(reactions: int, comments: int, shares: int) -> int:
    return reactions + comments + shares


def engagement_rate_by_reach(engagements: float, reach: float) -> float | None:
    """Engagements / reach (Hootsuite, "How to calculate engagement rate", 2024:
    ERR, the share of people who saw the content and interacted with it)."""
    return _ratio(engagements, reach)


def engagement_rate_by_followers(engagements: float, posts: int, followers: float) -> float | None:
    """Engagements per post / followers (Rival IQ, Social Media Industry
    Benchmark Report, 2024: the per-post rate its benchmarks use)."""
    if not posts:
        return None
    return _ratio(engagements / posts, followers)


def engagement_rate_by_impressions(engagements: float, impressions: float) -> float | None:
    """Engagements / impressions (Hootsuite, 2024: a rate per view)."""
    return _ratio(engagements, impressions)


def audience_growth_rate(followers_start: float, followers_end: float) -> float | None:
    """(end - start) / start, net new followers over the period (Hootsuite, 2024)."""
    return _ratio(followers_end - followers_start, followers_start)


def amplification_rate(shares: float, posts: int, followers: float) -> float | None:
    """Shares per post / followers (Avinash Kaushik, "Best Social Media Metrics:
    Conversation, Amplification, Applause, Economic Value", Occam's Razor, 2011)."""
    return _ratio(shares / posts, followers) if posts else None


def applause_rate(reactions: float, posts: int, followers: float) -> float | None:
    """Reactions (likes) per post / followers (Kaushik, 2011)."""
    return _ratio(reactions / posts, followers) if posts else None


def conversation_rate(comments: float, posts: int, followers: float) -> float | None:
    """Comments per post / followers (Kaushik, 2011)."""
    return _ratio(comments / posts, followers) if posts else None


def share_of_voice(own_mentions: float, all_mentions: float) -> float | None:
    """Own mentions / mentions of the organization and its competitors together
    (Sprout Social, "What is share of voice and how to calculate it", 2023)."""
    return _ratio(own_mentions, all_mentions)


def net_sentiment(positive: float, negative: float) -> float | None:
    """(positive - negative) / (positive + negative) mentions, from -1 to +1;
    neutral mentions do not count (Brandwatch, "Net sentiment", 2023)."""
    return _ratio(positive - negative, positive + negative)


# The net-sentiment bands, one rule for the audit, its networks and the evaluation's advice
# (cmtraining, 2026, a teaching rule): from +20 % people speak well of the organization,
# below -20 % critics clearly outnumber praise; in between, opinions are split.
TONE_BAND = 0.2


def tone_level(net: float) -> str:
    """"ok" (well spoken of), "warning" (split) or "error" (more criticism than praise)."""
    return "ok" if net >= TONE_BAND else "warning" if net >= -TONE_BAND else "error"


def response_rate(answered: float, received: float) -> float | None:
    """Messages answered / messages that needed an answer (Sprout Social Index, 2023)."""
    return _ratio(answered, received)


def response_time_hours(waits_in_hours: list[float]) -> float | None:
    """Median hours from a message to the first reply. The median, not the mean,
    so that one forgotten message does not hide a fast team (Sprout Social, 2023,
    reports average first response time; cmtraining prefers the robust median)."""
    if not waits_in_hours:
        return None
    from statistics import median

    return float(median(waits_in_hours))


def total_reach(monthly_reach) -> int:
    """Reach summed over months and/or networks (Hootsuite, 2024: reach = the
    number of accounts that saw the content). A plain sum counts a person once
    per month and per network, so it is "people reached, with repeats": an
    upper bound of unique people, never to be read as unique reach."""
    return int(sum(monthly_reach))


def total_impressions(monthly_impressions) -> int:
    """Impressions summed over months and/or networks (Hootsuite, 2024:
    impressions = every time the content was shown, repeats included), so a
    plain sum is exact."""
    return int(sum(monthly_impressions))


def click_through_rate(link_clicks: float, impressions: float) -> float | None:
    """Link clicks / impressions (Hootsuite, "Social media metrics", 2024:
    click-through rate, how often a view became a visit)."""
    return _ratio(link_clicks, impressions)


# Goal actions: what an organization's goals count (volunteers, donors, demo requests,
# orders, hires...). Social networks do not report them; web analytics (UTM-tagged
# links) and the networks' own lead forms do, per network and month.
#: leads: people who raised their hand (a demo request, a volunteer sign-up, an enquiry
#: or pre-order by message) attributed to the network (Google Analytics 4, recommended
#: event `generate_lead`, 2024; Meta lead ads and LinkedIn Lead Gen Forms report the same)
LEADS = "leads"
#: conversions: completed goal actions (a donation, a membership, an order, a job
#: application, a registration) attributed to the network (Google Analytics 4, "key
#: events", formerly "conversions", 2024)
CONVERSIONS = "conversions"


def conversion_rate(conversions: float, link_clicks: float) -> float | None:
    """Conversions / link clicks: how often a visit from the network ended in the goal action
    (Google Analytics 4, "key event rate", 2024, with link clicks standing in for sessions)."""
    return _ratio(conversions, link_clicks)
