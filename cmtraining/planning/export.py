"""Exports of the editorial calendar: iCalendar (.ics, RFC 5545) and CSV.

The .ics holds one VEVENT per post: DTSTART in the organization's time zone
(with its VTIMEZONE), a 30-minute slot, SUMMARY "network · pillar", the idea,
format and note in DESCRIPTION, and the machine-readable fields in
X-CMTRAINING-* properties (VALUE=TEXT, escaped like any text) so that
`ics_to_entries` can read it back.

Identity follows RFC 5545 3.8.4.7 and 3.8.7: each post's UID is stored with
it (`CalendarEntry.uid`), so moving a post or re-importing an updated export
updates the event instead of adding a new one; SEQUENCE is the post's own
count of changes; DTSTAMP is when the file was written. Text values are
escaped (backslash, comma, semicolon, newline) and lines folded at 75
octets with CRLF by icalendar. The CSV goes through `cmtraining.core.csvout`.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from cmtraining.core.csvout import to_csv
from cmtraining.core.errors import CmtrainingError
from cmtraining.i18n import check_lang, t
from cmtraining.workbook.models import CalendarEntry, assign_calendar_uids

PRODID = "-//cmtraining//Editorial calendar//{lang}"
DURATION = timedelta(minutes=30)
CSV_FIELDS = ("day", "weekday", "time", "network", "pillar", "format", "idea", "note")
X_FIELDS = ("network", "pillar", "format", "idea", "note")


def _zone(tz: str, lang: str):
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise CmtrainingError("planning.calendar.error.timezone", lang=lang, value=tz) from None


def _label(prefix: str, value: str, lang: str) -> str:
    """The catalogue name of a network or format id; free text stays as it is."""
    key = f"{prefix}.{value}"
    text = t(key, lang) if value else ""
    return value if text == key else text


def _ordered(entries: list[CalendarEntry]) -> list[CalendarEntry]:
    return sorted(entries, key=lambda e: (e.day, e.time, e.network, e.pillar, e.format, e.idea,
                                          e.uid))


#: characters RFC 5545 (3.3.11, TEXT) does not allow in a value: controls other than tab
#: (line breaks are escaped as \n by icalendar, CR LF and CR as one)
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def ics_text(value: str) -> str:
    """`value` as an iCalendar TEXT can hold it: one kind of line break, no controls."""
    return _CONTROLS.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def _unescape(value: str) -> str:
    """RFC 5545 TEXT unescaped: \\\\ \\; \\, and \\n (or \\N) as the characters they stand for."""
    return re.sub(r"\\([\\;,nN])",
                  lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def _with_uids(entries: list[CalendarEntry], org_name: str) -> list[CalendarEntry]:
    """The entries, those without a stored UID given one (copies: the caller's stay as
    they are; a workbook's entries always have one)."""
    if all(e.uid for e in entries):
        return list(entries)
    copies = [e.model_copy() for e in entries]
    assign_calendar_uids(copies, org_name)
    return copies


def calendar_to_ics(entries: list[CalendarEntry], *, org_name: str, lang: str = "es",
                    tz: str = "Europe/Madrid", pillar_names: dict[str, str] | None = None,
                    stamp: datetime | None = None) -> bytes:
    """The calendar as an iCalendar file (bytes, UTF-8, CRLF lines folded at 75 octets).

    `pillar_names` (pillar id -> name) puts the pillars' names in the
    summaries; without it the ids are used. `stamp` is the DTSTAMP of every
    event, the moment the file is written (now, unless given).
    """
    from icalendar import Calendar, Event, vText

    lang = check_lang(lang)
    zone = _zone(tz, lang)
    names = pillar_names or {}
    stamp = (stamp or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    cal = Calendar()
    cal.add("prodid", PRODID.format(lang=lang.upper()))
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", vText(ics_text(t("planning.calendar.ics.name", lang, org=org_name))),
            parameters={"VALUE": "TEXT"})
    cal.add("x-wr-timezone", vText(tz), parameters={"VALUE": "TEXT"})
    for entry in _ordered(_with_uids(entries, org_name)):
        hour, minute = (int(x) for x in entry.time.split(":"))
        start = datetime(entry.day.year, entry.day.month, entry.day.day, hour, minute, tzinfo=zone)
        network = _label("common.network", entry.network, lang)
        description = [entry.idea] if entry.idea else []
        if entry.format:
            description.append(t("planning.calendar.ics.format", lang,
                                 format=_label("common.format", entry.format, lang)))
        if entry.note:
            description.append(t("planning.calendar.ics.note", lang, note=entry.note))
        event = Event()
        event.add("uid", entry.uid)
        event.add("dtstamp", stamp)
        event.add("sequence", entry.sequence)
        event.add("dtstart", start)
        event.add("dtend", start + DURATION)
        event.add("summary", ics_text(f"{network} · {names.get(entry.pillar, entry.pillar)}"))
        event.add("description", ics_text("\n".join(description)))
        event.add("categories", [network])
        for name in X_FIELDS:  # TEXT values, escaped as RFC 5545 3.3.11 says
            event.add(f"x-cmtraining-{name}", vText(ics_text(getattr(entry, name))),
                      parameters={"VALUE": "TEXT"})
        cal.add_component(event)
    if entries:  # a VTIMEZONE covering just the calendar's years (smaller file)
        years = [e.day.year for e in entries]
        cal.add_missing_timezones(first_date=date(min(years) - 1, 1, 1),
                                  last_date=date(max(years) + 1, 12, 31))
    return cal.to_ical()


def ics_to_entries(data: bytes) -> list[dict]:
    """The events of an .ics as dicts, in file order.

    Each dict has `uid`, `start` and `end` (timezone-aware datetimes),
    `summary` and `description`, plus the calendar-entry fields (`day`,
    `time`, `network`, `pillar`, `format`, `idea`, `note`) when the file was
    written by `calendar_to_ics` (empty strings otherwise).
    """
    from icalendar import Calendar, vText

    out = []
    for event in Calendar.from_ical(data).walk("VEVENT"):
        start = event.decoded("dtstart")
        end = event.decoded("dtend") if "DTEND" in event else start + event.decoded("duration")

        def text(name: str, event=event) -> str:
            value = event.get(name)
            if value is None:
                return ""
            if name.startswith("x-") and not isinstance(value, vText):
                return _unescape(str(value))  # written without VALUE=TEXT
            return str(value)

        out.append({
            "uid": text("uid"), "sequence": int(event.get("sequence", 0)),
            "stamp": event.decoded("dtstamp") if "DTSTAMP" in event else None,
            "start": start, "end": end, "summary": text("summary"),
            "description": text("description"),
            "day": start.date() if isinstance(start, datetime) else start,
            "time": f"{start:%H:%M}" if isinstance(start, datetime) else "",
            "network": text("x-cmtraining-network"), "pillar": text("x-cmtraining-pillar"),
            "format": text("x-cmtraining-format"), "idea": text("x-cmtraining-idea"),
            "note": text("x-cmtraining-note"),
        })
    return out


#: the byte order mark Excel needs to read a CSV file as UTF-8 (without it, "Fundación"
#: opens as "FundaciÃ³n"); pandas and `encoding="utf-8-sig"` skip it
BOM = "\ufeff"


def calendar_to_csv(entries: list[CalendarEntry], lang: str = "es", *,
                    pillar_names: dict[str, str] | None = None, bom: bool = False) -> str:
    """The calendar as CSV text: a header row in `lang`, one row per post.

    The date (ISO, which every spreadsheet reads) is followed by its weekday
    in `lang`. Network and format are written as their names in `lang`; the
    pillar as its name when `pillar_names` is given, else its id. Comma-separated,
    every text cell quoted (RFC 4180) and neutralised against formula
    injection (`cmtraining.core.csvout`). `bom` starts the text with a UTF-8 byte
    order mark, for files people open in a spreadsheet.
    """
    from babel.dates import format_date

    lang = check_lang(lang)
    names = pillar_names or {}
    rows = ([e.day.isoformat(), format_date(e.day, "EEEE", locale=lang), e.time,
             _label("common.network", e.network, lang), names.get(e.pillar, e.pillar),
             _label("common.format", e.format, lang), e.idea, e.note] for e in _ordered(entries))
    header = [t(f"planning.calendar.csv.{name}", lang) for name in CSV_FIELDS]
    return (BOM if bom else "") + to_csv(header, rows)
