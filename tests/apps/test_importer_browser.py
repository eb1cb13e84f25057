"""The listening app's mapping step in a real browser, in Spanish (Voila + Playwright)."""

from __future__ import annotations

import pytest
import yaml

from tests.conftest import ARTIFACTS, EXPORTS, WAIT_MS, needs_chromium, run_cli, wait_for

pytestmark = [pytest.mark.browser, needs_chromium]


def test_trainee_maps_an_airline_export_then_imports_and_saves_it(server, page):
    run_cli("new", "--org", "cafe", "--trainee", "Lucia", env=server["env"])
    path = server["workspace"] / "lucia.yaml"
    page.goto(f"{server['base']}/voila/render/00-listening.ipynb?workbook=lucia")
    page.locator(".cm-listening-kpis .cm-alert-count").wait_for(timeout=WAIT_MS)
    with page.expect_file_chooser(timeout=WAIT_MS) as chooser:
        page.get_by_role("button", name="Importar CSV o Excel").click()
    chooser.value.set_files({"name": "airline_tweets.csv", "mimeType": "text/csv",
                             "buffer": (EXPORTS / "airline_tweets.csv").read_bytes()})
    step = page.locator(".cm-mapping")
    step.locator(".cm-mapping-title").wait_for(timeout=WAIT_MS)
    assert "formato reconocido" in step.locator(".cm-mapping-title").inner_text()
    assert step.locator(".cm-mapping-preview tr").count() == 6  # header and 5 rows
    assert step.locator(".cm-map-at select").input_value() == "tweet_created"
    assert step.locator(".cm-map-brand select").input_value() == "airline"
    assert "Marca (cuota de voz)" in step.inner_text()
    step.locator(".cm-map-label select").select_option(label="—")  # no human labels
    page.screenshot(path=str(ARTIFACTS / "listening-mapping-es.png"), full_page=True)
    step.get_by_role("button", name="Importar").click()
    page.locator(".cm-source").get_by_text("airline_tweets.csv").wait_for(timeout=WAIT_MS)
    assert wait_for(lambda: not step.is_visible())
    # widgets update one by one: wait for each rather than read them at once
    assert wait_for(lambda: "la más mencionada" in page.locator(".cm-status").inner_text())
    assert wait_for(lambda: page.locator(".cm-listening-kpis").inner_text()
                    .startswith("24 menciones"))
    page.get_by_role("button", name="Guardar la auditoría en el cuaderno").click()
    assert wait_for(lambda: (yaml.safe_load(path.read_text(encoding="utf-8"))["listening"]
                             .get("summary") or {}).get("mentions") == 24)
