"""Reading and writing workbook files safely.

- Saves are atomic: the YAML goes to a temporary file in the same folder,
  is flushed and fsync'ed, then renamed over the old file (and the folder
  fsync'ed), so a crash or a kill leaves either the old or the new file.
- Writers take a cross-process lock (`<file>.lock`, via filelock). `update`
  re-reads the file under the lock before applying a change, so two
  writers (two browser tabs, a tab and a facilitator's script) never lose
  each other's update. A writer that cannot get the lock within
  `lock_timeout` seconds gets a `LockTimeoutError`.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import yaml
from filelock import FileLock, Timeout
from pydantic import ValidationError

from cmtraining.errors import LockTimeoutError, WorkbookFileError, WorkbookValidationError
from cmtraining.workbook.migrations import migrate
from cmtraining.workbook.models import Workbook
from cmtraining.workbook.validation import problems_from, validate_model

#: seconds a second writer waits for the lock before giving up
LOCK_TIMEOUT = float(os.environ.get("CMTRAINING_LOCK_TIMEOUT", "10"))

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def dumps(workbook: Workbook) -> str:
    data = workbook.model_dump(mode="json", exclude_none=False)
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def loads(text: str, *, source: str = "", lang: str | None = None) -> Workbook:
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else "?"
        raise WorkbookFileError("error.workbook_yaml", source=source, line=line, lang=lang) from None
    if not isinstance(data, dict):
        raise WorkbookFileError("error.workbook_not_mapping", source=source, lang=lang)
    data = migrate(data, source=source)
    return validate_model(Workbook, data, source=source, lang=lang)


def load(path: str | Path, *, lang: str | None = None) -> Workbook:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise WorkbookFileError("error.workbook_missing", source=str(path), lang=lang) from None
    except (IsADirectoryError, PermissionError, OSError):
        raise WorkbookFileError("error.workbook_unreadable", source=str(path), lang=lang) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise WorkbookFileError("error.workbook_encoding", source=str(path), lang=lang) from None
    return loads(text, source=str(path), lang=lang)


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


@contextlib.contextmanager
def locked(path: str | Path, *, timeout: float | None = None, lang: str | None = None) -> Iterator[None]:
    """Hold the workbook's cross-process lock (re-entrant within a process)."""
    path = Path(path)
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


def _write_atomic(path: Path, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Temp file in the same folder, fsync, rename, fsync the folder."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def save(workbook: Workbook, path: str | Path, *, timeout: float | None = None,
         lang: str | None = None, touch: bool = True) -> None:
    """Validate and write `workbook` to `path` atomically, under the lock."""
    path = Path(path)
    if touch:
        workbook = workbook.model_copy(update={"updated": now()})
    # a full re-validation: model_copy and in-place list edits skip validators
    workbook = validate_model(Workbook, workbook.model_dump(), source=str(path), lang=lang)
    text = dumps(workbook)
    with locked(path, timeout=timeout, lang=lang):
        _write_atomic(path, text)


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
        workbook = validate_model(Workbook, data, source=str(path), lang=lang)
        _write_atomic(path, dumps(workbook))
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
