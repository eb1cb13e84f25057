"""Serving the journey with Voila, requests checked before any kernel starts.

Voila's own page handler asks for a kernel for every request it accepts,
even when the prelaunch hook turns the notebook into an error page. Ours
(`GuardedVoilaHandler`) decides first, from the request alone: the
facilitator's pages need the facilitator's token (or the signed cookie it
leaves), and the query must pass `cmtraining.runtime.serve_query.check_query` (the
notebook's parameter contract). A refusal is a short page in the reader's
language (400 or 403) and starts no kernel. Accepted values are injected by
`prelaunch_hook`, Voila's documented hook, with papermill's own
`parameterize_notebook`, so a Voila link and a papermill run take exactly
the same inputs.

`serve` generates and prints the facilitator's token when it is not given;
the gradebook is its configuration (`--gradebook`), never part of an
address; listings never show the facilitator's pages. Every kernel belongs
to a page and ends with it: one without a connected page is culled after
`cull_idle` minutes without activity. Tornado reads addresses up to 1 MiB,
so that a long one gets an answer rather than a closed connection.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
import socket
from pathlib import Path
from urllib.parse import urlencode

import tornado.ioloop
import tornado.web
from jupyter_server.base.handlers import FileFindHandler, JupyterHandler
from jupyter_server.utils import ensure_async, url_path_join
from voila import __version__ as voila_version
from voila.app import Voila
from voila.tornado.handler import TornadoVoilaHandler

from cmtraining.core.errors import CmtrainingError, ParameterError
from cmtraining.core.paths import notebooks_dir
from cmtraining.i18n import check_lang, t
from cmtraining.runtime.kernel_pool import KERNEL_OWNER, warm_code
from cmtraining.runtime.script_preload import ScriptsSeen, noting_log_function, with_preloads
from cmtraining.runtime.serve_options import (
    DEFAULT_CULL_MINUTES,
    DEFAULT_PER_TRAINEE,
    DEFAULT_POOL_SIZE,
    check_cull_minutes,
    check_limits,
    check_port,
    check_token,
    default_max_kernels,
    gradebook_setting,
    prepare_workspace,
    voila_argv,
    workshop_db_setting,
)
from cmtraining.runtime.serve_query import (
    FACILITATOR_NOTEBOOKS,
    FACILITATOR_PARAM,
    GRADEBOOK_ENV,
    GRADEBOOK_NOTEBOOK,
    LANDING,
    check_query,
    query_lang,
    query_values,
)
from cmtraining.runtime.served_page import (
    kernel_watch_script,
    offline_page,
    page_failed_html,
    refusal_html,
)
from cmtraining.runtime.template_code import compile_once
from cmtraining.runtime.widget_manager_waits import LabExtensionsHandler
from cmtraining.runtime.workspace import (
    PRIVATE_LINKS_ENV,
    is_workbook_id,
    list_workbooks,
    private_links,
    token_for,
)

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
#: request line and headers tornado reads before answering (its default, 64 KiB, makes it
#: close the connection without an answer on a longer address)
MAX_HEADER_BYTES = 1024 * 1024
ROOM_RETRY_SECONDS = 60
BROWSER_COOKIE = "cmtraining-browser"
#: the room's state for the facilitator (JSON; needs the facilitator's token)
STATUS_PATH = "/cmtraining/status"
FACILITATOR_SETTING = "cmtraining_facilitator_token"
#: the tornado setting holding the `ScriptsSeen` of this server
SCRIPTS_SETTING = "cmtraining_scripts_seen"


def prelaunch_hook(req, notebook, cwd):
    """Voila prelaunch hook: inject the query's checked values as parameters."""
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
    """`preferred` if it is free on `host`, else one the OS picks.

    Asked the way tornado will bind it (SO_REUSEADDR, except on Windows where it
    means something else): a port whose last server has just stopped, its
    closed connections still in TIME_WAIT, is free, so a server restarted in
    the middle of a workshop comes back where the pages look for it (issue 18).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    for port in (preferred, 0):
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            if os.name != "nt":
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((host, port))
            except (OSError, OverflowError):
                continue
            return sock.getsockname()[1]
    raise ParameterError("core.error.no_port", host=host)


def page_url(host: str, port: int, notebook: str, query: dict[str, str]) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/voila/render/{notebook}?{urlencode(query)}"


def landing_url(host: str, port: int, lang: str, token: str = "") -> str:
    return page_url(host, port, LANDING, {"lang": lang, **({"token": token} if token else {})})


def facilitator_url(host: str, port: int, lang: str, token: str, facilitator_token: str) -> str:
    query = {"lang": lang, **({"token": token} if token else {}),
             FACILITATOR_PARAM: facilitator_token}
    return page_url(host, port, f"{GRADEBOOK_NOTEBOOK}.ipynb", query)


# --- the Voila application ---------------------------------------------------------


def guard_page_rendering() -> None:
    """A page whose rendering fails half-way ends with a notice instead of loading forever.

    Voila 0.5 renders a page in a task (`put_html`) whose exception nobody
    awaits: when the page's kernel does not answer in time (nbclient's
    `startup_timeout`, passed on a loaded machine by issue 17's load test) the
    task dies and the handler keeps the connection open with heartbeats, for
    ever: a page that never loads and a kernel nobody uses. Wrapped here, the
    failure is logged, the page's kernel shut down and the page closed with a
    notice and a reload button, in the reader's language. Idempotent.
    """
    from voila.notebook_renderer import NotebookRenderer

    if getattr(NotebookRenderer, "_cm_guarded", False):
        return
    original = NotebookRenderer.generate_content_generator

    async def guarded(self, kernel_id=None, kernel_future=None):
        try:
            async for item in original(self, kernel_id, kernel_future):
                yield item
        except Exception:  # noqa: BLE001 - whatever it was, the page must end
            handler = self.request_handler
            handler.log.exception("A page failed while rendering (kernel %s)", kernel_id)
            manager = handler.kernel_manager
            if kernel_id and kernel_id in manager:
                try:
                    await ensure_async(manager.shutdown_kernel(kernel_id, now=True))
                except Exception:  # noqa: BLE001 - the culler ends it otherwise
                    handler.log.warning("Could not end the failed page's kernel %s", kernel_id)
            yield page_failed_html(getattr(handler, "page_lang", "es")), None

    NotebookRenderer.generate_content_generator = guarded
    NotebookRenderer._cm_guarded = True


def _fingerprint(token: str) -> str:
    """What the facilitator's cookie holds: proof of the token, not the token itself."""
    return hashlib.sha256(f"cmtraining-facilitator:{token}".encode()).hexdigest()


