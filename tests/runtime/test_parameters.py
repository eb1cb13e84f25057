"""The one parameter contract behind papermill, Voila URLs, the CLI and links."""

from __future__ import annotations

import ast
import json

import pytest

from cmtraining.core.errors import ParameterError
from cmtraining.runtime.parameters import CONTRACTS, contract, resolve
from tests.conftest import ROOT


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


# --- Issue 15.5 and 20.8: the contract names what is wrong, and reads integers as people write them


@pytest.mark.parametrize("raw", ["１２", "1_0", "٣", " 12", "12 ", "0x10", "1e3", "+", "", "9" * 5000])
def test_urls_take_only_ascii_digits_with_an_optional_sign(raw):
    """int() took "１２" (full-width) and "1_0" from a Voila URL."""
    with pytest.raises(ParameterError) as info:
        resolve("03-content-plan", {"weeks": raw, "lang": "en"}, source="url")
    assert "“weeks” must be a whole number written with the digits 0-9" in str(info.value)
    assert len(str(info.value)) < 300  # never the whole 5,000 digits


@pytest.mark.parametrize("raw, value", [("12", 12), ("+12", 12), ("012", 12), ("-0", 0)])
def test_plain_integers_are_read(raw, value):
    assert resolve("03-content-plan", {"weeks": raw}, source="url")["weeks"] == value


@pytest.mark.parametrize("lang, needle", [
    ("en", "days: 500 is outside the allowed range (7 to 120)"),
    ("es", "days: 500 está fuera del rango admitido (7 a 120)"),
])
def test_a_range_error_names_its_parameter(lang, needle):
    with pytest.raises(ParameterError) as info:
        resolve("00-listening", {"days": 500, "lang": lang})
    assert needle in str(info.value)


def test_minutes_per_turn_is_zero_or_in_range():
    assert resolve("05-crisis", {"minutes_per_turn": 0})["minutes_per_turn"] == 0
    with pytest.raises(ParameterError, match="minutes_per_turn: 3 .*0, 5 to 120"):
        resolve("05-crisis", {"minutes_per_turn": 3, "lang": "en"})


@pytest.mark.parametrize("lang, needle", [
    ("en", "Unknown parameter “prefil” for 03-content-plan; did you mean “prefill”?"),
    ("es", "Parámetro desconocido «prefil» para 03-content-plan; ¿quisiste decir «prefill»?"),
])
def test_an_unknown_name_suggests_the_closest_known_one(lang, needle):
    with pytest.raises(ParameterError) as info:
        resolve("03-content-plan", {"prefil": "true", "lang": lang}, source="url")
    assert needle in str(info.value)


def test_check_notebook_sees_the_names_papermill_injected():
    from cmtraining.runtime.parameters import check_notebook, contract

    params = contract("03-content-plan").cell_source()
    injected = "# Parameters\nprefil = True\nlang = \"en\"\n"
    namespace = {"In": ["", params, injected, "check"], **contract("03-content-plan").defaults(),
                 "prefil": True, "lang": "en"}
    with pytest.raises(ParameterError, match="did you mean “prefill”"):
        check_notebook("03-content-plan", namespace)
    # the same names typed by hand in a notebook are not papermill's: only the contract counts
    namespace["In"] = ["", params, "prefil = True", "check"]
    assert check_notebook("03-content-plan", namespace)["lang"] == "en"
    # values are typed in place: a command line's "6" becomes 6
    namespace = {"In": ["", params, "# Parameters\nweeks = \"6\"\n", "check"], "weeks": "6"}
    assert check_notebook("03-content-plan", namespace)["weeks"] == 6 and namespace["weeks"] == 6


@pytest.mark.parametrize("stem", sorted(CONTRACTS))
def test_each_notebook_checks_its_parameters_right_after_the_parameters_cell(stem):
    from cmtraining.runtime.nbtools import check_cell_source

    nb = json.loads((ROOT / "notebooks" / f"{stem}.ipynb").read_text(encoding="utf-8"))
    index = next(i for i, c in enumerate(nb["cells"])
                 if "parameters" in c["metadata"].get("tags", []))
    assert "".join(nb["cells"][index + 1]["source"]) == check_cell_source(stem)
    assert all(not c.get("outputs") and c.get("execution_count") is None
               for c in nb["cells"] if c["cell_type"] == "code")  # committed stripped
