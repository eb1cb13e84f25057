"""The workshop's charts: each team's negative reach, one line per team on one axis.

A team's page draws its own curve; the facilitator's console draws every
team's side by side on the same axes, so that a curve that bends earlier is
seen at once. The time axis spans the whole scenario from the first turn
(the picture only grows); colours are the Okabe-Ito palette (readable with
colour blindness, Okabe & Ito 2008) and each line is also marked differently.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

from cmtraining.i18n import t

#: Okabe & Ito (2008), "Color Universal Design", without the yellow (too pale on white)
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
MARKERS = ("o", "s", "^", "D", "v", "P", "X")
#: equal curves (two teams that did the same) stay visible: the later line is dashed, thinner
#: and smaller-marked over the earlier one, and its legend entry says whose curve it repeats
LINESTYLES = ("-", "--", ":", "-.")
WIDTHS = (3.4, 2.2, 1.4, 1.0)
MARKER_SIZES = (7.0, 5.0, 3.5, 2.5)

Curve = tuple[Sequence[float], Sequence[float]]  # minutes, negative reach


def reach_png(curves: Mapping[str, Curve], lang: str, duration: int, *, title: str) -> bytes:
    """The curves as a PNG (see `reach_figure`)."""
    fig = reach_figure(curves, lang, duration, title=title)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def reach_figure(curves: Mapping[str, Curve], lang: str, duration: int, *, title: str):
    """Negative reach over simulated minutes, one line per team (no pyplot state)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    from cmtraining.core.numbers import count

    fig = Figure(figsize=(8.4, 3.4), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    top, points = 1.0, 0
    drawn: dict[tuple, str] = {}  # a curve already drawn -> the first team that had it
    for n, (name, (minutes, reach)) in enumerate(curves.items()):
        minutes, reach = list(minutes), list(reach)
        points = max(points, len(minutes))
        top = max([top, *reach])
        key = (tuple(minutes), tuple(round(r, 6) for r in reach))
        label = name
        if key in drawn and len(minutes) > 1:  # hidden under the other otherwise
            label = t("app.workshop.chart_same", lang, team=name, other=drawn[key])
        drawn.setdefault(key, name)
        ax.plot(minutes, reach, color=COLOURS[n % len(COLOURS)],
                linewidth=WIDTHS[min(n, len(WIDTHS) - 1)],
                linestyle=LINESTYLES[n % len(LINESTYLES)], marker=MARKERS[n % len(MARKERS)],
                markersize=MARKER_SIZES[min(n, len(MARKER_SIZES) - 1)], label=label,
                zorder=2 + n)  # later (thinner) lines on top of earlier (thicker) ones
    if title:
        ax.set_title(title, loc="left", fontsize=11)
    ax.set_xlim(0, max(duration, 20))
    ax.set_ylim(0, top * 1.15)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=10, integer=True, steps=[1, 2, 3, 5, 6, 10]))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: count(v, lang)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: count(v, lang)))
    ax.set_xlabel(t("app.workshop.chart_minutes", lang))
    ax.set_ylabel(t("app.workshop.chart_reach", lang))
    ax.grid(axis="y", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    if points <= 1:
        ax.text(0.5, 0.55, t("app.workshop.chart_waiting", lang), transform=ax.transAxes,
                ha="center", va="center", fontsize=10, color="#555555")
    if len(curves) > 1:
        fig.legend(loc="outside lower center", ncol=min(len(curves), 6), frameon=False,
                   fontsize=9)
    return fig
