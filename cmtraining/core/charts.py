"""What every chart shares: the palette, an off-screen figure, its PNG bytes.

Charts are drawn with matplotlib's Agg backend into PNG bytes: an
`ipywidgets.Image` needs no front-end extension for them, they look the same
in Voila, JupyterLab, a papermill output and the HTML report, and they stay
offline. matplotlib is imported on first use, so importing this is cheap.
"""

from __future__ import annotations

import io

# Okabe-Ito palette: distinguishable with the common colour-vision deficiencies
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000", "#999999")


def new_figure(**options):
    """A matplotlib `Figure` on the Agg backend (no pyplot state, no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    return Figure(**options)


def png_bytes(fig) -> bytes:
    """The figure as PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def date_axis(axis, lang: str, *, monthly: bool = False, max_ticks: int = 8) -> None:
    """Ticks on a date axis (an Axes' `xaxis`) whose labels never repeat (issue 19).

    Months on a long range or for `monthly` data ("ago 2026" / "Aug 2026"), days
    on a short one ("29 ago" / "Aug 29"): see `cmtraining.core.date_ticks`.
    """
    from cmtraining.core.date_ticks import DateLabels, DateTicks

    locator = DateTicks(monthly=monthly, max_ticks=max_ticks)
    axis.set_major_locator(locator)
    axis.set_major_formatter(DateLabels(locator, lang))
