"""Run one trainee's notebook where it cannot hurt, slow or read the grader or the cohort.

This is the worker's side (standard library only, so pool workers start
fast): it writes the prepared notebook into a private folder, starts
`python -P -m cmtraining.grading.boot` (see boot.py for what the sandbox
does, in order) with its configuration on stdin and a pipe as the only way
back, waits with a deadline, and turns the boot's report into a `RunResult`.
Nothing the notebook's processes can write is read here: not its scratch
folder, not a file it named; only the report, which the sandbox's init
process writes after every process of the notebook is gone, and the answers
in it come from the extraction process (extract.py) reading the executed
notebook with `O_NOFOLLOW`, a size cap, a deadline and a nesting limit.

The file system the notebook sees is an allow-list (`allow_list`): the
interpreter, the virtualenv, the `cmtraining` package and the datasets,
read-only; never the project's root, its `.git`, its `exercises/`, another
checkout, a home folder or a cache.
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from cmtraining.grading.emit import CELL_ID, cell_source

SANDBOX_UID = 65_000  # no account uses it; CMTRAINING_SANDBOX_UID overrides
DISK_MB = 64  # the scratch folder's tmpfs; an exercise may ask for more (disk_mb)
OUTPUT_BYTES = 8 << 20  # what the kernel may send as cell outputs before "output too large"
REPORT_BYTES = 8 << 20
MARGIN_SECONDS = 90  # start-up and extraction beyond the notebook's own timeout
PROTECTIONS = ("network", "mounts", "pids", "uts", "ipc", "scratch_cap", "unprivileged",
               "capabilities_dropped")
EXIT_OUTPUT = 3  # runner.EXIT_OUTPUT (not imported: nbclient stays out of the workers)

_KEEP_ENV = ("PATH", "LANG", "LC_ALL", "PYTHONPATH", "CMTRAINING_TODAY", "CMTRAINING_DATASETS")


def allow_list() -> list[str]:
    """What the sandbox may read, besides /usr and a few /etc files: nothing else exists there.

    The package folder is bound alone (an editable install points into the
    project, whose root also holds `.git` and `exercises/`); the datasets are
    public. Sorted so that parents are bound before their children.
    """
    import cmtraining
    from cmtraining.core.paths import datasets_dir

    paths = {sys.prefix, sys.base_prefix, os.path.dirname(os.path.realpath(sys.executable)),
             os.path.dirname(os.path.abspath(cmtraining.__file__)), str(datasets_dir())}
    real = {os.path.realpath(p) for p in paths} | {os.path.abspath(p) for p in paths}
    return sorted((p for p in real if os.path.isdir(p)), key=lambda p: (len(p), p))


def clean_env() -> dict[str, str]:
    """The child's environment: an allow-list, so no token or password leaks in."""
    env = {k: os.environ[k] for k in _KEEP_ENV if k in os.environ}
    env.setdefault("PATH", "/usr/bin:/bin")
    # MALLOC_ARENA_MAX: glibc reserves 64 MB of address space per thread arena, which
    # RLIMIT_AS counts; two arenas halve a kernel's virtual size (1.08 GB -> 0.56 GB for
    # content-fix-posts' reference notebook, measured here 2026-12-04) for the same RSS
    env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
               MALLOC_ARENA_MAX="2", PYDEVD_DISABLE_FILE_VALIDATION="1",
               PYTHONDONTWRITEBYTECODE="1")
    return env


def can_isolate() -> bool:
    """Namespaces need root on Linux (no user namespaces are assumed)."""
    return sys.platform.startswith("linux") and os.geteuid() == 0


def sandbox_status(report: dict, lang: str) -> str:
    """'full' or 'partial' with what the kernel refused, for the CLI's summary line."""
    from cmtraining.i18n import t

    missing = [k for k in PROTECTIONS if not report.get(k)]
    if not missing:
        return t("grading.sandbox.full", lang)
    return t("grading.sandbox.partial", lang, missing=", ".join(missing))


@dataclass
class RunResult:
    """What happened to one notebook: `status` ok|failed, `reason` key, details."""

    status: str
    reason: str = ""
    detail: str = ""
    answers: dict = field(default_factory=dict)
    cell_errors: list[dict] = field(default_factory=list)  # {cell, line, type, excerpt}
    sandbox: dict = field(default_factory=dict)
    seconds: float = 0.0


