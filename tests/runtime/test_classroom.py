"""A whole classroom on one server (issue 17), each point on a real served instance.

Warm kernels still take each trainee's parameters; the room's limits answer
politely instead of starting kernels; a tab whose kernel is gone says so and
reloads. The server runs on 127.0.0.1 (see `tests.served.Served`).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cmtraining.core.errors import ParameterError
from cmtraining.core.paths import notebooks_dir
from cmtraining.runtime.kernel_pool import warm_pages
from tests.conftest import launch_chromium, needs_chromium, wait_for, write_sample
from tests.served import FACILITATOR, Served


def status(server: Served) -> dict:
    code, body, _ = server.get(f"/cmtraining/status?facilitator_token={FACILITATOR}")
    assert code == 200, body
    return json.loads(body)


def add_workbook(server: Served, ident: str, org: str, trainee: str) -> Path:
    return write_sample(server.workspace / f"{ident}.yaml", org, trainee)


def kernel_pid(server: Served, kernel_id: str) -> int:
    """The process of a kernel: its connection file is named after its id."""
    for pid in server.kernels():
        if kernel_id.encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
            return pid
    raise AssertionError(f"no process for kernel {kernel_id}")


def page_kernel_id(page) -> str:
    return page.evaluate(
        "JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")


# --- the pool, without a server ------------------------------------------------------


def test_the_pool_refills_only_once_a_class_has_stopped_arriving():
    """A refill (every page built once) waits while pages ask for kernels or are rendered."""
    import asyncio

    from cmtraining.runtime.kernel_pool import WarmKernelManager

    async def arrivals() -> list[str]:
        manager = WarmKernelManager(calm_seconds=0.5)
        loop = asyncio.get_running_loop()
        refill = asyncio.ensure_future(manager._give_way())
        seen = []
        for _ in range(8):  # a page asks for a kernel every 0.2 s: a class arriving
            manager.last_asked = loop.time()
            await asyncio.sleep(0.2)
        seen.append("waiting" if not refill.done() else "refilled")
        manager.rendering = 1  # the last page still rendering, well after it asked
        await asyncio.sleep(1.0)
        seen.append("waiting" if not refill.done() else "refilled")
        manager.rendering = 0
        await asyncio.wait_for(refill, 30)
        seen.append("refilled")
        return seen

    assert asyncio.run(arrivals()) == ["waiting", "waiting", "refilled"]



def test_every_stage_and_the_landing_page_are_warmed_but_not_the_gradebook():
    pages = {stem: (module, with_session) for stem, module, with_session
             in warm_pages(notebooks_dir())}
    stages = {p.stem for p in notebooks_dir().glob("*.ipynb")} - {"90-gradebook"}
    assert set(pages) == stages
    assert pages["00-profile"] == ("cmtraining.apps.profile", True)
    assert pages["index"] == ("cmtraining.apps.landing", False)


def test_a_preview_warm_up_writes_nothing(tmp_path, monkeypatch):
    from cmtraining.apps.warmup import warm

    monkeypatch.setenv("CMTRAINING_WORKSPACE", str(tmp_path))
    assert warm([(stem, module, session) for stem, module, session
                 in warm_pages(notebooks_dir()) if stem in {"00-profile", "index"}]) == []
    assert list(tmp_path.iterdir()) == []


def test_a_warm_kernel_is_handed_out_with_no_preview_chart_still_drawing(tmp_path, monkeypatch):
    """Under Voila the previews' charts draw in threads; the page that takes the kernel
    must not wait behind them (its first state waits for every drawing)."""
    from cmtraining.apps import drawing
    from cmtraining.apps.warmup import warm

    monkeypatch.setenv("CMTRAINING_WORKSPACE", str(tmp_path))
    monkeypatch.setenv("SERVER_SOFTWARE", "voila/0.5")  # what a pooled kernel's env says
    assert warm([(stem, module, session) for stem, module, session
                 in warm_pages(notebooks_dir()) if stem == "00-profile"]) == []
    assert drawing._DRAWING == set()


def test_a_warm_up_sends_the_browser_nothing_and_leaves_real_comms_behind(tmp_path, monkeypatch):
    """A warm-up's ~1,800 preview widgets published ~7,000 messages the server decoded while
    serving the trainee who had just taken a kernel; previews open no comm now."""
    import comm

    from cmtraining.apps.warmup import warm

    opened = []

    def recording_comm(*args, **kwargs):
        opened.append(kwargs.get("target_name"))
        return comm.DummyComm(*args, **kwargs)

    monkeypatch.setenv("CMTRAINING_WORKSPACE", str(tmp_path))
    monkeypatch.setattr(comm, "create_comm", recording_comm)
    assert warm([(stem, module, session) for stem, module, session
                 in warm_pages(notebooks_dir()) if stem in {"00-profile", "05-crisis"}]) == []
    assert opened == []
    assert comm.create_comm is recording_comm  # the page built next opens its comms as usual
    import ipywidgets

    ipywidgets.HTML("page")
    assert opened and set(opened) == {"jupyter.widget"}  # the HTML, its style, its layout


@pytest.mark.parametrize(("pool", "total", "per", "option"), [
    (-1, 10, 6, "--pool-size"), (2, -3, 6, "--max-kernels"), (2, 10, -1, "--max-per-trainee"),
    (4, 4, 6, "pool"),
])
def test_limits_that_make_no_sense_are_refused(pool, total, per, option):
    from cmtraining.runtime.serve_options import check_limits

    with pytest.raises(ParameterError) as err:
        check_limits(pool, total, per, "en")
    assert option in err.value.message("en") or option == "pool"


def test_the_default_room_follows_the_memory():
    from cmtraining.runtime.serve_options import (
        KERNEL_MEMORY_BYTES,
        MAX_KERNELS_CAP,
        default_max_kernels,
    )

    assert default_max_kernels(0) == 4
    assert default_max_kernels(10 * KERNEL_MEMORY_BYTES) == 10
    assert default_max_kernels(10_000 * KERNEL_MEMORY_BYTES) == MAX_KERNELS_CAP


# --- issue 17.1: warm kernels that still take each trainee's parameters ---------------


@pytest.mark.browser
@needs_chromium
def test_warm_kernels_serve_two_trainees_each_with_their_own_parameters(tmp_path):
    from playwright.sync_api import sync_playwright

    server = Served(tmp_path, "--pool-size", "1")
    try:
        add_workbook(server, "ana", "ngo", "Ana")
        add_workbook(server, "ben", "cafe", "Ben")
        from cmtraining.i18n import choices
        from cmtraining.samples import sample_workbook

        names = {"ana": sample_workbook("ngo").profile.name,
                 "ben": sample_workbook("cafe").profile.name}
        assert names["ana"] != names["ben"]
        with sync_playwright() as p:
            browser = launch_chromium(p)
            for served_warm, (ident, lang) in enumerate([("ana", "es"), ("ben", "en")],
                                                        start=1):
                assert wait_for(lambda: status(server)["warm"] == 1, timeout=240), \
                    server.log_path.read_text()
                warm_pids = server.kernels()
                page = browser.new_page()
                page.goto(f"{server.base}/voila/render/00-profile.ipynb?workbook={ident}"
                          f"&lang={lang}")
                field = page.locator(".cm-field-name input")
                field.wait_for(timeout=120_000)
                # the page runs on the kernel that was warm before it asked
                assert kernel_pid(server, page_kernel_id(page)) in warm_pids
                assert status(server)["handed_out"] == served_warm
                # ... with this trainee's workbook and language, nothing of the warm-up
                assert field.input_value() == names[ident]
                kind = sample_workbook("ngo" if ident == "ana" else "cafe").profile.kind
                shown = page.locator("select").first.evaluate(
                    "s => s.options[s.selectedIndex].text")
                assert shown.replace("\xa0", " ") == choices("common.kind", lang)[kind]
                page.close()
            browser.close()
    finally:
        server.stop()


def test_the_status_is_for_the_facilitator_only(served_pool0):
    assert served_pool0.get("/cmtraining/status")[0] == 403
    assert served_pool0.get("/cmtraining/status?facilitator_token=nope")[0] == 403
    assert status(served_pool0)["warm"] == 0


@pytest.fixture(scope="module")
def served_pool0(tmp_path_factory):
    server = Served(tmp_path_factory.mktemp("room"), "--pool-size", "0", "--max-kernels", "3",
                    "--max-per-trainee", "1")
    yield server
    server.stop()


# --- issue 17.2: the room's limits -----------------------------------------------------


def test_a_full_room_answers_503_politely_and_starts_no_kernel(served_pool0):
    server = served_pool0
    add_workbook(server, "ana", "ngo", "Ana")
    add_workbook(server, "ben", "cafe", "Ben")
    assert server.get("/voila/render/00-profile.ipynb?workbook=ana")[0] == 200
    # the same trainee again: one page's kernel each here
    before = server.kernels()
    code, body, headers = server.get("/voila/render/01-objectives.ipynb?workbook=ana&lang=en")
    assert code == 429 and headers["Retry-After"] == "60"
    assert "Too many pages open" in body and "Close one of them" in body
    assert server.kernels() == before
    # another trainee, and a visitor's preview, still get in
    assert server.get("/voila/render/00-profile.ipynb?workbook=ben")[0] == 200
    assert server.get("/voila/render/00-profile.ipynb?org=cafe")[0] == 200
    assert len(server.kernels()) == 3
    before = server.kernels()
    for query, words in [("org=ngo", "La sala está llena"),
                         ("org=ngo&lang=en", "Try again in a minute")]:
        code, body, headers = server.get(f"/voila/render/00-profile.ipynb?{query}")
        assert code == 503 and headers["Retry-After"] == "60"
        assert words in body and "cm-refused" in body
    assert server.kernels() == before
    assert status(server)["in_use"] == 3


def test_kernels_give_the_server_the_cpu_first_and_talk_over_unix_sockets(tmp_path):
    """A class's kernels importing at once must not starve the server of its static files:
    every kernel, warm or a page's, runs niced, its own session's autogroup included. And
    kernels started together never race for a TCP port ("Address already in use" killed one
    of 12 at start in a class's load, 7 Dec): they talk over Unix sockets."""
    server = Served(tmp_path, "--pool-size", "1")
    try:
        add_workbook(server, "ana", "ngo", "Ana")
        assert wait_for(lambda: status(server)["warm"] == 1, timeout=240)
        assert server.get("/voila/render/00-profile.ipynb?workbook=ana")[0] == 200
        assert wait_for(lambda: status(server)["warm"] == 1, timeout=240)  # the refill
        kernels = server.kernels()
        assert len(kernels) == 2
        niced = min(19, os.getpriority(os.PRIO_PROCESS, server.proc.pid) + 10)
        for pid in kernels:
            assert os.getpriority(os.PRIO_PROCESS, pid) == niced
            group = Path(f"/proc/{pid}/autogroup")
            if group.exists():  # Linux with autogroup scheduling (Debian's default)
                assert group.read_text().split()[-1] == str(niced)
            args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            connection = json.loads(Path(args[args.index(b"-f") + 1].decode()).read_text())
            assert connection["transport"] == "ipc"
            assert b"--HistoryManager.enabled=False" in args  # no shared history database
            assert Path(f"{connection['ip']}-{connection['shell_port']}").is_socket()
    finally:
        server.stop()


# --- issue 17.2: a tab whose kernel is gone --------------------------------------------


@pytest.mark.browser
@needs_chromium
def test_a_tab_whose_kernel_is_gone_says_so_and_reloads(tmp_path):
    from playwright.sync_api import sync_playwright

    # 15 s without activity: time for a loaded machine to connect the page first
    server = Served(tmp_path, "--pool-size", "0", "--cull-idle", "0.25")
    try:
        path = add_workbook(server, "ana", "ngo", "Ana")
        with sync_playwright() as p:
            browser = launch_chromium(p)
            page = browser.new_page()
            # the kernel's websocket goes through the test, which can cut it (a laptop asleep)
            asleep, links = [], []

            def kernel_socket(ws):
                if asleep:
                    ws.close()
                    return
                links.append((ws, ws.connect_to_server()))

            page.route_web_socket(re.compile(r".*/api/kernels/.*/channels.*"), kernel_socket)
            page.goto(f"{server.base}/voila/render/00-profile.ipynb?workbook=ana&lang=en")
            field = page.locator(".cm-field-name input")
            field.wait_for(timeout=120_000)
            field.fill("Saved before the break")
            field.press("Enter")
            assert wait_for(lambda: "Saved before the break" in path.read_text("utf-8"))
            assert page.locator(".cm-kernel-gone").count() == 0
            pid = kernel_pid(server, page_kernel_id(page))
            asleep.append(True)
            for to_page, to_server in links:
                to_server.close()
                to_page.close()
            # without its page, the kernel is culled once idle
            assert wait_for(lambda: pid not in server.kernels(), timeout=180), \
                server.log_path.read_text()
            asleep.clear()
            # the trainee comes back to the tab
            page.evaluate("window.dispatchEvent(new Event('focus'))")
            notice = page.locator(".cm-kernel-gone")
            notice.wait_for(timeout=30_000)
            assert "Your saved work is safe" in notice.inner_text()
            page.locator(".cm-kernel-gone .cm-reload").click()
            field = page.locator(".cm-field-name input")
            field.wait_for(timeout=120_000)
            assert field.input_value() == "Saved before the break"
            assert page.locator(".cm-kernel-gone").count() == 0
            browser.close()
    finally:
        server.stop()


#: what jupyterlab_widgets' renderer leaves when the page never got a widget's model
LOST_WIDGETS_JS = ("() => { const o = document.querySelector('.jp-OutputArea-output');"
                   " o.textContent = 'Error displaying widget: model not found'; }")


@pytest.mark.browser
@needs_chromium
def test_a_page_that_lost_its_widgets_reloads_itself_once_then_asks(tmp_path):
    """The classroom test's rare "model not found" page: the trainee gets the page back
    (reloaded once, the edit kept), and a second loss right after asks instead of looping."""
    from playwright.sync_api import sync_playwright

    server = Served(tmp_path, "--pool-size", "0")
    try:
        add_workbook(server, "ana", "ngo", "Ana")
        with sync_playwright() as p:
            browser = launch_chromium(p)
            page = browser.new_page()
            warnings: list[str] = []
            page.on("console", lambda msg: warnings.append(msg.text))
            page.goto(f"{server.base}/voila/render/00-profile.ipynb?workbook=ana&lang=es")
            field = page.locator(".cm-field-name input")
            field.wait_for(timeout=120_000)
            field.fill("Guardado antes del fallo")
            field.press("Enter")
            page.locator(".cm-status .cm-ok").wait_for(timeout=60_000)
            with page.expect_navigation(timeout=60_000):
                page.evaluate(LOST_WIDGETS_JS)
            field = page.locator(".cm-field-name input:enabled")
            field.wait_for(timeout=120_000)
            assert field.input_value() == "Guardado antes del fallo"
            assert any("reloading it once" in w for w in warnings)
            assert page.locator(".cm-kernel-gone").count() == 0
            # lost again within two minutes: no second reload, a notice with a button
            page.evaluate(LOST_WIDGETS_JS)
            notice = page.locator(".cm-kernel-gone")
            notice.wait_for(timeout=30_000)
            assert "no ha podido mostrar sus controles" in notice.inner_text()
            assert notice.locator("button.cm-reload").inner_text() == "Recargar la página"
            browser.close()
    finally:
        server.stop()


def test_the_kernel_watch_script_is_in_the_readers_language_and_cannot_close_its_tag():
    from cmtraining.runtime.served_page import kernel_watch_script

    assert "recarga la p\\u00e1gina" in kernel_watch_script("es")
    assert "Reload the page" in kernel_watch_script("en")
    assert "no ha podido mostrar sus controles" in kernel_watch_script("es")
    assert "could not show its controls" in kernel_watch_script("en")
    body = kernel_watch_script("en")
    assert len(re.findall("</script>", body)) == 1 and body.endswith("</script>")


# --- issue 17.3: private links ----------------------------------------------------------


def test_each_workbook_gets_one_unguessable_token_that_is_never_an_id(tmp_path):
    from cmtraining.runtime.workspace import (
        create_workbook,
        id_for_token,
        is_workbook_id,
        token_for,
        workbook_path,
    )

    ana = create_workbook("Ana", "ngo", workspace=tmp_path).id
    ben = create_workbook("Ben", "cafe", workspace=tmp_path).id
    token = token_for(ana, tmp_path)
    assert token == token_for(ana, tmp_path) != token_for(ben, tmp_path)
    assert re.fullmatch(r"wb_[0-9a-f]{32}", token) and not is_workbook_id(token)
    assert id_for_token(token, tmp_path) == ana
    assert workbook_path(token, tmp_path) == tmp_path / f"{ana}.yaml"
    assert id_for_token("wb_" + "0" * 32, tmp_path) is None
    assert id_for_token(ana, tmp_path) is None  # a name is not a token


@pytest.fixture(scope="module")
def one_token(tmp_path_factory):
    from cmtraining.runtime.workspace import create_workbook, token_for

    folder = tmp_path_factory.mktemp("tokens")
    return folder, token_for(create_workbook("Ana", "ngo", workspace=folder).id, folder)


@given(value=st.one_of(st.text(max_size=60), st.from_regex(r"wb_[0-9a-f]{32}", fullmatch=True)))
@settings(max_examples=200, deadline=None)
def test_no_string_but_the_given_token_opens_a_workbook(one_token, value):
    from cmtraining.runtime.workspace import id_for_token

    folder, token = one_token
    assert id_for_token(value, folder) == ("ana" if value == token else None)


def test_with_private_links_the_landing_page_lists_nobody_and_creates_a_private_link(
        tmp_path, monkeypatch):
    from cmtraining.apps.landing import build_app
    from cmtraining.runtime.workspace import PRIVATE_LINKS_ENV, create_workbook, id_for_token

    monkeypatch.setenv("CMTRAINING_WORKSPACE", str(tmp_path))
    monkeypatch.setenv(PRIVATE_LINKS_ENV, "1")
    create_workbook("Someone Else", "ngo", workspace=tmp_path)
    app = build_app(lang="en")
    assert list(app.existing.options) == []
    app.trainee.value = "Ana García"
    app._on_create(None)
    assert id_for_token(app.current, tmp_path) == "ana-garcia"
    assert "Someone" not in app.stages.value and "someone-else" not in app.stages.value
    assert f"workbook={app.current}" in app.stages.value


@pytest.fixture(scope="module")
def served_private(tmp_path_factory):
    server = Served(tmp_path_factory.mktemp("private"), "--private-links", "--pool-size", "0")
    yield server
    server.stop()


def test_a_trainee_opens_a_workbook_by_its_private_link_only(served_private):
    from cmtraining.runtime.workspace import token_for

    server = served_private
    add_workbook(server, "ana", "ngo", "Ana")
    token = token_for("ana", server.workspace)
    before = server.kernels()
    for query, words in (("workbook=ana", "enlace privado"), ("workbook=ana&lang=en",
                                                              "private link")):
        code, body, _ = server.get(f"/voila/render/00-profile.ipynb?{query}")
        assert code == 403 and words in body
    code, body, _ = server.get("/voila/render/00-profile.ipynb?workbook=wb_" + "1" * 32)
    assert code == 400 and "cm-refused" in body
    assert server.kernels() == before
    code, body, _ = server.get(f"/voila/render/00-profile.ipynb?workbook={token}")
    assert code == 200 and "cm-refused" not in body


def test_the_facilitator_opens_any_workbook_by_name_and_reads_every_private_link(
        served_private):
    from cmtraining.runtime.workspace import token_for

    server = served_private
    add_workbook(server, "ben", "cafe", "Ben")
    code, body, _ = server.get(
        f"/voila/render/00-profile.ipynb?workbook=ben&facilitator_token={FACILITATOR}")
    assert code == 200 and "cm-refused" not in body
    links = status(server)["private_links"]
    assert links["ben"] == f"index.ipynb?workbook={token_for('ben', server.workspace)}"


@pytest.mark.browser
@needs_chromium
def test_leaving_a_page_ends_its_kernel_at_once(tmp_path):
    """A trainee going from stage to stage holds one kernel, not one per page visited."""
    from playwright.sync_api import sync_playwright

    server = Served(tmp_path, "--pool-size", "0")  # culling (20 min) plays no part here
    try:
        add_workbook(server, "ana", "ngo", "Ana")
        with sync_playwright() as p:
            browser = launch_chromium(p)
            page = browser.new_page()
            page.goto(f"{server.base}/voila/render/00-profile.ipynb?workbook=ana")
            page.locator(".cm-field-name input").wait_for(timeout=120_000)
            first = kernel_pid(server, page_kernel_id(page))
            page.goto(f"{server.base}/voila/render/index.ipynb?workbook=ana")
            page.locator(".cm-stages-box").wait_for(timeout=120_000)
            assert wait_for(lambda: first not in server.kernels(), timeout=60)
            assert len(server.kernels()) == 1
            browser.close()
    finally:
        server.stop()


def test_a_page_waits_for_its_cells_outputs_however_loaded_the_machine_is():
    """A page whose outputs came late was served with no widget at all (issue 17 load test).

    Voila's executor (nbclient) waits `iopub_timeout` seconds for a cell's outputs after
    its reply, then drops them silently; the served journey waits minutes and, if they
    never come, fails the cell visibly instead of serving a page with nothing to click.
    """
    import nbformat
    from traitlets.config.loader import KVArgParseConfigLoader
    from voila.execute import VoilaExecutor

    from cmtraining.runtime.serve_options import voila_argv

    argv = voila_argv("127.0.0.1", 8866, "", notebooks_dir())
    config = KVArgParseConfigLoader([a for a in argv if a.startswith("--VoilaExecutor.")]
                                    ).load_config()
    executor = VoilaExecutor(nbformat.v4.new_notebook(), config=config)
    assert executor.iopub_timeout >= 60
    assert executor.raise_on_iopub_timeout
