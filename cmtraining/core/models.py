"""The package's pydantic bases: a strict model, a frozen one, one bilingual text.

Every file the package reads (a workbook, a dataset, an exercise) is
validated by a model that refuses unknown fields: an unknown field is a
typo, and a typo silently ignored is a setting silently lost. Texts shown
to users come in Spanish and English side by side, as one `Bilingual`
type whose text constraints each use states (`Bilingual[Title]`).
"""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict

TextT = TypeVar("TextT")


class StrictModel(BaseModel):
    """Unknown fields are typos: refused (extra="forbid")."""

    model_config = ConfigDict(extra="forbid")


class FrozenModel(StrictModel):
    """A strict model that never changes once loaded (the shipped datasets, an exercise)."""

    model_config = ConfigDict(frozen=True)


class Bilingual(FrozenModel, Generic[TextT]):
    """One user-facing text in Spanish and English; `TextT` states its constraints.

    `Bilingual[str]` takes any text; `Bilingual[Annotated[str, Field(min_length=3)]]`
    refuses a shorter one in either language.
    """

    es: TextT
    en: TextT

    def get(self, lang: str | None = None):
        """The text in `lang`: English for "en", Spanish (the default) otherwise."""
        return self.en if lang == "en" else self.es

    def render(self, lang: str | None) -> str:
        """As a finding's parameter (`cmtraining.core.findings`): the text in `lang`."""
        return self.get(lang)
