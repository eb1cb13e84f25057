"""Stage notebooks executed with papermill, as a facilitator prepares them."""

from __future__ import annotations

import papermill as pm
import pytest

from cmtraining.core.stages import STAGES as STAGES_
from cmtraining.i18n import t
from cmtraining.runtime.parameters import CONTRACTS
from cmtraining.runtime.workspace import create_workbook
from cmtraining.samples import list_organizations
from cmtraining.samples.organizations import load_organization
from cmtraining.workbook import load
from tests.conftest import ROOT, outputs_text

pytestmark = pytest.mark.notebook
NB = ROOT / "notebooks"


STAGES = sorted(s for s in CONTRACTS  # stages of the journey
                if s not in ("index", "90-gradebook", "91-crisis-workshop"))


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("org", list_organizations())
@pytest.mark.parametrize("stem", STAGES)
def test_every_stage_runs_for_every_sample_in_both_languages(tmp_path, workspace, stem, org, lang):
    """A facilitator prepares each stage for an organization: it runs, in its language."""
    entry = create_workbook("Facilitator", org, lang=lang)
    out = tmp_path / "out.ipynb"
    pm.execute_notebook(str(NB / f"{stem}.ipynb"), str(out),
                        parameters={"workbook": entry.id, "lang": lang}, progress_bar=False)
    text = outputs_text(out)
    assert load_organization(org).profile.name in text
    stage = next(s for s in STAGES_ if s.notebook == stem)
    assert t(f"common.stage.{stage.key}", lang) in text


@pytest.mark.parametrize("lang, title", [("es", "Perfil de la organización"),
                                         ("en", "Organization profile")])
def test_profile_preview_runs_in_both_languages(tmp_path, lang, title):
    out = tmp_path / "out.ipynb"
    pm.execute_notebook(str(NB / "00-profile.ipynb"), str(out), parameters={"org": "ngo", "lang": lang},
                        progress_bar=False, cwd=str(tmp_path))
    assert "Fundación Raíces Comunes" in outputs_text(out)
    assert title in outputs_text(out)


def test_profile_opens_a_trainees_workbook(workspace, tmp_path):
    entry = create_workbook("Lucía", "library", lang="es")
    out = tmp_path / "out.ipynb"
    pm.execute_notebook(str(NB / "00-profile.ipynb"), str(out),
                        parameters={"workbook": entry.id, "lang": "es"}, progress_bar=False)
    text = outputs_text(out)
    assert "Biblioteca Pública Municipal Sor Juana" in text and "lucia" in text
    assert load(entry.path).trainee == "Lucía"  # reading never rewrites


def test_bad_parameter_stops_before_the_app_runs(tmp_path):
    out = tmp_path / "out.ipynb"
    with pytest.raises(pm.PapermillExecutionError) as info:
        pm.execute_notebook(str(NB / "00-profile.ipynb"), str(out), parameters={"lang": "fr"},
                            progress_bar=False)
    assert "ParameterError" in info.value.ename
    assert "«fr» no admitido para «lang»" in info.value.evalue
    assert info.value.exec_count == 3  # parameters, injected parameters, then the check


def test_landing_lists_the_journey(workspace, tmp_path):
    create_workbook("Ana", "ngo")
    out = tmp_path / "out.ipynb"
    pm.execute_notebook(str(NB / "index.ipynb"), str(out), parameters={"lang": "en"},
                        progress_bar=False)
    text = outputs_text(out)
    assert "The journey" in text and "Organization profile" in text and "Listening audit" in text
    assert "00-profile.ipynb?workbook=ana" not in text  # no workbook chosen yet: preview links
    assert "00-profile.ipynb?org=ngo&amp;lang=en" in text


@pytest.mark.parametrize("org", ["ngo", "saas"])
def test_facilitator_prepares_a_full_checked_plan_with_papermill(tmp_path, workspace, org):
    """01-03 with `prefill`: objectives, audiences, roles, pillars and a calendar that pass."""
    from datetime import date

    from cmtraining.planning.audiences import check_network_roles
    from cmtraining.planning.calendar import check_calendar
    from cmtraining.planning.content import check_mix
    from cmtraining.planning.smart import check_smart

    entry = create_workbook("Curso", org, lang="en")
    runs = [("01-objectives", {}), ("02-audiences-networks", {}),
            ("03-content-plan", {"weeks": 6, "seed": 7})]
    for stem, extra in runs:
        pm.execute_notebook(str(NB / f"{stem}.ipynb"), str(tmp_path / f"{stem}.ipynb"),
                            parameters={"workbook": entry.id, "lang": "en", "prefill": True, **extra},
                            progress_bar=False)
    wb = load(entry.path)
    assert wb.objectives and wb.audiences and wb.networks and wb.content_plan.pillars
    for objective in wb.objectives:
        levels = {f.level for f in check_smart(objective, wb, today=date.today())}
        assert "error" not in levels, objective
    assert all(f.level != "error" for f in check_network_roles(wb))
    assert all(f.level == "ok" for f in check_mix(wb.content_plan))
    weeks = {e.day.isocalendar()[:2] for e in wb.content_plan.calendar}
    assert len(weeks) == 6
    assert all(f.level != "error" for f in check_calendar(
        wb.content_plan.calendar, wb.content_plan, country=wb.profile.country))
    # running again changes nothing: prefill only fills what is empty
    pm.execute_notebook(str(NB / "01-objectives.ipynb"), str(tmp_path / "again.ipynb"),
                        parameters={"workbook": entry.id, "prefill": True}, progress_bar=False)
    assert load(entry.path).model_dump(exclude={"updated"}) == wb.model_dump(exclude={"updated"})


def test_out_of_range_weeks_are_refused(tmp_path):
    with pytest.raises(pm.PapermillExecutionError) as info:
        pm.execute_notebook(str(NB / "03-content-plan.ipynb"), str(tmp_path / "o.ipynb"),
                            parameters={"weeks": 500, "lang": "en"}, progress_bar=False)
    assert "outside the allowed range (0 to 104)" in info.value.evalue


@pytest.mark.parametrize("org, lang", [("cafe", "es"), ("saas", "en")])
def test_facilitator_prepares_listening_and_response_with_papermill(tmp_path, workspace, org, lang):
    """00-listening and 04-response with `prefill`: audit saved, playbook and informants filled."""
    entry = create_workbook("Curso", org, lang=lang)
    for stem in ("00-listening", "04-response"):
        pm.execute_notebook(str(NB / f"{stem}.ipynb"), str(tmp_path / f"{stem}.ipynb"),
                            parameters={"workbook": entry.id, "lang": lang, "prefill": True,
                                        "seed": 3, "days": 35}, progress_bar=False)
    wb = load(entry.path)
    summary = wb.listening.summary
    assert summary.mentions > 100 and (summary.period_end - summary.period_start).days == 34
    assert wb.listening.alerts and wb.listening.findings and wb.listening.competitors
    assert {r.category for r in wb.response_playbook.rules} >= {"complaint", "question"}
    assert wb.informants
    text = outputs_text(tmp_path / "04-response.ipynb")
    assert t("app.response.playbook_title", lang) in text


def test_out_of_range_days_are_refused(tmp_path):
    with pytest.raises(pm.PapermillExecutionError) as info:
        pm.execute_notebook(str(NB / "00-listening.ipynb"), str(tmp_path / "o.ipynb"),
                            parameters={"days": 3, "lang": "en"}, progress_bar=False)
    assert "outside the allowed range (7 to 120)" in info.value.evalue
