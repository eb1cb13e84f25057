"""Run one trainee's notebook where it cannot hurt the grader or the cohort.

Why a separate process per submission, started through a tiny bootstrap:
the notebook is untrusted code. The bootstrap (`_BOOT`, run with `python -c`)
applies every limit the OS grants *before* papermill and the kernel start,
then execs `python -m papermill` (the grader never imports papermill: it only
reads the executed notebook). What it does, in order:

- resource limits: `RLIMIT_AS` (memory), `RLIMIT_FSIZE` (no disk filling),
  no core files; the grader adds a wall-clock timeout and kills the whole
  session on expiry;
- when root on Linux (probed with `libc.unshare`; Python 3.11 has no
  `os.unshare`): new network namespace with only loopback up (the kernel's
  ZeroMQ sockets still work, nothing else is reachable), new PID namespace
  (other trainees' kernels and the grader are invisible; when the bootstrap
  dies every process in it dies), new mount namespace in which every mount is
  re-mounted read-only, `/tmp` and `/dev/shm` are fresh empty tmpfs, the
  scratch copy is the only writable folder, and the exercise folder (answer
  keys), the submissions folder and the gradebook's folder are covered by
  empty read-only tmpfs; then every capability is dropped (bounding set too,
  `no_new_privs`), so the code cannot unmount what hides the keys;
- running as an unprivileged uid is *not* done: on this machine the
  interpreter lives under /root (mode 700), unreachable to any other uid;
  without capabilities, uid 0 gains nothing beyond the read-only view.

The environment is an allow-list (`clean_env`): no secrets are inherited.
Everything here is standard library so the pool workers start fast.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ANSWERS_FILE = "answers.json"
SANDBOX_FILE = "sandbox.json"
MAX_ANSWERS_BYTES = 5_000_000

# Appended to the trainee's notebook: writes the declared answers as JSON.
# Values that JSON cannot hold become lists/dicts when they know how
# (numpy, pandas, pydantic, dates) and their str() otherwise.
_EXTRACT = '''\
def _cmtraining_extract(names):
    import json, math
    def safe(v, depth=0):
        if depth > 20:
            return str(v)
        if v is None or isinstance(v, (bool, int, str)):
            return v
        if isinstance(v, float):
            return v if math.isfinite(v) else None
        if isinstance(v, dict):
            return {str(k): safe(x, depth + 1) for k, x in v.items()}
        if isinstance(v, (list, tuple, set, frozenset)):
            return [safe(x, depth + 1) for x in v]
        for attr, args in (("model_dump", {"mode": "json"}), ("to_dict", {"orient": "records"}),
                           ("to_dict", {}), ("tolist", {}), ("item", {}), ("isoformat", {})):
            if hasattr(v, attr):
                try:
                    return safe(getattr(v, attr)(**args), depth + 1)
                except Exception:
                    continue
        return str(v)
    found = {n: safe(globals()[n]) for n in names if n in globals()}
    with open(%(file)r, "w", encoding="utf-8") as fh:
        json.dump(found, fh, ensure_ascii=False)
_cmtraining_extract(%(names)r)
'''

_BOOT = r'''
import ctypes, json, os, resource, signal, socket, struct, sys
cfg = json.loads(sys.argv[1])
mb = cfg["memory_mb"] * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (mb, mb))
resource.setrlimit(resource.RLIMIT_FSIZE, (256 << 20, 256 << 20))
resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
work, report = cfg["scratch"], {}
libc = ctypes.CDLL(None, use_errno=True)
libc.mount.argtypes = [ctypes.c_char_p] * 3 + [ctypes.c_ulong, ctypes.c_char_p]
RDONLY, NOSUID, NODEV, NOEXEC, REMOUNT, BIND, REC, PRIVATE = 1, 2, 4, 8, 32, 4096, 16384, 1 << 18
def mount(src, dst, fs, flags, data=None):
    enc = lambda s: s.encode() if isinstance(s, str) else s
    if libc.mount(enc(src), enc(dst), enc(fs), flags, enc(data)) != 0:
        raise OSError(ctypes.get_errno(), "mount " + dst)
if cfg["isolate"]:
    for name, flag in (("network", 0x40000000), ("mounts", 0x00020000), ("pids", 0x20000000)):
        report[name] = libc.unshare(flag) == 0
    if report["pids"]:
        child = os.fork()
        if child:
            signal.signal(signal.SIGTERM, lambda *a: os.kill(child, 9))
            _, status = os.waitpid(child, 0)
            os._exit(os.waitstatus_to_exitcode(status) & 255)
        libc.prctl(1, 9, 0, 0, 0)  # PR_SET_PDEATHSIG: SIGKILL when the bootstrap dies
    if report["network"]:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        import fcntl
        flags = struct.unpack("16sH", fcntl.ioctl(s, 0x8913, struct.pack("16sH22x", b"lo", 0))[:18])[1]
        fcntl.ioctl(s, 0x8914, struct.pack("16sH22x", b"lo", flags | 0x1 | 0x40))
        s.close()
    if report["mounts"]:
        try:
            fd = os.open(work, os.O_RDONLY | os.O_DIRECTORY)
            mount(None, "/", None, REC | PRIVATE)
            points = [line.split()[4] for line in open("/proc/self/mountinfo")]
            for point in points:
                if point.split("/")[1:2] in (["proc"], ["dev"], ["sys"]):
                    continue
                try:
                    mount(point, point, None, BIND | REMOUNT | RDONLY)
                except OSError:
                    pass
            # the interpreter, the venv and the package may live under /tmp (a CI
            # clone): keep them, read-only, across the fresh /tmp
            kept = {k: os.open(k, os.O_RDONLY | os.O_DIRECTORY) for k in cfg.get("keep", [])
                    if k.startswith(("/tmp/", "/dev/shm/")) and os.path.isdir(k)}
            for point in ("/tmp", "/dev/shm"):
                mount("tmpfs", point, "tmpfs", NOSUID | NODEV, "size=64m")
            for point, kfd in sorted(kept.items()):
                os.makedirs(point, exist_ok=True)
                mount("/proc/self/fd/%d" % kfd, point, None, BIND)
                mount(None, point, None, BIND | REMOUNT | RDONLY | NOSUID | NODEV)
                os.close(kfd)
            for point in cfg["hide"]:
                if os.path.isdir(point):
                    mount("tmpfs", point, "tmpfs", RDONLY | NOSUID | NODEV, "size=4k")
            os.mkdir("/tmp/work")
            mount("/proc/self/fd/%d" % fd, "/tmp/work", None, BIND)
            mount(None, "/tmp/work", None, BIND | REMOUNT | NOSUID | NODEV)
            os.close(fd)
            work = "/tmp/work"
            if report["pids"]:
                mount("proc", "/proc", "proc", NOSUID | NODEV | NOEXEC)
        except OSError as exc:
            report["mounts"] = False
            report["mount_error"] = str(exc)
    for cap in range(64):
        if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            break
    libc.prctl(38, 1, 0, 0, 0)  # PR_SET_NO_NEW_PRIVS
    hdr, data = (ctypes.c_uint32 * 2)(0x20080522, 0), (ctypes.c_uint32 * 6)()
    report["capabilities_dropped"] = libc.capset(hdr, data) == 0
os.chdir(work)
env = dict(cfg["env"], HOME=work, TMPDIR=work, JUPYTER_RUNTIME_DIR=work + "/.jupyter/runtime",
           JUPYTER_CONFIG_DIR=work + "/.jupyter", JUPYTER_DATA_DIR=work + "/.jupyter/data",
           IPYTHONDIR=work + "/.ipython", MPLCONFIGDIR=work + "/.mpl",
           CMTRAINING_WORKSPACE=work + "/workspace")
with open(os.path.join(work, "sandbox.json"), "w") as fh:
    json.dump(report, fh)
argv = [sys.executable, "-m", "papermill", "in.ipynb", "out.ipynb", "--cwd", work,
        "--no-progress-bar", "--no-log-output", "-k", "python3"]
for name, value in cfg["params"].items():
    argv += ["-p", name, str(value)]
os.execve(sys.executable, argv, env)
'''

_KEEP_ENV = ("PATH", "LANG", "LC_ALL", "PYTHONPATH", "CMTRAINING_TODAY", "CMTRAINING_DATASETS")


def _keep_paths() -> list[str]:
    """Folders the notebook's interpreter needs, even when they sit under /tmp."""
    from cmtraining.paths import PROJECT_ROOT

    paths = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, str(PROJECT_ROOT))}
    return sorted(paths, key=len)


