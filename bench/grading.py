"""Cohort grading: 60 submissions with 1 and 2 workers, against bare papermill.

- speedup = time(1 worker) / time(2 workers)            (target >= 1.7x on 2 cores)
- overhead = time(1 worker) / time(bare papermill, one after another, same notebooks)
                                                         (target <= 1.3x)
The cohort is 60 copies of a real exercise's reference notebook
(`objectives-smart` by default: the SMART engine on a sample organization),
each with its own trainee line, so every submission does the work a real
one does and scores full marks. "Bare papermill" is `python -m papermill in
out` per notebook, in a fresh process, the way a facilitator would run them by
hand: the grader adds the sandbox, the answers cell, the checks (each in its
own process), the gradebook, the similarity report and the feedback pages.
`COHORT=20 EXERCISE=response-triage python bench/grading.py` for another run.
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


def _cohort(root: Path, exercise_id: str, size: int) -> tuple[Path, Path, float]:
    """(exercise copy, submissions folder, points) for `size` trainees."""
    from cmtraining.grading.exercise import load_exercise

    exercise = root / "exercises" / exercise_id
    shutil.copytree(ROOT / "exercises" / exercise_id, exercise)
    subs = root / "subs"
    subs.mkdir()
    master = json.loads((exercise / "master-es.ipynb").read_text(encoding="utf-8"))
    code = next(c for c in master["cells"] if c["cell_type"] == "code"
                and "parameters" not in c.get("metadata", {}).get("tags", []))
    for i in range(size):
        nb = json.loads(json.dumps(master))
        cell = next(c for c in nb["cells"] if c.get("id") == code.get("id")) if code.get("id") \
            else nb["cells"][master["cells"].index(code)]
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        cell["source"] = f"# participante {i:03}\n" + source
        (subs / f"t{i:03}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    return exercise, subs, load_exercise(exercise).points


def main() -> None:
    from cmtraining.grading.grader import grade

    size = int(os.environ.get("COHORT", "60"))
    exercise_id = os.environ.get("EXERCISE", "objectives-smart")
    with tempfile.TemporaryDirectory() as tmp:
        exercise, subs, points = _cohort(Path(tmp), exercise_id, size)
        start = time.perf_counter()
        for path in sorted(subs.iterdir()):
            subprocess.run([sys.executable, "-m", "papermill", str(path), str(Path(tmp) / "o.ipynb"),
                            "--no-progress-bar", "--no-log-output"],
                           check=True, capture_output=True, cwd=tmp)
        bare = time.perf_counter() - start
        times = {}
        for workers in (1, 2):
            start = time.perf_counter()
            summary = grade(exercise, subs, workers=workers, force=True,
                            db_url=f"sqlite:///{tmp}/gb{workers}.sqlite")
            times[workers] = time.perf_counter() - start
            assert summary.graded == size and summary.mean == points, summary
    print(f"{exercise_id}, {size} submissions (each scoring {points:g}/{points:g}): "
          f"bare papermill {bare:.1f} s ({bare / size:.2f} s each), "
          f"grade 1 worker {times[1]:.1f} s, 2 workers {times[2]:.1f} s")
    print(f"speedup 2 vs 1 worker: {times[1] / times[2]:.2f}x (target >= 1.7x)")
    print(f"per-submission overhead vs bare papermill: {times[1] / bare:.2f}x (target <= 1.3x)")
    print(f"sandbox: {summary.sandbox or 'limits only'}")


if __name__ == "__main__":
    main()
