"""The parameter contract under papermill: refused before any cell does work (issue 15.5)."""

from __future__ import annotations

import subprocess
import sys

import papermill as pm
import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.notebook
NB = ROOT / "notebooks"


def refused(tmp_path, stem, parameters) -> pm.PapermillExecutionError:
    out = tmp_path / "out.ipynb"
    with pytest.raises(pm.PapermillExecutionError) as info:
        pm.execute_notebook(str(NB / f"{stem}.ipynb"), str(out), parameters=parameters,
                            progress_bar=False, cwd=str(ROOT))
    assert info.value.ename == "ParameterError"
    assert info.value.exec_count == 3  # parameters, papermill's injected values, the check
    return info.value


@pytest.mark.parametrize("lang, needle", [
    ("es", "Parámetro desconocido «prefil» para 03-content-plan; ¿quisiste decir «prefill»?"),
    ("en", "Unknown parameter “prefil” for 03-content-plan; did you mean “prefill”?"),
])
def test_a_misspelt_parameter_is_refused_naming_the_closest(tmp_path, workspace, lang, needle):
    """`-p prefil True` only got papermill's warning, ran, and ignored the value."""
    error = refused(tmp_path, "03-content-plan", {"prefil": True, "lang": lang})
    assert needle in error.evalue


@pytest.mark.parametrize("stem", ["index", "90-gradebook", "00-profile"])
def test_an_unknown_parameter_is_refused_in_every_notebook(tmp_path, stem):
    error = refused(tmp_path, stem, {"colour": "red", "lang": "en"})
    assert "Unknown parameter “colour”" in error.evalue


def test_a_range_error_names_its_parameter(tmp_path):
    error = refused(tmp_path, "00-listening", {"days": 500, "lang": "en"})
    assert "days: 500 is outside the allowed range (7 to 120)" in error.evalue


def test_a_full_width_integer_is_refused(tmp_path):
    error = refused(tmp_path, "03-content-plan", {"weeks": "１２", "lang": "en"})
    assert "“weeks” must be a whole number" in error.evalue


def test_the_papermill_command_stops_with_the_message(tmp_path):
    papermill = [sys.executable, "-m", "papermill"]
    done = subprocess.run([*papermill, str(NB / "01-objectives.ipynb"), str(tmp_path / "o.ipynb"),
                           "-p", "prefil", "True", "-p", "lang", "en", "--no-progress-bar"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode != 0
    assert "did you mean “prefill”?" in done.stderr + done.stdout


def test_good_parameters_from_the_command_line_are_typed(tmp_path, workspace):
    out = tmp_path / "o.ipynb"
    pm.execute_notebook(str(NB / "03-content-plan.ipynb"), str(out),
                        parameters={"weeks": "3", "seed": "+7", "lang": "en"},
                        progress_bar=False, cwd=str(ROOT))
    assert "Editorial calendar" in out.read_text(encoding="utf-8")


def test_the_check_cell_shows_nothing_on_the_page(tmp_path, workspace):
    """Voila shows every output: the checked parameters must not be printed above the app."""
    import nbformat

    out = tmp_path / "out.ipynb"
    pm.execute_notebook(str(NB / "00-profile.ipynb"), str(out), parameters={"org": "cafe"},
                        progress_bar=False, cwd=str(ROOT))
    cells = nbformat.read(out, 4).cells
    check = next(c for c in cells if "check_notebook(" in c.source)
    assert check.outputs == []
