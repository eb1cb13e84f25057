"""`cmtraining run`: every stage notebook in order with papermill, then the report.

A facilitator prepares (or evaluates) an organization with one command. The
run folder is self-contained:

    <out>/workbook.yaml          the workbook the stages read and write
    <out>/workbook.sentiment.json   the workbook's adapted sentiment model, when it has one
    <out>/notebooks/<stage>.ipynb   each executed notebook, as papermill left it
    <out>/report.html            one self-contained strategy report
    <out>/run.yaml               what ran, with which parameters, and how it ended

A sample organization id starts from that sample; a workbook path is copied
in (the original is never modified). Every stage gets the same `workbook`,
`lang` and `seed` (and `prefill`, when its contract declares it); stages
whose notebook is absent are skipped and listed. A failing stage stops the
run with a message naming the notebook and the cell; what finished stays.

`run.yaml` always says how the run ended (`status`: running, ok, failed or
cancelled, with the step it was in). `--force` replaces only a folder that a
previous run wrote (it holds `run.yaml` and nothing a run does not write),
removes only what a run writes, and never a folder holding the input
workbook: a typo in `--out` can never delete a user's files.
"""

from __future__ import annotations

import contextlib
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from cmtraining.core.errors import CmtrainingError
from cmtraining.core.stages import CALENDAR_WEEKS


class RunError(CmtrainingError):
    key = "runtime.run.error.generic"


@dataclass
class RunResult:
    out: Path
    ran: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    report: Path | None = None


def stage_parameters(stem: str, *, workbook: Path, lang: str, seed: int, prefill: bool) -> dict:
    """The run's parameters, limited to what this stage declares (`cmtraining.core.stages`)."""
    from cmtraining.core.stages import stage

    wanted = {"workbook": str(workbook), "lang": lang, "seed": seed, "prefill": prefill,
              "weeks": CALENDAR_WEEKS}
    names = set(stage(stem).params)
    return {k: v for k, v in wanted.items() if k in names}


#: the files and folder a run writes in its folder: all that --force may remove
RUN_FILES = ("run.yaml", "workbook.yaml", "workbook.yaml.lock", "workbook.sentiment.json",
             "report.html")
RUN_NOTEBOOKS = "notebooks"
# temporary files of an atomic write killed mid-way (see workbook.store)
_RUN_TEMPORARY = re.compile(
    r"\.(run\.yaml|workbook\.yaml|workbook\.sentiment\.json|report\.html)\.[A-Za-z0-9_]{8}\.tmp")


def foreign_entries(out: Path) -> list[str]:
    """What in `out` a run did not write (symbolic links count: a run writes none)."""
    found = []
    for entry in sorted(out.iterdir()):
        if entry.is_symlink():
            found.append(entry.name)
        elif entry.name in RUN_FILES or _RUN_TEMPORARY.fullmatch(entry.name):
            if not entry.is_file():
                found.append(entry.name)
        elif entry.name == RUN_NOTEBOOKS and entry.is_dir():
            found += [f"{RUN_NOTEBOOKS}/{e.name}" for e in sorted(entry.iterdir())
                      if e.is_symlink() or not e.is_file() or e.suffix != ".ipynb"]
        else:
            found.append(entry.name)
    return found


