"""Singular and plural from the catalogue: "1 mensaje etiquetado", "2 mensajes etiquetados".

A plural entry is a map with `one` and `other` (CLDR's categories for both
Spanish and English); `tn` picks the form for `count` and passes `count` on,
so no screen writes "mensaje(s)" or "1 statements".
"""

from __future__ import annotations

from cmtraining.i18n import t


def tn(key: str, count: int | float, lang: str | None = None, **params) -> str:
    """`t(key.one | key.other)` for `count` (one only for exactly 1)."""
    form = "one" if count == 1 else "other"
    return t(f"{key}.{form}", lang, count=count, **params)


class Counted(int):
    """A count that renders with its noun in the right number: "1 red", "3 redes".

    A finding's parameter: it compares as the int it is, and `Finding.message`
    renders it through the catalogue's `common.n.<noun>.one|other`.
    """

    def __new__(cls, count: int, noun: str, prefix: str = "common.n"):
        obj = super().__new__(cls, count)
        obj.noun, obj.prefix = noun, prefix
        return obj

    def render(self, lang: str | None) -> str:
        key = self.noun if "." in self.noun else f"{self.prefix}.{self.noun}"  # or a full key
        return tn(key, int(self), lang)
