# JupyterHub on one machine for the cmtraining journey: each trainee logs in and gets a
# single-user Jupyter Server of their own with Voila, opening on the journey's landing page.
# Used by tests/test_hub.py; also a way to try the hub path before Kubernetes
# (deploy/z2jh/). Every process binds 127.0.0.1. Run it from the project's environment:
#
#   CMTRAINING_HUB_PASSWORD=... .venv/bin/jupyterhub -f deploy/local/jupyterhub_config.py
#
# Trust: DummyAuthenticator lets anyone with the one shared password in under any name, and
# SimpleLocalProcessSpawner runs every trainee's server as the same OS user. That is fine for
# a test or a trial on a laptop, not for a course: see the README ("JupyterHub").
import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 - provided by traitlets when the file is loaded

HERE = Path(__file__).resolve().parent
DEPLOY = HERE.parent
#: the hub's database, cookie secret, proxy pid and the trainees' homes
STATE = Path(os.environ.get("CMTRAINING_HUB_STATE") or HERE / "state").resolve()
STATE.mkdir(parents=True, exist_ok=True)
PORT = int(os.environ.get("CMTRAINING_HUB_PORT", "8000"))

c.JupyterHub.bind_url = f"http://127.0.0.1:{PORT}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("CMTRAINING_HUB_API_PORT", PORT + 81))
c.ConfigurableHTTPProxy.api_url = (
    f"http://127.0.0.1:{os.environ.get('CMTRAINING_HUB_PROXY_API_PORT', PORT + 1)}")
# the proxy: PyPI's configurable-http-proxy (a Python implementation, on the PATH of this
# environment); node's works the same
c.ConfigurableHTTPProxy.command = [str(Path(sys.executable).with_name("configurable-http-proxy"))]
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")
c.ConfigurableHTTPProxy.should_start = True
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")

c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = os.environ.get("CMTRAINING_HUB_PASSWORD") or None
c.Authenticator.allow_all = True
c.Authenticator.admin_users = {os.environ.get("CMTRAINING_HUB_ADMIN", "facilitator")}

c.JupyterHub.spawner_class = "simple"  # jupyterhub.spawner.SimpleLocalProcessSpawner
c.SimpleLocalProcessSpawner.home_dir_template = str(STATE / "homes" / "{username}")
c.Spawner.cmd = [str(Path(sys.executable).with_name("jupyterhub-singleuser"))]
c.Spawner.default_url = "/voila/render/index.ipynb"
c.Spawner.ip = "127.0.0.1"
if os.geteuid() == 0:  # CI runs as root; Jupyter Server refuses that unless told
    c.Spawner.args = ["--allow-root"]
c.Spawner.http_timeout = 180  # a loaded 2-core machine takes a while to start a server
c.Spawner.start_timeout = 180
c.Spawner.environment = {
    "JUPYTER_CONFIG_PATH": str(DEPLOY / "singleuser"),
    "CMTRAINING_WORKSPACE": lambda spawner: str(
        STATE / "homes" / spawner.user.name / "cmtraining-workspace"),
}
# what Zero to JupyterHub enforces with Kubernetes; a local spawner only passes them on
c.Spawner.mem_limit = "1G"
c.Spawner.cpu_limit = 1.0
c.JupyterHub.active_server_limit = int(os.environ.get("CMTRAINING_HUB_MAX_SERVERS", "30"))

# idle servers are stopped by jupyterhub-idle-culler, as Zero to JupyterHub's `cull` does
c.JupyterHub.load_roles = [{
    "name": "jupyterhub-idle-culler",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["jupyterhub-idle-culler"],
}]
c.JupyterHub.services = [{
    "name": "jupyterhub-idle-culler",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler",
                f"--timeout={os.environ.get('CMTRAINING_HUB_CULL_SECONDS', '1200')}"],
}]
