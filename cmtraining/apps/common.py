"""Pieces every app shares: header with language switch, status line, links.

It also guards every widget handler a cmtraining app registers
(`observe`, `on_click`, `on_submit`, `on_msg`): whatever goes wrong inside
one, the trainee sees one message in their language on the page's status
line (the package's own message for a `CmtrainingError`, a generic one for
anything else) and the details go to the log for the facilitator (Voila
prints the kernels' log on the server's terminal). Without the guard an
exception in a handler was lost in the kernel, or printed as a traceback.
"""

from __future__ import annotations

import html
import logging
import weakref
from collections.abc import Callable, Mapping

import ipywidgets as widgets

from cmtraining.core.errors import CmtrainingError
from cmtraining.i18n import LANGS, t
from cmtraining.runtime.parameters import query_string

log = logging.getLogger("cmtraining.apps")


class UnexpectedError(CmtrainingError):
    """What the trainee is told when a handler fails for a reason that is not theirs."""

    key = "core.safety.app.unexpected"

STYLE = """
<style>
.cm-app { max-width: 980px; font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; }
.cm-app h1 { font-size: 1.6em; margin: .2em 0; }
.cm-app h2 { font-size: 1.2em; margin: .8em 0 .3em; }
.cm-muted { color: #5f6368; }
/* a button is as wide as its label (ipywidgets' fixed 148 px clips Spanish labels) */
.jupyter-widgets.jupyter-button:not(.widget-toggle-button) { width: fit-content; min-width: 148px; }
/* prose is written in the page's font, not ipywidgets' monospace */
.widget-textarea textarea { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; }
.cm-banner { background: #fff4e5; border-left: 4px solid #f29900; padding: .5em .8em; }
.cm-ok { color: #137333; }
.cm-error { color: #b3261e; white-space: pre-wrap; }
.cm-stages li { margin: .35em 0; font-size: 1.05em; }
.cm-app a, a.cm-stage, .cm-stages a, a.cm-self-link { color: #0b57d0; text-decoration: underline; }
.cm-table { border-collapse: collapse; }
/* a header lines up with its column: words left, figures right (apps/tables.py marks them) */
.cm-table td, .cm-table th { padding: .25em .6em; border-bottom: 1px solid #ddd; text-align: left;
  vertical-align: top; }
.cm-table td.cm-num, .cm-table th.cm-num { text-align: right; white-space: nowrap; }
/* an upload button says what it does, without ipywidgets' "(0)" file count after its label:
   the label is drawn from the button's title (see upload_button) */
.jupyter-button.cm-upload { font-size: 0; }
.jupyter-button.cm-upload i { font-size: var(--jp-widgets-font-size, 13px); margin-right: .4em; }
.jupyter-button.cm-upload::after { content: attr(title);
  font-size: var(--jp-widgets-font-size, 13px); }
</style>
"""


def choice(options: list[tuple[str, object]], value: object, **kwargs) -> widgets.Dropdown:
    """A dropdown showing `value`'s label, None included: ipywidgets reads `value=None` as
    "nothing chosen" and shows a blank box even when an option's value is None ("any
    network", "no goal"); chosen by index, the option's label shows."""
    values = [v for _, v in options]
    index = values.index(value) if value in values else (0 if options else None)
    return widgets.Dropdown(options=options, index=index, **kwargs)


def upload_button(label: str, **kwargs) -> widgets.FileUpload:
    """A one-file upload button labelled `label` only: ipywidgets writes the number of files
    chosen after the label ("Subir CSV (0)"), which reads as a fault; the style above shows
    the title instead, and the app says by its own line which file was read."""
    button = widgets.FileUpload(description=label, tooltip=label, multiple=False,
                                icon="upload", **kwargs)
    button.add_class("cm-upload")
    return button


def link(notebook: str, params: Mapping[str, object]) -> str:
    """A relative link to another notebook served by Voila."""
    query = query_string(params)
    return f"{notebook}.ipynb" + (f"?{query}" if query else "")


def language_switch(notebook: str, params: Mapping[str, object], lang: str) -> str:
    parts = []
    for code in LANGS:
        label = t(f"common.lang.{code}", code)
        if code == lang:
            parts.append(f"<b>{label}</b>")
        else:
            href = html.escape(link(notebook, {**params, "lang": code}))
            parts.append(f'<a href="{href}" class="cm-lang" hreflang="{code}">{label}</a>')
    return " · ".join(parts)


def header(title: str, subtitle: str, notebook: str, params: Mapping[str, object],
           lang: str) -> widgets.HTML:
    switch = language_switch(notebook, params, lang)
    return widgets.HTML(
        STYLE
        + f'<div class="cm-app"><div style="float:right">{switch}</div>'
        + f"<h1>{html.escape(title)}</h1><p class='cm-muted'>{html.escape(subtitle)}</p></div>"
    )


