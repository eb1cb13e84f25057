"""The live chart of a crisis exercise: new negative posts per step, the outraged public, reach."""

from __future__ import annotations

import io

from cmtraining.i18n import t


def live_png(frame, lang: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8.4, 3.0), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    run = frame[frame["run"] == frame["run"].min()]
    ax.bar(run["minute"], run["new_negative"], width=4, color="#D55E00",
           label=t("crisis_app.chart.new_negative", lang))
    ax.plot(run["minute"], run["outraged"], color="#000000", linewidth=1.5,
            label=t("crisis_app.chart.outraged", lang))
    ax.plot(run["minute"], run["calmed"], color="#009E73", linewidth=1.5,
            label=t("crisis_app.chart.calmed", lang))
    reach = int(run["negative_reach"].iloc[-1]) if len(run) else 0
    ax.set_title(t("crisis_app.chart.title", lang, reach=f"{reach:,}".replace(
        ",", "." if lang == "es" else ",")), loc="left", fontsize=11)
    ax.set_xlabel(t("crisis_app.chart.minutes", lang))
    ax.grid(axis="y", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(frameon=False, fontsize=9, loc="upper left")
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