def notebook_file(root: str, path: str) -> Path:
    """The file a render path names, resolved the way jupyter_server's `to_os_path` does."""
    parts = [part for part in (path or "").strip("/").split("/") if part]
    return Path(os.path.realpath(os.path.normpath(os.path.join(root, *parts))))


class FacilitatorCheck:
    """The facilitator's token check shared by the guarded pages and the status."""

    def _facilitator(self) -> bool:
        """Whether the request carries the facilitator's token (query or signed cookie)."""
        expected = _fingerprint(self.settings[FACILITATOR_SETTING])
        cookie_name = f"cmtraining-facilitator-{self.request.host.rsplit(':', 1)[-1]}"
        given = self.get_query_argument(FACILITATOR_PARAM, None)
        if given is not None:
            if not hmac.compare_digest(_fingerprint(given), expected):
                return False
            self.set_signed_cookie(cookie_name, expected, expires_days=None, httponly=True,
                                   samesite="Strict", path=self.base_url)
            return True
        cookie = self.get_signed_cookie(cookie_name, max_age_days=1)
        return cookie is not None and hmac.compare_digest(cookie, expected.encode())


class GuardedVoilaHandler(FacilitatorCheck, TornadoVoilaHandler):
    """Voila's page handler, behind the facilitator's token and the parameter contract."""

    notebook_stem: str | None = None
    page_lang = "es"  # the reader's language, for a page that fails half-way

    @tornado.web.authenticated
    async def get(self, path=None):
        query = query_values(self.request.query_arguments)
        lang = self.page_lang = query_lang(query)
        root = os.path.realpath(self.contents_manager.root_dir)
        target = notebook_file(root, path)
        if target.suffix == ".ipynb" and target.is_file() and target.parent == Path(root):
            self.notebook_stem = target.stem
            if target.stem in FACILITATOR_NOTEBOOKS and not self._facilitator():
                return self._refuse(403, t("runtime.server.facilitator_title", lang),
                                    t("runtime.server.facilitator_only", lang), lang)
            ref = query.get("workbook", "")
            if private_links() and is_workbook_id(ref) and not self._facilitator():
                # a name is guessable: trainees open workbooks by their private link only
                return self._refuse(403, t("runtime.classroom.private_title", lang),
                                    t("runtime.classroom.private_only", lang), lang)
            try:
                values = check_query(target.stem, query)
            except CmtrainingError as exc:
                return self._refuse(400, t("runtime.serve.refused_title", lang), exc.message(lang), lang)
            owner = self._owner(values)
            verdict = self.kernel_manager.admission(owner)
            if verdict != "ok":
                self.set_header("Retry-After", str(ROOM_RETRY_SECONDS))
                return self._refuse(503 if verdict == "room_full" else 429,
                                    t(f"runtime.classroom.{verdict}_title", lang),
                                    t(f"runtime.classroom.{verdict}", lang), lang)
            return await self._render(path, owner, lang)
        elif target.suffix == ".ipynb":
            raise tornado.web.HTTPError(404)  # outside the notebooks folder, or missing
        await super().get(path)

    def _owner(self, values: dict) -> str:
        """Whose page this is: the workbook's, else the browser's (a cookie of its own)."""
        if values.get("workbook"):
            return f"workbook:{values['workbook']}"
        browser = self.get_cookie(BROWSER_COOKIE)
        if not browser or len(browser) > 64:
            browser = secrets.token_urlsafe(16)
            self.set_cookie(BROWSER_COOKIE, browser, httponly=True, samesite="Strict",
                            path=self.base_url)
        return f"browser:{browser}"

    async def _render(self, path: str, owner: str, lang: str) -> None:
        """Voila's rendering (as its tornado handler), with the page's kernel watched."""
        manager = self.kernel_manager
        # the page's unload beacon ends its kernel only with the _xsrf cookie, which Voila's
        # page never sets: without it a left page's kernel waits for the culler
        self.xsrf_token  # noqa: B018 - reading it sets the cookie
        token = KERNEL_OWNER.set(owner)
        manager.rendering += 1
        try:
            watcher = kernel_watch_script(lang)
            head = ""  # Jinja streams a few characters at a time: the head is read whole
            async for chunk in self.get_generator(path=path):
                if head is not None:
                    head += chunk
                    if "</head>" not in head:
                        continue
                    chunk = offline_page(head, lang)
                    if SCRIPTS_SETTING in self.settings:
                        chunk = with_preloads(chunk, self.settings[SCRIPTS_SETTING])
                    head = None
                if "cm-page-failed" in chunk:
                    watcher = ""  # the kernel is gone on purpose: no second notice
                if watcher and "</body>" in chunk:
                    chunk, watcher = chunk.replace("</body>", watcher + "</body>", 1), ""
                self.write(chunk)
                self.flush()
            if head:  # a page without a head (never from Voila's templates)
                self.write(offline_page(head, lang))
        finally:
            manager.rendering -= 1
            KERNEL_OWNER.reset(token)

    def _refuse(self, status: int, title: str, message: str, lang: str) -> None:
        back = LANDING + (f"?lang={lang}" if lang != "es" else "")
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-cache, no-store, must-revalidate")
        self.finish(refusal_html(title, message, back, t("app.common.back_home", lang), lang))


