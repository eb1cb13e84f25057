"""The mapping step of the listening app: which column of an uploaded export holds what.

Shown after an upload and before the import: the layout recognised, a
preview of the first rows, one dropdown per field (preset to the detected
column, "—" for none), and Import / Cancel. Wiring and display only: the
reading and the import are `cmtraining.listening.importer`'s.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from cmtraining.i18n import t
from cmtraining.listening.layouts import FIELDS, layout_title

NONE = ""


class MappingStep(widgets.VBox):
    """The panel; `on_import(mapping)` and `on_cancel()` are the app's callbacks."""

    def __init__(self, lang: str, on_import, on_cancel):
        self.lang = lang
        self.read = None
        self.on_import, self.on_cancel = on_import, on_cancel
        self.title = widgets.HTML()
        self.preview = widgets.HTML()
        self.preview.add_class("cm-mapping-preview")
        self.dropdowns = {}
        for name in FIELDS:
            dropdown = widgets.Dropdown(description=t(f"listening.importer.field.{name}", lang),
                                        style={"description_width": "230px"},
                                        layout=widgets.Layout(width="520px"))
            dropdown.add_class(f"cm-map-{name}")
            self.dropdowns[name] = dropdown
        self.import_button = widgets.Button(description=t("app.listening.importer.import", lang),
                                            icon="check", button_style="primary")
        self.import_button.add_class("cm-mapping-import")
        self.import_button.on_click(lambda _: self.on_import(self.mapping()))
        self.cancel_button = widgets.Button(description=t("app.listening.importer.cancel", lang))
        self.cancel_button.on_click(lambda _: self.on_cancel())
        super().__init__([self.title, self.preview,
                          widgets.HTML(f"<b>{html.escape(t('app.listening.importer.columns', lang))}</b>"),
                          *self.dropdowns.values(),
                          widgets.HBox([self.import_button, self.cancel_button])])
        self.add_class("cm-mapping")
        self.layout.display = "none"

    def show(self, read) -> None:
        """Fill the panel for a read file (a `MentionsTable`) and show it."""
        self.read = read
        lang, mapping = self.lang, read.mapping
        options = [("—", NONE)] + [(h or "—", h) for h in read.header if h]
        for name, dropdown in self.dropdowns.items():
            dropdown.options = options
            dropdown.value = mapping.column(name) or NONE
        layout = layout_title(mapping.layout, lang) or t("app.listening.importer.no_layout", lang)
        self.title.value = (f"<p class='cm-mapping-title'>"
                            f"{html.escape(t('app.listening.importer.detected', lang, source=read.source, layout=layout, count=len(read.table.rows)))}"
                            "</p>")
        cell = ("style='white-space:nowrap;max-width:22em;overflow:hidden;"
                "text-overflow:ellipsis;font-size:.85em;padding:2px 8px'")
        head = "".join(f"<th {cell}>{html.escape(h)}</th>" for h in read.header)
        rows = "".join("<tr>" + "".join(f"<td {cell} title='{html.escape(c[:300])}'>"
                                        f"{html.escape(c[:80])}</td>" for c in row) + "</tr>"
                       for row in read.preview())
        self.preview.value = (f"<div style='overflow-x:auto;max-width:100%'>"
                              f"<table class='cm-table'><tr>{head}</tr>{rows}</table></div>")
        self.layout.display = ""

    def hide(self) -> None:
        self.read = None
        self.layout.display = "none"

    def mapping(self):
        chosen = {name: (d.value or None) for name, d in self.dropdowns.items()}
        return self.read.mapping.with_changes(chosen)
