"""Charts for the apps, drawn with matplotlib (Agg) into PNG bytes.

PNG in an `ipywidgets.Image` needs no front-end extension, works the same
in Voila, JupyterLab and a papermill output, and stays offline.
"""

from __future__ import annotations

import io
import math
import textwrap

from cmtraining.evaluation.baseline import series
from cmtraining.i18n import t
from cmtraining.workbook.models import ChannelMonth

# Okabe-Ito palette: distinguishable with the common colour-vision deficiencies
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000", "#999999")


def baseline_png(rows: list[ChannelMonth], metric: str, lang: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    fig = Figure(figsize=(8.4, 3.4), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    data = series(rows, metric)
    percent = metric == "engagement_rate_reach"
    for colour, (net, points) in zip(PALETTE, data.items(), strict=False):
        xs = [m for m, v in points if v is not None]
        ys = [v * 100 if percent else v for _, v in points if v is not None]
        ax.plot(xs, ys, marker="o", markersize=3, color=colour, label=t(f"network.{net}", lang))
    ax.set_title(t(f"metric.{metric}", lang), loc="left", fontsize=11)
    sep = "." if lang == "es" else ","
    ax.yaxis.set_major_formatter(FuncFormatter(
        (lambda v, _: f"{v:.1f} %".replace(".", ",")) if percent and lang == "es"
        else (lambda v, _: f"{v:.1f}%") if percent
        else (lambda v, _: f"{v:,.0f}".replace(",", sep))))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _month_label(v, lang)))
    ax.grid(alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    if data:
        ax.legend(frameon=False, fontsize=9, loc="upper left", bbox_to_anchor=(1, 1))
    else:
        ax.text(0.5, 0.5, t("profile.no_metrics", lang), ha="center", transform=ax.transAxes)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _month_label(value: float, lang: str) -> str:
    from matplotlib.dates import num2date

    month = num2date(value)
    return f"{t(f'month.{month.month}', lang)} {month:%y}"


def radar_png(means: dict[str, float | None], title: str, lang: str, colour: str = PALETTE[0]) -> bytes:
    """A radar (polar) chart of 1-5 means as PNG; unanswered axes sit at the centre."""
    import matplotlib

    from cmtraining.evaluation import competency as engine
    from cmtraining.planning.findings import Number

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4.9, 4.7), dpi=100)
    # fixed margins: constrained layout ignores the polar tick labels and clips them
    fig.subplots_adjust(left=0.2, right=0.8, top=0.8, bottom=0.14)
    ax = fig.add_subplot(projection="polar")
    ax.set_theta_offset(math.pi / 2)
    ax.set_theta_direction(-1)
    groups = list(means)
    angles = [2 * math.pi * k / len(groups) for k in range(len(groups))]
    values = [means[g] or 0.0 for g in groups]
    ax.plot([*angles, angles[0]], [*values, values[0]], color=colour, linewidth=2)
    ax.fill([*angles, angles[0]], [*values, values[0]], color=colour, alpha=0.25)
    answered = [(a, v) for a, v, g in zip(angles, values, groups, strict=True) if means[g] is not None]
    if answered:
        ax.scatter(*zip(*answered, strict=True), color=colour, s=18, zorder=3)
    ax.set_ylim(0, 5)
    ax.set_yticks(engine.SCALE)
    ax.set_yticklabels([str(v) for v in engine.SCALE], fontsize=7, color="#5f6368")
    ax.set_xticks(angles)
    labels = []
    for g in groups:
        value = (Number(engine._display(means[g])).render(lang) if means[g] is not None
                 else t("competency.no_answer", lang))
        labels.append(textwrap.fill(t(f"competency.name.{g}", lang), 16) + f"\n{value}")
    ax.set_xticklabels(labels, fontsize=8)
    ax.tick_params(axis="x", pad=10)
    ax.grid(alpha=0.4)
    fig.suptitle(title, x=0.02, ha="left", fontsize=11)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