def _ours(rule: tuple) -> tuple:
    """Voila's handler `rule` with our handler where we have one: the guarded page, and the
    widget manager's scripts with waits long enough for a loaded classroom."""
    if rule[1] is TornadoVoilaHandler:
        return (rule[0], GuardedVoilaHandler, *rule[2:])
    if rule[1] is FileFindHandler and rule[0].endswith("/voila/labextensions/(.*)"):
        return (rule[0], LabExtensionsHandler, *rule[2:])
    return rule


class ClassroomStatusHandler(FacilitatorCheck, JupyterHandler):
    """The room, for the facilitator: kernels in use, warm and warming, pages served warm."""

    @tornado.web.authenticated
    def get(self):
        if not self._facilitator():
            raise tornado.web.HTTPError(403)
        manager = self.kernel_manager
        self.set_header("Cache-Control", "no-store")
        self.finish({"in_use": len(manager.in_use()), "warm": len(manager.pool),
                     "warming": len(manager.warming), "handed_out": manager.handed_out,
                     "pool_size": manager.pool_size, "max_kernels": manager.max_kernels,
                     "max_per_trainee": manager.max_per_trainee,
                     # each trainee's private link to the start page, for the facilitator
                     "private_links": {
                         entry.id: f"{LANDING}?{urlencode({'workbook': token_for(entry.id)})}"
                         for entry in list_workbooks()} if private_links() else {}})


