"""Trainee screens of stages 2-5 and the self-assessment (issues 19 and 21), driven in-process."""

from __future__ import annotations

from contextlib import contextmanager

from cmtraining.apps.drawing import NO_CHART, chart_image, draw_later, has_chart, wait_for_drawings
from cmtraining.runtime.session import open_session
from cmtraining.runtime.workspace import create_workbook
from cmtraining.workbook import load
from tests.conftest import wait_for


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
    chooser = app.roles.fields[0]["personas"]
    assert (persona.name, persona.id) in chooser.options  # "Vecino habitual", not local_regular
    chooser.value = (persona.id,)
    assert load(entry.path).networks[0].personas == [persona.id]
    assert "Públicos (elige uno o varios)" in app.roles.labels["personas"].value


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


# --- 21.11: one informant is not the whole organization (engines) -------------------------


def _cafe_with_bakery_only():
    from cmtraining.samples import sample_workbook
    from cmtraining.workbook.models import Workbook

    data = sample_workbook("cafe").model_dump()
    data["informants"] = [{"department": "Obrador", "topics": ["cruasán, pan, masa madre"]}]
    data["response_playbook"] = {}
    return Workbook.model_validate(data)


def test_a_bakery_informant_gets_only_what_it_covers():
    from cmtraining.response.playbook import default_playbook
    from cmtraining.response.triage import routes_for, triage, unassigned_duties

    wb = _cafe_with_bakery_only()
    routes = routes_for(wb)
    assert routes.crisis == ""  # not Obrador
    crisis = triage("Intoxicación tras comer en el café, denuncia en sanidad",
                    sentiment="negative", routes=routes)
    assert crisis.category == "crisis_signal" and crisis.department == ""
    assert "Sin asignar" in crisis.reasons[-1].message("es")
    assert triage("El cruasán de hoy estaba duro", sentiment="negative",
                  routes=routes).department == "Obrador"  # its own topic, still routed
    playbook = default_playbook(wb)
    rules = {r["category"]: r for r in playbook["rules"]}
    assert rules["complaint"]["department"] == "" and rules["crisis_signal"]["department"] == ""
    assert all(e["to"] != "Obrador" for e in playbook["escalation"])
    assert set(unassigned_duties(wb)) == {"crisis", "complaint", "legal", "personal_data"}


def test_the_unassigned_finding_says_whom_to_add():
    from cmtraining.response.triage import unassigned_findings

    (finding,) = unassigned_findings(_cafe_with_bakery_only())
    text = finding.message("es")
    assert "las crisis, las quejas, los asuntos legales y los datos personales" in text
    assert "dirección o comunicación" in text and "atención al cliente" in text
    assert "legal counsel" in finding.message("en")


def test_crisis_levels_3_and_4_are_not_owned_by_the_bakery():
    from cmtraining.crisis.protocol import default_protocol

    protocol = default_protocol(_cafe_with_bakery_only(), "es")
    owners = {lv.level: lv.owner for lv in protocol.levels}
    assert owners[3] != "Obrador" and owners[4] != "Obrador"
    assert owners[3] == "Dirección"


def test_a_communications_informant_does_own_crises():
    from cmtraining.response.triage import routes_for
    from cmtraining.workbook.models import Workbook

    data = _cafe_with_bakery_only().model_dump()
    data["informants"].append({"department": "Comunicación", "topics": ["prensa"]})
    assert routes_for(Workbook.model_validate(data)).crisis == "Comunicación"


# --- 21.10: the calendar uses only the team's formats (engine) ---------------------------


