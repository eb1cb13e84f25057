"""`cmtraining run` against the floor, measured side by side in one run.

The floor is papermill executing the same number of empty notebooks (one
parameters cell) with the same kernel, one after the other, in a fresh
process that imports papermill once, as any journey runner must at least do
(our run is timed the same way: a fresh `cmtraining run` process). Our run executes every stage notebook with prefill
and builds the report. Also: report generation alone for the largest sample
organization (the one with the most metric rows), and `import cmtraining`.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _empty_notebook(path: Path) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("workbook = ''")
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


FLOOR = """
import sys
import papermill as pm
source, folder, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
for i in range(count):
    pm.execute_notebook(source, f"{folder}/empty-{i}.ipynb", parameters={"workbook": "x"},
                        progress_bar=False)
"""


def floor(count: int, folder: Path) -> float:
    """A fresh process that imports papermill and runs `count` empty notebooks, as our run does."""
    source = folder / "empty.ipynb"
    _empty_notebook(source)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", FLOOR, str(source), str(folder), str(count)],
                   check=True, capture_output=True)
    return time.perf_counter() - start


RUNS = 3  # a stalled shared kernel costs a run 60 s: one run can hide it (or be it)


def journey(org: str, folder: Path) -> tuple[float, int, bool]:
    """Seconds, stages, and whether the run had to leave the shared kernel."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "cmtraining.cli", "run", "--org", org, "--out",
                           str(folder / f"run-{org}"), "--as-of", "2026-11-23", "--lang", "es",
                           "--force"], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    import yaml

    log = yaml.safe_load((folder / f"run-{org}" / "run.yaml").read_text(encoding="utf-8"))
    return elapsed, len(log["stages"]), "kernel_fallback" in log


def report_time(org: str, folder: Path) -> float:
    from datetime import date

    from cmtraining.runtime.journey_run import write_report

    write_report(folder / f"run-{org}" / "workbook.yaml", folder / "warm.html", lang="es",
                 as_of=date(2026, 11, 23))  # warm caches and imports
    start = time.perf_counter()
    write_report(folder / f"run-{org}" / "workbook.yaml", folder / "again.html", lang="es",
                 as_of=date(2026, 11, 23))
    return time.perf_counter() - start


def main() -> None:
    from cmtraining.samples.organizations import list_organizations, load_metrics

    largest = max(list_organizations(), key=lambda o: len(load_metrics(o)))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        runs = [journey(largest, folder) for _ in range(RUNS)]
        ours, stages = statistics.median(r[0] for r in runs), runs[0][1]
        fallbacks = sum(r[2] for r in runs)
        floors = [floor(stages, folder) for _ in range(RUNS)]
        base = statistics.median(floors)
        print(f"  cmtraining run --org {largest}: {stages} stages + report in {ours:.1f} s "
              f"(median of {RUNS}: {', '.join(f'{r[0]:.1f}' for r in runs)} s; "
              f"shared kernel given up in {fallbacks} of {RUNS})")
        print(f"  floor: papermill, {stages} empty notebooks, a fresh kernel each (its default): "
              f"{base:.1f} s (median of {RUNS}: {', '.join(f'{f:.1f}' for f in floors)} s)")
        print(f"  ratio: {ours / base:.2f}x the floor (target at most 1.5x)")
        print(f"  report generation alone ({largest}, {len(load_metrics(largest))} metric rows): "
              f"{report_time(largest, folder):.2f} s")


if __name__ == "__main__":
    main()
