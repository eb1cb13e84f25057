# A trainee's single-user server on JupyterHub (the local config and the Zero to JupyterHub
# image both point JUPYTER_CONFIG_PATH here): Voila over the journey's notebooks, the
# query checked by the parameter contract before any kernel starts (cmtraining.runtime.hub).
import os

from cmtraining.core.paths import notebooks_dir
from cmtraining.runtime.hub import DEFAULT_URL, hub_prelaunch_hook
from cmtraining.runtime.serve_options import DEFAULT_CULL_MINUTES
from cmtraining.runtime.serve_query import FACILITATOR_NOTEBOOKS

c = get_config()  # noqa: F821 - provided by traitlets when the file is loaded

c.ServerApp.root_dir = str(notebooks_dir())
c.ServerApp.default_url = DEFAULT_URL
c.ServerApp.terminals_enabled = False  # a trainee needs the journey, not a shell
c.ContentsManager.hide_globs.extend(f"{stem}.ipynb" for stem in sorted(FACILITATOR_NOTEBOOKS))
c.VoilaConfiguration.prelaunch_hook = hub_prelaunch_hook
# pages' kernels keep 100,000 unread IOPub messages, not ZeroMQ's 1,000: a click that makes a
# thousand widgets lost its last ones when the server fell behind (cmtraining.runtime.served_kernel)
c.ServerApp.kernel_spec_manager_class = "cmtraining.runtime.served_kernel.ServedKernelSpecs"
c.ServerKernelManager.client_factory = "cmtraining.runtime.page_client.PageKernelClient"
# a page left open keeps its kernel until this; jupyterhub-idle-culler then stops the server
c.MappingKernelManager.cull_idle_timeout = int(DEFAULT_CULL_MINUTES * 60)
c.MappingKernelManager.cull_interval = 60
c.MappingKernelManager.cull_connected = False
# the trainee's workbooks live in their home (a persistent volume on Kubernetes)
os.environ.setdefault("CMTRAINING_WORKSPACE",
                      os.path.join(os.path.expanduser("~"), "cmtraining-workspace"))
# wait for a cell's outputs however loaded the machine is (see cmtraining.runtime.serve_options.voila_argv)
from cmtraining.runtime.serve_options import IOPUB_WAIT_SECONDS  # noqa: E402

c.VoilaExecutor.iopub_timeout = IOPUB_WAIT_SECONDS
c.VoilaExecutor.raise_on_iopub_timeout = True
