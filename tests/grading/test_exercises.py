"""Authored exercises: valid definitions, a release that leaks nothing, checks that agree.

For every exercise and language the reference (master) notebook is executed
with papermill and its answers dumped to JSON, as the grader does; its checks
must give full marks. The released notebook must run as it is and score zero.
Notebooks run once per module (fixtures), in a small thread pool.
"""

from __future__ import annotations

import json
import math
import re
from concurrent.futures import ThreadPoolExecutor

import nbformat
import papermill as pm
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cmtraining.grading.exercise import (
    STAGES,
    ExerciseError,
    list_exercises,
    load_checks,
    load_exercise,
)
from cmtraining.grading.release import BEGIN, END, reference, release, role_of
from tests.conftest import run_cli

LANGS = ("es", "en")
IDS = list_exercises()
DUMP = """
import json as _json
def _safe(value):
    try:
        _json.dumps(value, allow_nan=True)
        return value
    except Exception:
        return repr(value)
with open({path!r}, "w", encoding="utf-8") as _fh:
    _json.dump({{_n: _safe(globals().get(_n)) for _n in {names!r}}}, _fh, default=repr)
"""


def _execute(nb_path, answers_path, names, lang):
    """Run a notebook with a last cell that dumps the answer variables (as the grader does)."""
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(DUMP.format(path=str(answers_path), names=names)))
    nbformat.write(nb, nb_path)
    pm.execute_notebook(str(nb_path), str(nb_path), parameters={"lang": lang}, progress_bar=False,
                        kernel_name="python3",
                        cwd=str(nb_path.parent))
    return json.loads(answers_path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """{(id, lang, kind): answers} for kind in reference / released."""
    root = tmp_path_factory.mktemp("exercises")
    jobs = []
    for ex_id in IDS:
        ex = load_exercise(ex_id)
        for lang in LANGS:
            for kind, write in (("reference", reference), ("released", release)):
                folder = root / ex_id / kind
                path = write(ex, lang, folder)
                jobs.append(((ex_id, lang, kind), path, folder / f"answers-{lang}.json", ex.answers,
                             lang))
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = pool.map(lambda job: (job[0], _execute(*job[1:])), jobs)
        return dict(results)


def test_there_are_enough_exercises_across_the_journey():
    assert len(IDS) >= 8
    stages = {load_exercise(i).stage for i in IDS}
    assert len(stages) >= 6 and stages <= set(STAGES)


@pytest.mark.parametrize("ex_id", IDS)
def test_exercise_definition_matches_its_checks_and_masters(ex_id):
    ex = load_exercise(ex_id)
    assert ex.id == ex_id and ex.folder.name == ex_id and ex.version >= 1
    checks = load_checks(ex)
    assert list(checks) == [c.id for c in ex.checks]
    assert all(c.points > 0 and c.title.es and c.title.en for c in ex.checks)
    for lang in LANGS:
        nb = nbformat.read(ex.master(lang), as_version=4)
        params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(params) == 1 and f"lang: str = '{lang}'" in params[0].source
        roles = [role_of(c) for c in nb.cells]
        assert "solution" in roles and "hidden_check" in roles


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("ex_id", IDS)
def test_release_strips_solutions_and_hidden_checks(ex_id, lang, tmp_path):
    ex = load_exercise(ex_id)
    master = nbformat.read(ex.master(lang), as_version=4)
    path = release(ex, lang, tmp_path)
    assert path.name == f"{ex_id}-{lang}.ipynb"
    text = path.read_text(encoding="utf-8")
    nb = nbformat.read(path, as_version=4)
    assert BEGIN not in text and END not in text and "STUB:" not in text
    assert nb.metadata["cmtraining"] == {"exercise": ex_id, "version": ex.version, "lang": lang}
    assert sum("parameters" in c.metadata.get("tags", []) for c in nb.cells) == 1
    assert all(role_of(c) != "hidden_check" for c in nb.cells)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    sources = "\n".join(c.source for c in nb.cells)
    for cell in master.cells:
        if role_of(cell) == "hidden_check":
            for line in cell.source.splitlines():
                if len(line.strip()) > 12:
                    assert line.strip() not in sources, line
        if role_of(cell) == "solution":
            inside = cell.source.split(BEGIN, 1)[1].split(END, 1)[0]
            key = [x.strip() for x in inside.splitlines()
                   if len(x.strip()) > 12 and not x.strip().startswith("#")]
            assert key, "a solution region with no answer key"
            lines = {x.strip() for x in sources.splitlines()}
            for line in key:  # no line of the answer key survives...
                assert line not in lines, line
            for literal in re.findall(r'"([^"]* [^"]*)"', inside):  # ...nor any of its texts
                if len(literal) >= 20:
                    assert literal not in sources, literal
    # every answer variable is still defined by a stub
    for name in ex.answers:
        assert f"{name} = " in sources or f"{name}: " in sources, name


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("ex_id", IDS)
def test_reference_scores_full_marks(executed, ex_id, lang):
    ex = load_exercise(ex_id)
    answers = executed[(ex_id, lang, "reference")]
    for check_id, check in load_checks(ex).items():
        fraction, message = check(answers, lang)
        assert fraction == pytest.approx(1.0), (check_id, message)
        assert isinstance(message, str) and message


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("ex_id", IDS)
def test_released_notebook_runs_and_scores_zero(executed, ex_id, lang):
    ex = load_exercise(ex_id)
    answers = executed[(ex_id, lang, "released")]
    for check_id, check in load_checks(ex).items():
        fraction, message = check(answers, lang)
        assert fraction == 0.0, (check_id, message)
        assert message


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: st.lists(children, max_size=5)
    | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=20,
)


