"""Stage 3 engine: the editorial calendar generator and its checks.

`generate_calendar` turns a content plan (pillars with target shares, weekly
capacity per network) into dated posts:

* **How many.** Each network gets its weekly capacity in every ISO week
  (Monday to Sunday), never more than the catalogue's sourced maximum
  (`posts_per_week.high`, rounded up). A calendar that starts mid-week splits
  the capacity between the partial weeks in proportion to their days, so the
  total is still capacity x weeks and no ISO week goes over the cap.
* **When.** Days are the network's best days first (see
  `datasets/posting_windows.yaml`, read by `planning.posting_windows`, every window sourced, some per kind of
  organization: a café's are around the weekend), then other weekdays,
  then weekends, spread out within the week, one post a day per network while
  there are free days. Public holidays of the organization's country (the
  `holidays` package) are never used; each one is written in the `note` of the
  nearest post. The time is a quarter hour inside one of the network's windows.
* **Which pillar.** Largest-remainder (Hamilton) apportionment of the posts
  between pillars, then a deficit sequence so the mix also holds along the
  way. Each pillar ends within one post of its exact share, so the mix error
  is below 100/N percentage points for N posts: inside `MIX_TOLERANCE` from
  `MIN_POSTS_FOR_MIX` posts on.
* **Format.** A seeded rotation through the network's catalogue formats.

The seed (`numpy.random.default_rng(seed)`, no global state) only breaks ties
and picks days and times; counts and mix are deterministic.

`check_calendar` reviews any calendar (generated or edited by hand) against
the plan and returns `Finding`s with the numbers behind each one.
"""

from __future__ import annotations

import math
import operator
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

from cmtraining.core.errors import CmtrainingError
from cmtraining.core.findings import Finding, Key, KeyWords, Number, worst_first
from cmtraining.i18n import check_lang, t
from cmtraining.i18n.plural import Counted
from cmtraining.networks import catalogue
from cmtraining.planning.posting_windows import posting_windows
from cmtraining.workbook.models import CalendarEntry, ContentPlan

#: Percentage points a pillar's share of the calendar may differ from its
#: target. A mix is a rule of thumb (e.g. a third each), not an exact quota:
#: +/-10 points keeps its intent (a 30 % pillar lands between 20 and 40 %) and
#: is reachable with few posts, because apportionment keeps every pillar
#: within one post of its exact share, an error below 100/N points.
MIX_TOLERANCE = 10.0
#: From this many posts the tolerance is guaranteed (100 / N <= MIX_TOLERANCE);
#: with fewer, one post more or less moves a share by more than the tolerance.
MIN_POSTS_FOR_MIX = math.ceil(100 / MIX_TOLERANCE)
MAX_WEEKS = 104  # two years: beyond that a plan is a wish, not a calendar
MIX_EPSILON = 0.5  # rounding allowed in the shares' total, as in planning.content
NOTE_MAX = 200  # CalendarEntry.note length limit



@dataclass(frozen=True)
class _Slots:
    """A network's posting slots, pre-computed once per calendar."""

    best: dict[int, list[int]]  # weekday (0 = Monday) -> slot minutes of its best windows
    slots: list[int]  # every slot minute of the network


# --- Parameters rendered in the reader's language --------------------------------


class Day(date):
    """A date shown as the reader writes it: "25 dic 2026" / "Dec 25, 2026"."""

    @classmethod
    def of(cls, day: date) -> Day:
        return cls(day.year, day.month, day.day)

    def render(self, lang: str | None) -> str:
        from cmtraining.core.numbers import day

        return day(self, lang or "es")


class HolidayList(tuple):
    """(day, name) pairs shown as "25/12/2026 Navidad, 01/01/2027 Año Nuevo"."""

    def render(self, lang: str | None) -> str:
        return ", ".join(f"{Day.of(day).render(lang)} {name}" for day, name in self)


# --- Input checks ------------------------------------------------------------------


