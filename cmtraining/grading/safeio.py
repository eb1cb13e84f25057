"""Reading what untrusted code wrote, without trusting it.

Why a module of its own: every file and stream a submission can touch (its
notebook, the executed notebook, its printed output) may be a FIFO that never
ends, a symlink to a file the grader may read and the trainee may not, a
sparse file of gigabytes or JSON nested 200,000 levels deep. Each reader here
refuses those with a reason instead of hanging, following or crashing:
`O_NOFOLLOW` and `O_NONBLOCK` on open, `fstat` says regular file, a size cap
checked before and while reading, a deadline, and a nesting limit (the
decoder's `RecursionError` becomes a reason, never a crash).

Standard library only: the sandbox's extraction process imports it.
"""

from __future__ import annotations

import json
import os
import re
import stat
import time

MAX_DEPTH = 64  # JSON nesting; the kernel-side dump stops at 20 (emit.py), notebooks need ~10
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")
_UNPRINTABLE = re.compile(r"[^\w .,:;!?()\[\]{}'\"<>=+\-*/%@#&|~^$€ºª¿¡]", re.U)


class Refused(Exception):
    """A file or text that is not read; `reason` is a short key, `detail` for logs."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def read_regular(path: str | os.PathLike, max_bytes: int, timeout: float = 10.0,
                 dir_fd: int | None = None) -> bytes:
    """The bytes of `path` if it is a regular file (not a symlink) of at most `max_bytes`.

    Raises `Refused("missing" | "not_regular" | "too_large" | "deadline")`.
    """
    deadline = time.monotonic() + timeout
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY
    try:
        fd = os.open(path, flags, dir_fd=dir_fd)
    except FileNotFoundError:
        raise Refused("missing", str(path)) from None
    except OSError as exc:  # ELOOP: a symlink; ENXIO: a socket; EACCES ...
        raise Refused("not_regular", f"{path}: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Refused("not_regular", str(path))
        if info.st_size > max_bytes:
            raise Refused("too_large", f"{info.st_size} bytes")
        chunks, total = [], 0
        while True:
            if time.monotonic() > deadline:
                raise Refused("deadline", str(path))
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                return b"".join(chunks)
            total += len(chunk)
            if total > max_bytes:  # grew while we read
                raise Refused("too_large", f"more than {max_bytes} bytes")
            chunks.append(chunk)
    finally:
        os.close(fd)


def loads_bounded(data: bytes | str, max_depth: int = MAX_DEPTH):
    """`json.loads` that refuses values nested deeper than `max_depth`.

    Raises `Refused("too_deep" | "malformed")`, never `RecursionError`: the C
    decoder counts its nesting against the recursion limit and raises it
    around 1,000 levels, which is caught here; shallower values are then
    measured without recursion.
    """
    try:
        value = json.loads(data)
    except RecursionError:
        raise Refused("too_deep", "nested beyond the recursion limit") from None
    except (ValueError, MemoryError, TypeError) as exc:
        raise Refused("malformed", type(exc).__name__) from None
    if value_depth(value, max_depth) > max_depth:
        raise Refused("too_deep", f"nested deeper than {max_depth}")
    return value


def value_depth(value, max_depth: int = MAX_DEPTH) -> int:
    """Nesting depth of a parsed JSON value, walked with a stack (no recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if deepest > max_depth:
                return deepest
            stack.extend((x, depth + 1) for x in (item.values() if isinstance(item, dict)
                                                   else item))
    return deepest


def excerpt(text: object, limit: int = 80) -> str:
    """A short, single-line, printable excerpt of text a submission chose."""
    clean = _ANSI.sub("", str(text)[: limit * 4])
    clean = _UNPRINTABLE.sub(" ", clean)
    clean = " ".join(clean.split())
    return clean if len(clean) <= limit else clean[: limit - 1].rstrip() + "…"


class Tail:
    """The last `keep` bytes of a stream and how many bytes went by (a capped reader)."""

    def __init__(self, keep: int):
        self.keep = keep
        self.total = 0
        self._buf = bytearray()

    def feed(self, chunk: bytes) -> None:
        self.total += len(chunk)
        self._buf += chunk[-self.keep:]
        if len(self._buf) > 2 * self.keep:
            del self._buf[: -self.keep]

    def data(self) -> bytes:
        return bytes(self._buf[-self.keep:])

    def text(self) -> str:
        return self.data().decode("utf-8", "replace")
