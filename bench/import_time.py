"""`import cmtraining` cost, next to the interpreter's own start-up (the floor).

Prints the median of several runs of `python -X importtime -c "import cmtraining"`
(the cumulative microseconds reported for cmtraining) and the wall time of the
whole command next to `python -c pass`. Never fails the build.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

RUNS = 7


def cumulative_us(module: str) -> int:
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                         capture_output=True, text=True, check=True).stderr
    for line in out.splitlines():
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 3 and parts[2] == module:
            return int(parts[1])
    raise RuntimeError(f"{module} not in -X importtime output")


def wall(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - start


def heavy_modules() -> list[str]:
    code = ("import sys, cmtraining; print(' '.join(m for m in ('pandas', 'ipywidgets', "
            "'jupyter_client', 'matplotlib', 'voila', 'papermill', 'pydantic') if m in sys.modules))")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.split()


def main() -> dict:
    imports = [cumulative_us("cmtraining") for _ in range(RUNS)]
    floor, ours = [], []
    for _ in range(RUNS):  # interleaved, so machine noise hits both alike
        floor.append(wall("pass"))
        ours.append(wall("import cmtraining"))
    result = {
        "import_cmtraining_s": statistics.median(imports) / 1e6,
        "python_start_s": statistics.median(floor),
        "python_start_plus_import_s": statistics.median(ours),
    }
    result["ratio_vs_bare_python"] = result["python_start_plus_import_s"] / result["python_start_s"]
    print(f"import cmtraining (-X importtime, median of {RUNS}): "
          f"{result['import_cmtraining_s']:.4f} s   (budget 0.3 s)")
    print(f"python -c 'import cmtraining' vs python -c pass: {result['ratio_vs_bare_python']:.2f}x "
          f"({result['python_start_plus_import_s']:.3f} s vs {result['python_start_s']:.3f} s)")
    heavy = heavy_modules()
    print("heavy modules pulled in by `import cmtraining`: " + (", ".join(heavy) or "none"))
    return result


if __name__ == "__main__":
    main()
