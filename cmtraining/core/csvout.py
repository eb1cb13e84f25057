"""Every CSV the project writes, safe to open in a spreadsheet (CSV injection).

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a
formula (``=HYPERLINK("http://…")`` becomes a link that can leak the sheet),
and a leading tab or carriage return can hide one. Text that reaches our CSV
files comes from trainees and imported mentions, so every writer goes
through this module, which applies what the OWASP "CSV Injection" page
(owasp.org/www-community/attacks/CSV_Injection, read 2026) recommends:

* a text cell starting with one of ``= + - @ \\t \\r`` is prefixed with a
  single quote, so the spreadsheet shows it as text;
* every text cell is wrapped in double quotes and inner quotes are doubled
  (``csv.QUOTE_NONNUMERIC``), so a comma or semicolon inside a cell can never
  start a new cell in a spreadsheet that splits on the other separator.

Numbers (``int``, ``float``) are written as numbers: a negative number is
data, not a formula. A program that reads our CSV back can undo the prefix
with `restore`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

#: the first characters a spreadsheet may read as the start of a formula (OWASP)
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PREFIX = "'"


def neutralise(value: Any) -> Any:
    """`value` as a cell that a spreadsheet shows as it is, never runs."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    # a text that already starts with quotes before a trigger gets one more, so that
    # `restore` gives back exactly what was written ("'=x" -> "''=x" -> "'=x")
    return PREFIX + text if text.lstrip(PREFIX).startswith(FORMULA_TRIGGERS) else text


def restore(text: str) -> str:
    """The text `neutralise` was given (for programs reading our CSV back).

    An importer that reads files we wrote applies it to every text cell: an
    author "@ana" exported as "'@ana" comes back as "@ana".
    """
    if text.startswith(PREFIX) and text.lstrip(PREFIX).startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text


class SafeWriter:
    """A `csv.writer` whose rows pass through `neutralise`, every text cell quoted."""

    def __init__(self, buffer, *, lineterminator: str = "\r\n", delimiter: str = ","):
        self._writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC,
                                  lineterminator=lineterminator, delimiter=delimiter)
        self._header = csv.writer(buffer, lineterminator=lineterminator, delimiter=delimiter)

    def writeheader(self, names: Iterable[str]) -> None:
        """The header row: our own column names, quoted only where needed."""
        self._header.writerow([neutralise(name) for name in names])

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(buffer, **options) -> SafeWriter:
    return SafeWriter(buffer, **options)


def to_csv(header: Sequence[Any], rows: Iterable[Iterable[Any]], **options) -> str:
    """A whole CSV text: `header`, then `rows`, each cell neutralised and quoted."""
    buffer = io.StringIO()
    out = SafeWriter(buffer, **options)
    out.writeheader(header)
    out.writerows(rows)
    return buffer.getvalue()


def frame_to_csv(frame, **options) -> str:
    """A pandas DataFrame as safe CSV: its columns as header, no index.

    Missing values are written as empty cells, as `DataFrame.to_csv` does.
    """
    import pandas as pd

    def cell(value):
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return ""
        if hasattr(value, "item") and not isinstance(value, str | pd.Timestamp):
            value = value.item()  # numpy scalars as Python numbers
        return value

    rows = ([cell(v) for v in row] for row in frame.itertuples(index=False, name=None))
    return to_csv(list(frame.columns), rows, **options)
