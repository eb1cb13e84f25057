"""Read-only HTML tables whose headers line up with their columns (issue 19, sweep 3).

A column of figures is right-aligned, header included, so the units line up;
a column of words is left-aligned, header included, so the header starts
where its text starts. The column's kind is read from its cells: a column is
a column of figures when every cell that holds something is a figure
("1.234", "12,5 %", "+3", "7 / 10").
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from cmtraining.core.numbers import keep_figures_with_units

#: a figure as the apps write it, in either language: sign, digits with separators, a unit
FIGURE = re.compile(r"^[+\-\u2212]?\d[\d.,\s\u00a0\u202f/]*(%|pp|p\.\s?p\.)?$")
TAG = re.compile(r"<[^>]+>")
#: cells that hold nothing: they neither make nor break a column of figures
BLANK = {"", "—", "-", "\u2013"}


def is_figure(cell) -> bool:
    """True for a number, or a text that is one figure (HTML tags around it ignored)."""
    if isinstance(cell, bool):
        return False
    if isinstance(cell, int | float):
        return True
    return bool(FIGURE.match(html.unescape(TAG.sub("", str(cell))).strip()))


def figure_columns(rows: Sequence[Sequence], width: int) -> list[bool]:
    """For each of `width` columns: do its non-blank cells (at least one) all hold figures?"""
    kinds = []
    for index in range(width):
        cells = [row[index] for row in rows if index < len(row)]
        filled = [c for c in cells if not (isinstance(c, str) and
                                           TAG.sub("", c).strip() in BLANK) and c is not None]
        kinds.append(bool(filled) and all(is_figure(c) for c in filled))
    return kinds


def table_html(rows: Sequence[Sequence], head: Sequence[str], css: str = "", *,
               raw: bool = False, row_attrs: Sequence[str] | None = None) -> str:
    """A `cm-table`: `head` as its titles, `rows` as its cells (escaped unless `raw`:
    cells already HTML). `row_attrs[i]`: attributes written into row i's <tr>."""
    figures = figure_columns(rows, len(head))

    def cls(index: int) -> str:
        return " class='cm-num'" if index < len(figures) and figures[index] else ""

    header = "".join(f"<th{cls(i)}>{html.escape(keep_figures_with_units(h, heading=True))}</th>"
                     for i, h in enumerate(head))
    body = []
    for n, row in enumerate(rows):
        attrs = f" {row_attrs[n]}" if row_attrs else ""
        cells = "".join(f"<td{cls(i)}>{c if raw else html.escape(keep_figures_with_units(str(c)))}</td>"
                        for i, c in enumerate(row))
        body.append(f"<tr{attrs}>{cells}</tr>")
    return f"<table class='cm-table {css}'><tr>{header}</tr>{''.join(body)}</table>"
