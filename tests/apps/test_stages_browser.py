"""The start page in a real browser numbers the stages as the registry does (issue 19, point 1)."""

from __future__ import annotations

import pytest

from cmtraining.core.stages import STAGES, stage_label
from cmtraining.i18n import t
from tests.conftest import WAIT_MS, needs_chromium

pytestmark = [pytest.mark.browser, needs_chromium]


@pytest.mark.parametrize("lang", ["es", "en"])
def test_start_page_shows_the_notebooks_numbering(server, page, lang):
    page.goto(f"{server['base']}/voila/render/index.ipynb?lang={lang}")
    links = page.locator("a.cm-stage")
    links.first.wait_for(timeout=WAIT_MS)
    shown = [(links.nth(i).get_attribute("data-stage"), links.nth(i).inner_text().strip())
             for i in range(links.count())]
    assert shown == [(s.notebook, f"{stage_label(s)}. {t(f'common.stage.{s.key}', lang)}")
                     for s in STAGES]
    assert shown[0][1].startswith("0a.") and shown[1][1].startswith("0b.")  # one label per stage