def _holiday_language(obj_cls, lang: str) -> str | None:
    """The `holidays` language code for `lang`, when the country supports it."""
    supported = tuple(getattr(obj_cls, "supported_languages", ()) or ())
    default = getattr(obj_cls, "default_language", None)
    if lang == "es":
        return "es" if "es" in supported else None
    if default and default.startswith("en"):
        return default
    for code in ("en_US", "en_GB", *supported):
        if code in supported and code.startswith("en"):
            return code
    return None


@cache
def _holiday_table(country: str, subdiv: str | None, years: tuple[int, ...], lang: str) -> dict:
    import holidays

    try:
        base = holidays.country_holidays(country, subdiv=subdiv, years=years[0])
    except NotImplementedError:
        if subdiv is not None:
            try:
                allowed = holidays.country_holidays(country).subdivisions
            except NotImplementedError:
                allowed = None
            if allowed is not None:
                raise CmtrainingError("planning.calendar.error.subdiv", lang=lang, value=subdiv,
                                      country=country, allowed=", ".join(allowed)) from None
        raise CmtrainingError("planning.calendar.error.country", lang=lang, value=country) from None
    language = _holiday_language(type(base), lang)
    table = holidays.country_holidays(country, subdiv=subdiv, years=years, language=language)
    return dict(table.items())


def holidays_between(country: str, start: date, end: date, *, subdiv: str | None = None,
                     lang: str = "es") -> dict[date, str]:
    """Public holidays in [start, end), names in `lang` when the country has them."""
    code = (country or "").strip().upper()
    if len(code) != 2 or not code.isalpha():
        raise CmtrainingError("planning.calendar.error.country", lang=lang, value=country)
    sub = subdiv.strip() if subdiv else None
    table = _holiday_table(code, sub, tuple(range(start.year, end.year + 1)), lang)
    return {day: name for day, name in sorted(table.items()) if start <= day < end}


def _check_plan(plan: ContentPlan, lang: str) -> None:
    if not plan.pillars:
        raise CmtrainingError("planning.calendar.error.no_pillars", lang=lang)
    total = sum(p.share for p in plan.pillars)
    if abs(total - 100) > MIX_EPSILON:
        raise CmtrainingError("planning.calendar.error.mix_total", lang=lang,
                              total=Number(round(total, 1)).render(lang))
    if not any(posts > 0 for posts in plan.posts_per_week.values()):
        raise CmtrainingError("planning.calendar.error.capacity", lang=lang)


def effective_caps(plan: ContentPlan) -> dict[str, int]:
    """Posts per week the generator places: capacity, capped at the catalogue's high end."""
    out = {}
    for net, posts in plan.posts_per_week.items():
        if posts > 0:
            out[net] = min(posts, math.ceil(catalogue().networks[net].posts_per_week.high))
    return out


# --- Generation --------------------------------------------------------------------


def _segments(start: date, days: int) -> list[list[date]]:
    """The dates of [start, start + days), split by ISO week."""
    out: list[list[date]] = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        if not out or day.weekday() == 0:
            out.append([])
        out[-1].append(day)
    return out


def _round(numerator: int, denominator: int) -> int:
    """Round half up of numerator / denominator, for non-negative integers."""
    return (2 * numerator + denominator) // (2 * denominator)


def _pick_days(open_days: list[date], count: int, best: dict[int, list[int]], rng) -> list[date]:
    """`count` posting days (repeats allowed), best days first, spread over the week."""
    if count <= 0 or not open_days:
        return []
    noise = dict(zip(open_days, rng.random(len(open_days)), strict=True))

    def tier(day: date) -> int:
        return 0 if day.weekday() in best else (1 if day.weekday() < 5 else 2)

    chosen: list[date] = []
    remaining = list(open_days)
    while remaining and len(chosen) < count:
        def key(day: date):
            gap = min((abs((day - c).days) for c in chosen), default=7)
            return (tier(day), -gap, noise[day])
        pick = min(remaining, key=key)
        chosen.append(pick)
        remaining.remove(pick)
    # More posts than free days: second (third...) posts on the same days, in order.
    out = list(chosen)
    while len(out) < count:
        out.append(chosen[(len(out) - len(chosen)) % len(chosen)])
    return out


