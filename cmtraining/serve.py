"""Serving the journey with Voila, requests checked before any kernel starts.

Every request for a notebook is checked by `check_query` in the page handler
(`cmtraining.serve_handlers`) before Voila asks for a kernel: a refused query
gets an explanatory page (HTTP 400) and starts nothing. The accepted values
are then injected by `prelaunch_hook`, Voila's documented hook for turning a
request into a notebook, with papermill's own `parameterize_notebook`, so a
Voila link and a papermill run take exactly the same inputs.

The facilitator's pages (the gradebook) need the facilitator's token, which
`serve` generates and prints when it is not given; the gradebook they read is
the server's configuration (`--gradebook`), never part of the address.
Every kernel belongs to a page and ends with it: kernels without a connected
page are culled after `cull_idle` minutes without activity.
"""

from __future__ import annotations

import os
import secrets
import socket
from pathlib import Path
from urllib.parse import urlencode

from cmtraining.errors import CmtrainingError, ParameterError
from cmtraining.i18n import LANGS, check_lang, t
from cmtraining.parameters import contract
from cmtraining.paths import notebooks_dir

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
LANDING = "index.ipynb"
#: notebooks only the facilitator may open (and that no listing shows)
FACILITATOR_NOTEBOOKS = frozenset({"90-gradebook"})
GRADEBOOK_NOTEBOOK = "90-gradebook"
#: query argument carrying the facilitator's token (a signed cookie keeps it afterwards)
FACILITATOR_PARAM = "facilitator_token"
#: query arguments read by jupyter_server's authentication, not by the notebook
AUTH_PARAMS = frozenset({"token", FACILITATOR_PARAM})
#: query arguments Voila would interpret itself (a template or theme from the address)
VOILA_OWN_PARAMS = frozenset({"template", "theme", "voila-template", "classic-tree"})
#: longest name or value a query may carry: ids, languages and numbers are far shorter
MAX_QUERY_CHARS = 1000
#: request line and headers tornado reads before answering (its default, 64 KiB, makes it
#: close the connection without an answer on a longer address)
MAX_HEADER_BYTES = 1024 * 1024
#: environment variables every kernel inherits from `serve`
GRADEBOOK_ENV = "CMTRAINING_GRADEBOOK"
DEFAULT_CULL_MINUTES = 20.0
CULL_MINUTES_RANGE = (0.05, 24 * 60.0)


def _shown(name: str) -> str:
    return name if len(name) <= 40 else name[:40] + "…"


def query_values(query_arguments: dict[str, list[bytes]]) -> dict[str, str]:
    """The last value of each query argument, decoded (undecodable bytes replaced)."""
    return {k: v[-1].decode("utf-8", "replace") for k, v in query_arguments.items() if v}


def query_lang(query: dict[str, str]) -> str:
    """The language a refusal is written in: the requested one when it exists."""
    lang = query.get("lang")
    return lang if lang in LANGS else check_lang(None)


def check_query(stem: str, query: dict[str, str]) -> dict:
    """The notebook's parameter values for a URL query, or the package's error.

    Run by the page handler before any kernel starts, and again by the
    prelaunch hook that injects the values.
    """
    lang = query_lang(query)
    for name, value in query.items():
        longest = max(len(name), len(value))
        if longest > MAX_QUERY_CHARS:
            raise ParameterError("server.value_too_long", name=_shown(name), length=longest,
                                 limit=MAX_QUERY_CHARS, lang=lang)
    reserved = sorted(VOILA_OWN_PARAMS & set(query))
    if reserved:
        raise ParameterError("server.reserved_param", name=", ".join(reserved), lang=lang)
    if stem == GRADEBOOK_NOTEBOOK and "db" in query:
        raise ParameterError("server.gradebook_from_config", lang=lang)
    params = {k: v for k, v in query.items() if k not in AUTH_PARAMS}
    return contract(stem).resolve(params, source="url")


def prelaunch_hook(req, notebook, cwd):
    """Voila prelaunch hook: inject the query's checked values as parameters."""
    import tornado.web
    from papermill.parameterize import parameterize_notebook

    # the notebook the page handler resolved (the raw path may be %-encoded)
    stem = getattr(req, "notebook_stem", None) or Path(req.request.path).stem
    try:
        values = check_query(stem, query_values(req.request.query_arguments))
    except CmtrainingError as exc:  # the handler refuses first; this is a second lock
        raise tornado.web.HTTPError(400, exc.message()) from None
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
            except (OSError, OverflowError):
                continue
            return sock.getsockname()[1]
    raise ParameterError("error.no_port", host=host)


def page_url(host: str, port: int, notebook: str, query: dict[str, str]) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/voila/render/{notebook}?{urlencode(query)}"


def landing_url(host: str, port: int, lang: str, token: str = "") -> str:
    return page_url(host, port, LANDING, {"lang": lang, **({"token": token} if token else {})})


