"""The inbox's working order and the reply templates, as engine functions (issue 16.2)."""

from __future__ import annotations

import re

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from cmtraining.response.inbox_order import INBOX_SIZE, ranked, shown
from cmtraining.response.playbook import (
    escalation_from_rows,
    fill_template,
    reply_author,
    rules_from_rows,
    template_for,
)
from cmtraining.response.triage import PRIORITIES
from cmtraining.workbook.sections_response import ResponsePlaybook

CATEGORIES = ("question", "complaint", "spam", "crisis_signal")


class _Decision:
    def __init__(self, category):
        self.category = category


rows_strategy = st.lists(st.tuples(st.sampled_from(PRIORITIES), st.sampled_from(CATEGORIES),
                                   st.integers(0, 10_000)), max_size=40)


def _frame(rows):
    return pd.DataFrame({
        "triage_priority": [p for p, _, _ in rows], "triage_category": [c for _, c, _ in rows],
        "at": [pd.Timestamp("2026-11-01") + pd.Timedelta(minutes=m) for _, _, m in rows]})


@given(rows_strategy)
def test_the_inbox_is_most_urgent_first_newest_first_and_without_spam(rows):
    frame = _frame(rows)
    order = ranked(frame)
    assert sorted(order) == [i for i, (_, c, _) in enumerate(rows) if c != "spam"]
    keys = [(PRIORITIES.index(frame.at[i, "triage_priority"]), -frame.at[i, "at"].timestamp())
            for i in order]
    assert keys == sorted(keys)


@given(rows_strategy, st.sampled_from(("", *CATEGORIES)), st.integers(0, 50))
def test_a_category_filter_keeps_the_order_and_the_limit(rows, category, limit):
    frame = _frame(rows)
    decisions = [_Decision(c) for _, c, _ in rows]
    order = ranked(frame)
    picked = shown(order, decisions, category, limit)
    assert len(picked) <= limit and picked == [i for i in order if i in picked]
    assert all(not category or decisions[i].category == category for i in picked)
    assert shown(order, decisions) == order[:INBOX_SIZE]


def test_templates_come_from_the_playbook_else_the_catalogue():
    playbook = ResponsePlaybook.model_validate({"rules": rules_from_rows([
        {"category": "complaint", "department": "Sala", "max_hours": None, "escalate": 0,
         "template_es": "Hola, {name}: lo mira {department}.", "template_en": ""}])})
    assert playbook.rules[0].max_hours == 1.0 and playbook.rules[0].templates == {
        "es": "Hola, {name}: lo mira {department}."}
    assert template_for(playbook, "complaint", "es").startswith("Hola, {name}")
    english = template_for(playbook, "complaint", "en")  # none written in English: the catalogue's
    assert english and "lo mira" not in english
    assert template_for(playbook, "spam", "es") == ""
    row = {"author_name": "Grace Díaz", "author": "@gracediaz29"}
    assert fill_template("Hola, {name}: lo mira {department}.", row, "Sala") == \
        "Hola, Grace: lo mira Sala."
    assert fill_template("{name} {department}", {"author_name": "", "author": "@x"}) == \
        "@x {department}"
    # a Spanish template's blanks are Spanish words; the English ones still work (older playbooks)
    assert fill_template("Hola, {nombre}: lo mira {departamento}; {problema}.", row, "Sala") == \
        "Hola, Grace: lo mira Sala; {problema}."
    assert reply_author(row) == "Grace Díaz (@gracediaz29)"
    assert reply_author({"author_name": None, "author": "@x"}) == "@x"


def test_escalation_rows_default_to_an_hour_and_a_zero_threshold_means_none():
    saved = escalation_from_rows([{"trigger": "influencer", "to": "Dirección",
                                   "within_minutes": None, "threshold": 0.0},
                                  {"trigger": "influencer", "within_minutes": 15.0,
                                   "threshold": 5000.0}])
    assert saved == [{"trigger": "influencer", "to": "Dirección", "within_minutes": 60,
                      "threshold": None},
                     {"trigger": "influencer", "to": "", "within_minutes": 15, "threshold": 5000}]


def test_every_blank_of_a_catalogue_template_is_a_word_of_its_language():
    """Sweep 5: Spanish screens showed {issue} and {department}; each language writes its own."""
    from cmtraining.i18n import LANGS, t
    from cmtraining.response.playbook import BLANKS, CATEGORIES, blank, blank_slot

    for lang in LANGS:
        own = {blank(slot, lang) for slot in BLANKS}
        for category in CATEGORIES:
            text = t(f"response.playbook.template.{category}", lang)
            assert set(re.findall(r"\{\w+\}", text)) <= own, (lang, category, text)
        assert blank_slot(t("response.blank.issue", lang)) == "issue"
    assert blank("name", "es") == "{nombre}" and blank("name", "en") == "{name}"
    assert blank_slot("nombre") == blank_slot("name") == "name" and blank_slot("pedido") is None
