"""The live crisis workshop in a real browser (issue 18): three teams, a facilitator, a restart.

Each team plays from its own browser context (its own cookies, as three
rooms would), the facilitator from a fourth. Three turns, an inject to every
team and one to a single team, a pause; in the middle the server is killed
and started again on the same workspace: every page says its connection is
gone, is reloaded, and shows where its team was. Then the console and the
debrief are checked.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from tests.conftest import (
    ARTIFACTS,
    ROOT,
    WAIT_MS,
    browser_context,
    free_port,
    needs_chromium,
    wait_for,
)

pytestmark = [pytest.mark.browser, needs_chromium]
SCENARIO = "saas-cloud-outage"  # 15-minute turns
READY = ".cm-workshop-ready"
STATEMENT = ("Lo sentimos: los paneles no cargan desde las 9:40. Estamos en ello y actualizaremos "
             "cada 30 minutos en esta cuenta.")
REPLY = ("Hola Niamh, lo sentimos mucho: estamos revisándolo ahora mismo y te escribimos en "
         "cuanto sepamos más.")
MEMO = "Circula un correo interno: el fallo se conocía desde el lunes."


class Server:
    """`cmtraining serve` on one port and workspace, stopped and started again at will."""

    def __init__(self, workspace, port: int):
        self.workspace, self.port = workspace, port
        self.base = f"http://127.0.0.1:{port}"
        self.env = {**os.environ, "CMTRAINING_WORKSPACE": str(workspace)}
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        log = open(self.workspace.parent / f"voila-{self.starts}.log", "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "cmtraining.cli", "serve", "--port", str(self.port),
             "--workspace", str(self.workspace), "--facilitator-token", "workshop-tests"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)

        def up():
            try:
                urllib.request.urlopen(self.base + "/voila/render/index.ipynb?lang=fr", timeout=5)
            except urllib.error.HTTPError as exc:
                return exc.code == 400
            except OSError:
                return False
            return False

        assert wait_for(up, timeout=120), self.log()

    def kill(self) -> None:
        """The server dies (SIGKILL: no goodbye to the pages); its kernels are ended after it."""
        import psutil

        kernels = psutil.Process(self.proc.pid).children(recursive=True)
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)
        for kernel in kernels:
            try:
                kernel.kill()
            except psutil.NoSuchProcess:
                pass
        psutil.wait_procs(kernels, timeout=30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return "\n".join(p.read_text() for p in sorted(self.workspace.parent.glob("voila-*.log")))


@pytest.fixture
def served(tmp_path):
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    server = Server(workspace, free_port())
    server.start()
    yield server
    server.stop()


def create_workshop(workspace):
    """The facilitator's workshop, in the workspace's store (as `cmtraining workshop create`)."""
    from cmtraining.workshop import Workshop, WorkshopConfig, open_store

    store = open_store(f"sqlite:///{workspace / 'workshops.sqlite'}")
    workshop = Workshop.create(store, WorkshopConfig(
        scenario_id=SCENARIO, seed=7, audience_size=400, teams=3,
        team_names=("Rojo", "Verde", "Azul")))
    tokens = workshop.tokens()
    store.close()
    return tokens


def url(server, token: str, role: str = "", lang: str = "es") -> str:
    query = f"workshop_token={token}" + (f"&role={role}" if role else "") + f"&lang={lang}"
    return f"{server.base}/voila/render/91-crisis-workshop.ipynb?{query}&debrief_runs=10"


def open_page(context, address: str):
    page = context.new_page()
    page.goto(address)
    page.locator(READY).first.wait_for(timeout=WAIT_MS)
    return page


def turn_shown(page, turn: int) -> None:
    page.locator(f".cm-ws-clock-text[data-turn='{turn}']").first.wait_for(timeout=WAIT_MS)


def status_shown(page, status: str) -> None:
    page.locator(f".cm-ws-status[data-status='{status}']").first.wait_for(timeout=WAIT_MS)


def click(page, css: str) -> None:
    button = page.locator(f"button{css}")
    wait_for(lambda: button.is_enabled(), timeout=60)
    button.click()


def test_a_workshop_of_three_teams_survives_a_server_restart(served, browser):
    tokens = create_workshop(served.workspace)
    contexts = {who: browser_context(browser)
                for who in ("facilitator", "t1", "t2", "t3")}
    try:
        _play(served, tokens, contexts)
    finally:
        for context in contexts.values():
            context.close()


def _play(served, tokens, contexts):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # an unknown link is a short page, before any kernel starts
    refused = contexts["t3"].new_page()
    response = refused.goto(url(served, "NoWorkshopHasThisToken_x"))
    assert response.status == 400
    refused.get_by_text("No hay ningún taller con este enlace").wait_for(timeout=WAIT_MS)
    refused.close()

    console = open_page(contexts["facilitator"], url(served, tokens["facilitator"]))
    rojo_lead = open_page(contexts["t1"], url(served, tokens["t1"]))  # the role is chosen here
    rojo_lead.locator("a.cm-ws-role[data-role='lead']").click()
    rojo_lead.locator(".cm-ws-role-current[data-role='lead']").wait_for(timeout=WAIT_MS)
    assert "role=lead" in rojo_lead.url
    rojo_approval = open_page(contexts["t1"], url(served, tokens["t1"], "approval"))
    verde = open_page(contexts["t2"], url(served, tokens["t2"], "replies"))
    azul = open_page(contexts["t3"], url(served, tokens["t3"], "monitoring"))
    teams = {"rojo_lead": rojo_lead, "rojo_approval": rojo_approval, "verde": verde,
             "azul": azul}
    for page in teams.values():
        status_shown(page, "ready")

    # turn 1: the facilitator starts; every page follows without a click (live refresh)
    click(console, ".cm-ws-start")
    for page in teams.values():
        status_shown(page, "running")
    rojo_lead.locator(".cm-ws-strategy select").select_option(label="disculpa")
    rojo_lead.locator(".cm-ws-text textarea").fill(STATEMENT)
    click(rojo_lead, ".cm-ws-send")
    rojo_lead.locator(".cm-ws-pending", has_text="desde las 9:40").wait_for(timeout=WAIT_MS)
    # the approver's page, in another tab, sees it in its queue and publishes it
    rojo_approval.locator(".cm-ws-queue-item", has_text="desde las 9:40").wait_for(
        timeout=WAIT_MS)
    click(rojo_approval, ".cm-ws-approve")
    rojo_lead.locator(".cm-ws-timeline .cm-ws-action", has_text="desde las 9:40").wait_for(
        timeout=WAIT_MS)
    assert verde.locator(".cm-ws-reply-to select").input_value().startswith("@fin_ops_niamh")
    verde.locator(".cm-ws-text textarea").fill(REPLY)
    click(verde, ".cm-ws-send")
    verde.locator(".cm-ws-timeline .cm-ws-action", has_text="Hola Niamh").wait_for(
        timeout=WAIT_MS)
    console.locator(".cm-ws-published", has_text="desde las 9:40").wait_for(timeout=WAIT_MS)
    console.locator(".cm-ws-published", has_text="Hola Niamh").wait_for(timeout=WAIT_MS)
    # an inject to every team, one to Azul only
    console.locator(".cm-ws-inject-kind select").select_option(label="pregunta una periodista")
    click(console, ".cm-ws-inject-send")
    console.locator(".cm-ws-inject-to select").select_option(label="Azul")
    console.locator(".cm-ws-inject-text textarea").fill(MEMO)
    click(console, ".cm-ws-inject-send")
    azul.locator(".cm-ws-inbox .cm-ws-inject", has_text="se conocía desde el lunes").wait_for(
        timeout=WAIT_MS)
    for page in (rojo_lead, verde, azul):
        page.locator(".cm-ws-inbox .cm-ws-inject", has_text="periodista").first.wait_for(
            timeout=WAIT_MS)
    click(console, ".cm-ws-advance")
    for page in (console, *teams.values()):
        turn_shown(page, 1)
    # a pause: the forms close and the teams are told who paused
    click(console, ".cm-ws-pause")
    for page in teams.values():
        status_shown(page, "paused")
    assert verde.get_by_text("En pausa: lo ha pausado quien facilita.").is_visible()
    assert verde.locator("button.cm-ws-send").is_disabled()
    before = {name: page.locator(".cm-ws-timeline").inner_text()
              for name, page in teams.items()}
    console.screenshot(path=str(ARTIFACTS / "workshop-console-paused.png"), full_page=True)

    # the server dies in the middle of the workshop and comes back on the same store
    served.kill()
    served.start()
    for page in (console, *teams.values()):
        page.evaluate("window.cmtrainingCheckKernel && window.cmtrainingCheckKernel()")
        page.locator(".cm-kernel-gone").wait_for(timeout=WAIT_MS)
        page.locator(".cm-kernel-gone button.cm-reload").click()
        page.locator(READY).first.wait_for(timeout=WAIT_MS)
    for name, page in teams.items():
        status_shown(page, "paused")
        turn_shown(page, 1)
        assert page.locator(".cm-ws-timeline").inner_text() == before[name], name
    assert "se conocía desde el lunes" in azul.locator(".cm-ws-inbox").inner_text()
    assert "se conocía desde el lunes" not in verde.locator(".cm-ws-inbox").inner_text()
    rojo_lead.locator(".cm-ws-role-current[data-role='lead']").wait_for(timeout=WAIT_MS)

    # turns 2 and 3 after the restart
    click(console, ".cm-ws-resume")
    for page in teams.values():
        status_shown(page, "running")
    for turn in (2, 3):
        click(console, ".cm-ws-advance")
        for page in (console, *teams.values()):
            turn_shown(page, turn)
    # each team's state: its own actions, and none of the others'
    rojo = rojo_lead.locator(".cm-ws-timeline").inner_text()
    verde_text = verde.locator(".cm-ws-timeline").inner_text()
    azul_text = azul.locator(".cm-ws-timeline").inner_text()
    assert "desde las 9:40" in rojo and "Hola Niamh" not in rojo
    assert "Hola Niamh" in verde_text and "desde las 9:40" not in verde_text
    assert "desde las 9:40" not in azul_text and "Hola Niamh" not in azul_text
    assert "se conocía desde el lunes" in azul_text
    assert "Minuto 45 de" in azul.locator(".cm-ws-clock").inner_text()
    for page in teams.values():  # the turn's chart follows its clock: wait for it to load
        chart = page.locator("img.cm-ws-chart")
        assert wait_for(lambda c=chart: c.evaluate("img => img.complete && img.naturalWidth > 400"),
                        timeout=60)
    # the console: every team side by side, every published text
    for team in ("Rojo", "Verde", "Azul"):
        console.locator(".cm-ws-team h3", has_text=team).wait_for(timeout=WAIT_MS)
    published = console.locator(".cm-ws-published").inner_text()
    assert "Rojo" in published and "Verde" in published and "Azul" not in published
    assert console.locator(".cm-ws-team[data-team='t3']").inner_text().count("lunes") == 1
    rojo_lead.screenshot(path=str(ARTIFACTS / "workshop-team-es.png"), full_page=True)

    # the end, and the debrief for the room
    click(console, ".cm-ws-end")
    for page in teams.values():
        status_shown(page, "ended")
    assert rojo_lead.locator("button.cm-ws-send").is_disabled()
    click(console, ".cm-ws-debrief-button")
    ranking = console.locator(".cm-ws-ranking")
    ranking.wait_for(timeout=WAIT_MS)
    assert console.locator(".cm-ws-rank").count() == 3
    assert sorted(console.locator(".cm-ws-rank").evaluate_all(
        "rows => rows.map(r => r.dataset.rank)")) == ["1", "2", "3"]
    assert console.locator(".cm-ws-bends li").count() == 3
    assert console.locator(".cm-ws-best li").count() >= 1
    assert console.locator(".cm-ws-cf").count() == 3
    assert console.locator("a.cm-ws-report-team").count() == 3
    with console.expect_download() as download:
        console.locator("a.cm-ws-report-workshop").click()
    report = download.value.path().read_text(encoding="utf-8")
    assert "Rojo" in report and "Verde" in report and "Azul" in report
    console.screenshot(path=str(ARTIFACTS / "workshop-debrief-es.png"), full_page=True)
