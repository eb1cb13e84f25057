"""Stage 2 engine: persona templates, explained network fit, role contradictions."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cmtraining.planning.audiences import (
    WEIGHTS,
    check_network_roles,
    fit_table,
    goal_roles,
    network_fit,
    persona_templates,
)
from cmtraining.samples import sample_workbook
from cmtraining.workbook.models import NetworkRole, OrgKind, Resources

KINDS = OrgKind.__args__


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("lang", ["es", "en"])
def test_every_kind_has_templates_in_both_languages(kind, lang):
    personas = persona_templates(kind, lang)
    assert len(personas) >= 2
    assert all(p.name and p.needs and p.questions and p.networks for p in personas)


def with_personas(org="ngo", lang="en", **update):
    wb = sample_workbook(org)
    return wb.model_copy(update={"audiences": persona_templates(wb.profile.kind, lang), **update})


def test_goals_point_to_roles():
    roles = goal_roles(sample_workbook("ngo"))
    assert roles["recruitment"] == ["volunteers"]
    assert "sales" in goal_roles(sample_workbook("saas"))


def test_fit_is_explained_component_by_component():
    wb = with_personas()
    fit = network_fit("linkedin", wb.audiences[1], wb)  # the donor is on LinkedIn
    assert [c.name for c in fit.components] == ["audience", "formats", "effort", "goals"]
    assert fit.score == pytest.approx(sum(c.score * WEIGHTS[c.name] for c in fit.components))
    audience = fit.components[0]
    assert audience.score == 1 and "is on LinkedIn" in audience.explain("en")
    assert "está en LinkedIn" in audience.explain("es")
    tiktok = network_fit("tiktok", wb.audiences[1], wb)
    assert tiktok.score < fit.score
    assert "ages most present on TikTok" in tiktok.components[0].explain("en")


def test_fit_follows_the_team_resources():
    wb = with_personas()
    rich = wb.model_copy(update={"resources": Resources(hours_per_week=20, formats=[
        "image", "carousel", "short_video", "story"])})
    poor = wb.model_copy(update={"resources": Resources(hours_per_week=1, formats=["text"])})
    p = wb.audiences[0]
    assert network_fit("instagram", p, rich).score > network_fit("instagram", p, poor).score
    effort = network_fit("instagram", p, poor).components[2]
    assert effort.score == 0 and "you have 1 h" in effort.explain("en")


def test_contradictions_are_flagged_with_reasons():
    wb = with_personas(networks=[
        NetworkRole(network="youtube", role="sales"),
        NetworkRole(network="instagram", role="community", personas=["donor"]),
    ], resources=Resources(hours_per_week=1))
    findings = {f.code: f for f in check_network_roles(wb)}
    assert "None of your audiences is on YouTube" in findings["networks.no_persona"].message("en")
    assert "not a good network" in findings["networks.role_unfit"].message("en")
    assert "is not on Instagram" in findings["networks.persona_elsewhere"].message("en")
    assert findings["networks.hours"].level == "error"
    assert "Deja alguna red" in findings["networks.hours"].message("es")


def test_a_coherent_plan_has_no_warnings():
    wb = with_personas(networks=[
        NetworkRole(network="instagram", role="community", personas=["volunteer"]),
        NetworkRole(network="facebook", role="announcements", personas=["donor"]),
    ])
    assert all(f.level == "ok" for f in check_network_roles(wb))


@settings(max_examples=40, deadline=None)
@example(5e-324, [])  # the tiniest positive hours: half of it is 0.0
@given(st.floats(0, 60), st.lists(st.sampled_from(["text", "image", "short_video", "carousel",
                                                   "long_video", "link"]), unique=True))
def test_scores_stay_between_0_and_1(hours, formats):
    wb = with_personas(resources=Resources(hours_per_week=hours, formats=formats))
    for fit in fit_table(wb):
        assert 0 <= fit.score <= 1
        assert all(0 <= c.score <= 1 for c in fit.components)
        assert all(c.explain("es") and c.explain("en") for c in fit.components)
