"""Serving the journey with Voila, parameters checked before any cell runs.

`prelaunch_hook` is Voila's documented hook for turning a request into a
notebook: we read the URL query, pass it through the notebook's parameter
contract, and inject the values with papermill's own `parameterize_notebook`,
so a Voila link and a papermill run take exactly the same inputs. A refused
query gets a one-cell page that explains the problem (HTTP 400): no code of
the notebook runs.
"""

from __future__ import annotations

import html
import os
import socket
from pathlib import Path

from cmtraining.errors import CmtrainingError, ParameterError
from cmtraining.i18n import LANGS, check_lang, t
from cmtraining.parameters import contract
from cmtraining.paths import notebooks_dir

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
LANDING = "index.ipynb"


def _query(request) -> dict[str, str]:
    return {k: v[-1].decode("utf-8", "replace") for k, v in request.query_arguments.items()}


def error_notebook(exc: CmtrainingError, lang: str):
    import nbformat

    back = "index.ipynb" + (f"?lang={lang}" if lang != "es" else "")
    text = (f"## {html.escape(t('serve.refused_title', lang))}\n\n"
            f"{html.escape(exc.message(lang))}\n\n"
            f"[{html.escape(t('app.back_home', lang))}]({back})")
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell(text))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def prelaunch_hook(req, notebook, cwd):
    """Voila prelaunch hook: check the query and inject it as parameters."""
    from papermill.parameterize import parameterize_notebook

    query = _query(req.request)
    lang = query.get("lang") if query.get("lang") in LANGS else check_lang(None)
    stem = Path(req.request.path).stem
    try:
        values = contract(stem).resolve(query, source="url")
    except CmtrainingError as exc:
        req.set_status(400)
        return error_notebook(exc, lang)
    # the normalization papermill's own loader applies before parameterizing
    notebook.metadata.setdefault("papermill", {})
    for cell in notebook.cells:
        cell.metadata.setdefault("tags", [])
        cell.metadata.setdefault("papermill", {})
    kernel = notebook.metadata.get("kernelspec", {}).get("name", "python3")
    return parameterize_notebook(notebook, values, kernel_name=kernel, language="python")


def free_port(host: str, preferred: int) -> int:
    """`preferred` if it is free on `host`, else one the OS picks."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    for port in (preferred, 0):
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            try:
                sock.bind((host, port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise ParameterError("error.no_port", host=host)


def landing_url(host: str, port: int, lang: str, token: str = "") -> str:
    shown = f"[{host}]" if ":" in host else host
    query = f"?lang={lang}" + (f"&token={token}" if token else "")
    return f"http://{shown}:{port}/voila/render/{LANDING}{query}"


def voila_argv(host: str, port: int, token: str, root: Path) -> list[str]:
    argv = [str(root), f"--Voila.ip={host}", f"--port={port}", "--Voila.port_retries=0",
            "--no-browser", "--VoilaConfiguration.show_tracebacks=False",
            "--Voila.log_level=WARN"]
    argv.append(f"--token={token}" if token else "--Voila.token=")
    return argv


def serve(*, host: str = "127.0.0.1", port: int = 8866, token: str = "",
          workspace: Path | None = None, lang: str = "es", open_browser: bool = False) -> None:
    """Start Voila over `notebooks/` and print the landing page's URL."""
    from voila.app import Voila

    lang = check_lang(lang)
    if host not in LOOPBACK and not token:
        raise ParameterError("error.host_needs_token", host=host, lang=lang)
    folder = (workspace or Path(os.environ.get("CMTRAINING_WORKSPACE") or "workspace")).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["CMTRAINING_WORKSPACE"] = str(folder)  # inherited by every kernel
    os.environ["CMTRAINING_LANG"] = lang
    port = free_port(host, port)
    url = landing_url(host, port, lang, token)

    app = Voila()
    app.initialize(voila_argv(host, port, token, notebooks_dir()))
    app.voila_configuration.prelaunch_hook = prelaunch_hook
    print(t("serve.url", lang, url=url), flush=True)
    print(t("serve.workspace", lang, path=folder), flush=True)
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    app.start()
