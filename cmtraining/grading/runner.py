"""Execute the prepared notebook with nbclient, its parameters injected, its outputs capped.

Run as `python -P -m cmtraining.grading.runner IN OUT PARAMS_JSON MAX_OUTPUT_BYTES`
inside the sandbox, as the sandbox's uid. Why not `python -m papermill`: a
cell printing 100 MB would be held (several times over) in the executor's
memory and written into the executed notebook; the client here counts the
bytes of every output the kernel sends and, past the cap, stops the run with
`EXIT_OUTPUT` so that the reason recorded is "output too large", not
"memory". Parameters are injected the way papermill does it (a cell tagged
`injected-parameters` after the `parameters` cell), with nbclient alone.

The executed notebook is written once, at the end, to a fresh file renamed
over OUT: whatever the notebook put at that name (a FIFO, a symlink) is
replaced, never opened. Whatever the kernel writes to its own stdout/stderr
goes to the init process's capped pipe, not here.
"""

from __future__ import annotations

import json
import os
import sys

EXIT_OUTPUT = 3
INJECTED = "injected-parameters"


def inject(nb, params: dict) -> None:
    """A cell assigning `params` right after the `parameters` cell (first, without one)."""
    import nbformat

    source = "# Parameters\n" + "".join(f"{k} = {v!r}\n" for k, v in params.items())
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": [INJECTED]})
    index = next((i + 1 for i, c in enumerate(nb.cells)
                  if "parameters" in (c.get("metadata") or {}).get("tags", [])), 0)
    nb.cells.insert(index, cell)


def _client(nb, cwd: str, max_bytes: int):
    from nbclient import NotebookClient

    class CappedClient(NotebookClient):
        sent = 0

        def output(self, outs, msg, display_id, cell_index):
            content = msg.get("content") or {}
            size = len(str(content.get("text", ""))) + sum(
                len(str(v)) for v in (content.get("data") or {}).values()) + sum(
                len(str(v)) for v in (content.get("traceback") or []))
            CappedClient.sent += size
            if CappedClient.sent > max_bytes:
                sys.stderr.write("cmtraining: output too large\n")
                sys.stderr.flush()
                os._exit(EXIT_OUTPUT)
            return super().output(outs, msg, display_id, cell_index)

    return CappedClient(nb, kernel_name="python3", timeout=None, allow_errors=True,
                        resources={"metadata": {"path": cwd}})


def save(nb, target: str) -> None:
    """Write to a new file and rename it over `target` (never through what is there)."""
    import tempfile

    import nbformat

    fd, temp = tempfile.mkstemp(prefix=".out-", suffix=".ipynb",  # O_EXCL, a name not guessed
                                dir=os.path.dirname(os.path.abspath(target)))
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        nbformat.write(nb, fh)
    os.replace(temp, target)


def main(argv: list[str]) -> int:
    import nbformat

    source, target, params, max_bytes = argv[0], argv[1], json.loads(argv[2]), int(argv[3])
    nb = nbformat.read(source, as_version=4)
    inject(nb, params)
    cwd = os.path.dirname(os.path.abspath(target))
    code = 0
    try:
        _client(nb, cwd, max_bytes).execute()
    except Exception as exc:  # noqa: BLE001 - the init process reads this line
        sys.stderr.write(f"cmtraining runner: {type(exc).__name__}\n")
        code = 1
    try:
        save(nb, target)
    except Exception as exc:  # noqa: BLE001 - e.g. the scratch folder is full
        sys.stderr.write(f"cmtraining runner: not saved ({type(exc).__name__})\n")
        code = 1
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
