"""Trainee screens of stages 2-5 and the self-assessment in a real browser, in Spanish.

Issues 19 and 21: what a test can hold of what the trainee sees (a refusal
beside its field, a message beside its button, fields inside the text
column, both radars drawn). Each page's screenshot, whole, is kept in
tests/artifacts for reading by eye.
"""

from __future__ import annotations

import pytest
import yaml

from tests.conftest import WAIT_MS, needs_chromium, run_cli, wait_for, whole_page

pytestmark = [pytest.mark.browser, needs_chromium]


def box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def test_negative_hours_are_refused_beside_the_field(server, page):
    run_cli("new", "--org", "cafe", "--trainee", "Horas Negativas", env=server["env"])
    path = server["workspace"] / "horas-negativas.yaml"
    page.goto(f"{server['base']}/voila/render/02-audiences-networks.ipynb"
              "?workbook=horas-negativas&lang=es")
    hours = page.locator(".cm-hours input")
    hours.wait_for(timeout=WAIT_MS)
    before = yaml.safe_load(path.read_text(encoding="utf-8"))["resources"]["hours_per_week"]
    hours.fill("-5")
    hours.press("Tab")
    message = page.locator(".cm-hours-status", has_text="no pueden ser negativas")
    message.wait_for(timeout=WAIT_MS)
    field, shown = box(page, ".cm-hours"), message.bounding_box()
    assert abs(shown["y"] - field["y"]) < 40  # on the field's line, not 1,400 px away
    assert hours.input_value() == "-5"
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["resources"]["hours_per_week"] == before
    assert page.get_by_text("elige al menos una red").is_visible()  # checks are never empty
    page.locator("button.cm-add-persona").click()
    page.locator(".cm-roles button", has_text="Añadir").click()
    chooser = page.locator(".cm-roles .cm-check-list").first  # ticks, as networks and formats
    chooser.wait_for(timeout=WAIT_MS)
    assert "Cliente\xa0habitual" in chooser.inner_text().replace(" ", "\xa0")
    assert "local_regular" not in chooser.inner_text()
    whole_page(page, "screens-audiences-es")


def test_generate_without_pillars_answers_beside_the_button(server, page):
    run_cli("new", "--org", "cafe", "--trainee", "Sin Pilares", env=server["env"])
    page.goto(f"{server['base']}/voila/render/03-content-plan.ipynb?workbook=sin-pilares&lang=es")
    button = page.locator("button.cm-generate")
    button.wait_for(timeout=WAIT_MS)
    assert page.get_by_text("Variante del calendario").first.is_visible()
    button.click()
    message = page.locator(".cm-generate-status", has_text="no tiene pilares")
    message.wait_for(timeout=WAIT_MS)
    assert 0 <= message.bounding_box()["y"] - button.bounding_box()["y"] < 150
    assert page.locator(".cm-status .cm-error").count() == 0  # nothing at the top of the page
    whole_page(page, "screens-content-es")


def test_inbox_and_reply_stay_inside_the_text_column(server, page):
    run_cli("new", "--org", "cafe", "--trainee", "Columna", env=server["env"])
    page.goto(f"{server['base']}/voila/render/04-response.ipynb?workbook=columna&lang=es")
    page.locator(".cm-inbox select").wait_for(timeout=WAIT_MS)
    column = box(page, ".cm-app")  # the header's text column
    right = column["x"] + column["width"]
    for selector in (".cm-inbox select", ".cm-reply textarea", ".cm-response-app textarea"):
        field = box(page, selector)
        assert field["x"] + field["width"] <= right + 1, selector
    page.get_by_text("Cómo de fiable es la clasificación automática").wait_for(timeout=WAIT_MS)
    whole_page(page, "screens-response-es")


def test_holding_statements_are_paragraph_boxes(server, page):
    run_cli("new", "--org", "cafe", "--trainee", "Protocolo", env=server["env"])
    page.goto(f"{server['base']}/voila/render/05-crisis.ipynb?workbook=protocolo&lang=es")
    page.get_by_role("button", name="Partir de un protocolo por defecto").click(timeout=WAIT_MS)
    area = page.locator(".cm-rows textarea").first
    area.wait_for(timeout=WAIT_MS)
    size = area.bounding_box()
    assert size["height"] > 60 and size["width"] > 400  # not a one-line 190 px input
    column = box(page, ".cm-app")
    assert size["x"] + size["width"] <= column["x"] + column["width"] + 1
    whole_page(page, "screens-crisis-protocol-es")


def test_both_radars_draw_and_the_groups_say_to_open_them(server, page):
    run_cli("new", "--org", "cafe", "--trainee", "Radar", env=server["env"])
    page.goto(f"{server['base']}/voila/render/07-self-assessment.ipynb?workbook=radar&lang=es")
    page.get_by_text("abre cada uno").first.wait_for(timeout=WAIT_MS)
    # no answer yet: one line says where the profile will appear, no empty radars
    page.locator(".cm-no-answers").wait_for(timeout=WAIT_MS)
    assert not page.locator(".cm-radar-area").is_visible()
    page.locator(".widget-toggle-buttons button", has_text="Neutral").first.click()
    page.locator(".cm-no-answers").wait_for(state="detached", timeout=WAIT_MS)
    for kind in ("competency", "area"):
        page.locator(f".cm-radar-{kind}").wait_for(state="visible", timeout=WAIT_MS)
    # the radars are drawn once the page is wired (issue 19.7): wait for their pictures
    drawn = wait_for(lambda: all(width > 100 for width in page.evaluate(
        """() => ['competency', 'area'].map(k =>
        document.querySelector('.cm-radar-' + k).naturalWidth)""")), timeout=60)
    assert drawn
    broken = page.evaluate("""() => Array.from(document.querySelectorAll('img'))
        .filter(i => i.offsetParent !== null && i.naturalWidth === 0).length""")
    assert broken == 0
    whole_page(page, "screens-self-assessment-es")
