"""Warm kernels for the served journey, handed out before any parameter is given.

Voila's own preheated kernels execute a whole notebook in advance, so they
cannot take a trainee's parameters. Ours stop earlier: a pooled kernel has
only imported cmtraining and the modules the stage notebooks import (the
slow part of a page, measured in `bench/classroom_warm.py`). When a page
asks for a kernel, `WarmKernelManager.start_kernel` hands out a pooled one
and Voila then runs the notebook on it as usual, with the checked values the
prelaunch hook injected through the parameter contract; the pool refills in
the background once the server is calm (no page asked for a kernel for a few
seconds: while a class arrives, pages start cold). An empty pool means a
kernel started as before, so a page is never slower than without the pool.

The manager also keeps the room's limits: at most `max_kernels` kernels in
all (pooled ones included: a pooled kernel is given up before the limit is
passed) and at most `max_per_trainee` pages' kernels per trainee. The page
handler asks `admission` before starting anything. Pooled kernels are never
culled (they have no page); a handed-out kernel is culled like any other.

This module imports jupyter_server, never Voila (`cmtraining.runtime.serve` is the
only module that does).
"""

from __future__ import annotations

import ast
import asyncio
import contextvars
import json
import os
from pathlib import Path

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from jupyter_server.utils import ensure_async
from traitlets import Dict, Float, Integer, Unicode

#: the trainee a kernel being started belongs to (set by the page handler)
KERNEL_OWNER: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "cmtraining_kernel_owner", default=None)
#: what every served kernel is started with: no IPython history. A class's kernels opened
#: the one history database of the server's account together; SQLite's lock made them
#: move it aside as "corrupt" (25 trainees, 7 Dec), and a trainee's page has no history
#: worth keeping in the facilitator's home anyway
KERNEL_ARGUMENTS = ["--HistoryManager.enabled=False"]
#: notebooks whose imports are not warmed (the facilitator's page is opened once a course)
NOT_WARMED = frozenset({"90-gradebook"})
#: seconds the pages being rendered may hold back a refill (a hung page must not stop it)
RENDERING_PATIENCE = 60.0


