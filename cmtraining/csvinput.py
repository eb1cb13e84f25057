"""Reading a CSV file a user brings: an upload's bytes, a path, or CSV text.

Shared by the mentions importer and the metrics importer so both accept the
same files: UTF-8 with or without BOM, UTF-16 with a BOM (Excel's "Unicode
text"). Each caller passes its own error class and catalogue prefix, so the
message names its domain ("the mentions file..." / "the metrics file...").
"""

from __future__ import annotations

from pathlib import Path


def decode(raw: bytes, source: str, error: type, prefix: str) -> str:
    """The text of `raw`, or `error(f"{prefix}.encoding", source, line)` naming the bad line."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise error(f"{prefix}.encoding", source=source, line=line) from None


def read_text(data: bytes | str | Path, source: str | None, error: type,
              prefix: str) -> tuple[str, str]:
    """(text, name to show). A str with a line break is CSV text, otherwise a path."""
    if isinstance(data, bytes):
        return decode(data, source or "CSV", error, prefix), source or "CSV"
    if isinstance(data, str) and ("\n" in data or "\r" in data):
        return data.lstrip("\ufeff"), source or "CSV"
    path = Path(data)
    name = source or path.name
    try:
        raw = path.read_bytes()
    except OSError:
        raise error(f"{prefix}.unreadable", source=str(path)) from None
    return decode(raw, name, error, prefix), name
