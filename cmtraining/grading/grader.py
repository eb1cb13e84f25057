"""`cmtraining grade`: a cohort's notebooks run in sandboxes, checked, recorded.

Why it is split this way:

- the *trainee's code* runs on the workers (a process pool, or a Dask
  cluster with `--scheduler`), each submission in its own sandboxed
  subprocess (`sandbox.run_notebook`); only its answers (JSON) come back;
- the *checks* (the answer key) run here, on the grader's machine, each in
  its own process from a forkserver preloaded with the checks' imports (so a
  fork costs milliseconds), with its own timeout: a check that hangs scores
  zero and the others keep their points; answer keys never travel to a
  cluster and never meet trainee code;
- every result is written to the gradebook as soon as it arrives, keyed by
  the file's sha256 and the exercise version, so an interrupted run resumes
  with what is left.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

from cmtraining.core.errors import CmtrainingError
from cmtraining.core.text import slugify
from cmtraining.grading import sandbox


class GradingError(CmtrainingError):
    key = "grading.error.generic"


@dataclass
class Summary:
    """What a run did: counts, mean, failures by reason, similar pairs, notes."""

    exercise: str
    total: int = 0
    graded: int = 0
    skipped: int = 0
    failed: Counter = field(default_factory=Counter)
    rejected: Counter = field(default_factory=Counter)
    scores: list[float] = field(default_factory=list)
    max_points: float = 0.0
    similar: list = field(default_factory=list)
    threshold: float = 0.0
    messages: list[tuple[str, str, dict]] = field(default_factory=list)  # (trainee, key, params)
    sandbox: dict = field(default_factory=dict)

    @property
    def mean(self) -> float | None:
        return sum(self.scores) / len(self.scores) if self.scores else None


def trainee_id(stem: str) -> str:
    """A file stem as a trainee id: accents dropped, lower case, dashes."""
    return slugify(stem, limit=None) or "anon"


def _lang_of(nb: dict, default: str) -> str:
    meta = (nb.get("metadata") or {}).get("cmtraining") or {}
    if meta.get("lang") in ("es", "en"):
        return meta["lang"]
    for cell in nb["cells"]:
        if "parameters" in (cell.get("metadata") or {}).get("tags", []):
            source = "".join(cell.get("source", ""))
            found = re.search(r"^\s*lang\s*(?::\s*str)?\s*=\s*['\"](es|en)['\"]", source, re.M)
            if found:
                return found.group(1)
    return default


MAX_SUBMISSION_BYTES = 32 << 20  # a notebook with outputs and charts is a few MB
MAX_NOTEBOOK_DEPTH = 100  # nbformat nests ~10 levels; deeper cannot be pickled safely


def read_submission(path: Path) -> bytes | str:
    """The file's bytes, or a rejection reason: too large, not a regular file, unreadable.

    Opened without following a FIFO into a hang (O_NONBLOCK) and never read
    past the cap, so a 200 MB file costs the grader nothing."""
    from cmtraining.grading.safeio import Refused, read_regular

    try:
        return read_regular(path.resolve(), MAX_SUBMISSION_BYTES, timeout=30)
    except Refused as exc:
        return "too_large" if exc.reason == "too_large" else "malformed"
    except OSError:
        return "malformed"


def inspect(path: Path, exercise, default_lang: str, data: bytes | None = None
            ) -> tuple[str, dict | str]:
    """('ok', notebook) or ('rejected', reason key) for one submission file."""
    from cmtraining.grading.safeio import Refused, loads_bounded

    if path.suffix.lower() != ".ipynb":
        return "rejected", "not_notebook"
    if data is None:
        data = read_submission(path)
        if isinstance(data, str):
            return "rejected", data
    try:
        nb = loads_bounded(data.decode("utf-8"), MAX_NOTEBOOK_DEPTH)
    except (UnicodeDecodeError, Refused):
        return "rejected", "malformed"
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list) or any(
            not isinstance(c, dict) for c in nb["cells"]):
        return "rejected", "malformed"
    meta = (nb.get("metadata") or {}).get("cmtraining") or {}
    if isinstance(meta, dict) and meta.get("exercise") not in (None, exercise.id):
        return "rejected", "other_exercise"
    if not any("parameters" in ((c.get("metadata") or {}).get("tags") or [])
               for c in nb["cells"]):
        return "rejected", "no_parameters"
    nb["_lang"] = _lang_of(nb, default_lang)
    return "ok", nb


def execute_job(job: dict) -> dict:
    """Runs on a worker: one submission in its sandbox; returns plain data (picklable)."""
    result = sandbox.run_notebook(job["nb"], job["answers"], {"lang": job["lang"]},
                                  timeout=job["timeout"], memory_mb=job["memory_mb"],
                                  disk_mb=job.get("disk_mb", sandbox.DISK_MB))
    return asdict(result)


def _check_imports(folder: Path) -> list[str]:
    """Top-level modules checks.py imports, to preload in the forkserver."""
    try:
        tree = ast.parse((folder / "checks.py").read_text(encoding="utf-8"))
    except (OSError, SyntaxError):
        return []
    names = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
    return names


_CONTEXT = None


def check_context():
    """The forkserver context, preloaded once per process with the checks' imports."""
    global _CONTEXT
    if _CONTEXT is None:
        import multiprocessing

        _CONTEXT = multiprocessing.get_context("forkserver")
    return _CONTEXT


