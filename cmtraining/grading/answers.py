"""Small tools for writing hidden checks that never raise.

A check receives the trainee's answers as JSON-like values (the grader dumps
the answer variables to JSON; anything it cannot serialise arrives as its
repr string), so every value may be missing, of the wrong type or absurd.
`total` turns any slip in a check into zero points with a message the
trainee can act on, and clamps the fraction to 0..1; the `as_*` helpers read
answers defensively so that a check's own logic stays short.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

from cmtraining.i18n import LANGS, t

Result = tuple[float, str]


def lang_of(lang: Any) -> str:
    return lang if lang in LANGS else "es"


def msg(key: str, lang: str, **params) -> str:
    """A check message from the exercises catalogue (`grading.exercises.<key>`)."""
    return t(f"grading.exercises.{key}", lang_of(lang), **params)


def missing(name: str, lang: str) -> Result:
    return 0.0, msg("common.missing", lang, name=name)


def total(func: Callable[[dict, str], Result]) -> Callable[[dict, str], Result]:
    """Make a check total: any exception or odd return becomes (0.0, a message)."""

    @functools.wraps(func)
    def wrapper(answers, lang="es"):
        lang = lang_of(lang)
        if not isinstance(answers, dict):
            return 0.0, msg("common.no_answers", lang)
        try:
            fraction, message = func(answers, lang)
            fraction = float(fraction)
        except Exception as exc:  # noqa: BLE001 - a check must never crash the grader
            return 0.0, msg("common.malformed", lang, error=type(exc).__name__)
        if not math.isfinite(fraction):
            fraction = 0.0
        return min(1.0, max(0.0, fraction)), str(message)

    return wrapper


def as_list(value: Any) -> list | None:
    return list(value) if isinstance(value, list | tuple) else None


def as_text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def as_number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def as_dict(value: Any) -> dict | None:
    return value if isinstance(value, dict) else None


def share(good: int, count: int) -> float:
    return good / count if count else 0.0
