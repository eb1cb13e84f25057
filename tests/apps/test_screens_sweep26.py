"""The screenshot sweep's defects on the objectives, evaluation, listening, audiences and
self-assessment pages, driven in-process."""

from __future__ import annotations

from datetime import date

import pytest

from cmtraining.runtime.session import open_session
from cmtraining.runtime.workspace import create_workbook

TODAY = date(2026, 12, 4)


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


# --- evaluation ----------------------------------------------------------------------------


@pytest.mark.parametrize("lang, first", [("es", "ago 2026"), ("en", "Aug 2026")])
def test_the_months_slider_writes_whole_years(workspace, lang, first):
    """"Aug 26" read as the 26th of August: a month carries its whole year."""
    from cmtraining.apps.evaluation import build_app

    entry = create_workbook("Meses", "cafe", lang=lang)
    app = build_app(open_session("06-evaluation", workbook=entry.id, lang=lang), today=TODAY,
                    defer_chart=False)
    labels = [label for label, _ in app.months.options]
    assert all(label[-4:].isdigit() and label[-5] == " " for label in labels), labels
    assert any(label == first for label in labels) or labels[0].endswith(" 2025"), labels


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_summary_says_how_each_of_its_rates_is_worked_out(workspace, lang):
    """«Amplificación», «Conversación», «Crecimiento» were columns with no rule under them."""
    import html
    import re

    from cmtraining.apps.evaluation import build_app
    from cmtraining.i18n import t

    entry = create_workbook("Tasas", "cafe", lang=lang)
    app = build_app(open_session("06-evaluation", workbook=entry.id, lang=lang), today=TODAY,
                    defer_chart=False)
    legend = html.unescape(re.sub("<[^>]+>", "", app.summary.value.split("cm-kpi-formulas")[1]))
    for column in ("amplification_rate", "conversation_rate", "audience_growth_rate",
                   "click_through_rate", "engagement_rate_reach"):
        assert f"{t(f'app.evaluation.col.{column}', lang)}: {t(f'planning.kpi_formula.{column}', lang)}" \
            in legend


# --- objectives ----------------------------------------------------------------------------


def _cards(lang: str, name: str):
    from cmtraining.apps.objectives import ObjectiveCard, build_app
    from cmtraining.planning.prefill import prefill_objectives
    from cmtraining.workbook import update

    entry = create_workbook(name, "cafe", lang=lang)
    update(entry.path, lambda wb: prefill_objectives(wb, today=TODAY))
    app = build_app(open_session("01-objectives", workbook=entry.id, lang=lang), today=TODAY)
    return app, [w for w in _walk(app) if isinstance(w, ObjectiveCard)]


@pytest.mark.parametrize("lang", ["es", "en"])
def test_objective_cards_fit_the_column_and_the_network_is_whole(workspace, lang):
    """The cards ran to 1115 px on a 1000 px page; "(ninguna en concre" was cut."""
    import ipywidgets as widgets

    app, cards = _cards(lang, "Columna")
    assert cards and app.layout.max_width == "1000px"
    for card in cards:
        assert card.layout.max_width == "100%" and card.layout.width == "auto"
        for line in (c for c in card.children if isinstance(c, widgets.HBox)):
            assert line.layout.flex_flow == "row wrap"
        longest = max(len(label) for label, _ in card.network.options)
        # description 110 px, then ~8 px a character and the arrow
        assert int(card.network.layout.width.removesuffix("px")) >= 110 + 8 * longest + 20


def test_a_net_sentiment_baseline_reads_as_the_page_writes_rates(workspace):
    """"-6.67" in the field where the page says "-6,7 %"; and a suggestion for it."""
    from cmtraining.core.numbers import rate

    app, cards = _cards("es", "Sentimiento")
    card = cards[0]
    card.metric.value = "net_sentiment"
    card.baseline.value = -0.0667  # the listening audit's figure, set by code
    assert card.baseline.text.value == "-6,7"
    assert card.baseline.text.value + "\u00a0%" == rate(card.baseline.value, "es")
    assert card.baseline.echo.value == ""  # nothing typed, nothing "understood"
    assert card.baseline.value == -0.0667  # the store keeps the figure unrounded
    assert "entre -" in card.suggestion.value  # a negative sentiment is a start too