class Status(widgets.HTML):
    """One line that says what happened to the last edit."""

    _latest: weakref.ref | None = None  # the page's status line (one app per Voila kernel)

    def __init__(self, lang: str, **kwargs):
        super().__init__(**kwargs)
        self.lang = lang
        self.add_class("cm-status")
        Status._latest = weakref.ref(self)

    def saved(self, when: str) -> None:
        self.value = f'<span class="cm-ok">✔ {html.escape(t("app.common.saved", self.lang, time=when))}</span>'

    def error(self, exc: CmtrainingError) -> None:
        """The refusal in words, each problem naming its field: never a server path (19.6)."""
        from cmtraining.apps.field_errors import error_html

        self.value = error_html(exc, self.lang)

    def info(self, text: str) -> None:
        self.value = f'<span class="cm-muted">{html.escape(text)}</span>'

    def failure(self, exc: BaseException, where: object = None) -> None:
        """Show any exception as one message; log what is not the package's own error."""
        if isinstance(exc, CmtrainingError):
            self.error(exc)
            return
        log.error("a widget handler failed (%s)", _name_of(where), exc_info=exc)
        self.error(UnexpectedError())


def _name_of(handler: object) -> str:
    return getattr(handler, "__qualname__", None) or type(handler).__name__


def _status_of(handler: Callable) -> Status | None:
    """The status line of the app that registered `handler`, else the page's latest one."""
    owners = [getattr(handler, "__self__", None)]
    for cell in getattr(handler, "__closure__", None) or ():
        try:
            owners.append(cell.cell_contents)
        except ValueError:  # an empty cell
            continue
    for owner in owners:
        for candidate in (owner, getattr(owner, "app", None)):
            status = getattr(candidate, "status", None)
            if isinstance(status, Status):
                return status
    return Status._latest() if Status._latest is not None else None


