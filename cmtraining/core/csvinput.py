"""Reading a table a user brings: an upload's bytes, a path, or CSV text; CSV or Excel.

Shared by the mentions importer, the metrics importer and the sentiment CLI
so all accept the same files: UTF-8 with or without BOM, UTF-16 with a BOM
(Excel's "Unicode text"), comma, semicolon, tab or pipe as delimiter, and
`.xlsx` workbooks (first sheet, via openpyxl). Each caller passes its own
error class and catalogue prefix, so the message names its domain ("the
mentions file..." / "the metrics file...").

Quoting is always RFC 4180's (a quoted field may hold delimiters, line
breaks and doubled quotes): only the delimiter is guessed, from the header
line. `csv.Sniffer` was used before and turned quoting off when its 4 KB
sample held no doubled quote, which cut or mangled later messages.

The size cap is checked before a byte is read, so a huge file costs nothing.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from cmtraining.core.csvout import restore

# 50 MB holds about 300,000 tweets with their metadata (a 2017 airline-tweets
# style export averages ~160 bytes a row): more than the audit admits in rows.
# Assumption (cmtraining, 2026), to keep one import under ~1 GB of memory.
MAX_BYTES = 50 * 1024 * 1024
DELIMITERS = (",", ";", "\t", "|")
_XLSX_MAGIC = b"PK\x03\x04"
_DIGITS = re.compile(r"^[0-9]{1,15}$")
_GROUPED = re.compile(r"^[0-9]{1,3}(?:([.,\u00a0\u202f ])[0-9]{3})(?:\1[0-9]{3}){0,4}$")
_ZERO_DECIMAL = re.compile(r"^([0-9]{1,15})[.,]0+$")
csv.field_size_limit(1 << 20)  # one cell up to 1 MB; a longer one is a malformed file


@dataclass
class Table:
    """A header and its rows (cells as text), with each row's line in the file."""

    header: list[str]
    rows: list[list[str]]
    lines: list[int]
    source: str
    delimiter: str = ","
    kind: str = "csv"  # csv or xlsx
    notes: list = field(default_factory=list)


def guarded(reader, error: type):
    """`reader` for an upload handler: any failure that is not the package's error (a bug)
    becomes `error("listening.importer.error.unexpected")` for the trainee, logged in full for the
    facilitator. The importers raise only the package's errors; this is the last guard."""
    import functools
    import logging

    from cmtraining.core.errors import CmtrainingError

    @functools.wraps(reader)
    def read(content, *, source=None, **kwargs):
        try:
            return reader(content, source=source, **kwargs)
        except CmtrainingError:
            raise
        except Exception:  # noqa: BLE001 - the trainee gets one message, the log the details
            logging.getLogger("cmtraining.importer").exception("import of %s failed", source)
            raise error("listening.importer.error.unexpected", source=source or "—") from None
    return read


def count_text(text: str) -> int | None:
    """A whole number as exports write it ("1200", "1.200", "1,200", "1 200", "1200.0"), or None.

    ASCII digits only (not "²" nor other scripts' digits, which `str.isdigit`
    accepts), at most 15 of them: a count past 10^15 is a typing error.
    """
    text = text.strip()  # a cell's padding is not part of the number; fullmatch on the rest
    if _DIGITS.fullmatch(text):
        return int(text)
    if _GROUPED.fullmatch(text):
        return int(re.sub(r"[^0-9]", "", text))
    zero = _ZERO_DECIMAL.fullmatch(text)
    return int(zero.group(1)) if zero else None


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


def _too_big(size: int, source: str, error: type, max_bytes: int) -> None:
    if size > max_bytes:
        raise error("listening.importer.error.too_big", source=source,
                    size=f"{size / 1_048_576:.1f}", limit=f"{max_bytes / 1_048_576:.0f}")