def _pick_times(day: date, count: int, net: _Slots, rng) -> list[int]:
    """`count` distinct slot minutes for one day (repeats only if the day is full)."""
    pool = net.best.get(day.weekday())
    if pool is None:  # not a best day: the hours of one of the network's best days
        keys = sorted(net.best)
        pool = net.best[keys[int(rng.integers(len(keys)))]]
    if count > len(pool):
        pool = net.slots
    if count > len(pool):  # more posts than quarter hours: some share a time
        picks = rng.integers(len(pool), size=count)
    else:
        picks = rng.permutation(len(pool))[:count]
    return sorted(pool[int(i)] for i in picks)


def _apportion(shares: list[float], total: int, order: list[int]) -> list[int]:
    """Largest-remainder (Hamilton) seats for `total`; ties go by `order` (lower first)."""
    weight = sum(shares)
    exact = [s / weight * total for s in shares]
    seats = [math.floor(x) for x in exact]
    left = total - sum(seats)
    ranked = sorted(range(len(shares)), key=lambda i: (-(exact[i] - seats[i]), order[i]))
    for i in ranked[:left]:
        seats[i] += 1
    return seats


def _sequence(quotas: list[int], order: list[int]) -> list[int]:
    """Pillar index for each post: the one furthest behind its pro-rata share."""
    total = sum(quotas)
    done = [0] * len(quotas)
    out = []
    for k in range(1, total + 1):
        i = max((i for i in range(len(quotas)) if done[i] < quotas[i]),
                key=lambda i: (quotas[i] * k - done[i] * total, -order[i]))
        done[i] += 1
        out.append(i)
    return out


def _holiday_notes(days: list[date], holidays: dict[date, str], lang: str) -> dict[int, str]:
    """Post index -> note naming the holidays nearest to it (earlier post on ties)."""
    notes: dict[int, list[str]] = defaultdict(list)
    if not days:
        return {}
    for holiday, name in holidays.items():
        index = min(range(len(days)), key=lambda i: (abs((days[i] - holiday).days), days[i]))
        notes[index].append(t("planning.calendar.note_holiday", lang, day=Day.of(holiday).render(lang),
                              name=name))
    return {i: "; ".join(parts)[:NOTE_MAX] for i, parts in notes.items()}


def producible_formats(network: str, formats: Sequence[str] | None) -> tuple[str, ...]:
    """The network's formats the team can produce (all of them when `formats` is None)."""
    own = tuple(catalogue().networks[network].formats)
    return own if formats is None else tuple(f for f in own if f in set(formats))


def format_findings(plan: ContentPlan, formats: Sequence[str]) -> list[Finding]:
    """What the team's formats cost each network with capacity (issue 21.10).

    One warning per network where the team can produce none of its formats
    (the calendar schedules nothing there; the first is named as the one that
    loses most), else the network that loses the largest share of its
    formats, named; "ok" when every network keeps all of them.
    """
    nets = sorted(n for n, posts in plan.posts_per_week.items() if posts > 0)
    out: list[Finding] = []
    losses = []
    for net in nets:
        own = catalogue().networks[net].formats
        usable = producible_formats(net, formats)
        missing = [f for f in own if f not in usable]
        if not usable:  # the first of these (by name) is the one that loses most
            out.append(Finding("calendar.formats_none", "warning", "planning.calendar_formats.rule",
                               "planning.calendar_formats.none" if out else "planning.calendar_formats.none_most",
                               value=net, params={"network": Key(f"common.network.{net}"),
                                                  "all": KeyWords("common.format", own)}))
        elif missing:
            losses.append((len(missing) / len(own), net, usable, missing, own))
    if losses and not out:
        share, net, usable, missing, own = max(losses, key=lambda x: (x[0], x[1]))
        out.append(Finding("calendar.formats_lost", "info", "planning.calendar_formats.rule",
                           "planning.calendar_formats.lost", value=round(share * 100),
                           params={"network": Key(f"common.network.{net}"), "lost": len(missing),
                                   "total": len(own), "missing": KeyWords("common.format", missing),
                                   "used": KeyWords("common.format", usable)}))
    if not out and nets:
        out.append(Finding("calendar.formats_ok", "ok", "planning.calendar_formats.rule",
                           "planning.calendar_formats.ok", params={}))
    return out


