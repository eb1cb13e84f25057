"""A class arriving: N simulated trainees on one `cmtraining serve`, against one alone.

One server (`--private-links`, the default pool, limits from the memory) and
one headless chromium (Debian's) with a context per trainee. Trainees arrive
staggered (`LOAD_STAGGER` seconds apart, as a class logs in); each goes through
three stages in one tab by their private link, timing `goto` to the stage's first usable input,
and renames the organization on the profile stage. Afterwards every workbook
file is read: an edit that is not there is a lost edit. Errors are failed or
refused loads, timeouts, and script errors on a page. Peak memory is the
server's resident memory plus its kernels', sampled every half second.

The same run is made with one trainee first; the class's median and 95th
percentile time to interactive and its peak memory are printed as ratios to
that single-user figure (issue 17: errors and lost edits must be 0). Takes a
few minutes; `make bench` only, never a test.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from voila_first_widget import ARGS, ROOT, free_port, wait_http

TRAINEES = int(os.environ.get("LOAD_TRAINEES", "25"))
STAGGER = float(os.environ.get("LOAD_STAGGER", "2"))
FACILITATOR = "bench-facilitator"
STAGES = [  # (notebook, its first usable input)
    ("00-profile.ipynb", ".cm-field-name input:enabled"),
    ("01-objectives.ipynb", ".widget-text input:enabled, .widget-dropdown select:enabled, "
                            "button.jupyter-button:enabled"),
    ("02-audiences-networks.ipynb", ".widget-text input:enabled, "
                                    ".widget-dropdown select:enabled, "
                                    "button.jupyter-button:enabled"),
]
TIMEOUT_MS = 300_000


class MemoryPeak(threading.Thread):
    """The peak of the server's resident memory plus its children's."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0, True

    def run(self) -> None:
        import psutil

        server = psutil.Process(self.pid)
        while self.running:
            total = 0
            for proc in [server, *server.children(recursive=True)]:
                try:
                    total += proc.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            time.sleep(0.5)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def trainee(browser, base: str, link: str, number: int, delay: float, out: dict) -> None:
    await asyncio.sleep(delay)
    context = await browser.new_context()
    errors: list[str] = []
    try:
        # one tab going from stage to stage, as a trainee follows the journey's links
        # (leaving a page ends its kernel)
        page = await context.new_page()
        page.on("pageerror", lambda exc: errors.append(f"script: {exc}"))
        for notebook, selector in STAGES:
            start = time.perf_counter()
            try:
                response = await page.goto(f"{base}/voila/render/{notebook}?workbook={link}",
                                           wait_until="commit", timeout=TIMEOUT_MS)
                if response is None or response.status >= 400:
                    errors.append(f"{notebook}: HTTP {response and response.status}")
                    continue
                await page.locator(selector).first.wait_for(state="visible",
                                                            timeout=TIMEOUT_MS)
                out["tti"].append(time.perf_counter() - start)
                if notebook == "00-profile.ipynb":
                    field = page.locator(".cm-field-name input")
                    await field.fill(f"Organization of trainee {number}")
                    await field.press("Enter")
                    await page.wait_for_timeout(1500)  # the save is one round trip
            except Exception as exc:  # noqa: BLE001 - every failure is counted, not raised
                errors.append(f"{notebook}: {type(exc).__name__}")
    finally:
        await context.close()
    out["errors"].extend(errors)


async def run_class(base: str, links: list[str]) -> dict:
    from playwright.async_api import async_playwright

    out: dict = {"tti": [], "errors": []}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                          args=ARGS)
        await asyncio.gather(*(trainee(browser, base, link, i, i * STAGGER, out)
                               for i, link in enumerate(links)))
        await browser.close()
    return out


def one_run(count: int) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="cm-bench-load-"))
    workspace = tmp / "workspace"
    env = {**os.environ, "CMTRAINING_WORKSPACE": str(workspace)}
    sys.path.insert(0, str(ROOT))
    from cmtraining.workspace import create_workbook, token_for

    ids = [create_workbook(f"Trainee {i}", "ngo", workspace=workspace).id for i in range(count)]
    links = [token_for(ident, workspace) for ident in ids]
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "cmtraining.cli", "serve", "--port", str(port), "--workspace",
         str(workspace), "--private-links", "--facilitator-token", FACILITATOR],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    memory = MemoryPeak(server.pid)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{base}/voila/render/none.ipynb")
        status = f"{base}/cmtraining/status?facilitator_token={FACILITATOR}"
        end = time.monotonic() + 300
        while json.load(urllib.request.urlopen(status, timeout=10))["warm"] < 2:
            if time.monotonic() > end:
                break
            time.sleep(0.5)
        memory.start()
        out = asyncio.run(run_class(base, links))
    finally:
        memory.running = False
        server.terminate()
        server.wait(timeout=60)
    lost = sum(f"Organization of trainee {i}" not in (workspace / f"{ident}.yaml").read_text(
        "utf-8") for i, ident in enumerate(ids))
    return {"tti": out["tti"], "errors": out["errors"], "lost": lost, "peak": memory.peak}


def main() -> dict:
    alone = one_run(1)
    crowd = one_run(TRAINEES)
    single = statistics.median(alone["tti"]) if alone["tti"] else float("nan")
    median = statistics.median(crowd["tti"]) if crowd["tti"] else float("nan")
    p95 = percentile(crowd["tti"], 0.95) if crowd["tti"] else float("nan")
    result = {"single_s": single, "median_ratio": median / single, "p95_ratio": p95 / single,
              "peak_ratio": crowd["peak"] / max(alone["peak"], 1),
              "errors": len(crowd["errors"]) + len(alone["errors"]),
              "lost_edits": crowd["lost"] + alone["lost"]}
    print(f"{TRAINEES} trainees arriving {STAGGER:g} s apart, 3 stages and an edit each: time "
          f"to interactive median {result['median_ratio']:.2f}x and p95 "
          f"{result['p95_ratio']:.2f}x one trainee alone ({single:.2f} s); peak memory "
          f"{result['peak_ratio']:.2f}x ({crowd['peak'] / 2**30:.2f} GiB against "
          f"{alone['peak'] / 2**30:.2f} GiB); errors {result['errors']} (must be 0); lost "
          f"edits {result['lost_edits']} (must be 0)")
    for error in (alone["errors"] + crowd["errors"])[:10]:
        print(f"  error: {error}")
    return result


if __name__ == "__main__":
    main()
