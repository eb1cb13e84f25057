"""The scripts a Voila page loads, learned from the first pages and announced in the next ones.

A stage page's first usable widget waits for Voila's front end: about 90
scripts (voila.js, its chunks, the widget manager's federated extension)
which the browser only starts to fetch once the whole page has streamed, i.e.
after the kernel has run every cell. The scripts are the same on every page,
so the server notes the ones browsers fetch and writes a
`<link rel="preload" as="script">` for each into the head of the next pages:
the browser fetches (or reads from its cache) and compiles them while the
kernel works. Measured in `bench/classroom_warm.py`.

Only scripts the server itself served (status 200 or 304) under Voila's static
and labextension paths are noted; their exact addresses (query included) are
kept, so a preload matches the request the page makes later.
"""

from __future__ import annotations

import html
import logging
import threading

#: at most this many scripts are announced (a page needs about 90)
MAX_SCRIPTS = 200
#: where Voila serves its front end, under the server's base URL
SCRIPT_PATHS = ("voila/static/", "voila/labextensions/")

access_log = logging.getLogger("tornado.access")


class ScriptsSeen:
    """The scripts browsers fetched from this server, in the order first seen."""

    def __init__(self, base_url: str = "/", limit: int = MAX_SCRIPTS):
        self.prefixes = tuple(base_url.rstrip("/") + "/" + p for p in SCRIPT_PATHS)
        self.limit = limit
        self._seen: dict[str, None] = {}
        self._lock = threading.Lock()

    def note(self, method: str, path: str, uri: str, status: int) -> None:
        if (method == "GET" and status in (200, 304) and path.endswith(".js")
                and path.startswith(self.prefixes) and uri not in self._seen):
            with self._lock:
                if len(self._seen) < self.limit:
                    self._seen[uri] = None

    def urls(self) -> list[str]:
        with self._lock:
            return list(self._seen)

    def links(self) -> str:
        """The head's preload hints, one per script seen."""
        return "".join(f'<link rel="preload" as="script" href="{html.escape(u)}">'
                       for u in self.urls())


def with_preloads(head: str, seen: ScriptsSeen) -> str:
    """`head` (a page's head, whole) with the preload hints just before `</head>`."""
    links = seen.links()
    return head.replace("</head>", links + "</head>", 1) if links else head


def noting_log_function(seen: ScriptsSeen, original=None):
    """Tornado's `log_function` setting that notes each script served, then logs as before."""

    def log(handler) -> None:
        request, status = handler.request, handler.get_status()
        seen.note(request.method, request.path, request.uri, status)
        if original is not None:
            original(handler)
            return
        method = (access_log.info if status < 400 else access_log.warning if status < 500
                  else access_log.error)
        method("%d %s %.2fms", status, handler._request_summary(),
               1000.0 * request.request_time())

    return log
