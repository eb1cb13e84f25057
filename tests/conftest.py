"""Shared fixtures and helpers for every test folder. Every test works in its own workspace folder.

The folders below mirror the package (`tests/crisis/` tests `cmtraining/crisis/`, ...); what two
folders need is here, what one folder needs is in that folder's `conftest.py`. Import helpers
from here as `from tests.conftest import run_cli`.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
# The gate (make test, CI) replays the same generated cases every run: a red CI is then a
# change's doing, not the luck of the draw (a fresh clone once drew a draft kind "{" no run
# had drawn before). `make fuzz` draws new cases, as many more as it is given time for.
settings.register_profile("gate", derandomize=True, database=None)
settings.register_profile("fuzz", max_examples=1000)
settings.load_profile(os.environ.get("CMTRAINING_HYPOTHESIS", "gate"))
# nbval and papermill kernels inherit this: tests never touch ./workspace
os.environ.setdefault("CMTRAINING_WORKSPACE", tempfile.mkdtemp(prefix="cmtraining-ws-"))
os.environ.pop("CMTRAINING_LANG", None)
ARTIFACTS = ROOT / "tests" / "artifacts"  # screenshots and cohort folders kept for reading
FIXTURES = ROOT / "tests" / "fixtures"
EXPORTS = FIXTURES / "exports"  # platform exports the listening importer reads
NOTEBOOKS = ROOT / "notebooks"

# The browser tests drive Debian's chromium (not Playwright's own download) with these flags.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic"]
WAIT_MS = 240_000  # generous: a cold kernel on a loaded 2-core machine (the crisis page with
#                    its prefill once took over 90 s in CI, run 17 of 6 Dec 2026)
needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                    reason="Debian's chromium is not installed "
                                           "(make test installs it)")


# --- a trainee's workspace and workbook -------------------------------------------------

@pytest.fixture
def workspace(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "workspace"
    folder.mkdir()
    monkeypatch.setenv("CMTRAINING_WORKSPACE", str(folder))
    return folder


def write_sample(path: Path, org: str = "ngo", trainee: str = "Ana", **kwargs) -> Path:
    """A sample organization's workbook saved at `path` (its folder made if missing)."""
    from cmtraining.samples import sample_workbook
    from cmtraining.workbook import save

    path.parent.mkdir(parents=True, exist_ok=True)
    save(sample_workbook(org, trainee=trainee, **kwargs), path)
    return path


@pytest.fixture
def sample_file(tmp_path) -> Path:
    return write_sample(tmp_path / "w.yaml")


# --- the command line, as a facilitator types it ----------------------------------------

def run_cli(*args: str, env: dict | None = None, cwd: Path | None = None,
            timeout: int = 120) -> subprocess.CompletedProcess:
    """Run the installed `cmtraining` command as a facilitator would.

    In its own process group: a run past `timeout` is ended with the kernels it
    started, so a stuck run fails its test instead of leaving kernels behind."""
    command = [sys.executable, "-m", "cmtraining.cli", *args]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          env={**os.environ, **(env or {})}, cwd=cwd or ROOT,
                          start_new_session=True) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


JOURNEY_AS_OF = "2026-11-23"  # the day the shared journey runs are dated
JOURNEY_SEED = "3"


@pytest.fixture(scope="session")
def journey_run(tmp_path_factory):
    """`journey_run(org, lang)`: the folder and result of `cmtraining run` for a sample
    organization (seed 3, dated JOURNEY_AS_OF), run once per session. It is the slowest
    set-up of the suite, read (never written) by the runtime and the report tests."""
    base = tmp_path_factory.mktemp("journeys")
    done: dict[tuple[str, str], tuple[Path, subprocess.CompletedProcess]] = {}

    def run(org: str, lang: str) -> tuple[Path, subprocess.CompletedProcess]:
        if (org, lang) not in done:
            folder = base / f"{org}-{lang}"
            result = run_cli("run", "--org", org, "--out", str(folder), "--lang", lang,
                             "--as-of", JOURNEY_AS_OF, "--seed", JOURNEY_SEED, timeout=900)
            assert result.returncode == 0, result.stderr[-3000:]
            done[(org, lang)] = (folder, result)
        return done[(org, lang)]
    return run


