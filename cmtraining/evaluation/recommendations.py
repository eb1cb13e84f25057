"""What to change: rules that turn the evaluation's findings into ranked actions.

Each rule looks at the last `RECENT` months of each network (up to `today`)
or at the workbook as a whole, and when it fires gives a `Recommendation`:
a `Finding` with the rule, the value that triggered it and the action, in
es/en, plus an estimated impact used to rank them.

**Impact is a heuristic**, not a forecast: the audience the problem touches
(the network's latest followers; for organization-wide rules, the sum over
networks, people following two networks counted twice) times a severity in
(0, 1], how far the figure is from its reference relative to that reference
(capped at 1). Two rules with the same audience rank by how far off they
are; a large audience slightly off can outrank a tiny one far off, which is
the intent: fix first what most people see. Missing data gives explicit
"no data" recommendations with impact 0 (ranked last), never a silent zero.

Coherent with the plan (issue 15): posting more or less is not advised when the
content plan (stage 3) already posts within the network's range; a network the plan (stage 2) dropped gets
one "reconsider it" recommendation, never advice on how to post there; two
pieces of advice never pull one network both ways (fewer posts that do not
engage is the answer, not more of them: `effort_no_return` wins over
`posting_low`); and a figure within `TRIVIAL_GAP` of its reference is not a
recommendation (0.0629 % against a 0.063 % median is noise).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cmtraining.core.findings import LEVEL_ORDER, Day, Finding, Key, Month, Number
from cmtraining.evaluation.attainment import Progress, Share, attainment_all
from cmtraining.evaluation.dashboard import kpi_summary
from cmtraining.i18n.plural import Counted
from cmtraining.metrics.kpis import TONE_BAND, tone_level
from cmtraining.planning.smart import ObjectiveTitle, RateValue
from cmtraining.workbook.models import ChannelMonth, Workbook

RECENT = 3  # a quarter: one odd month does not trigger a rule, a stale trend does not hide
# Assumption (cmtraining, 2026): fewer than 1 comment in 20 engagements means the
# audience watches but does not talk; no public benchmark of this share was found.
CONVERSATION_SHARE = 0.05
# WhatsApp Channels let followers react and vote, not comment: no conversation rule there.
NO_COMMENTS = frozenset({"whatsapp_channels"})
# Assumption (cmtraining, 2026): a sales or announcements network should turn at
# least 1 view in 200 into a click; a teaching threshold, not a sourced benchmark.
LOW_CTR = 0.005
DECLINE_FULL = 0.05  # a 5 % loss of followers in a quarter counts as a full-size problem
EFFORT_SHARE = 0.15  # a network with 15 %+ of the posts is a real share of the effort
# The listening audit's tone bands (cmtraining.listening.audit): below -20 % net sentiment
# is a full-size problem; between -20 % and 0 opinions are split, a warning scaled to the figure.
NEGATIVE_FULL = TONE_BAND
# Assumption (cmtraining, 2026): without a written playbook many messages may still be
# answered on time; the risk is the ones that are not, so a quarter of a full problem.
NO_PLAYBOOK_SEVERITY = 0.25
STALE_MONTHS = 2  # data older than two full months no longer describes the present
FOLLOWUP = ("at_risk", "off_track", "missed")
# Assumption (cmtraining, 2026): the materiality threshold. A figure less than 20 %
# (relative) from its reference is within a month's usual swing (the samples' monthly
# engagement rates move by ~20 %), so it is not worth a recommendation: "0.05 % against
# a median of 0.06 %", a 0.3 % loss of followers in a quarter. Measured on each rule's
# own scale (`Recommendation.gap`: 1 - rate / reference, loss / 5 %, ...).
TRIVIAL_GAP = 0.2
# Assumption (cmtraining, 2026): the followers of a dropped network are a tenth of a
# full-size problem: they still see the old account, but the plan chose to reach them elsewhere.
DROPPED_SEVERITY = 0.1


@dataclass(frozen=True)
class Recommendation:
    code: str
    finding: Finding
    impact: float
    network: str | None = None
    #: how far the figure is from its reference, relative to it (None: not a gap rule)
    gap: float | None = None


def _rec(code: str, level: str, value, impact: float, network: str | None = None,
         gap: float | None = None, message: str = "msg", **params) -> Recommendation:
    if network is not None:
        params["network"] = Key(f"common.network.{network}")
    finding = Finding(code=f"evaluation.rec.{code}", level=level,
                      rule_key=f"evaluation.rec.{code}.rule",
                      message_key=f"evaluation.rec.{code}.{message}", value=value, params=params)
    return Recommendation(code=code, finding=finding, impact=round(float(impact), 1),
                          network=network, gap=gap)


def _month_index(month: date) -> int:
    return month.year * 12 + month.month - 1


def _recent(metrics: list[ChannelMonth], today: date):
    """Per network, the summary of its last `RECENT` months up to today's month."""
    known = [r for r in metrics if _month_index(r.month) <= _month_index(today)]
    out = {}
    for net in sorted({r.network for r in known}):
        months = sorted(r.month for r in known if r.network == net)
        start = months[max(0, len(months) - RECENT)]
        table = kpi_summary(known, network=net, months=(start, months[-1]))
        out[net] = table.iloc[0].to_dict()
    return out


