"""Import of real mention exports (a CSV or .xlsx from a listening tool or a network).

Two steps, so that the app and the CLI can show and change the mapping:
`read_mentions_table` reads the file (see `cmtraining.core.csvinput`: RFC 4180
quoting always honoured, the delimiter guessed from the header, UTF-8/16,
Excel) and proposes which column holds what (`layouts.detect_mapping`);
`import_mentions` turns the table into the audit's DataFrame with a mapping.
`read_mentions_csv` does both with the detected mapping.

Only a text column is required. Dates: see `listening.dates` (one format
per column, offsets to the organization's time zone). Text: HTML entities
decoded (`&amp;` -> `&`: X's API escapes them). A brand column splits own
mentions from competitors' (share of voice); a human label column becomes
the `sentiment` label the audit measures the classifier against. Every
problem is the package's `MentionsFileError`, naming the line and what to
fix; nothing is written anywhere.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from cmtraining.core.errors import CmtrainingError
from cmtraining.listening.layouts import ColumnMapping, detect_mapping, fold, layouts_data

MAX_ROWS = 200_000
PREVIEW_ROWS = 5
NETWORK_ALIASES = {"twitter": "x", "x": "x", "fb": "facebook", "ig": "instagram",
                   "whatsapp": "whatsapp_channels", "canales de whatsapp": "whatsapp_channels"}


class MentionsFileError(CmtrainingError):
    key = "listening.error.file"


@dataclass
class MentionsTable:
    """A read file and the proposed mapping (what the mapping step shows)."""

    table: object  # cmtraining.core.csvinput.Table
    mapping: ColumnMapping

    @property
    def header(self) -> list[str]:
        return self.table.header

    @property
    def source(self) -> str:
        return self.table.source

    def preview(self, rows: int = PREVIEW_ROWS) -> list[list[str]]:
        return self.table.rows[:rows]


@dataclass
class MentionImport:
    """The imported mentions, the mapping used, and notes for the trainee (catalogue key, params)."""

    frame: object
    mapping: ColumnMapping
    notes: list[tuple[str, dict]] = field(default_factory=list)


def read_mentions_table(data: bytes | str | Path, *, source: str | None = None) -> MentionsTable:
    from cmtraining.core.csvinput import read_table

    table = read_table(data, source=source, error=MentionsFileError, prefix="listening.error",
                       max_rows=MAX_ROWS)
    if not table.rows:
        raise MentionsFileError("listening.error.no_rows", source=table.source)
    return MentionsTable(table, detect_mapping(table.header))


def read_mentions_csv(data: bytes | str | Path, *, source: str | None = None, brand: str = "",
                      mapping: ColumnMapping | None = None, tz: str | None = None):
    """The mentions of an export as a DataFrame with the generator's columns."""
    read = read_mentions_table(data, source=source)
    return import_mentions(read, mapping or read.mapping, brand=brand, tz=tz).frame


def import_mentions(read: MentionsTable, mapping: ColumnMapping, *, brand: str = "",
                    tz: str | None = None) -> MentionImport:
    """`read`'s rows as the audit's DataFrame, with `mapping` (see the module docstring)."""
    import pandas as pd

    from cmtraining.listening.mentions import COLUMNS

    table, source = read.table, read.source
    index = {name: i for i, name in reversed(list(enumerate(table.header)))}
    cols = {f: index[c] for f, c in mapping.columns.items() if c and c in index}
    if "text" not in cols:
        raise MentionsFileError("listening.error.no_text", source=source,
                                columns=", ".join(h for h in table.header if h) or "—")
    rows, lines = table.rows, table.lines
    notes: list[tuple[str, dict]] = []
    texts = [row[cols["text"]] for row in rows]
    keep = [i for i, text in enumerate(texts) if text.strip()]
    if len(keep) < len(rows):
        notes.append(("listening.importer.note.no_text", {"count": len(rows) - len(keep)}))
        rows, lines = [rows[i] for i in keep], [lines[i] for i in keep]
        texts = [texts[i] for i in keep]
    if not rows:
        raise MentionsFileError("listening.error.no_rows", source=source)

    def column(name: str) -> list[str] | None:
        return [row[cols[name]].strip() for row in rows] if name in cols else None

    frame = pd.DataFrame({"text": [html.unescape(t) if "&" in t else t for t in texts]})
    frame["at"] = _dates(column("at"), lines, source, tz) if "at" in cols else pd.NaT
    frame["author"] = column("author") or ""
    frame["author_name"] = column("author_name") or ""
    frame["followers"] = _followers(column("followers"), lines, source) if "followers" in cols else 0
    frame["network"] = _networks(column("network"), column("source"), mapping.network, lines,
                                 source)
    frame["lang"] = _langs(column("lang")) if "lang" in cols else None
    if "brand" in cols:
        frame["brand"], frame["is_competitor"], note = _brands(column("brand"), brand)
        if note:
            notes.append(note)
    else:
        frame["brand"], frame["is_competitor"] = brand, False
    frame["sentiment"] = _labels(column("label"), lines, source) if "label" in cols else None
    frame.insert(0, "id", [f"m{i + 1:05d}" for i in range(len(frame))])
    for name in COLUMNS:
        if name not in frame:
            frame[name] = None
    return MentionImport(frame[list(COLUMNS)], mapping, notes)


