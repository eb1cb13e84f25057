"""The journey on JupyterHub (issue 17): the local hub config, two trainees, a stage each.

`deploy/local/jupyterhub_config.py` is started as it is documented (JupyterHub,
PyPI's configurable-http-proxy, SimpleLocalProcessSpawner, DummyAuthenticator,
jupyterhub-idle-culler as a service), every process on 127.0.0.1. Each trainee
logs in through the hub's login form, the hub starts their own single-user
server, and a stage page is opened through the proxy by HTTP, as a browser
would (cookies, the OAuth redirects): it must come back with its first widget.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from tests.conftest import free_port, wait_for

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "deploy" / "local" / "jupyterhub_config.py"
PASSWORD = "class-password"
#: a stage page with a widget Voila rendered on the server (the view the page's manager shows)
WIDGET_VIEW = re.compile(r'application/vnd\.jupyter\.widget-view\+json"\s*:\s*\{\s*"model_id"'
                         r'\s*:\s*"[0-9a-f]{32}"')

pytestmark = pytest.mark.hub


class Hub:
    """One local JupyterHub from the project's config, and a way to stop all of it."""

    def __init__(self, tmp: Path):
        self.state = tmp / "hub"
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = tmp / "hub.log"
        self.log = open(self.log_path, "w")
        bin_dir = str(Path(sys.executable).parent)
        env = {**os.environ, "CMTRAINING_HUB_STATE": str(self.state),
               "CMTRAINING_HUB_PORT": str(self.port),
               "CMTRAINING_HUB_PROXY_API_PORT": str(free_port()),
               "CMTRAINING_HUB_API_PORT": str(free_port()),
               "CMTRAINING_HUB_PASSWORD": PASSWORD,
               "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
        env.pop("CMTRAINING_WORKSPACE", None)
        env.pop("JUPYTER_CONFIG_PATH", None)
        self.proc = subprocess.Popen(
            [str(Path(bin_dir) / "jupyterhub"), "-f", str(CONFIG)], cwd=tmp, env=env,
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        up = wait_for(lambda: self.proc.poll() is not None or self._answers(), timeout=180)
        assert up and self.proc.poll() is None, self.log_path.read_text()

    def _answers(self) -> bool:
        import requests

        try:
            return requests.get(f"{self.base}/hub/login", timeout=10).status_code == 200
        except requests.RequestException:
            return False

    def login(self, name: str):
        """A browser-like session logged in as `name` (the hub's own login form)."""
        import requests

        session = requests.Session()
        assert session.get(f"{self.base}/hub/login", timeout=60).status_code == 200
        reply = session.post(f"{self.base}/hub/login",
                             data={"username": name, "password": PASSWORD,
                                   "_xsrf": session.cookies.get("_xsrf", path="/hub/")},
                             timeout=300)
        assert reply.status_code == 200, reply.text[-2000:]
        return session

    def open(self, session, path: str, ready: str = "/voila/render/"):
        """GET `path` through the proxy, waiting while the hub says the server is starting."""
        def page():
            reply = session.get(self.base + path, timeout=300)
            return reply if ready in reply.url and "spawn-pending" not in reply.url else None

        reply = wait_for(page, timeout=300, step=2)
        assert reply is not None, self.log_path.read_text()[-5000:]
        return reply

    def stop(self) -> None:
        """SIGTERM the hub (it stops the servers, the proxy and the culler), then the rest."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=90)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=30)
        try:  # whatever it left behind in its own session (a server, a kernel, the proxy)
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.log.close()


def _descendants_cmdlines(pid: int) -> list[str]:
    lines = []
    for child in psutil.Process(pid).children(recursive=True):
        try:
            lines.append(" ".join(child.cmdline()))
        except psutil.Error:  # gone meanwhile
            pass
    return lines


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    if shutil.which("jupyterhub", path=str(Path(sys.executable).parent)) is None:
        pytest.fail("jupyterhub is not installed: `make install-dev` installs the dev extras")
    server = Hub(tmp_path_factory.mktemp("hub"))
    yield server
    server.stop()


def test_two_trainees_log_in_and_each_opens_a_stage_on_a_server_of_their_own(hub):
    for name, lang in [("ana", "en"), ("ben", "es")]:
        session = hub.login(name)
        # the hub starts the trainee's server, which opens on the journey
        landing = hub.open(session, f"/user/{name}/")
        assert landing.url.startswith(f"{hub.base}/user/{name}/voila/render/index.ipynb")
        assert WIDGET_VIEW.search(landing.text), landing.text[-3000:]
        stage = hub.open(session, f"/user/{name}/voila/render/00-profile.ipynb?lang={lang}")
        assert stage.status_code == 200
        assert WIDGET_VIEW.search(stage.text), stage.text[-3000:]
        assert "Traceback" not in stage.text
    servers = {path.name for path in (hub.state / "homes").iterdir()}
    assert servers == {"ana", "ben"}
    # the pages' kernels keep a click's thousand widgets for a server that fell behind
    kernels = [line for line in _descendants_cmdlines(hub.proc.pid)
               if " -f " in line and "kernel" in line]
    assert kernels and all("cmtraining.runtime.served_kernel" in k for k in kernels), kernels


def test_a_trainee_cannot_open_another_trainees_server(hub):
    ben = hub.login("ben")
    reply = ben.get(f"{hub.base}/user/ana/voila/render/00-profile.ipynb", timeout=300)
    assert reply.status_code == 403 or "/user/ana/voila" not in reply.url
    assert not WIDGET_VIEW.search(reply.text)


def test_the_parameter_contract_and_the_facilitator_pages_hold_on_the_hub(hub):
    ana = hub.login("ana")
    refused = ana.get(f"{hub.base}/user/ana/voila/render/00-profile.ipynb?org=nowhere",
                      timeout=300)
    assert refused.status_code == 400 and not WIDGET_VIEW.search(refused.text)
    gradebook = ana.get(f"{hub.base}/user/ana/voila/render/90-gradebook.ipynb", timeout=300)
    assert gradebook.status_code == 403 and not WIDGET_VIEW.search(gradebook.text)


def test_the_zero_to_jupyterhub_config_serves_the_journey_with_limits_and_culling():
    import yaml

    config = yaml.safe_load((ROOT / "deploy" / "z2jh" / "config.yaml").read_text("utf-8"))
    single = config["singleuser"]
    from cmtraining.runtime.hub import DEFAULT_URL

    assert single["defaultUrl"] == DEFAULT_URL and single["cmd"] == "jupyterhub-singleuser"
    assert single["memory"]["limit"] and single["cpu"]["limit"]
    assert single["storage"]["homeMountPath"] == "/home/jovyan"
    assert config["cull"]["enabled"] and config["cull"]["timeout"] == 20 * 60
    dockerfile = (ROOT / "deploy" / "z2jh" / "Dockerfile").read_text("utf-8")
    # the image carries the single-user config the local hub's test runs with
    assert "COPY deploy/singleuser /etc/cmtraining/singleuser" in dockerfile
    assert "JUPYTER_CONFIG_PATH=/etc/cmtraining/singleuser" in dockerfile
    assert single["extraEnv"]["CMTRAINING_WORKSPACE"].startswith(single["storage"]
                                                                 ["homeMountPath"])