@pytest.mark.parametrize("ex_id", IDS)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_checks_are_total(ex_id, data):
    ex = load_exercise(ex_id)
    checks = load_checks(ex)
    names = st.sampled_from([*ex.answers, "other"])
    answers = data.draw(st.dictionaries(names, json_values, max_size=4) | json_values)
    lang = data.draw(st.sampled_from(["es", "en", "fr", None]))
    for check in checks.values():
        fraction, message = check(answers, lang)
        assert 0.0 <= fraction <= 1.0 and not math.isnan(fraction)
        assert isinstance(message, str) and message


def test_broken_exercises_are_clear_errors(tmp_path, monkeypatch):
    monkeypatch.setenv("CMTRAINING_EXERCISES", str(tmp_path))
    assert list_exercises() == ()
    with pytest.raises(ExerciseError) as info:
        load_exercise("nope")
    assert "nope" in info.value.message("en")
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "exercise.yaml").write_text(
        "id: broken\nversion: 1\ntitle: {es: Roto, en: Broken}\nstage: nowhere\n"
        "answers: [x]\nchecks: [{id: one, points: 1, title: {es: Uno, en: One}}]\n")
    with pytest.raises(ExerciseError) as info:
        load_exercise("broken")
    text = info.value.message("en")
    assert "exercise.yaml" in text and "stage" in text
    (folder / "exercise.yaml").write_text(
        "id: broken\nversion: 1\ntitle: {es: Roto, en: Broken}\nstage: crisis\n"
        "answers: [x]\nchecks: [{id: one, points: 1, title: {es: Uno, en: One}}]\n")
    (folder / "checks.py").write_text("def check_two(answers, lang):\n    return 0.0, ''\n")
    with pytest.raises(ExerciseError) as info:
        load_checks(load_exercise("broken"))
    assert "check_one" in info.value.message("en") and "checks.py" in info.value.message("en")
    with pytest.raises(ExerciseError) as info:
        release("broken", "es", tmp_path / "out")
    assert "master-es.ipynb" in info.value.message("en")


def test_solution_markers_outside_a_solution_cell_are_refused(tmp_path, monkeypatch):
    import shutil

    shutil.copytree(load_exercise(IDS[0]).folder, tmp_path / IDS[0])
    monkeypatch.setenv("CMTRAINING_EXERCISES", str(tmp_path))
    path = tmp_path / IDS[0] / "master-es.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(f"{BEGIN}\nsecret = 1\n{END}"))
    nbformat.write(nb, path)
    with pytest.raises(ExerciseError) as info:
        release(IDS[0], "es", tmp_path / "out")
    assert "solution" in info.value.message("en")
    assert not (tmp_path / "out" / f"{IDS[0]}-es.ipynb").exists()


def test_release_cli(tmp_path):
    done = run_cli("release", "--all", "--out", str(tmp_path), "--lang", "both")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.glob("*.ipynb")) == sorted(
        f"{i}-{lang}.ipynb" for i in IDS for lang in LANGS)
    done = run_cli("--lang", "en", "release", "nope", "--out", str(tmp_path))
    assert done.returncode == 2 and "nope" in done.stderr and "Traceback" not in done.stderr
    done = run_cli("release", "--out", str(tmp_path))
    assert done.returncode == 2 and "--all" in done.stderr