def run_checks(exercise, answers: dict, lang: str) -> list[dict]:
    """Every check of the rubric, each in its own process with its own timeout."""
    from cmtraining.i18n import t

    out = []
    for spec in exercise.checks:
        status, fraction, message = sandbox.run_check(
            str(exercise.folder), spec.id, answers, lang, spec.timeout_seconds, check_context())
        if status == "timeout":
            message = t("grading.reason.check_timeout", lang, seconds=spec.timeout_seconds)
        elif status == "error":
            message = t("grading.reason.check_error", lang, error=message)
        out.append({"check_id": spec.id, "status": status, "fraction": fraction,
                    "points": round(fraction * spec.points, 4), "max_points": spec.points,
                    "message": message})
    return out


def _failed_checks(exercise, reason: str, lang: str) -> list[dict]:
    from cmtraining.i18n import t

    message = t("grading.reason.not_run", lang, reason=t(f"grading.reason.{reason}", lang))
    return [{"check_id": s.id, "status": "skipped", "fraction": 0.0, "points": 0.0,
             "max_points": s.points, "message": message} for s in exercise.checks]


def _load(exercise_arg):
    from cmtraining.grading.exercise import load_exercise

    return load_exercise(exercise_arg)


def grade(exercise_arg, folder, *, db_url: str | None = None, workers: int | None = None,
          scheduler: str | None = None, lang: str = "es", force: bool = False,
          progress: bool = False, on_result=None) -> Summary:
    """Grade every submission in `folder`; see the module docstring."""
    from cmtraining.grading.gradebook import Gradebook, default_url

    exercise = _load(exercise_arg)
    folder = Path(folder)
    if not folder.is_dir():
        raise GradingError("grading.error.folder", path=str(folder))
    url = db_url or default_url(exercise.folder)
    book = Gradebook(url)
    book.record_exercise(exercise)
    summary = Summary(exercise.id, max_points=exercise.points)
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    by_id: dict[str, list[Path]] = {}
    for path in files:
        by_id.setdefault(trainee_id(path.stem), []).append(path)
    summary.total = len(files)
    done = book.graded(exercise.id, exercise.version)
    jobs = []
    for trainee, paths in sorted(by_id.items()):
        for path in paths:
            data = read_submission(path)
            if isinstance(data, str):  # the reason; the sha of what could be read: none
                sha = hashlib.sha256(f"{data}:{path.name}".encode()).hexdigest()
                status, nb = "rejected", data
            else:
                sha = hashlib.sha256(data).hexdigest()
                status, nb = ("rejected", "duplicate") if len(paths) > 1 else \
                    inspect(path, exercise, lang, data)
            if status == "rejected":
                summary.rejected[nb] += 1
                summary.messages.append((path.name, f"grading.reason.{nb}", {}))
                book.record_attempt(exercise=exercise, trainee=trainee, sha256=sha,
                                    filename=path.name, lang=lang, status="rejected", reason=nb,
                                    checks=_failed_checks(exercise, nb, lang))
                continue
            if (trainee, sha) in done and not force:
                summary.skipped += 1
                continue
            jobs.append({"trainee": trainee, "sha256": sha, "filename": path.name,
                         "lang": nb.pop("_lang"), "nb": nb, "answers": list(exercise.answers),
                         "timeout": exercise.timeout_seconds, "memory_mb": exercise.memory_mb,
                         "disk_mb": exercise.disk_mb})
    if jobs:
        _run(jobs, exercise, book, summary, workers=workers, scheduler=scheduler,
             progress=progress, on_result=on_result)
    _similarity(book, exercise, summary)
    for row in book.current(exercise.id):
        if row["status"] == "graded":
            summary.scores.append(row["total"])
        write_feedback(url, exercise, row)
    return summary


