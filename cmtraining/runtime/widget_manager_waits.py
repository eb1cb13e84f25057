"""The browser's widget manager waits as long as a loaded classroom needs.

ipywidgets' widget manager (@jupyter-widgets/base-manager 8.1, compiled into
Voila's widgets-manager8 and jupyterlab_widgets' scripts) has two short waits
written into its compiled script, with no setting:

- **The page's first state.** It asks the kernel for every widget's state at
  once and gives the answer 4 s (`CONTROL_COMM_TIMEOUT`), then falls back to
  asking each model in turn, a path kept for kernels with ipywidgets 7.6 or
  older that never answer. Ours always answer, only late when a class loads
  the machine: 12 trainees opening a page together on two cores sent 8 of 12
  pages down the fallback (7 Dec), 133 round trips each, which loaded the
  server more and sent the next pages down it too; under 25 trainees pages
  stayed at "Loading widget..." for minutes (ipywidgets issue 3633, open since
  2022, whose reporter raised it the same way).
- **A model referred to before it is registered.** `get_model` waits 2 s for
  a model another one names (a box's new rows) and then fails with "widget
  model not found": the box keeps its old children. The crisis protocol's
  default (a click that builds ~1,000 widgets) ended that way on a loaded CI
  machine (7 Dec). Those models had not come late but were lost: the kernel
  had dropped its messages past ZeroMQ's 1,000 (`served_kernel` keeps them
  now); a model that is merely late is still waited for.

So the server serves those scripts with both waits at 60 s. Each constant is
swapped in place, the same length (sizes, ranges and caching still hold), and
only where the exact compiled text is found: a script that differs is served
unchanged, and `tests/apps/test_widget_manager_waits.py` says so.
"""

from __future__ import annotations

import functools
import os
import re

from jupyter_server.base.handlers import FileFindHandler

#: (compiled text, what it becomes): 4 s and 2 s become 60 s, written in as many characters
WAITS = (
    # the first state: `setTimeout(() => reject("Control comm did not respond in time"), 4e3)`
    (re.compile(rb'(Control comm did not respond in time"\)\)?,)4e3\)'), rb"\g<1>6e4)"),
    # a model not registered yet: `for (; Date.now() - start < 2e3;) { if (model) return ...`
    (re.compile(rb"(for\(;Date\.now\(\)-\w+<)2e3(;\)\{if\(void 0!==\(\w+=this\._models\[)"),
     rb"\g<1>6e4\g<2>"),
)
#: text only the widget manager's scripts hold (the rest are served without a second look)
MARKERS = (b"did not respond in time", b"widget model not found")


@functools.lru_cache(maxsize=256)
def _patched(abspath: str, mtime: float) -> bytes | None:
    """The script at `abspath` with the longer waits, or None when it holds none of them."""
    with open(abspath, "rb") as script:
        content = script.read()
    if not any(marker in content for marker in MARKERS):
        return None
    found = 0
    for compiled, longer in WAITS:
        content, count = compiled.subn(longer, content)
        found += count
    return content if found else None


def patched_content(abspath: str) -> bytes | None:
    """A labextension script with the longer waits, or None (served as it is)."""
    if not abspath.endswith(".js"):
        return None
    return _patched(abspath, os.stat(abspath).st_mtime)


class LabExtensionsHandler(FileFindHandler):
    """Voila's handler of `/voila/labextensions/`, serving the widget manager's scripts
    with the longer waits (the same size: ranges and lengths still hold)."""

    @classmethod
    def get_content(cls, abspath: str, start: int | None = None, end: int | None = None):
        content = patched_content(abspath)
        if content is None:
            return super().get_content(abspath, start, end)
        return content[start:end]
