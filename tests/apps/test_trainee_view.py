"""What a trainee reads on the pages (issue 19, "what a trainee sees"): names, not machine ids."""

from __future__ import annotations

import html
import re

import pytest

from cmtraining.apps.common import stage_header
from cmtraining.apps.landing import build_app as landing
from cmtraining.runtime.session import open_session
from cmtraining.runtime.workspace import create_workbook


def visible(markup: str) -> str:
    """The text a reader sees in `markup`: no tags, so no href or data attribute."""
    return html.unescape(re.sub(r"<[^>]*>", " ", markup))


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_stage_header_names_the_trainee_and_organization_not_the_file(workspace, lang):
    entry = create_workbook("Ana García", "cafe", lang=lang)
    session = open_session("01-objectives", workbook=entry.id, lang=lang)
    markup = "".join(w.value for w in stage_header(session, "objectives", "app.objectives.intro",
                                                   "01-objectives"))
    text = visible(markup)
    assert entry.id == "ana-garcia" and entry.id not in text
    assert f"workbook={entry.id}" in markup  # the id stays in the links
    assert ("Cuaderno de Ana García" if lang == "es" else "Workbook of Ana García") in text
    assert session.workbook.profile.name in text


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_start_page_names_workbooks_by_trainee_and_organization(workspace, lang):
    create_workbook("Luis Pérez", "ngo", lang=lang)
    app = landing(lang=lang)
    app.trainee.value = "Ana García"
    app.sample.value = "cafe"
    app.create.click()
    shown = [app.status.value, app.current_label.value, app.top.value,
             *(label for label, _ in app.existing.options)]
    text = visible(" ".join(shown))
    for slug in ("ana-garcia", "luis-perez"):
        assert slug not in text
    assert "Ana García" in text and "Luis Pérez" in text
    assert "ana-garcia" in app.stages.value  # the links still carry the id
    app.existing.value = "luis-perez"
    app.open_button.click()
    text = visible(app.status.value + app.current_label.value)
    assert "Luis Pérez" in text and "luis-perez" not in text


def test_a_start_page_opened_on_a_workbook_names_it(workspace):
    entry = create_workbook("Recorrido ES", "cafe")
    app = landing(workbook=entry.id, lang="es")
    text = visible(app.current_label.value)
    assert "Cuaderno de Recorrido ES" in text and entry.id not in text


def test_with_private_links_the_start_page_names_the_workbook_not_its_token(workspace,
                                                                            monkeypatch):
    from cmtraining.runtime.workspace import PRIVATE_LINKS_ENV

    monkeypatch.setenv(PRIVATE_LINKS_ENV, "1")
    app = landing(lang="en")
    app.trainee.value = "Ana García"
    app.create.click()
    assert app.current.startswith("wb_")
    text = visible(app.status.value + app.current_label.value)
    assert "Workbook of Ana García" in text and "wb_" not in text and "ana-garcia" not in text
    again = landing(workbook=app.current, lang="en")  # the private link reopened
    assert "Workbook of Ana García" in visible(again.current_label.value)


# --- sweep finding 4: a crisis trigger's net sentiment is a percentage, as everywhere else -----


def _trigger_fields(app, kind):
    editor = app.protocol.trigger_rows
    return [(row, fields) for row, fields in zip(editor.rows, editor.fields, strict=True)
            if row["kind"] == kind]


@pytest.mark.parametrize("lang, typed", [("es", "-12,5"), ("en", "-12.5 %")])
def test_a_sentiment_trigger_is_shown_and_typed_as_a_percentage(workspace, lang, typed):
    from cmtraining.apps.crisis import build_app
    from cmtraining.workbook import load

    entry = create_workbook("Ana", "cafe", lang=lang)
    app = build_app(open_session("05-crisis", workbook=entry.id, lang=lang))
    app.protocol.default_button.click()
    (_, fields), *_ = _trigger_fields(app, "net_sentiment")
    threshold = fields["threshold"]
    assert threshold.percent and threshold.text.value == "-10"  # -0.1 in the workbook
    assert threshold.unit.value == "%" and threshold.unit.layout.display != "none"
    threshold.text.value = typed
    saved = load(entry.path).crisis_protocol.levels[0].triggers
    assert [g.threshold for g in saved if g.kind == "net_sentiment"] == [-0.125]
    # read as typed: nothing to add under the field, no error
    assert threshold.text.value == typed and threshold.echo.value == ""
    # a count stays a count: 30 negative mentions an hour is 30
    (_, volume), *_ = _trigger_fields(app, "volume_per_hour")
    assert not volume["threshold"].percent and volume["threshold"].unit.layout.display == "none"
    # the checks and the report say it the same way
    from cmtraining.crisis.protocol import describe_trigger

    sentiment = next(g for g in saved if g.kind == "net_sentiment")
    assert describe_trigger(sentiment, lang).endswith("-12,5\u00a0%" if lang == "es" else "-12.5%")


def test_a_trigger_turned_into_sentiment_reads_its_threshold_as_a_percentage(workspace):
    from cmtraining.apps.crisis import build_app

    entry = create_workbook("Ana", "cafe")
    app = build_app(open_session("05-crisis", workbook=entry.id, lang="es"))
    app.protocol.default_button.click()
    editor = app.protocol.trigger_rows
    index = next(i for i, row in enumerate(editor.rows) if row["kind"] == "volume_per_hour")
    field = editor.fields[index]["threshold"]
    field.text.value = "-0,2"  # not a count: the workbook refuses it, and the field keeps it
    editor.fields[index]["kind"].value = "net_sentiment"
    assert field.percent and field.text.value == "-20" and field.unit.value == "%"