def claim(out: Path, *, force: bool, source: Path | None = None) -> None:
    """Create the (empty) run folder; with `force`, empty a previous run's folder first.

    Only a folder holding `run.yaml` and nothing else than what a run writes
    may be replaced, never one that holds `source` (the input workbook), and
    only the run's own files are removed.
    """
    from cmtraining.core.outputs import write_failure

    if out.exists() and out.is_dir() and any(out.iterdir()):
        if not force:
            raise RunError("runtime.run.error.exists", path=str(out))
        foreign = foreign_entries(out)
        if not (out / "run.yaml").is_file() or foreign:
            shown = ", ".join(foreign[:5]) + (" …" if len(foreign) > 5 else "")
            raise RunError("core.safety.run.not_a_run", path=str(out),
                           found=shown or "no run.yaml")
        if source is not None and source.resolve().is_relative_to(out.resolve()):
            raise RunError("core.safety.run.input_inside", path=str(out), input=str(source))
        for name in RUN_FILES:
            with contextlib.suppress(FileNotFoundError):
                (out / name).unlink()
        for entry in out.iterdir():
            if _RUN_TEMPORARY.fullmatch(entry.name):
                entry.unlink()
        if (out / RUN_NOTEBOOKS).is_dir():
            shutil.rmtree(out / RUN_NOTEBOOKS)
    try:
        (out / RUN_NOTEBOOKS).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_failure(out / RUN_NOTEBOOKS, exc) from None


def adapted_model(source: str) -> Path | None:
    """The sentiment model adapted to the source workbook's organization, checked, or None.

    It lives beside the workbook (`cmtraining.listening.adapt`); a damaged one
    is refused (`ModelFileError` naming the file) rather than silently replaced
    by the default.
    """
    if not source.endswith((".yaml", ".yml")):
        return None
    from cmtraining.listening.adapt import model_path

    path = model_path(Path(source))
    if not path.is_file():
        return None
    from cmtraining.listening import SentimentModel

    SentimentModel.load(path)
    return path


def prepare(source: str, out: Path, *, lang: str) -> Path:
    """Write the run's workbook into the claimed folder, with its adapted model; return its path.

    The stages find the model where the apps look for it, beside the run's
    workbook, so they classify sentiment as the trainee's own workbook does.
    """
    from cmtraining.core.outputs import write_bytes_atomic
    from cmtraining.listening.adapt import model_path
    from cmtraining.samples.organizations import list_organizations, sample_workbook
    from cmtraining.workbook.store import load, save

    target = out / "workbook.yaml"
    if source in list_organizations():
        wb = sample_workbook(source, trainee="cmtraining run", lang=lang)
    elif source.endswith((".yaml", ".yml")):
        wb = load(Path(source), lang=lang)
    else:
        raise RunError("runtime.run.error.source", value=source, allowed=", ".join(list_organizations()))
    save(wb, target, lang=lang, touch=False)
    model = adapted_model(source)
    if model is not None:
        write_bytes_atomic(model_path(target), model.read_bytes(), lang=lang)
    return target


def check_source(source: str) -> None:
    """Refuse an unknown source before anything is created or started."""
    from cmtraining.samples.organizations import list_organizations

    if source not in list_organizations() and not source.endswith((".yaml", ".yml")):
        raise RunError("runtime.run.error.source", value=source, allowed=", ".join(list_organizations()))


