"""The evaluation's charts: an organization's baseline and the self-assessment radar.

Drawn off-screen into PNG bytes (`cmtraining.core.charts`), so the apps show
them in an `ipywidgets.Image` and the report embeds them, from one drawing.
"""

from __future__ import annotations

import math
import textwrap

from cmtraining.core.charts import PALETTE, date_axis, new_figure, png_bytes
from cmtraining.i18n import t
from cmtraining.metrics.baseline import series
from cmtraining.workbook.models import ChannelMonth

#: the baseline chart names every month of a year: more are thinned to calendar steps
MONTH_TICKS = 12


def baseline_png(rows: list[ChannelMonth], metric: str, lang: str) -> bytes:
    """`baseline_figure` as PNG bytes."""
    return png_bytes(baseline_figure(rows, metric, lang))


def baseline_figure(rows: list[ChannelMonth], metric: str, lang: str):
    """One line per network of a monthly metric; one x tick per month, never one label twice."""
    from matplotlib.ticker import FuncFormatter

    fig = new_figure(figsize=(8.4, 3.4), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    data = series(rows, metric)
    percent = metric == "engagement_rate_reach"
    for colour, (net, points) in zip(PALETTE, data.items(), strict=False):
        xs = [m for m, v in points if v is not None]
        ys = [v * 100 if percent else v for _, v in points if v is not None]
        ax.plot(xs, ys, marker="o", markersize=3, color=colour, label=t(f"common.network.{net}", lang))
    ax.set_title(t(f"common.metric.{metric}", lang), loc="left", fontsize=11)
    sep = "." if lang == "es" else ","
    ax.yaxis.set_major_formatter(FuncFormatter(
        (lambda v, _: f"{v:.1f} %".replace(".", ",")) if percent and lang == "es"
        else (lambda v, _: f"{v:.1f}%") if percent
        else (lambda v, _: f"{v:,.0f}".replace(",", sep))))
    if data:
        # a point is a month's total: a tick on each month up to a year, then on quarters...
        date_axis(ax.xaxis, lang, monthly=True, max_ticks=MONTH_TICKS)
    else:
        ax.set_xticks([])
    ax.grid(alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    if data:
        ax.legend(frameon=False, fontsize=9, loc="upper left", bbox_to_anchor=(1, 1))
    else:
        ax.text(0.5, 0.5, t("app.profile.no_metrics", lang), ha="center", transform=ax.transAxes)
    return fig


#: radar labels: wrapped at this many characters, set this far outside the outer circle
RADAR_WRAP = 15
RADAR_LABEL_R = 5.45


def radar_png(means: dict[str, float | None], title: str, lang: str, colour: str = PALETTE[0]) -> bytes:
    """`radar_figure` as PNG bytes."""
    return png_bytes(radar_figure(means, title, lang, colour))


def radar_figure(means: dict[str, float | None], title: str, lang: str, colour: str = PALETTE[0]):
    """A radar (polar) chart of 1-5 means; unanswered axes sit at the centre.

    Each area's label sits outside the outer circle, anchored on its side away
    from the centre (a label on the right starts at its axis' end, one on the
    left ends there), so no label is crossed by the circle
    ("Comunicación y relaciones públicas" was, as polar tick labels centre
    themselves on the axis' end)."""
    from cmtraining.core.findings import Number
    from cmtraining.evaluation import competency as engine

    fig = new_figure(figsize=(5.6, 5.0), dpi=100)
    # fixed margins: room for the labels outside the circle on every side
    fig.subplots_adjust(left=0.25, right=0.75, top=0.78, bottom=0.16)
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
    ax.set_xticklabels([])
    for angle, g in zip(angles, groups, strict=True):
        value = (Number(engine.display_score(means[g])).render(lang) if means[g] is not None
                 else t("evaluation.competency.no_answer", lang))
        label = textwrap.fill(t(f"evaluation.competency.name.{g}", lang), RADAR_WRAP) + f"\n{value}"
        # on screen the axis points to (sin, cos): clockwise from the top
        x, y = math.sin(angle), math.cos(angle)
        ha = "left" if x > 0.15 else "right" if x < -0.15 else "center"
        va = "bottom" if y > 0.15 else "top" if y < -0.15 else "center"
        ax.text(angle, RADAR_LABEL_R, label, ha=ha, va=va, fontsize=8, clip_on=False,
                multialignment="center", gid=f"radar-label-{g}")
    ax.grid(alpha=0.4)
    fig.suptitle(title, x=0.02, ha="left", fontsize=11)
    return fig