def generate_calendar(plan: ContentPlan, *, start: date, weeks: int, country: str, seed: int,
                      subdiv: str | None = None, lang: str = "es",
                      kind: str | None = None,
                      formats: Sequence[str] | None = None) -> list[CalendarEntry]:
    """Dated posts for `weeks` weeks from `start` (see the module docstring for the rules).

    `kind` is the organization's kind (`Profile.kind`): its posting windows
    replace the general ones where the dataset has them (a café at weekends).
    `formats` are the formats the team can produce (`Resources.formats`): posts
    use only those, and a network where the team can produce none of its
    formats gets no posts (`format_findings` says so). None: every format.
    """
    import numpy as np

    lang = check_lang(lang)
    try:
        count = operator.index(weeks) if not isinstance(weeks, bool) else None
    except TypeError:
        count = None
    if count is None or not 1 <= count <= MAX_WEEKS:
        raise CmtrainingError("planning.calendar.error.weeks", lang=lang, value=weeks, max=MAX_WEEKS)
    weeks = count
    if not isinstance(start, date):
        raise CmtrainingError("planning.calendar.error.start", lang=lang, value=start)
    if isinstance(start, datetime):
        start = start.date()
    _check_plan(plan, lang)
    end = start + timedelta(days=7 * weeks)
    holidays = holidays_between(country, start, end, subdiv=subdiv, lang=lang)
    rng = np.random.default_rng(seed)
    windows = posting_windows().for_kind(kind)

    slots: list[tuple[date, int, str]] = []  # day, minute of the day, network
    cycles: dict[str, tuple[str, ...]] = {}  # network -> seeded order of its formats
    segments = _segments(start, 7 * weeks)
    for net_id, cap in sorted(effective_caps(plan).items()):
        win = windows[net_id]
        usable = producible_formats(net_id, formats)
        if not usable:
            continue
        cycles[net_id] = tuple(usable[int(i)] for i in rng.permutation(len(usable)))
        net = _Slots(best=win.by_weekday(), slots=win.all_slots())
        elapsed = 0
        for segment in segments:
            # this ISO week's share of the capacity (the whole cap for a full week)
            quota = _round(cap * (elapsed + len(segment)), 7) - _round(cap * elapsed, 7)
            elapsed += len(segment)
            open_days = [d for d in segment if d not in holidays]
            per_day = Counter(_pick_days(open_days, quota, net.best, rng))
            for day in sorted(per_day):
                slots.extend((day, minute, net_id)
                             for minute in _pick_times(day, per_day[day], net, rng))
    if not cycles:  # capacity only on networks whose formats the team cannot produce
        raise CmtrainingError("planning.calendar_formats.error_none", lang=lang)
    slots.sort()

    pillars = plan.pillars
    order = [int(i) for i in rng.permutation(len(pillars))]  # tie-break rank per pillar
    sequence = _sequence(_apportion([p.share for p in pillars], len(slots), order), order)
    notes = _holiday_notes([day for day, _, _ in slots], holidays, lang)
    rotation: dict[str, int] = defaultdict(int)
    entries = []
    for index, (day, minute, net_id) in enumerate(slots):
        fmt = cycles[net_id][rotation[net_id] % len(cycles[net_id])]
        rotation[net_id] += 1
        pillar = pillars[sequence[index]]
        entries.append(CalendarEntry(
            day=day, time=f"{minute // 60:02d}:{minute % 60:02d}", network=net_id,
            pillar=pillar.id, format=fmt,
            idea=t("planning.calendar.idea", lang, format=t(f"common.format.{fmt}", lang), pillar=pillar.name),
            note=notes.get(index, "")))
    return entries


# --- Checks ------------------------------------------------------------------------


