"""What a pooled kernel does before any trainee asks for it (run inside the kernel).

Each page is built once as a preview of the default sample organization (a
preview is read-only, so nothing is written), which imports everything the
page imports lazily and fills the caches a first page would fill; then the
previews' charts are waited for and every widget is closed, so the page that
takes the kernel starts idle, from a clean widget registry. A page that fails
to warm is only reported: its own request will run it, and show its error,
as without a pool.
"""

from __future__ import annotations

import importlib
import logging
from contextlib import contextmanager

log = logging.getLogger(__name__)


def warm(pages: list[tuple[str, str, bool]]) -> list[str]:
    """Build each (stem, app module, uses a session) page once; the stems that failed."""
    import ipywidgets

    from cmtraining.apps.drawing import DRAW_WAIT_SECONDS, wait_for_drawings
    from cmtraining.runtime.parameters import resolve
    from cmtraining.runtime.session import open_session

    failed = []
    with quiet_widgets():
        for stem, module, with_session in pages:
            try:
                build = importlib.import_module(module).build_app
                if with_session:
                    build(open_session(stem))
                else:
                    build(**resolve(stem, {}, source="papermill"))
            except Exception:  # noqa: BLE001 - warming is best effort; the page itself reports
                failed.append(stem)
        # the previews' charts draw in threads: a kernel handed to a page must be idle, not
        # still drawing charts nobody sees (the page's first state waits for every drawing)
        if not wait_for_drawings():  # a hung preview drawing: said in the server's log
            log.warning("preview charts still drawing after %.0f s: the kernel is pooled "
                        "without waiting for them", DRAW_WAIT_SECONDS)
        ipywidgets.Widget.close_all()
    return failed


@contextmanager
def quiet_widgets():
    """Widgets built inside open no comm to a front end: their messages go nowhere.

    Nobody sees a preview, yet each of its ~1,800 widgets would publish its
    opening, its updates and its closing on the kernel's output channel, and
    the server decodes every one (its activity watcher and the warming client
    both listen): some 30,000 messages a warm-up, decoded by the one process
    that is serving the pages of the trainees who just arrived. The widgets'
    states are still built (`Widget.open` serializes them), so that code is
    warmed too.
    """
    import comm

    real = comm.create_comm
    comm.create_comm = comm.DummyComm
    try:
        yield
    finally:
        comm.create_comm = real