def test_calendar_schedules_only_formats_the_team_can_produce():
    from datetime import date

    from cmtraining.planning.calendar import format_findings, generate_calendar
    from cmtraining.workbook.models import ContentPlan

    plan = ContentPlan(pillars=[{"id": "a", "name": "Producto", "share": 100}],
                       posts_per_week={"instagram": 3, "facebook": 3, "tiktok": 2})
    formats = ["text", "image", "link", "short_video"]
    entries = generate_calendar(plan, start=date(2027, 3, 1), weeks=4, country="ES", seed=3,
                                formats=formats)
    assert entries and {e.format for e in entries} <= set(formats)
    assert {e.network for e in entries} == {"instagram", "facebook", "tiktok"}
    only_static = ["text", "image", "link"]
    entries = generate_calendar(plan, start=date(2027, 3, 1), weeks=4, country="ES", seed=3,
                                formats=only_static)
    assert "tiktok" not in {e.network for e in entries}
    assert {e.format for e in entries} <= set(only_static)
    findings = {f.code: f for f in format_findings(plan, only_static)}
    assert findings["calendar.formats_none"].message("es").startswith(
        "TikTok es la red que más pierde por tus formatos: no puedes producir ninguno")
    assert "calendar.formats_lost" not in findings  # one network named as losing most
    no_tiktok = ContentPlan(pillars=plan.pillars, posts_per_week={"instagram": 3, "facebook": 3})
    (lost,) = format_findings(no_tiktok, only_static)
    assert lost.message("es").startswith("Instagram es la red que más pierde")  # 1 of 6 left


def test_calendar_with_no_producible_format_anywhere_says_why():
    from datetime import date

    import pytest

    from cmtraining.core.errors import CmtrainingError
    from cmtraining.planning.calendar import generate_calendar
    from cmtraining.workbook.models import ContentPlan

    plan = ContentPlan(pillars=[{"id": "a", "name": "Producto", "share": 100}],
                       posts_per_week={"tiktok": 2})
    with pytest.raises(CmtrainingError) as caught:
        generate_calendar(plan, start=date(2027, 3, 1), weeks=2, country="ES", seed=1,
                          formats=["text"])
    assert "Recursos del equipo" in caught.value.message("es")


def test_fit_never_shows_a_dash_for_an_empty_list():
    from cmtraining.planning.audiences import fit_table
    from cmtraining.samples import sample_workbook
    from cmtraining.workbook.models import Workbook

    data = sample_workbook("cafe").model_dump()
    data["audiences"] = [{"id": "vecinos", "name": "Vecinos", "age_range": "30-60",
                          "networks": ["tiktok"]}]
    wb = Workbook.model_validate(data)
    texts = [c.explain("es") for f in fit_table(wb) for c in f.components]
    assert texts and not any("—" in x for x in texts)
    assert any("No puedes producir ninguno de los 4 formatos de TikTok" in x for x in texts)


# --- stage 3: content ---------------------------------------------------------------------


def _content(org="cafe", lang="es"):
    from datetime import date

    from cmtraining.apps.content import build_app

    entry = create_workbook("Ana García", org)
    return entry, build_app(open_session("03-content-plan", workbook=entry.id, lang=lang),
                            today=date(2027, 2, 22))


def test_generate_without_pillars_says_why_beside_the_button(workspace):
    entry, app = _content()
    app.generate.click()
    assert "no tiene pilares" in app.generate_status.value
    assert "no tiene pilares" not in app.status.value  # not at the top of the page
    assert load(entry.path).content_plan.calendar == []


def test_seed_is_called_a_variant_of_the_example(workspace):
    _, app = _content()
    assert app.seed.description == "Variante del calendario"
    _, app_en = _content(lang="en")
    assert app_en.seed.description == "Calendar variant"


def test_calendar_follows_the_team_formats_and_english_downloads_are_english(workspace):
    entry, app = _content(lang="en")
    app.pillars.add_button.click()
    app.pillars.fields[0]["share"].value = 100
    for box in app.capacity.values():
        box.value = 0
    app.capacity["instagram"].value = 3
    app.generate.click()
    calendar = load(entry.path).content_plan.calendar
    team = set(load(entry.path).resources.formats)
    assert calendar and {e.format for e in calendar} <= team
    assert "Instagram is where your formats fall shortest" in app.format_checks.value
    assert "download='calendar-" in app.downloads.value
    assert "calendario-" not in app.downloads.value


# --- stage 4: response --------------------------------------------------------------------


def _response(lang="es"):
    from cmtraining.apps.response import build_app

    entry = create_workbook("Luis", "cafe", lang=lang)
    return entry, build_app(open_session("04-response", workbook=entry.id, lang=lang))


def test_the_template_greets_the_author_by_name(workspace):
    entry, app = _response()
    app.category_filter.value = "complaint"
    row = app.inbox.loc[app.picker.value]
    app.template.click()
    assert "{name}" not in app.reply.value and app.reply.value
    assert (row["author_name"] or row["author"]).split(" ")[0] in app.reply.value
    app.check.click()
    assert "{name}" not in app.review.value


