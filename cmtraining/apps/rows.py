"""An editable table of records (informants, advocates, prescribers, pillars...).

Each row is a line of widgets; every edit calls `on_change(rows)` with the
whole list as plain dicts, and the caller saves it (one locked update).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets

from cmtraining.i18n import t


@dataclass(frozen=True)
class Column:
    name: str
    label_key: str
    kind: str = "text"  # text | textarea | list (comma-separated) | multi (ticks) | choice | number
    options: tuple = ()  # (label, value) pairs for choice and multi
    width: str = "180px"
    default: Any = ""
    # number columns: whether a row's value is a fraction shown and typed as a percentage
    percent: Callable[[dict], bool] | None = None
    # whether a row has this value at all (hidden, its place kept, where it has none)
    applies: Callable[[dict], bool] | None = None


class RowsEditor(widgets.VBox):
    """Named parts, redrawn with the rows: `fields[i][column]` (row i's input for a column),
    `labels[column]` (its heading), `remove_buttons[i]` and `add_button`."""

    def __init__(self, columns: list[Column], rows: list[dict], lang: str,
                 on_change: Callable[[list[dict]], bool], *, disabled: bool = False):
        self.columns, self.lang, self.on_change, self.disabled = columns, lang, on_change, disabled
        self.rows = [dict(r) for r in rows]
        self.add_button = widgets.Button(description=t("app.objectives.add_row", lang), icon="plus",
                                         disabled=disabled)
        self.add_button.on_click(self._add)
        super().__init__()
        self.add_class("cm-rows")
        self._render()

    def set_columns(self, columns: list[Column]) -> None:
        """New columns (e.g. the persona names a choice lists), the same rows."""
        self.columns = columns
        self._render()

    def _widget(self, col: Column, value, row: dict | None = None):
        layout = widgets.Layout(width=col.width)
        if col.kind == "choice":
            w = widgets.Dropdown(options=list(col.options), value=value, layout=layout)
        elif col.kind == "multi":  # several of a known list, shown by name (issue 21.9)
            from cmtraining.apps.check_list import CheckList

            known = [v for _, v in col.options]
            extra = [(v, v) for v in value or () if v not in known]  # kept, never dropped
            # a tick each, one under another: a list box needed Ctrl-click and showed its
            # choice in faint grey; the value is the same tuple of ids
            w = CheckList([*col.options, *extra], tuple(value or ()), width=col.width)
            w.layout.width = col.width
        elif col.kind == "number":  # read as the reader writes numbers (issue 21.6)
            from cmtraining.apps.number_field import NumberField

            percent = bool(col.percent and col.percent(row or {}))
            w = NumberField(value, self.lang, layout=layout, below=True, percent=percent)
        elif col.kind == "textarea":  # long texts wrap instead of scrolling in one line
            w = widgets.Textarea(value=value, continuous_update=False,
                                 placeholder=t(col.label_key, self.lang),
                                 layout=widgets.Layout(width=col.width, height="6em"))
        else:
            shown = ", ".join(value) if col.kind == "list" else value
            w = widgets.Text(value=shown, continuous_update=False, layout=layout)
        w.disabled = self.disabled
        if col.applies is not None and not col.applies(row or {}):
            w.layout.visibility = "hidden"
        return w

    def _render(self) -> None:
        self.labels = {c.name: widgets.HTML(f"<b>{html.escape(t(c.label_key, self.lang))}</b>",
                                            layout=widgets.Layout(width=c.width))
                       for c in self.columns if c.kind != "textarea"}
        head = widgets.HBox(list(self.labels.values()))
        lines = [head] if self.rows else []
        self.fields: list[dict[str, widgets.Widget]] = []
        self.remove_buttons: list[widgets.Button] = []
        for index, row in enumerate(self.rows):
            cells, fields = [], {}
            for col in self.columns:
                w = fields[col.name] = self._widget(col, row.get(col.name, col.default), row)
                w.observe(lambda ch, i=index, c=col: self._edit(i, c, ch["new"]), names="value")
                if col.kind == "textarea":  # its own label above it: the header skips it
                    label = widgets.HTML(f"<b>{html.escape(t(col.label_key, self.lang))}</b>")
                    self.labels.setdefault(col.name, label)
                    w = widgets.VBox([label, w])
                cells.append(w)
            self.fields.append(fields)
            remove = widgets.Button(description=t("app.objectives.remove_row", self.lang),
                                    icon="trash", disabled=self.disabled,
                                    layout=widgets.Layout(width="100px"))
            remove.on_click(lambda _, i=index: self._remove(i))
            self.remove_buttons.append(remove)
            long = [c for c, col in zip(cells, self.columns, strict=True) if col.kind == "textarea"]
            if long:  # short fields on one line, text areas side by side below them
                short = [c for c in cells if c not in long]
                lines.append(widgets.VBox(
                    [widgets.HBox([*short, remove]), widgets.HBox(long)],
                    layout=widgets.Layout(border_bottom="1px solid #ddd", padding=".3em 0")))
            else:
                lines.append(widgets.HBox([*cells, remove]))
        self.children = [*lines, self.add_button]

    def _edit(self, index: int, col: Column, value) -> None:
        if col.kind == "list":
            value = [v.strip() for v in value.split(",") if v.strip()]
        elif col.kind == "multi":
            value = list(value)
        self.rows[index][col.name] = value
        shown = self.fields[index] if index < len(getattr(self, "fields", ())) else {}
        for other in self.columns if shown else ():  # a trigger's kind decides its threshold
            if other.percent is not None:
                shown[other.name].show_percent(other.percent(self.rows[index]))
            if other.applies is not None:
                shown[other.name].layout.visibility = (
                    None if other.applies(self.rows[index]) else "hidden")
        self.on_change([dict(r) for r in self.rows])

    def _add(self, _button) -> None:
        new = {c.name: ([] if c.kind in ("list", "multi") else c.default) for c in self.columns}
        if self.columns[0].kind == "text" and not new[self.columns[0].name]:
            new[self.columns[0].name] = t("app.objectives.new_row", self.lang)
        rows = [*self.rows, new]
        if self.on_change([dict(r) for r in rows]):
            self.rows = rows
            self._render()

    def _remove(self, index: int) -> None:
        rows = [r for i, r in enumerate(self.rows) if i != index]
        if self.on_change([dict(r) for r in rows]):
            self.rows = rows
            self._render()
