"""The catalogue: both languages complete, placeholders consistent, keys used exist."""

import re

import pytest

from cmtraining.core.errors import UnknownLanguageError
from cmtraining.i18n import LANGS, catalogue, placeholders, t
from tests.conftest import ROOT


def test_every_key_in_both_languages():
    es, en = set(catalogue("es")), set(catalogue("en"))
    assert es - en == set(), f"missing in en: {sorted(es - en)}"
    assert en - es == set(), f"missing in es: {sorted(en - es)}"


def test_placeholders_match_between_languages():
    from cmtraining.response.playbook import blank_slot

    def same(key: str, text: str) -> set[str]:
        found = placeholders(text)
        if key.startswith("response.playbook.template."):  # a template's blanks: each
            return {blank_slot(word) or word for word in found}  # language writes its own
        return found

    for key, text in catalogue("es").items():
        assert same(key, text) == same(key, catalogue("en")[key]), key


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
    missing = {k for k in used if k.rstrip(".") not in known and k.rstrip(".") not in prefixes}
    assert missing == set()


def test_spanish_is_the_default(monkeypatch):
    monkeypatch.delenv("CMTRAINING_LANG", raising=False)
    assert t("app.landing.create") == "Crear cuaderno"
    assert t("app.landing.create", "en") == "Create workbook"


def test_unknown_language_is_a_clear_error():
    with pytest.raises(UnknownLanguageError) as info:
        t("app.landing.create", "fr")
    assert "fr" in str(info.value) and "es, en" in str(info.value)


def test_parameters_fill_in():
    assert t("cli.new.done", "en", path="w.yaml") == "Workbook created: w.yaml"


# --- one rule for the catalogue files (issue 16.2) --------------------------------------

I18N = ROOT / "cmtraining" / "i18n"
#: the layer packages the `layers` branch creates (cmtraining/core, runtime, cli)
LAYER_PACKAGES = {"core", "runtime", "cli"}


def _owners() -> set[str]:
    """Who may own a catalogue file: a package of cmtraining, `app` or `common`."""
    packages = {p.parent.name for p in (ROOT / "cmtraining").glob("*/__init__.py")}
    return (packages - {"apps"}) | LAYER_PACKAGES | {"app", "common"}


def test_each_catalogue_file_holds_one_top_level_key_named_after_its_owner():
    """`<lang>-<top>.yaml` holds only `<top>:`, the package that owns its strings."""
    from cmtraining.core.yamlio import load_yaml

    owners = _owners()
    files = sorted(I18N.glob("*.yaml"))
    for lang in LANGS:
        assert any(p.name.startswith(f"{lang}-") for p in files), lang
    for path in files:
        lang, _, top = path.stem.partition("-")
        assert lang in LANGS and top, f"{path.name}: name it <lang>-<top>.yaml"
        with open(path, encoding="utf-8") as fh:
            tree = load_yaml(fh)
        assert list(tree) == [top], f"{path.name} holds {list(tree)}, not only {top}:"
        assert top in owners, f"{path.name}: {top} is not a package of cmtraining, app or common"
    names = {lang: {p.name.split("-", 1)[1] for p in files if p.name.startswith(f"{lang}-")}
             for lang in LANGS}
    assert names["es"] == names["en"]


def test_app_strings_are_grouped_by_the_app_that_shows_them():
    """`app.<app>.*`: <app> is a module of cmtraining/apps (a stage app by its stage key), or
    the common prefix of a family of app modules (`app.workshop.*` for `workshop_*.py`)."""
    modules = {p.stem for p in (ROOT / "cmtraining" / "apps").glob("*.py")} - {"__init__"}
    apps = modules | {m.split("_")[0] for m in modules if "_" in m}
    second = {key.split(".")[1] for key in catalogue("es") if key.startswith("app.")}
    assert second - apps - {"common"} == set()
    assert {"crisis", "response", "landing", "common"} <= second


def test_a_key_defined_in_two_files_is_an_error(tmp_path, monkeypatch):
    import cmtraining.i18n as i18n

    (tmp_path / "es-app.yaml").write_text("app:\n  common:\n    x: uno\n", encoding="utf-8")
    (tmp_path / "es-common.yaml").write_text("app:\n  common:\n    x: dos\n", encoding="utf-8")
    monkeypatch.setattr(i18n, "_HERE", tmp_path)
    i18n.catalogue.cache_clear()
    try:
        with pytest.raises(ValueError, match="redefines"):
            i18n.catalogue("es")
    finally:
        monkeypatch.undo()
        i18n.catalogue.cache_clear()


# --- singular and plural (issues 19.5 and 21) ----------------------------------------------

HEDGED_PLURAL = re.compile(r"\w\((?:s|es|n|ies|as|os)\)")


def test_no_entry_hedges_its_plural_with_brackets():
    """"mensaje(s) etiquetado(s)" reads as a form, not a sentence: each count picks its form."""
    for lang in LANGS:
        hedged = {k: v for k, v in catalogue(lang).items() if HEDGED_PLURAL.search(v)}
        assert not hedged, (lang, hedged)


@pytest.mark.parametrize("lang, one, many", [
    ("es", "1 fila sin texto se ha dejado fuera.", "3 filas sin texto se han dejado fuera."),
    ("en", "1 row without text was left out.", "3 rows without text were left out."),
])
def test_a_plural_entry_is_chosen_by_its_count(lang, one, many):
    assert t("listening.importer.note.no_text", lang, count=1) == one
    assert t("listening.importer.note.no_text", lang, count=3) == many


def test_a_reply_counts_its_words_and_sentences_in_the_right_number():
    from cmtraining.response.replies import check_reply

    review = check_reply("Gracias.", message="¿Abrís el domingo?", lang="es")
    found = {f.code: f for f in review.findings}
    assert found["reply.brevity"].message("es").startswith("1 palabra en 1 frase:")
    assert found["reply.brevity"].message("en").startswith("1 word in 1 sentence:")


def test_one_minus_sign_everywhere():
    """The number formatter writes "-3,0 %" (CLDR's minus for es and en): the catalogue's
    own figures and formulas use the same sign, not U+2212 beside it (sweep 6)."""
    for lang in LANGS:
        assert [k for k, v in catalogue(lang).items() if "\u2212" in v] == [], lang
