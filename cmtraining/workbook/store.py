"""Reading and writing workbook files safely.

- Saves are atomic: the YAML goes to a temporary file in the same folder,
  is flushed and fsync'ed, then renamed over the old file (and the folder
  fsync'ed), so a crash or a kill leaves either the old or the new file.
- Writers take a cross-process lock (`<file>.lock`, via filelock). `update`
  re-reads the file under the lock before applying a change, so two
  writers (two browser tabs, a tab and a facilitator's script) never lose
  each other's update. A writer that cannot get the lock within
  `lock_timeout` seconds gets a `LockTimeoutError`; a lock that cannot be
  created at all (a read-only folder, /proc, a file where a folder should
  be) is refused at once with the reason, not after the timeout.
- Reading is bounded: a file larger than `MAX_WORKBOOK_BYTES` is refused
  before parsing, and YAML aliases (the "billion laughs" bomb) are refused
  by the loader (see `cmtraining.core.yamlio`).
- A save killed mid-way can leave `.<name>.XXXXXXXX.tmp` behind; the next
  save of that file (under its lock) removes them.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import yaml
from filelock import FileLock, Timeout
from pydantic import ValidationError

from cmtraining.core.errors import LockTimeoutError, WorkbookFileError, WorkbookValidationError
from cmtraining.core.outputs import write_bytes_atomic, write_failure
from cmtraining.core.yamlio import AliasError, load_yaml
from cmtraining.workbook.migrations import migrate
from cmtraining.workbook.models import Workbook
from cmtraining.workbook.validation import check_references, problems_from, validate_model

#: seconds a second writer waits for the lock before giving up
LOCK_TIMEOUT = float(os.environ.get("CMTRAINING_LOCK_TIMEOUT", "10"))

#: the largest workbook file read. A full prepared course (every stage filled,
#: a month of calendar, labeled mentions) is about 100 KB; 8 MB leaves room
#: for years of a real organization's data and parses in well under a second.
MAX_WORKBOOK_BYTES = 8 * 1024 * 1024

_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def dumps(workbook: Workbook) -> str:
    data = workbook.model_dump(mode="json", exclude_none=False)
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def loads(text: str, *, source: str = "", lang: str | None = None) -> Workbook:
    if len(text) > MAX_WORKBOOK_BYTES:
        raise _too_big(source, len(text.encode("utf-8")), lang)
    try:
        data = load_yaml(text)
    except AliasError as exc:
        raise WorkbookFileError("core.safety.yaml.alias", source=source, line=exc.line,
                                lang=lang) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else "?"
        raise WorkbookFileError("core.error.workbook_yaml", source=source, line=line, lang=lang) from None
    if not isinstance(data, dict):
        raise WorkbookFileError("core.error.workbook_not_mapping", source=source, lang=lang)
    data = migrate(data, source=source)
    return check_references(validate_model(Workbook, data, source=source, lang=lang),
                            source=source, lang=lang)


def _too_big(source: str, size: int, lang: str | None) -> WorkbookFileError:
    return WorkbookFileError("core.safety.yaml.too_big", source=source,
                             size=f"{size / 2**20:.1f}", limit=MAX_WORKBOOK_BYTES // 2**20,
                             lang=lang)


def load(path: str | Path, *, lang: str | None = None) -> Workbook:
    path = Path(path)
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # a folder, a FIFO that would block, a device
            raise WorkbookFileError("core.error.workbook_unreadable", source=str(path), lang=lang)
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > MAX_WORKBOOK_BYTES:
                raise _too_big(str(path), size, lang)
            raw = fh.read(MAX_WORKBOOK_BYTES + 1)  # a file that grows while read stays bounded
    except FileNotFoundError:
        raise WorkbookFileError("core.error.workbook_missing", source=str(path), lang=lang) from None
    except (OSError, ValueError):  # a folder, no permission, a NUL byte in the path
        raise WorkbookFileError("core.error.workbook_unreadable", source=str(path), lang=lang) from None
    if len(raw) > MAX_WORKBOOK_BYTES:
        raise _too_big(str(path), len(raw), lang)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise WorkbookFileError("core.error.workbook_encoding", source=str(path), lang=lang) from None
    return loads(text, source=str(path), lang=lang)


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


@contextlib.contextmanager
def locked(path: str | Path, *, timeout: float | None = None, lang: str | None = None) -> Iterator[None]:
    """Hold the workbook's cross-process lock (re-entrant within a process)."""
    path = Path(path)
    _check_lock_creatable(lock_path(path), path, lang)
    lock = FileLock(str(lock_path(path)), timeout=LOCK_TIMEOUT if timeout is None else timeout)
    try:
        lock.acquire()
    except Timeout:
        raise LockTimeoutError(
            source=str(path), seconds=lock.timeout, lang=lang
        ) from None
    try:
        yield
    finally:
        lock.release()


