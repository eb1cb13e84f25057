"""The one parameter contract behind papermill, Voila URLs, the CLI and links."""

from __future__ import annotations

import ast
import json

import pytest

from cmtraining.errors import ParameterError
from cmtraining.parameters import CONTRACTS, contract, resolve

from .conftest import ROOT


def test_defaults_are_filled_in():
    assert resolve("00-profile", {}) == {"workbook": "", "org": "ngo", "lang": "es"}


@pytest.mark.parametrize("raw, needle", [
    ({"lang": "fr"}, "«fr» no admitido para «lang»"),
    ({"org": "nope"}, "«nope» no admitido para «org»"),
    ({"colour": "red"}, "Parámetro desconocido «colour»"),
    ({"lang": 3}, "debe ser de tipo str"),
    ({"workbook": "../../etc/passwd"}, "no es un id de cuaderno válido"),
    ({"workbook": "ghost"}, "No hay ningún cuaderno «ghost»"),
])
def test_bad_values_are_refused_with_a_clear_message(raw, needle, workspace):
    with pytest.raises(ParameterError) as info:
        resolve("00-profile", raw)
    assert needle in str(info.value)


def test_the_message_follows_a_valid_lang():
    with pytest.raises(ParameterError) as info:
        resolve("00-profile", {"org": "nope", "lang": "en"})
    assert "is not allowed for “org”" in str(info.value)


def test_urls_may_not_name_files_but_papermill_may(sample_file, workspace):
    assert resolve("00-profile", {"workbook": str(sample_file)})["workbook"] == str(sample_file)
    with pytest.raises(ParameterError):
        resolve("00-profile", {"workbook": str(sample_file)}, source="url")


def test_voila_own_query_arguments_are_ignored_in_urls():
    assert resolve("00-profile", {"theme": "dark", "lang": "en"}, source="url")["lang"] == "en"


def test_unknown_notebook():
    with pytest.raises(ParameterError, match="99-nope"):
        contract("99-nope.ipynb")


def _parameters_cell(stem):
    nb = json.loads((ROOT / "notebooks" / f"{stem}.ipynb").read_text(encoding="utf-8"))
    tagged = [c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", [])]
    assert len(tagged) == 1, f"{stem}: one tagged parameters cell"
    return "".join(tagged[0]["source"])


@pytest.mark.parametrize("stem", sorted(CONTRACTS))
def test_each_notebook_parameters_cell_matches_its_declaration(stem):
    source = _parameters_cell(stem)
    assert source == contract(stem).cell_source()
    assigned = {n.target.id: ast.literal_eval(n.value) for n in ast.parse(source).body}
    assert assigned == contract(stem).defaults()
    # and papermill's own inspection reads the same names, types, defaults and help
    import papermill as pm

    seen = pm.inspect_notebook(str(ROOT / "notebooks" / f"{stem}.ipynb"))
    for param in contract(stem).params:
        info = seen[param.name]
        assert info["inferred_type_name"] == param.type.__name__
        assert ast.literal_eval(info["default"]) == param.default
        assert info["help"] == param.help("en")


def test_every_served_notebook_has_a_contract():
    stems = {p.stem for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert stems == set(CONTRACTS)
