"""The served apps in a real browser: Voila + Playwright on Debian's chromium."""

from __future__ import annotations

import pytest
import yaml

from tests.conftest import (
    FIXTURES,
    WAIT_MS,
    needs_chromium,
    run_cli,
    wait_for,
    whole_page,
)
from tests.served import FACILITATOR

pytestmark = [pytest.mark.browser, needs_chromium]


def test_trainee_edits_the_organization_name_and_it_is_saved(server, page):
    run_cli("new", "--org", "ngo", "--trainee", "Ana García", env=server["env"])
    path = server["workspace"] / "ana-garcia.yaml"
    page.goto(f"{server['base']}/voila/render/00-profile.ipynb?workbook=ana-garcia")
    name = page.locator(".cm-field-name input")
    name.wait_for(timeout=WAIT_MS)
    assert page.get_by_text("Perfil de la organización").first.is_visible()
    name.fill("Fundación Raíces Comunes de Aragón")
    name.press("Enter")
    saved = wait_for(lambda: yaml.safe_load(path.read_text(encoding="utf-8"))["profile"]["name"]
                     == "Fundación Raíces Comunes de Aragón")
    assert saved, "the YAML on disk did not change"
    page.get_by_text("Guardado a las").wait_for(timeout=WAIT_MS)
    whole_page(page, "profile-es")


def test_bad_name_shows_the_reason_and_keeps_the_file(server, page):
    run_cli("new", "--org", "cafe", "--trainee", "Luis", env=server["env"])
    path = server["workspace"] / "luis.yaml"
    before = path.read_bytes()
    page.goto(f"{server['base']}/voila/render/00-profile.ipynb?workbook=luis&lang=en")
    name = page.locator(".cm-field-name input")
    name.wait_for(timeout=WAIT_MS)
    name.fill("")
    name.press("Enter")
    # in words, the field named as the page names it: no schema path, no server path (19.6)
    page.get_by_text("Profile, Name: too short").wait_for(timeout=WAIT_MS)
    shown = page.locator(".cm-status").inner_text()
    assert "app.profile.name" not in shown and str(server["workspace"]) not in shown
    assert path.read_bytes() == before


def test_english_through_the_url(server, page):
    page.goto(f"{server['base']}/voila/render/00-profile.ipynb?org=saas&lang=en")
    page.get_by_text("Organization profile").first.wait_for(timeout=WAIT_MS)
    assert page.get_by_text("Starting point on social media").is_visible()
    assert page.locator(".cm-field-name input").input_value() == "Tallyfold Analytics Ltd"
    assert page.locator(".cm-field-name input").is_disabled()  # preview: read-only
    # the baseline chart is drawn after the form is interactive, then shows up
    chart = page.locator(".cm-profile-app img.widget-image").first
    chart.wait_for(timeout=WAIT_MS)
    assert wait_for(lambda: chart.evaluate("img => img.complete && img.naturalWidth > 400"), timeout=60)
    assert page.get_by_text("Drawing the chart").count() == 0
    whole_page(page, "profile-en")


def test_a_refused_parameter_explains_itself_before_any_cell_runs(server, page):
    response = page.goto(f"{server['base']}/voila/render/00-profile.ipynb?org=nope&lang=en")
    assert response.status == 400
    page.get_by_text("This page cannot be opened").wait_for(timeout=WAIT_MS)
    assert page.get_by_text("There is no sample organization").count() == 0  # not from app code
    assert page.get_by_text("Value “nope” is not allowed for “org”").is_visible()


def test_landing_creates_a_workbook_and_opens_a_stage(server, page):
    page.goto(f"{server['base']}/voila/render/index.ipynb")
    trainee = page.locator(".cm-trainee input")
    trainee.wait_for(timeout=WAIT_MS)
    assert page.get_by_text("El recorrido").is_visible()
    whole_page(page, "landing-es")
    trainee.fill("Carmen Ruiz")
    page.locator("button.cm-create").click()
    assert wait_for(lambda: (server["workspace"] / "carmen-ruiz.yaml").exists())
    link = page.locator('a.cm-stage[data-stage="00-profile"]')
    wait_for(lambda: "workbook=carmen-ruiz" in (link.get_attribute("href") or ""), timeout=30)
    link.click()
    page.locator(".cm-field-name input").wait_for(timeout=WAIT_MS)
    assert page.get_by_text("Cuaderno de Carmen Ruiz").is_visible()
    assert page.get_by_text("carmen-ruiz").count() == 0  # the id only in links (issue 19)