def test_an_out_of_range_sentiment_threshold_is_refused_in_percent(workspace):
    from cmtraining.core.errors import WorkbookValidationError
    from cmtraining.workbook.sections_crisis import CrisisTrigger
    from cmtraining.workbook.validation import validate_model

    with pytest.raises(WorkbookValidationError) as info:
        validate_model(CrisisTrigger, {"kind": "net_sentiment", "threshold": -1.5})
    problem = info.value.problems[0]
    assert "sentimiento neto" in problem.message("es") and "-150,0\u00a0%" in problem.message("es")
    assert "-100,0\u00a0%" in problem.message("es") and "-150.0%" in problem.message("en")
    with pytest.raises(WorkbookValidationError) as info:
        validate_model(CrisisTrigger, {"kind": "influencer", "threshold": 0.5})
    assert "10.000.000.000" in info.value.problems[0].message("es")


def test_an_event_trigger_has_no_threshold_to_read(workspace):
    """A press enquiry or a legal issue happens or not: no "0" beside it; a count's field
    comes back when the row becomes one."""
    from cmtraining.apps.crisis import build_app

    entry = create_workbook("Ana", "cafe")
    app = build_app(open_session("05-crisis", workbook=entry.id, lang="es"))
    app.protocol.default_button.click()
    editor = app.protocol.trigger_rows
    events = _trigger_fields(app, "media_enquiry")
    assert events and all(f["threshold"].layout.visibility == "hidden" for _, f in events)
    (_, volume), *_ = _trigger_fields(app, "volume_per_hour")
    assert volume["threshold"].layout.visibility != "hidden"
    index = editor.rows.index(events[0][0])
    editor.fields[index]["kind"].value = "volume_per_hour"
    assert editor.fields[index]["threshold"].layout.visibility != "hidden"


def test_crisis_channels_are_ticked_one_by_one_and_saved(workspace):
    """No Ctrl-click to learn: each channel is a tick, saved as it is made."""
    from cmtraining.apps.check_list import CheckList
    from cmtraining.apps.crisis import build_app
    from cmtraining.workbook import load

    entry = create_workbook("Ana", "cafe")
    app = build_app(open_session("05-crisis", workbook=entry.id, lang="es"))
    channels = app.protocol.channels
    assert isinstance(channels, CheckList)
    before = set(load(entry.path).crisis_protocol.channels)
    box = next(b for b, (_, v) in zip(channels.boxes, channels.options, strict=True)
               if v not in before)
    box.value = True
    saved = load(entry.path).crisis_protocol.channels
    assert set(saved) == before | {channels.options[channels.boxes.index(box)][1]}
    assert list(saved) == [v for _, v in channels.options if v in set(saved)]  # in list order
    box.value = False
    assert set(load(entry.path).crisis_protocol.channels) == before


def test_audiences_networks_and_formats_tick_like_the_crisis_channels(workspace):
    """One tick list for every choice of several: a value set by code shows as ticks too."""
    from cmtraining.apps.audiences import build_app
    from cmtraining.apps.check_list import CheckList
    from cmtraining.workbook import load

    entry = create_workbook("Ana", "cafe")
    app = build_app(open_session("02-audiences-networks", workbook=entry.id, lang="es"))
    assert isinstance(app.formats, CheckList)
    app.formats.value = ("short_video", "image")  # out of the list's order
    assert [b.value for b in app.formats.boxes] == [v in {"short_video", "image"}
                                                     for _, v in app.formats.options]
    saved = load(entry.path).resources.formats
    assert set(saved) == {"short_video", "image"}
    assert list(saved) == [v for _, v in app.formats.options if v in {"short_video", "image"}]
    app.formats.box("short_video").value = False
    assert list(load(entry.path).resources.formats) == ["image"]


@pytest.mark.parametrize("lang", ["es", "en"])
def test_channel_labels_are_written_alike_in_the_checkboxes_menus_and_summaries(workspace, lang):
    """One list of channel names, in sentence case as the networks' ("Web de crisis",
    "Facebook"): the protocol's checkboxes, the player's menu and the incident's summary."""
    from typing import get_args

    from cmtraining.apps.crisis import build_app
    from cmtraining.crisis.protocol import channel_label
    from cmtraining.workbook.sections_crisis import CrisisChannel

    entry = create_workbook("Ana", "cafe", lang=lang)
    app = build_app(open_session("05-crisis", workbook=entry.id, lang=lang))
    boxes = [box.description for box in app.protocol.channels.boxes]
    assert boxes == [channel_label(c, lang) for c in get_args(CrisisChannel)]
    assert all(label[:1].isupper() for label in boxes), boxes
    assert {"es": "Web de crisis", "en": "Crisis page (dark site)"}[lang] in boxes


def test_a_checklist_set_by_code_ticks_its_boxes_and_changes_once():
    """The page saves on each change: a value loaded or reset by code is one save, not
    one per box it ticks, and a tick by hand is one change in the options' order."""
    from cmtraining.apps.check_list import CheckList

    checks = CheckList([("Instagram", "instagram"), ("TikTok", "tiktok"), ("X", "x")])
    changes = []
    checks.observe(lambda change: changes.append(change["new"]), names="value")
    checks.value = ("x", "instagram")
    assert changes == [("instagram", "x")]  # in the list's order, as it is saved
    assert [box.value for box in checks.boxes] == [True, False, True]
    checks.box("tiktok").value = True
    assert changes[-1] == ("instagram", "tiktok", "x") and len(changes) == 2
