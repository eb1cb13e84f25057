"""Execute the prepared notebook with papermill, its outputs capped.

Run as `python -P -m cmtraining.grading.runner IN OUT PARAMS_JSON MAX_OUTPUT_BYTES`
inside the sandbox, as the sandbox's uid. Why not plain `python -m papermill`:
a cell printing 100 MB would be held (several times over) in papermill's
memory and written into the executed notebook; the capped engine counts the
bytes of every output the kernel sends and, past the cap, stops the run with
`EXIT_OUTPUT` so that the reason recorded is "output too large", not "memory".
Whatever the kernel writes to its own stdout/stderr goes to the init
process's capped pipe, not here.
"""

from __future__ import annotations

import json
import os
import sys

EXIT_OUTPUT = 3
ENGINE = "cmtraining-capped"


def _engine(max_bytes: int):
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine

    class CappedClient(PapermillNotebookClient):
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

    class CappedEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False,
                                     stdout_file=None, stderr_file=None, start_timeout=60,
                                     execution_timeout=None, **kwargs):
            kwargs.pop("input_path", None)
            for name in ("timeout", "startup_timeout"):
                kwargs.pop(name, None)
            return CappedClient(nb_man, timeout=execution_timeout, startup_timeout=start_timeout,
                                kernel_name=kernel_name, log_output=False, **kwargs).execute()

    return CappedEngine


def main(argv: list[str]) -> int:
    source, target, params, max_bytes = argv[0], argv[1], json.loads(argv[2]), int(argv[3])
    import papermill
    from papermill.engines import papermill_engines

    papermill_engines.register(ENGINE, _engine(max_bytes))
    try:
        papermill.execute_notebook(source, target, parameters=params, engine_name=ENGINE,
                                   kernel_name="python3", progress_bar=False, log_output=False,
                                   cwd=os.path.dirname(os.path.abspath(target)))
    except Exception as exc:  # noqa: BLE001 - the init process reads this line
        sys.stderr.write(f"cmtraining runner: {type(exc).__name__}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
