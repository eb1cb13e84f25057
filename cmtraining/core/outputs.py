"""Where a command may write: one refuse-to-overwrite rule for every command that writes.

A facilitator's typo must never cost them a file. Before anything is
written, `check_output` refuses:

- a path with a NUL byte (the operating system cannot name it);
- an output that is one of the command's inputs (the same file once links
  are resolved: `export report WB --out WB --force` would replace the
  workbook with HTML);
- a path under a regular file (`new --out notes.yaml/x.yaml`), or a folder
  given where a file is expected;
- an existing file without `--force`.

`write_bytes_atomic` writes every output (workbooks, exports, feedback,
released notebooks) so that a crash or a refusal leaves the old file or
the new one, never half of one; `write_failure` turns the operating system's refusal (a read-only folder,
/proc, a full disk) into one clear message naming the path, at once.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from cmtraining.core.errors import CmtrainingError


class OutputPathError(CmtrainingError, OSError):
    """An output path a command refuses to write (or could not write).

    Also an OSError, so code that guarded a write with `except OSError` still works.
    """

    key = "core.safety.output.unwritable"


def check_path(path: str | os.PathLike, *, lang: str | None = None) -> Path:
    """`path` as a Path, refusing a NUL byte (which no file name can hold)."""
    if "\x00" in os.fspath(path):
        raise OutputPathError("core.safety.path_nul", lang=lang)
    return Path(path)


def same_file(a: Path, b: Path) -> bool:
    """True when `a` and `b` name one file (links, `..` and hard links resolved)."""
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
        return a.resolve() == b.resolve()
    except (OSError, ValueError):
        return False


def blocking_file(path: Path) -> Path | None:
    """The first ancestor of `path` that exists and is not a folder, if any."""
    for parent in reversed(Path(os.path.abspath(path)).parents):
        try:
            if parent.exists() and not parent.is_dir():
                return parent
        except OSError:
            return None
    return None


def check_output(out: str | os.PathLike, *, force: bool, inputs: Iterable[object] = (),
                 lang: str | None = None, exists_key: str = "core.safety.output.exists") -> Path:
    """Refuse to write `out` if that would destroy an input or an existing file (see module)."""
    out = check_path(out, lang=lang)
    for source in inputs:
        if source is None:
            continue
        source = check_path(source, lang=lang)
        if same_file(out, source):
            raise OutputPathError("core.safety.output.is_input", path=str(out), input=str(source),
                                  lang=lang)
    blocker = blocking_file(out)
    if blocker is not None:
        raise OutputPathError("core.safety.output.not_a_folder", path=str(out), component=str(blocker),
                              lang=lang)
    if out.is_dir():
        raise OutputPathError("core.safety.output.is_folder", path=str(out), lang=lang)
    if out.exists() and not force:
        raise OutputPathError(exists_key, path=str(out), lang=lang)
    return out


def write_failure(path: Path, exc: OSError, *, lang: str | None = None) -> OutputPathError:
    """The package's error for an OSError raised while writing `path`."""
    blocker = blocking_file(path)
    if blocker is not None:
        return OutputPathError("core.safety.output.not_a_folder", path=str(path),
                               component=str(blocker), lang=lang)
    return OutputPathError("core.safety.output.unwritable", path=str(path),
                           reason=exc.strerror or str(exc)[:200] or type(exc).__name__,
                           lang=lang)


def write_bytes_atomic(path: Path, data: bytes, *, lang: str | None = None) -> None:
    """Temp file in the same folder, fsync, rename, fsync the folder.

    An OSError (a read-only folder, a file where a folder should be, a full
    disk) becomes `OutputPathError` naming the path; nothing is left behind.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise write_failure(path, exc, lang=lang) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise write_failure(path, exc, lang=lang) from None
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