def recommendation_period(metrics: list[ChannelMonth], today: date) -> tuple[date, date] | None:
    """The months the network rules read: the last `RECENT` of each network, up to today.

    The dashboard opens on this period and both name it, so the KPI table and
    the recommendations never give two figures for one network unexplained."""
    known = [r for r in metrics if _month_index(r.month) <= _month_index(today)]
    spans = []
    for net in {r.network for r in known}:
        months = sorted(r.month for r in known if r.network == net)
        spans.append((months[max(0, len(months) - RECENT)], months[-1]))
    if not spans:
        return None
    return min(s for s, _ in spans), max(e for _, e in spans)


def period_text(start: date, end: date, lang: str | None) -> str:
    """ "oct 2026 – dic 2026 (3 meses)": a period as every evaluation screen names it."""
    from cmtraining.i18n import t
    from cmtraining.i18n.plural import tn

    n = _month_index(end) - _month_index(start) + 1
    first = f"{t(f'common.month.{start.month}', lang)} {start:%Y}"
    last = f"{t(f'common.month.{end.month}', lang)} {end:%Y}"
    span = first if n == 1 else f"{first} – {last}"
    return t("evaluation.period_text.period", lang, span=span, months=tn("common.n.month", n, lang))


class _Others(int):
    """The other too-slow kinds of message, said only when there are some (no "0 tipo(s)")."""

    def render(self, lang: str | None) -> str:
        return Counted(int(self), "other_slow", "common.n").render(lang) if self else ""


class _Source(str):
    """A catalogue source as shown to the reader: publisher and year, or our own estimate."""

    def render(self, lang: str | None) -> str:
        from cmtraining.i18n import t
        from cmtraining.networks import catalogue

        src = catalogue().sources[self]
        if src.kind == "assumption":
            return t("evaluation.source.assumption", lang, year=src.year)
        return f"{src.publisher or src.title} {src.year}"


