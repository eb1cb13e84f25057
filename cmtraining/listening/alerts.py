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
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from statistics import median

DEFAULT_SENSITIVITY = 3.0
DEFAULT_WINDOW = 14
MIN_COUNT = 3


@dataclass(frozen=True)
class Spike:
    day: date
    count: int
    expected: float
    threshold: float

    @property
    def ratio(self) -> float:
        return self.count / self.expected if self.expected else math.inf


def thresholds(counts: list[int], *, sensitivity: float = DEFAULT_SENSITIVITY,
               window: int = DEFAULT_WINDOW) -> list[tuple[float, float] | None]:
    """(expected, threshold) for each day; None while the window is still filling."""
    if not sensitivity > 0:
        from cmtraining.errors import ParameterError

        raise ParameterError("error.param_range", name="sensitivity", value=sensitivity,
                             low=">0", high=10)
    out: list[tuple[float, float] | None] = []
    for i in range(len(counts)):
        past = counts[max(0, i - window):i]
        if len(past) < min(3, window):
            out.append(None)
            continue
        expected = median(past)
        mad = median(abs(c - expected) for c in past) * 1.4826
        spread = max(mad, math.sqrt(sum(past) / len(past)), 1.0)
        out.append((float(expected), float(expected + sensitivity * spread)))
    return out


def detect_spikes(days: list[date], counts: list[int], *,
                  sensitivity: float = DEFAULT_SENSITIVITY, window: int = DEFAULT_WINDOW,
                  min_count: int = MIN_COUNT) -> list[Spike]:
    """The days whose count breaks the threshold (see the module docstring)."""
    spikes = []
    for day, count, limits in zip(days, counts, thresholds(counts, sensitivity=sensitivity,
                                                           window=window), strict=True):
        if limits and count >= limits[1] and count >= min_count:
            spikes.append(Spike(day, int(count), round(limits[0], 2), round(limits[1], 2)))
    return spikes
