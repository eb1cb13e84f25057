"""Import of real mention exports (a CSV from a listening tool or a network).

Only a text column is required; date, author, network, followers and
language are used when present. Column names are matched case-insensitively
with a few common aliases (Spanish and English). The delimiter is sniffed
(comma, semicolon or tab: spreadsheets in Spanish locales save with `;`).
Every problem is the package's `MentionsFileError`, naming the row and
what to fix; nothing is written anywhere.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from cmtraining.errors import CmtrainingError

MAX_ROWS = 200_000
ALIASES = {
    "text": ("text", "texto", "message", "mensaje", "content", "contenido", "mention", "mención"),
    "at": ("date", "fecha", "at", "datetime", "created_at", "timestamp"),
    "author": ("author", "autor", "autora", "user", "usuario", "handle", "username"),
    "network": ("network", "red", "platform", "plataforma", "source", "fuente"),
    "followers": ("followers", "seguidores", "followers_count"),
    "lang": ("language", "lang", "idioma"),
}
NETWORK_ALIASES = {"twitter": "x", "x": "x", "fb": "facebook", "ig": "instagram",
                   "whatsapp": "whatsapp_channels"}


class MentionsFileError(CmtrainingError):
    key = "listening.error.file"


def _columns(header: list[str], source: str) -> dict[str, int]:
    folded = [h.strip().lower() for h in header]
    found = {}
    for field, names in ALIASES.items():
        for index, name in enumerate(folded):
            if name in names:
                found[field] = index
                break
    if "text" not in found:
        raise MentionsFileError("listening.error.no_text", source=source,
                                columns=", ".join(h for h in header if h) or "—")
    return found


def read_mentions_csv(data: bytes | str | Path, *, source: str | None = None,
                      brand: str = ""):
    """The mentions of a CSV export as a DataFrame with the generator's columns."""
    import pandas as pd

    from cmtraining.csvinput import read_text
    from cmtraining.listening.mentions import COLUMNS

    text, source = read_text(data, source, MentionsFileError, "listening.error")
    if not text.strip():
        raise MentionsFileError("listening.error.empty", source=source)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = list(csv.reader(io.StringIO(text), dialect))
    except csv.Error as exc:
        raise MentionsFileError("listening.error.malformed", source=source, detail=str(exc)) from None
    header, body = rows[0], [r for r in rows[1:] if any(cell.strip() for cell in r)]
    cols = _columns(header, source)
    if not body:
        raise MentionsFileError("listening.error.no_rows", source=source)
    if len(body) > MAX_ROWS:
        raise MentionsFileError("listening.error.too_many", source=source, count=len(body),
                                limit=MAX_ROWS)
    records = []
    for number, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise MentionsFileError("listening.error.row_width", source=source, line=number,
                                    got=len(row), expected=len(header))
        records.append(_record(row, cols, source, number, brand))
    frame = pd.DataFrame(records)
    frame.insert(0, "id", [f"m{i + 1:05d}" for i in range(len(frame))])
    for column in COLUMNS:
        if column not in frame:
            frame[column] = None
    return frame[list(COLUMNS)]


def _record(row: list[str], cols: dict[str, int], source: str, line: int, brand: str) -> dict:
    from datetime import datetime

    from cmtraining.workbook.base import NetworkId

    get = {field: row[index].strip() for field, index in cols.items()}
    record = {"text": row[cols["text"]], "brand": brand, "is_competitor": False,
              "author": get.get("author", ""), "author_name": "", "lang": None,
              "followers": 0, "network": "", "at": None}
    if get.get("at"):
        try:
            record["at"] = datetime.fromisoformat(get["at"].replace("Z", "+00:00")).replace(tzinfo=None)
        except ValueError:
            raise MentionsFileError("listening.error.bad_date", source=source, line=line,
                                    value=get["at"]) from None
    if get.get("followers"):
        value = get["followers"].replace(".", "").replace(",", "").replace(" ", "")
        if not value.isdigit():
            raise MentionsFileError("listening.error.bad_followers", source=source, line=line,
                                    value=get["followers"])
        record["followers"] = int(value)
    if get.get("network"):
        name = get["network"].lower()
        name = NETWORK_ALIASES.get(name, name)
        allowed = NetworkId.__args__
        if name not in allowed:
            raise MentionsFileError("listening.error.bad_network", source=source, line=line,
                                    value=get["network"], allowed=", ".join(allowed))
        record["network"] = name
    if get.get("lang"):
        code = get["lang"].lower()[:2]
        record["lang"] = code if code in ("es", "en") else None
    return record
