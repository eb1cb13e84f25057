"""The editorial calendar generator, its checks and its .ics/.csv exports."""

from __future__ import annotations

import csv
import io
import math
import subprocess
import sys
from collections import Counter
from datetime import date, datetime, timedelta
from typing import get_args
from zoneinfo import ZoneInfo

import holidays as holidays_lib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cmtraining.core.errors import CmtrainingError, UnknownLanguageError
from cmtraining.i18n import t
from cmtraining.networks import catalogue
from cmtraining.planning.calendar import (
    MAX_WEEKS,
    MIN_POSTS_FOR_MIX,
    MIX_TOLERANCE,
    check_calendar,
    generate_calendar,
)
from cmtraining.planning.export import calendar_to_csv, calendar_to_ics, ics_to_entries
from cmtraining.planning.posting_windows import posting_windows
from cmtraining.workbook.models import CalendarEntry, ContentPlan, NetworkId

START = date(2026, 11, 30)  # a Monday; 12 weeks run to 2027-02-21 across Christmas
SPANISH_HOLIDAYS = [date(2026, 12, 8), date(2026, 12, 25), date(2027, 1, 1), date(2027, 1, 6)]


def make_plan(shares=(50, 30, 20), caps=None) -> ContentPlan:
    names = ["Nuestro impacto", "El equipo por dentro", "Consejos prácticos", "Agenda", "Voces"]
    pillars = [{"id": f"p{i}", "name": names[i], "share": s} for i, s in enumerate(shares)]
    caps = caps if caps is not None else {"instagram": 4, "facebook": 3, "linkedin": 2}
    return ContentPlan(pillars=pillars, posts_per_week=caps)


def week_counts(entries):
    return Counter((e.network, e.day.isocalendar()[:2]) for e in entries)


def mix_errors(entries, plan) -> dict[str, float]:
    """Pillar id -> percentage points away from its target."""
    counts = Counter(e.pillar for e in entries)
    total = sum(p.share for p in plan.pillars)
    return {p.id: abs(counts[p.id] / len(entries) * 100 - p.share / total * 100)
            for p in plan.pillars}


@pytest.fixture(scope="module")
def plan():
    return make_plan()


@pytest.fixture(scope="module")
def twelve_weeks(plan):
    return generate_calendar(plan, start=START, weeks=12, country="ES", seed=7)


# --- The 12-week reference calendar -------------------------------------------------


def test_places_the_weekly_capacity_and_never_more(twelve_weeks, plan):
    counts = week_counts(twelve_weeks)
    assert {n for n, _ in counts} == set(plan.posts_per_week)
    for (net, _week), count in counts.items():
        assert count <= plan.posts_per_week[net]
    # whole ISO weeks and at least one free day in each: every week gets its full capacity
    assert len(twelve_weeks) == 12 * sum(plan.posts_per_week.values())
    assert len(counts) == 12 * len(plan.posts_per_week)


def test_mix_stays_within_tolerance(twelve_weeks, plan):
    assert len(twelve_weeks) >= MIN_POSTS_FOR_MIX
    errors = mix_errors(twelve_weeks, plan)
    assert max(errors.values()) <= MIX_TOLERANCE
    # largest remainder: each pillar is within one post of its exact share
    counts = Counter(e.pillar for e in twelve_weeks)
    for p in plan.pillars:
        assert abs(counts[p.id] - p.share / 100 * len(twelve_weeks)) < 1


def test_mix_also_holds_along_the_way(twelve_weeks, plan):
    """The deficit sequence keeps every prefix close to the target, not just the total."""
    first_month = [e for e in twelve_weeks if e.day < START + timedelta(weeks=4)]
    assert max(mix_errors(first_month, plan).values()) <= MIX_TOLERANCE


def test_never_posts_on_spanish_holidays(twelve_weeks):
    days = {e.day for e in twelve_weeks}
    for holiday in SPANISH_HOLIDAYS:
        assert holiday not in days
    official = holidays_lib.country_holidays("ES", years=[2026, 2027])
    assert not days & set(official)


def test_holidays_are_named_in_a_nearby_note(twelve_weeks):
    notes = [(e.day, e.note) for e in twelve_weeks if e.note]
    text = " ".join(n for _, n in notes)
    for name in ("Natividad del Señor", "Año Nuevo", "Epifanía del Señor", "25 dic 2026"):
        assert name in text
    christmas = next(day for day, note in notes if "25 dic 2026" in note)
    assert abs((christmas - date(2026, 12, 25)).days) <= 3


