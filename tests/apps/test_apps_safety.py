"""Issue 23.4: whatever goes wrong in a widget handler, the trainee sees one message.

The apps' handlers are wired with ipywidgets' `observe` and `on_click`; the
guard in `cmtraining.apps.common` wraps every handler a cmtraining module
registers. Bugs are simulated by making a method the handler calls raise.
"""

from __future__ import annotations

import logging

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cmtraining.apps.landing import build_app as landing
from cmtraining.runtime.workspace import create_workbook

UNEXPECTED_EN = "Something went wrong"


def test_a_failing_change_handler_shows_one_message_and_logs_the_details(workspace, caplog,
                                                                          monkeypatch):
    app = landing(lang="en")

    def broken():
        raise RuntimeError("a bug in the page")

    monkeypatch.setattr(app, "_render", broken)
    with caplog.at_level(logging.ERROR, logger="cmtraining.apps"):
        app.sample.value = "cafe"  # the dropdown's observer calls _render
    assert UNEXPECTED_EN in app.status.value and "RuntimeError" not in app.status.value
    assert any(r.exc_info and "a bug in the page" in str(r.exc_info[1]) for r in caplog.records)


def test_a_failing_button_handler_shows_one_message_in_spanish(workspace, monkeypatch):
    create_workbook("Ana", "ngo")
    app = landing(lang="es")

    def broken():
        raise IndexError("list index out of range")

    monkeypatch.setattr(app, "_render", broken)
    app.open_button.click()
    assert "Algo ha fallado" in app.status.value and "IndexError" not in app.status.value


def test_a_guarded_handler_can_still_be_removed(workspace):
    app = landing(lang="en")
    calls = []
    app._render = lambda: calls.append(1)
    app.sample.unobserve(app._on_sample, names="value")
    app.sample.value = "cafe"
    assert calls == []


def test_the_create_button_refuses_a_very_long_name(workspace):
    app = landing(lang="en")
    app.trainee.value = "A" * 250
    app.create.click()
    assert "too long" in app.status.value and "250" in app.status.value
    assert list(workspace.glob("*.yaml")) == []


def test_an_upload_a_reader_fails_on_is_one_message_and_saves_nothing(workspace, monkeypatch):
    import cmtraining.evaluation.metrics_csv as metrics_csv
    from cmtraining.apps.evaluation import build_app as evaluation
    from cmtraining.runtime.session import open_session
    from cmtraining.workbook import load

    entry = create_workbook("Ana", "ngo", lang="en")
    before = load(entry.path).metrics

    def broken(content, source=""):
        raise ValueError("invalid literal for int() with base 10: '²'")

    monkeypatch.setattr(metrics_csv, "read_metrics_csv", broken)
    app = evaluation(open_session("06-evaluation", workbook=entry.id, lang="en"))
    app._on_upload({"new": ({"name": "m.csv", "content": b"month,followers\n2026-01,\xc2\xb2\n"},)})
    # the upload guard's own message (cmtraining.core.csvinput.guarded): names the file, not the fault
    assert "m.csv could not be imported" in app.status.value
    assert "invalid literal" not in app.status.value
    assert load(entry.path).metrics == before


def test_a_handler_written_as_a_lambda_reports_on_its_apps_status_line():
    from cmtraining.apps.common import Status, guarded

    class Card:  # like PersonaCard: the status line belongs to its app
        def __init__(self, app):
            self.app = app

    class App:
        def __init__(self):
            self.status = Status("en")

    app, other = App(), App()  # `other` is the latest status line: not the one to use
    card = Card(app)
    handler = guarded(lambda _: card.boom())  # Card has no boom(): AttributeError
    assert handler(None) is None
    assert UNEXPECTED_EN in app.status.value and other.status.value == ""


_TEXT = st.text(st.characters(codec="utf-8"), max_size=300) | st.sampled_from(
    ["", " ", "\x00", "A" * 201, "²" * 5000, "../../etc/passwd", "<script>x</script>", "ana\n"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=_TEXT)
def test_the_create_button_never_raises_whatever_the_name(workspace, name):
    app = landing(lang="es")
    before = set(workspace.glob("*.yaml"))
    app.trainee.value = name
    app.create.click()
    created = set(workspace.glob("*.yaml")) - before
    assert created or "cm-error" in app.status.value
    assert "Traceback" not in app.status.value


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=_TEXT, mission=_TEXT)
def test_profile_fields_never_raise_whatever_is_typed(workspace, name, mission):
    from cmtraining.apps.profile import build_app as profile
    from cmtraining.runtime.session import open_session

    entry = create_workbook("Ana", "ngo")
    app = profile(open_session("00-profile", workbook=entry.id, lang="en"), defer_chart=False)
    app.name.value = name
    app.mission.value = mission
    assert "Saved at" in app.status.value or "cm-error" in app.status.value
    assert UNEXPECTED_EN not in app.status.value  # a bad value is explained, not a crash
