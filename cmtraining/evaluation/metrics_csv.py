"""Import of a trainee's own monthly channel metrics (a CSV they bring).

Stricter and friendlier than the sample loader (`samples.read_metrics_csv`,
which reads files we wrote): people export these from each network's
statistics page or copy them into a spreadsheet, so the importer accepts
what spreadsheets produce and refuses, with one clear message, what would
give wrong KPIs.

Accepted: comma, semicolon or tab as delimiter (spreadsheets in Spanish
locales save with `;`); UTF-8 with or without BOM (UTF-16 with a BOM too,
Excel's "Unicode text"); column names in any case, with or without accents,
in English or Spanish (`ALIASES`); months as YYYY-MM, YYYY-MM-DD or YYYY/MM
(a day is ignored: a row is a month's total); whole numbers with thousands
separators ("12.345", "12,345", "12 345") or a zero decimal ("120.0").

Refused, each as a `MetricsFileError` naming the file, the line and the fix:
missing columns (all listed), a column given twice, text or decimals in a
count, negative values, an empty cell, an unknown network, a bad month, the
same network and month twice, reach above impressions, an empty file, a
file that is not UTF-8. A missing month inside a network's series is not an
error (networks are often added or paused); `metrics_gaps` reports it.

Also accepted: `.xlsx`, and the per-post exports of Meta Business Suite and
LinkedIn page analytics, added up per month (`metrics_layouts`).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from cmtraining.core.errors import CmtrainingError
from cmtraining.core.findings import Finding, Key, KeyList, Month
from cmtraining.core.text import fold_accents
from cmtraining.i18n.plural import Counted
from cmtraining.workbook.models import ChannelMonth

MAX_ROWS = 10_000  # 9 networks x 90 years of months: more is not a metrics file
MAX_BYTES = 5 * 1024 * 1024  # 10,000 rows of ~100 bytes, with room: checked before reading
# Months before the first social network or far in the future are typing errors.
FIRST_YEAR, LAST_YEAR = 1995, 2100
FIELDS = ("network", "month", "followers", "posts", "reach", "impressions", "reactions",
          "comments", "shares", "link_clicks")
ALIASES = {
    "network": ("network", "red", "red_social", "platform", "plataforma", "canal", "channel"),
    "month": ("month", "mes", "date", "fecha", "period", "periodo"),
    "followers": ("followers", "seguidores", "fans", "suscriptores", "subscribers"),
    "posts": ("posts", "publicaciones", "entradas", "posts_published"),
    "reach": ("reach", "alcance", "cuentas_alcanzadas", "accounts_reached"),
    "impressions": ("impressions", "impresiones", "visualizaciones", "views"),
    "reactions": ("reactions", "reacciones", "likes", "me_gusta"),
    "comments": ("comments", "comentarios"),
    "shares": ("shares", "compartidos", "veces_compartido", "reposts"),
    "link_clicks": ("link_clicks", "clics", "clicks", "clics_en_enlaces", "clics_enlace",
                    "clic_en_enlaces"),
}
NETWORK_ALIASES = {"twitter": "x", "fb": "facebook", "ig": "instagram", "yt": "youtube",
                   "whatsapp": "whatsapp_channels", "canales de whatsapp": "whatsapp_channels",
                   "whatsapp channels": "whatsapp_channels"}
_MONTH = re.compile(r"^([0-9]{4})[-/]([0-9]{1,2})(?:[-/]([0-9]{1,2}))?(?:[ T]00:00(?::00)?)?$")


class MetricsFileError(CmtrainingError):
    """A metrics CSV that cannot be imported; `key` says which problem, `params` where."""

    key = "evaluation.error.file"


def _fold(name: str) -> str:
    plain = fold_accents(name.strip(), lower=True, compatibility=True, marks="class")
    return re.sub(r"[\s\-]+", "_", plain)


def _columns(header: list[str], source: str) -> dict[str, int]:
    folded = [_fold(h) for h in header]
    found: dict[str, int] = {}
    for field, names in ALIASES.items():
        hits = [i for i, name in enumerate(folded) if name in names]
        if len(hits) > 1:
            raise MetricsFileError("evaluation.error.column_twice", source=source,
                                   field=Key(f"evaluation.csv.header.{field}"),
                                   columns=", ".join(header[i] for i in hits))
        if hits:
            found[field] = hits[0]
    missing = [f for f in FIELDS if f not in found]
    if missing:
        # named as the reader would write them: "alcance" in Spanish, "reach" in English
        raise MetricsFileError("evaluation.error.missing_columns", source=source,
                               missing=KeyList("evaluation.csv.header", missing), count=len(missing),
                               found=", ".join(h for h in header if h.strip()) or "—")
    return found


def read_metrics_csv(data: bytes | str | Path, *, source: str | None = None) -> list[ChannelMonth]:
    """The rows of a metrics CSV or .xlsx as `ChannelMonth`s, in file order.

    `data`: the file's bytes (an upload), a path, or CSV text (a str with a
    line break); `source`: the name to show in messages (default: the file's
    name, or "CSV"). Every failure is a `MetricsFileError`; the size is
    checked before the file is read (`MAX_BYTES`).
    """
    from cmtraining.core.csvinput import read_table

    table = read_table(data, source=source, error=MetricsFileError, prefix="evaluation.error",
                       max_rows=MAX_ROWS, max_bytes=MAX_BYTES)
    source, header = table.source, table.header
    try:
        cols = _columns(header, source)
    except MetricsFileError as exc:
        from cmtraining.evaluation.metrics_layouts import monthly_from_posts, platform_layout

        layout = platform_layout(header)
        if layout is None:
            raise exc from None
        if not table.rows:
            raise MetricsFileError("evaluation.error.no_rows", source=source) from None
        return monthly_from_posts(table, layout, MetricsFileError)
    if not table.rows:
        raise MetricsFileError("evaluation.error.no_rows", source=source)
    out: list[ChannelMonth] = []
    seen: dict[tuple[str, date], int] = {}
    names = {field: header[i].strip() or field for field, i in cols.items()}
    for line, row in zip(table.lines, table.rows, strict=True):
        record = _record(row, cols, names, source, line)
        key = (record.network, record.month)
        if key in seen:
            raise MetricsFileError("evaluation.error.duplicate", source=source, line=line,
                                   first=seen[key], network=record.network,
                                   month=f"{record.month:%Y-%m}")
        seen[key] = line
        out.append(record)
    return out


def _network(raw: str, source: str, line: int) -> str:
    from cmtraining.workbook.base import NetworkId

    allowed = NetworkId.__args__
    name = raw.strip().lower()
    name = NETWORK_ALIASES.get(name, name.replace(" ", "_"))
    if name not in allowed:
        raise MetricsFileError("evaluation.error.bad_network", source=source, line=line,
                               value=raw, allowed=", ".join(allowed))
    return name


def _month(raw: str, source: str, line: int) -> date:
    match = _MONTH.fullmatch(raw.strip())
    try:
        if not match:
            raise ValueError
        year, month, day = match.groups()
        if not FIRST_YEAR <= int(year) <= LAST_YEAR:
            raise ValueError
        date(int(year), int(month), int(day or 1))  # the day, when given, must exist
        return date(int(year), int(month), 1)
    except ValueError:
        raise MetricsFileError("evaluation.error.bad_month", source=source, line=line,
                               value=raw) from None


def _count(raw: str, field: str, source: str, line: int) -> int:
    text = raw.strip()
    where = {"source": source, "line": line, "column": field, "value": raw}
    if not text:
        raise MetricsFileError("evaluation.error.empty_cell", **where)
    if text.startswith("-") and _count_text(text[1:]) is not None:
        raise MetricsFileError("evaluation.error.negative", **where)
    number = _count_text(text)
    if number is None:
        raise MetricsFileError("evaluation.error.not_number", **where)
    return number


def _count_text(text: str) -> int | None:
    from cmtraining.core.csvinput import count_text

    return count_text(text)


def _record(row: list[str], cols: dict[str, int], names: dict[str, str], source: str,
            line: int) -> ChannelMonth:
    """One row as a `ChannelMonth`; a bad cell is named by its column as the file heads it."""
    values: dict = {"network": _network(row[cols["network"]], source, line),
                    "month": _month(row[cols["month"]], source, line)}
    for field in FIELDS[2:]:
        values[field] = _count(row[cols[field]], names[field], source, line)
    if values["reach"] > values["impressions"]:
        raise MetricsFileError("evaluation.error.reach_over_impressions", source=source,
                               line=line, reach=values["reach"],
                               impressions=values["impressions"])
    return ChannelMonth(**values)


def column_guide(lang: str) -> list[tuple[str, str]]:
    """(header, what it holds) for each column of the metrics file, in the reader's language.

    Each header is one the importer accepts (`ALIASES`): a trainee can type it as shown.
    """
    from cmtraining.i18n import t

    return [(t(f"evaluation.csv.header.{f}", lang), t(f"evaluation.csv.what.{f}", lang))
            for f in FIELDS]


def _months_between(first: date, last: date) -> list[date]:
    out, month = [], first
    while month <= last:
        out.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return out


def metrics_gaps(metrics: list[ChannelMonth]) -> list[Finding]:
    """Months missing inside each network's series, and series that stop early.

    One `evaluation.gap` warning per network with missing months (the audience
    growth of the month after a gap is left blank, and trends skip it), one
    `evaluation.stale` info per network whose last month is before the file's
    latest month. No findings when every series is complete.
    """
    by_net: dict[str, set[date]] = {}
    for r in metrics:
        by_net.setdefault(r.network, set()).add(r.month)
    if not by_net:
        return []
    latest = max(max(months) for months in by_net.values())
    findings = []
    for net in sorted(by_net):
        months = by_net[net]
        missing = [m for m in _months_between(min(months), max(months)) if m not in months]
        if missing:
            findings.append(Finding(
                code="evaluation.gap", level="warning", rule_key="evaluation.rule.gap",
                message_key="evaluation.msg.gap", value=[f"{m:%Y-%m}" for m in missing],
                params={"network": Key(f"common.network.{net}"), "count": len(missing),
                        "missing": Counted(len(missing), "missing_month", "common.n"),
                        "months": ", ".join(f"{m:%Y-%m}" for m in missing)}))
        if max(months) < latest:
            findings.append(Finding(
                code="evaluation.stale", level="info", rule_key="evaluation.rule.gap",
                message_key="evaluation.msg.stale", value=f"{max(months):%Y-%m}",
                params={"network": Key(f"common.network.{net}"), "last": Month(max(months)),
                        "latest": Month(latest)}))
    return findings