def _f(code: str, level, value=None, **params) -> Finding:
    return Finding(code=f"calendar.{code}", level=level, rule_key=f"planning.calendar.rule.{code}",
                   message_key=f"planning.calendar.msg.{code}", value=value, params=params)


def _week_label(day: date) -> Day:
    return Day.of(day - timedelta(days=day.weekday()))


def check_calendar(entries: list[CalendarEntry], plan: ContentPlan, *, country: str,
                   lang: str = "es", subdiv: str | None = None) -> list[Finding]:
    """Review a calendar against its plan: caps, mix, holidays, pillars (worst first).

    Errors: a network over its weekly capacity in some ISO week; a pillar's
    share off its target by more than `MIX_TOLERANCE` points (judged from
    `MIN_POSTS_FOR_MIX` posts); posts on a pillar the plan does not have.
    Warnings: posts on a public holiday; a capacity above the catalogue's
    usual maximum. Info: the holidays in the calendar's span; too few posts to
    judge the mix. "ok" when nothing is wrong.
    """
    lang = check_lang(lang)
    if not entries:
        return [_f("empty", "info")]
    out: list[Finding] = []
    first, last = min(e.day for e in entries), max(e.day for e in entries)
    holidays = holidays_between(country, first, last + timedelta(days=1), subdiv=subdiv,
                                lang=lang)

    # Capacity per network and ISO week.
    high = {net: math.ceil(catalogue().networks[net].posts_per_week.high)
            for net in plan.posts_per_week}
    for net, posts in plan.posts_per_week.items():
        if posts > high[net]:
            out.append(_f("capacity_high", "warning", posts, network=Key(f"common.network.{net}"),
                          posts=posts, high=high[net]))
    per_week = Counter((e.network, e.day.isocalendar()[:2]) for e in entries)
    monday = {(e.network, e.day.isocalendar()[:2]): e.day for e in entries}
    for (net, week), count in sorted(per_week.items()):
        cap = plan.posts_per_week.get(net, 0)
        if count > cap:
            out.append(_f("cap", "error", count, network=Key(f"common.network.{net}"), posts=count,
                          cap=cap, excess=count - cap, week=_week_label(monday[(net, week)])))

    # Pillars: unknown ones, then the mix.
    names = {p.id: p.name for p in plan.pillars}
    unknown = Counter(e.pillar for e in entries if e.pillar not in names)
    for pillar, count in sorted(unknown.items()):
        out.append(_f("unknown_pillar", "error", pillar, pillar=pillar,
                      posts=Counted(count, "post")))
    total_share = sum(p.share for p in plan.pillars)
    counts = Counter(e.pillar for e in entries)
    n = len(entries)
    if plan.pillars and total_share > 0:
        if n < MIN_POSTS_FOR_MIX:
            out.append(_f("mix_small", "info", n, posts=Counted(n, "post"), min=MIN_POSTS_FOR_MIX,
                          tolerance=Number(MIX_TOLERANCE)))
        else:
            for p in plan.pillars:
                actual = counts[p.id] / n * 100
                target = p.share / total_share * 100
                if abs(actual - target) > MIX_TOLERANCE:
                    out.append(_f("mix", "error", round(actual, 1), pillar=p.name,
                                  actual=Number(round(actual, 1)), target=Number(round(target, 1)),
                                  tolerance=Number(MIX_TOLERANCE), posts=counts[p.id], total=n))

    # Holidays: posts on them, and the list of the span's holidays.
    for e in entries:
        if e.day in holidays:
            out.append(_f("holiday_post", "warning", e.day.isoformat(),
                          network=Key(f"common.network.{e.network}"), day=Day.of(e.day),
                          name=holidays[e.day]))
    if holidays:
        out.append(_f("holidays", "info", len(holidays), count=Counted(len(holidays), "holiday"),
                      holidays=HolidayList(holidays.items())))

    if not any(f.level in ("error", "warning") for f in out):
        out.append(_f("ok", "ok", n, posts=Counted(n, "post"),
                      networks=Counted(len({e.network for e in entries}), "network"),
                      weeks=Counted(len({e.day.isocalendar()[:2] for e in entries}), "week")))
    return worst_first(out)