def run_journey(source: str, out: Path, *, lang: str = "es", seed: int = 1,
                prefill: bool = True, as_of: date | None = None, force: bool = False,
                progress: Callable[[str, int, int], None] | None = None) -> RunResult:
    """Run every available stage and build the report (see the module docstring)."""
    import os
    import sys

    from cmtraining.core.clock import ENV, today

    if as_of is not None:
        os.environ[ENV] = as_of.isoformat()  # the kernels inherit it
    as_of = as_of or today()
    out = Path(out).resolve()
    check_source(source)
    if source.endswith((".yaml", ".yml")):
        from cmtraining.workbook.store import load

        load(Path(source), lang=lang)  # a bad workbook is refused before anything starts
    model = adapted_model(source)  # and so is a damaged adapted model
    claim(out, force=force, source=Path(source) if source.endswith((".yaml", ".yml")) else None)
    log = {"source": source, "lang": lang, "seed": seed, "prefill": prefill,
           "as_of": as_of.isoformat(), "status": "running", "stages": []}
    if model is not None:
        log["sentiment_model"] = str(model)
    _write_log(out, log)  # from now on the folder is a run's, whatever happens next
    # jsonschema imports rfc3987_syntax when installed, which compiles a grammar
    # for 1.5 s; nbformat's schema never uses those IRI formats, so skip it here
    sys.modules.setdefault("rfc3987_syntax", None)
    # the kernel boots and imports the stages' modules while this process
    # writes the workbook and imports papermill (two cores, both busy)
    kernel = SharedKernel(cwd=out).__enter__()
    try:
        kernel.warm(WARM_MODULES)
        workbook = prepare(source, out, lang=lang)
        import papermill as pm
    except BaseException as exc:
        kernel.__exit__(None, None, None)
        log["status"] = "cancelled" if isinstance(exc, KeyboardInterrupt) else "failed"
        log["ended_during"] = "start"
        _finish(out, log)
        raise

    from cmtraining.core.stages import STAGES

    warm = _warm_report_imports()
    result = RunResult(out=out)
    stages = [s for s in STAGES if s.available()]
    result.skipped = [s.notebook for s in STAGES if not s.available()]
    step = "start"
    try:
        with kernel:
            for number, stage in enumerate(stages, start=1):
                step = stage.notebook
                if progress:
                    progress(stage.notebook, number, len(stages))
                _run_stage(pm, kernel, stage, workbook=workbook, lang=lang, seed=seed,
                           prefill=prefill, out=out, log=log)
                result.ran.append(stage.notebook)
                _write_log(out, log)
        step = "report"
        warm.join()
        result.report = write_report(workbook, out / "report.html", lang=lang, as_of=as_of,
                                     ran=result.ran, skipped=result.skipped)
    except BaseException as exc:
        # run.yaml says how it ended: a stage's failure, a cancel (Ctrl+C), anything else
        log["status"] = "cancelled" if isinstance(exc, KeyboardInterrupt) else "failed"
        log["ended_during"] = step
        _finish(out, log)
        raise
    log["status"] = "ok"
    log["report"] = "report.html"
    _finish(out, log)
    return result


def _run_stage(pm, kernel, stage, *, workbook: Path, lang: str, seed: int, prefill: bool,
               out: Path, log: dict) -> None:
    """Execute one stage notebook and record it in `log` (RunError naming the cell on failure)."""
    from cmtraining.core.paths import notebooks_dir

    params = stage_parameters(stage.notebook, workbook=workbook, lang=lang, seed=seed,
                              prefill=prefill)
    target = out / "notebooks" / f"{stage.notebook}.ipynb"
    try:
        _execute(pm, kernel, notebooks_dir() / f"{stage.notebook}.ipynb", target, params, out)
    except pm.PapermillExecutionError as exc:
        log["stages"].append({"notebook": stage.notebook, "status": "failed",
                              "cell": exc.exec_count, "error": f"{exc.ename}: {exc.evalue}"})
        raise RunError("runtime.run.error.stage", notebook=f"{stage.notebook}.ipynb",
                       cell=exc.exec_count, error=f"{exc.ename}: {exc.evalue}"[:500],
                       path=str(target)) from None
    kernel.reset()
    log["stages"].append({"notebook": stage.notebook, "status": "ok"})
    if kernel.broken and "kernel_fallback" not in log:
        # a run that got slower says why (run.yaml): from here, a kernel per stage
        log["kernel_fallback"] = stage.notebook


def _finish(out: Path, log: dict) -> None:
    """Write the final run.yaml and remove the workbook's lock file if no one holds it.

    The run is the only writer of its folder's workbook; the lock file it
    leaves would otherwise outlive the run (and look like a run still going).
    """
    from filelock import FileLock, Timeout

    _write_log(out, log)
    lock_file = out / "workbook.yaml.lock"
    if not lock_file.exists():
        return
    lock = FileLock(str(lock_file), timeout=0)
    try:
        with lock:
            lock_file.unlink(missing_ok=True)
    except (Timeout, OSError):
        pass  # someone holds it (a served session on the run's workbook): leave it