def test_holiday_names_follow_the_language(plan):
    entries = generate_calendar(plan, start=START, weeks=12, country="ES", seed=7, lang="en")
    text = " ".join(e.note for e in entries)
    assert "Christmas Day" in text and "Dec 25, 2026" in text
    assert "Natividad" not in text


def test_times_are_inside_the_network_windows(twelve_weeks):
    windows = posting_windows().networks
    for e in twelve_weeks:
        hour, minute = map(int, e.time.split(":"))
        assert hour * 60 + minute in windows[e.network].all_slots(), e


def test_best_days_first_and_one_post_a_day(twelve_weeks, plan):
    windows = posting_windows().networks
    official = set(holidays_lib.country_holidays("ES", years=[2026, 2027]))
    by_week = {}
    for e in twelve_weeks:
        by_week.setdefault((e.network, e.day.isocalendar()[:2]), []).append(e.day)
    for (net, _), days in by_week.items():
        assert len(set(days)) == len(days), "capacity fits in a week: distinct days"
        best = windows[net].by_weekday()
        monday = days[0] - timedelta(days=days[0].weekday())
        free_best = [monday + timedelta(d) for d in best if monday + timedelta(d) not in official]
        if plan.posts_per_week[net] <= len(free_best):
            assert all(d.weekday() in best for d in days), (net, days)


def test_formats_come_from_the_catalogue(twelve_weeks):
    for e in twelve_weeks:
        assert e.format in catalogue().networks[e.network].formats
    used = Counter(e.format for e in twelve_weeks if e.network == "instagram")
    assert len(used) == len(catalogue().networks["instagram"].formats), "formats rotate"


def test_same_seed_same_calendar_other_seed_other_calendar(twelve_weeks, plan):
    again = generate_calendar(plan, start=START, weeks=12, country="ES", seed=7)
    assert [e.model_dump() for e in again] == [e.model_dump() for e in twelve_weeks]
    other = generate_calendar(plan, start=START, weeks=12, country="ES", seed=8)
    assert [e.model_dump() for e in other] != [e.model_dump() for e in twelve_weeks]
    # the seed moves days, times and tie-breaks, never the counts
    assert week_counts(other) == week_counts(twelve_weeks)


def test_check_of_a_generated_calendar_is_clean(twelve_weeks, plan):
    findings = check_calendar(twelve_weeks, plan, country="ES")
    levels = Counter(f.level for f in findings)
    assert levels["error"] == levels["warning"] == 0
    codes = {f.code for f in findings}
    assert {"calendar.ok", "calendar.holidays"} <= codes
    holidays = next(f for f in findings if f.code == "calendar.holidays")
    assert "Natividad del Señor" in holidays.message("es")
    assert "Christmas" not in holidays.message("es")


def test_mid_week_start_splits_the_capacity():
    plan = make_plan(caps={"facebook": 3})
    wednesday = date(2026, 3, 4)
    entries = generate_calendar(plan, start=wednesday, weeks=4, country="IE", seed=1)
    assert all(wednesday <= e.day < wednesday + timedelta(weeks=4) for e in entries)
    assert len(entries) == 12
    assert max(week_counts(entries).values()) <= 3


def test_capacity_above_the_catalogue_is_capped_and_said():
    plan = make_plan(caps={"linkedin": 9, "youtube": 1})
    high = math.ceil(catalogue().networks["linkedin"].posts_per_week.high)
    entries = generate_calendar(plan, start=START, weeks=3, country="ES", seed=3)
    per_week = week_counts(e for e in entries if e.network == "linkedin")
    assert set(per_week.values()) == {high}
    finding = next(f for f in check_calendar(entries, plan, country="ES", lang="en")
                   if f.code == "calendar.capacity_high")
    assert finding.level == "warning"
    assert "9" in finding.message("en") and str(high) in finding.message("en")


def test_a_network_with_zero_capacity_gets_no_posts():
    plan = make_plan(caps={"facebook": 2, "x": 0})
    entries = generate_calendar(plan, start=START, weeks=2, country="ES", seed=0)
    assert {e.network for e in entries} == {"facebook"}


def test_regional_holidays_with_subdiv():
    plan = make_plan(caps={"facebook": 4})
    # 19 March (San José) is a holiday in Valencia (VC) but not nationally in 2026
    day = date(2026, 3, 19)
    assert day not in holidays_lib.country_holidays("ES", years=2026)
    assert day in holidays_lib.country_holidays("ES", subdiv="VC", years=2026)
    national = generate_calendar(plan, start=date(2026, 3, 16), weeks=1, country="ES", seed=2)
    regional = generate_calendar(plan, start=date(2026, 3, 16), weeks=1, country="ES", seed=2,
                                 subdiv="VC")
    assert day in {e.day for e in national}
    assert day not in {e.day for e in regional}
    assert len(regional) == 4


