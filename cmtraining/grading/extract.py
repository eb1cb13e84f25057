"""Read the answers and the cell errors out of an executed notebook, trusting nothing.

Run as `python -P -m cmtraining.grading.extract NOTEBOOK NAMES_JSON` by the
sandbox's init process once every process of the notebook is gone, as the
sandbox's unprivileged uid, with its own memory and CPU limits: whatever the
file holds (a FIFO, a symlink, gigabytes, JSON nested 200,000 levels), this
process may fail but the grader only reads one bounded JSON line from its
stdout. Only the executed notebook is read; nothing else in the scratch
folder is looked at (a forged `answers.json` is just a file nobody opens).

The answers are the last output of the appended cell (`emit.CELL_ID`, mime
`emit.MIME`), restricted to the exercise's declared names. Cell errors are
reduced to what the trainee needs to find their slip (cell number, line,
error type) plus a short sanitised excerpt: text a submission chose never
travels further than that.
"""

from __future__ import annotations

import json
import re
import sys

from cmtraining.grading.emit import CELL_ID, MIME
from cmtraining.grading.safeio import Refused, excerpt, loads_bounded, read_regular, value_depth

MAX_NOTEBOOK_BYTES = 64 << 20  # above the runner's output cap plus the notebook itself
MAX_ANSWERS_BYTES = 5_000_000
MAX_ERRORS = 20
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]{0,79}$")
_LINE = re.compile(r"(?:Cell In\s*\[\d*\]|<module>|<cell line: \d+>)\D{0,40}?line (\d{1,6})")
_SKIPPED = ("injected-parameters", "papermill-error-cell-tag")


def _errors(nb: dict) -> list[dict]:
    """[{cell, line, type, excerpt}] for each error output, cell numbers as the trainee sees them."""
    out, number = [], 0
    for cell in nb.get("cells") or []:
        if not isinstance(cell, dict):
            continue
        tags = (cell.get("metadata") or {}).get("tags") or []
        if cell.get("id") == CELL_ID or any(t in tags for t in _SKIPPED):
            continue
        number += 1
        for output in cell.get("outputs") or []:
            if not isinstance(output, dict) or output.get("output_type") != "error":
                continue
            ename = str(output.get("ename", ""))
            trace = output.get("traceback") or []
            lines = [int(m) for t in trace if isinstance(t, str)
                     for m in _LINE.findall(re.sub(r"\x1b\[[0-9;]*m", "", t))]
            out.append({"cell": number, "line": lines[0] if lines else None,
                        "type": ename if _NAME.fullmatch(ename) else "Error",
                        "excerpt": excerpt(output.get("evalue", ""), 60)})
    return out[:MAX_ERRORS]


def _answers(nb: dict, names: list[str]) -> tuple[dict | None, str]:
    """(answers, "") or (None, problem) from the appended cell's last answers output."""
    cells = [c for c in nb.get("cells") or [] if isinstance(c, dict) and c.get("id") == CELL_ID]
    if len(cells) != 1:
        return None, "no_cell"
    found = None
    for output in cells[0].get("outputs") or []:
        data = output.get("data") if isinstance(output, dict) else None
        if isinstance(data, dict) and isinstance(data.get(MIME), str):
            found = data[MIME]
    if found is None:
        return None, "no_output"
    if len(found.encode("utf-8", "surrogatepass")) > MAX_ANSWERS_BYTES:
        return None, "too_large"
    try:
        value = loads_bounded(found)
    except Refused as exc:
        return None, exc.reason
    if not isinstance(value, dict):
        return None, "malformed"
    return {n: value[n] for n in names if n in value}, ""


def extract(path: str, names: list[str]) -> dict:
    """The extraction's result: {answers | None, problem, errors}."""
    try:
        nb = loads_bounded(read_regular(path, MAX_NOTEBOOK_BYTES, timeout=20))
    except Refused as exc:
        return {"answers": None, "problem": f"notebook_{exc.reason}", "errors": []}
    if not isinstance(nb, dict):
        return {"answers": None, "problem": "notebook_malformed", "errors": []}
    try:
        answers, problem = _answers(nb, names)
        return {"answers": answers, "problem": problem, "errors": _errors(nb)}
    except (TypeError, AttributeError, ValueError):  # a notebook of the wrong shape
        return {"answers": None, "problem": "notebook_malformed", "errors": []}


def main(argv: list[str]) -> int:
    path, names = argv[0], json.loads(argv[1])
    result = extract(path, [str(n) for n in names])
    text = json.dumps(result, ensure_ascii=False)
    if value_depth(result) > 66 or len(text) > MAX_ANSWERS_BYTES + 200_000:
        text = json.dumps({"answers": None, "problem": "too_large", "errors": []})
    sys.stdout.write(text)
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
