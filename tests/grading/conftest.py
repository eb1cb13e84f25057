"""What the grading tests share: the demo exercise, notebooks submitted to it, a graded cohort.

The demo exercise lives in tests/fixtures/grading; a test grades a copy of it, so that the
gradebook and the feedback land beside the copy, never in the project.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import FIXTURES

DEMO_EXERCISE = FIXTURES / "grading" / "demo-exercise"
GOOD = "target = 42\nstatement = 'Aumentar un diez por ciento los seguidores de Instagram antes de junio'"
EMPTY = "target = None\nstatement = None"


def submission(folder, name, body, lang="es", exercise="demo-exercise"):
    """A trainee's notebook: the demo master with `body` as the answer cell."""
    nb = json.loads((DEMO_EXERCISE / f"master-{lang}.ipynb").read_text(encoding="utf-8"))
    nb["cells"][1]["source"] = body
    nb["metadata"]["cmtraining"]["exercise"] = exercise
    path = folder / f"{name}.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def exercise_copy(root, timeout=25):
    """The demo exercise copied to root/exercises, with a shorter per-notebook time limit."""
    folder = root / "exercises" / "demo-exercise"
    shutil.copytree(DEMO_EXERCISE, folder)
    text = (folder / "exercise.yaml").read_text().replace("timeout_seconds: 60",
                                                          f"timeout_seconds: {timeout}")
    (folder / "exercise.yaml").write_text(text)
    return folder


def cohort_folder(root: Path, timeout: int = 25) -> tuple[Path, Path]:
    """The demo exercise copied under `root` and an empty folder for the cohort's notebooks."""
    subs = root / "subs"
    subs.mkdir()
    return exercise_copy(root, timeout), subs


def grade_cohort(exercise: Path, subs: Path, db: Path) -> dict:
    """Grade every notebook in `subs` with two workers, as `cmtraining grade` does, and read
    back the summary, the gradebook and its current row per trainee."""
    from cmtraining.grading.gradebook import Gradebook
    from cmtraining.grading.grader import grade

    url = f"sqlite:///{db}"
    summary = grade(exercise, subs, workers=2, lang="en", db_url=url)
    book = Gradebook(url)
    rows = {r["trainee_id"]: r for r in book.current("demo-exercise")}
    return {"summary": summary, "book": book, "rows": rows, "db": db}
