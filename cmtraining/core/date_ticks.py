"""Date ticks whose labels never repeat: one per month on a long range, one per day on a short one.

matplotlib's date locators pick weeks or days on a range of a month or two,
and a month formatter then writes "ago 26" under each of them (issue 19:
the evaluation chart said "ago 26" four times). Here the locator decides
the unit and the formatter writes that unit: a tick on the first of a month
is labelled with its month and year ("ago 26" / "Aug 26"), a tick on a day
with its day and month ("29 ago" / "Aug 29"). Ticks are distinct months or
distinct days, so labels are distinct too. Imported by
`cmtraining.core.charts.date_axis` when a chart is drawn.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

from matplotlib.dates import date2num, num2date
from matplotlib.ticker import Formatter, Locator

#: a range longer than this (about a quarter) is read month by month
LONG_RANGE_DAYS = 92
#: one date alone is shown with this many days either side, its tick in the middle
SINGLE_DATE_MARGIN = 15
#: months between ticks on a long range, so ticks fall on the same months each year
MONTH_STEPS = (1, 2, 3, 4, 6, 12)
#: room a tick label needs on the axis at 10 pt with a gap, in pixels at 100 dpi: a short
#: label ("may", "29 ago", "Aug 29") or a month with its year ("sept 2026", the longest)
TICK_ROOM_PX = {"short": 52, "year": 80}
#: up to this many months, month ticks carry their year only where it changes
SHORT_MONTHS = 12


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def first_days(first: date, last: date) -> list[date]:
    """The first day of each month from `first` to `last`, both included."""
    month = date(first.year, first.month, 1)
    if month < first:
        month = _next_month(month)
    out = []
    while month <= last:
        out.append(month)
        month = _next_month(month)
    return out


def _thin(ticks: list, max_ticks: int) -> list:
    """Every n-th tick, n the smallest that leaves at most `max_ticks`."""
    return ticks[::max(1, math.ceil(len(ticks) / max_ticks))]


def _thin_months(months: list[date], max_ticks: int) -> list[date]:
    """Months on a calendar step (every month, quarter, half year, year...): at most `max_ticks`."""
    for step in (*MONTH_STEPS, *(12 * n for n in range(2, 1000))):
        ticks = [m for m in months if (m.year * 12 + m.month - 1) % step == 0]
        if len(ticks) <= max_ticks:
            return ticks or months[:1]
    return months[:1]


class DateTicks(Locator):
    """Ticks on the first of months (long range, or `monthly` data) or on days (short range)."""

    def __init__(self, *, monthly: bool = False, max_ticks: int = 8):
        self.monthly, self.max_ticks = monthly, max(1, max_ticks)
        self.unit = "month"  # the unit of the last ticks located, read by `DateLabels`

    def __call__(self):
        return self.tick_values(*self.axis.get_view_interval())

    def _room(self, label: str) -> int:
        """At most `max_ticks`, and no more than the drawn axis has room for side by side."""
        try:
            axes = self.axis.axes
            width = axes.get_window_extent().width * 100 / axes.figure.dpi
        except AttributeError:  # not on an axis yet
            return self.max_ticks
        return max(1, min(self.max_ticks, int(width // TICK_ROOM_PX[label])))

    def tick_values(self, vmin, vmax):
        vmin, vmax = sorted((vmin, vmax))
        start, end = num2date(vmin), num2date(vmax)
        first = start.date() + timedelta(days=0 if start.time() == start.time().min else 1)
        last = end.date()
        months = first_days(first, last)
        if (self.monthly and months) or ((last - first).days > LONG_RANGE_DAYS and len(months) > 1):
            self.unit, ticks = "month", _thin_months(
                months, self._room("short" if len(months) <= SHORT_MONTHS else "year"))
        else:
            days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
            self.unit, ticks = "day", _thin(days, self._room("short"))
        return list(date2num(ticks)) if ticks else []

    def nonsingular(self, v0, v1):
        if v0 == v1:
            return v0 - SINGLE_DATE_MARGIN, v1 + SINGLE_DATE_MARGIN
        return v0, v1


class DateLabels(Formatter):
    """A tick written in its locator's unit, as the reader writes it."""

    def __init__(self, locator: DateTicks, lang: str):
        self.locator, self.lang = locator, lang

    def __call__(self, value, pos=None):
        return self.format_ticks([value])[0]

    def format_ticks(self, values):
        """Months within a year: the year on the first tick and where it changes ("nov 2025,
        dic, ene 2026, feb"), as a calendar does (a year on every tick left no room for a tick
        a month); over longer ranges every tick has its year, so no label is written twice.
        Never "Aug 26", which reads as the 26th of August. Days: "29 ago" / "Aug 29"."""
        from babel.dates import format_date, format_skeleton

        from cmtraining.core.numbers import month

        days = [num2date(v).date() for v in values]
        if self.locator.unit != "month":
            return [format_skeleton("MMMd", d, locale=self.lang) for d in days]
        within_year = len(days) < 2 or (days[-1].year * 12 + days[-1].month
                                        - days[0].year * 12 - days[0].month) < SHORT_MONTHS
        return [month(d, self.lang) if not within_year or i == 0 or d.year != days[i - 1].year
                else format_date(d, "LLL", locale=self.lang)
                for i, d in enumerate(days)]