def _network_rules(net: str, row: dict, share: dict, roles: dict,
                   planned: dict | None = None) -> list[Recommendation]:
    from cmtraining.networks import network

    cat = network(net)
    out = []
    audience = row["followers"]
    basis = cat.engagement_rate.basis
    rate, median = row[f"engagement_rate_{basis}"], cat.engagement_rate.value
    if rate == rate and rate < median:
        out.append(_rec("low_engagement", "warning", rate, audience * (1 - rate / median), net,
                        1 - rate / median,
                        rate=RateValue(rate), median=RateValue(median), kpi=Key(f"planning.kpi.engagement_rate_{basis}"),
                        source=_Source(cat.engagement_rate.source), months=row["months"]))
    reach_rate = row["reach"] / row["months"] / row["followers"] if row["followers"] else 0
    talk = row["comments"] / row["engagements"] if row["engagements"] else None
    if (net not in NO_COMMENTS and reach_rate >= cat.organic_reach_rate.value
            and talk is not None and talk < CONVERSATION_SHARE):
        out.append(_rec("low_conversation", "warning", talk,
                        audience * (1 - talk / CONVERSATION_SHARE), net,
                        1 - talk / CONVERSATION_SHARE, share=RateValue(talk),
                        reference=RateValue(CONVERSATION_SHARE), reach=RateValue(reach_rate),
                        reach_median=RateValue(cat.organic_reach_rate.value)))
    low, high, ppw = cat.posts_per_week.low, cat.posts_per_week.high, row["posts_per_week"]
    # the content plan (stage 3) already posts within the range: the advice is taken
    fixed = low <= (planned or {}).get(net, -1) <= high
    if (ppw < low or ppw > high) and not fixed:
        severity = (low - ppw) / low if ppw < low else min(1.0, (ppw - high) / high)
        code = "posting_low" if ppw < low else "posting_high"
        out.append(_rec(code, "warning", ppw, audience * severity, net, severity,
                        posts=Number(round(ppw, 1)), low=Number(low), high=Number(high)))
    growth = row["audience_growth_rate"]
    if growth == growth and growth < 0:
        out.append(_rec("declining_followers", "warning", growth,
                        audience * min(1.0, -growth / DECLINE_FULL), net, -growth / DECLINE_FULL,
                        growth=Progress(-growth), start=Number(row["followers_start"]),
                        end=Number(audience), months=row["months"]))
    posts_share, eng_share = share[net]
    if len(share) > 1 and posts_share >= EFFORT_SHARE and eng_share < posts_share / 2:
        out.append(_rec("effort_no_return", "warning", eng_share,
                        audience * (1 - eng_share / posts_share), net, 1 - eng_share / posts_share,
                        posts_share=Progress(posts_share), eng_share=Progress(eng_share)))
    ctr = row["click_through_rate"]
    role = roles.get(net)
    if role in ("sales", "announcements") and ctr == ctr and ctr < LOW_CTR:
        out.append(_rec("low_clicks", "warning", ctr, audience * (1 - ctr / LOW_CTR), net,
                        1 - ctr / LOW_CTR,
                        ctr=RateValue(ctr), reference=RateValue(LOW_CTR),
                        role=Key(f"common.role.{role}")))
    codes = {r.code for r in out}
    if "effort_no_return" in codes:  # more of what does not engage is not the answer
        out = [r for r in out if r.code != "posting_low"]
    return [r for r in out if r.gap is None or r.gap >= TRIVIAL_GAP]


def _dropped_rule(net: str, row: dict) -> Recommendation:
    """A network with history that the plan dropped: reconsider it, or send its people on."""
    return _rec("reconsider_network", "info", row["followers"],
                row["followers"] * DROPPED_SEVERITY, net, followers=Number(row["followers"]))


def _objective_rules(wb: Workbook, today: date, followers: dict) -> list[Recommendation]:
    out = []
    total = sum(followers.values())
    objectives = {o.id: o for o in wb.objectives}
    for a in attainment_all(wb, today=today):
        if a.status not in FOLLOWUP:
            continue
        reached = a.progress if a.status == "missed" else a.projected_progress
        severity = min(1.0, max(0.0, 1 - reached))
        audience = followers.get(a.network, 0) if a.network else total
        level = "warning" if a.status == "at_risk" else "error"
        # a projection going the wrong way is not "only -109.8 % of the way": say so
        code = "objective_backwards" if a.status == "off_track" and reached < 0 else (
            "objective_" + a.status)
        out.append(_rec(code, level, reached, audience * severity, a.network,
                        objective=ObjectiveTitle(objectives[a.objective_id]),
                        metric=Key(f"planning.kpi.{a.metric}"), reached=Progress(reached),
                        deadline=Day(a.deadline)))
    return out