def prepare_notebook(nb: dict, answers: list[str]) -> dict:
    """The scratch copy: every code cell may raise (so one slip does not stop the
    rest), then the cell that displays the answers (emit.py)."""
    nb = json.loads(json.dumps(nb))
    nb["cells"] = [c for c in nb.get("cells", []) if c.get("id") != CELL_ID]
    for cell in nb["cells"]:
        if cell.get("cell_type") == "code":
            tags = cell.setdefault("metadata", {}).setdefault("tags", [])
            if "raises-exception" not in tags and "parameters" not in tags:
                tags.append("raises-exception")
    nb["cells"].append({"cell_type": "code", "execution_count": None, "id": CELL_ID,
                        "metadata": {"tags": [CELL_ID]}, "outputs": [],
                        "source": cell_source(list(answers))})
    return nb


_PREFIX = "cmtraining-sandbox-"


def sweep_stale() -> None:
    """Remove the private folders of workers that died without cleaning up (SIGKILL).

    Each folder is named after its worker's pid; one whose worker is gone is
    removed. A reused pid only delays a folder's removal."""
    root = Path(tempfile.gettempdir())
    for folder in root.glob(f"{_PREFIX}*-*"):
        pid = folder.name[len(_PREFIX):].split("-", 1)[0]
        try:
            if not pid.isdigit() or folder.is_symlink() or folder.stat().st_uid != os.geteuid():
                continue
        except OSError:  # removed meanwhile
            continue
        if not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    """A running process (a zombie nobody reaped is not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True


def _kill_group(proc: subprocess.Popen) -> None:
    """The boot process's group (boot and, without a PID namespace, init): SIGKILL.

    The namespace's processes die with it (PR_SET_PDEATHSIG on init, and
    every process of a PID namespace dies with its init)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.kill()
    except OSError:
        pass
    proc.wait()


def _read_report(fd: int, deadline: float) -> bytes | None:
    """The boot's report, at most REPORT_BYTES, or None when the deadline passes."""
    from cmtraining.grading.safeio import Tail

    tail = Tail(REPORT_BYTES + 1)
    os.set_blocking(fd, False)
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            for _ in sel.select(timeout=min(1.0, max(0.0, deadline - time.monotonic()))):
                try:
                    chunk = os.read(fd, 1 << 16)
                except BlockingIOError:
                    continue
                if not chunk:
                    return tail.data()
                tail.feed(chunk)
                if tail.total > REPORT_BYTES:
                    return None
    return None


def run_notebook(nb: dict, answers: list[str], params: dict, *, timeout: float,
                 memory_mb: int, disk_mb: int = DISK_MB) -> RunResult:
    """Execute `nb` (a parsed notebook) in a sandbox and return its answers."""
    start = time.monotonic()
    sweep_stale()
    base = Path(tempfile.mkdtemp(prefix=f"{_PREFIX}{os.getpid()}-"))
    proc = None
    read, write = os.pipe()
    try:
        (base / "in.ipynb").write_text(json.dumps(prepare_notebook(nb, answers)), "utf-8")
        cfg = {"isolate": can_isolate(), "timeout": float(timeout), "memory_mb": int(memory_mb),
               "disk_mb": int(disk_mb), "output_bytes": OUTPUT_BYTES,
               "uid": int(os.environ.get("CMTRAINING_SANDBOX_UID") or SANDBOX_UID),
               "params": params, "names": list(answers), "base": str(base),
               "binds": allow_list(), "python": sys.executable, "env": clean_env(),
               "result_fd": write, "parent": os.getpid()}
        proc = subprocess.Popen([sys.executable, "-P", "-m", "cmtraining.grading.boot"],
                                cwd=base, env=clean_env(), stdin=subprocess.PIPE,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                pass_fds=(write,), start_new_session=True)
        os.close(write)
        write = -1
        proc.stdin.write(json.dumps(cfg).encode())
        proc.stdin.close()
        data = _read_report(read, time.monotonic() + timeout + MARGIN_SECONDS)
        if data is None:
            _kill_group(proc)
            result = RunResult("failed", "timeout")
        else:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                _kill_group(proc)
            result = classify(data)
        result.seconds = time.monotonic() - start
        return result
    finally:
        if proc is not None and proc.returncode is None:
            _kill_group(proc)  # an interrupt (Ctrl-C) or an error here ends the sandbox too
        for fd in (read, write):
            if fd >= 0:
                os.close(fd)
        shutil.rmtree(base, ignore_errors=True)