class CmtrainingVoila(Voila):
    """Voila with the guarded page handler, hidden facilitator pages and long addresses read."""

    def __init__(self, *, facilitator_token: str, **kwargs):
        super().__init__(**kwargs)
        guard_page_rendering()
        from voila.exporter import VoilaExporter

        compile_once(VoilaExporter)  # a page's templates are compiled once per server
        self.tornado_settings = {**self.tornado_settings, FACILITATOR_SETTING: facilitator_token}
        self.pool_settings: dict = {}

    def init_settings(self) -> dict:
        settings = super().init_settings()
        # with warm kernels (a classroom), the scripts browsers fetch are announced in the next
        # pages' heads; off without them (README, "The front end while the kernel works")
        if getattr(self.kernel_manager, "pool_size", 0) > 0:
            seen = ScriptsSeen(settings.get("base_url", "/"))
            settings[SCRIPTS_SETTING] = seen
            settings["log_function"] = noting_log_function(seen, settings.get("log_function"))
        hidden = [f"{stem}.ipynb" for stem in sorted(FACILITATOR_NOTEBOOKS)]
        self.contents_manager.hide_globs = [*self.contents_manager.hide_globs, *hidden]
        for name, value in self.pool_settings.items():  # the kernel manager exists from here
            setattr(self.kernel_manager, name, value)
        return settings

    def init_handlers(self) -> list:
        status = (url_path_join(self.server_url, STATUS_PATH), ClassroomStatusHandler)
        return [status, *(_ours(rule) for rule in super().init_handlers())]

    def listen(self) -> None:
        # the pool fills once the server's loop runs
        tornado.ioloop.IOLoop.current().add_callback(self.kernel_manager.schedule_refill)
        self.app.listen = functools.partial(self.app.listen, max_header_size=MAX_HEADER_BYTES)
        super().listen()