def read_raw(data: bytes | str | Path, source: str | None, error: type, prefix: str,
             max_bytes: int = MAX_BYTES) -> tuple[bytes | str, str, str]:
    """(bytes or text, name to show, suffix). A str with a line break is CSV text, else a path."""
    if isinstance(data, bytes | bytearray):
        _too_big(len(data), source or "CSV", error, max_bytes)
        return bytes(data), source or "CSV", Path(source or "").suffix.lower()
    if isinstance(data, str) and ("\n" in data or "\r" in data):
        _too_big(len(data), source or "CSV", error, max_bytes)
        return data.lstrip("\ufeff"), source or "CSV", ""
    if isinstance(data, str) and "\x00" in data:
        raise error("listening.importer.error.bad_path", source=repr(data)[:80])
    path = Path(data)
    name = source or path.name
    try:
        size = path.stat().st_size
    except (OSError, ValueError):
        raise error(f"{prefix}.unreadable", source=str(path)) from None
    _too_big(size, name, error, max_bytes)
    try:
        raw = path.read_bytes()
    except (OSError, ValueError):
        raise error(f"{prefix}.unreadable", source=str(path)) from None
    return raw, name, path.suffix.lower()


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the header line most (quoted parts skipped); comma by default."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in text[:65536]:
        if char == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif char in "\r\n":
            break
        elif char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_table(data: bytes | str | Path, *, source: str | None, error: type, prefix: str,
               max_rows: int, max_bytes: int = MAX_BYTES) -> Table:
    """The table in `data` (CSV or .xlsx). Errors: `error` with keys under `prefix`/importer."""
    raw, name, suffix = read_raw(data, source, error, prefix, max_bytes)
    if isinstance(raw, bytes) and (raw.startswith(_XLSX_MAGIC) or suffix == ".xlsx"):
        return _read_xlsx(raw, name, error, prefix, max_rows)
    text = decode(raw, name, error, prefix) if isinstance(raw, bytes) else raw
    if not text.strip():
        raise error(f"{prefix}.empty", source=name)
    delimiter = sniff_delimiter(text.lstrip("\r\n"))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    lines: list[int] = []
    previous = 0
    try:
        for row in reader:
            start, previous = previous + 1, reader.line_num
            if not "".join(row).strip():
                continue
            # undo the spreadsheet guard that our own CSV writers (and others) put before
            # "=+-@": an author exported as "'@ana" comes back as "@ana" (cmtraining.core.csvout)
            rows.append([restore(cell) if cell[:1] == "'" else cell for cell in row])
            lines.append(start)
            if len(rows) > max_rows + 1:
                raise error(f"{prefix}.too_many", source=name, count=f">{max_rows}",
                            limit=max_rows)
    except csv.Error as exc:
        raise error(f"{prefix}.malformed", source=name, detail=str(exc)[:200]) from None
    return _shape(rows, lines, name, error, prefix, delimiter, "csv")


def _shape(rows, lines, name, error, prefix, delimiter, kind) -> Table:
    if not rows:
        raise error(f"{prefix}.empty", source=name)
    header = [h.strip() for h in rows[0]]
    width = len(header)
    body, numbers = [], []
    for row, line in zip(rows[1:], lines[1:], strict=True):
        if len(row) < width:
            row = row + [""] * (width - len(row))
        elif len(row) > width:
            if any(cell.strip() for cell in row[width:]):
                raise error(f"{prefix}.row_width", source=name, line=line, got=len(row),
                            expected=width)
            row = row[:width]
        body.append(row)
        numbers.append(line)
    return Table(header, body, numbers, name, delimiter, kind)


def _cell_text(value) -> str:
    from datetime import date, datetime, time

    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _read_xlsx(raw: bytes, name: str, error: type, prefix: str, max_rows: int) -> Table:
    """First sheet of an Excel workbook, cells as text (dates as ISO)."""
    try:
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any failure of a foreign file is "not a workbook"
        raise error(f"{prefix}.malformed", source=name,
                    detail=type(exc).__name__) from None
    rows: list[list[str]] = []
    lines: list[int] = []
    try:
        sheet = book.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            row = [_cell_text(v) for v in values]
            if not "".join(row).strip():
                continue
            rows.append(row)
            lines.append(number)
            if len(rows) > max_rows + 1:
                raise error(f"{prefix}.too_many", source=name, count=f">{max_rows}",
                            limit=max_rows)
    except error:
        raise
    except Exception as exc:  # noqa: BLE001
        raise error(f"{prefix}.malformed", source=name, detail=type(exc).__name__) from None
    finally:
        book.close()
    while rows and rows[0] and not rows[0][-1].strip():  # trailing empty header cells
        rows[0] = rows[0][:-1]
    return _shape(rows, lines, name, error, prefix, ",", "xlsx")
