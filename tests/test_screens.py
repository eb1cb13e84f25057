"""Trainee screens of stages 2-5 and the self-assessment (issues 19 and 21), driven in-process."""

from __future__ import annotations

from cmtraining.session import open_session
from cmtraining.workbook import load
from cmtraining.workspace import create_workbook


def _audiences(lang="es"):
    from cmtraining.apps.audiences import build_app

    entry = create_workbook("Ana García", "cafe")
    return entry, build_app(open_session("02-audiences-networks", workbook=entry.id, lang=lang))


# --- 19.9: no silent clamping ------------------------------------------------------------


def test_negative_weekly_hours_are_refused_at_the_field(workspace):
    entry, app = _audiences()
    before = load(entry.path).resources.hours_per_week
    app.hours.value = -5
    assert load(entry.path).resources.hours_per_week == before  # nothing saved
    assert app.hours.value == -5  # what was typed stays, with the reason beside it
    assert "no pueden ser negativas" in app.hours_status.value and "-5" in app.hours_status.value
    app.hours.value = 12
    assert load(entry.path).resources.hours_per_week == 12
    assert "cm-error" not in app.hours_status.value


# --- 19.10: the checks heading is never empty ----------------------------------------------


def test_audience_checks_say_what_to_do_when_there_is_nothing_to_check(workspace):
    _, app = _audiences()
    assert "elige al menos una red" in app.checks.value


# --- 21.9: audiences by name, errors at the field in words --------------------------------


def test_roles_offer_the_audiences_by_name(workspace):
    entry, app = _audiences()
    app.add_template.click()
    persona = load(entry.path).audiences[0]
    app.roles.add_button.click()
    row = app.roles.children[1].children
    chooser = row[2]
    assert (persona.name, persona.id) in chooser.options  # "Vecino habitual", not local_regular
    chooser.value = (persona.id,)
    assert load(entry.path).networks[0].personas == [persona.id]
    assert "Públicos (elige uno o varios)" in app.roles.children[0].children[2].value


def test_a_refused_edit_names_the_field_in_words_never_a_server_path(workspace):
    entry, app = _audiences()
    app.add_template.click()
    app.roles.add_button.click()
    app._save_section("networks", [{"network": "instagram", "role": "community",
                                    "personas": ["nobody"], "hours_per_week": 0.0}],
                      app.roles_status)
    shown = app.roles_status.value
    assert str(entry.path) not in shown and "workspace" not in shown and ".yaml" not in shown
    assert "networks[0]" not in shown
    assert "Papel de cada red, fila 1, Públicos" in shown and "nobody" in shown
    assert app.status.value == "" or "cm-error" not in app.status.value  # not 1,400 px away
