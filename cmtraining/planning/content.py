"""Stage 3 engine (plan side): pillar mix and weekly capacity.

The calendar generator is in `calendar.py`, the post checker in `posts.py`.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

from cmtraining.core.findings import Finding, Key, Number
from cmtraining.core.text import slugify
from cmtraining.networks import catalogue
from cmtraining.workbook.models import ContentPlan, Workbook

MIX_EPSILON = 0.5  # percentage points of rounding allowed in a mix's total


def next_monday(today: date) -> date:
    """Calendars start on the Monday after `today`."""
    return today + timedelta(days=(7 - today.weekday()) % 7 or 7)


def _f(code, level, message, value=None, **params) -> Finding:
    return Finding(code=f"content.{code}", level=level, rule_key=f"planning.content.rule.{code}",
                   message_key=f"planning.content.msg.{message}", value=value, params=params)


def check_mix(plan: ContentPlan) -> list[Finding]:
    """The pillars: present, named, non-empty, adding up to 100 %."""
    if not plan.pillars:
        return [_f("mix", "error", "no_pillars")]
    out = []
    total = sum(p.share for p in plan.pillars)
    if abs(total - 100) > MIX_EPSILON:
        out.append(_f("mix", "error", "mix_total", total, total=Number(round(total, 1))))
    else:
        out.append(_f("mix", "ok", "mix_ok", total, count=len(plan.pillars)))
    for pillar in plan.pillars:
        if pillar.share == 0:
            out.append(_f("empty_pillar", "warning", "empty_pillar", pillar.id, name=pillar.name))
    return out


def pillar_id(name: str, taken: set[str]) -> str:
    base = slugify(name)[:40] or "pillar"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def capacity_sources(workbook: Workbook) -> list[tuple[str, str, dict]]:
    """Where each network's proposed capacity (`default_capacity`) comes from, to be said.

    (network, "hours" or "history", params): "hours" when stage 2 gave the
    network hours, with the minutes a post takes (publishing and replies, the
    Effort column's rate) and the minimum that column counts; a proposal
    pulled into the network's usual range says so (`range`).
    """
    from cmtraining.planning.audiences import weekly_hours

    proposed = default_capacity(workbook)
    hours = {r.network: r.hours_per_week for r in workbook.networks}
    out = []
    for net, posts in proposed.items():
        band = catalogue().networks[net].posts_per_week
        params = {"network": Key(f"common.network.{net}"), "posts": posts,
                  "low": Number(band.low), "high": Number(band.high)}
        if hours.get(net, 0) > 0:
            minutes = weekly_hours(net, workbook.resources.formats) / band.low * 60
            paid = math.floor(hours[net] * 60 / minutes + 1e-9)
            out.append((net, "hours", {**params, "hours": Number(hours[net]),
                                       "minutes": round(minutes), "paid": paid}))
        else:
            rows = [r for r in workbook.metrics if r.network == net]
            usual = round(sum(r.posts for r in rows) / len(rows) / (52 / 12)) if rows else 0
            out.append((net, "history", {**params, "paid": usual}))
    return out


def default_capacity(workbook: Workbook) -> dict[str, int]:
    """Posts a week per network: the chosen networks (stage 2), else those with history.

    A network given hours in stage 2 gets the posts those hours pay for (at
    the stage 2 engine's time per post, `audiences.weekly_hours`), so that the
    calendar follows the hours; otherwise the organization's own average over
    its history. Either way kept within the catalogue's sourced posting range.
    """
    from cmtraining.planning.audiences import weekly_hours

    networks = [r.network for r in workbook.networks] or sorted({r.network for r in workbook.metrics})
    hours = {r.network: r.hours_per_week for r in workbook.networks}
    out = {}
    for net in dict.fromkeys(networks):
        band = catalogue().networks[net].posts_per_week
        if hours.get(net, 0) > 0:
            per_post = weekly_hours(net, workbook.resources.formats) / band.low
            usual = math.floor(hours[net] / per_post + 1e-9)
        else:
            rows = [r for r in workbook.metrics if r.network == net]
            usual = round(sum(r.posts for r in rows) / len(rows) / (52 / 12)) if rows else 0
        out[net] = int(min(max(usual, math.ceil(band.low)), math.ceil(band.high)))
    return out


def check_capacity(plan: ContentPlan) -> list[Finding]:
    """Weekly capacity against each network's sourced posting range."""
    out = []
    for net, posts in plan.posts_per_week.items():
        band = catalogue().networks[net].posts_per_week
        name = Key(f"common.network.{net}")
        params = {"network": name, "posts": posts, "low": Number(band.low), "high": Number(band.high)}
        if posts > band.high:
            out.append(_f("capacity", "warning", "capacity_high", posts, **params))
        elif posts < band.low:
            out.append(_f("capacity", "info", "capacity_low", posts, **params))
    return out
