"""Pieces every app shares: header with language switch, status line, links."""

from __future__ import annotations

import html
from collections.abc import Mapping

import ipywidgets as widgets

from cmtraining.errors import CmtrainingError
from cmtraining.i18n import LANGS, t
from cmtraining.parameters import query_string

STYLE = """
<style>
.cm-app { max-width: 980px; font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; }
.cm-app h1 { font-size: 1.6em; margin: .2em 0; }
.cm-app h2 { font-size: 1.2em; margin: .8em 0 .3em; }
.cm-muted { color: #5f6368; }
/* a button is as wide as its label (ipywidgets' fixed 148 px clips Spanish labels) */
.jupyter-widgets.jupyter-button:not(.widget-toggle-button) { width: fit-content; min-width: 148px; }
.cm-profile-app textarea { font-family: inherit; }
.cm-banner { background: #fff4e5; border-left: 4px solid #f29900; padding: .5em .8em; }
.cm-ok { color: #137333; }
.cm-error { color: #b3261e; white-space: pre-wrap; }
.cm-stages li { margin: .35em 0; font-size: 1.05em; }
.cm-app a, a.cm-stage, .cm-stages a { color: #0b57d0; text-decoration: underline; }
.cm-table { border-collapse: collapse; }
.cm-table td, .cm-table th { padding: .25em .6em; border-bottom: 1px solid #ddd; text-align: right; }
.cm-table td:first-child, .cm-table th:first-child { text-align: left; }
.cm-table td.cm-text, .cm-detail-table td:last-child, .cm-at-risk-table td:last-child { text-align: left; }
.cm-mentions td:nth-child(4), .cm-prescribers td:nth-child(6) { text-align: left; }
</style>
"""


def link(notebook: str, params: Mapping[str, object]) -> str:
    """A relative link to another notebook served by Voila."""
    query = query_string(params)
    return f"{notebook}.ipynb" + (f"?{query}" if query else "")


def language_switch(notebook: str, params: Mapping[str, object], lang: str) -> str:
    parts = []
    for code in LANGS:
        label = t(f"lang.{code}", code)
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

    def __init__(self, lang: str, **kwargs):
        super().__init__(**kwargs)
        self.lang = lang
        self.add_class("cm-status")

    def saved(self, when: str) -> None:
        self.value = f'<span class="cm-ok">✔ {html.escape(t("app.saved", self.lang, time=when))}</span>'

    def error(self, exc: CmtrainingError) -> None:
        self.value = f'<div class="cm-error">✖ {html.escape(exc.message(self.lang))}</div>'

    def info(self, text: str) -> None:
        self.value = f'<span class="cm-muted">{html.escape(text)}</span>'


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


def stage_header(session, stage_key: str, intro_key: str, notebook: str) -> list[widgets.Widget]:
    """Title, language switch, back link, whose workbook and which organization."""
    lang = session.lang
    params = session_params(session)
    wb = session.workbook
    who = (t("app.workbook_of", lang, trainee=wb.trainee or "—", id=session.workbook_id)
           if not session.preview else t("app.preview_short", lang))
    parts = [
        header(t(f"stage.{stage_key}", lang), t(intro_key, lang), notebook, params, lang),
        widgets.HTML(
            f'<a href="{html.escape(link("index", params))}">← {html.escape(t("app.back_home", lang))}</a>'
            f' · <span class="cm-muted">{html.escape(who)} · '
            f'<b class="cm-org-name">{html.escape(wb.profile.name)}</b></span>'),
    ]
    if session.preview:
        parts.append(widgets.HTML(f'<div class="cm-banner">{html.escape(t("app.preview", lang))}</div>'))
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
        except CmtrainingError as exc:
            self.status.error(exc)
            return None

    def apply(self, change) -> bool:
        try:
            wb = self.session.update(change)
        except CmtrainingError as exc:
            self.status.error(exc)
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