def clean_env() -> dict[str, str]:
    """The child's environment: an allow-list, so no token or password leaks in."""
    env = {k: os.environ[k] for k in _KEEP_ENV if k in os.environ}
    env.setdefault("PATH", "/usr/bin:/bin")
    env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
               PYDEVD_DISABLE_FILE_VALIDATION="1", PYTHONDONTWRITEBYTECODE="1")
    return env


def can_isolate() -> bool:
    """Namespaces need root on Linux (no user namespaces are assumed)."""
    return sys.platform.startswith("linux") and os.geteuid() == 0


@dataclass
class RunResult:
    """What happened to one notebook: `status` ok|failed, `reason` key, details."""

    status: str
    reason: str = ""
    detail: str = ""
    answers: dict = field(default_factory=dict)
    cell_errors: list[str] = field(default_factory=list)
    sandbox: dict = field(default_factory=dict)
    seconds: float = 0.0


def prepare_notebook(nb: dict, answers: list[str]) -> dict:
    """The scratch copy: every code cell may raise (so one slip does not stop the
    rest), then the extraction cell."""
    nb = json.loads(json.dumps(nb))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            tags = cell.setdefault("metadata", {}).setdefault("tags", [])
            if "raises-exception" not in tags and "parameters" not in tags:
                tags.append("raises-exception")
    nb["cells"].append({"cell_type": "code", "execution_count": None, "id": "cmtraining-extract",
                        "metadata": {"tags": ["cmtraining-extract"]}, "outputs": [],
                        "source": _EXTRACT % {"file": ANSWERS_FILE, "names": list(answers)}})
    return nb


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:  # without a PID namespace the kernel runs in its own session
        import psutil

        for child in psutil.Process(proc.pid).children(recursive=True):
            child.kill()
    except Exception:
        pass
    proc.kill()
    proc.wait()


