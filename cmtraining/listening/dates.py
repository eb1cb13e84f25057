"""Dates of a mentions export: one format for the whole column, offsets to the org's time.

Accepted: ISO 8601 (with or without an offset or `Z`), X/Twitter's
`Mon Dec 18 13:07:04 +0000 2017`, day/month/year and month/day/year with
`/`, `-` or `.` and times with `:` or `.` (`18/12/2017 13:07`,
`24-02-2015 11.35`, `12/18/2017 1:07 PM`), year/month/day with `/`, and
Excel serial dates (days since 1899-12-30, what a spreadsheet shows when a
date cell is exported as a number).

The format is chosen for the whole column, never per cell: whether `03/04`
is the 3rd of April or March 4th is decided by the values that are not
ambiguous (a 18 in first place means day first); when every value is
ambiguous, the order whose dates span the shorter period wins (an export
covers weeks, not a scatter over a year), and day first on a tie (the
order of Spanish-speaking countries). A value with an offset is converted
to UTC, then to the organization's time zone; a value without one is taken
as already in local time. A value that cannot be read is one error naming
its line.
"""

from __future__ import annotations

import re

_OFFSET = re.compile(r"(?:Z|[+-]\d\d:?\d\d)$|[+-]\d{4} \d{4}$")
TWITTER = "%a %b %d %H:%M:%S %z %Y"
_DM_TIMES = ("%H:%M:%S", "%H:%M", "%H.%M.%S", "%H.%M", "%I:%M %p", "%I:%M:%S %p", "")
_DM_DATES = ("{d}/{m}/%Y", "{d}-{m}-%Y", "{d}.{m}.%Y", "{d}/{m}/%y")
SAMPLE = 400
# Excel's serial dates count days from 1899-12-30 (Microsoft, "Date systems in
# Excel", 2023); 20000..80000 is 1954..2119, which rules out counts and ids.
EXCEL_ORIGIN = "1899-12-30"
SERIAL_RANGE = (20_000, 80_000)


def _join(day: str, time: str) -> str:
    return f"{day} {time}".strip()


def _formats(order: str) -> list[str]:
    d, m = ("%d", "%m") if order == "dm" else ("%m", "%d")
    return [_join(day.format(d=d, m=m), time) for day in _DM_DATES for time in _DM_TIMES]


FIXED = ["ISO8601", TWITTER, *(_join("%Y/%m/%d", t) for t in _DM_TIMES[:4])]


def _parse(values, fmt: str):
    import pandas as pd

    if fmt == "serial":
        numbers = pd.to_numeric(values, errors="coerce")
        numbers = numbers.where((numbers >= SERIAL_RANGE[0]) & (numbers <= SERIAL_RANGE[1]))
        return pd.to_datetime(numbers, unit="D", origin=EXCEL_ORIGIN, errors="coerce")
    if fmt in ("ISO8601", TWITTER):
        aware = values.str.contains(_OFFSET, regex=True, na=False)
        out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns, UTC]")
        if aware.any():
            out[aware] = pd.to_datetime(values[aware], format=fmt, utc=True, errors="coerce")
        if (~aware).any() and fmt == "ISO8601":
            naive = pd.to_datetime(values[~aware], format=fmt, errors="coerce")
            out[~aware] = naive.dt.tz_localize("UTC") if len(naive) else naive
        return out, aware
    return pd.to_datetime(values, format=fmt, errors="coerce")


def _ok(parsed) -> int:
    parsed = parsed[0] if isinstance(parsed, tuple) else parsed
    return int(parsed.notna().sum())


def _candidates(sample) -> list[str]:
    """Formats that read every value of the sample, best first; else the best partial one."""
    full, partial = [], []
    formats = [*FIXED, "serial", *_formats("dm"), *_formats("md")]
    for fmt in formats:
        ok = _ok(_parse(sample, fmt))
        if ok == len(sample) and (fmt in FIXED or fmt == "serial"):
            return [fmt]  # unambiguous: no other format can read it differently
        if ok == len(sample):
            full.append(fmt)
        elif not full:
            partial.append((ok, -len(partial), fmt))
    return full or [max(partial)[2]]


def parse_dates(values: list[str], *, tz: str | None = None):
    """(datetimes naive in `tz` or UTC, index of the first unreadable value or None)."""
    import pandas as pd

    series = pd.Series(values, dtype=object).fillna("").astype(str).str.strip()
    filled = series[series != ""]
    if filled.empty:
        return pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns]"), None
    step = max(1, len(filled) // SAMPLE)
    sample = filled.iloc[::step].iloc[:SAMPLE]
    best = None
    for fmt in _candidates(sample):
        parsed = _parse(filled, fmt)
        span = _span(parsed)
        score = (_ok(parsed), -span)
        if best is None or score > best[0]:
            best = (score, fmt, parsed)
    _, fmt, parsed = best
    local = _to_local(parsed, tz)
    out = pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns]")
    out[filled.index] = local.to_numpy()
    bad = filled.index[local.isna().to_numpy()]
    return out, (int(bad[0]) if len(bad) else None)


def _span(parsed) -> float:
    parsed = parsed[0] if isinstance(parsed, tuple) else parsed
    valid = parsed.dropna()
    if valid.empty:
        return float("inf")
    return (valid.max() - valid.min()).total_seconds()


def _to_local(parsed, tz: str | None):
    """Naive local datetimes: aware values moved to `tz` (UTC when None); naive ones kept."""
    import pandas as pd

    if not isinstance(parsed, tuple):
        return parsed
    values, aware = parsed
    zone = tz or "UTC"
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    if aware.any():
        out[aware] = values[aware].dt.tz_convert(zone).dt.tz_localize(None)
    if (~aware).any():
        out[~aware] = values[~aware].dt.tz_localize(None)
    return out


# The zone of the capital for countries with several zones (IANA tz database,
# zone1970.tab, 2024); a country with one zone gets it from CLDR via Babel.
CAPITAL_ZONES = {
    "ES": "Europe/Madrid", "MX": "America/Mexico_City", "AR": "America/Argentina/Buenos_Aires",
    "US": "America/New_York", "BR": "America/Sao_Paulo", "CL": "America/Santiago",
    "EC": "America/Guayaquil", "PT": "Europe/Lisbon", "CA": "America/Toronto",
    "AU": "Australia/Sydney", "RU": "Europe/Moscow", "DE": "Europe/Berlin",
}


def org_time_zone(country: str | None) -> str | None:
    """The time zone of a country's capital (ISO 3166 code); None (UTC) when unknown."""
    if not country:
        return None
    if country.upper() in CAPITAL_ZONES:
        return CAPITAL_ZONES[country.upper()]
    from babel.core import get_global

    zones = get_global("territory_zones").get(country.upper()) or []
    return zones[0] if len(zones) == 1 else None
