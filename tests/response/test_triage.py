"""Triage of incoming messages and the default response playbook."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cmtraining.listening.mentions import generate_mentions
from cmtraining.response.playbook import default_playbook, prefill_response
from cmtraining.response.triage import (
    CATEGORIES,
    PRIORITIES,
    Route,
    Routes,
    accuracy,
    routes_for,
    triage,
    triage_mentions,
)
from cmtraining.samples import list_organizations, sample_workbook
from cmtraining.workbook.models import Workbook

ROUTES = Routes((Route("Obrador", ("pan", "tarta", "bread")), Route("Encargos", ("encargo", "pedir"))),
                crisis="Gerencia")


@pytest.mark.parametrize("text, sentiment, category, priority, department", [
    ("¿Tenéis pan sin gluten?", "neutral", "question", "medium", "Obrador"),
    ("Fatal: mi encargo llegó tarde y nadie contesta", "negative", "complaint", "medium", "Encargos"),
    ("Varias personas se han intoxicado con la tarta", "negative", "crisis_signal", "urgent", "Gerencia"),
    ("Gana dinero desde casa https://x.example", "neutral", "spam", "low", ""),
    ("Estaría bien que hicierais pan de centeno", "neutral", "suggestion", "low", "Obrador"),
    ("Me encanta vuestra tarta de queso", "positive", "praise", "low", "Obrador"),
    ("Volviendo a casa", "neutral", "other", "low", ""),
    ("My son is allergic and the bread had nuts: terrible", "negative", "complaint", "high", "Obrador"),
])
def test_triage_decides_and_says_why(text, sentiment, category, priority, department):
    decision = triage(text, sentiment=sentiment, routes=ROUTES)
    assert (decision.category, decision.priority, decision.department) == (
        category, priority, department)
    assert len(decision.reasons) == 3
    for reason in decision.reasons:
        assert reason.message("es") and reason.message("en")


def test_large_accounts_and_repeat_critics_raise_a_complaint():
    base = dict(text="Muy mal servicio otra vez", sentiment="negative", routes=ROUTES)
    assert triage(**base).priority == "medium"
    assert triage(**base, followers=25_000).priority == "high"
    assert triage(**base, author_mentions_90d=6, author_positive_share=0.1).priority == "high"


@pytest.mark.parametrize("text", [
    "Defiendo a @horno: cuando algo ha fallado lo han arreglado rápido",
    "Llevo años con ellos y nunca he tenido un problema; lo que se dice no es justo",
    "Standing up for @horno: when something went wrong they fixed it fast",
])
def test_a_defence_is_praise_even_when_its_words_are_negative(text):
    """Defenders are the prescribers of tomorrow: never queue them as complainers."""
    decision = triage(text, sentiment="negative", routes=ROUTES)
    assert decision.category == "praise" and decision.priority == "low"
    assert "defiende" in decision.reasons[0].message("es")


def test_an_unfair_charge_is_still_a_complaint():
    """"No es justo" alone is as often a complaint as a defence."""
    decision = triage("No es justo que me cobréis dos veces el encargo", sentiment="negative",
                      routes=ROUTES)
    assert decision.category == "complaint"


def test_a_cross_question_is_still_a_question():
    assert triage("¿Por qué no abrís hoy?", sentiment="negative").category == "question"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400), st.sampled_from(["positive", "neutral", "negative"]),
       st.integers(0, 10**7))
def test_triage_is_total_and_deterministic(text, sentiment, followers):
    first = triage(text, sentiment=sentiment, followers=followers, routes=ROUTES)
    again = triage(text, sentiment=sentiment, followers=followers, routes=ROUTES)
    assert first.category in CATEGORIES and first.priority in PRIORITIES
    assert first.department in {"", "Obrador", "Encargos", "Gerencia"}
    assert first.as_dict("es") == again.as_dict("es")


@pytest.mark.parametrize("org", list_organizations())
def test_triage_agrees_with_the_generated_labels(org):
    """The measured accuracy of the closing note: the classifier's sentiment, not the labels."""
    frame = generate_mentions(org)
    own = frame[~frame["is_competitor"]]
    triaged, _ = triage_mentions(own, routes=routes_for(sample_workbook(org)))
    scores = accuracy(triaged)
    assert scores["category"] >= 0.85 and scores["priority"] >= 0.85
    assert scores["department"] >= 0.85


def test_routes_come_from_the_informants_when_there_are_some():
    wb = sample_workbook("ngo")
    assert routes_for(wb).source == "sample"
    data = wb.model_dump()
    data["informants"] = [{"department": "Comunicación", "topics": ["prensa, entrevista"]},
                          {"department": "Voluntariado", "topics": ["voluntario", "turno"]}]
    data["response_playbook"] = {"escalation": [{"trigger": "crisis_signal", "to": "Patronato"}]}
    routes = routes_for(Workbook.model_validate(data))
    assert routes.source == "workbook" and routes.crisis == "Patronato"
    assert triage("Quiero una entrevista para la prensa", routes=routes).department == "Comunicación"
    assert triage("Denuncian fraude en la fundación", sentiment="negative",
                  routes=routes).department == "Patronato"


@pytest.mark.parametrize("org", list_organizations())
def test_default_playbook_is_valid_and_sourced(org):
    wb = sample_workbook(org)
    playbook = default_playbook(wb)
    filled = Workbook.model_validate({**wb.model_dump(), "response_playbook": playbook})
    rules = {r.category: r for r in filled.response_playbook.rules}
    assert rules["complaint"].max_hours == 1 and "spam" not in rules
    assert all(set(r.templates) == {"es", "en"} for r in rules.values())
    assert rules["crisis_signal"].escalate
    data = prefill_response(wb)
    assert data["informants"] and Workbook.model_validate(data).response_playbook.rules
