"""Which column of a mentions export holds what: layouts of common exports, as data.

`datasets/export_layouts.yaml` lists, per layout (X API, the airline-tweets
layout, Meta Business Suite, a social-listening tool, a Spanish sheet,
cmtraining's own), the column names of each field with the source and year
they were taken from. `detect_mapping` proposes the layout whose columns
match a header best, filling fields it lacks from the others; the trainee
(app) or facilitator (`--map field=column`) may change any column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from cmtraining.core.paths import datasets_dir
from cmtraining.core.text import fold_accents

FIELDS = ("text", "at", "author", "author_name", "network", "source", "followers", "lang",
          "brand", "label")
# Other names a facilitator may type in `--map` (`date=tweet_created`).
FIELD_ALIASES = {"date": "at", "fecha": "at", "texto": "text", "autor": "author",
                 "red": "network", "marca": "brand", "etiqueta": "label", "sentiment": "label"}


@cache
def layouts_data() -> dict:
    from cmtraining.core.yamlio import read_yaml

    return read_yaml(datasets_dir() / "export_layouts.yaml")


def fold(name: str) -> str:
    """A column name without case, accents, spaces or punctuation ("Red social" -> "redsocial")."""
    plain = fold_accents(str(name), lower=True, compatibility=True, marks="class")
    return re.sub(r"[^a-z0-9]", "", plain)


@dataclass
class ColumnMapping:
    """field -> column name of the file (None: not in the file); the layout it came from."""

    columns: dict[str, str | None] = field(default_factory=dict)
    layout: str | None = None
    network: str | None = None  # the network of every row when no column says it

    def column(self, name: str) -> str | None:
        return self.columns.get(name)

    def with_changes(self, changes: dict[str, str | None]) -> ColumnMapping:
        return ColumnMapping({**self.columns, **changes}, self.layout, self.network)


def _match(layout: dict, folded: dict[str, str], taken: set[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, candidates in (layout.get("columns") or {}).items():
        for candidate in candidates or ():
            column = folded.get(fold(candidate))
            if column is not None and column not in taken and column not in found.values():
                found[name] = column
                break
    return found


def detect_mapping(header: list[str]) -> ColumnMapping:
    """The best layout's mapping for `header`, completed from the other layouts."""
    folded: dict[str, str] = {}
    for column in header:
        folded.setdefault(fold(column), column)
    layouts = layouts_data()["layouts"]
    scored = []
    for order, (layout_id, layout) in enumerate(layouts.items()):
        found = _match(layout, folded, set())
        if "text" in found:
            scored.append((len(found), -order, layout_id, found))
    if not scored:
        return ColumnMapping(dict.fromkeys(FIELDS), None, None)
    _, _, best, columns = max(scored)
    for layout_id, layout in layouts.items():
        if layout_id == best:
            continue
        for name, column in _match(layout, folded, set(columns.values())).items():
            columns.setdefault(name, column)
    return ColumnMapping({name: columns.get(name) for name in FIELDS}, best,
                         layouts[best].get("network"))


def layout_title(layout_id: str | None, lang: str = "en") -> str:
    """The layout's name in `lang` (the YAML's `title`, or `title_es` in Spanish)."""
    if not layout_id:
        return ""
    layout = layouts_data()["layouts"][layout_id]
    return layout.get(f"title_{lang}") or layout["title"]


def parse_map_options(options: list[str] | tuple[str, ...], header: list[str],
                      mapping: ColumnMapping, error: type) -> ColumnMapping:
    """Apply `field=column` options (`field=` clears a field); unknown names are the package's error."""
    changes: dict[str, str | None] = {}
    by_fold = {fold(h): h for h in header}
    for option in options:
        name, sep, column = option.partition("=")
        name = FIELD_ALIASES.get(name.strip().lower(), name.strip().lower())
        if not sep or name not in FIELDS:
            raise error("listening.importer.error.bad_map", option=option, fields=", ".join(FIELDS))
        column = column.strip()
        if column and column not in header and fold(column) not in by_fold:
            raise error("listening.importer.error.map_column", option=option, column=column,
                        columns=", ".join(header))
        changes[name] = (column if column in header else by_fold[fold(column)]) if column else None
    return mapping.with_changes(changes)