# --- Property: any valid plan ------------------------------------------------------

NETWORKS = list(get_args(NetworkId))


@st.composite
def plans(draw):
    n = draw(st.integers(1, 5))
    cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=n - 1, max_size=n - 1)))
    shares = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
    nets = draw(st.lists(st.sampled_from(NETWORKS), min_size=1, max_size=4, unique=True))
    caps = {net: draw(st.integers(1, 7)) for net in nets}
    return make_plan(shares=shares, caps=caps)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=plans(), weeks=st.integers(1, 20), country=st.sampled_from(["ES", "MX", "IE", "AR", "US"]),
       start=st.dates(date(2025, 1, 1), date(2028, 12, 31)), seed=st.integers(0, 2**32 - 1))
def test_property_caps_mix_holidays(plan, weeks, country, start, seed):
    """For any valid plan: caps hold, holidays stay free, the check finds no error.

    The mix is within MIX_TOLERANCE whenever the calendar has at least
    MIN_POSTS_FOR_MIX = 100 / MIX_TOLERANCE = 10 posts: apportionment keeps
    each pillar within one post of its exact share, an error below 100/N
    points. With fewer posts one post weighs more than the tolerance (e.g. a
    single post and two 50 % pillars), so no calendar could meet it.
    """
    entries = generate_calendar(plan, start=start, weeks=weeks, country=country, seed=seed)
    end = start + timedelta(weeks=weeks)
    assert all(start <= e.day < end for e in entries)
    for (net, _), count in week_counts(entries).items():
        high = math.ceil(catalogue().networks[net].posts_per_week.high)
        assert count <= min(plan.posts_per_week[net], high)
    official = holidays_lib.country_holidays(country, years=range(start.year, end.year + 1))
    assert not {e.day for e in entries} & set(official)
    if len(entries) >= MIN_POSTS_FOR_MIX:
        assert max(mix_errors(entries, plan).values()) <= MIX_TOLERANCE
    findings = check_calendar(entries, plan, country=country)
    assert [f for f in findings if f.level == "error"] == []
    assert not [f for f in findings if f.code == "calendar.holiday_post"]


# --- Bad input ---------------------------------------------------------------------

BAD = [
    ("no_pillars", dict(plan=ContentPlan(pillars=[], posts_per_week={"x": 2})), {}),
    ("mix_total", dict(plan=make_plan(shares=(50, 30, 10))), {"total": "90"}),
    ("weeks", dict(weeks=0), {"value": "0"}),
    ("weeks", dict(weeks=MAX_WEEKS + 1), {"value": str(MAX_WEEKS + 1)}),
    ("weeks", dict(weeks=2.5), {"value": "2.5"}),
    ("country", dict(country="ZZ"), {"value": "ZZ"}),
    ("country", dict(country="Spain"), {"value": "Spain"}),
    ("subdiv", dict(subdiv="XX"), {"value": "XX"}),
    ("capacity", dict(plan=make_plan(caps={})), {}),
    ("capacity", dict(plan=make_plan(caps={"facebook": 0})), {}),
    ("start", dict(start="2026-01-05"), {}),
]


@pytest.mark.parametrize(("key", "override", "expected"), BAD,
                         ids=[f"{k}-{i}" for i, (k, _, _) in enumerate(BAD)])
def test_bad_input_is_a_clear_error_in_both_languages(key, override, expected):
    args = dict(plan=make_plan(), start=START, weeks=4, country="ES", seed=1)
    args.update(override)
    plan = args.pop("plan")
    messages = {}
    for lang in ("es", "en"):
        with pytest.raises(CmtrainingError) as info:
            generate_calendar(plan, lang=lang, **args)
        assert info.value.key == f"planning.calendar.error.{key}"
        messages[lang] = str(info.value)
        assert messages[lang] != info.value.key
        for value in expected.values():
            assert value in messages[lang]
    assert messages["es"] != messages["en"]


def test_unknown_language_is_refused(plan):
    with pytest.raises(UnknownLanguageError):
        generate_calendar(plan, start=START, weeks=1, country="ES", seed=1, lang="fr")


def test_unknown_country_in_check(twelve_weeks, plan):
    with pytest.raises(CmtrainingError) as info:
        check_calendar(twelve_weeks, plan, country="ZZ", lang="en")
    assert info.value.key == "planning.calendar.error.country" and "ZZ" in str(info.value)


# --- The check on hand-edited calendars --------------------------------------------


def entry(day, network="facebook", pillar="p0", time="10:00"):
    return CalendarEntry(day=day, time=time, network=network, pillar=pillar, format="image")