def _dates(values: list[str], lines: list[int], source: str, tz: str | None):
    from cmtraining.listening.dates import parse_dates

    parsed, bad = parse_dates(values, tz=tz)
    if bad is not None:
        raise MentionsFileError("listening.importer.error.bad_date", source=source, line=lines[bad],
                                value=values[bad][:60])
    return parsed.to_numpy()


def _followers(values: list[str], lines: list[int], source: str) -> list[int]:
    from cmtraining.core.csvinput import count_text

    out = []
    for value, line in zip(values, lines, strict=True):
        if not value:
            out.append(0)
            continue
        number = count_text(value)
        if number is None:
            raise MentionsFileError("listening.error.bad_followers", source=source, line=line,
                                    value=value[:40])
        out.append(number)
    return out


def _source_network(value: str) -> str:
    """A page type or domain's network ("twitter.com", "Twitter" -> x); "" for news, blogs..."""
    name = value.strip().lower()
    name = re.sub(r"^(?:https?://)?(?:www\.|m\.)?", "", name).split("/")[0]
    name = name.rsplit(".", 1)[0] if "." in name else name
    return layouts_data()["source_networks"].get(name, "")


def _networks(values, sources, default, lines, source) -> list[str]:
    from cmtraining.workbook.base import NetworkId

    allowed = NetworkId.__args__
    count = len(lines)
    out = [default or ""] * count
    if sources is not None:
        cache: dict[str, str] = {}
        out = [cache.setdefault(v, _source_network(v)) or (default or "") for v in sources]
    if values is None:
        return out
    known: dict[str, str] = {}
    for i, (value, line) in enumerate(zip(values, lines, strict=True)):
        if not value:
            continue
        if value not in known:
            name = value.lower()
            name = NETWORK_ALIASES.get(name, name.replace(" ", "_"))
            if name not in allowed:
                name = _source_network(value)
            if not name:
                raise MentionsFileError("listening.error.bad_network", source=source, line=line,
                                        value=value[:40], allowed=", ".join(allowed))
            known[value] = name
        out[i] = known[value]
    return out


def _langs(values: list[str]) -> list[str | None]:
    return [code if (code := v.lower()[:2]) in ("es", "en") else None for v in values]


def _brands(values: list[str], own: str) -> tuple[list[str], list[bool], tuple | None]:
    """(brand per row, competitor per row, a note when the own brand was assumed)."""
    from collections import Counter

    counts = Counter(v for v in values if v)
    if not counts:
        return [own] * len(values), [False] * len(values), None
    own_fold = fold(own)
    mine = [b for b in counts if own_fold and (fold(b) == own_fold or
                                              (fold(b) and (fold(b) in own_fold
                                                            or own_fold in fold(b))))]
    note = None
    if not mine:
        mine = [counts.most_common(1)[0][0]]
        note = ("listening.importer.note.own_brand", {"brand": mine[0], "own": own or "—"})
    ours = set(mine)
    shown = own or mine[0]
    brands = [shown if (not v or v in ours) else v for v in values]
    return brands, [bool(v) and v not in ours for v in values], note


def label_names() -> dict[str, str]:
    """Every word exports use for a sentiment -> positive, neutral or negative."""
    return {word: label for label, words in layouts_data()["labels"].items() for word in words}


def _labels(values: list[str], lines: list[int], source: str) -> list[str | None]:
    names = label_names()
    out = []
    for value, line in zip(values, lines, strict=True):
        if not value:
            out.append(None)
            continue
        label = names.get(value.lower())
        if label is None:
            raise MentionsFileError("listening.importer.error.bad_label", source=source, line=line,
                                    value=value[:40],
                                    allowed="positive, neutral, negative")
        out.append(label)
    return out