def _types(errors: list[dict]) -> set[str]:
    return {e.get("type") for e in errors if isinstance(e, dict)}


def classify(data: bytes) -> RunResult:
    """The report of boot.py as a RunResult (reasons: see docs/grading.md)."""
    from cmtraining.grading.safeio import MAX_DEPTH, Refused, loads_bounded

    try:
        report = loads_bounded(data, MAX_DEPTH + 4)
    except Refused:
        report = None
    if not isinstance(report, dict):
        return RunResult("failed", "sandbox_error")
    sandbox = {k: bool(v) for k, v in (report.get("sandbox") or {}).items() if k in PROTECTIONS}
    if report.get("error"):
        return RunResult("failed", "sandbox_error", detail=str(report["error"])[:300],
                         sandbox=sandbox)
    extraction = report.get("extraction") or {}
    errors = [e for e in extraction.get("errors") or [] if isinstance(e, dict)][:20]
    tail = str(report.get("tail") or "")
    types = _types(errors)
    base = {"sandbox": sandbox, "cell_errors": errors}
    if report.get("timed_out"):
        return RunResult("failed", "timeout", **base)
    if report.get("output_too_large") or report.get("runner_exit") == EXIT_OUTPUT or \
            "OutputTooLarge" in types:
        return RunResult("failed", "output_too_large", **base)
    if report.get("disk_full"):
        return RunResult("failed", "disk_full", **base)
    if "MemoryError" in types or "MemoryError" in tail or report.get("runner_exit") in (-9, 137):
        return RunResult("failed", "memory", **base)
    if "SystemExit" in types or "DeadKernelError" in tail or "Kernel died" in tail:
        return RunResult("failed", "exit", **base)
    answers = extraction.get("answers")
    if not isinstance(answers, dict):
        problem = str(extraction.get("problem") or "")
        reason = "too_large" if problem == "too_large" else "no_answers"
        detail = problem if problem.replace("_", "").isalpha() and len(problem) < 40 else ""
        return RunResult("failed", reason, detail=detail, **base)
    return RunResult("ok", answers=answers, **base)


def run_check(folder: str, check_id: str, answers: dict, lang: str, timeout: float,
              context) -> tuple[str, float, str]:
    """One check in its own process: (status ok|timeout|error, fraction, message).

    A check that hangs, crashes or returns nonsense scores zero with its reason
    and leaves the other checks untouched. `context` is a multiprocessing
    context ('forkserver' preloaded with the checks' imports, so forks are cheap).
    """
    recv, send = context.Pipe(duplex=False)
    proc = context.Process(target=_check_child, args=(folder, check_id, answers, lang, send),
                           daemon=True)
    proc.start()
    send.close()
    try:
        if recv.poll(timeout):
            try:
                status, fraction, message = recv.recv()
            except (EOFError, OSError):
                status, fraction, message = "error", 0.0, f"exit code {proc.exitcode}"
        else:
            status, fraction, message = "timeout", 0.0, ""
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        recv.close()
    return status, fraction, message


def _check_child(folder: str, check_id: str, answers: dict, lang: str, conn) -> None:
    import math

    try:
        from cmtraining.grading.exercise import load_checks, load_exercise

        fraction, message = load_checks(load_exercise(folder))[check_id](answers, lang)
        fraction = float(fraction)
        if not math.isfinite(fraction):
            raise ValueError(f"fraction {fraction!r}")
        conn.send(("ok", min(1.0, max(0.0, fraction)), str(message)))
    except BaseException as exc:  # the reason is recorded; the grader keeps going
        conn.send(("error", 0.0, f"{type(exc).__name__}: {exc}"[:500]))
    finally:
        conn.close()
