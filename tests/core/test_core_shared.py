"""The shared pieces in `cmtraining.core`: one accent folder, one slug, one bilingual text.

The folder replaced six hand-written copies in the engines; each engine now
calls it with the parameters that reproduce its old copy, and the property
tests below hold the new calls to the old code, kept here as the reference.
"""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from cmtraining.core.text import fold_accents, slugify

# --- the six copies as they were (commit 3cc2f0b), the reference -------------------------


def old_nfd_category(text):  # listening/grammar.py, core/countries.py
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def old_lower_nfd_category(text):  # listening/audit.py, response/triage.py
    return "".join(c for c in unicodedata.normalize("NFD", str(text).lower())
                   if unicodedata.category(c) != "Mn")


def old_nfkd_class(word):  # listening/sentiment/normalize.py (after its own squeeze)
    if word.isascii():
        return word
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def old_lower_nfkd_class(name):  # listening/layouts.py, evaluation/metrics_csv.py
    plain = unicodedata.normalize("NFKD", str(name).lower())
    return "".join(c for c in plain if not unicodedata.combining(c))


def old_keep_enye(word):  # planning/post_rules.py
    word = word.lower()
    if word.isascii():
        return word
    out = unicodedata.normalize("NFD", word.replace("ñ", "\0"))
    return "".join(c for c in out if not unicodedata.combining(c)).replace("\0", "ñ")


def old_slug(text):  # workspace.slugify; grader.trainee_id is the same without the cap
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


# Latin with its accents, plus marks of other scripts (where "category" and "class" differ)
LETTERS = st.characters(codec="utf-8", exclude_categories=("Cs",))
TEXT = st.text(LETTERS, max_size=30)
# the old post_rules copy used NUL as its stand-in for ñ (a NUL came back as ñ); the new one
# uses a private-use code point: texts with either are the one place the two differ
TEXT_NO_STAND_IN = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\0\U000f0000"),
    max_size=30)


@settings(max_examples=300)
@given(TEXT)
def test_fold_accents_reproduces_every_old_copy(text):
    assert fold_accents(text) == old_nfd_category(text)
    assert fold_accents(text, lower=True) == old_lower_nfd_category(text)
    assert fold_accents(text, compatibility=True, marks="class") == old_nfkd_class(text)
    assert (fold_accents(text, lower=True, compatibility=True, marks="class")
            == old_lower_nfkd_class(text))


@settings(max_examples=300)
@given(TEXT_NO_STAND_IN)
def test_fold_accents_keeping_enye_reproduces_the_post_checker(text):
    assert fold_accents(text, lower=True, keep="ñ", marks="class") == old_keep_enye(text)


@given(TEXT)
def test_slugify_reproduces_the_workspace_and_grader_slugs(text):
    assert slugify(text) == old_slug(text)[:48].strip("-")
    assert slugify(text, limit=None) == old_slug(text)


@pytest.mark.parametrize(("text", "options", "folded"), [
    ("Árbol, pingüino", {}, "Arbol, pinguino"),
    ("Año NUEVO", {"lower": True}, "ano nuevo"),
    ("Año NUEVO", {"lower": True, "keep": "ñ"}, "año nuevo"),
    ("ﬁesta²", {}, "ﬁesta²"),
    ("ﬁesta²", {"compatibility": True}, "fiesta2"),
])
def test_fold_accents_parameters(text, options, folded):
    assert fold_accents(text, **options) == folded


def test_the_engines_fold_with_the_core_function_only():
    """No engine normalises Unicode by hand any more: one folder, in core/text.py."""
    from tests.conftest import ROOT

    copies = [str(p.relative_to(ROOT)) for p in (ROOT / "cmtraining").rglob("*.py")
              if "unicodedata.normalize" in p.read_text(encoding="utf-8")]
    assert copies == ["cmtraining/core/text.py"]


# --- one bilingual text, one strict base ----------------------------------------------


def test_bilingual_text_states_its_constraints_and_refuses_unknown_fields():
    from typing import Annotated

    from pydantic import Field

    from cmtraining.core.models import Bilingual

    title = Bilingual[Annotated[str, Field(min_length=3)]]
    assert title(es="Hola", en="Hello").get("en") == "Hello"
    assert title(es="Hola", en="Hello").get("fr") == "Hola"  # Spanish is the default
    assert title(es="Hola", en="Hello").render("es") == "Hola"  # usable as a finding's parameter
    with pytest.raises(ValidationError) as short:
        title(es="Hi", en="Hello")
    assert short.value.errors()[0]["loc"] == ("es",)
    with pytest.raises(ValidationError):
        title(es="Hola", en="Hello", fr="Bonjour")
    with pytest.raises(ValidationError):  # frozen: a loaded text never changes
        title(es="Hola", en="Hello").es = "Adiós"


def test_the_five_bilingual_texts_are_one_type():
    from cmtraining.core.models import Bilingual
    from cmtraining.crisis.scenarios import ScenarioText
    from cmtraining.evaluation.competency import ResourceText
    from cmtraining.grading.exercise import Title
    from cmtraining.networks import BilingualList, Text
    from cmtraining.samples.organizations import Organization

    org_title = Organization.model_fields["title"].annotation
    for kind in (ScenarioText, ResourceText, Title, Text, BilingualList, org_title):
        assert issubclass(kind, Bilingual), kind


def test_scenario_text_keeps_the_workbook_rules():
    """Scenario texts sit inside workbook models: spaces dropped, assignments re-validated."""
    from cmtraining.crisis.scenarios import ScenarioText

    text = ScenarioText(es="  Hola {org} ", en="Hi {org}")
    assert text.es == "Hola {org}"
    with pytest.raises(ValidationError):
        text.es = ""


def test_every_model_is_strict():
    """Every pydantic model of the package refuses unknown fields (one base in core)."""
    import importlib
    import pkgutil

    from pydantic import BaseModel

    import cmtraining

    for info in pkgutil.walk_packages(cmtraining.__path__, "cmtraining."):
        if info.name.startswith(("cmtraining.apps", "cmtraining.cli")) or "__main__" in info.name:
            continue
        importlib.import_module(info.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    loose = sorted({f"{m.__module__}.{m.__qualname__}" for m in subclasses(BaseModel)
                    if m.__module__.startswith("cmtraining")
                    and m.model_config.get("extra") != "forbid"})
    assert loose == []