def feedback_root(url: str, exercise) -> Path:
    """Where feedback pages go: beside the SQLite file, else beside the exercises."""
    from cmtraining.grading.gradebook import sqlite_path

    path = sqlite_path(url)
    return path.parent if path is not None else exercise.folder.parent


def write_feedback(url: str, exercise, row: dict) -> Path:
    from cmtraining.grading.feedback import write_page

    return write_page(feedback_root(url, exercise), row, exercise)


def _die_with_grader(grader: int) -> None:
    """Pool worker initializer: SIGKILL when the grader dies (even by SIGKILL); its
    sandboxes follow (each boot process dies with its worker, see boot.py).

    Ctrl-C reaches the terminal's whole process group: a worker ignores it and
    the grader ends it (`WorkerPool.close`). A worker killed by it broke its pool,
    and the job caught in it was started again in a new one while the grader was
    stopping: a looping submission then held Ctrl-C for its whole time limit.
    """
    import ctypes
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != grader:
        os._exit(1)


def _executor(workers: int | None, scheduler: str | None):
    """(run(fn, arg) -> fn(arg) computed on a worker, close(), parallelism)."""
    if scheduler:
        try:
            from distributed import Client

            client = Client(scheduler, timeout="10s")
        except (OSError, ValueError, TimeoutError) as exc:
            raise GradingError("grading.error.scheduler", address=scheduler,
                               reason=str(exc)[:200]) from None
        threads = max(1, sum(client.nthreads().values()))
        return (lambda fn, arg: client.submit(fn, arg, pure=False).result()), client.close, threads
    pool = WorkerPool(max(1, workers or os.cpu_count() or 1))
    return pool.run, pool.close, pool.count


class WorkerPool:
    """A spawn process pool that survives the loss of a worker.

    Why: when one worker process dies (killed from outside, out of memory),
    `ProcessPoolExecutor` fails every job in flight and every later one. Here
    the broken pool is replaced and each job caught in it runs once more in a
    pool of its own, so the other submissions are graded; a job that breaks
    its own pool too is its failed attempt. Workers die with the grader (`_die_with_grader`) and
    `close` kills them, so an interrupt ends their sandboxes too.
    """

    def __init__(self, count: int):
        import threading

        self.count = count
        self._lock = threading.Lock()
        self._closed = False
        self._pools = [self._new(count)]

    def _new(self, count: int):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_die_with_grader, initargs=(os.getpid(),))

    def run(self, fn, arg):
        """fn(arg) on a worker, blocking. A job caught in a broken pool runs again alone in a
        pool of its own, so the job that broke it cannot break it for others twice."""
        from concurrent.futures.process import BrokenProcessPool

        pool = self._pools[-1]
        try:
            return pool.submit(fn, arg).result()
        except BrokenProcessPool:
            # under the lock, so `close` either comes first (nothing starts again) or sees
            # the new pool's worker (started by `submit`) and kills it
            with self._lock:
                if self._closed:
                    raise
                if self._pools[-1] is pool:
                    pool.shutdown(wait=False, cancel_futures=True)
                    self._pools.append(self._new(self.count))
                alone = self._new(1)
                self._pools.append(alone)
                again = alone.submit(fn, arg)
        try:
            return again.result()
        finally:
            alone.shutdown(wait=False)

    def close(self) -> None:
        """Cancel what has not started and kill the workers (their sandboxes die with them)."""
        with self._lock:
            self._closed = True
            pools = list(self._pools)
        for pool in pools:
            processes = list((getattr(pool, "_processes", None) or {}).values())
            pool.shutdown(wait=False, cancel_futures=True)
            for process in processes:
                if process.is_alive():
                    process.kill()
            for process in processes:
                process.join(10)


