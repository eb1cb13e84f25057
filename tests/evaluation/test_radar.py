"""The self-assessment radar: every label outside the outer circle and inside the picture."""

from __future__ import annotations

import math

import pytest

from cmtraining.evaluation import competency as engine
from cmtraining.evaluation.charts import radar_figure


def _label_boxes(fig):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig).draw()  # as png_bytes draws it
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    texts = [t for t in ax.texts if t.get_text().strip()]
    texts += [t for t in ax.get_xticklabels() if t.get_text().strip()]
    return ax, [t.get_window_extent(renderer) for t in texts], texts


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("kind", ["competency", "area"])
def test_no_radar_label_is_crossed_by_the_circle(lang, kind):
    """"Comunicación y relaciones públicas", "Constancia", "Ortografía" were crossed."""
    quest = engine.questionnaire()
    means = {g.id: 3.5 for g in quest.groups if g.kind == kind}
    fig = radar_figure(means, "radar", lang)
    ax, boxes, texts = _label_boxes(fig)
    assert len(boxes) == len(means)
    cx, cy = ax.transData.transform((0, 0))
    # the outer circle's radius on screen: the axis' end at r = 5, in any direction
    ex, ey = ax.transData.transform((0, 5))
    radius = math.hypot(ex - cx, ey - cy)
    width, height = fig.canvas.get_width_height()
    for box, text in zip(boxes, texts, strict=True):
        # the box's point nearest the centre lies outside the circle
        nx = min(max(cx, box.x0), box.x1)
        ny = min(max(cy, box.y0), box.y1)
        assert math.hypot(nx - cx, ny - cy) > radius + 2, text.get_text()
        assert 0 <= box.x0 and box.x1 <= width and 0 <= box.y0 and box.y1 <= height, text.get_text()
