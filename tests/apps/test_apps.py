"""The stage apps driven in-process, the way a widget front-end drives them."""

from __future__ import annotations

from cmtraining.apps.landing import BLANK
from cmtraining.apps.landing import build_app as landing
from cmtraining.apps.profile import build_app as profile
from cmtraining.runtime.session import open_session
from cmtraining.runtime.workspace import create_workbook
from cmtraining.workbook import load


def test_each_profile_edit_is_saved(workspace):
    entry = create_workbook("Ana", "ngo")
    app = profile(open_session("00-profile", workbook=entry.id, lang="en"))
    app.name.value = "Fundación Raíces"
    app.kind.value = "education"
    app.country.value = "AR"
    app.mission.value = "Refuerzo escolar gratuito."
    wb = load(entry.path)
    assert (wb.profile.name, wb.profile.kind, wb.profile.country, wb.profile.mission) == (
        "Fundación Raíces", "education", "AR", "Refuerzo escolar gratuito.")
    assert "Saved at" in app.status.value


def test_invalid_edit_is_explained_and_not_saved(workspace):
    entry = create_workbook("Ana", "ngo")
    before = entry.path.read_bytes()
    app = profile(open_session("00-profile", workbook=entry.id, lang="es"))
    app.name.value = "X"
    assert "Perfil, Nombre: demasiado corto" in app.status.value and "app.profile.name" not in app.status.value
    assert entry.path.read_bytes() == before


def test_goals_can_be_added_and_removed(workspace):
    entry = create_workbook("Ana", "cafe")
    app = profile(open_session("00-profile", workbook=entry.id, lang="es"))
    app.new_goal.value = "Abrir un segundo local"
    app.add_goal.click()
    goals = load(entry.path).profile.goals
    assert goals[-1].text == "Abrir un segundo local" and goals[-1].id == "abrir-un-segundo-local"
    assert len(app.goals_box.children) == 4
    first = goals[0].id
    app.goal_fields[0]["remove"].click()
    assert first not in {g.id for g in load(entry.path).profile.goals}


def test_preview_is_read_only():
    app = profile(open_session("00-profile", org="library", lang="es"))
    assert app.name.disabled and app.add_goal.disabled
    assert app.name.value == "Biblioteca Pública Municipal Sor Juana"


def test_baseline_chart_and_table_follow_the_metric():
    app = profile(open_session("00-profile", org="saas", lang="en"))
    first = bytes(app.chart.value)
    assert first.startswith(b"\x89PNG")
    app.metric.value = "engagement_rate_reach"
    assert bytes(app.chart.value) != first
    assert "LinkedIn" in app.table.value and "%" in app.table.value


def test_landing_creates_and_links_a_workbook(workspace):
    app = landing(lang="es")
    assert "00-profile.ipynb?org=ngo&amp;lang=es" in app.stages.value
    app.trainee.value = "Marta Núñez"
    app.sample.value = "cafe"
    app.create.click()
    assert (workspace / "marta-nunez.yaml").exists()
    assert load(workspace / "marta-nunez.yaml").org_id == "cafe"
    assert "00-profile.ipynb?workbook=marta-nunez&amp;lang=es" in app.stages.value
    assert app.existing.value == "marta-nunez"
    assert "prefill" not in app.stages.value  # a workbook opens as it is


def test_landing_previews_open_as_worked_examples():
    """Without a workbook the stages are previews: filled in (nothing saved) where they can be."""
    from cmtraining.apps.evaluation import build_app as evaluation
    from cmtraining.planning.smart import objective_title
    from cmtraining.runtime.session import open_session

    links = landing(lang="es").stages.value
    assert "00-profile.ipynb?org=ngo&amp;lang=es\"" in links  # nothing to fill in
    for stem in ("01-objectives", "04-response", "06-evaluation"):
        assert f"{stem}.ipynb?org=ngo&amp;lang=es&amp;prefill=true" in links
    assert "03-content-plan.ipynb?org=ngo&amp;lang=es&amp;prefill=true&amp;weeks=4" in links
    session = open_session("06-evaluation", org="ngo", lang="es", prefill=True)
    assert session.preview and session.workbook.objectives and session.workbook.listening.summary
    app = evaluation(session)
    assert "etapa 1" not in app.attainment.value  # the objectives are there to evaluate
    # its columns say what they hold (sweep 5: a table without a header row)
    assert "<th>Objetivo</th><th>Estado</th><th>Por qué</th>" in app.attainment.value
    for o in session.workbook.objectives:  # named by their title, never by their id
        assert f"<td>{objective_title(o, 'es')}</td>" in app.attainment.value
        assert f"«{o.id}»" not in app.attainment.value
    assert not any("no hay objetivos" in row for row in [app.recommendations.value])


def test_landing_blank_workbook_and_bad_name(workspace):
    app = landing(lang="en")
    app.trainee.value = " "
    app.create.click()
    assert "Type your name" in app.status.value
    assert list(workspace.glob("*.yaml")) == []
    app.trainee.value = "Joe"
    app.sample.value = BLANK
    app.create.click()
    assert load(workspace / "joe.yaml").profile.name == "My organization"


def test_landing_picks_an_existing_workbook(workspace):
    create_workbook("Ana", "ngo")
    create_workbook("Luis", "library")
    app = landing(lang="es")
    app.existing.value = "luis"
    app.open_button.click()
    assert "workbook=luis" in app.stages.value