def test_check_reports_a_week_over_capacity(plan):
    monday = date(2026, 2, 2)
    entries = [entry(monday + timedelta(days=i)) for i in range(5)]  # facebook cap is 3
    found = [f for f in check_calendar(entries, plan, country="ES", lang="en")
             if f.code == "calendar.cap"]
    assert len(found) == 1 and found[0].level == "error"
    assert found[0].params["posts"] == 5 and found[0].params["cap"] == 3
    assert found[0].params["excess"] == 2
    message = found[0].message("en")
    assert "Facebook" in message and "5" in message and "Feb 2, 2026" in message
    assert "2 feb 2026" in found[0].message("es")


def test_check_reports_a_network_without_capacity(plan):
    found = [f for f in check_calendar([entry(date(2026, 2, 3), network="tiktok")], plan,
                                       country="ES") if f.code == "calendar.cap"]
    assert found and found[0].params["cap"] == 0


def test_check_reports_the_mix_per_pillar_with_numbers(plan):
    entries = [entry(date(2026, 2, 2) + timedelta(weeks=w, days=d), pillar="p0")
               for w in range(4) for d in range(3)]  # 12 posts, all on the first pillar
    found = {f.params["pillar"]: f for f in check_calendar(entries, plan, country="ES")
             if f.code == "calendar.mix"}
    assert set(found) == {p.name for p in plan.pillars}
    first = found["Nuestro impacto"]
    assert first.level == "error" and first.value == 100.0
    assert "100" in first.message("es") and "50" in first.message("es")
    assert "10" in first.rule("en") and "10" in first.rule("es")


def test_check_says_when_there_are_too_few_posts_to_judge_the_mix(plan):
    findings = check_calendar([entry(date(2026, 2, 3))], plan, country="ES", lang="en")
    small = [f for f in findings if f.code == "calendar.mix_small"]
    assert small and small[0].level == "info"
    assert str(MIN_POSTS_FOR_MIX) in small[0].message("en")
    assert not [f for f in findings if f.code == "calendar.mix"]


def test_check_reports_posts_on_holidays(plan):
    findings = check_calendar([entry(date(2026, 12, 25)), entry(date(2026, 12, 22))], plan,
                              country="ES")
    found = [f for f in findings if f.code == "calendar.holiday_post"]
    assert len(found) == 1 and found[0].level == "warning"
    assert "Natividad del Señor" in found[0].message("es")
    assert "25 dic 2026" in found[0].message("es")


def test_check_reports_unknown_pillars(plan):
    entries = [entry(date(2026, 2, 3), pillar="ghost"), entry(date(2026, 2, 4), pillar="ghost")]
    found = [f for f in check_calendar(entries, plan, country="ES", lang="en")
             if f.code == "calendar.unknown_pillar"]
    assert len(found) == 1 and found[0].level == "error"
    assert found[0].params["posts"] == 2 and "ghost" in found[0].message("en")


def test_check_of_an_empty_calendar(plan):
    findings = check_calendar([], plan, country="ES")
    assert [f.code for f in findings] == ["calendar.empty"]


def test_finding_texts_exist_in_both_languages(twelve_weeks, plan):
    entries = [*twelve_weeks, entry(date(2026, 12, 25), pillar="ghost")]
    for lang in ("es", "en"):
        for f in check_calendar(entries, plan, country="ES", lang=lang):
            for text in (f.rule(lang), f.message(lang)):
                assert not text.startswith("planning.calendar."), text
                assert "{" not in text, text


# --- Exports -----------------------------------------------------------------------


def test_ics_round_trips(twelve_weeks, plan):
    data = calendar_to_ics(twelve_weeks, org_name="Asociación Aula Abierta")
    events = ics_to_entries(data)
    assert len(events) == len(twelve_weeks)
    madrid = ZoneInfo("Europe/Madrid")
    expected = sorted(datetime.combine(e.day, datetime.strptime(e.time, "%H:%M").time(), madrid)
                      for e in twelve_weeks)
    assert sorted(ev["start"] for ev in events) == expected
    assert all(ev["end"] - ev["start"] == timedelta(minutes=30) for ev in events)
    want = sorted(f"{t(f'common.network.{e.network}', 'es')} · {e.pillar}" for e in twelve_weeks)
    assert sorted(ev["summary"] for ev in events) == want
    back = sorted((ev["day"], ev["time"], ev["network"], ev["pillar"], ev["format"], ev["idea"],
                   ev["note"]) for ev in events)
    assert back == sorted((e.day, e.time, e.network, e.pillar, e.format, e.idea, e.note)
                          for e in twelve_weeks)
    assert len({ev["uid"] for ev in events}) == len(events)