def test_language_switch_link(server, page):
    page.goto(f"{server['base']}/voila/render/index.ipynb")
    page.locator("a.cm-lang[hreflang=en]").click()
    page.get_by_text("The journey").wait_for(timeout=WAIT_MS)
    assert "lang=en" in page.url


def test_objective_smart_findings_update_as_the_trainee_types(server, page):
    run_cli("new", "--org", "library", "--trainee", "Sara", env=server["env"])
    path = server["workspace"] / "sara.yaml"
    page.goto(f"{server['base']}/voila/render/01-objectives.ipynb?workbook=sara&lang=en")
    page.locator("button.cm-add-objective").wait_for(timeout=WAIT_MS)
    page.locator("button.cm-add-objective").click()
    target = page.locator(".cm-objective .cm-target input")
    target.wait_for(timeout=WAIT_MS)
    assert wait_for(lambda: yaml.safe_load(path.read_text(encoding="utf-8"))["objectives"])
    target.fill("250000")
    target.press("Tab")
    page.locator(".cm-smart").get_by_text("beyond the plausible ceiling").wait_for(timeout=WAIT_MS)
    assert wait_for(lambda: yaml.safe_load(path.read_text(encoding="utf-8"))
                    ["objectives"][0]["target"] == 250000)
    page.locator(".cm-objective .cm-accept-suggestion").first.click()
    page.locator(".cm-smart .cm-finding.cm-ok", has_text="A · Achievable").wait_for(timeout=WAIT_MS)
    saved = wait_for(lambda: yaml.safe_load(path.read_text(encoding="utf-8"))
                     ["objectives"][0]["target"] < 250000)
    assert saved
    whole_page(page, "objectives-en")


def test_audiences_fit_appears_when_a_persona_is_added(server, page):
    run_cli("new", "--org", "saas", "--trainee", "Pablo", env=server["env"])
    path = server["workspace"] / "pablo.yaml"
    page.goto(f"{server['base']}/voila/render/02-audiences-networks.ipynb?workbook=pablo&lang=es")
    page.locator("button.cm-add-persona").wait_for(timeout=WAIT_MS)
    page.locator("button.cm-add-persona").click()
    page.locator(".cm-fit h3", has_text="Responsable de compra").wait_for(timeout=WAIT_MS)
    assert "está en LinkedIn" in page.locator(".cm-fit tr[data-network=linkedin]").inner_text()
    assert wait_for(lambda: yaml.safe_load(path.read_text(encoding="utf-8"))["audiences"])
    hours = page.locator(".cm-hours input")
    hours.fill("1")
    hours.press("Tab")
    assert wait_for(lambda: yaml.safe_load(path.read_text(encoding="utf-8"))
                    ["resources"]["hours_per_week"] == 1)
    whole_page(page, "audiences-es")


def test_content_plan_calendar_is_generated_and_saved(server, page):
    from cmtraining.workbook import update

    run_cli("new", "--org", "ngo", "--trainee", "Irene", env=server["env"])
    path = server["workspace"] / "irene.yaml"

    def pillars(wb):
        wb.content_plan.pillars = [{"id": "impacto", "name": "Nuestro impacto", "share": 50},
                                   {"id": "voluntariado", "name": "Voluntariado", "share": 50}]
        return wb.model_dump()

    update(path, pillars)
    page.goto(f"{server['base']}/voila/render/03-content-plan.ipynb?workbook=irene")
    page.locator("button.cm-generate").wait_for(timeout=WAIT_MS)
    assert page.locator(".cm-mix").get_by_text("2 pilares que suman 100").is_visible()
    page.locator("button.cm-generate").click()
    page.locator(".cm-calendar h3").first.wait_for(timeout=WAIT_MS)
    assert wait_for(lambda: yaml.safe_load(path.read_text(encoding="utf-8"))
                    ["content_plan"]["calendar"])
    assert page.locator("a.cm-download-ics").get_attribute("href").startswith("data:text/calendar")
    draft = page.locator(".cm-draft textarea")
    draft.fill("Gracias a todas las personas voluntarias por la organizacion del taller")
    page.locator("button.cm-check-post").click()
    findings = page.locator(".cm-post-findings")
    findings.get_by_text("organizacion").wait_for(timeout=WAIT_MS)
    assert "llamada a la acción" in findings.inner_text()
    whole_page(page, "content-es")


