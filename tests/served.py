"""A real `cmtraining serve` on 127.0.0.1 and a free port, for the tests that need one.

Kernels are counted as the server's child processes (Voila starts each one
with `runtime/served_kernel`), so "no kernel started" is what the OS sees.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from tests.conftest import ROOT, free_port, wait_for

FACILITATOR = "facilitator-secret-for-tests"


#: what a kernel's command line runs: pages' kernels, and the stock one (the pool's tests)
KERNEL_LAUNCHERS = (b"cmtraining.runtime.served_kernel", b"ipykernel_launcher")


def kernel_pids(server_pid: int) -> set[int]:
    """The kernels the server started: its children running a kernel's launcher."""
    pids = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            cmdline = (entry / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == server_pid and any(launcher in cmdline for launcher in KERNEL_LAUNCHERS):
            pids.add(int(entry.name))
    return pids


class Served:
    """One `cmtraining serve` process and what a test needs to talk to it."""

    def __init__(self, tmp: Path, *extra: str, launcher: tuple[str, ...] = ("-m", "cmtraining.cli")):
        """`launcher`: how Python starts the CLI (a test may patch the server before it runs)."""
        self.workspace = tmp / "workspace"
        self.gradebook = tmp / "grades.sqlite"
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = tmp / "serve.log"
        self.log = open(self.log_path, "w")
        self.env = {**os.environ, "CMTRAINING_WORKSPACE": str(self.workspace)}
        self.env.pop("CMTRAINING_LANG", None)
        self.proc = subprocess.Popen(
            [sys.executable, *launcher, "serve", "--port", str(self.port),
             "--workspace", str(self.workspace), "--facilitator-token", FACILITATOR,
             "--gradebook", str(self.gradebook), "--pool-size", "0", *extra],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        up = wait_for(lambda: self.proc.poll() is not None or self.status("/voila/api/contents")
                      == 200, timeout=120, step=0.3)
        if not (up and self.proc.poll() is None):
            self.stop()
            raise AssertionError(self.log_path.read_text())

    def kernels(self) -> set[int]:
        return kernel_pids(self.proc.pid)

    def get(self, path: str, opener=None) -> tuple[int, str, dict]:
        """(status, body, headers) of a GET; error statuses are answers too."""
        try:
            with (opener or urllib.request.build_opener()).open(self.base + path,
                                                                timeout=300) as resp:
                return resp.status, resp.read().decode("utf-8", "replace"), dict(resp.headers)
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace"), dict(exc.headers)

    def status(self, path: str) -> int:
        try:
            return self.get(path)[0]
        except OSError:
            return 0

    def stop(self) -> None:
        left = self.kernels()
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=30)
        for pid in left:  # a kernel the server failed to stop must not outlive the test
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.log.close()