def test_objectives_app_checks_and_saves(workspace):
    from datetime import date

    from cmtraining.apps.objectives import build_app as objectives

    entry = create_workbook("Ana", "ngo")
    app = objectives(open_session("01-objectives", workbook=entry.id, lang="en"),
                     today=date(2026, 11, 23))
    app.add_button.click()
    [card] = app.cards.children
    saved = load(entry.path).objectives[0]
    assert saved.metric == "followers" and saved.network == "facebook"  # largest audience
    # the card is named as the report names it, and follows the metric and network
    assert ">Followers on Facebook</h3>" in card.title.value and saved.id not in card.title.value.split(">")[1]
    card.network.value = "instagram"
    assert ">Followers on Instagram</h3>" in card.title.value
    card.network.value = "facebook"
    assert "✔" in card.findings.value and "Suggested target" in card.suggestion.value
    card.target.value = 100000
    assert load(entry.path).objectives[0].target == 100000
    assert "beyond the plausible ceiling" in card.findings.value
    card.accept.click()
    assert load(entry.path).objectives[0].target < 100000
    card.goal.value = None
    assert "Choose the one it serves" in card.findings.value
    app.informants.add_button.click()
    app.informants.fields[0]["department"].value = "Voluntariado"
    assert load(entry.path).informants[0].department == "Voluntariado"
    app.objective_cards[0].remove_button.click()
    assert load(entry.path).objectives == []


def test_audiences_app_templates_fit_roles_and_checks(workspace):
    from cmtraining.apps.audiences import build_app as audiences

    entry = create_workbook("Ana", "cafe")
    app = audiences(open_session("02-audiences-networks", workbook=entry.id, lang="en"))
    assert "Add at least one audience" in app.fit.value
    app.add_template.click()
    wb = load(entry.path)
    assert [p.id for p in wb.audiences] == ["local_regular"]
    assert "Neighborhood regular" in app.fit.value and 'data-network="facebook"' not in app.fit.value
    card = app.persona_cards[0]
    card.networks.box("tiktok").value = True
    assert "tiktok" in load(entry.path).audiences[0].networks
    app.hours.value = 0.5
    assert load(entry.path).resources.hours_per_week == 0.5
    app.roles.add_button.click()  # instagram, community
    assert load(entry.path).networks[0].network == "instagram"
    assert "h/week" in app.checks.value and "cm-error" in app.checks.value  # 0.5 h is not enough
    app.prescribers.add_button.click()
    assert load(entry.path).prescribers[0].kind == "prescriber"
    assert "tag you in stories" in app.tips.value


def test_content_app_pillars_style_calendar_and_exports(workspace):
    import base64
    from datetime import date

    from cmtraining.apps.content import build_app as content
    from cmtraining.planning.export import ics_to_entries

    entry = create_workbook("Ana", "library")
    app = content(open_session("03-content-plan", workbook=entry.id, lang="es"),
                  today=date(2026, 11, 23))
    assert "Todavía no hay pilares" in app.mix.value
    app.pillars.add_button.click()
    app.pillars.add_button.click()
    first, second = app.pillars.fields
    first["name"].value = "Agenda cultural"
    first["share"].value = 70
    assert "suman 70" in app.mix.value  # a mix in progress is saved and explained
    second["name"].value = "Club de lectura"
    second["share"].value = 30
    plan = load(entry.path).content_plan
    assert [(p.id, p.share) for p in plan.pillars] == [("agenda-cultural", 70), ("club-de-lectura", 30)]
    assert "2 pilares que suman 100" in app.mix.value
    app.emoji.value = "none"
    app.words_avoid.value = "gratis, barato"
    assert load(entry.path).content_plan.style.words_avoid == ["gratis", "barato"]
    app.weeks.value = 6
    app.generate.click()
    calendar = load(entry.path).content_plan.calendar
    assert calendar and calendar[0].day >= date(2026, 11, 30)
    assert all(e.day != date(2026, 12, 25) for e in calendar)  # a public holiday in Mexico
    assert any("Navidad" in e.note for e in calendar)
    assert "Semana del 30 nov 2026" in app.week_headings[0].value
    from cmtraining.core.numbers import weekday_day

    def texts(widget):  # every HTML text under the calendar
        return [getattr(widget, "value", "")] + [x for c in getattr(widget, "children", ())
                                                 for x in texts(c)]
    shown = " ".join(str(x) for x in texts(app.calendar))
    assert weekday_day(calendar[0].day, "es") in shown  # "lun, 30 nov", not "30/11"
    assert f"{calendar[0].day:%d/%m}" not in shown
    ics = app.downloads.value.split("base64,")[1].split("'")[0]
    assert len(ics_to_entries(base64.b64decode(ics))) == len(calendar)
    idea = app.entry_fields[0]["idea"]
    idea.value = "Presentación del club de novela negra"
    assert load(entry.path).content_plan.calendar[0].idea == "Presentación del club de novela negra"


def test_content_app_reviews_a_draft_with_the_style_guide(workspace):
    from cmtraining.apps.content import build_app as content

    entry = create_workbook("Ana", "cafe")
    app = content(open_session("03-content-plan", workbook=entry.id, lang="en"))
    app.emoji.value = "none"
    app.draft_network.value = "x"
    app.draft.value = "Nuevo roscón de Reyes 🎉 " + "muy rico " * 40
    app.check_button.click()
    findings = app.post_findings.value
    assert "post.length" in findings and "280" in findings
    assert "post.emoji" in findings and "cm-warning" in findings
    app.draft.value = ""
    app.check_button.click()
    assert "post.empty" in app.post_findings.value
