"""Numbers as the reader writes them (cmtraining.core.numbers), used by every app and report."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cmtraining.core.numbers import NBSP, NumberEntryError, count, decimal, parse_number, percent


@pytest.mark.parametrize("value, kwargs, es, en", [
    (0.125, {}, "12,5\u00a0%", "12.5%"),
    (0.0058, {"small": True}, "0,58\u00a0%", "0.58%"),
    (0.03, {"decimals": 0, "sign": True}, "+3\u00a0%", "+3%"),
    (-0.2346, {"sign": True}, "-23,5\u00a0%", "-23.5%"),
    (-0.0004, {"sign": True}, "0,0\u00a0%", "0.0%"),  # never "-0,0" nor "+0,0"
    (None, {}, "—", "—"),
    (float("nan"), {}, "—", "—"),
])
def test_percent(value, kwargs, es, en):
    assert percent(value, "es", **kwargs) == es
    assert percent(value, "en", **kwargs) == en


def test_huge_and_infinite_values_are_written_not_raised():
    """Hypothesis found it: a 10^27 % growth (a typo in a target) broke Babel's rounding."""
    assert percent(5.306208830637801e25, "en", sign=True).startswith("+5,306,208,830,637,80")
    assert decimal(1e300, "es").endswith(",0") and count(1e20, "en") == "100,000,000,000,000,000,000"
    assert percent(float("inf"), "es") == "∞\u00a0%" and decimal(float("-inf"), "en") == "-∞"


def test_counts_and_decimals():
    assert (count(116222, "es"), count(116222, "en")) == ("116.222", "116,222")
    assert (decimal(1234.56, "es"), decimal(1234.56, "en")) == ("1.234,6", "1,234.6")
    assert decimal(2.0, "es", trim=True) == "2" and decimal(-0.04, "en", sign=True) == "0.0"


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False) | st.floats(-1e300, 1e300),
       st.sampled_from(["es", "en"]),
       st.integers(0, 3), st.booleans())
def test_a_percent_is_one_number_and_its_sign(value, lang, decimals, sign):
    text = percent(value, lang, decimals=decimals, sign=sign)
    number = text.removesuffix(NBSP + "%") if lang == "es" else text.removesuffix("%")
    assert text.endswith("%") and " " not in text
    assert re.fullmatch(r"[+-]?\d{1,3}([.,]\d{3})*([.,]\d+)?", number), text
    assert not re.fullmatch(r"[+-]0([.,]0+)?", number), text  # no signed zero
    plain = number.replace("." if lang == "es" else ",", "").replace(",", ".")
    assert abs(float(plain) - round(value * 100, decimals)) <= 10 ** -decimals


# --- 21.6 numbers as the reader writes them --------------------------------------------


@pytest.mark.parametrize("lang, text, value", [
    ("es", "4.000", 4000), ("es", "4,5", 4.5), ("es", "1.234,5", 1234.5), ("es", "4000", 4000),
    ("es", "12,5 %", 12.5), ("es", "-0,3", -0.3), ("es", "-0,1", -0.1), ("es", "10.000", 10000),
    ("en", "4,000", 4000), ("en", "4.5", 4.5), ("en", "1,234.5", 1234.5), ("en", "12.5%", 12.5),
])
def test_numbers_are_read_in_the_readers_language(lang, text, value):
    assert parse_number(text, lang, percent_sign=True) == pytest.approx(value)


@pytest.mark.parametrize("lang, text", [
    ("es", "tres mil"), ("en", "three thousand"), ("es", "4.00"), ("en", "4,5"), ("es", ""),
    ("es", "1,234.5"), ("en", "1.234,5"), ("es", "4 000 €"), ("en", "nan"), ("en", "inf"),
    # a mark that cannot be grouping is not guessed to be the other language's decimal
    ("es", "-0.1"), ("es", "diez"),
])
def test_unreadable_numbers_are_refused_with_an_example(lang, text):
    with pytest.raises(NumberEntryError) as caught:
        parse_number(text, lang)
    assert ("1.234,5" if lang == "es" else "1,234.5") in caught.value.message(lang)


@settings(max_examples=200, deadline=None)
@given(st.floats(-1e9, 1e9, allow_nan=False), st.sampled_from(["es", "en"]))
def test_what_is_shown_reads_back_as_the_same_number(x, lang):
    shown = decimal(x, lang, decimals=4, trim=True)
    assert parse_number(shown, lang) == pytest.approx(round(x, 4), abs=1e-9)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 23), st.integers(0, 59), st.sampled_from(["es", "en"]))
def test_a_time_of_day_shown_to_a_reader_reads_back_as_typed(hour, minute, lang):
    """Service hours on an English screen read "9:00 AM" (sweep 3: 24-hour times there);
    whatever the screen shows, saved back it is the same time."""
    from cmtraining.core.numbers import clock, parse_clock

    stored = f"{hour:02d}:{minute:02d}"
    shown = clock(stored, lang)
    assert parse_clock(shown) == stored
    assert ("M" in shown) == (lang == "en")


@pytest.mark.parametrize("typed, stored", [
    ("9", "09:00"), ("9:30", "09:30"), ("6 pm", "18:00"), ("6:30 p.m.", "18:30"),
    ("12 am", "00:00"), ("18.30", "18:30"), ("18h", "18:00"), ("25:00", "25:00"),
    ("13 pm", "13 pm"), ("nueve", "nueve")])
def test_a_typed_time_is_stored_or_left_for_the_field_to_refuse(typed, stored):
    from cmtraining.core.numbers import parse_clock

    assert parse_clock(typed) == stored


@given(st.text(alphabet="0123456789 ,.habcñ%/-", max_size=40))
def test_a_figure_never_breaks_from_its_unit_and_nothing_else_changes(text):
    from cmtraining.core.numbers import keep_figures_with_units

    kept = keep_figures_with_units(text, heading=True)
    assert kept.replace(NBSP, " ").replace("\u2011", "-") == \
        text.replace(NBSP, " ").replace("\u2011", "-")
    assert not re.search(r"\d [^\W\d_%]|\d %|[^\W\d_] \d|\d-\d", kept)


def test_the_effort_note_keeps_hours_beside_their_figure():
    from cmtraining.core.numbers import keep_figures_with_units

    assert keep_figures_with_units("unas 3,1 h/semana; tienes 6 h.") == \
        f"unas 3,1{NBSP}h/semana; tienes 6{NBSP}h."
    assert keep_figures_with_units("al minuto 300", heading=True) == f"al minuto{NBSP}300"
    assert keep_figures_with_units("(25-49 años)") == "(25\u201149" + NBSP + "años)"
