"""Charts of the listening audit: daily volume by sentiment with alerts, share of voice."""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta

from cmtraining.core.numbers import percent
from cmtraining.i18n import t

SENTIMENT_COLOURS = {"positive": "#009E73", "neutral": "#BBBBBB", "negative": "#D55E00"}


def _figure(height: float = 3.3):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    return Figure(figsize=(8.4, height), dpi=100, layout="constrained")


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def volume_png(daily, limits, alerts, lang: str) -> bytes:
    """Stacked daily mentions by sentiment; the alert threshold on negatives; alert days marked;
    collection gaps (days without data) hatched in grey."""
    fig = _figure()
    ax = fig.add_subplot()
    if not len(daily):
        ax.text(0.5, 0.5, t("app.listening.no_dates", lang), ha="center", transform=ax.transAxes)
        ax.set_axis_off()
        return _png(fig)
    days = list(daily["day"])
    bottom = [0] * len(days)
    for label in ("negative", "neutral", "positive"):
        values = list(daily[label])
        ax.bar(days, values, bottom=bottom, color=SENTIMENT_COLOURS[label], width=0.85,
               label=t(f"listening.sentiment.label.{label}", lang))
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    gaps = [d for d, gap in zip(days, daily["missing"], strict=True) if gap] \
        if "missing" in daily else []
    for number, day in enumerate(gaps):  # a gap is missing data, not a quiet day
        middle = datetime.combine(day, time())  # bars are centred on the day
        ax.axvspan(middle - timedelta(hours=12), middle + timedelta(hours=12), facecolor="#EEEEEE",
                   hatch="//", edgecolor="#999999", linewidth=0,
                   label=t("app.listening.importer_chart.gap", lang) if number == 0 else None)
    # the threshold line breaks over gaps (nan), where there is no threshold
    first = next((i for i, lim in enumerate(limits) if lim), len(limits))
    xs = days[first:]
    ys = [lim[1] if lim else float("nan") for lim in limits[first:]]
    if xs:
        ax.step(xs, ys, where="mid", color="#000000", linewidth=1.2, linestyle="--",
                label=t("app.listening.threshold", lang))
    for alert in alerts:
        ax.annotate("▲", (alert.day, alert.count), ha="center", va="bottom", color="#B3261E",
                    fontsize=12)
    ax.set_title(t("app.listening.volume_title", lang), loc="left", fontsize=11)
    ax.grid(axis="y", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(frameon=False, fontsize=9, loc="upper left")
    from cmtraining.core.charts import date_axis

    date_axis(ax.xaxis, lang)  # days ("29 oct"), or months on a long import: never one twice
    fig.autofmt_xdate()
    return _png(fig)


def share_png(sov, own: str, lang: str) -> bytes:
    """Share of voice: one horizontal bar per brand, the organization in colour."""
    fig = _figure(1.0 + 0.45 * max(len(sov), 1))
    ax = fig.add_subplot()
    if not len(sov):
        ax.text(0.5, 0.5, t("app.listening.no_competitors", lang), ha="center",
                transform=ax.transAxes)
        ax.set_axis_off()
        return _png(fig)
    brands = list(sov["brand"])[::-1]
    shares = [s * 100 for s in sov["share"]][::-1]
    colours = ["#0072B2" if brand == own else "#999999" for brand in brands]
    ax.barh(brands, shares, color=colours)
    for y, value in enumerate(shares):
        ax.text(value + 0.5, y, percent(value / 100, lang), va="center", fontsize=9)
    ax.set_xlim(0, max(shares) * 1.2)
    from matplotlib.ticker import FuncFormatter

    # the axis in percent as the bars' labels are (sweep 6: "0 … 60" without a unit)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: percent(v / 100, lang, decimals=0)))
    ax.set_title(t("app.listening.sov_title", lang), loc="left", fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)
