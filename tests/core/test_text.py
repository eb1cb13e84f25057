"""Text helpers shared by the apps."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cmtraining.core.text import first_upper


def test_a_list_option_starts_with_a_capital_and_keeps_the_rest():
    assert first_upper("publicación fijada") == "Publicación fijada"
    assert first_upper("escalar al comité de crisis") == "Escalar al comité de crisis"
    assert first_upper("") == ""


@given(st.text())
def test_only_the_first_character_changes(text):
    out = first_upper(text)
    assert out[len(text[:1].upper()):] == text[1:]
