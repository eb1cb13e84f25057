"""Side-by-side timings reduced the one way every benchmark here reports them."""

from __future__ import annotations

import statistics


def medians_with_ratio(times: dict[str, list[float]], ours: str, peer: str) -> dict:
    """Each name's median time, and `ratio`: ours over the peer's (or the floor's)."""
    result = {name: statistics.median(values) for name, values in times.items()}
    result["ratio"] = result[ours] / result[peer]
    return result