def _code_cells(path: Path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    return ["".join(c.get("source", "")) for c in cells if c.get("cell_type") == "code"]


def warm_pages(folder: Path) -> list[tuple[str, str, bool]]:
    """(stem, app module, uses a session) of each page in `folder` a pooled kernel warms."""
    pages = []
    for path in sorted(folder.glob("*.ipynb")):
        if path.stem in NOT_WARMED:
            continue
        source = "\n".join(_code_cells(path))
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        apps = [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                and node.module and node.module.startswith("cmtraining.apps.")]
        if apps:
            pages.append((path.stem, apps[0], "open_session" in source))
    return pages


def lower_priority(pid: int, nice: int) -> bool:
    """Give a kernel less of the CPU than the server, so pages keep loading while kernels work.

    jupyter_client starts each kernel in a session of its own, and Linux's autogroup
    scheduling (on by default in Debian's kernels) shares the CPU equally between sessions
    whatever their processes' nice: with 20 kernels importing, the server got 1/21 of the
    machine and browsers timed out on its static files. So the session's group is niced too
    (`/proc/<pid>/autogroup`, writable by the kernel's owner). `nice` counts from the
    server's own (a server started niced keeps its kernels below it). True if either took.
    """
    if nice <= 0:
        return False
    nice = min(19, os.getpriority(os.PRIO_PROCESS, 0) + nice)  # below the server, whatever its
    done = False
    try:
        os.setpriority(os.PRIO_PROCESS, pid, nice)
        done = True
    except (OSError, AttributeError):
        pass
    try:
        Path(f"/proc/{pid}/autogroup").write_text(str(nice))
        done = True
    except OSError:
        pass
    return done


def warm_code(folder: Path) -> str:
    """What a pooled kernel runs: every page built once as a preview, nothing of a trainee."""
    return (f"from cmtraining.apps.warmup import warm as _warm\n_warm({warm_pages(folder)!r})\n"
            "del _warm\n")


class WarmKernelManager(AsyncMappingKernelManager):
    """Kernels for Voila pages, taken from a pool of warm ones when there is one."""

    pool_size = Integer(2, config=True, help="Warm kernels kept ready (0: no pool).")
    max_kernels = Integer(0, config=True, help="Kernels in all, pooled ones included (0: no "
                          "limit).")
    max_per_trainee = Integer(0, config=True, help="Pages' kernels per trainee (0: no limit).")
    pool_kernel_name = Unicode("python3", config=True)
    warm_source = Unicode("", config=True, help="Code a pooled kernel runs once started.")
    warm_timeout = Float(120.0, config=True, help="Seconds a pooled kernel may take to warm.")
    calm_seconds = Float(5.0, config=True, help="The pool refills once no page has asked for a "
                         "kernel for this many seconds, and none is being rendered.")
    pool_env = Dict(config=True, help="Environment added to a pooled kernel's (as Voila's).")
    kernel_nice = Integer(10, config=True, help="How much nicer than the server every kernel runs "
                          "(0: as the server): the server comes first, kernels share the rest.")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.pool: list[str] = []
        self.warming: set[str] = set()
        self.owners: dict[str, str] = {}
        self.rendering = 0
        self.last_asked = -float("inf")  # when a page last asked for a kernel (loop time)
        self.handed_out = 0  # pages served by a warm kernel (the benchmark reads it)
        self._refill_task: asyncio.Task | None = None

    # --- admission ------------------------------------------------------------------

    def in_use(self) -> list[str]:
        spare = set(self.pool) | self.warming
        return [k for k in self.list_kernel_ids() if k not in spare]

    def trainee_kernels(self, owner: str) -> int:
        alive = set(self.list_kernel_ids())
        return sum(1 for k, o in self.owners.items() if o == owner and k in alive)

    def admission(self, owner: str | None) -> str:
        """'ok', 'room_full' or 'trainee_full' for a page about to ask for a kernel."""
        if self.max_kernels and len(self.in_use()) >= self.max_kernels:
            return "room_full"
        if owner and self.max_per_trainee and self.trainee_kernels(owner) >= self.max_per_trainee:
            return "trainee_full"
        return "ok"

    # --- kernels for pages ----------------------------------------------------------

    async def start_kernel(self, *, kernel_id=None, path=None, **kwargs) -> str:
        owner = KERNEL_OWNER.get()
        self.last_asked = asyncio.get_running_loop().time()
        name = kwargs.get("kernel_name") or self.default_kernel_name
        if kernel_id is None and self.pool and name == self.pool_kernel_name and not path:
            kernel_id = self.pool.pop(0)
            from jupyter_server._tz import utcnow

            self.get_kernel(kernel_id).last_activity = utcnow()  # culling counts from now
            self.handed_out += 1
            self.log.warning("Warm kernel handed out: %s", kernel_id)
        else:
            await self._make_room()
            kwargs.setdefault("extra_arguments", KERNEL_ARGUMENTS)
            kernel_id = await super().start_kernel(kernel_id=kernel_id, path=path, **kwargs)
            self._lower(kernel_id)
        if owner:
            self.owners[kernel_id] = owner
        self.schedule_refill()
        return kernel_id

    def _lower(self, kernel_id: str) -> None:
        pid = getattr(getattr(self.get_kernel(kernel_id), "provisioner", None), "pid", None)
        if pid and self.kernel_nice > 0:
            lower_priority(pid, self.kernel_nice)

    async def _make_room(self) -> None:
        """Give up a pooled (or warming) kernel if a new one would pass `max_kernels`."""
        if not self.max_kernels or len(self.list_kernel_ids()) < self.max_kernels:
            return
        spare = self.pool.pop() if self.pool else next(iter(self.warming), None)
        if spare is not None:
            self.warming.discard(spare)
            await ensure_async(self.shutdown_kernel(spare, now=True))

    async def shutdown_kernel(self, kernel_id, now=False, restart=False):
        if kernel_id in self.pool:
            self.pool.remove(kernel_id)
        self.warming.discard(kernel_id)
        self.owners.pop(kernel_id, None)
        return await super().shutdown_kernel(kernel_id, now=now, restart=restart)

    async def cull_kernel_if_idle(self, kernel_id):
        if kernel_id in self.pool or kernel_id in self.warming:
            return None  # a spare kernel has no page to wait for
        return await super().cull_kernel_if_idle(kernel_id)

    # --- the pool -------------------------------------------------------------------

    def schedule_refill(self) -> None:
        if self.pool_size > 0 and (self._refill_task is None or self._refill_task.done()):
            self._refill_task = asyncio.ensure_future(self._refill())

    def _wanted(self) -> bool:
        spare = len(self.pool) + len(self.warming)
        room = not self.max_kernels or len(self.list_kernel_ids()) < self.max_kernels
        return spare < self.pool_size and room

    async def _refill(self) -> None:
        failures = 0
        while self._wanted() and failures < 3:
            await self._give_way()
            if not self._wanted():
                break
            try:
                kernel_id = await super().start_kernel(kernel_name=self.pool_kernel_name,
                                                       path="", env=self._pool_env(),
                                                       extra_arguments=KERNEL_ARGUMENTS)
                self._lower(kernel_id)
            except Exception:
                self.log.exception("Could not start a warm kernel")
                failures += 1
                continue
            self.warming.add(kernel_id)
            try:
                await asyncio.wait_for(self._warm(kernel_id), self.warm_timeout)
            except Exception:
                self.log.exception("Could not warm kernel %s", kernel_id)
                failures += 1
                if kernel_id in self:
                    await ensure_async(self.shutdown_kernel(kernel_id, now=True))
                continue
            if kernel_id in self.warming:  # not given up meanwhile
                self.warming.discard(kernel_id)
                self.pool.append(kernel_id)

    async def _give_way(self) -> None:
        """Wait for a calm server: no page being rendered, none asked for a kernel lately.

        A refill builds every page once (seconds of CPU); while a class arrives it took the
        cores from the trainees' pages (25 trainees on 7 Dec: median time to interactive 14.8x
        one trainee alone against 11.1x without the pool) to save each page a cold start it
        had already paid. The pool is for the trainee who arrives on a quiet server: it
        refills once the burst is over, and meanwhile pages start cold, as without it.
        """
        loop = asyncio.get_running_loop()
        # a page stuck rendering (a hung kernel) holds the refill back for a minute, not forever
        patience = loop.time() + RENDERING_PATIENCE
        while (loop.time() - self.last_asked < self.calm_seconds
               or (self.rendering > 0 and loop.time() < patience)):
            await asyncio.sleep(0.25)

    def _pool_env(self) -> dict[str, str]:
        import os

        return {**os.environ, **self.pool_env}

    async def _warm(self, kernel_id: str) -> None:
        client = self.get_kernel(kernel_id).client()
        client.start_channels()
        try:
            await ensure_async(client.wait_for_ready(timeout=self.warm_timeout))
            reply = await ensure_async(client.execute_interactive(
                self.warm_source, store_history=False, timeout=self.warm_timeout,
                output_hook=lambda msg: None))
            if reply["content"].get("status") != "ok":
                raise RuntimeError(f"warming failed: {reply['content'].get('ename')}")
        finally:
            client.stop_channels()
