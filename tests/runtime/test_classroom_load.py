"""A small class at once (issue 17): three trainees, three stages each, no error, no lost edit.

The 3-trainee version of `bench/classroom_load.py`, on a real served instance
with private links and the warm pool on: the trainees arrive a little apart,
each goes from stage to stage in one tab by their private link as the journey's
links do, renames the organization on the profile stage, and at the end
reloads the profile stage to see the edit is still there (and the file holds
it). Waits are generous and nothing is timed: a slow machine is slow, not wrong.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.served import Served

TRAINEES = 3
STAGES = [  # (notebook, its first usable input)
    ("00-profile.ipynb", ".cm-field-name input:enabled"),
    ("01-objectives.ipynb", ".widget-text input:enabled, .widget-dropdown select:enabled, "
                            "button.jupyter-button:enabled"),
    ("02-audiences-networks.ipynb", ".widget-text input:enabled, "
                                    ".widget-dropdown select:enabled, "
                                    "button.jupyter-button:enabled"),
]
WAIT_MS = 240_000
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "classroom"


async def usable(page, selector: str, what: str, console: list[str]) -> None:
    """Wait for the page's first usable input; if it never comes, say what the page showed."""
    try:
        await page.locator(selector).first.wait_for(state="visible", timeout=WAIT_MS)
    except Exception as exc:  # what the trainee saw instead is the clue
        shown = await page.evaluate("document.body ? document.body.innerText : ''")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(ARTIFACTS / f"{what.replace(' ', '-')}.png"))
        raise AssertionError(f"{what}: {exc}\n--- the page showed ---\n{shown[:3000]}\n"
                             f"--- its console ---\n" + "\n".join(console[-40:])) from exc


async def one_trainee(browser, base: str, link: str, number: int, problems: list[str]) -> str:
    """Go through the stages, edit the profile, come back; what the profile shows at the end."""
    await asyncio.sleep(number * 3)
    context = await browser.new_context()
    page = await context.new_page()
    page.on("pageerror", lambda exc: problems.append(f"{number}: script error {exc}"))
    console: list[str] = []
    page.on("console", lambda msg: console.append(f"{msg.type}: {msg.text[:300]}"))
    name = f"Organization of trainee {number}"
    try:
        for notebook, selector in STAGES:
            response = await page.goto(f"{base}/voila/render/{notebook}?workbook={link}",
                                       wait_until="commit", timeout=WAIT_MS)
            if response is None or response.status != 200:
                problems.append(f"{number} {notebook}: HTTP {response and response.status}")
                continue
            await usable(page, selector, f"trainee {number} {notebook}", console)
            if notebook == "00-profile.ipynb":
                field = page.locator(".cm-field-name input")
                await field.fill(name)
                await field.press("Enter")
                # the trainee sees "saved" before following the journey's link onward
                await page.locator(".cm-status .cm-ok").wait_for(timeout=WAIT_MS)
        await page.goto(f"{base}/voila/render/00-profile.ipynb?workbook={link}",
                        wait_until="commit", timeout=WAIT_MS)
        field = page.locator(".cm-field-name input:enabled")
        await usable(page, ".cm-field-name input:enabled", f"trainee {number} back", console)
        return await field.input_value()
    finally:
        await context.close()


async def a_class(base: str, links: list[str], problems: list[str]) -> list[str]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                          args=CHROMIUM_ARGS)
        try:
            return await asyncio.gather(*(one_trainee(browser, base, link, i, problems)
                                          for i, link in enumerate(links)))
        finally:
            await browser.close()


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")
def test_three_trainees_at_once_with_warm_kernels_get_no_error_and_lose_no_edit(tmp_path):
    from cmtraining.runtime.workspace import create_workbook, token_for

    server = Served(tmp_path, "--private-links", "--pool-size", "2")
    try:
        ids = [create_workbook(f"Trainee {i}", "ngo", workspace=server.workspace).id
               for i in range(TRAINEES)]
        links = [token_for(ident, server.workspace) for ident in ids]
        problems: list[str] = []
        try:
            shown = asyncio.run(a_class(server.base, links, problems))
        except Exception as exc:  # a page that never came: what the server said is the clue
            log = server.log_path.read_text()
            # a kernel that died, restarted or was culled under a page empties its widgets
            # ("model not found"): those lines first, wherever they are in the log
            events = [line for line in log.splitlines() if any(
                word in line.lower() for word in ("restart", "died", "dead", "cull", "shut",
                                                  "warm kernel", "error", "traceback"))]
            raise AssertionError(f"{exc}\n--- kernel events ---\n" + "\n".join(events[-60:])
                                 + f"\n--- server log ---\n{log[-6000:]}") from exc
        assert problems == [], server.log_path.read_text()[-5000:]
        for number, ident in enumerate(ids):
            name = f"Organization of trainee {number}"
            assert shown[number] == name  # the reloaded page shows the edit ...
            assert name in (server.workspace / f"{ident}.yaml").read_text("utf-8")  # ... saved
    finally:
        server.stop()
