"""The catalogue: both languages complete, placeholders consistent, keys used exist."""

import re

import pytest

from cmtraining.errors import UnknownLanguageError
from cmtraining.i18n import LANGS, catalogue, placeholders, t

from .conftest import ROOT


def test_every_key_in_both_languages():
    es, en = set(catalogue("es")), set(catalogue("en"))
    assert es - en == set(), f"missing in en: {sorted(es - en)}"
    assert en - es == set(), f"missing in es: {sorted(en - es)}"


def test_placeholders_match_between_languages():
    for key, text in catalogue("es").items():
        assert placeholders(text) == placeholders(catalogue("en")[key]), key


def test_no_empty_strings():
    for lang in LANGS:
        assert all(v.strip() for v in catalogue(lang).values()), lang


def test_keys_used_in_code_exist():
    """Every literal key passed to t() or an error constructor is in the catalogue."""
    pattern = re.compile(r"""(?:\bt\(|Error\(|Error\(\s*)\s*f?["']([a-z_]+\.[a-z0-9_.]+)["']""")
    known = set(catalogue("en"))
    prefixes = {k.rsplit(".", 1)[0] for k in known}
    used = set()
    for path in (ROOT / "cmtraining").rglob("*.py"):
        used |= set(pattern.findall(path.read_text(encoding="utf-8")))
    assert used, "the scan found no keys: the pattern is broken"
    missing = {k for k in used if k not in known and k not in prefixes}
    assert missing == set()


def test_spanish_is_the_default(monkeypatch):
    monkeypatch.delenv("CMTRAINING_LANG", raising=False)
    assert t("landing.create") == "Crear cuaderno"
    assert t("landing.create", "en") == "Create workbook"


def test_unknown_language_is_a_clear_error():
    with pytest.raises(UnknownLanguageError) as info:
        t("landing.create", "fr")
    assert "fr" in str(info.value) and "es, en" in str(info.value)


def test_parameters_fill_in():
    assert t("cli.new.done", "en", path="w.yaml") == "Workbook created: w.yaml"
