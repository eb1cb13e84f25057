"""A finding: one explained result of a check (invariant 4).

Every check in the planning engines returns findings, never bare scores:
the rule that was applied, the value that triggered it and a message a
trainee can act on, each rendered in `es` or `en` from the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from cmtraining.core.numbers import day, decimal, month, percent
from cmtraining.i18n import t

Level = Literal["ok", "info", "warning", "error"]
LEVEL_ORDER = {"error": 0, "warning": 1, "info": 2, "ok": 3}


class Key(str):
    """A parameter that is itself a catalogue key, translated when rendered."""

    def render(self, lang: str | None) -> str:
        return t(self, lang)


class Phrase(str):
    """A catalogue key with its own parameters, rendered inside another message."""

    def __new__(cls, key: str, **params):
        obj = super().__new__(cls, key)
        obj.params = params
        return obj

    def render(self, lang: str | None) -> str:
        return t(self, lang, **{k: v.render(lang) if hasattr(v, "render") else v
                                for k, v in self.params.items()})


class KeyList(tuple):
    """Catalogue keys `prefix.item` for each item, joined with commas when rendered."""

    def __new__(cls, prefix: str, items):
        obj = super().__new__(cls, items)
        obj.prefix = prefix
        return obj

    def render(self, lang: str | None) -> str:
        return ", ".join(t(f"{self.prefix}.{item}", lang) for item in self) or "—"


class KeyWords(KeyList):
    """Catalogue keys rendered as words in running text: lower case, joined as the language
    joins a list ("texto, imagen y enlace" / "text, image and link")."""

    def render(self, lang: str | None) -> str:
        from babel.lists import format_list

        words = [t(f"{self.prefix}.{item}", lang) for item in self]
        words = [w[:1].lower() + w[1:] for w in words]
        return format_list(words, locale=lang or "es") if words else "—"


class Percent(float):
    """A fraction shown as a signed percentage in the reader's number format."""

    def render(self, lang: str | None) -> str:
        return percent(float(self), lang or "es", sign=True)


class Share(float):
    """A part of a whole (0 to 1) shown as an unsigned percentage: "50,3 %", never "+50,3 %"."""

    def render(self, lang: str | None) -> str:
        return percent(float(self), lang or "es")


class Number(float):
    """A number shown with the reader's decimal separator (up to 4 decimals)."""

    def render(self, lang: str | None) -> str:
        return decimal(float(self), lang or "es", decimals=4, trim=True)


class Day:
    """A date shown as the reader writes it: "4 jun 2027" / "Jun 4, 2027" (issue 19.8)."""

    def __init__(self, value):
        self.value = value

    def __str__(self) -> str:
        return self.value.isoformat()

    def __eq__(self, other) -> bool:
        return self.value == (other.value if isinstance(other, Day) else other)

    def __hash__(self) -> int:
        return hash(self.value)

    def render(self, lang: str | None) -> str:
        return day(self.value, lang or "es")


class Month(Day):
    """A month shown as the reader writes it: "oct 2026" / "Oct 2026"."""

    def render(self, lang: str | None) -> str:
        return month(self.value, lang or "es")


def render_params(params: dict, lang: str | None) -> dict:
    """Each parameter with a `render` (a catalogue key, a number) in the reader's language."""
    return {k: v.render(lang) if hasattr(v, "render") else v for k, v in params.items()}


@dataclass(frozen=True)
class Finding:
    code: str  # stable id, e.g. "smart.achievable" or "post.length"
    level: Level
    rule_key: str  # catalogue key of the rule, in words
    message_key: str  # catalogue key of what to do
    value: Any = None  # the input that triggered the finding
    params: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.level in ("ok", "info")

    def rule(self, lang: str | None = None) -> str:
        return t(self.rule_key, lang, **render_params(self.params, lang))

    def message(self, lang: str | None = None) -> str:
        return t(self.message_key, lang, **render_params(self.params, lang))

    def as_dict(self, lang: str | None = None) -> dict:
        return {"code": self.code, "level": self.level, "rule": self.rule(lang),
                "value": self.value, "message": self.message(lang)}


def worst_first(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: LEVEL_ORDER[f.level])
