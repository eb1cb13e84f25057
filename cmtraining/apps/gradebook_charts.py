"""The gradebook notebook's two charts: the spread of grades and the checks that cost points."""

from __future__ import annotations

import io
import textwrap

from cmtraining.core.charts import PALETTE
from cmtraining.grading.cohort import CheckShare, histogram
from cmtraining.i18n import t

BLUE, VERMILION = PALETTE[0], PALETTE[5]


def _figure(height: float):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8.4, height), dpi=100, layout="constrained")
    return fig, fig.add_subplot()


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _percent(value: float, lang: str) -> str:
    """`value` in percent points (0-100), as the axes are."""
    from cmtraining.core.numbers import percent

    return percent(value / 100, lang, decimals=0)


def distribution_png(shares: tuple[float, ...], risk: int, title: str, lang: str) -> bytes:
    """Trainees per tenth of the points; the tenths below the risk mark in vermilion."""
    fig, ax = _figure(3.2)
    counts = histogram(shares)
    lefts = [10 * i for i in range(len(counts))]
    colours = [VERMILION if left + 10 <= risk else BLUE for left in lefts]
    ax.bar([x + 5 for x in lefts], counts, width=9, color=colours)
    ax.axvline(risk, color="#333333", linestyle="--", linewidth=1)
    ax.text(risk, max(counts + [1]) * 0.98, " " + t("app.gradebook.risk_mark", lang, share=risk),
            va="top", fontsize=9)
    ax.set_xlim(0, 100)
    ax.set_xticks(range(0, 101, 10), [_percent(x, lang) for x in range(0, 101, 10)])
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_ylabel(t("app.gradebook.trainees", lang))
    ax.set_title(t("app.gradebook.distribution", lang, exercise=title), loc="left", fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", alpha=0.3)
    return _png(fig)


def checks_png(checks: tuple[CheckShare, ...], risk: int, title: str, lang: str) -> bytes:
    """Mean share of each check's points, weakest first; below the risk mark in vermilion."""
    ordered = sorted(checks, key=lambda c: c.mean_share)
    fig, ax = _figure(1.0 + 0.45 * max(len(ordered), 1))
    labels = ["\n".join(textwrap.wrap(c.title, 42)[:2]) for c in ordered]
    values = [100 * c.mean_share for c in ordered]
    ax.barh(range(len(ordered)), values, color=[VERMILION if v < risk else BLUE for v in values])
    ax.set_yticks(range(len(ordered)), labels, fontsize=9)
    ax.invert_yaxis()  # weakest on top
    for y, v in enumerate(values):
        ax.text(min(v + 1, 92), y, _percent(v, lang), va="center", fontsize=9)
    ax.set_xlim(0, 100)
    ax.xaxis.set_major_formatter(lambda v, _: _percent(v, lang))
    ax.set_title(t("app.gradebook.per_check", lang, exercise=title), loc="left", fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x", alpha=0.3)
    return _png(fig)