def test_trainee_answers_a_complaint_and_sees_the_findings(server, page):
    run_cli("new", "--org", "cafe", "--trainee", "Nuria", env=server["env"])
    path = server["workspace"] / "nuria.yaml"
    page.goto(f"{server['base']}/voila/render/04-response.ipynb?workbook=nuria")
    page.locator(".cm-inbox select").wait_for(timeout=WAIT_MS)
    page.locator(".cm-triage").get_by_text("Clasificación: posible crisis").wait_for(timeout=WAIT_MS)
    reply = page.locator(".cm-reply textarea")
    reply.fill("Gracias por tu mensaje.")
    page.locator("button.cm-check-reply").click()
    findings = page.locator(".cm-reply-findings")
    findings.locator(".cm-finding").first.wait_for(timeout=WAIT_MS)
    assert "/100" in page.locator(".cm-reply-score").inner_text()
    assert "Nombra a la persona" in findings.inner_text()
    page.get_by_role("button", name="Guardar respuesta").click()
    assert wait_for(lambda: yaml.safe_load(path.read_text(encoding="utf-8"))["replies"])
    whole_page(page, "response-es")


def test_listening_audit_shows_alerts_and_saves_them(server, page):
    run_cli("new", "--org", "saas", "--trainee", "Conor", env=server["env"])
    path = server["workspace"] / "conor.yaml"
    page.goto(f"{server['base']}/voila/render/00-listening.ipynb?workbook=conor&lang=en")
    page.locator(".cm-listening-kpis .cm-alert-count").wait_for(timeout=WAIT_MS)
    assert int(page.locator(".cm-alert-count").inner_text()) >= 1
    assert "Negative spikes" in page.locator(".cm-listening-findings").inner_text() or \
        "alert day" in page.locator(".cm-listening-findings").inner_text()
    # the upload button reads as its label, without ipywidgets' "(0)" file count
    size, label = page.locator(".cm-upload").evaluate(
        "b => [getComputedStyle(b).fontSize, getComputedStyle(b, '::after').content]")
    assert (size, label) == ("0px", '"Import CSV or Excel"')
    page.get_by_role("button", name="Save audit to workbook").click()
    assert wait_for(lambda: (yaml.safe_load(path.read_text(encoding="utf-8"))["listening"]
                             .get("summary") or {}).get("mentions"))
    whole_page(page, "listening-en")


def test_evaluation_dashboard_filters_and_conclusions_are_saved(server, page):
    run_cli("new", "--org", "library", "--trainee", "Hugo", env=server["env"])
    path = server["workspace"] / "hugo.yaml"
    page.goto(f"{server['base']}/voila/render/06-evaluation.ipynb?workbook=hugo&lang=en")
    summary = page.locator(".cm-kpi-summary")
    summary.get_by_text("Facebook").first.wait_for(timeout=WAIT_MS)
    assert "YouTube" in summary.inner_text()
    page.locator(".cm-recommendations li").first.wait_for(timeout=WAIT_MS)
    page.locator(".cm-evaluation-app select").first.select_option(label="YouTube")
    wait_for(lambda: "Facebook" not in summary.inner_text(), timeout=60)
    assert "Facebook" not in summary.inner_text() and "YouTube" in summary.inner_text()
    box = page.locator(".cm-evaluation-app textarea").first
    box.fill("Facebook carries the members; YouTube needs a plan.")
    box.press("Tab")
    assert wait_for(lambda: "YouTube needs a plan" in yaml.safe_load(
        path.read_text(encoding="utf-8"))["evaluation"]["conclusions"])
    whole_page(page, "evaluation-en")


