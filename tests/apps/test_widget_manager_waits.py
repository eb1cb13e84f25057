"""The widget manager's scripts, as the served page gets them, wait 60 s where they waited 4 and 2.

Under a class's load the kernel answered a page's first state after the
compiled 4 s (the one-by-one fallback then left pages at "Loading widget...",
bench/classroom_load.py, 7 Dec), and a click building ~1,000 widgets on a
loaded CI machine passed the 2 s a model may be named before it is registered
(the crisis protocol's triggers never appeared, CI of 7 Dec).
"""

from __future__ import annotations

import re
from pathlib import Path

from voila.utils import get_voila_labextensions_path

from cmtraining.runtime.widget_manager_waits import MARKERS, WAITS, patched_content

#: each wait as compiled, and as served
SHORT = [compiled for compiled, _ in WAITS]
LONG = [re.compile(rb'respond in time"\)\)?,6e4\)'),
        re.compile(rb"for\(;Date\.now\(\)-\w+<6e4;\)\{if\(void 0!==\(\w+=this\._models\[")]


def _shipped_scripts() -> list[tuple[str, Path]]:
    """(address under /voila/labextensions/, file) of the widget managers' scripts Voila serves."""
    found = {}
    for root in map(Path, get_voila_labextensions_path()):
        for script in sorted(root.glob("*/*/static/*.js")):
            if "widgets" in str(script.relative_to(root)):
                found.setdefault(str(script.relative_to(root)), script)  # the first path wins
    return sorted(found.items())


def _holding(wait: int) -> list[tuple[str, Path]]:
    return [(url, s) for url, s in _shipped_scripts() if SHORT[wait].search(s.read_bytes())]


def test_the_installed_widget_managers_hold_both_compiled_waits_we_raise():
    """A Voila whose scripts no longer hold a wait would be served as they are: this says so."""
    for wait in range(len(WAITS)):
        holding = _holding(wait)
        assert holding, f"the widget manager changed (wait {wait}): see widget_manager_waits.py"
        for _url, script in holding:
            patched = patched_content(str(script))
            assert len(patched) == script.stat().st_size
            assert LONG[wait].search(patched) and not SHORT[wait].search(patched)


def test_the_served_widget_managers_wait_60_s(server):
    served = server["served"]
    for wait in range(len(WAITS)):
        for url, script in _holding(wait):
            status, body, headers = served.get(f"/voila/labextensions/{url}")
            assert status == 200
            assert LONG[wait].search(body.encode()) and not SHORT[wait].search(body.encode())
            length = int(headers.get("Content-Length", len(body.encode())))
            assert length == script.stat().st_size


def test_other_scripts_are_served_unchanged(server):
    served = server["served"]
    url, other = next((u, s) for u, s in _shipped_scripts()
                      if not any(m in s.read_bytes() for m in MARKERS))
    status, body, _ = served.get(f"/voila/labextensions/{url}")
    assert status == 200 and body == other.read_text(encoding="utf-8", errors="replace")
