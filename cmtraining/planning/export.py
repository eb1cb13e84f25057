"""Exports of the editorial calendar: iCalendar (.ics) and CSV.

The .ics holds one VEVENT per post: DTSTART in the organization's time zone
(with its VTIMEZONE), a 30-minute slot, SUMMARY "network · pillar", the idea,
format and note in DESCRIPTION, and the machine-readable fields in
X-CMTRAINING-* properties so `ics_to_entries` can read it back.

Exports are byte-identical for the same calendar: the UID hashes the slot
(organization, day, time, network, and a counter for a repeated slot), not
the moment of export, so re-importing an updated export replaces the events
instead of duplicating them; DTSTAMP is the event's own start in UTC rather
than the wall clock, for the same reason.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from cmtraining.errors import CmtrainingError
from cmtraining.i18n import check_lang, t
from cmtraining.workbook.models import CalendarEntry

PRODID = "-//cmtraining//Editorial calendar//{lang}"
DURATION = timedelta(minutes=30)
CSV_FIELDS = ("day", "time", "network", "pillar", "format", "idea", "note")


def _zone(tz: str, lang: str):
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise CmtrainingError("calendar.error.timezone", lang=lang, value=tz) from None


def _label(prefix: str, value: str, lang: str) -> str:
    """The catalogue name of a network or format id; free text stays as it is."""
    key = f"{prefix}.{value}"
    text = t(key, lang) if value else ""
    return value if text == key else text


def _uid(org_name: str, entry: CalendarEntry, repeat: int) -> str:
    key = f"{org_name}|{entry.day.isoformat()}|{entry.time}|{entry.network}|{repeat}"
    return f"{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}@cmtraining"


def _ordered(entries: list[CalendarEntry]) -> list[CalendarEntry]:
    return sorted(entries, key=lambda e: (e.day, e.time, e.network, e.pillar, e.format, e.idea))


def calendar_to_ics(entries: list[CalendarEntry], *, org_name: str, lang: str = "es",
                    tz: str = "Europe/Madrid",
                    pillar_names: dict[str, str] | None = None) -> bytes:
    """The calendar as an iCalendar file (bytes, UTF-8, CRLF lines).

    `pillar_names` (pillar id -> name) puts the pillars' names in the
    summaries; without it the ids are used.
    """
    from icalendar import Calendar, Event

    lang = check_lang(lang)
    zone = _zone(tz, lang)
    names = pillar_names or {}
    cal = Calendar()
    cal.add("prodid", PRODID.format(lang=lang.upper()))
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", t("calendar.ics.name", lang, org=org_name))
    cal.add("x-wr-timezone", tz)
    seen: Counter = Counter()
    for entry in _ordered(entries):
        hour, minute = (int(x) for x in entry.time.split(":"))
        start = datetime(entry.day.year, entry.day.month, entry.day.day, hour, minute, tzinfo=zone)
        slot = (entry.day, entry.time, entry.network)
        repeat = seen[slot]
        seen[slot] += 1
        network = _label("network", entry.network, lang)
        description = [entry.idea] if entry.idea else []
        if entry.format:
            description.append(t("calendar.ics.format", lang,
                                 format=_label("format", entry.format, lang)))
        if entry.note:
            description.append(t("calendar.ics.note", lang, note=entry.note))
        event = Event()
        event.add("uid", _uid(org_name, entry, repeat))
        event.add("dtstamp", start.astimezone(UTC))
        event.add("dtstart", start)
        event.add("dtend", start + DURATION)
        event.add("summary", f"{network} · {names.get(entry.pillar, entry.pillar)}")
        event.add("description", "\n".join(description))
        event.add("categories", [network])
        event.add("x-cmtraining-network", entry.network)
        event.add("x-cmtraining-pillar", entry.pillar)
        event.add("x-cmtraining-format", entry.format)
        event.add("x-cmtraining-idea", entry.idea)
        event.add("x-cmtraining-note", entry.note)
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
    from icalendar import Calendar

    out = []
    for event in Calendar.from_ical(data).walk("VEVENT"):
        start = event.decoded("dtstart")
        end = event.decoded("dtend") if "DTEND" in event else start + event.decoded("duration")

        def text(name: str, event=event) -> str:
            value = event.get(name)
            return str(value) if value is not None else ""

        out.append({
            "uid": text("uid"), "start": start, "end": end, "summary": text("summary"),
            "description": text("description"),
            "day": start.date() if isinstance(start, datetime) else start,
            "time": f"{start:%H:%M}" if isinstance(start, datetime) else "",
            "network": text("x-cmtraining-network"), "pillar": text("x-cmtraining-pillar"),
            "format": text("x-cmtraining-format"), "idea": text("x-cmtraining-idea"),
            "note": text("x-cmtraining-note"),
        })
    return out


def calendar_to_csv(entries: list[CalendarEntry], lang: str = "es", *,
                    pillar_names: dict[str, str] | None = None) -> str:
    """The calendar as CSV text: a header row in `lang`, one row per post.

    Network and format are written as their names in `lang`; the pillar as
    its name when `pillar_names` is given, else its id. Comma-separated,
    quoted where needed (RFC 4180).
    """
    lang = check_lang(lang)
    names = pillar_names or {}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([t(f"calendar.csv.{name}", lang) for name in CSV_FIELDS])
    for e in _ordered(entries):
        writer.writerow([e.day.isoformat(), e.time, _label("network", e.network, lang),
                         names.get(e.pillar, e.pillar), _label("format", e.format, lang),
                         e.idea, e.note])
    return buffer.getvalue()