@pytest.mark.parametrize("lang", ["es", "en"])
def test_no_suggestion_says_only_what_to_do(workspace, lang):
    from cmtraining.i18n import t

    app, cards = _cards(lang, "Sugerencia")
    card = cards[0]
    card.baseline.value = 0.0
    from html import escape

    assert escape(t("app.objectives.no_suggestion.baseline", lang)) in card.suggestion.value
    assert escape(t("app.objectives.no_suggestion.deadline", lang)) not in card.suggestion.value


def test_spanish_objectives_name_leads_in_spanish():
    from cmtraining.i18n import catalogue

    text = str(catalogue("es"))
    assert "Leads" not in text and " leads " not in text


def test_the_evaluation_sums_up_the_self_assessment_and_links_to_it(workspace):
    """The 48 statements, radars and plan were on stage 6 and stage 7: stage 6 sums them up."""
    import ipywidgets as widgets

    from cmtraining.apps.evaluation import build_app
    from cmtraining.evaluation import competency
    from cmtraining.i18n import t
    from cmtraining.workbook import update

    entry = create_workbook("Resumen", "cafe", lang="es")
    quest = competency.questionnaire()
    first_area = next(g for g in quest.groups if g.kind == "area")
    update(entry.path, lambda wb: competency.record(wb, {i.id: 4 for i in first_area.items},
                                                    lang="es"))
    app = build_app(open_session("06-evaluation", workbook=entry.id, lang="es"), today=TODAY,
                    defer_chart=False)
    assert not [w for w in _walk(app) if isinstance(w, widgets.ToggleButtons)]
    summary = app.self_summary.value
    assert "07-self-assessment.ipynb" in summary and "workbook=" in summary
    assert f"{len(first_area.items)} de {len(quest.items)}" in summary
    assert t(f"evaluation.competency.name.{first_area.id}", "es") in summary
    from cmtraining.core.numbers import decimal
    from cmtraining.workbook import load

    answers = load(entry.path).competency.answers
    mean = competency.score(answers, quest).areas[first_area.id]
    assert f"<td class='cm-num'>{decimal(mean, 'es')} / 5</td>" in summary
    # 7: the recommendation is not made, said so
    assert "no se hace ninguna recomendación" in app.rec_period.value
    assert "no se recomienda" not in app.rec_period.value


# --- listening -----------------------------------------------------------------------------


@pytest.mark.parametrize("lang, words", [("es", "variante del ejemplo 3"), ("en", "sample variant 3")])
def test_the_sample_inbox_says_what_its_number_does(lang, words):
    from cmtraining.i18n import t
    from cmtraining.report.sections import reader_source

    source = t("listening.inbox.sample_variant", lang, name="Café", seed=3, days=28)
    assert words in source and "semilla" not in source and "seed" not in source
    default = t("listening.inbox.sample", lang, name="Café", seed=1, days=28)
    assert "3" not in default and "1" not in default  # no control for it on the page: not named
    # the report still knows every spelling of a sample inbox as a sample
    for saved in (source, default, "bandeja de ejemplo de Café · semilla 1 · 28 días",
                  "sample inbox of Café · seed 1 · 28 days"):
        assert reader_source(saved, lang) == t("report.board.listening.sample_source", lang)


# --- audiences -----------------------------------------------------------------------------


def test_no_english_message_puts_s_after_a_name():
    """"WhatsApp Channels's formats", "Threads's": a name is never followed by "'s"."""
    from cmtraining.i18n import catalogue

    assert not [k for k, v in catalogue("en").items() if "}'s" in v]


