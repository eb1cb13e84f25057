"""The date axes of the charts: every tick label said once (issue 19: "ago 26" four times)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from cmtraining.core.charts import date_axis, new_figure
from cmtraining.evaluation.charts import baseline_figure
from cmtraining.workbook.models import ChannelMonth


def tick_labels(fig) -> list[str]:
    """The x tick labels a reader sees on the drawn figure's first axes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig).draw()  # drawn as png_bytes draws it (layout included)
    ax = fig.axes[0]
    low, high = sorted(ax.get_xlim())
    return [label.get_text() for label, tick in zip(ax.get_xticklabels(), ax.get_xticks(),
                                                   strict=True)
            if low <= tick <= high and label.get_text()]


def months(count: int, first: date = date(2026, 3, 1)) -> list[date]:
    out = [first]
    while len(out) < count:
        last = out[-1]
        out.append(date(last.year + last.month // 12, last.month % 12 + 1, 1))
    return out


def rows(count: int, networks=("instagram", "facebook")) -> list[ChannelMonth]:
    return [ChannelMonth(network=net, month=m, followers=1000 + 10 * i, posts=12, reach=900,
                         impressions=1800, reactions=40, comments=5, shares=3, link_clicks=7)
            for i, m in enumerate(months(count)) for net in networks]


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("count", [1, 2, 3, 4, 5, 7, 12, 13, 24, 60])
def test_the_evaluation_chart_names_each_month_once(count, lang):
    labels = tick_labels(baseline_figure(rows(count), "followers", lang))
    assert labels, "no month on the axis"
    assert len(labels) == len(set(labels)), labels
    assert len(labels) <= 12
    # each label is a month as the reader writes it, with its whole year on the first tick and
    # where the year changes ("nov 2025", "dic", "ene 2026"): "Aug 26" reads as the 26th
    def name(m):
        return (f"{'mar abr may jun jul ago sept oct nov dic ene feb'.split()[(m.month - 3) % 12]}"
                if lang == "es" else f"{m:%b}")
    every = months(count + 12, date(2025, 3, 1))
    assert set(labels) <= {name(m) for m in every} | {f"{name(m)} {m:%Y}" for m in every}, labels
    assert labels[0].endswith((" 2025", " 2026", " 2027", " 2028", " 2029", " 2030"))
    if count <= 12:  # up to a year: every month has its tick, and only those
        assert labels == [f"{name(m)} {m:%Y}" if i == 0 or m.year != months(count)[i - 1].year
                          else name(m) for i, m in enumerate(months(count))]


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("days", [1, 2, 5, 14, 28, 45, 92, 93, 200, 800])
def test_a_daily_date_axis_never_repeats_a_label(days, lang):
    fig = new_figure(figsize=(8.4, 3.3), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    start = date(2026, 7, 20)
    xs = [start + timedelta(days=n) for n in range(days)]
    ax.bar(xs, [n % 5 + 1 for n in range(days)], width=0.85)
    date_axis(ax.xaxis, lang)
    labels = tick_labels(fig)
    assert labels and len(labels) == len(set(labels)), labels
    assert len(labels) <= 8
    if days <= 80:  # a short range (the margins count too): days with their month ("29 jul" / "Jul 29")
        assert all(any(ch.isdigit() for ch in label.split()[0 if lang == "es" else 1])
                   for label in labels), labels


@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_years_month_labels_do_not_overlap_beside_a_wide_legend(lang):
    """A wide legend leaves the axis less room: every other month then, never labels on labels."""
    networks = ("whatsapp_channels", "instagram", "facebook", "linkedin", "youtube", "tiktok")
    fig = baseline_figure(rows(12, networks), "engagement_rate_reach", lang)
    labels = tick_labels(fig)
    assert len(labels) >= 6 and len(labels) == len(set(labels))
    renderer = fig.canvas.get_renderer()
    boxes = sorted((label.get_window_extent(renderer) for label in fig.axes[0].get_xticklabels()
                    if label.get_text()), key=lambda box: box.x0)
    assert all(a.x1 < b.x0 for a, b in zip(boxes, boxes[1:], strict=False)), "labels overlap"