def test_the_label_count_beside_the_model_follows_each_label(workspace):
    entry, app = _response()
    assert "0 mensajes etiquetados" in app.adapt_note.value
    app.label_buttons.value = "negative"
    assert "Guardado: 1 mensaje etiquetado." in app.status.value
    assert "1 mensaje etiquetado (hacen falta 30" in app.adapt_note.value
    assert "(s)" not in app.status.value + app.adapt_note.value


def test_triage_agreement_is_explained(workspace):
    _, app = _response()
    text = app.accuracy.value
    assert "Cómo de fiable es la clasificación automática" in text
    assert "mismo departamento que las etiquetas de la muestra" in text


def test_inbox_names_whom_to_add_when_informants_leave_gaps(workspace):
    from cmtraining.apps.response import build_app
    from cmtraining.workbook.store import update

    entry = create_workbook("Luis", "cafe", lang="es")
    update(entry.path, lambda wb: {**wb.model_dump(), "informants": [
        {"department": "Obrador", "topics": ["cruasán"]}]})
    app = build_app(open_session("04-response", workbook=entry.id, lang="es"))
    assert "las crisis" in app.routes_note.value and "atención al cliente" in app.routes_note.value
    assert "departamento" not in app.accuracy.value  # the sample's departments are not these
    crisis = [i for i, d in enumerate(app.decisions) if d.category == "crisis_signal"]
    assert crisis and all(app.decisions[i].department == "" for i in crisis)


# --- self-assessment: 19.3 the second radar, 19.10 closed accordions ------------------------


def test_self_assessment_says_to_open_the_groups_and_opens_the_first(workspace):
    from cmtraining.apps.self_assessment import build_app

    entry = create_workbook("Ana", "cafe")
    app = build_app(open_session("07-self-assessment", workbook=entry.id, lang="es"),
                    defer_chart=False)
    assert all(acc.selected_index == 0 for acc in app.accordions.values())
    hints = [w.value for w in app.children if "cm-open-groups" in getattr(w, "value", "")]
    assert len(hints) == 2 and "abre cada uno" in hints[0]


def test_both_radars_draw_and_none_shows_as_a_broken_image(workspace, monkeypatch):
    from cmtraining.apps import self_assessment
    from cmtraining.evaluation.charts import radar_png

    calls = {"n": 0}

    def flaky(means, title, lang, colour):  # the area radar fails once, as in a busy kernel
        calls["n"] += 1
        if "puesto" in title and calls["n"] == 2:
            raise RuntimeError("font cache busy")
        return radar_png(means, title, lang, colour)

    monkeypatch.setattr(self_assessment, "radar_png", flaky)
    entry = create_workbook("Ana", "cafe")
    app = self_assessment.build_app(open_session("07-self-assessment", workbook=entry.id,
                                                 lang="es"), defer_chart=True)
    images = list(app.radars.values())
    for image in images:  # before the background draw: hidden, holding a picture all the same
        assert has_chart(image) or (image.layout.display == "none" and bytes(image.value) == NO_CHART)
    assert wait_for_drawings()
    assert all(has_chart(i) and bytes(i.value).startswith(b"\x89PNG") for i in images)
    assert all(i.layout.display is None for i in images)
    assert "cm-error" not in app.chart_note.value  # drawn at the second try: nothing failed


#: what the browser sends the kernel for a page's first state
REQUEST_STATES = {"content": {"data": {"method": "request_states"}}}


@contextmanager
def browser_control_comm():
    """The browser's control comm: the list of (data, buffers) the kernel answers on it."""
    from ipywidgets.widgets.widget import Widget

    sent = []

    class Control:
        def send(self, data, buffers=None):
            sent.append((data, [bytes(b) for b in buffers or []]))

    saved = Widget._control_comm
    Widget._control_comm = Control()
    try:
        yield sent
    finally:
        Widget._control_comm = saved