def test_the_hours_said_for_the_networks_agree_with_the_effort_column():
    """"piden unas 7,5 h/semana" was the hours assigned, while Effort said ~1,3 h and ~2 h."""
    from cmtraining.planning.audiences import check_network_roles, weekly_hours
    from cmtraining.samples import sample_workbook
    from cmtraining.workbook.models import Workbook

    data = sample_workbook("cafe").model_dump()
    data["resources"]["hours_per_week"] = 10
    data["networks"] = [{"network": "facebook", "role": "community", "hours_per_week": 4.5},
                        {"network": "instagram", "role": "community", "hours_per_week": 3}]
    wb = Workbook.model_validate(data)
    found = {f.code: f for f in check_network_roles(wb)}["networks.hours"]
    # the rows as the Effort column shows them (1,3 + 2): "3,2" beside them did not add up
    need = sum(round(weekly_hours(n, wb.resources.formats), 1) for n in ("facebook", "instagram"))
    from cmtraining.core.numbers import decimal

    es, en = found.message("es"), found.message("en")
    assert "piden unas 7,5" not in es and "reparte 7,5 h/semana" in es
    assert f"necesitan unas {decimal(round(need, 1), 'es', trim=True)} h" in es
    assert "shares 7.5 h/week" in en


def test_the_roles_table_ticks_its_audiences(workspace):
    """A 2-row list box needing Ctrl-click: now a tick per audience, saved as before."""
    from cmtraining.apps.audiences import build_app
    from cmtraining.apps.check_list import CheckList
    from cmtraining.workbook import load

    entry = create_workbook("Ticks", "cafe", lang="es")
    app = build_app(open_session("02-audiences-networks", workbook=entry.id, lang="es"))
    app.add_template.click()
    app.add_template.click()
    personas = load(entry.path).audiences
    app.roles.add_button.click()
    chooser = app.roles.fields[0]["personas"]
    assert isinstance(chooser, CheckList) and len(chooser.boxes) == len(personas) == 2
    chooser.box(personas[1].id).value = True
    chooser.box(personas[0].id).value = True
    # in the options' order, as the list box saved them
    assert load(entry.path).networks[0].personas == [personas[0].id, personas[1].id]
    chooser.box(personas[1].id).value = False
    assert load(entry.path).networks[0].personas == [personas[0].id]


@pytest.mark.parametrize("org", ["cafe", "ngo"])
def test_sample_spam_and_questions_are_labelled_neutral(org):
    """"Gana 500 €…" was labelled negative or positive, "¿Tenéis leche de avena? 🙂🙂" positive."""
    from cmtraining.listening.audit import audit_mentions
    from cmtraining.listening.mentions import generate_mentions

    own = audit_mentions(generate_mentions(org, seed=1)).mentions
    spam = own[own["category"] == "spam"]
    assert len(spam) and (spam["predicted"] == "neutral").all(), spam[["text", "predicted"]]
    questions = own[own["category"] == "question"]
    assert (questions["predicted"] == "neutral").mean() >= 0.95


# --- stage 5: the crisis protocol ----------------------------------------------------------


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_crisis_page_says_which_contacts_have_no_person(workspace, lang):
    """The contacts table's «Persona» column was empty for all four contacts and nothing said
    so, though the intro promises every gap with its reason: the protocol's findings name
    the contacts without a person, and the warning goes once each has one."""
    import html

    from cmtraining.apps.crisis import build_app
    from cmtraining.crisis.protocol_rows import contact_rows
    from cmtraining.i18n import t
    from cmtraining.workbook import load

    entry = create_workbook("Contactos", "cafe", lang=lang)
    app = build_app(open_session("05-crisis", workbook=entry.id, lang=lang))
    app.protocol.default_button.click()
    app.refresh()
    contacts = load(entry.path).crisis_protocol.contacts
    assert contacts and not any(c.name for c in contacts)
    # told above the contacts table, where it is mended, not at the top of the protocol
    shown = html.unescape(app.protocol.contact_checks.value)
    assert "crisis.protocol.people" not in app.protocol.checks.value
    assert app.protocol.contact_checks in app.protocol.contacts.children
    roles = ", ".join(c.role for c in contacts)
    assert t("crisis.protocol.msg.people_missing", lang, count=len(contacts), who=roles) in shown
    assert "data-code='crisis.protocol.people'" in shown and "cm-warning" in shown
    # the reason, as the intro promises
    assert ("no hay tiempo de averiguar a quién llamar" if lang == "es"
            else "no time to find out whom to call") in shown
    rows = [{**row, "name": f"Persona {i}"}
            for i, row in enumerate(contact_rows(load(entry.path).crisis_protocol))]
    assert app.protocol._save_contacts(rows)
    app.refresh()
    assert "crisis.protocol.people" not in app.protocol.contact_checks.value
