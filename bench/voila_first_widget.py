"""Voila: request to first interactive widget, ours against a one-slider floor.

Starts two servers on loopback ports: `cmtraining serve` (our prelaunch hook,
the profile app on a trainee's workbook) and plain Voila on a notebook that
shows one bare `IntSlider` (the floor: kernel start, page and widget manager
with nothing of ours). Playwright on Debian's chromium loads each page in a
fresh context, alternating, and times `goto` to the first enabled input.
Prints medians and the ratio (target: at most 1.5x). Never fails the build.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
from medians import medians_with_ratio

ROOT = Path(__file__).resolve().parent.parent
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-quic"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url: str, timeout: float = 120) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            urllib.request.urlopen(url, timeout=5)
            return
        except urllib.error.HTTPError:
            return  # answering, even with an error status
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")



#: whether the first element `selector` matches is shown (the driver's check, each frame)
SHOWN = "sel => { const el = document.querySelector(sel); return !!(el && el.getClientRects().length); }"

#: records, in the page itself, when the awaited element first shows: milliseconds from the
#: start of the navigation (the request), without the driver's own overhead around it
USABLE_MARK = """
(() => {
  const selector = %s;
  const check = () => {
    if (window.__cmUsable) return;
    const el = document.querySelector(selector);
    if (el && el.getClientRects().length) window.__cmUsable = performance.now();
  };
  new MutationObserver(check).observe(document, {subtree: true, childList: true,
                                                 attributes: true});
})();
"""


def times_to_widget(browser, url: str, selector: str, timeout_ms: int = 120_000, *,
                    before: str | None = None, between=None) -> tuple[float, float]:
    """(driver, page) seconds from the request to the first visible `selector`, in a fresh
    browser context.

    driver: from Playwright's `goto` to its check, made on every frame, seeing the element
    (what a script waits); page: from the navigation's start to the element showing, as the page itself
    records it (`USABLE_MARK`), without the previous page's unload or the driver's polling.
    `before`: a page opened first in the same context (as a trainee comes from the start
    page: the browser then holds Voila's scripts); `between()` runs after it (e.g. wait for
    the pool to refill)."""

    context = browser.new_context()
    try:
        return time_in_context(context, url, selector, timeout_ms, before=before,
                               between=between)
    finally:
        context.close()


def time_in_context(context, url: str, selector: str, timeout_ms: int = 120_000, *,
                    before: str | None = None, between=None) -> tuple[float, float]:
    """`times_to_widget` in a browser context kept between measures (a trainee's browser
    over a course: its caches and compiled scripts stay warm)."""
    import json

    page = context.new_page()
    if before:
        page.goto(before, wait_until="load", timeout=timeout_ms)
        page.wait_for_load_state("networkidle", timeout=timeout_ms)
    if between:
        between()
    page.add_init_script(USABLE_MARK % json.dumps(selector))
    start = time.perf_counter()
    page.goto(url, wait_until="commit")
    # checked on every frame: a locator's wait retries at growing intervals (up to 500 ms),
    # which added 0.2-0.36 s to every figure (7 Dec) and said nothing about the page
    page.wait_for_function(SHOWN, arg=selector, polling="raf", timeout=timeout_ms)
    elapsed = time.perf_counter() - start
    page.wait_for_function("window.__cmUsable !== undefined", timeout=timeout_ms)
    in_page = page.evaluate("window.__cmUsable") / 1000
    # leave the page as a trainee does (its kernel ends): closing the context would leave it
    # to the culler, and the trainee's page limit would refuse the next measured page
    page.goto("about:blank")
    page.close()
    return elapsed, in_page


def time_to_widget(browser, url: str, selector: str, timeout_ms: int = 120_000, *,
                   before: str | None = None, between=None) -> float:
    """The driver's seconds of `times_to_widget`."""
    return times_to_widget(browser, url, selector, timeout_ms, before=before, between=between)[0]


def main() -> dict:
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="cm-bench-"))
    floor_dir = tmp / "floor"
    floor_dir.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import ipywidgets as widgets\nwidgets.IntSlider()")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, floor_dir / "slider.ipynb")
    workspace = tmp / "workspace"
    env = {**os.environ, "CMTRAINING_WORKSPACE": str(workspace)}
    subprocess.run([sys.executable, "-m", "cmtraining.cli", "new", "--org", "ngo", "--trainee",
                    "bench"], env=env, check=True, capture_output=True)

    p_ours, p_floor = free_port(), free_port()
    servers = [
        subprocess.Popen([sys.executable, "-m", "cmtraining.cli", "serve", "--port", str(p_ours),
                          "--workspace", str(workspace)], env=env, cwd=ROOT,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
        subprocess.Popen([sys.executable, "-m", "voila", str(floor_dir), f"--port={p_floor}",
                          "--no-browser", "--Voila.ip=127.0.0.1", "--Voila.log_level=WARN"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
    ]
    pages = {
        "ours": (f"http://127.0.0.1:{p_ours}/voila/render/00-profile.ipynb?workbook=bench",
                 ".cm-field-name input:enabled"),
        "floor": (f"http://127.0.0.1:{p_floor}/voila/render/slider.ipynb",
                  ".widget-slider .noUi-handle, .widget-slider input"),
    }
    times: dict[str, list[float]] = {"ours": [], "floor": []}
    try:
        for url, _ in pages.values():
            wait_http(url.split("/voila/")[0] + "/voila/render/none.ipynb")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=ARGS)
            for run in range(RUNS + 1):  # the first round warms caches and is dropped
                for name in (("ours", "floor") if run % 2 else ("floor", "ours")):
                    elapsed = time_to_widget(browser, *pages[name])
                    if run:
                        times[name].append(elapsed)
            browser.close()
    finally:
        for proc in servers:
            proc.terminate()
            proc.wait(timeout=30)
    result = medians_with_ratio(times, "ours", "floor")
    print(f"Voila, request to first interactive widget (median of {RUNS}): "
          f"profile app {result['ours']:.2f} s, one-slider floor {result['floor']:.2f} s, "
          f"ratio {result['ratio']:.2f}x (target <= 1.5x)")
    return result


if __name__ == "__main__":
    main()
