"""The competency self-assessment: questionnaire, scoring, plan, workbook, app, notebook."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from cmtraining.evaluation import competency as cp
from cmtraining.workbook.models import SelfAssessment

QUEST = cp.questionnaire()
ITEMS = sorted(QUEST.items)


# --- the questionnaire --------------------------------------------------------------


def test_questionnaire_covers_every_competency_and_area_in_both_languages():
    groups = {g.id: g for g in QUEST.groups}
    assert set(groups) == set(cp.COMPETENCIES) | set(cp.AREAS)
    for group in QUEST.groups:
        assert 2 <= len(group.items) <= 4 and 2 <= len(group.actions) <= 4, group.id
        for item in group.items:
            assert item.es != item.en and item.es.strip() and item.en.strip()
    reversed_ = [i for i in QUEST.items.values() if i.reverse]
    assert 0 < len(reversed_) < len(QUEST.items) / 2


def test_a_broken_questionnaire_fails_loudly(tmp_path):
    import copy

    from cmtraining.core.paths import datasets_dir

    data = yaml.safe_load((datasets_dir() / "competencies.yaml").read_text(encoding="utf-8"))
    data["groups"] = [g for g in data["groups"] if g["id"] != "brevity"]
    path = tmp_path / "q.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValidationError, match="competency groups must be exactly"):
        cp.questionnaire(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    # items reused: duplicate ids (a deep copy: YAML aliases are refused, see yamlio)
    data["groups"].append({**copy.deepcopy(data["groups"][0]), "id": "brevity"})
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValidationError, match="duplicate item ids"):
        cp.questionnaire(path)


# --- scores -------------------------------------------------------------------------


def test_scores_apply_reverse_keys_as_worked_by_hand():
    assert [i.reverse for i in QUEST.group("patience").items] == [False, True, False]
    assert [i.reverse for i in QUEST.group("brevity").items] == [False, False, True]
    scores = cp.score({"pat1": 4, "pat2": 2, "pat3": 5,  # 4 + (6 - 2) + 5 = 13 -> 4.333
                       "bre3": 5,  # reversed: 6 - 5 = 1
                       "rep1": 2, "rep2": 3})
    assert scores.competencies["patience"] == pytest.approx(13 / 3)
    assert scores.competencies["brevity"] == 1.0
    assert scores.areas["reporting"] == 2.5
    assert scores.competencies["energy"] is None
    assert (scores.answered, scores.total) == (6, 48)
    assert scores.completeness == pytest.approx(6 / 48) and not scores.complete
    assert scores.groups["patience"].enough and not scores.groups["brevity"].enough


def test_unknown_statements_are_ignored_and_bad_answers_refused():
    scores = cp.score({"pat1": 3, "retired_item": 5})
    assert scores.ignored == ("retired_item",) and scores.answered == 1
    with pytest.raises(ValueError):
        cp.score({"pat1": 6})
    assert cp.item_score(1, reverse=True) == 5 and cp.item_score(5, reverse=False) == 5


answers_st = st.dictionaries(st.sampled_from(ITEMS), st.integers(1, 5), max_size=len(ITEMS))


@settings(max_examples=150, deadline=None)
@given(answers_st)
def test_scores_stay_on_the_scale_and_the_plan_is_deterministic(answers):
    scores = cp.score(answers)
    for s in scores.groups.values():
        assert s.mean is None or 1 <= s.mean <= 5
        assert 0 <= s.answered <= s.total
    assert 0 <= scores.completeness <= 1
    plan = cp.development_plan(scores, "en")
    shuffled = list(answers.items())
    random.Random(0).shuffle(shuffled)
    again = cp.development_plan(cp.score(dict(shuffled)), "en")
    assert [(e.group, e.score) for e in plan] == [(e.group, e.score) for e in again]
    assert len(plan) <= 3
    means = [scores.groups[e.group].mean for e in plan]
    assert means == sorted(means)
    rest = [s.mean for g, s in scores.groups.items() if s.enough and s.mean < cp.STRENGTH
            and g not in {e.group for e in plan}]
    assert all(m >= means[-1] for m in rest) if plan else rest == []


# --- the development plan -------------------------------------------------------------


def _all(value: int) -> dict[str, int]:
    """Every statement answered so that each group's mean is `value`."""
    return {i.id: (6 - value if i.reverse else value) for i in QUEST.items.values()}


