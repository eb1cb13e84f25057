"""Monthly metrics from the networks' per-post exports (Meta Business Suite, LinkedIn).

The metrics importer's own layout is one row per network and month; the
statistics pages of Meta Business Suite and LinkedIn export one row per
post instead. `platform_layout` recognises those exports
(`datasets/metrics_layouts.yaml`, with the source and year of the column
names) and `monthly_from_posts` adds them up per network and month: posts
counted, counts summed (reach too, an upper bound of the month's unique
reach), followers the month's highest running total. Every problem is the
caller's error class, naming the line.
"""

from __future__ import annotations

from datetime import date
from functools import cache

from cmtraining.core.paths import datasets_dir
from cmtraining.listening.layouts import fold

SUMMED = ("reach", "impressions", "reactions", "comments", "shares", "link_clicks")


@cache
def metrics_layouts() -> dict:
    from cmtraining.core.yamlio import read_yaml

    return read_yaml(datasets_dir() / "metrics_layouts.yaml")["layouts"]


def _find(header: list[str], names) -> int | None:
    folded = [fold(h) for h in header]
    for name in names or ():
        if fold(name) in folded:
            return folded.index(fold(name))
    return None


def platform_layout(header: list[str]) -> str | None:
    """The id of the per-post export layout whose `detect` columns are all in `header`."""
    folded = {fold(h) for h in header}
    for layout_id, layout in metrics_layouts().items():
        if all(fold(name) in folded for name in layout["detect"]):
            return layout_id
    return None


def monthly_from_posts(table, layout_id: str, error: type) -> list:
    """`ChannelMonth`s, one per network and month, from a per-post export's table."""
    import pandas as pd

    from cmtraining.listening.dates import parse_dates
    from cmtraining.workbook.models import ChannelMonth

    layout = metrics_layouts()[layout_id]
    header, source = table.header, table.source
    at = _find(header, layout["date"])
    followers_at = _find(header, layout.get("followers"))
    if followers_at is None or at is None:
        raise error("listening.importer.error.metrics_followers", source=source, layout=layout["title"])
    columns = {field: _find(header, names) for field, names in layout["sum"].items()}
    network_at = _find(header, layout.get("network_column"))
    network = ("instagram" if _find(header, layout.get("instagram_if")) is not None
               else layout["network"])
    dates, bad = parse_dates([row[at] for row in table.rows])
    if bad is not None:
        raise error("evaluation.error.bad_month", source=source, line=table.lines[bad],
                    value=table.rows[bad][at][:40])
    totals: dict[tuple[str, date], dict] = {}
    for row, line, when in zip(table.rows, table.lines, dates, strict=True):
        if pd.isna(when):
            raise error("evaluation.error.bad_month", source=source, line=line, value="")
        net = _network(row[network_at], network, source, line, error) if network_at is not None \
            else network
        month = date(when.year, when.month, 1)
        entry = totals.setdefault((net, month), {"posts": 0, "followers": 0,
                                                 **dict.fromkeys(SUMMED, 0)})
        entry["posts"] += 1
        entry["followers"] = max(entry["followers"],
                                 _number(row[followers_at], "followers", source, line, error))
        for field, index in columns.items():
            if index is not None:
                entry[field] += _number(row[index], field, source, line, error)
    out = []
    for (net, month), values in sorted(totals.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if values["reach"] > values["impressions"]:
            values["reach"] = values["impressions"]  # summed per-post reach can pass views
        out.append(ChannelMonth(network=net, month=month, **values))
    return out


def _number(raw: str, field: str, source: str, line: int, error: type) -> int:
    from cmtraining.core.csvinput import count_text

    text = raw.strip()
    if not text:
        return 0  # the exports leave a metric blank when it does not apply to the post
    number = count_text(text)
    if number is None:
        raise error("evaluation.error.not_number", source=source, line=line, column=field,
                    value=raw[:40])
    return number


def _network(raw: str, default: str, source: str, line: int, error: type) -> str:
    name = raw.strip().lower()
    if not name:
        return default
    if name in ("facebook", "instagram"):
        return name
    raise error("evaluation.error.bad_network", source=source, line=line, value=raw[:40],
                allowed="facebook, instagram")