#: how long one stage may go unanswered in the shared kernel before it runs again in a
#: kernel of its own. A stage takes 2-20 s there on a 2-core machine; ipykernel 7 can
#: go deaf to a new client of a kernel it already served, and papermill then waits
#: forever (it applies no cell limit to a kernel it is given), as a CI run did on 6 Dec
SHARED_STAGE_SECONDS = 240
#: a stage's limit in a kernel of its own, after the shared one went silent
OWN_KERNEL_SECONDS = 1200


def _execute(pm, kernel, source: Path, target: Path, params: dict, out: Path) -> None:
    """One stage in the shared kernel; if that kernel stops answering, in a fresh one.

    Each attempt has a deadline papermill cannot ignore (`_within`). Once the
    shared kernel has failed to answer, this and every later stage get a
    kernel of their own, papermill's client its first: slower, never stuck.
    A cell that fails is the notebook's own error and is never retried.
    """
    kernel.settle()
    if not kernel.broken:
        try:
            _within(SHARED_STAGE_SECONDS, pm.execute_notebook, str(source), target,
                    parameters=params, progress_bar=False, cwd=str(out),
                    request_save_on_cell_execute=False, start_timeout=60, km=kernel.manager)
            return
        except pm.PapermillExecutionError:
            raise
        except (RuntimeError, TimeoutError):  # the kernel did not answer, died or went silent
            kernel.broken = True
    try:
        with SharedKernel(cwd=out) as own:  # a kernel for this stage alone, its first client
            _within(OWN_KERNEL_SECONDS, pm.execute_notebook, str(source), target,
                    parameters=params, progress_bar=False, cwd=str(out),
                    request_save_on_cell_execute=False, start_timeout=120, km=own.manager)
    except pm.PapermillExecutionError:
        raise
    except (RuntimeError, TimeoutError) as exc:
        raise RunError("runtime.run.error.kernel", notebook=source.name, error=str(exc)[:300]) from None


def _within(seconds: float, execute, source: str, target: Path, **kwargs) -> None:
    """papermill in a thread that is given up (TimeoutError) after `seconds`.

    The notebook is written to a private folder and moved to `target` only
    when it finished: a thread given up on can never write into the run's
    folder afterwards. The thread is a daemon, so it never holds up the exit.
    """
    import tempfile
    import threading

    scratch = Path(tempfile.mkdtemp(prefix="cm-stage-"))
    partial = scratch / target.name
    failure: list[BaseException] = []

    def work():
        try:
            execute(source, str(partial), **kwargs)
        except BaseException as exc:  # handed to the waiting thread
            failure.append(exc)

    thread = threading.Thread(target=work, name="cm-stage", daemon=True)
    thread.start()
    thread.join(seconds)  # Ctrl+C still reaches the main thread while it waits
    if thread.is_alive():
        raise TimeoutError(f"no answer from the kernel in {seconds} s")
    try:
        if partial.exists():  # finished, or failed in a cell: the notebook says where
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(partial), str(target))
        if failure:
            raise failure[0]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _warm_report_imports():
    """Import what the report needs in a thread while the kernel runs the stages.

    This process mostly waits on the kernel's sockets meanwhile, so on a
    machine with two cores the imports cost the run nothing.
    """
    import threading

    def work():
        import jinja2  # noqa: F401
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.figure  # noqa: F401
        import pandas  # noqa: F401

        import cmtraining.evaluation.recommendations  # noqa: F401
        import cmtraining.planning.smart  # noqa: F401

    thread = threading.Thread(target=work, name="cm-warm-imports", daemon=True)
    thread.start()
    return thread


#: imported by the shared kernel as soon as it starts (most stages need them)
WARM_MODULES = ("cmtraining.runtime.session", "cmtraining.apps.common", "cmtraining.apps.profile",
                "cmtraining.evaluation.charts", "pandas", "matplotlib.figure",
                "matplotlib.backends.backend_agg", "ipywidgets")