def test_plan_takes_the_weakest_with_ties_in_questionnaire_order():
    answers = _all(4)
    answers.update({"rep1": 1, "rep2": 1, "rep3": 5})  # reporting: mean 1
    answers.update({"cur1": 2, "cur2": 2, "cur3": 4})  # curiosity: mean 2
    answers.update({"ene1": 2, "ene2": 2, "ene3": 4})  # energy: mean 2, after curiosity
    answers.update({"bre1": 2, "bre2": 2, "bre3": 4})  # brevity: mean 2, fourth: left out
    plan = cp.development_plan(cp.score(answers), "es")
    assert [e.group for e in plan] == ["reporting", "curiosity", "energy"]
    first = plan[0]
    assert first.kind == "area" and first.score == 1.0 and first.finding.level == "warning"
    assert "Informes: media 1 sobre 5 (3 de 3 afirmaciones)" in first.finding.message("es")
    assert "Reporting: mean 1 out of 5" in first.finding.message("en")
    assert "4,5" in first.finding.rule("es") and "6 - answer" in first.finding.rule("en")
    assert [a.id for a in first.actions] == ["rep_template", "rep_explain"]
    assert all(a.text for e in plan for a in e.actions)
    assert cp.development_plan(cp.score(answers), "en", n=5)[3].group == "brevity"


def test_strengths_and_thin_evidence_stay_out_of_the_plan():
    assert cp.development_plan(cp.score(_all(5)), "es") == []
    one_answer = cp.score({"pat1": 1})  # 1 of 3 statements: not enough to plan on
    assert cp.development_plan(one_answer, "es") == []
    two = cp.development_plan(cp.score({"pat1": 3, "pat3": 4}), "en")
    assert [(e.group, e.score, e.finding.level) for e in two] == [("patience", 3.5, "info")]


def test_persuasion_resource_and_stage_links_render_in_each_language():
    plan = cp.development_plan(cp.score({"per1": 1, "per2": 1, "per3": 5}), "en")
    [entry] = plan
    structure, reply = entry.actions
    assert "Cialdini" in structure.resource and structure.stage is None
    assert reply.stage == "response" and reply.resource == ""


# --- recording in a workbook -----------------------------------------------------------


def test_record_keeps_ratings_plan_and_completion_in_step():
    from cmtraining.samples import sample_workbook
    from cmtraining.workbook.models import Workbook

    data = sample_workbook("ngo").model_dump()
    data["self_assessment"] = [{"area": "customer_care", "level": 4, "evidence": "facilitator"}]
    wb = Workbook.model_validate(data)
    data = cp.record(wb, {"rep1": 1, "rep2": 2, "rep3": 4}, lang="en")
    wb = Workbook.model_validate(data)
    assert wb.competency.answers == {"rep1": 1, "rep2": 2, "rep3": 4}
    assert wb.competency.plan_areas == ["reporting"] and wb.competency.completed is None
    ratings = {r.area: r for r in wb.self_assessment}
    assert ratings["reporting"].level == 2  # (1 + 2 + 2) / 3 = 1.67 -> 2
    assert ratings["reporting"].evidence == "Self-assessment: mean 1.67 out of 5 (3 of 3 statements)."
    assert ratings["customer_care"].evidence == "facilitator"  # no answers there: kept
    when = datetime(2026, 11, 23, 10, tzinfo=UTC)
    full = Workbook.model_validate(cp.record(wb, _all(3), lang="en", now=when))
    assert full.competency.completed == when and len(full.self_assessment) == 7
    assert {r.level for r in full.self_assessment} == {3}
    later = Workbook.model_validate(cp.record(full, _all(4), lang="en"))
    assert later.competency.completed == when  # first completion is kept
    cleared = Workbook.model_validate(cp.record(later, {"pat1": None}, lang="en"))
    assert cleared.competency.completed is None and "pat1" not in cleared.competency.answers


def test_level_rounds_half_up():
    assert [cp.level_of(m) for m in (1.0, 1.49, 1.5, 2.5, 3.5, 4.67, 5.0)] == [1, 1, 2, 3, 4, 5, 5]


def test_section_defaults_keep_old_files_valid_and_answers_are_checked(sample_file):
    from cmtraining.core.errors import WorkbookValidationError
    from cmtraining.workbook import load
    from cmtraining.workbook.store import update

    data = yaml.safe_load(sample_file.read_text(encoding="utf-8"))
    del data["competency"]  # a file written before the section existed
    sample_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert load(sample_file).competency == SelfAssessment()
    with pytest.raises(WorkbookValidationError) as info:
        update(sample_file, lambda wb: cp.record(wb, {"pat1": 7}), lang="en")
    assert "competency.answers.pat1" in str(info.value)
    with pytest.raises(ValidationError):
        SelfAssessment(answers={"Not a slug": 3})


# --- the app, driven in-process --------------------------------------------------------