# --- waiting for servers, kernels and pages ---------------------------------------------

def wait_for(predicate, timeout=60.0, step=0.2):
    """Poll until predicate() is truthy (a wait, not a timed assertion)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- executed notebooks -----------------------------------------------------------------

def outputs_text(path) -> str:
    """Cell outputs plus the saved widget state (what the app displayed)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    chunks = [json.dumps(nb["metadata"].get("widgets", {}), ensure_ascii=False)]
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            chunks.append(json.dumps(out, ensure_ascii=False))
    return "\n".join(chunks)


# --- a real browser ---------------------------------------------------------------------

def launch_chromium(playwright):
    """Debian's chromium, headless, with the house flags, from a running Playwright."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                      args=CHROMIUM_ARGS)


@pytest.fixture(scope="module")
def browser():
    """One chromium per test module (a test that starts its own Playwright needs none open)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


def browser_context(browser, locale: str | None = "es-ES", **options):
    """A fresh context whose navigations wait as long as the rest of the suite.

    Voila's "load" comes once the notebook has run on the server, and a
    prefilled stage on a loaded 2-core machine can take longer than
    Playwright's 30 s default (CI of 5 Dec: the crisis page).
    """
    options.setdefault("viewport", {"width": 1200, "height": 1000})
    if locale:
        options["locale"] = locale
    context = browser.new_context(**options)
    context.set_default_navigation_timeout(WAIT_MS)
    context.on("console", lambda msg: _log_browser(f"{msg.type}: {msg.text}"))
    context.on("weberror", lambda err: _log_browser(f"page error: {err.error}"))
    return context


#: what the browsers of the running test printed (shown with its failure: a flaky page's clue)
BROWSER_LOG: list[str] = []


def _log_browser(line: str) -> None:
    if not line.startswith("warning: Unsatisfied version") and "satisfying version" not in line:
        BROWSER_LOG.append(line[:600])


@pytest.fixture(autouse=True)
def _fresh_browser_log():
    BROWSER_LOG.clear()
    yield


#: where the served log stood when a test began (its failure shows what came after)
SERVED_LOG_AT = pytest.StashKey()


def _served_log(item):
    """(path, size) of the served Voila's log a test uses, or None (kernels write there too)."""
    served = (item.funcargs.get("server") or {}) if hasattr(item, "funcargs") else {}
    path = getattr(served.get("served") if isinstance(served, dict) else None, "log_path", None)
    return (path, path.stat().st_size) if path and path.exists() else None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    item.stash[SERVED_LOG_AT] = _served_log(item)
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed browser test carries what its browser and its server printed meanwhile:
    a page that went wrong on a loaded CI machine is otherwise a mystery afterwards."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    if BROWSER_LOG:
        report.sections.append(("browser console", "\n".join(BROWSER_LOG[-40:])))
    at = item.stash.get(SERVED_LOG_AT, None)
    if at:
        path, start = at
        with open(path, encoding="utf-8", errors="replace") as log:
            log.seek(start)
            lines = [line for line in log.read().splitlines()
                     if "Kernel is running over TCP" not in line and "is not trusted" not in line]
        if lines:
            report.sections.append(("served log meanwhile", "\n".join(lines[-40:])))


@pytest.fixture
def page(browser):
    """A fresh page in its own context (no cookies from another test), in Spanish."""
    context = browser_context(browser)
    pg = context.new_page()
    yield pg
    context.close()


def whole_page(page, name: str, folder: Path = ARTIFACTS) -> Path:
    """A screenshot of the whole page into `folder`/`name`.png (issue 19.11).

    Voila's page scrolls inside an inner container, so Playwright's
    `full_page` stops at the viewport (the first 1,000 px): the viewport
    grows to the tallest scrolling element first, then shrinks back.
    """
    size = page.viewport_size or {"width": 1200, "height": 1000}
    height = page.evaluate("""() => Math.max(document.documentElement.scrollHeight,
        ...Array.from(document.querySelectorAll('*')).map(e => e.scrollHeight))""")
    page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 16000)})
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    return path
