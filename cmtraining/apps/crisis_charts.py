"""The live chart of a crisis exercise: new negative posts per step, the outraged public, reach.

The time axis spans the whole exercise from the first turn, so a chart with
one point is readable (not one bar stretched from -2 to +2 minutes) and the
picture only grows; the legend sits below the plot, never over the data;
tick labels are written as the reader writes numbers (`cmtraining.core.numbers`).
"""

from __future__ import annotations

import io

from cmtraining.i18n import t

STEP = 5  # minutes per simulation step (crisis.exercise.MINUTES_PER_STEP)


def live_png(frame, lang: str, duration: int | None = None) -> bytes:
    fig = live_figure(frame, lang, duration)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def live_figure(frame, lang: str, duration: int | None = None):
    """The chart as a Matplotlib figure (no pyplot state): the frame so far, axis to `duration`."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    from cmtraining.core.numbers import count, decimal

    fig = Figure(figsize=(8.4, 3.3), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    run = frame[frame["run"] == frame["run"].min()]
    end = max(duration or 0, int(run["minute"].max()) if len(run) else 0, 4 * STEP)
    ax.bar(run["minute"] + STEP / 2, run["new_negative"], width=STEP * 0.8, color="#D55E00",
           label=t("app.crisis.chart.new_negative", lang))
    ax.plot(run["minute"], run["outraged"], color="#000000", linewidth=1.5, marker="o",
            markersize=3, label=t("app.crisis.chart.outraged", lang))
    ax.plot(run["minute"], run["calmed"], color="#009E73", linewidth=1.5, marker="o",
            markersize=3, label=t("app.crisis.chart.calmed", lang))
    reach = int(run["negative_reach"].iloc[-1]) if len(run) else 0
    ax.set_title(t("app.crisis.chart.title", lang, reach=count(reach, lang)), loc="left",
                 fontsize=11)
    ax.set_xlim(0, end)
    top = max([1.0, *run["new_negative"], *run["outraged"], *run["calmed"]])
    ax.set_ylim(0, top * 1.15)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=10, integer=True, steps=[1, 2, 3, 5, 6, 10]))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: count(v, lang)))
    ax.yaxis.set_major_formatter(FuncFormatter(
        lambda v, _: count(v, lang) if float(v).is_integer() else decimal(v, lang, trim=True)))
    ax.set_xlabel(t("app.crisis.chart.minutes", lang))
    ax.grid(axis="y", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    if len(run) <= 1:  # the first turn: say the chart fills in, rather than show a lone bar
        ax.text(0.5, 0.55, t("app.crisis.play.chart.waiting", lang), transform=ax.transAxes,
                ha="center", va="center", fontsize=10, color="#555555")
    fig.legend(loc="outside lower center", ncol=3, frameon=False, fontsize=9)
    return fig
