"""Charts drawn after the page is built, and the images that hold them.

matplotlib's first import and a chart's drawing take seconds: a page draws
its charts in a background thread (`draw_later`) so its widgets show first.
The browser's first state waits for those drawings briefly, and a drawing
that finishes later is sent again once the browser has wired its models
(`hold_states_for_drawings`, installed on import). An image waiting for its
chart holds a transparent pixel, never nothing (`chart_image`).
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable

import ipywidgets as widgets

#: drawings started by `draw_later` and not finished: the browser's first state waits for them
_DRAWING: set[threading.Thread] = set()
_DRAWING_GUARD = threading.Lock()
#: one chart at a time in a kernel: matplotlib's first import and font cache are not
#: thread-safe, and a page may start several deferred charts (evaluation + radars)
_ONE_DRAWING = threading.Lock()
#: the longest a warm-up waits for its preview charts (a hung drawing must not hang it)
DRAW_WAIT_SECONDS = 120.0
#: the longest the page's first state waits for its charts. The browser's widget manager
#: gives the first state 4 s (@jupyter-widgets/base-manager 8.1, CONTROL_COMM_TIMEOUT) and
#: then falls back to asking every model for its state one by one: 133 round trips on the
#: profile page, slow under a class's load and racy (a model made meanwhile is "not found").
#: Waiting longer for a chart sent 12 of 12 pages of a class down that path (7 Dec).
FIRST_STATE_WAIT_SECONDS = 1.5
#: after the first state went without a chart, when its late drawing is sent again: by then
#: the browser has wired its models, so the value is no longer dropped (seconds after the
#: drawing ends; two tries, the second for a browser slowed by a class's load)
RESEND_AFTER_SECONDS = (1.0, 5.0)
#: drawings that were still running when a first state was sent: their widgets are re-sent
_LATE: set[threading.Thread] = set()
#: the widgets each running drawing changed (what a late drawing sends again)
_TOUCHED: dict[threading.Thread, set] = {}


def draw_later(target: Callable[..., object], *args, name: str = "cm-chart") -> threading.Thread:
    """Run `target(*args)` (a chart's drawing) in a background thread, so the page is
    built before matplotlib has loaded.

    A value set on a widget while the browser builds its models from the
    kernel's state is lost: the widget manager answers `request_states` and
    drops every update that arrives for a model not wired yet. A radar drawn
    then kept its empty picture while its layout update (shown) arrived, the
    broken image of the sweep (issue 19.7). `hold_states_for_drawings` makes
    the state wait for these threads (briefly), and a drawing that finishes
    after the state went sends what it changed again once the browser is wired.
    """
    def run():
        try:
            with _ONE_DRAWING:
                target(*args)
        finally:
            with _DRAWING_GUARD:
                _DRAWING.discard(thread)
                late = thread in _LATE
                _LATE.discard(thread)
                touched = _TOUCHED.pop(thread, set())
            if late and touched:
                _resend_later(touched)

    thread = threading.Thread(target=run, name=name, daemon=True)
    with _DRAWING_GUARD:
        _DRAWING.add(thread)
        _TOUCHED[thread] = set()
    thread.start()
    return thread


def _resend_later(touched: set) -> None:
    """Send the whole state of `touched` widgets again, RESEND_AFTER_SECONDS after now."""
    def resend():
        for widget in list(touched):
            if getattr(widget, "comm", None) is not None:  # closed since: nothing to show
                widget.send_state()

    for delay in RESEND_AFTER_SECONDS:
        timer = threading.Timer(delay, resend)
        timer.daemon = True
        timer.start()


def wait_for_drawings(timeout: float = DRAW_WAIT_SECONDS) -> bool:
    """Wait until every `draw_later` drawing has finished; False if `timeout` passed first."""
    import time

    end = time.monotonic() + timeout
    while True:
        with _DRAWING_GUARD:
            pending = [t for t in _DRAWING if t is not threading.current_thread()]
        if not pending:
            return True
        left = end - time.monotonic()
        if left <= 0:
            return False
        pending[0].join(left)


def hold_states_for_drawings() -> None:
    """The browser's `request_states` (the page's first state) answered once the charts are
    drawn, or after FIRST_STATE_WAIT_SECONDS with the drawings still running marked late
    (idempotent). ipywidgets answers it in `Widget._handle_control_comm_msg`; every change a
    drawing makes goes through `Widget.send_state`, which records it for a late re-send."""
    from ipywidgets.widgets.widget import Widget

    if getattr(Widget, "_cm_states_hold_drawings", False):
        return
    answer = Widget._handle_control_comm_msg  # bound to Widget
    send_state = Widget.send_state

    def handle(cls, msg):
        if (msg.get("content", {}).get("data") or {}).get("method") == "request_states":
            if not wait_for_drawings(FIRST_STATE_WAIT_SECONDS):
                # marked before the state is taken: a change made meanwhile is re-sent
                with _DRAWING_GUARD:
                    _LATE.update(_DRAWING)
        return answer(msg)

    def recorded_send_state(self, key=None):
        touched = _TOUCHED.get(threading.current_thread())
        if touched is not None:
            touched.add(self)
        return send_state(self, key=key)

    Widget._handle_control_comm_msg = classmethod(handle)
    Widget.send_state = recorded_send_state
    Widget._cm_states_hold_drawings = True


hold_states_for_drawings()


#: a 1 x 1 transparent PNG: what a chart's image holds until it is drawn (an <img> without
#: a picture is a broken-image icon, shown or not)
NO_CHART = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")


def has_chart(image: widgets.Image) -> bool:
    """Whether a `chart_image` holds a drawn chart."""
    return bytes(image.value) not in (b"", NO_CHART)


def chart_image(max_width: str = "100%") -> widgets.Image:
    """A chart's image, hidden until it has a picture.

    An Image widget without a value draws as a broken-image icon: the sweep
    (issue 19.7) found one under every deferred chart while it was drawn.
    Until then (or when a chart is taken away: `value = b""`) it holds
    `NO_CHART`, so no <img> of the page is ever without a picture.
    """
    image = widgets.Image(value=NO_CHART, format="png",
                          layout=widgets.Layout(max_width=max_width, display="none"))

    def shown(change) -> None:
        if not change["new"]:
            image.value = NO_CHART  # observed again: hidden there
            return
        image.layout.display = None if has_chart(image) else "none"

    image.observe(shown, "value")
    return image