def serve(*, host: str = "127.0.0.1", port: int = 8866, token: str | None = None,
          facilitator_token: str | None = None, gradebook: str = "",
          workshop_db: str | None = None,
          cull_idle: float = DEFAULT_CULL_MINUTES, workspace: Path | None = None,
          lang: str = "es", open_browser: bool = False, pool_size: int = DEFAULT_POOL_SIZE,
          max_kernels: int | None = None, max_per_trainee: int = DEFAULT_PER_TRAINEE,
          private: bool | None = None) -> None:
    """Start Voila over `notebooks/` and print the landing page's and the facilitator's URLs.

    `workshop_db` (`--workshop-db`) reaches the pages as `CMTRAINING_WORKSHOP_DB`,
    which every kernel inherits; None leaves that variable as the shell set it.
    """
    from cmtraining.core.numbers import decimal
    from cmtraining.grading.gradebook import redacted_url
    from cmtraining.runtime.bytecode import compile_package
    from cmtraining.workshop.access import WORKSHOP_DB_ENV
    from cmtraining.workshop.store import WORKSHOP_FILE

    lang = check_lang(lang)
    check_token(token, "--token", lang)
    check_token(facilitator_token, "--facilitator-token", lang)
    token = token or ""
    if host not in LOOPBACK and not token:
        raise ParameterError("core.error.host_needs_token", host=host, lang=lang)
    facilitator_token = facilitator_token or secrets.token_urlsafe(18)
    if facilitator_token == token:
        raise ParameterError("runtime.server.tokens_equal", lang=lang)
    check_port(port, lang)
    cull_idle = check_cull_minutes(cull_idle, lang)
    max_kernels = default_max_kernels() if max_kernels is None else max_kernels
    check_limits(pool_size, max_kernels, max_per_trainee, lang)
    folder = prepare_workspace(workspace, lang)
    book = gradebook_setting(gradebook, folder)
    os.environ["CMTRAINING_WORKSPACE"] = str(folder)  # inherited by every kernel
    os.environ["CMTRAINING_LANG"] = lang
    os.environ[GRADEBOOK_ENV] = book
    workshops = workshop_db_setting(workshop_db)
    if workshops is not None:
        os.environ[WORKSHOP_DB_ENV] = workshops  # inherited by every kernel, like the gradebook
    workshops = os.environ.get(WORKSHOP_DB_ENV) or str(folder / WORKSHOP_FILE)
    # private links by default whenever the server is reachable from other machines
    private = host not in LOOPBACK if private is None else private
    os.environ[PRIVATE_LINKS_ENV] = "1" if private else "0"
    port = free_port(host, port)
    url = landing_url(host, port, lang, token)

    compile_package()  # every page's kernel imports the package: from bytecode, not source
    app = CmtrainingVoila(facilitator_token=facilitator_token)
    app.initialize(voila_argv(host, port, token, notebooks_dir(), cull_idle,
                              pool_size=pool_size, max_kernels=max_kernels,
                              max_per_trainee=max_per_trainee))
    app.voila_configuration.prelaunch_hook = prelaunch_hook
    app.pool_settings = {
        "warm_source": warm_code(notebooks_dir()),
        # what Voila adds to a page's kernel environment, minus the request's own address
        "pool_env": {"SERVER_SOFTWARE": f"voila/{voila_version}", "VOILA_PREHEAT": "False",
                     "VOILA_BASE_URL": "/", "VOILA_SERVER_URL": "/", "VOILA_APP_PORT": str(port),
                     "SERVER_PORT": str(port), "SERVER_NAME": host}}
    print(t("runtime.serve.url", lang, url=url), flush=True)
    print(t("runtime.server.facilitator_url", lang,
            url=facilitator_url(host, port, lang, token, facilitator_token)), flush=True)
    print(t("runtime.serve.workspace", lang, path=folder), flush=True)
    print(t("runtime.server.gradebook", lang, source=redacted_url(book) if "://" in book else book), flush=True)
    print(t("runtime.server.workshop_db", lang,
            source=redacted_url(workshops) if "://" in workshops else workshops), flush=True)
    print(t("runtime.server.cull", lang, minutes=decimal(cull_idle, lang, decimals=2, trim=True)),
          flush=True)
    print(t("runtime.classroom.private_on" if private else "runtime.classroom.private_off", lang), flush=True)
    print(t("runtime.classroom.limits", lang, pool=pool_size, total=max_kernels or "∞",
            per_trainee=max_per_trainee or "∞"), flush=True)
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    app.start()
