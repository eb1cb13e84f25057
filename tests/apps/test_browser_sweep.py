"""Every stage page, in Spanish and in English, offline and whole (issue 19, points 2 and 11).

One trainee's tab goes through the journey as the start page links it. On
every page: nothing is requested from outside 127.0.0.1 (the product works
offline: fonts, icons and scripts are served by the server), the console
logs no failed load, the app sets its ready marker, and a screenshot of the
whole page goes to tests/artifacts/sweep/ to be read by eye.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from cmtraining.apps.common import READY_SELECTOR
from cmtraining.core.stages import STAGES
from tests.conftest import (
    ARTIFACTS,
    WAIT_MS,
    browser_context,
    needs_chromium,
    run_cli,
    wait_for,
    whole_page,
)

pytestmark = [pytest.mark.browser, needs_chromium]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
SWEEP = ARTIFACTS / "sweep"
#: every image on the page, shown or not: an <img> with no picture is a broken-image icon
IMAGES = """() => Array.from(document.querySelectorAll('img')).map(i => ({
    name: i.className || i.alt || i.src.slice(0, 60), loaded: i.complete,
    width: i.naturalWidth}))"""
#: what a browser logs when a load failed: offline (name not resolved), refused (403), missing
FAILED_LOAD = ("ERR_", "403", "404", "Failed to load resource")


def watch(page) -> tuple[list[str], list[str]]:
    """Requests that left the machine (aborted) and failed loads, as the page makes them."""
    outside: list[str] = []
    failed: list[str] = []

    def keep_local(route):
        host = urlparse(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", keep_local)
    page.on("console", lambda message: failed.append(message.text)
            if message.type == "error" and any(s in message.text for s in FAILED_LOAD) else None)
    # leaving a page aborts its kernel's shutdown beacon: that one is not a failed load
    page.on("requestfailed", lambda request: failed.append(f"{request.url}: {request.failure}")
            if "ERR_ABORTED" not in (request.failure or "") else None)
    page.on("response", lambda response: failed.append(f"{response.url}: {response.status}")
            if response.status >= 400 else None)
    return outside, failed


def pictures_loaded(page, name: str) -> None:
    """Wait until every <img> (hidden ones too) has its picture: an <img> waiting for its
    chart is "complete" with no picture (issue 19.7), so wait for both."""
    wait_for(lambda: all(i["loaded"] and i["width"] > 0 for i in page.evaluate(IMAGES)),
             timeout=90)
    broken = [i["name"] for i in page.evaluate(IMAGES) if i["width"] == 0]
    assert broken == [], f"{name}: images without a picture: {broken}"


@pytest.mark.parametrize("lang", ["es", "en"])
def test_every_page_loads_offline_and_is_captured_whole(server, browser, lang):  # noqa: F811
    trainee = f"Recorrido {lang.upper()}"
    # the English workbook is an English one: its prefilled stages are in its language
    run_cli("new", "--org", "cafe", "--trainee", trainee, "--lang", lang, env=server["env"])
    workbook = f"recorrido-{lang}"
    context = browser_context(browser, locale="en-US" if lang == "es" else "es-ES")
    page = context.new_page()
    outside, failed = watch(page)
    try:
        for notebook, params in [("index", ()), *((s.notebook, s.params) for s in STAGES)]:
            # the facilitator's prefill fills each stage, so the sweep reads a whole strategy
            prefill = "&prefill=true" if "prefill" in params else ""
            page.goto(f"{server['base']}/voila/render/{notebook}.ipynb"
                      f"?workbook={workbook}&lang={lang}{prefill}")
            marker = page.locator(READY_SELECTOR)
            try:
                marker.wait_for(state="attached", timeout=WAIT_MS)
            except Exception:
                # what the page showed instead (two whole-suite runs saw the crisis page
                # never become ready, once each; not reproduced alone): kept for the reader
                SWEEP.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SWEEP / f"never-ready-{notebook}-{lang}.png"))
                (SWEEP / f"never-ready-{notebook}-{lang}.txt").write_text(
                    page.inner_text("body"), encoding="utf-8")
                raise
            assert marker.get_attribute("data-cmtraining-ready") == notebook
            assert page.locator("html").get_attribute("lang") == lang
            page.wait_for_load_state("networkidle", timeout=WAIT_MS)
            # the charts drawn in the background are in the page's first state (issue 19.7)
            pictures_loaded(page, f"{notebook} ({lang})")
            whole_page(page, f"{notebook}-{lang}", SWEEP)
            assert outside == [], f"{notebook}: requests left the machine: {outside}"
            assert failed == [], f"{notebook}: failed loads: {failed}"
    finally:
        context.close()
