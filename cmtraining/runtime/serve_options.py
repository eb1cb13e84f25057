"""The options of `cmtraining serve`: their checks, their defaults and Voila's command line.

Kept apart from the server itself (`cmtraining.runtime.serve`, the only module
importing Voila) so the CLI's checks and the tests read them without it.
"""

from __future__ import annotations

import os
from pathlib import Path

from cmtraining.core.errors import ParameterError

DEFAULT_CULL_MINUTES = 20.0
#: warm kernels kept ready: two pages arriving on a quiet server start warm, and the
#: 25-trainee load test holds with them (issue 17, `bench/classroom_load.py`, Dec 2026)
DEFAULT_POOL_SIZE = 2
DEFAULT_PER_TRAINEE = 6  # three stages, the landing page and two spare tabs
#: resident memory of one kernel: ~75 MB for a bare stage page (issue 17), ~200 MB once warmed
#: with every page (measured on the project's 2-core machine, 2026); a margin for the page's data
KERNEL_MEMORY_BYTES = 250 * 1024 * 1024
#: the most kernels `--max-kernels` defaults to, whatever the memory
MAX_KERNELS_CAP = 60
#: how long a page waits for a cell's outputs after the cell's reply (nbclient's default, 4 s,
#: lost the profile page's widgets with 10 trainees on the project's 2-core machine, 2026)
IOPUB_WAIT_SECONDS = 300
#: how long a page waits for its new kernel to answer (nbclient's default, 60 s, was passed by
#: a page's kernel on the project's 2-core machine with three trainees' browsers on it, 2026;
#: the page then never finished loading: see `cmtraining.runtime.serve.guard_page_rendering`)
KERNEL_START_SECONDS = 300
CULL_MINUTES_RANGE = (0.05, 24 * 60.0)


