"""A suggested target range as the trainee reads it: snapped inside the band it comes from.

The screen shows a suggestion rounded (counts whole, rates as percentages to
two significant figures): "between 27 and 29" from a band of 27 to 28.9 offers
a 29 the Achievable check then calls beyond the best months. So the range is
snapped to the precision it is shown with before anyone reads it: the lower
bound rounded up, the upper bound down, both to one number of decimals (no
"2,0 % and 27 %" in one phrase), and its first step past the baseline (a
target equal to the baseline is the Measurable check's error).
"""

from __future__ import annotations

import math

from cmtraining.core.numbers import percent as percent_text
from cmtraining.core.numbers import rate as rate_text
from cmtraining.core.numbers import rate_decimals

#: decimals a response time (3 significant figures, `smart.rounded`) is shown with at most
MAX_DECIMALS = 4


def shown_decimals(kind: str, *values: float) -> int:
    """Decimals of the stored value that the screen shows for all of `values` at once.

    `kind`: "rate" (fractions shown as percentages: two more decimals than the
    percentage's), "figures" (3 significant figures) or "count" (whole).
    """
    if kind == "rate":
        return max(rate_decimals(v) for v in values) + 2
    if kind == "figures":
        biggest = max((abs(v) for v in values if v), default=1.0)
        return min(MAX_DECIMALS, max(0, 2 - math.floor(math.log10(biggest))))
    return 0


def _up(x: float, decimals: int) -> float:
    """The smallest value at `decimals` not below x (as floats compare, not just nearly)."""
    step = 10 ** -decimals
    snapped = round(math.ceil(round(x / step, 6)) * step, decimals)
    return snapped if snapped >= x else round(snapped + step, decimals)


def _down(x: float, decimals: int) -> float:
    """The largest value at `decimals` not above x."""
    step = 10 ** -decimals
    snapped = round(math.floor(round(x / step, 6)) * step, decimals)
    return snapped if snapped <= x else round(snapped - step, decimals)


def snap_range(low: float, mid: float, high: float, *, base: float, decimals: int,
               decreasing: bool = False) -> tuple[float, float, float] | None:
    """low, mid and high at `decimals`, wholly inside low-high and past `base`; None if none fit."""
    step = 10 ** -decimals
    low, high = _up(low, decimals), _down(high, decimals)
    if decreasing:
        high = min(high, round(_up(base, decimals) - step, decimals))
    else:
        low = max(low, round(_down(base, decimals) + step, decimals))
    if low > high:
        return None
    mid = min(max(round(mid, decimals), low), high)
    return low, mid, high


class RateValue(float):
    """A rate's level (a fraction) shown as the reader's percentage, to two significant figures,
    or to `decimals` shared with the other figures of its phrase (`rate_values`)."""

    decimals: int | None = None

    def render(self, lang: str | None) -> str:
        if self.decimals is None or (self and round(abs(self) * 100, self.decimals) == 0):
            return rate_text(float(self), lang or "es")
        return percent_text(float(self), lang or "es", decimals=self.decimals)


def rate_values(*xs: float) -> list[RateValue]:
    """Rates of one phrase with one number of decimals: "2,0 % to 27,0 %", not "2,0 % to 27 %"."""
    decimals = max(rate_decimals(x) for x in xs)
    values = [RateValue(x) for x in xs]
    for v in values:
        v.decimals = decimals
    return values
