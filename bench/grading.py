"""Cohort grading: 60 submissions with 1 and 2 workers, against bare papermill.

- speedup = time(1 worker) / time(2 workers)            (target >= 1.7x on 2 cores)
- overhead = time(1 worker) / time(bare papermill, one after another, same notebooks)
                                                         (target <= 1.3x)
"Bare papermill" is `python -m papermill in out -p lang es` per notebook, in a
fresh process, the way a facilitator would run them by hand: the grader adds
the sandbox, the answers cell, the checks, the gradebook and the feedback.
`COHORT=20 python bench/grading.py` for a quicker run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "grading" / "demo-exercise"


def _cohort(root: Path, size: int) -> tuple[Path, Path]:
    exercise = root / "exercises" / "demo-exercise"
    shutil.copytree(FIXTURE, exercise)
    subs = root / "subs"
    subs.mkdir()
    master = json.loads((FIXTURE / "master-es.ipynb").read_text())
    for i in range(size):
        nb = json.loads(json.dumps(master))
        nb["cells"][1]["source"] = f"target = {40 + i % 3}\nstatement = 'respuesta número {i} " \
                                   "con algunas palabras más'"
        (subs / f"t{i:03}.ipynb").write_text(json.dumps(nb))
    return exercise, subs


def main() -> None:
    from cmtraining.grading.grader import grade

    size = int(os.environ.get("COHORT", "60"))
    with tempfile.TemporaryDirectory() as tmp:
        exercise, subs = _cohort(Path(tmp), size)
        start = time.perf_counter()
        for path in sorted(subs.iterdir()):
            subprocess.run([sys.executable, "-m", "papermill", str(path), str(Path(tmp) / "o.ipynb"),
                            "-p", "lang", "es", "--no-progress-bar", "--no-log-output"],
                           check=True, capture_output=True, cwd=tmp)
        bare = time.perf_counter() - start
        times = {}
        for workers in (1, 2):
            start = time.perf_counter()
            summary = grade(exercise, subs, workers=workers, force=True,
                            db_url=f"sqlite:///{tmp}/gb{workers}.sqlite")
            times[workers] = time.perf_counter() - start
            assert summary.graded == size, summary
    print(f"{size} submissions: bare papermill {bare:.1f} s ({bare / size:.2f} s each), "
          f"grade 1 worker {times[1]:.1f} s, 2 workers {times[2]:.1f} s")
    print(f"speedup 2 vs 1 worker: {times[1] / times[2]:.2f}x (target >= 1.7x)")
    print(f"per-submission overhead vs bare papermill: {times[1] / bare:.2f}x (target <= 1.3x)")
    print(f"sandbox: {summary.sandbox or 'limits only'}")


if __name__ == "__main__":
    main()