def cull_interval(idle_seconds: float) -> int:
    """How often the culler looks: a quarter of the idle time, from 1 s to 60 s."""
    return int(min(60, max(1, idle_seconds // 4)))


def default_max_kernels(available_bytes: int | None = None) -> int:
    """Kernels the machine holds: available memory over one kernel's, from 4 to the cap."""
    if available_bytes is None:
        import psutil

        available_bytes = psutil.virtual_memory().available
    return int(min(MAX_KERNELS_CAP, max(4, available_bytes // KERNEL_MEMORY_BYTES)))


#: the client the server talks to a page's kernel with (`runtime.page_client`)
PAGE_CLIENT = "cmtraining.runtime.page_client.PageKernelClient"


def voila_argv(host: str, port: int, token: str, root: Path,
               cull_minutes: float = DEFAULT_CULL_MINUTES, *, pool_size: int = DEFAULT_POOL_SIZE,
               max_kernels: int = 0, max_per_trainee: int = 0) -> list[str]:
    idle = round(cull_minutes * 60)
    argv = [str(root), f"--Voila.ip={host}", f"--port={port}", "--Voila.port_retries=0",
            # warm kernels, handed to a page before its parameters are injected
            "--VoilaConfiguration.multi_kernel_manager_class="
            "cmtraining.runtime.kernel_pool.WarmKernelManager",
            f"--WarmKernelManager.pool_size={pool_size}",
            f"--WarmKernelManager.max_kernels={max_kernels}",
            f"--WarmKernelManager.max_per_trainee={max_per_trainee}",
            # kernels talk over Unix sockets: a class's pages start kernels together, and with
            # TCP two of them were given the same free port (one died at start, "Address
            # already in use": its page never opened); files in the runtime folder, the
            # owner's alone, instead of ports any local user can reach
            "--KernelManager.transport=ipc",
            # kernels keep 100,000 unread IOPub messages, not ZeroMQ's 1,000: a click that
            # makes a thousand widgets lost the last ones when the server fell behind
            "--VoilaConfiguration.kernel_spec_manager_class="
            "cmtraining.runtime.served_kernel.ServedKernelSpecs",
            # the server's client to a page's kernel is ready once it answers, without
            # jupyter_client's 0.2 s quiet wait (the largest wait of a warm page)
            f"--ServerKernelManager.client_factory={PAGE_CLIENT}",
            "--no-browser", "--VoilaConfiguration.show_tracebacks=False",
            "--VoilaConfiguration.allow_template_override=NO",
            "--VoilaConfiguration.allow_theme_override=NO",
            "--Voila.log_level=WARN",
            # every kernel ends: the one of a page that is gone is culled once idle
            f"--MappingKernelManager.cull_idle_timeout={idle}",
            f"--MappingKernelManager.cull_interval={cull_interval(idle)}",
            "--MappingKernelManager.cull_connected=False",
            "--MappingKernelManager.cull_busy=True",
            # a cell's outputs arrive on IOPub after its reply; nbclient waits 4 s for them by
            # default and then drops them without a word (its warning goes to a logger nobody
            # hears): on a loaded machine a page came back with every cell run and no widget
            # (issue 17's load test). Wait as long as it takes, and say so if it never comes.
            f"--VoilaExecutor.iopub_timeout={IOPUB_WAIT_SECONDS}",
            "--VoilaExecutor.raise_on_iopub_timeout=True",
            f"--VoilaExecutor.startup_timeout={KERNEL_START_SECONDS}"]
    argv.append(f"--token={token}" if token else "--Voila.token=")
    return argv


def check_token(value: str | None, option: str, lang: str) -> None:
    """A token given on the command line is usable in a URL: not blank, no outer spaces."""
    if value is not None and (not value.strip() or value != value.strip()):
        raise ParameterError("runtime.server.token_blank", option=option, lang=lang)


def check_port(port: int, lang: str) -> int:
    if not 1 <= port <= 65535:
        raise ParameterError("runtime.server.port_range", value=port, lang=lang)
    return port


def check_cull_minutes(minutes: float, lang: str) -> float:
    from cmtraining.core.numbers import decimal

    low, high = CULL_MINUTES_RANGE
    if not low <= minutes <= high:  # NaN fails too
        def shown(x: float) -> str:
            return decimal(x, lang, decimals=2, trim=True)
        raise ParameterError("runtime.server.cull_idle", value=shown(minutes), low=shown(low),
                             high=shown(high), lang=lang)
    return minutes


def check_limits(pool_size: int, max_kernels: int, max_per_trainee: int, lang: str) -> None:
    """Whole numbers, 0 meaning none (no pool, no limit); a pool within the room's limit."""
    for option, value in (("--pool-size", pool_size), ("--max-kernels", max_kernels),
                          ("--max-per-trainee", max_per_trainee)):
        if not 0 <= value <= 10_000:
            raise ParameterError("runtime.classroom.limit_range", option=option, value=value, lang=lang)
    if max_kernels and pool_size >= max_kernels:
        raise ParameterError("runtime.classroom.pool_too_big", pool=pool_size, total=max_kernels,
                             lang=lang)


def gradebook_setting(gradebook: str, workspace: Path) -> str:
    """The gradebook the facilitator's page reads: a URL as given, a path made absolute."""
    from cmtraining.grading.gradebook import GRADEBOOK_FILE

    if not gradebook:
        return str(workspace / GRADEBOOK_FILE)
    return gradebook if "://" in gradebook else str(Path(gradebook).expanduser().resolve())


def prepare_workspace(workspace: Path | None, lang: str) -> Path:
    folder = (workspace or Path(os.environ.get("CMTRAINING_WORKSPACE") or "workspace")).resolve()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ParameterError("runtime.server.workspace_unusable", path=folder,
                             reason=exc.strerror or type(exc).__name__, lang=lang) from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ParameterError("runtime.server.workspace_unusable", path=folder,
                             reason=os.strerror(13), lang=lang)
    return folder


def workshop_db_setting(workshop_db: str | None) -> str | None:
    """The live workshops' database for the pages (issue 18): a URL as given, a path made
    absolute (every kernel has its own working folder), "" the workspace's file, None: keep
    what `CMTRAINING_WORKSHOP_DB` already says."""
    if workshop_db is None:
        return None
    value = workshop_db.strip()
    if not value or "://" in value:
        return value
    return str(Path(value).expanduser().resolve())
