"""The browser waits for a page's first widget state as long as a loaded classroom needs.

ipywidgets' widget manager (@jupyter-widgets/base-manager 8.1, compiled into
Voila's widgets-manager8 and jupyterlab_widgets' scripts) asks the kernel for every widget's state at
once and gives the answer 4 s (`CONTROL_COMM_TIMEOUT`). Past that it falls
back to asking each model in turn, a path kept for kernels with ipywidgets
7.6 or older that never answer. Our kernels always answer, only late when a
class loads the machine: 12 trainees opening a page together on two cores
sent 8 of 12 pages down the fallback (7 Dec), 133 round trips each, which
loaded the server more and sent the next pages down it too; under 25
trainees pages stayed at "Loading widget..." for minutes. The timeout is a
constant in the compiled script with no setting (ipywidgets issue 3633, open
since 2022, whose reporter raised it the same way), so the server serves that
one script with the timeout raised to 60 s. The constant is swapped in place,
the same length, and only where the exact compiled text is found: a Voila
whose script differs is served unchanged (and the browser test of the first
state says so).
"""

from __future__ import annotations

import functools
import os
import re

from jupyter_server.base.handlers import FileFindHandler

#: the compiled timeout as the minifiers wrote it (Voila's widgets-manager8 bundle and
#: jupyterlab_widgets' own, either of which the page may load), in milliseconds
COMPILED = re.compile(rb'(Control comm did not respond in time"\)\)?,)4e3\)')
#: what it becomes: 60 s, written in as many characters
LONGER = rb"\g<1>6e4)"
MARKER = b"did not respond in time"


@functools.lru_cache(maxsize=256)
def _patched(abspath: str, mtime: float) -> bytes | None:
    """The script at `abspath` with the longer wait, or None when it holds no such timeout."""
    with open(abspath, "rb") as script:
        content = script.read()
    if MARKER not in content:
        return None
    patched, count = COMPILED.subn(LONGER, content)
    return patched if count else None


def patched_content(abspath: str) -> bytes | None:
    """A labextension script with the first state's longer wait, or None (served as it is)."""
    if not abspath.endswith(".js"):
        return None
    return _patched(abspath, os.stat(abspath).st_mtime)


class LabExtensionsHandler(FileFindHandler):
    """Voila's handler of `/voila/labextensions/`, serving the widget manager's script
    with the first state's longer wait (same size: ranges and lengths still hold)."""

    @classmethod
    def get_content(cls, abspath: str, start: int | None = None, end: int | None = None):
        content = patched_content(abspath)
        if content is None:
            return super().get_content(abspath, start, end)
        return content[start:end]
