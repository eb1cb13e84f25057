"""The journey on JupyterHub: one single-user Jupyter Server per trainee, with Voila.

On a hub each trainee has a server of their own (`jupyterhub-singleuser`,
the Voila server extension enabled, the journey as the default URL), so the
hub's login is what keeps trainees apart, not a link's token. What this
module adds to that server (through `deploy/singleuser/jupyter_server_config.py`)
is what `cmtraining serve` does before a kernel starts: the query is checked
by the notebook's parameter contract and its values injected with papermill's
`parameterize_notebook` (the same `prelaunch_hook`), and the facilitator's
pages are refused, since the facilitator's gradebook is no trainee's to open.
"""

from __future__ import annotations

from pathlib import Path

import tornado.web

from cmtraining.runtime.serve import prelaunch_hook
from cmtraining.runtime.serve_query import FACILITATOR_NOTEBOOKS

#: where a single-user server opens: the journey's landing page
DEFAULT_URL = "/voila/render/index.ipynb"


def hub_prelaunch_hook(req, notebook, cwd):
    """Voila prelaunch hook on a trainee's own server: no facilitator page, checked values."""
    if Path(req.request.path).stem in FACILITATOR_NOTEBOOKS:
        raise tornado.web.HTTPError(403)
    return prelaunch_hook(req, notebook, cwd)
