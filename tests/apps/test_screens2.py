"""Trainee screens, issue 19 (second part), driven in-process: formats, errors in words, codes.

Points 4 (no internal codes), 5 (no contradictions), 6 (no server path in
the profile's and the objectives' errors) and 8 (dates and numbers as the
reader writes them, through one formatter).
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cmtraining.apps.number_field import NumberField
from cmtraining.apps.reader_fields import DateField
from cmtraining.core.numbers import day, parse_day
from cmtraining.i18n import t
from cmtraining.runtime.session import open_session
from cmtraining.runtime.workspace import create_workbook

# --- 19.8: one date formatter, read back as written --------------------------------------


def test_a_date_reads_as_the_reader_writes_it():
    from cmtraining.core.numbers import month, weekday_day

    assert day(date(2027, 6, 4), "es") == "4 jun 2027"
    assert day(date(2027, 6, 4), "en") == "Jun 4, 2027"
    assert month(date(2026, 10, 1), "es") == "oct 2026"
    assert month(date(2026, 10, 1), "en") == "Oct 2026"
    assert weekday_day(date(2026, 12, 4), "es") == "vie, 4 dic"
    assert weekday_day(date(2026, 12, 4), "en") == "Fri, Dec 4"


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)),
       st.sampled_from(["es", "en"]))
def test_every_date_shown_is_read_back(value, lang):
    assert parse_day(day(value, lang), lang) == value
    assert parse_day(value.isoformat(), lang) == value  # ISO is read in both languages


def test_short_dates_follow_the_readers_order_and_nonsense_is_refused():
    assert parse_day("4/6/2027", "es") == date(2027, 6, 4)  # day first
    assert parse_day("6/4/2027", "en") == date(2027, 6, 4)  # month first
    assert parse_day("4 de junio de 2027", "es") == date(2027, 6, 4)
    for text in ("", "mañana", "31/2/2027", "13/13/2027", "2027-02-30"):
        assert parse_day(text, "es") is None, text


def test_fields_show_the_readers_format_and_refuse_beside_themselves():
    field = DateField(date(2027, 6, 4), "es")
    assert field.text.value == "4 jun 2027"
    field.text.value = "15/9/2027"
    assert field.value == date(2027, 9, 15) and field.text.value == "15 sept 2027"
    field.text.value = "el mes que viene"
    assert field.value == date(2027, 9, 15)  # the last good date stays
    assert "no es una fecha" in field.message.value and "4 jun 2027" in field.message.value
    number = NumberField(-0.1, "es")
    assert number.text.value == "-0,1"
    number.value = 2.5  # set by the app ("use the suggested target"): shown the reader's way
    assert number.text.value == "2,5"
    number.text.value = "diez"
    assert number.value == 2.5  # the last good number stays
    assert "diez" in number.echo.value and "1.234,5" in number.echo.value


def test_crisis_triggers_are_written_with_the_readers_decimal_mark():
    from cmtraining.crisis.protocol import describe_trigger
    from cmtraining.workbook.sections_crisis import CrisisTrigger as Trigger

    # net sentiment as a percentage, as the listening audit shows it (issue 19)
    assert describe_trigger(Trigger(kind="net_sentiment", threshold=-0.125), "es").endswith(
        "-12,5\u00a0%")
    assert describe_trigger(Trigger(kind="influencer", threshold=20000), "es").endswith("20.000")
    assert describe_trigger(Trigger(kind="net_sentiment", threshold=-0.125), "en").endswith("-12.5%")


def test_smart_findings_and_the_objective_card_write_dates_as_the_reader(workspace):
    from cmtraining.apps.objectives import ObjectiveCard, build_app

    entry = create_workbook("Fechas", "cafe")
    app = build_app(open_session("01-objectives", workbook=entry.id, lang="es"),
                    today=date(2026, 12, 4))
    app._add(None)
    card = next(w for w in _walk(app) if isinstance(w, ObjectiveCard))
    assert card.deadline.text.value == "4 jun 2027"
    assert "4 jun 2027" in card.findings.value and "2027-06-04" not in card.findings.value
    assert "2027-06-04" not in card.suggestion.value


# --- 19.6: the profile's and the objectives' refusals in words ----------------------------


def test_the_profile_refusal_names_the_field_never_the_server_path(workspace):
    from cmtraining.apps.profile import build_app

    entry = create_workbook("Luis", "cafe")
    app = build_app(open_session("00-profile", workbook=entry.id, lang="es"), defer_chart=False)
    app.apply(lambda wb: {**wb.model_dump(), "profile": {**wb.model_dump()["profile"], "name": ""}})
    shown = app.status.value
    assert "cm-error" in shown and "Perfil, Nombre" in shown
    assert str(entry.path) not in shown and ".yaml" not in shown and "app.profile.name" not in shown


# --- 19.5: status agrees with progress; simulation and SCCT reconciled --------------------


def test_on_track_without_progress_says_it_rests_on_the_trend():
    from types import SimpleNamespace

    from cmtraining.evaluation.attainment import status_label

    assert status_label(SimpleNamespace(status="on_track", progress=0.0), "es") == t(
        "evaluation.status.on_track_by_trend", "es")
    assert status_label(SimpleNamespace(status="on_track", progress=0.4), "es") == t(
        "evaluation.status.on_track", "es")


# --- 19.4: no internal codes or commands on a trainee's screen ----------------------------


def test_the_inbox_names_no_command_line(workspace):
    for lang in ("es", "en"):
        assert "cmtraining" not in t("app.response.label_help", lang)


# --- 19.11: every page's app sets the ready marker last ----------------------------------


@pytest.mark.parametrize("module, notebook", [("evaluation", "06-evaluation"),
                                              ("self_assessment", "07-self-assessment")])
def test_pages_without_a_button_still_say_they_are_ready(workspace, module, notebook):
    import importlib

    entry = create_workbook("Lista", "cafe")
    build_app = importlib.import_module(f"cmtraining.apps.{module}").build_app
    app = build_app(open_session(notebook, workbook=entry.id, lang="es"), defer_chart=False)
    marker = app.children[-1]
    assert "cm-ready" in marker._dom_classes
    assert f'data-cmtraining-ready="{notebook}"' in marker.value


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def test_the_load_benchmark_waits_for_the_same_ready_marker():
    import sys

    from cmtraining.apps.common import READY_SELECTOR
    from tests.conftest import ROOT

    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import classroom_load
    finally:
        sys.path.remove(str(ROOT / "bench"))
    assert {selector for _, selector in classroom_load.STAGES} == {READY_SELECTOR}
    # the three stages: the first three of the journey, as a class's first session
    assert [stage for stage, _ in classroom_load.STAGES] == [
        "00-profile.ipynb", "01-objectives.ipynb", "02-audiences-networks.ipynb"]


# --- the sweep's screens read by eye (screens19) -------------------------------------------


def test_a_number_field_under_its_heading_keeps_the_columns_width():
    import ipywidgets as widgets

    column = widgets.Layout(width="90px")
    field = NumberField(1.0, "es", layout=column, below=True)
    assert field.layout.width == "90px" and column.width == "90px"
    assert field.text.layout is not column and field.text.layout.min_width == "0"


def test_the_alert_sensitivity_is_written_as_the_reader_writes_numbers(workspace):
    from cmtraining.apps.listening import build_app

    entry = create_workbook("Sensible", "cafe")
    app = build_app(open_session("00-listening", workbook=entry.id, lang="es"), defer_charts=False)
    assert app.sensitivity.readout is False  # the browser's "3.00"
    app.sensitivity.value = 3.5
    assert "3,5" in app.sensitivity_value.value
    tone = app.own_findings
    tone._add(None)
    choice = tone.fields[-1]["sentiment"]
    assert choice.label == "(sin tono)" and "—" not in [label for label, _ in choice.options]


@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_mentions_date_and_time_stay_on_one_line(workspace, lang):
    import re

    from cmtraining.apps.listening import build_app

    entry = create_workbook("Fechas", "cafe")
    app = build_app(open_session("00-listening", workbook=entry.id, lang=lang),
                    defer_charts=False)
    firsts = re.findall(r"<tr><td[^>]*>([^<]*)</td>", app.mentions.value)
    assert firsts and all(" " not in cell and re.search(r"\d", cell) for cell in firsts)


def test_a_suggested_count_and_a_goal_are_written_whole(workspace):
    from cmtraining.apps.objectives import ObjectiveCard, _num, build_app

    assert _num(5.2067, "es", "conversions") == "5"
    entry = create_workbook("Metas", "cafe")
    app = build_app(open_session("01-objectives", workbook=entry.id, lang="es"),
                    today=date(2026, 12, 4))
    app._add(None)
    card = next(w for w in _walk(app) if isinstance(w, ObjectiveCard))
    goals = load_goals(entry)
    shown = [label for label, value in card.goal.options if value is not None]
    assert shown and all(label == text or label.endswith(" …") for label, text in zip(shown, goals, strict=True))
    assert card.goal.layout.width == "auto"  # a line of its own, never cut at 560 px


def load_goals(entry) -> list[str]:
    from cmtraining.workbook import load

    return [g.text for g in load(entry.path).profile.goals]


@pytest.mark.parametrize("lang", ["es", "en"])
def test_an_objective_for_any_network_and_no_goal_says_so(workspace, lang):
    """ipywidgets shows a blank box for value None: "any network" and "no goal" are shown
    (the prefilled net-sentiment objective had a blank network)."""
    from cmtraining.apps.objectives import ObjectiveCard, build_app

    entry = create_workbook("Redes", "cafe", lang=lang)
    app = build_app(open_session("01-objectives", workbook=entry.id, lang=lang),
                    today=date(2026, 12, 4))
    app._add(None)
    card = next(w for w in _walk(app) if isinstance(w, ObjectiveCard))
    card.network.value = None
    card.goal.value = None
    # the card saved them: a fresh page reads them back
    again = build_app(open_session("01-objectives", workbook=entry.id, lang=lang),
                      today=date(2026, 12, 4))
    card = next(w for w in _walk(again) if isinstance(w, ObjectiveCard))
    assert card.network.value is None and card.goal.value is None
    assert card.network.label == t("app.objectives.any_network", lang)
    assert card.goal.label == t("app.objectives.no_goal", lang)


@pytest.mark.parametrize(("lang", "typed", "echo"), [
    ("es", "20000", "= 20.000"), ("en", "20000", "= 20,000"), ("es", "4,50", "= 4,5"),
    ("en", "1,000.0", "= 1,000")])
def test_the_number_echo_shows_only_when_typed_otherwise_and_with_the_readers_grouping(
        lang, typed, echo):
    """A field that reads "20.000" gets no "= 20000" under it; typed "20000", it says how it
    read it, grouped as the reader groups."""
    import html as html_

    field = NumberField(20000.0, lang)
    assert field.text.value == ("20.000" if lang == "es" else "20,000")
    assert field.echo.value == ""
    field.text.value = typed
    assert html_.unescape(field.echo.value).count(echo) == 1
    field.value = 30000.0  # set by code: the text is the field's own writing, no echo
    assert field.echo.value == ""
    percent = NumberField(0.125, lang, percent=True)
    assert percent.echo.value == ""