def test_the_first_state_the_browser_reads_holds_the_charts_drawn_later(workspace):
    """Issue 19.7: a value set while the browser builds its models from `request_states` is
    dropped; the radar kept its empty picture and showed as a broken image. The answer waits
    for the drawings started by `draw_later`, so it holds their pictures."""
    import threading

    from ipywidgets.widgets.widget import Widget

    image = chart_image()
    started, release = threading.Event(), threading.Event()

    def draw():
        started.set()
        release.wait()
        image.value = b"\x89PNG drawn late"

    draw_later(draw)
    started.wait()
    with browser_control_comm() as sent:
        answer = threading.Thread(target=Widget._handle_control_comm_msg,
                                  args=(REQUEST_STATES,))
        answer.start()
        answer.join(0.5)  # not an assertion: without the wait the answer has gone by now
        release.set()
        answer.join()
    [(data, buffers)] = sent
    assert data["method"] == "update_states" and b"\x89PNG drawn late" in buffers
    shown = data["states"][image.layout.model_id]["state"]
    assert shown["display"] is None


# --- 19.7: holding statements are text areas ---------------------------------------------


def test_holding_statements_are_text_areas_that_save(workspace):
    import ipywidgets as widgets

    from cmtraining.apps.crisis import build_app

    entry = create_workbook("Ana", "cafe")
    app = build_app(open_session("05-crisis", workbook=entry.id, lang="es"))
    app.protocol.default_button.click()
    editor = app.protocol.level_rows
    fields = editor.fields[0]
    areas = [fields["statement_es"], fields["statement_en"]]
    assert all(isinstance(a, widgets.Textarea) for a in areas)
    assert "Comunicado de espera en español" in editor.labels["statement_es"].value
    assert not any(isinstance(w, widgets.Textarea) for name, w in fields.items()
                   if not name.startswith("statement_"))
    areas[0].value = "Estamos revisando lo ocurrido. Informaremos a las 12:00."
    saved = load(entry.path).crisis_protocol.levels[0].holding_statement["es"]
    assert saved == "Estamos revisando lo ocurrido. Informaremos a las 12:00."


# --- 19.5: the debrief of an exercise without a statement ---------------------------------


def _crisis_play(actions_per_turn):
    from cmtraining.crisis.exercise import Exercise

    ex = Exercise("cafe-allergen-recall", lang="es", seed=3, graph_size=600,
                  org_name="Horno y Café La Mascletà")
    for actions in actions_per_turn:
        ex.act(actions)
    return ex


def test_a_debrief_without_statements_does_not_speak_of_the_first_statement():
    from cmtraining.crisis.after_action import sections

    ex = _crisis_play([[], []])
    data = sections(ex, ex.finish(runs=20), "es")
    text = data["counterfactuals"][0]["text"]
    assert "primer comunicado" not in text
    assert text.startswith("No publicasteis ningún comunicado. Con un comunicado de espera en el minuto")
    assert "You issued no statement" in sections(ex, ex.finish(runs=20), "en")[
        "counterfactuals"][0]["text"]


def test_a_late_statement_still_reads_as_the_first_statement():
    from cmtraining.crisis.after_action import sections

    late = {"kind": "statement", "strategy": "apology", "channel": "instagram",
            "text": "Lo sentimos. Si compraste cruasanes el sábado, no los comas si hay alergia."}
    ex = _crisis_play([[], [], [], [late]])
    data = sections(ex, ex.finish(runs=20), "es")
    assert any("primer comunicado" in cf["text"] for cf in data["counterfactuals"])


# --- 21.13: proper singular and plural ----------------------------------------------------


def test_one_chosen_network_is_singular():
    from cmtraining.planning.audiences import check_network_roles
    from cmtraining.samples import sample_workbook
    from cmtraining.workbook.models import Workbook

    data = sample_workbook("cafe").model_dump()
    data["resources"]["hours_per_week"] = 0.5
    data["networks"] = [{"network": "instagram", "role": "community"}]
    findings = {f.code: f for f in check_network_roles(Workbook.model_validate(data))}
    text = findings["networks.hours"].message("es")
    assert text.startswith("La red elegida pide") and "Las 1 redes" not in text
    assert findings["networks.hours"].message("en").startswith("The chosen network needs")