def _errors(out: Path) -> list[tuple[str, str]]:
    try:
        nb = json.loads(out.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    found = []
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                found.append((output.get("ename", ""), str(output.get("evalue", ""))[:300]))
    return found


def run_notebook(nb: dict, answers: list[str], params: dict, *, timeout: float,
                 memory_mb: int, hide: list[str] | tuple[str, ...] = ()) -> RunResult:
    """Execute `nb` (a parsed notebook) in a fresh scratch folder and return its answers.

    `hide` lists folders the code must not see (exercise, submissions,
    gradebook); the exercise folder is never passed to the child otherwise.
    """
    start = time.monotonic()
    scratch = Path(tempfile.mkdtemp(prefix="cmtraining-grade-"))
    try:
        (scratch / "in.ipynb").write_text(json.dumps(prepare_notebook(nb, answers)), "utf-8")
        cfg = {"memory_mb": int(memory_mb), "scratch": str(scratch), "isolate": can_isolate(),
               "hide": [str(Path(h).resolve()) for h in hide], "params": params,
               "keep": _keep_paths(),
               "env": clean_env()}
        proc = subprocess.Popen([sys.executable, "-c", _BOOT, json.dumps(cfg)], cwd=scratch,
                                env=clean_env(), stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                start_new_session=True)
        try:
            _, err = proc.communicate(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            _kill(proc)
            err, timed_out = b"", True
        result = _classify(scratch, proc.returncode, timed_out, err or b"")
        result.seconds = time.monotonic() - start
        return result
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _classify(scratch: Path, code: int, timed_out: bool, err: bytes) -> RunResult:
    try:
        sandbox = json.loads((scratch / SANDBOX_FILE).read_text())
    except (OSError, ValueError):
        sandbox = {}
    errors = _errors(scratch / "out.ipynb")
    names = {e for e, _ in errors}
    notes = [f"{e}: {v}".strip() for e, v in errors]
    stderr = err.decode("utf-8", "replace")
    if timed_out:
        return RunResult("failed", "timeout", sandbox=sandbox, cell_errors=notes)
    if "MemoryError" in names or "MemoryError" in stderr or code in (-9, 137):
        return RunResult("failed", "memory", sandbox=sandbox, cell_errors=notes)
    if "SystemExit" in names or "DeadKernelError" in stderr or "Kernel died" in stderr:
        return RunResult("failed", "exit", sandbox=sandbox, cell_errors=notes)
    path = scratch / ANSWERS_FILE
    try:
        if path.stat().st_size > MAX_ANSWERS_BYTES:
            return RunResult("failed", "too_large", sandbox=sandbox, cell_errors=notes)
        answers = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(answers, dict):
            raise ValueError("answers are not a mapping")
    except (OSError, ValueError):
        tail = stderr.strip().splitlines()[-1:] if stderr.strip() else []
        return RunResult("failed", "no_answers", detail=" ".join(tail)[:300], sandbox=sandbox,
                         cell_errors=notes)
    return RunResult("ok", answers=answers, sandbox=sandbox, cell_errors=notes)


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
