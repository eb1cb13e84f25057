"""The live crisis workshop's pages in the screen sweep (issue 19, sweep 6).

A facilitator creates a workshop from the terminal, starts it, sends an
inject and plays two turns; then the console and one team's page are
opened in Spanish and in English, every chart is waited for (loaded and
with a picture), and each page is saved whole under tests/artifacts/sweep/
to be read by eye, as every stage page is. The workshop is then ended and
the console's debrief is captured too.
"""

from __future__ import annotations

import re

import pytest

from tests.apps.test_browser_sweep import SWEEP, pictures_loaded, watch
from tests.conftest import WAIT_MS, browser_context, needs_chromium, run_cli, whole_page

pytestmark = [pytest.mark.browser, needs_chromium]
SCENARIO = "saas-cloud-outage"  # 15-minute turns
READY = ".cm-workshop-ready"


def workshop_cli(server, *args: str) -> str:
    result = run_cli("workshop", *args, "--lang", "en", env=server["env"])
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def played_workshop(server, lang: str) -> tuple[str, dict[str, str]]:
    """A workshop of two teams two turns in, with an inject: its id and its links."""
    out = workshop_cli(server, "create", "--scenario", SCENARIO, "--teams", "2", "--seed", "7",
                       "--audience", "400", "--team-name", "Rojo" if lang == "es" else "Red",
                       "--team-name", "Verde" if lang == "es" else "Green",
                       "--base-url", server["base"])
    workshop_id = re.search(r"Workshop (w[0-9a-f]+) created", out).group(1)
    links = dict(re.findall(r"^  (.+?): (http\S+)$", out, flags=re.M))
    workshop_cli(server, "start", workshop_id)
    workshop_cli(server, "inject", workshop_id, "--kind", "journalist")
    for _ in range(2):
        workshop_cli(server, "advance", workshop_id)
    return workshop_id, links


OVERFLOW = """() => {
  // the page's column (980 px), to the pixel: before, the chart and the text area ran 110 px
  // past it, then the text area 2 px (its margin), which cut off its right border
  const column = document.querySelector('.cm-workshop-console, .cm-workshop-team');
  const limit = column.getBoundingClientRect().right + 0.5;
  return [...document.querySelectorAll(
      '.cm-workshop-console, .cm-workshop-team, '
      + '.cm-workshop-console img, .cm-workshop-team img, .cm-workshop-console textarea, '
      + '.cm-workshop-team textarea, .cm-workshop-console .widget-textarea, '
      + '.cm-workshop-team .widget-textarea, .cm-workshop-team .widget-dropdown, '
      + '.cm-ws-columns, .cm-ws-team, .cm-ws-debrief, .cm-ws-debrief p')]
    .filter(e => e.getBoundingClientRect().right > limit)
    .map(e => `${e.tagName}.${e.className} ends at ${Math.round(e.getBoundingClientRect().right)}`
             + ` > ${Math.round(limit)}`);
}"""


def captured(page, address: str, name: str, outside: list, failed: list) -> None:
    page.goto(address)
    page.locator(READY).first.wait_for(timeout=WAIT_MS)
    assert page.locator("html").get_attribute("lang") == name.rsplit("-", 1)[1]
    page.wait_for_load_state("networkidle", timeout=WAIT_MS)
    pictures_loaded(page, name)
    whole_page(page, name, SWEEP)
    # the chart, the inject's text area and the teams' columns stay in the content column
    assert page.evaluate(OVERFLOW) == [], name
    assert outside == [], f"{name}: requests left the machine: {outside}"
    assert failed == [], f"{name}: failed loads: {failed}"


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_workshop_pages_load_offline_and_are_captured_whole(server, browser, lang):
    workshop_id, links = played_workshop(server, lang)
    team = "Rojo" if lang == "es" else "Red"
    context = browser_context(browser, locale="en-US" if lang == "es" else "es-ES")
    page = context.new_page()
    outside, failed = watch(page)
    try:
        captured(page, f"{links['facilitator']}&lang={lang}", f"workshop-console-{lang}",
                 outside, failed)
        assert page.locator(".cm-ws-team").count() == 2
        captured(page, f"{links[team]}&role=lead&lang={lang}", f"workshop-team-{lang}",
                 outside, failed)
        assert page.locator(".cm-ws-inbox .cm-ws-inject").count() >= 1
        # the end, and the room's debrief on the console
        workshop_cli(server, "end", workshop_id)
        page.goto(f"{links['facilitator']}&lang={lang}&debrief_runs=10")  # the fewest runs
        page.locator(READY).first.wait_for(timeout=WAIT_MS)
        button = page.locator("button.cm-ws-debrief-button")
        button.wait_for(timeout=WAIT_MS)
        page.wait_for_function("b => !b.disabled", arg=button.element_handle(), timeout=WAIT_MS)
        button.click()
        page.locator(".cm-ws-ranking").wait_for(timeout=WAIT_MS)
        assert page.locator(".cm-ws-rank").count() == 2
        # neither team published anything: one shared rank, and no difference claimed
        assert page.locator(".cm-ws-rank").evaluate_all(
            "rows => rows.map(r => r.dataset.rank)") == ["1", "1"]
        best = page.locator(".cm-ws-best").inner_text()
        assert ("Ningún equipo publicó" if lang == "es" else "No team published") in best
        pictures_loaded(page, f"workshop-debrief-{lang}")
        whole_page(page, f"workshop-debrief-{lang}", SWEEP)
        assert page.evaluate(OVERFLOW) == [], "debrief"  # its lines wrap, its table scrolls
        assert failed == [], f"debrief: failed loads: {failed}"
    finally:
        context.close()