def _check_lock_creatable(lock: Path, path: Path, lang: str | None) -> None:
    """Create the lock file (or find it) now: a folder that refuses it is an error at once.

    filelock treats a lock file it cannot open as "held by someone else" and
    retries until the timeout, which told the user "busy with another edit"
    after ten seconds for a path under /proc or a read-only folder.
    """
    try:
        lock.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise write_failure(path, exc, lang=lang) from None
    os.close(fd)


def _remove_stale_temporaries(path: Path) -> None:
    """Remove `.<name>.XXXXXXXX.tmp` files a killed save left (call under the file's lock)."""
    pattern = re.compile(rf"\.{re.escape(path.name)}\.[A-Za-z0-9_]{{8}}\.tmp")
    with contextlib.suppress(OSError):
        for entry in os.scandir(path.parent):
            if pattern.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _write_atomic(path: Path, text: str, *, lang: str | None = None) -> None:
    """Write a workbook; the caller holds its lock, so any old temporary file is stale."""
    _remove_stale_temporaries(path)
    write_bytes_atomic(path, text.encode("utf-8"), lang=lang)


def save(workbook: Workbook, path: str | Path, *, timeout: float | None = None,
         lang: str | None = None, touch: bool = True) -> None:
    """Validate and write `workbook` to `path` atomically, under the lock."""
    path = Path(path)
    if touch:
        workbook = workbook.model_copy(update={"updated": now()})
    # a full re-validation: model_copy and in-place list edits skip validators
    workbook = validate_model(Workbook, workbook.model_dump(), source=str(path), lang=lang)
    check_references(workbook, source=str(path), lang=lang)
    text = dumps(workbook)
    with locked(path, timeout=timeout, lang=lang):
        _write_atomic(path, text, lang=lang)


Change = Callable[[Workbook], "Workbook | dict | None"]


def update(path: str | Path, change: Change, *, timeout: float | None = None,
           lang: str | None = None) -> Workbook:
    """Re-read, apply `change`, validate and save, all under the lock.

    `change` edits the workbook in place, or returns a new Workbook or a
    plain mapping (handy for edits that must be validated as a whole). If the
    result is invalid, nothing is written and `WorkbookValidationError`
    (naming the field path) is raised.
    """
    path = Path(path)
    with locked(path, timeout=timeout, lang=lang):
        workbook = load(path, lang=lang)
        try:
            result = change(workbook)
        except ValidationError as exc:  # an invalid assignment inside `change`
            raise WorkbookValidationError(problems_from(exc), source=str(path), lang=lang) from None
        if result is None:
            result = workbook
        data = result if isinstance(result, dict) else result.model_dump()
        data["updated"] = now()
        workbook = check_references(validate_model(Workbook, data, source=str(path), lang=lang),
                                    source=str(path), lang=lang)
        _write_atomic(path, dumps(workbook), lang=lang)
    return workbook


def set_field(data: dict, dotted: str, value) -> dict:
    """Set ``profile.goals[1].text``-style paths in a dumped workbook."""
    import re

    parts = [int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", dotted)]
    target = data
    for part in parts[:-1]:
        target = target[part]
    target[parts[-1]] = value
    return data
