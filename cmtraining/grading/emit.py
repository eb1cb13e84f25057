"""The answers cell's code: runs in the trainee's kernel as the notebook's last cell.

Why it writes no file: anything the kernel writes, the trainee's code could
write too. The answers are *displayed* as one output of the appended cell
(`MIME`, a JSON string); the runner stores it in the executed notebook, and
the extraction process (`extract.py`) reads it from there after every
process of the sandbox is gone, keeping the declared names only. Values that
JSON cannot hold become lists/dicts when they know how (numpy, pandas,
pydantic, dates) and their `str()` otherwise; nesting stops at 20 levels.
"""

from __future__ import annotations

import json
import math

MIME = "application/x-cmtraining-answers"
CELL_ID = "cmtraining-extract"
_MAX_LEVELS = 20


def safe(value, depth: int = 0):
    """`value` as JSON-ready data."""
    if depth > _MAX_LEVELS:
        return str(value)
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): safe(x, depth + 1) for k, x in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [safe(x, depth + 1) for x in value]
    for attr, args in (("model_dump", {"mode": "json"}), ("to_dict", {"orient": "records"}),
                       ("to_dict", {}), ("tolist", {}), ("item", {}), ("isoformat", {})):
        if hasattr(value, attr):
            try:
                return safe(getattr(value, attr)(**args), depth + 1)
            except Exception:  # noqa: BLE001, S112 - try the next conversion
                continue
    return str(value)


def emit(namespace: dict, names: list[str]) -> None:
    """Display the declared answer variables found in `namespace` (the notebook's globals)."""
    from IPython.display import publish_display_data

    found = {n: safe(namespace[n]) for n in names if n in namespace}
    publish_display_data({MIME: json.dumps(found, ensure_ascii=False)})


class OutputTooLarge(Exception):
    """Raised in the trainee's cell that prints past the cap (see `cap_output`)."""


def cap_output(limit: int) -> None:
    """Count what the kernel's stdout/stderr are asked to write; past `limit`, raise.

    Run from an IPython startup file. Why in the kernel: a 100 MB `print`
    exhausts the kernel's own memory while it serialises the message, before
    any capped reader outside sees a byte; raising before the write keeps
    the reason exact ("output too large"). A submission can undo this, but
    then only its own reason changes: the runner and the init process still
    cap what reaches them.
    """
    import sys
    import threading

    sent = [0]
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        original = stream.write

        def write(text, _original=original):
            sent[0] += len(text)
            if sent[0] <= limit:
                return _original(text)
            if threading.current_thread() is threading.main_thread():  # the cell's own code
                raise OutputTooLarge(f"more than {limit} characters of output")
            return len(text)  # the kernel's own threads (fd capture) just drop it

        try:
            stream.write = write
        except (AttributeError, TypeError):
            pass


def startup_source(limit: int) -> str:
    """The IPython startup file that installs `cap_output`."""
    return f"from cmtraining.grading.emit import cap_output\ncap_output({int(limit)})\n"


def cell_source(names: list[str]) -> str:
    """The appended cell: one call, so no grader code lives inside a string."""
    return f"from cmtraining.grading.emit import emit\nemit(globals(), {list(names)!r})\n"