def _listening_rules(wb: Workbook, total: float) -> list[Recommendation]:
    out = []
    summary = wb.listening.summary
    if summary is None:
        out.append(_rec("no_listening", "info", None, 0))
    elif summary.net_sentiment < 0:
        ns = summary.net_sentiment
        level = "error" if tone_level(ns) == "error" else "warning"
        out.append(_rec("negative_sentiment", level, ns, total * min(1.0, -ns / NEGATIVE_FULL),
                        message="msg" if level == "error" else "msg_split",
                        sentiment=Share(ns), negative=summary.negative, positive=summary.positive,
                        terms=", ".join(summary.top_terms[:5]) or "—"))
    if wb.listening.alerts and not wb.crisis_protocol.levels:
        first = min(a.day for a in wb.listening.alerts)
        out.append(_rec("alerts_no_protocol", "error", len(wb.listening.alerts), total,
                        count=len(wb.listening.alerts), day=Day(first),
                        alerts=Counted(len(wb.listening.alerts), "spike_alert", "common.n")))
    return out


def _playbook_rules(wb: Workbook, total: float) -> list[Recommendation]:
    from cmtraining.response.playbook import default_hours

    rules = wb.response_playbook.rules
    if not rules:
        return [_rec("no_playbook", "warning", None, total * NO_PLAYBOOK_SEVERITY)]
    norms = default_hours()
    slow = [(r.category, r.max_hours, norms[r.category]) for r in rules
            if norms.get(r.category) and r.max_hours > norms[r.category]]
    if not slow:
        return []
    category, hours, norm = max(slow, key=lambda s: 1 - s[2] / s[1])
    if 1 - norm / hours < TRIVIAL_GAP:
        return []
    return [_rec("slow_playbook", "warning", hours, total * (1 - norm / hours), None,
                 1 - norm / hours,
                 category=Key(f"response.triage.category.{category}"), hours=Number(hours), norm=Number(norm),
                 others=_Others(len(slow) - 1))]


def recommend(workbook: Workbook, *, today: date) -> list[Recommendation]:
    """Every rule that fires, highest impact first (ties: worst level, then code, network).

    Never empty: with nothing to change, one "keep going" recommendation.
    """
    wb = workbook
    recent = _recent(wb.metrics, today)
    followers = {net: row["followers"] for net, row in recent.items()}
    total = float(sum(followers.values()))
    recs: list[Recommendation] = []
    if not recent:
        recs.append(_rec("no_metrics", "info", None, 0))
    else:
        posts = sum(row["posts"] for row in recent.values())
        engs = sum(row["engagements"] for row in recent.values())
        share = {net: (row["posts"] / posts if posts else 0.0,
                       row["engagements"] / engs if engs else 0.0) for net, row in recent.items()}
        roles = {r.network: r.role for r in wb.networks}
        for net, row in recent.items():
            if roles and net not in roles:
                recs.append(_dropped_rule(net, row))
            else:
                recs.extend(_network_rules(net, row, share, roles,
                                           wb.content_plan.posts_per_week))
        last = max(row["last_month"] for row in recent.values())
        if _month_index(today) - _month_index(last) > STALE_MONTHS:
            recs.append(_rec("stale_metrics", "info", f"{last:%Y-%m}", 0, last=Month(last)))
    if not wb.objectives:
        recs.append(_rec("no_objectives", "info", None, 0))
    recs.extend(_objective_rules(wb, today, followers))
    recs.extend(_listening_rules(wb, total))
    recs.extend(_playbook_rules(wb, total))
    if not recs:
        recs.append(_rec("keep_going", "ok", None, 0))
    return sorted(recs, key=lambda r: (-r.impact, LEVEL_ORDER[r.finding.level], r.code,
                                       r.network or ""))
