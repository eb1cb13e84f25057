"""Quotation marks of the reader's language: «cruasanes» in Spanish, “croissants” in English.

A finding's parameter that quotes words (a list of misspelt words, of names
to mention) is a `Quoted`: it keeps its items and chooses the marks when the
message is rendered, so an English message never shows Spanish «».
"""

from __future__ import annotations

MARKS = {"es": ("«", "»"), "en": ("\u201c", "\u201d")}


def quote(text: str, lang: str | None) -> str:
    opening, closing = MARKS.get(lang or "es", MARKS["es"])
    return f"{opening}{text}{closing}"


class Quoted(tuple):
    """Items quoted and joined with commas when rendered; an empty list reads "—".

    `hints`: for each item, words to suggest after it ("«aqui» (→ aquí)")."""

    def __new__(cls, items, hints: dict | None = None, empty: str = "—"):
        obj = super().__new__(cls, tuple(items))
        obj.hints, obj.empty = hints or {}, empty
        return obj

    def render(self, lang: str | None) -> str:
        def one(item) -> str:
            hint = self.hints.get(item)
            return quote(item, lang) + (f" (→ {' / '.join(hint)})" if hint else "")

        return ", ".join(one(x) for x in self) or self.empty

    def __str__(self) -> str:  # outside a finding (logs, tests): the default language
        return self.render(None)