def test_each_answer_is_saved_and_the_views_follow(workspace):
    from cmtraining.apps.self_assessment import build_app
    from cmtraining.runtime.session import open_session
    from cmtraining.runtime.workspace import create_workbook
    from cmtraining.workbook import load

    entry = create_workbook("Ana", "cafe")
    app = build_app(open_session("07-self-assessment", workbook=entry.id, lang="es"),
                    defer_chart=False)
    empty = bytes(app.radars["area"].value)
    assert empty.startswith(b"\x89PNG") and bytes(app.radars["competency"].value).startswith(b"\x89PNG")
    assert "0 de 48" in app.progress_label.value and "responde al menos la mitad" in app.plan.value
    app.questions["rep1"].value = 1
    app.questions["rep2"].value = 2
    assert load(entry.path).competency.answers == {"rep1": 1, "rep2": 2}
    assert "Guardado" in app.status.value and "2 de 48" in app.progress_label.value
    assert app.progress.value == 2
    assert "Informes · 2/3" in app.accordions["area"].titles
    assert "data-group='reporting'" in app.plan.value and "Informes: media 1,5" in app.plan.value
    assert bytes(app.radars["area"].value) != empty
    assert load(entry.path).self_assessment[0].area == "reporting"
    for toggle in app.questions.values():
        toggle.value = 3
    assert load(entry.path).competency.completed is not None
    assert "Cuestionario completo" in app.completed.value


def test_the_panel_fits_inside_another_app(workspace):
    from cmtraining.apps.self_assessment import SelfAssessmentPanel
    from cmtraining.runtime.session import open_session
    from cmtraining.runtime.workspace import create_workbook
    from cmtraining.workbook import load

    entry = create_workbook("Luis", "ngo")
    host = SimpleNamespace(session=open_session("07-self-assessment", workbook=entry.id, lang="en"))
    panel = SelfAssessmentPanel(host, defer_chart=False)
    assert "cm-org-name" not in "".join(getattr(c, "value", "") for c in panel.children)
    panel.questions["bre3"].value = 5
    assert load(entry.path).competency.answers == {"bre3": 5}
    assert "Saved at" in panel.status.value


def test_a_failed_save_shows_what_is_really_saved(workspace, monkeypatch):
    from cmtraining.apps.self_assessment import build_app
    from cmtraining.core.errors import LockTimeoutError
    from cmtraining.runtime.session import open_session
    from cmtraining.runtime.workspace import create_workbook

    entry = create_workbook("Ana", "ngo")
    app = build_app(open_session("07-self-assessment", workbook=entry.id, lang="en"),
                    defer_chart=False)

    def refuse(change):
        raise LockTimeoutError(source="x.yaml", seconds=10, lang="en")

    monkeypatch.setattr(app.session, "update", refuse)
    app.questions["pat1"].value = 4
    assert "✖" in app.status.value and app.questions["pat1"].value is None


def test_preview_is_read_only():
    from cmtraining.apps.self_assessment import build_app
    from cmtraining.runtime.session import open_session

    app = build_app(open_session("07-self-assessment", org="library", lang="en"), defer_chart=False)
    assert all(toggle.disabled for toggle in app.questions.values())
    assert len(app.questions) == 48
    assert bytes(app.radars["competency"].value).startswith(b"\x89PNG")


# --- the notebook, as a facilitator runs it ---------------------------------------------


@pytest.mark.notebook
@pytest.mark.parametrize("lang, title", [("es", "Autoevaluación de competencias"),
                                         ("en", "Competency self-assessment")])
def test_notebook_runs_for_a_sample_in_both_languages(tmp_path, workspace, lang, title):
    import papermill as pm

    from cmtraining.runtime.workspace import create_workbook
    from cmtraining.samples.organizations import load_organization
    from tests.conftest import ROOT, outputs_text

    entry = create_workbook("Facilitator", "saas", lang=lang)
    out = tmp_path / "out.ipynb"
    pm.execute_notebook(str(ROOT / "notebooks" / "07-self-assessment.ipynb"), str(out),
                        parameters={"workbook": entry.id, "lang": lang}, progress_bar=False)
    text = outputs_text(out)
    assert title in text and load_organization("saas").profile.name in text
    assert ("Nada de acuerdo" if lang == "es" else "Strongly disagree") in text


def test_before_any_answer_one_line_stands_for_the_empty_radars(workspace):
    from cmtraining.apps.self_assessment import build_app
    from cmtraining.runtime.session import open_session
    from cmtraining.runtime.workspace import create_workbook

    entry = create_workbook("Ana", "cafe")
    app = build_app(open_session("07-self-assessment", workbook=entry.id, lang="es"),
                    defer_chart=False)
    assert "en cuanto respondas" in app.chart_note.value
    assert app.radars_box.layout.display == "none"
    app.questions["rep1"].value = 4
    assert app.chart_note.value == "" and app.radars_box.layout.display is None
