"""The start page in a real browser numbers the stages as the registry does (issue 19, point 1)."""

from __future__ import annotations

import pytest

from cmtraining.i18n import t
from cmtraining.stages import STAGES

from .test_browser import WAIT_MS, browser, page, server  # noqa: F401 - shared fixtures

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["es", "en"])
def test_start_page_shows_the_notebooks_numbering(server, page, lang):  # noqa: F811
    page.goto(f"{server['base']}/voila/render/index.ipynb?lang={lang}")
    links = page.locator("a.cm-stage")
    links.first.wait_for(timeout=WAIT_MS)
    shown = [(links.nth(i).get_attribute("data-stage"), links.nth(i).inner_text().strip())
             for i in range(links.count())]
    assert shown == [(s.notebook, f"{s.number}. {t(f'stage.{s.key}', lang)}") for s in STAGES]