class SharedKernel:
    """One kernel for the whole run, its namespace cleared between notebooks.

    Each notebook still runs from a clean namespace (`%reset -f`), but the
    kernel's start-up and the package's imports are paid once instead of once
    per stage: that is most of a stage's time (see bench/journey.py).
    """

    def __init__(self, *, cwd: Path, kernel_name: str = "python3"):
        import tempfile

        from jupyter_client.manager import KernelManager

        # Unix sockets in a private folder, not TCP ports on 127.0.0.1: no other
        # user can connect, and ipykernel has nothing to warn about (it does
        # warn, on the facilitator's terminal, for plain TCP)
        self._sockets = tempfile.TemporaryDirectory(prefix="cm-kernel-")
        self.manager = KernelManager(kernel_name=kernel_name, transport="ipc",
                                     ip=str(Path(self._sockets.name) / "kernel"))
        self.cwd = cwd
        self.broken = False  # stopped answering once: later stages get their own kernels
        self._warm_thread = None

    def __enter__(self) -> SharedKernel:
        if not self.manager.has_kernel:
            self.manager.start_kernel(cwd=str(self.cwd))
        return self

    def warm(self, modules) -> None:
        """Have the kernel import `modules` now, in a thread, while this process prepares.

        The thread waits for the kernel to be ready, sends the imports and
        waits for their reply; `settle` joins it before the first notebook.
        A request sent before the kernel answered `kernel_info`, or a second
        client connecting while the imports still run, left ipykernel 7
        deaf to papermill's client in 2 runs out of 3 (a 60 s stall, then
        the fallback): one client at a time avoids both.
        """
        import threading

        code = f"for _m in {tuple(modules)!r}: __import__(_m)\ndel _m"

        def work():
            client = self.manager.client()
            client.start_channels()
            try:
                client.wait_for_ready(timeout=60)
                client.execute_interactive(code, silent=True, store_history=False, timeout=120)
            except (RuntimeError, TimeoutError):
                self.broken = True
            finally:
                client.stop_channels()

        self._warm_thread = threading.Thread(target=work, name="cm-warm-kernel", daemon=True)
        self._warm_thread.start()

    def settle(self) -> None:
        """Wait for the warm-up (if any) to finish: one client talks to the kernel at a time."""
        if self._warm_thread is not None:
            self._warm_thread.join(timeout=180)
            self._warm_thread = None

    def reset(self) -> None:
        """A clean namespace for the next notebook (or, if it won't answer, no more sharing)."""
        self.settle()
        if self.broken:
            return
        client = self.manager.client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=30)
            client.execute_interactive("%reset -f", timeout=30, store_history=False)
        except (RuntimeError, TimeoutError):
            self.broken = True
        finally:
            client.stop_channels()

    def __exit__(self, *exc) -> None:
        self.settle()
        self.manager.shutdown_kernel(now=True)
        self._sockets.cleanup()


def write_report(workbook_path: Path, target: Path, *, lang: str, as_of: date,
                 ran: list[str] | None = None, skipped: list[str] | None = None,
                 generated: datetime | None = None) -> Path:
    """Render the report of a workbook to `target`, atomically."""
    from cmtraining.core.outputs import write_bytes_atomic
    from cmtraining.report import build_report
    from cmtraining.workbook.store import load

    wb = load(workbook_path, lang=lang)
    html = build_report(wb, lang=lang, as_of=as_of, ran=ran, skipped=skipped,
                        generated=generated or datetime.now().astimezone())
    write_bytes_atomic(Path(target), html.encode("utf-8"))
    return Path(target)


def _write_log(out: Path, log: dict) -> None:
    import yaml

    from cmtraining.core.outputs import write_bytes_atomic

    write_bytes_atomic(out / "run.yaml", yaml.safe_dump(log, allow_unicode=True,
                                                         sort_keys=False).encode("utf-8"))
