"""Goals and the metrics that can measure them (`datasets/goal_metrics.yaml`).

A goal about volunteers, donors, orders or demo requests asks for leads or
conversions, not followers alone. The objectives' prefill picks a metric by
these kinds; the coherence check (`cmtraining.evaluation.coherence`) warns
when an objective's metric cannot measure its goal.
"""

from __future__ import annotations

import re
from functools import cache


@cache
def goal_kinds() -> dict:
    from cmtraining.core.paths import datasets_dir
    from cmtraining.core.yamlio import read_yaml

    return read_yaml(datasets_dir() / "goal_metrics.yaml")["kinds"]


def goal_kind(text: str) -> str | None:
    """The kind of result a goal asks for (first kind whose stem starts a word), or None."""
    words = re.findall(r"\w+", text.lower())
    for kind, spec in goal_kinds().items():
        if any(w.startswith(s) for w in words for s in spec["stems"]):
            return kind
    return None


def metrics_for(kind: str) -> list[str]:
    return list(goal_kinds()[kind]["metrics"])
