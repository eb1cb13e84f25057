"""The crisis exercise in a real browser, in Spanish (issue 21.1-21.4).

A statement is checked as a statement, a reply against the post the trainee
chose, and the timeline keeps every earlier post and action.
"""

from __future__ import annotations

import pytest

from tests.conftest import ARTIFACTS, WAIT_MS, needs_chromium, run_cli

pytestmark = [pytest.mark.browser, needs_chromium]

STATEMENT = ("Si tenéis en casa cruasanes rellenos del sábado, no los consumáis si alguien "
             "tiene alergia a los frutos secos. Lo sentimos mucho: una bandeja se etiquetó mal en "
             "el obrador. Hemos retirado la bollería de ese día. Actualizaremos a las 14:00.")
REPLY = "@marc_ruzafa eran del sábado: no los consumáis y os devolvemos el dinero en tienda."


def test_crisis_exercise_reply_to_a_chosen_post_and_a_growing_timeline(server, page):
    run_cli("new", "--org", "cafe", "--trainee", "Rocío", env=server["env"])
    page.goto(f"{server['base']}/voila/render/05-crisis.ipynb?workbook=rocio&graph_size=600")
    page.locator("button.cm-start").wait_for(timeout=WAIT_MS)
    page.locator("button.cm-start").click()
    page.locator(".cm-clock").get_by_text("Minuto 0").wait_for(timeout=WAIT_MS)
    page.locator(".cm-strategy select").select_option(label="disculpa")
    page.locator(".cm-crisis-text textarea").fill(STATEMENT)
    page.locator("button.cm-add-action").click()
    pending = page.locator(".cm-pending")
    pending.get_by_text("Revisado como comunicado público").wait_for(timeout=WAIT_MS)
    assert "No nombras" not in pending.inner_text()
    pending.screenshot(path=str(ARTIFACTS / "crisis-play-es-statement.png"))
    for turn in (2, 3):
        page.locator("button.cm-end-turn").click()
        page.locator(".cm-clock").get_by_text(f"turno {turn}").wait_for(timeout=WAIT_MS)
    page.locator(".cm-action-kind select").select_option(label="Respuesta")
    choice = page.locator(".cm-reply-to select")
    choice.wait_for(state="visible", timeout=WAIT_MS)
    marc = next(o for o in choice.locator("option").all_inner_texts()
                if o.startswith("@marc_ruzafa"))
    choice.select_option(label=marc)
    page.locator(".cm-crisis-text textarea").fill(REPLY)
    page.locator("button.cm-add-action").click()
    pending.get_by_text("Revisado como respuesta a @marc_ruzafa").wait_for(timeout=WAIT_MS)
    text = pending.inner_text()
    assert "laura_ruzafa" not in text and "Faltan la hora" not in text
    pending.screenshot(path=str(ARTIFACTS / "crisis-play-es-reply.png"))
    page.locator("button.cm-end-turn").click()
    page.locator(".cm-clock").get_by_text("turno 4").wait_for(timeout=WAIT_MS)
    # the clock and the timeline are two widgets updated one after the other: the reply is
    # waited for in the timeline itself (read right after the clock, it was not there yet)
    page.locator(".cm-crisis-inbox").get_by_text("a @marc_ruzafa").first.wait_for(
        timeout=WAIT_MS)
    feed = page.locator(".cm-crisis-inbox").inner_text()
    assert "una bandeja se etiquetó mal" in feed  # the turn-1 statement is still shown
    assert "a @marc_ruzafa" in feed
    assert feed.count("¿de qué día eran esos cruasanes?") == 1
    page.screenshot(path=str(ARTIFACTS / "crisis-play-es-turn4.png"), full_page=True)
