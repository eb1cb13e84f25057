"""Early warning: a spike detector on the daily count of negative mentions.

Method (a Hampel-style filter on a moving window, looking only backwards so
that it works on the day itself): for each day, the expected count is the
median of the previous `window` days (two weeks, so that one quiet week
does not make an ordinary day look like a spike), and the spread is the
median absolute deviation of those days scaled by 1.4826 (so it estimates a
standard deviation for normal data: Iglewicz and Hoaglin, "How to Detect and
Handle Outliers", ASQC 1993). Counts are small integers, so the spread never
goes below the Poisson noise of the window's mean count, sqrt(mean), nor
below 1.
A day alerts when

    count >= expected + sensitivity * spread   and   count >= min_count.

`sensitivity` is the trainee's dial: lower finds more (and falser) alarms,
higher waits for a clearer signal. 3 is the customary robust-z cut-off.

Gaps are not zeros. A day with no mention at all inside an import is a
collection gap (the tool stopped, the export skipped it) when the import's
usual volume makes an empty day implausible (`collection_gaps`); such a day
is missing (None), not a quiet day: it is left out of the window, so that
empty stretches neither lower the expected count nor inflate the spread and
hide the spikes after them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from statistics import median

DEFAULT_SENSITIVITY = 3.0
DEFAULT_WINDOW = 14
MIN_COUNT = 3
# An empty day is a collection gap when the import's median day has at least
# this many mentions: for a Poisson count with mean 5, P(0) = e^-5 < 0.7 %,
# so an empty day is far likelier a gap than a quiet day (cmtraining, 2026).
GAP_MIN_VOLUME = 5


@dataclass(frozen=True)
class Spike:
    day: date
    count: int
    expected: float
    threshold: float

    @property
    def ratio(self) -> float:
        return self.count / self.expected if self.expected else math.inf


def collection_gaps(totals: list[int]) -> list[bool]:
    """Which days (all mentions, own and competitors') are gaps in the collection."""
    observed = [c for c in totals if c]
    if not observed or median(observed) < GAP_MIN_VOLUME:
        return [False] * len(totals)
    return [not c for c in totals]


def thresholds(counts: list[int | None], *, sensitivity: float = DEFAULT_SENSITIVITY,
               window: int = DEFAULT_WINDOW) -> list[tuple[float, float] | None]:
    """(expected, threshold) for each day; None while the window is still filling or on a gap.

    A None count is a missing day: the window holds the `window` last observed days.
    """
    if not sensitivity > 0:
        from cmtraining.core.errors import ParameterError

        raise ParameterError("core.error.param_range", name="sensitivity", value=sensitivity,
                             low=">0", high=10)
    out: list[tuple[float, float] | None] = []
    observed: list[int] = []
    for count in counts:
        past = observed[-window:]
        if count is not None:
            observed.append(count)
        if count is None or len(past) < min(3, window):
            out.append(None)
            continue
        expected = median(past)
        mad = median(abs(c - expected) for c in past) * 1.4826
        spread = max(mad, math.sqrt(sum(past) / len(past)), 1.0)
        out.append((float(expected), float(expected + sensitivity * spread)))
    return out


def detect_spikes(days: list[date], counts: list[int | None], *,
                  sensitivity: float = DEFAULT_SENSITIVITY, window: int = DEFAULT_WINDOW,
                  min_count: int = MIN_COUNT) -> list[Spike]:
    """The days whose count breaks the threshold (see the module docstring); None: a gap."""
    spikes = []
    for day, count, limits in zip(days, counts, thresholds(counts, sensitivity=sensitivity,
                                                           window=window), strict=True):
        if limits and count >= limits[1] and count >= min_count:
            spikes.append(Spike(day, int(count), round(limits[0], 2), round(limits[1], 2)))
    return spikes
