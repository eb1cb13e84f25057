"""The stage registry: one definition of each stage, and one numbering a trainee reads."""

from __future__ import annotations

import ast
import re
import shutil

import nbformat
import pytest
import yaml

from cmtraining.core.stages import STAGES, catalogue_numbers, link_parameters, prefill_for, stage
from cmtraining.i18n import LANGS, catalogue, catalogue_files, placeholders, t
from cmtraining.runtime.parameters import CONTRACTS
from tests.conftest import ROOT, run_cli, write_sample

NB = ROOT / "notebooks"
#: a stage named by its number in a catalogue string ("etapa 4", "stage 4", "Etapa 0")
WRITTEN_NUMBER = re.compile(r"\b(etapas?|stages?)\s+\d", re.IGNORECASE)


def _code(stem: str) -> str:
    nb = nbformat.read(NB / f"{stem}.ipynb", as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")


@pytest.mark.parametrize("entry", STAGES, ids=lambda s: s.notebook)
def test_every_stage_has_its_notebook_contract_app_and_name(entry):
    path = NB / f"{entry.notebook}.ipynb"
    assert entry.available() and path.is_file()
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert CONTRACTS[entry.notebook].names() == list(entry.params)
    assert cell.source == CONTRACTS[entry.notebook].cell_source()
    code = _code(entry.notebook)
    assert f'open_session(\n    "{entry.notebook}"' in code or f'open_session("{entry.notebook}"' in code
    assert f"from {entry.app} import build_app" in code
    assert callable(entry.build_app())  # the app imports
    for lang in LANGS:
        assert f"common.stage.{entry.key}" in catalogue(lang)
    # the notebook's file name carries the stage's number, as the README does
    assert int(entry.notebook.split("-", 1)[0]) == entry.number


def test_one_registry_feeds_the_exercises_the_report_and_the_contracts():
    from cmtraining.grading.exercise import STAGES as EXERCISE_STAGES
    from cmtraining.report import BOARD_SECTIONS, SECTIONS

    assert EXERCISE_STAGES == tuple(s.key for s in STAGES)
    assert SECTIONS == (*BOARD_SECTIONS, *(x for s in STAGES for x in s.report_sections))
    assert set(CONTRACTS) == {s.notebook for s in STAGES} | {"index", "90-gradebook",
                                                            "91-crisis-workshop"}
    assert [s.number for s in STAGES] == sorted(s.number for s in STAGES)
    assert len({s.key for s in STAGES}) == len({s.notebook for s in STAGES}) == len(STAGES)


def test_the_numbering_is_the_notebooks_and_the_readmes():
    numbers = {s.key: s.number for s in STAGES}
    assert numbers == {"profile": 0, "listening": 0, "objectives": 1, "audiences": 2,
                       "content": 3, "response": 4, "crisis": 5, "evaluation": 6,
                       "self_assessment": 7}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "**7. Autoevaluación**" in readme and "`cmtraining/response/`: stage 4" in readme


@pytest.mark.parametrize("lang", LANGS)
def test_the_start_page_numbers_stages_as_the_registry(lang):
    """Profile "0a.", listening "0b.", objectives "1.", crisis "5." (it showed 1, 2 and 6,
    then two stages "0")."""
    from cmtraining.apps.landing import build_app

    shown = re.findall(r'data-stage="([^"]+)"[^>]*>(\d+[ab]?)\. ([^<]+)</a>',
                       build_app(lang=lang).stages.value)
    assert [(stem, n) for stem, n, _ in shown] == [
        ("00-profile", "0a"), ("00-listening", "0b"), ("01-objectives", "1"),
        ("02-audiences-networks", "2"), ("03-content-plan", "3"), ("04-response", "4"),
        ("05-crisis", "5"), ("06-evaluation", "6"), ("07-self-assessment", "7")]
    assert len({n for _, n, _ in shown}) == len(STAGES)  # one label per stage
    assert [name for *_, name in shown] == [t(f"common.stage.{s.key}", lang) for s in STAGES]


def _raw_catalogue_values():
    """Every string of the catalogue files, as written (before stage numbers are filled in)."""
    def walk(tree, prefix=""):
        for key, value in tree.items():
            if isinstance(value, dict):
                yield from walk(value, f"{prefix}{key}.")
            else:
                yield f"{prefix}{key}", str(value)

    for lang in LANGS:
        for path in catalogue_files(lang):
            yield from ((path.name, key, text)
                        for key, text in walk(yaml.safe_load(path.read_text("utf-8")) or {}))


def test_catalogue_cross_references_name_stages_through_the_registry():
    """No string writes a stage's number; each `{stage_<key>}` names a registered stage."""
    written = [(name, key) for name, key, text in _raw_catalogue_values()
               if WRITTEN_NUMBER.search(text)]
    assert written == []
    known = set(catalogue_numbers())
    named = {p for _, _, text in _raw_catalogue_values() for p in placeholders(text)
             if p.startswith("stage_")}
    assert named and named <= known, named - known
    for lang in LANGS:
        assert not [k for k, v in catalogue(lang).items() if "{stage_" in v]


@pytest.mark.parametrize("key, stage_key, lang, words", [
    ("evaluation.rec.no_playbook.msg", "response", "es", "Créalo en la etapa"),
    ("evaluation.rec.no_playbook.msg", "response", "en", "Create it in stage"),
    ("app.response.routes_sample", "objectives", "es", "Añade informantes en la etapa"),
    ("app.response.routes_sample", "objectives", "en", "Add informants in stage"),
])
def test_a_cross_reference_reads_the_stage_it_means(key, stage_key, lang, words):
    assert f"{words} {stage(stage_key).number}" in t(key, lang)


def test_a_renumbered_stage_renumbers_its_cross_references(monkeypatch):
    import cmtraining.core.stages
    from cmtraining.i18n import _fill_stage_numbers

    monkeypatch.setattr(cmtraining.core.stages, "catalogue_numbers",
                        lambda: {"stage_response": "9", "stage_objectives": "1"})
    assert _fill_stage_numbers({"k": "etapa {stage_response}, {name}"}) == {"k": "etapa 9, {name}"}


def test_generated_cells_pass_every_declared_parameter():
    from cmtraining.runtime.nbtools import STAGE_CELLS, sync_cells

    assert set(STAGE_CELLS) == {s.notebook for s in STAGES}
    for entry in STAGES:
        session_cell, app_cell = STAGE_CELLS[entry.notebook]
        call = next(n for n in ast.walk(ast.parse(session_cell)) if isinstance(n, ast.Call))
        assert call.args[0].value == entry.notebook
        assert [k.arg for k in call.keywords] == list(entry.params)
        assert ast.parse(app_cell) and entry.app in app_cell
        nb = nbformat.read(NB / f"{entry.notebook}.ipynb", as_version=4)
        assert not sync_cells(nb, entry.notebook)  # the committed notebook is in sync


def test_prefill_and_links_come_from_the_registry():
    values = {"lang": "es", "seed": 1, "days": 28, "incident": True, "weeks": 4, "prefill": True}
    for entry in STAGES:
        change = prefill_for(entry.notebook, values)
        assert (change is not None) == (entry.prefill is not None), entry.notebook
        assert prefill_for(entry.notebook, {**values, "prefill": False}) is None
    assert prefill_for("index", values) is None
    params = {"org": "cafe", "lang": "en"}
    assert link_parameters("03-content-plan", params, preview=True)["weeks"] == 4
    assert link_parameters("00-profile", params, preview=True) == params
    assert link_parameters("01-objectives", params, preview=False) == params


# --- the adapted sentiment model travels with its workbook ------------------------------

FLIP = {"positive": "negative", "negative": "positive", "neutral": "neutral"}


def _trainee_workbook_with_a_model(folder):
    """A café workbook whose adapted model reads tone the other way round from the default."""
    from cmtraining.listening import classify_sentiment, train_sentiment
    from cmtraining.listening.adapt import model_path
    from cmtraining.listening.inbox import inbox_for
    from cmtraining.samples import sample_workbook
    from cmtraining.workbook import save

    wb = sample_workbook("cafe", trainee="Lucía", lang="es")
    path = folder / "lucia.yaml"
    save(wb, path)
    frame, _ = inbox_for(wb, seed=1, days=28, incident=True, lang="es")
    texts = [str(x) for x in frame["text"]][:400]
    labels = [FLIP[label] for label in classify_sentiment(texts, lang="es")]
    model = train_sentiment(texts, labels, "es")
    model.save(model_path(path))
    return wb, path, model


@pytest.mark.notebook
def test_run_on_a_trainees_workbook_uses_its_adapted_model(tmp_path):
    from cmtraining.listening.inbox import prefill_listening
    from cmtraining.workbook import load

    wb, path, model = _trainee_workbook_with_a_model(tmp_path)
    notebooks = tmp_path / "notebooks"  # the listening stage alone: the rest is skipped
    notebooks.mkdir()
    shutil.copy(NB / "00-listening.ipynb", notebooks)
    out = tmp_path / "run"
    done = run_cli("run", "--org", str(path), "--out", str(out), "--lang", "es",
                   "--as-of", "2026-11-23", env={"CMTRAINING_NOTEBOOKS": str(notebooks)},
                   timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (out / "workbook.sentiment.json").read_bytes() == path.with_suffix(
        ".sentiment.json").read_bytes()
    log = yaml.safe_load((out / "run.yaml").read_text(encoding="utf-8"))
    assert log["status"] == "ok" and log["sentiment_model"].endswith("lucia.sentiment.json")
    summary = load(out / "workbook.yaml").listening.summary.model_dump()

    def expected(backend):
        data = prefill_listening(wb, seed=1, days=28, incident=True, lang="es", backend=backend)
        return data["listening"]["summary"]

    adapted, default = expected(model), expected(None)
    assert (adapted["positive"], adapted["negative"]) != (default["positive"], default["negative"])
    assert (summary["positive"], summary["negative"]) == (adapted["positive"], adapted["negative"])
    assert summary["net_sentiment"] == pytest.approx(adapted["net_sentiment"])


def test_a_damaged_adapted_model_stops_the_run_before_it_starts(tmp_path):
    path = write_sample(tmp_path / "lucia.yaml", "cafe", "Lucía", lang="es")
    path.with_suffix(".sentiment.json").write_text("{not json", encoding="utf-8")
    out = tmp_path / "run"
    done = run_cli("run", "--org", str(path), "--out", str(out), "--lang", "en")
    assert done.returncode == 2, done.stderr[-3000:]
    assert "lucia.sentiment.json" in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()
