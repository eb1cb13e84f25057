"""The coherence panel of a stage app in a real browser (Voila + Playwright)."""

from __future__ import annotations

import pytest

from tests.conftest import WAIT_MS, needs_chromium, run_cli

pytestmark = [pytest.mark.browser, needs_chromium]


def test_objectives_app_shows_where_the_strategy_contradicts_itself(server, page):
    run_cli("new", "--org", "library", "--trainee", "Coherencia", env=server["env"])
    page.goto(f"{server['base']}/voila/render/01-objectives.ipynb?workbook=coherencia&lang=en")
    panel = page.locator(".cm-coherence")
    panel.get_by_text("No objective serves the goal").first.wait_for(timeout=WAIT_MS)
    assert panel.get_by_text("Coherence with the rest of the strategy").is_visible()
    page.locator("button.cm-add-objective").click()  # a followers objective for the first goal
    panel.get_by_text("is about people acting").wait_for(timeout=WAIT_MS)
    assert panel.locator("[data-code='coherence.objectives.goal_unmeasured']").count() == 1
