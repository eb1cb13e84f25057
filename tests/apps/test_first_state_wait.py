"""The widget manager's script, as the served page gets it, waits 60 s for the first state.

Under a class's load the kernel answers the page's first state after the
compiled 4 s; the fallback then asked 133 models one by one per page and
pages stayed at "Loading widget..." (bench/classroom_load.py, 7 Dec).
"""

from __future__ import annotations

import re
from pathlib import Path

from voila.utils import get_voila_labextensions_path

from cmtraining.runtime.first_state_wait import COMPILED, MARKER, patched_content


def _shipped_scripts() -> list[tuple[str, Path]]:
    """(address under /voila/labextensions/, file) of the widget managers' scripts Voila serves."""
    found = {}
    for root in map(Path, get_voila_labextensions_path()):
        for script in sorted(root.glob("*/*/static/*.js")):
            if "widgets" in str(script.relative_to(root)):
                found.setdefault(str(script.relative_to(root)), script)  # the first path wins
    return sorted(found.items())


def _holding(scripts):
    return [(url, s) for url, s in scripts if COMPILED.search(s.read_bytes())]


def test_the_installed_widget_manager_holds_the_compiled_timeout_we_raise():
    """A Voila whose script no longer holds the 4 s wait would be served as it is: this says so."""
    holding = _holding(_shipped_scripts())
    assert holding, "the widget manager changed: see cmtraining/runtime/first_state_wait.py"
    for _url, script in holding:
        patched = patched_content(str(script))
        assert len(patched) == script.stat().st_size
        assert re.search(rb'respond in time"\)\)?,6e4\)', patched)
        assert not COMPILED.search(patched)
    # every script that has the fallback's wait gets the longer one (none left at 4 s)
    assert all(patched_content(str(s)) is not None for _, s in _shipped_scripts()
               if MARKER in s.read_bytes() and b",4e3)" in s.read_bytes())


def test_the_served_widget_manager_waits_60_s_for_the_first_state(server):
    served = server["served"]
    holding = _holding(_shipped_scripts())
    for url, script in holding:
        status, body, headers = served.get(f"/voila/labextensions/{url}")
        assert status == 200
        assert "6e4)" in body and not COMPILED.search(body.encode())
        assert int(headers.get("Content-Length", len(body.encode()))) == script.stat().st_size
    assert holding


def test_other_scripts_are_served_unchanged(server):
    served = server["served"]
    url, other = next((u, s) for u, s in _shipped_scripts() if MARKER not in s.read_bytes())
    status, body, _ = served.get(f"/voila/labextensions/{url}")
    assert status == 200 and body == other.read_text(encoding="utf-8", errors="replace")