class GuardedHandler:
    """`handler` that reports its exceptions on a status line instead of raising them.

    Compares equal to the handler it wraps, so `unobserve(handler)` and
    `on_click(handler, remove=True)` still find it.
    """

    def __init__(self, handler: Callable, status: Status | None = None):
        self.handler = handler
        self.status = status

    def __call__(self, *args, **kwargs):
        try:
            return self.handler(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - the point: nothing reaches the trainee raw
            status = self.status or _status_of(self.handler)
            if status is None:
                log.error("a widget handler failed (%s)", _name_of(self.handler), exc_info=exc)
            else:
                status.failure(exc, self.handler)
            return None

    def __eq__(self, other: object) -> bool:
        return self.handler == (other.handler if isinstance(other, GuardedHandler) else other)

    def __hash__(self) -> int:
        return hash(self.handler)


def guarded(handler: Callable, status: Status | None = None) -> GuardedHandler:
    """`handler`, safe (see GuardedHandler); `status` defaults to its app's status line."""
    return handler if isinstance(handler, GuardedHandler) else GuardedHandler(handler, status)


def _ours(handler: object) -> bool:
    """True for handlers written in cmtraining (ipywidgets' own observers are left alone)."""
    target = getattr(handler, "func", handler)  # functools.partial
    module = getattr(target, "__module__", None) or ""
    return module == "cmtraining" or module.startswith("cmtraining.")


def install_handler_guard() -> None:
    """Wrap every handler a cmtraining module registers on a widget in `guarded` (idempotent)."""
    from ipywidgets.widgets.widget import CallbackDispatcher
    from traitlets import All

    if getattr(widgets.Widget, "_cm_handlers_guarded", False):
        return
    observe = widgets.Widget.observe
    register = CallbackDispatcher.register_callback

    def guarded_observe(self, handler, names=All, type="change"):  # noqa: A002 - traitlets' name
        return observe(self, guarded(handler) if _ours(handler) else handler, names=names,
                       type=type)

    def guarded_register(self, callback, remove=False):
        if _ours(callback) and not remove:
            callback = guarded(callback)
        return register(self, callback, remove=remove)

    widgets.Widget.observe = guarded_observe
    CallbackDispatcher.register_callback = guarded_register
    widgets.Widget._cm_handlers_guarded = True


install_handler_guard()


#: what tests and benchmarks wait for: present once the app has built its widgets (issue 19.11)
READY_SELECTOR = ".cm-ready [data-cmtraining-ready]"


def mark_ready(app: widgets.Box, name: str) -> widgets.Box:
    """Append the page's ready marker to `app`, built last, so it renders after the widgets.

    A hidden element with a fixed class (`READY_SELECTOR`): the evaluation
    and self-assessment pages have no button to wait for, and a chart drawn
    later must not count as the page being usable.
    """
    marker = widgets.HTML(f'<span data-cmtraining-ready="{html.escape(name)}"></span>',
                          layout=widgets.Layout(display="none"))
    marker.add_class("cm-ready")
    app.children = (*app.children, marker)
    return app


def labelled(widget: widgets.Widget, label: str, help_text: str = "") -> widgets.VBox:
    children = [widgets.HTML(f"<b>{html.escape(label)}</b>"), widget]
    if help_text:
        children.append(widgets.HTML(f'<span class="cm-muted">{html.escape(help_text)}</span>'))
    return widgets.VBox(children, layout=widgets.Layout(margin="0 0 .6em 0"))


def session_params(session) -> dict:
    """The parameters that reopen this session (for links between stages)."""
    if session.workbook_id:
        return {"workbook": session.workbook_id, "lang": session.lang}
    return {"org": session.org, "lang": session.lang}


def workbook_name(wb, lang: str) -> str:
    """A workbook as a trainee names it: "Cuaderno de Ana García", never its file's id."""
    trainee = (wb.trainee or "").strip()
    return (t("app.common.workbook_of", lang, trainee=trainee) if trainee
            else t("app.common.workbook_unnamed", lang))


def stage_header(session, stage_key: str, intro_key: str, notebook: str) -> list[widgets.Widget]:
    """Title, language switch, back link, whose workbook and which organization."""
    lang = session.lang
    params = session_params(session)
    wb = session.workbook
    # a workbook is named by its trainee; its id (a slug or a token) stays in the links (19)
    who = workbook_name(wb, lang) if not session.preview else t("app.common.preview_short", lang)
    parts = [
        header(t(f"common.stage.{stage_key}", lang), t(intro_key, lang), notebook, params, lang),
        widgets.HTML(
            f'<a href="{html.escape(link("index", params))}">← {html.escape(t("app.common.back_home", lang))}</a>'
            f' · <span class="cm-muted">{html.escape(who)} · '
            f'<b class="cm-org-name">{html.escape(wb.profile.name)}</b></span>'),
    ]
    if session.preview:
        parts.append(widgets.HTML(f'<div class="cm-banner">{html.escape(t("app.common.preview", lang))}</div>'))
    return parts


def heading(key: str, lang: str, help_key: str | None = None) -> widgets.HTML:
    text = f"<h2>{html.escape(t(key, lang))}</h2>"
    if help_key:
        text += f"<span class='cm-muted'>{html.escape(t(help_key, lang))}</span>"
    return widgets.HTML(text)


class StageApp(widgets.VBox):
    """Base of the stage apps: every edit is one locked, validated update.

    Subclasses set `self.session`, `self.lang` and `self.status` before the
    first edit, and may override `refresh()` to redraw what depends on the
    saved workbook.
    """

    def refresh(self) -> None:
        """Redraw derived views after a successful save (default: nothing)."""

    def read_upload(self, change, reader):
        """(file name, `reader(content, source=name)`) of a `FileUpload` change, or None.

        None when nothing was uploaded or the reader refused the file; the
        refusal (the package's error, in the trainee's language) is on the
        status line and nothing was saved.
        """
        upload = uploaded_file(change)
        if upload is None:
            return None
        name, content = upload
        try:
            return name, reader(content, source=name)
        except Exception as exc:  # noqa: BLE001 - a reader's bug is still one message
            self.status.failure(exc, reader)
            return None

    def apply(self, change) -> bool:
        try:
            wb = self.session.update(change)
        except Exception as exc:  # noqa: BLE001 - see Status.failure
            self.status.failure(exc, change)
            return False
        self.status.saved(wb.updated.astimezone().strftime("%H:%M:%S"))
        self.refresh()
        return True

    def save_section(self, name: str, rows: list[dict]) -> bool:
        return self.apply(lambda wb: {**wb.model_dump(), name: rows})

    def set_item(self, section: str, index: int, data: dict | None) -> bool:
        """Replace item `index` of a list section, or delete it when `data` is None."""
        def change(wb):
            dumped = wb.model_dump()
            items = dumped[section]
            if data is None:
                del items[index]
            else:
                items[index] = data
            return dumped
        return self.apply(change)

    def append_item(self, section: str, data: dict) -> bool:
        return self.apply(lambda wb: {**wb.model_dump(), section: [*wb.model_dump()[section], data]})


def uploaded_file(change) -> tuple[str, bytes] | None:
    """(name, bytes) of the file a `FileUpload` just received, or None.

    ipywidgets 8 gives a tuple of dicts; older front-ends a dict by name.
    """
    files = change["new"]
    if not files:
        return None
    item = files[0] if isinstance(files, (list, tuple)) else next(iter(files.values()))
    name = item.get("name", "CSV") if isinstance(item, dict) else getattr(item, "name", "CSV")
    content = item["content"] if isinstance(item, dict) else item.content
    return name, bytes(content)