def facilitator_url(host: str, port: int, lang: str, token: str, facilitator_token: str) -> str:
    query = {"lang": lang, **({"token": token} if token else {}),
             FACILITATOR_PARAM: facilitator_token}
    return page_url(host, port, f"{GRADEBOOK_NOTEBOOK}.ipynb", query)


def cull_interval(idle_seconds: float) -> int:
    """How often the culler looks: a quarter of the idle time, from 1 s to 60 s."""
    return int(min(60, max(1, idle_seconds // 4)))


def voila_argv(host: str, port: int, token: str, root: Path,
               cull_minutes: float = DEFAULT_CULL_MINUTES) -> list[str]:
    idle = round(cull_minutes * 60)
    argv = [str(root), f"--Voila.ip={host}", f"--port={port}", "--Voila.port_retries=0",
            "--no-browser", "--VoilaConfiguration.show_tracebacks=False",
            "--VoilaConfiguration.allow_template_override=NO",
            "--VoilaConfiguration.allow_theme_override=NO",
            "--Voila.log_level=WARN",
            # every kernel ends: the one of a page that is gone is culled once idle
            f"--MappingKernelManager.cull_idle_timeout={idle}",
            f"--MappingKernelManager.cull_interval={cull_interval(idle)}",
            "--MappingKernelManager.cull_connected=False",
            "--MappingKernelManager.cull_busy=True"]
    argv.append(f"--token={token}" if token else "--Voila.token=")
    return argv


def check_token(value: str | None, option: str, lang: str) -> None:
    """A token given on the command line is usable in a URL: not blank, no outer spaces."""
    if value is not None and (not value.strip() or value != value.strip()):
        raise ParameterError("server.token_blank", option=option, lang=lang)


def check_port(port: int, lang: str) -> int:
    if not 1 <= port <= 65535:
        raise ParameterError("server.port_range", value=port, lang=lang)
    return port


def check_cull_minutes(minutes: float, lang: str) -> float:
    low, high = CULL_MINUTES_RANGE
    if not low <= minutes <= high:  # NaN fails too
        raise ParameterError("server.cull_idle", value=minutes, low=low, high=high, lang=lang)
    return minutes


def gradebook_setting(gradebook: str, workspace: Path) -> str:
    """The gradebook the facilitator's page reads: a URL as given, a path made absolute."""
    from cmtraining.grading.gradebook import GRADEBOOK_FILE

    if not gradebook:
        return str(workspace / GRADEBOOK_FILE)
    return gradebook if "://" in gradebook else str(Path(gradebook).expanduser().resolve())


def _prepare_workspace(workspace: Path | None, lang: str) -> Path:
    folder = (workspace or Path(os.environ.get("CMTRAINING_WORKSPACE") or "workspace")).resolve()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ParameterError("server.workspace_unusable", path=folder,
                             reason=exc.strerror or type(exc).__name__, lang=lang) from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ParameterError("server.workspace_unusable", path=folder,
                             reason=os.strerror(13), lang=lang)
    return folder


def serve(*, host: str = "127.0.0.1", port: int = 8866, token: str | None = None,
          facilitator_token: str | None = None, gradebook: str = "",
          cull_idle: float = DEFAULT_CULL_MINUTES, workspace: Path | None = None,
          lang: str = "es", open_browser: bool = False) -> None:
    """Start Voila over `notebooks/` and print the landing page's and the facilitator's URLs."""
    from cmtraining.grading.gradebook import _safe
    from cmtraining.numbers import decimal
    from cmtraining.serve_handlers import CmtrainingVoila

    lang = check_lang(lang)
    check_token(token, "--token", lang)
    check_token(facilitator_token, "--facilitator-token", lang)
    token = token or ""
    if host not in LOOPBACK and not token:
        raise ParameterError("error.host_needs_token", host=host, lang=lang)
    facilitator_token = facilitator_token or secrets.token_urlsafe(18)
    if facilitator_token == token:
        raise ParameterError("server.tokens_equal", lang=lang)
    check_port(port, lang)
    cull_idle = check_cull_minutes(cull_idle, lang)
    folder = _prepare_workspace(workspace, lang)
    book = gradebook_setting(gradebook, folder)
    os.environ["CMTRAINING_WORKSPACE"] = str(folder)  # inherited by every kernel
    os.environ["CMTRAINING_LANG"] = lang
    os.environ[GRADEBOOK_ENV] = book
    port = free_port(host, port)
    url = landing_url(host, port, lang, token)

    app = CmtrainingVoila(facilitator_token=facilitator_token)
    app.initialize(voila_argv(host, port, token, notebooks_dir(), cull_idle))
    app.voila_configuration.prelaunch_hook = prelaunch_hook
    print(t("serve.url", lang, url=url), flush=True)
    print(t("server.facilitator_url", lang,
            url=facilitator_url(host, port, lang, token, facilitator_token)), flush=True)
    print(t("serve.workspace", lang, path=folder), flush=True)
    print(t("server.gradebook", lang, source=_safe(book) if "://" in book else book), flush=True)
    print(t("server.cull", lang, minutes=decimal(cull_idle, lang, decimals=2, trim=True)),
          flush=True)
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    app.start()