def test_ics_is_byte_identical_and_well_formed(twelve_weeks):
    stamp = datetime(2026, 11, 23, 9, 30, tzinfo=ZoneInfo("UTC"))
    first = calendar_to_ics(twelve_weeks, org_name="Aula Abierta", stamp=stamp)
    second = calendar_to_ics(list(reversed(twelve_weeks)), org_name="Aula Abierta", stamp=stamp)
    assert first == second
    text = first.decode("utf-8")
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.rstrip().endswith("END:VCALENDAR")
    assert "PRODID:-//cmtraining//" in text and "VERSION:2.0" in text
    assert "BEGIN:VTIMEZONE" in text and "DTSTART;TZID=Europe/Madrid:" in text
    assert text.count("BEGIN:VEVENT") == len(twelve_weeks)
    # another organization's calendar never shares UIDs with this one
    other = {ev["uid"] for ev in ics_to_entries(calendar_to_ics(twelve_weeks, org_name="Otra"))}
    assert not other & {ev["uid"] for ev in ics_to_entries(first)}


def test_ics_uid_survives_an_edited_idea(twelve_weeks):
    edited = [twelve_weeks[0].model_copy(update={"idea": "Vídeo del taller de robótica"}),
              *twelve_weeks[1:]]
    uids = [ev["uid"] for ev in ics_to_entries(calendar_to_ics(twelve_weeks, org_name="A"))]
    uids_edited = [ev["uid"] for ev in ics_to_entries(calendar_to_ics(edited, org_name="A"))]
    assert uids == uids_edited


def test_ics_with_pillar_names_timezone_and_language(twelve_weeks, plan):
    names = {p.id: p.name for p in plan.pillars}
    data = calendar_to_ics(twelve_weeks[:5], org_name="Biblioteca", lang="en",
                           tz="America/Mexico_City", pillar_names=names)
    events = ics_to_entries(data)
    assert all(ev["start"].tzinfo.key == "America/Mexico_City" for ev in events)
    assert {ev["summary"].split(" · ")[1] for ev in events} <= set(names.values())
    assert "Format:" in events[0]["description"]
    assert b"Biblioteca: editorial calendar" in data and b"//EN" in data


def test_ics_refuses_an_unknown_timezone(twelve_weeks):
    with pytest.raises(CmtrainingError) as info:
        calendar_to_ics(twelve_weeks, org_name="A", tz="Mars/Olympus", lang="en")
    assert info.value.key == "planning.calendar.error.timezone" and "Mars/Olympus" in str(info.value)


@pytest.mark.parametrize(("lang", "header"), [
    ("es", ["Fecha", "Día", "Hora", "Red", "Pilar", "Formato", "Idea", "Nota"]),
    ("en", ["Date", "Weekday", "Time", "Network", "Pillar", "Format", "Idea", "Note"]),
])
def test_csv_has_a_translated_header_and_a_row_per_post(twelve_weeks, lang, header):
    text = calendar_to_csv(twelve_weeks, lang=lang)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == header
    assert len(rows) == len(twelve_weeks) + 1
    assert {r[3] for r in rows[1:]} == {t(f"common.network.{n}", lang) for n in ("facebook", "instagram",
                                                                         "linkedin")}
    assert rows[1:] == sorted(rows[1:], key=lambda r: (r[0], r[2]))
    weekday = {"es": "lunes", "en": "Monday"}[lang]  # START is a Monday
    assert all(r[1] == weekday for r in rows[1:] if r[0] == START.isoformat())
    assert calendar_to_csv(list(reversed(twelve_weeks)), lang=lang) == text


def test_csv_quotes_commas_in_ideas():
    e = CalendarEntry(day=date(2026, 2, 3), network="x", pillar="p0", idea='Hola, "mundo"')
    rows = list(csv.reader(io.StringIO(calendar_to_csv([e], lang="en"))))
    assert rows[1][6] == 'Hola, "mundo"'


# --- Data and package hygiene -------------------------------------------------------


def test_every_network_has_sourced_windows():
    data = posting_windows()
    assert set(data.networks) == set(NETWORKS)
    for net, windows in data.networks.items():
        assert windows.source in data.sources, net
        assert windows.all_slots(), net
    assert any(s.kind == "assumption" for s in data.sources.values())
    assert any(s.kind == "report" and s.url for s in data.sources.values())


def test_engines_import_no_ui_packages():
    code = ("import sys, cmtraining.planning.calendar, cmtraining.planning.export; "
            "print([m for m in ('ipywidgets', 'voila', 'papermill') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