def test_calendar_findings_count_in_words():
    from datetime import date

    from cmtraining.planning.calendar import check_calendar, generate_calendar
    from cmtraining.workbook.models import ContentPlan

    plan = ContentPlan(pillars=[{"id": "a", "name": "Producto", "share": 100}],
                       posts_per_week={"instagram": 1})
    entries = generate_calendar(plan, start=date(2027, 3, 1), weeks=1, country="ES", seed=1)
    texts = [f.message(lang) for lang in ("es", "en")
             for f in check_calendar(entries, plan, country="ES", lang=lang)]
    joined = " ".join(texts)
    assert "(s)" not in joined and "(es)" not in joined
    assert "1 publicación" in joined and "1 red" in joined and "1 semana" in joined
    assert "Only 1 post:" in joined


# --- 21.13: the country list -------------------------------------------------------------


def test_country_list_holds_real_countries_sorted_as_read():
    from cmtraining.apps.profile import country_options

    es = [name for name, _ in country_options("es", "ES")]
    for fake in ("Pseudoacentos", "Pseudobidi", "Naciones Unidas", "zona del euro",
                 "Unión Europea", "Oceanía lejana"):
        assert fake not in es
    assert es.index("Bélgica") < es.index("Belice")  # é sorts with e, not after z
    assert es.index("Antártida") < es.index("Antigua y Barbuda")
    assert "España" in es and "México" in es
    en = [name for name, _ in country_options("en", "ES")]
    assert en.index("Afghanistan") < en.index("Åland Islands") < en.index("Albania")
    assert "Pseudo-Accents" not in en
    assert "Eurozone" not in en and "United Nations" not in en


def test_one_consistent_statement_is_not_1_statements():
    from cmtraining.crisis.scoring import consistency

    _, finding = consistency([("apology", "instagram")])
    assert "1 statements" not in finding.message("en") and "1 comunicados" not in finding.message("es")
    assert "statements checked: 1" in finding.message("en")


def test_persona_cards_are_titled_by_name(workspace):
    _, app = _audiences()
    app.add_template.click()
    title = app.persona_cards[0].title.value
    assert "local_regular" not in title and "Cliente habitual del barrio" in title


def test_an_unassigned_crisis_says_so_in_the_message_card(workspace):
    from cmtraining.apps.response import build_app
    from cmtraining.workbook.store import update

    entry = create_workbook("Luis", "cafe", lang="es")
    update(entry.path, lambda wb: {**wb.model_dump(), "informants": [
        {"department": "Obrador", "topics": ["cruasán"]}]})
    app = build_app(open_session("04-response", workbook=entry.id, lang="es"))
    app.category_filter.value = "crisis_signal"
    assert "· sin asignar" in app.triage_box.value and "a —" not in app.triage_box.value


def test_the_cafe_sees_that_tiktok_loses_most_without_short_video(workspace):
    _, app = _content()
    assert "TikTok es la red que más pierde por tus formatos" in app.format_checks.value


def test_a_chart_too_slow_for_the_first_state_is_sent_again_once_the_browser_is_wired(
        workspace, monkeypatch):
    """The browser waits 4 s for its first state, then asks each model in turn (slow, and
    racy under a class's load): the state goes without a slow chart, and the chart's
    widgets are sent whole again after it is drawn, when the browser no longer drops them."""
    import threading

    from ipywidgets.widgets.widget import Widget

    from cmtraining.apps import drawing

    monkeypatch.setattr(drawing, "FIRST_STATE_WAIT_SECONDS", 0.05)
    monkeypatch.setattr(drawing, "RESEND_AFTER_SECONDS", (0.05,))
    image = chart_image()
    resent, release = [], threading.Event()
    for widget in (image, image.layout):
        widget._send = lambda msg, buffers=None, w=widget: resent.append((w, msg, buffers))

    def draw():
        release.wait()
        image.value = b"\x89PNG drawn late"
        image.layout.display = None

    draw_later(draw)
    with browser_control_comm() as sent:
        Widget._handle_control_comm_msg(REQUEST_STATES)
    [(data, buffers)] = sent  # answered without waiting for the drawing
    mine = [b for path, b in zip(data["buffer_paths"], buffers, strict=True)
            if path[0] == image.model_id]
    assert mine and b"\x89PNG drawn late" not in mine
    release.set()
    assert wait_for_drawings()
    assert wait_for(lambda: {w for w, msg, _ in resent if "_model_name" in msg["state"]}
                    == {image, image.layout}, timeout=30)
    last = [b for w, msg, b in resent if w is image and "_model_name" in msg["state"]][-1]
    assert bytes(last[0]) == b"\x89PNG drawn late"