def test_crisis_exercise_three_turns_then_score_and_debrief(server, page):
    run_cli("new", "--org", "cafe", "--trainee", "Sergio", env=server["env"])
    path = server["workspace"] / "sergio.yaml"
    page.goto(f"{server['base']}/voila/render/05-crisis.ipynb?workbook=sergio&graph_size=600")
    page.locator("button.cm-start").wait_for(timeout=WAIT_MS)
    page.locator("button.cm-start").click()
    page.locator(".cm-clock").get_by_text("Minuto 0").wait_for(timeout=WAIT_MS)
    assert "laura_ruzafa" in page.locator(".cm-crisis-inbox").inner_text()
    page.locator(".cm-crisis-text textarea").fill(
        "Lo sentimos mucho, Laura. Si compraste cruasanes el sábado, no los comas: "
        "te devolvemos el dinero y revisamos qué falló.")
    page.locator("button.cm-add-action").click()
    page.locator(".cm-pending").get_by_text("/100").wait_for(timeout=WAIT_MS)
    for turn in (2, 3, 4):
        page.locator("button.cm-end-turn").click()
        page.locator(".cm-clock").get_by_text(f"turno {turn}").wait_for(timeout=WAIT_MS)
    page.locator("button.cm-finish").click()
    page.locator(".cm-crisis-score").get_by_text("Puntuación").wait_for(timeout=WAIT_MS)
    page.locator(".cm-debrief .cm-cf").first.wait_for(timeout=WAIT_MS)
    assert page.locator("a.cm-aar").get_attribute("href").startswith("data:text/html")
    assert wait_for(lambda: yaml.safe_load(path.read_text(encoding="utf-8"))["crisis_runs"])
    whole_page(page, "crisis-es")


def test_facilitator_reads_the_cohort_gradebook(server, page):
    """With the facilitator's link: overview, trainees at risk, one trainee's checks."""
    from cmtraining.grading.exercise import load_exercise
    from cmtraining.grading.gradebook import Gradebook

    exercise = load_exercise(FIXTURES / "grading" / "demo-exercise")
    db = server["gradebook"]  # the one `serve --gradebook` was given
    book = Gradebook(f"sqlite:///{db}")
    book.record_exercise(exercise)
    for trainee, target, statement in (("ana", 4, 6), ("bea", 4, 3), ("carlos", 0, 1.2),
                                       ("dani", 4, 4.8)):
        book.record_attempt(exercise=exercise, trainee=trainee, sha256=trainee * 8,
                            filename=f"{trainee}.ipynb", lang="en", status="graded", checks=[
                                {"check_id": "target", "status": "ok", "fraction": target / 4,
                                 "points": target, "max_points": 4,
                                 "message": "well done" if target else "the target is 42"},
                                {"check_id": "statement", "status": "ok", "fraction": statement / 6,
                                 "points": statement, "max_points": 6, "message": "words"}])
    book.record_attempt(exercise=exercise, trainee="eva", sha256="e" * 64, filename="eva.ipynb",
                        lang="en", status="failed", reason="timeout")
    # trainees get no link; without the facilitator's token the page is refused
    page.goto(f"{server['base']}/voila/render/index.ipynb?lang=en")
    page.locator(".cm-gradebook-note").wait_for(timeout=WAIT_MS)
    assert page.locator("a[href*='90-gradebook']").count() == 0
    response = page.goto(f"{server['base']}/voila/render/90-gradebook.ipynb?lang=en")
    assert response.status == 403
    page.goto(f"{server['base']}/voila/render/90-gradebook.ipynb?lang=en"
              f"&facilitator_token={FACILITATOR}")
    overview = page.locator(".cm-overview-table")
    overview.wait_for(timeout=WAIT_MS)
    assert "Test exercise" in overview.inner_text()
    at_risk = page.locator(".cm-at-risk-table")
    assert "carlos" in at_risk.inner_text() and "eva" in at_risk.inner_text()
    assert "time limit exceeded" in at_risk.inner_text() and "ana" not in at_risk.inner_text()
    page.locator(".cm-gradebook-app select").nth(1).select_option(label="carlos")
    page.locator(".cm-detail-table").get_by_text("the target is 42").wait_for(timeout=WAIT_MS)
    for chart in page.locator(".cm-gradebook-app img.widget-image").all():
        assert wait_for(lambda c=chart: c.evaluate("img => img.complete && img.naturalWidth > 400"),
                        timeout=60)
    whole_page(page, "gradebook-en")
    assert db.stat().st_size > 0
    # a database in the address is refused, even with the token; the language switch keeps it
    response = page.goto(f"{server['base']}/voila/render/90-gradebook.ipynb?db=postgresql://u:pw@h/g")
    assert response.status == 400
    page.get_by_text("cmtraining serve --gradebook").wait_for(timeout=WAIT_MS)
    page.goto(f"{server['base']}/voila/render/90-gradebook.ipynb?lang=en")
    page.locator(".cm-overview-table").wait_for(timeout=WAIT_MS)
    page.locator("a.cm-lang[hreflang='es']").click()
    page.locator(".cm-overview-table").get_by_text("Ejercicio de prueba").wait_for(timeout=WAIT_MS)
    assert "Participantes en riesgo" in page.locator(".cm-gradebook-app").inner_text()
