"""Warm kernels: time to first usable widget with the pool, without it, and the Voila floor.

Three servers on loopback ports, measured side by side in one run:
`cmtraining serve --pool-size 2` (a page takes a warm kernel; before each
measured page the benchmark waits until the pool is full again, as between two
trainees arriving), `cmtraining serve --pool-size 0` (every page starts its
kernel, as before the pool) and plain Voila on a one-slider notebook (the
floor). Playwright on Debian's chromium opens the profile stage on a trainee's
workbook in a fresh context (a first visit) and, as a trainee does, from the
start page in a browser context kept over the runs (each server's own, its
caches warm); each time is taken twice: by the driver (`goto` to the first
enabled input) and by the page itself (from the navigation's start, without
the driver's overhead). Prints medians, each as a ratio to the floor measured
the same way (issue 17's target: a warm stage under 1 s on this machine).
Never fails the build.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import nbformat
from voila_first_widget import ARGS, ROOT, free_port, time_in_context, times_to_widget, wait_http

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
FACILITATOR = "bench-facilitator"
POOL = 2


def pool_full(port: int) -> bool:
    url = f"http://127.0.0.1:{port}/cmtraining/status?facilitator_token={FACILITATOR}"
    with urllib.request.urlopen(url, timeout=10) as resp:
        state = json.load(resp)
    return state["warm"] >= POOL


def wait_pool(port: int, timeout: float = 300) -> None:
    end = time.monotonic() + timeout
    while not pool_full(port):
        if time.monotonic() > end:
            raise RuntimeError("the pool did not fill")
        time.sleep(0.5)


def start_servers(tmp: Path) -> tuple[list[subprocess.Popen], dict[str, int]]:
    floor_dir = tmp / "floor"
    floor_dir.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import ipywidgets as widgets\nwidgets.IntSlider()")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, floor_dir / "slider.ipynb")
    workspace = tmp / "workspace"
    env = {**os.environ, "CMTRAINING_WORKSPACE": str(workspace)}
    subprocess.run([sys.executable, "-m", "cmtraining.cli", "new", "--org", "ngo", "--trainee",
                    "bench"], env=env, check=True, capture_output=True)
    ports = {"warm": free_port(), "cold": free_port(), "floor": free_port()}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    servers = [
        subprocess.Popen([sys.executable, "-m", "cmtraining.cli", "serve", "--port",
                          str(ports[name]), "--workspace", str(workspace), "--pool-size",
                          str(pool), "--facilitator-token", FACILITATOR],
                         env=env, cwd=ROOT, **quiet)
        for name, pool in (("warm", POOL), ("cold", 0))]
    servers.append(subprocess.Popen(
        [sys.executable, "-m", "voila", str(floor_dir), f"--port={ports['floor']}",
         "--no-browser", "--Voila.ip=127.0.0.1", "--Voila.log_level=WARN"], **quiet))
    return servers, ports


def main() -> dict:
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="cm-bench-warm-"))
    servers, ports = start_servers(tmp)
    stage = "00-profile.ipynb?workbook=bench"
    pages = {
        "warm": (f"http://127.0.0.1:{ports['warm']}/voila/render/{stage}",
                 ".cm-field-name input:enabled"),
        "cold": (f"http://127.0.0.1:{ports['cold']}/voila/render/{stage}",
                 ".cm-field-name input:enabled"),
        "floor": (f"http://127.0.0.1:{ports['floor']}/voila/render/slider.ipynb",
                  ".widget-slider .noUi-handle, .widget-slider input"),
    }
    # the same pages opened as a trainee does: from the start page, in the same browser
    # (which then holds Voila's scripts); the floor's second visit is its like
    index = f"http://127.0.0.1:{ports['warm']}/voila/render/index.ipynb?workbook=bench"
    after = {"warm_from_start": ("warm", index), "floor_again": ("floor", pages["floor"][0])}
    times: dict[str, list[float]] = {name: [] for name in [*pages, *after]}
    inside: dict[str, list[float]] = {name: [] for name in [*pages, *after]}
    try:
        for port in ports.values():
            wait_http(f"http://127.0.0.1:{port}/voila/render/none.ipynb")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                        args=ARGS)
            # a trainee's browser over a course: one context each, kept between the pages
            kept = {name: browser.new_context() for name in after}
            for run in range(RUNS + 1):  # the first round warms caches and is dropped
                order = list(pages) if run % 2 else list(reversed(pages))
                for name in order:
                    wait_pool(ports["warm"])  # the pool is full between two arrivals
                    elapsed, in_page = times_to_widget(browser, *pages[name], timeout_ms=180_000)
                    if run:
                        times[name].append(elapsed)
                        inside[name].append(in_page)
                for name, (page, before) in after.items():
                    elapsed, in_page = time_in_context(
                        kept[name], *pages[page], timeout_ms=180_000, before=before,
                        between=lambda: wait_pool(ports["warm"]))
                    if run:
                        times[name].append(elapsed)
                        inside[name].append(in_page)
            browser.close()
    finally:
        for proc in servers:
            proc.terminate()
            proc.wait(timeout=60)
    result = {name: statistics.median(v) for name, v in times.items()}
    result.update({f"{name}_page": statistics.median(v) for name, v in inside.items()})
    result["warm_ratio"] = result["warm"] / result["floor"]
    result["cold_ratio"] = result["cold"] / result["floor"]
    result["from_start_ratio"] = result["warm_from_start"] / result["floor_again"]
    result["from_start_page_ratio"] = (result["warm_from_start_page"]
                                       / result["floor_again_page"])
    print(f"Profile stage, request to first usable widget (median of {RUNS}): "
          f"warm kernel {result['warm']:.2f} s ({result['warm_ratio']:.2f}x the floor), "
          f"no pool {result['cold']:.2f} s ({result['cold_ratio']:.2f}x), one-slider Voila "
          f"floor {result['floor']:.2f} s (target: warm under 1 s on this machine)")
    print(f"  the same stage opened from the start page, as a trainee does (the browser holds "
          f"Voila's scripts): warm kernel {result['warm_from_start']:.2f} s "
          f"({result['from_start_ratio']:.2f}x the floor's second visit, "
          f"{result['floor_again']:.2f} s)")
    print(f"  as the page itself records it (from the navigation's start, without the driver): "
          f"warm {result['warm_page']:.2f} s, no pool {result['cold_page']:.2f} s, floor "
          f"{result['floor_page']:.2f} s; from the start page warm "
          f"{result['warm_from_start_page']:.2f} s ({result['from_start_page_ratio']:.2f}x the "
          f"floor's second visit, {result['floor_again_page']:.2f} s)")
    return result


if __name__ == "__main__":
    main()