def _guarded(job, fn) -> tuple[dict, dict]:
    """(job, result) where anything going wrong for this one submission is its failed attempt."""
    try:
        return job, fn(job)
    except Exception as exc:  # noqa: BLE001 - one submission never stops the cohort
        return job, {"status": "failed", "reason": "sandbox_error",
                     "detail": type(exc).__name__, "answers": {}, "cell_errors": [],
                     "sandbox": {}, "seconds": 0.0}


def _run(jobs, exercise, book, summary, *, workers, scheduler, progress, on_result) -> None:
    from cmtraining.i18n import t

    preload = ["cmtraining.grading.sandbox", "cmtraining.grading.exercise",
               *_check_imports(exercise.folder)]
    check_context().set_forkserver_preload(preload)
    run, close, threads = _executor(workers, scheduler)

    def execute(job):
        return run(execute_job, {k: v for k, v in job.items() if k != "trainee"})

    def one(job):
        job, result = _guarded(job, execute)
        if result["status"] == "ok":
            try:
                result["checks"] = run_checks(exercise, result["answers"], job["lang"])
            except Exception as exc:  # noqa: BLE001 - e.g. answers a pipe cannot carry
                result.update(status="failed", reason="sandbox_error", answers={},
                              detail=type(exc).__name__)
        if result["status"] != "ok":
            result["checks"] = _failed_checks(exercise, result["reason"], job["lang"])
        return job, result

    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(jobs), unit=t("grading.unit", "en"), file=sys.stderr,
                   dynamic_ncols=True)
    threads_pool = ThreadPoolExecutor(threads)
    futures = [threads_pool.submit(one, job) for job in jobs]
    finished = False
    try:
        for future in as_completed(futures):
            job, result = future.result()
            _record(book, exercise, summary, job, result)
            if bar is not None:
                bar.update(1)
            if on_result is not None:
                on_result(job["trainee"], result)
        finished = True
    finally:
        for future in futures:
            future.cancel()
        close()
        # interrupted (Ctrl-C): a job still unwinding is not waited for, its worker is dead
        threads_pool.shutdown(wait=finished, cancel_futures=True)
        if bar is not None:
            bar.close()


def error_note(error: dict, lang: str) -> str:
    """One cell error as the trainee reads it: cell, line, type, a short sanitised excerpt."""
    from cmtraining.grading.safeio import excerpt
    from cmtraining.i18n import t

    line = error.get("line")
    key = "grading.sandbox.cell_error" if isinstance(line, int) else \
        "grading.sandbox.cell_error_noline"
    cell = error.get("cell") if isinstance(error.get("cell"), int) else 0
    return t(key, lang, cell=cell, line=line, type=excerpt(error.get("type") or "Error", 60),
             excerpt=excerpt(error.get("excerpt") or "", 60))


def _record(book, exercise, summary, job, result) -> None:
    status = "graded" if result["status"] == "ok" else "failed"
    detail = result.get("detail") or ""
    errors = [e for e in result.get("cell_errors") or [] if isinstance(e, dict)]
    if errors:
        detail = "; ".join(error_note(e, job["lang"]) for e in errors[:5])
    if status == "failed":
        summary.failed[result["reason"]] += 1
        summary.messages.append((job["filename"], f"grading.reason.{result['reason']}", {}))
    else:
        summary.graded += 1
    summary.sandbox = summary.sandbox or result.get("sandbox") or {}
    book.record_attempt(exercise=exercise, trainee=job["trainee"], sha256=job["sha256"],
                        filename=job["filename"], lang=job["lang"], status=status,
                        reason=result.get("reason") or "", detail=detail[:1000],
                        seconds=result.get("seconds", 0.0), checks=result["checks"],
                        answers=result.get("answers") if status == "graded" else None)


def _similarity(book, exercise, summary) -> None:
    from sqlalchemy import select

    from cmtraining.grading.gradebook import attempts
    from cmtraining.grading.similarity import free_text, similar_pairs

    texts = {}
    ids = {r["trainee_id"]: r["id"] for r in book.current(exercise.id) if r["status"] == "graded"}
    with book.engine.connect() as conn:
        for trainee, attempt in ids.items():
            raw = conn.execute(select(attempts.c.answers).where(attempts.c.id == attempt)).scalar()
            texts[trainee] = free_text(json.loads(raw)) if raw else ""
    pairs, threshold = similar_pairs(texts)
    book.save_similar(exercise.id, pairs, threshold)
    summary.similar, summary.threshold = pairs, threshold
