"""The release step: a master notebook becomes the trainee's notebook.

Masters mark their cells in `metadata.cmtraining.role`:

- `"solution"`: a code cell whose lines between `# BEGIN SOLUTION` and
  `# END SOLUTION` are the answer key. On release the region is replaced by
  its `# STUB: ...` lines, uncommented (e.g. `# STUB: objectives = []`
  becomes `objectives = []  # ...`), so every answer variable is still
  defined and an untouched notebook runs to the end and scores zero instead
  of failing on a `NameError`.
- `"hidden_check"`: removed entirely (the author's own assertions).
- `"answer"`: a markdown cell the trainee edits; kept as written.

Markers anywhere else are refused: a solution left in an unmarked cell would
otherwise leak. Outputs and execution counts are cleared, the parameters
cell is kept, and `metadata.cmtraining` says which exercise, version and
language the notebook belongs to (the grader refuses a notebook for another
exercise). `reference` writes the master with its solutions, for tests.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from cmtraining.core.outputs import write_bytes_atomic
from cmtraining.grading.exercise import Exercise, ExerciseError, load_exercise
from cmtraining.i18n import check_lang

BEGIN = "# BEGIN SOLUTION"
END = "# END SOLUTION"
_STUB = re.compile(r"^(\s*)# STUB: ?(.*)$")
ROLE_SOLUTION, ROLE_HIDDEN, ROLE_ANSWER = "solution", "hidden_check", "answer"
ROLES = (ROLE_SOLUTION, ROLE_HIDDEN, ROLE_ANSWER)


def role_of(cell) -> str | None:
    return (cell.get("metadata", {}).get("cmtraining") or {}).get("role")


def strip_solution(source: str, *, where: str) -> str:
    """Replace each solution region of a code cell by its uncommented stubs."""
    out: list[str] = []
    region: list[str] | None = None
    for line in source.splitlines():
        marker = line.strip()
        if marker == BEGIN:
            if region is not None:
                raise ExerciseError("grading.exercises.error.markers", source=where, detail=BEGIN)
            region = []
        elif marker == END:
            if region is None:
                raise ExerciseError("grading.exercises.error.markers", source=where, detail=END)
            out.extend(region)
            region = None
        elif region is not None:
            stub = _STUB.match(line)
            if stub:
                region.append(stub.group(1) + stub.group(2))
        else:
            out.append(line)
    if region is not None:
        raise ExerciseError("grading.exercises.error.markers", source=where, detail=END)
    return "\n".join(out)


def _read_master(exercise: Exercise, lang: str):
    path = exercise.master(lang)
    try:
        return nbformat.read(path, as_version=4), path
    except FileNotFoundError:
        raise ExerciseError("grading.exercises.error.no_master", source=str(path)) from None
    except Exception as exc:  # noqa: BLE001 - nbformat raises many kinds on a broken file
        raise ExerciseError("grading.exercises.error.unreadable", source=str(path),
                            reason=f"{type(exc).__name__}: {exc}") from None


def _clean(cell) -> None:
    if cell.cell_type == "code":
        cell.outputs = []
        cell.execution_count = None
    for key in ("execution", "papermill", "collapsed", "scrolled"):
        cell.metadata.pop(key, None)


def _has_parameters(nb) -> bool:
    return any("parameters" in c.metadata.get("tags", []) for c in nb.cells)


def trainee_notebook(exercise: Exercise, lang: str):
    """The released notebook object (see the module docstring)."""
    lang = check_lang(lang)
    nb, path = _read_master(exercise, lang)
    if not _has_parameters(nb):
        raise ExerciseError("grading.exercises.error.no_parameters", source=str(path))
    cells = []
    for index, cell in enumerate(nb.cells):
        role = role_of(cell)
        where = f"{path} (cell {index})"
        if role is not None and role not in ROLES:
            raise ExerciseError("grading.exercises.error.role", source=where, value=role,
                                allowed=", ".join(ROLES))
        if role == ROLE_HIDDEN:
            continue
        if role == ROLE_SOLUTION and cell.cell_type == "code":
            cell.source = strip_solution(cell.source, where=where)
        elif BEGIN in cell.source or END in cell.source:
            raise ExerciseError("grading.exercises.error.unmarked", source=where)
        _clean(cell)
        cells.append(cell)
    nb.cells = cells
    _stamp(nb, exercise, lang)
    return nb


def _stamp(nb, exercise: Exercise, lang: str) -> None:
    for key in ("papermill", "widgets"):
        nb.metadata.pop(key, None)
    nb.metadata["cmtraining"] = {"exercise": exercise.id, "version": exercise.version,
                                 "lang": lang}


def _write(nb, path: Path) -> Path:
    """Write atomically: a failure never leaves half a notebook behind."""
    text = nbformat.writes(nb)
    if not text.endswith("\n"):  # as nbformat.write ends the file
        text += "\n"
    write_bytes_atomic(path, text.encode("utf-8"))
    return path


def _exercise(exercise: Exercise | str | Path) -> Exercise:
    return exercise if isinstance(exercise, Exercise) else load_exercise(exercise)


def release(exercise: Exercise | str | Path, lang: str, out_dir: str | Path) -> Path:
    """Write the trainee's notebook `out_dir/<id>-<lang>.ipynb` and return its path."""
    exercise = _exercise(exercise)
    nb = trainee_notebook(exercise, lang)
    return _write(nb, Path(out_dir) / f"{exercise.id}-{check_lang(lang)}.ipynb")


def reference(exercise: Exercise | str | Path, lang: str, out_dir: str | Path) -> Path:
    """Write the master with its solutions (`out_dir/reference-<lang>.ipynb`), for tests.

    Marker lines and hidden checks stay, so it runs exactly as the author
    wrote it; outputs are cleared and the metadata stamped like a release.
    """
    exercise = _exercise(exercise)
    lang = check_lang(lang)
    nb, _ = _read_master(exercise, lang)
    for cell in nb.cells:
        _clean(cell)
    _stamp(nb, exercise, lang)
    return _write(nb, Path(out_dir) / f"reference-{lang}.ipynb")
