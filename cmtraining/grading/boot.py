"""The sandbox's first process: isolate, run the notebook, extract, report.

Run as `python -P -m cmtraining.grading.boot` by a grading worker, with its
configuration as JSON on stdin and the write end of a pipe (`result_fd`) as
the only channel back. When root on Linux it:

1. dies with its worker (`PR_SET_PDEATHSIG`), then unshares the mount, PID,
   network, UTS and IPC namespaces and forks the namespace's init (PID 1,
   which dies with the boot process: when it goes, the kernel kills every
   process of the namespace);
2. builds a new root on a small tmpfs from an **allow-list**: the
   interpreter, the virtualenv, the `cmtraining` package and the datasets
   (read-only, at their own paths), `/usr` and a few `/etc` files, a `/dev`
   with null/zero/full/random/urandom, a size-capped tmpfs `/work` (the
   scratch folder, `disk_mb`) and small `/tmp` and `/dev/shm`; a fresh
   `/proc` with `/proc/sys` read-only, no `/sys`; then `pivot_root` and the
   old root detached: the project's `.git`, `exercises/`, other checkouts,
   home folders and caches do not exist in there;
3. brings up loopback only, sets its own host name;
4. starts the runner (`runner.py`: nbclient, outputs capped) as the
   unprivileged `uid` with rlimits, no capabilities and `no_new_privs`; its
   stdout/stderr (and the kernel's) come to a pipe read here with a cap;
   enforces the wall clock, watches the scratch's free space;
5. when the runner ends, kills every process left in the namespace, then
   runs the extraction (`extract.py`) in a separate process, as the same
   uid, on the executed notebook only;
6. writes one JSON report to `result_fd`, which no process of the notebook
   ever held.

Without root (or off Linux) only the rlimits, the deadline, the capped
streams, the scratch copy, the process-tree kill and the extraction apply,
and the report says which protections are missing.
"""

from __future__ import annotations

import ctypes
import json
import os
import selectors
import signal
import socket
import struct
import sys
import time

CLONE = {"mounts": 0x00020000, "uts": 0x04000000, "ipc": 0x08000000, "pids": 0x20000000,
         "network": 0x40000000}
RDONLY, NOSUID, NODEV, NOEXEC, REMOUNT, BIND, REC, PRIVATE = 1, 2, 4, 8, 32, 4096, 16384, 1 << 18
MNT_DETACH = 2
PR_SET_PDEATHSIG, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS, PR_SET_CHILD_SUBREAPER = 1, 24, 38, 36
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}  # syscall numbers; elsewhere: no new root
STREAM_CAP = 4 << 20  # raw stdout/stderr bytes before "output too large" (below the cells')
TAIL_BYTES = 4096
EXTRACT_SECONDS = 60
ETC_FILES = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "timezone", "alternatives",
             "fonts", "mime.types", "nsswitch.conf")
DEVICES = ("null", "zero", "full", "random", "urandom")

_libc = ctypes.CDLL(None, use_errno=True)
_libc.mount.argtypes = [ctypes.c_char_p] * 3 + [ctypes.c_ulong, ctypes.c_char_p]
_libc.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]
_libc.syscall.restype = ctypes.c_long


def _b(text):
    return text.encode() if isinstance(text, str) else text


def mount(src, dst, fs, flags, data=None) -> None:
    if _libc.mount(_b(src), _b(dst), _b(fs), flags, _b(data)) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"mount {dst}: {os.strerror(errno)}")


def die_with_parent(parent: int) -> None:
    """SIGKILL when the parent goes; if it is already gone, go now."""
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def _bind_ro(path: str, root: str) -> None:
    target = root + path
    if os.path.isdir(path):
        os.makedirs(target, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        open(target, "a").close()
    mount(path, target, None, BIND | REC)
    mount(None, target, None, BIND | REMOUNT | RDONLY | NOSUID | NODEV)


def build_root(cfg: dict, root: str) -> str:
    """The allow-listed file system, mounted at `root`, entered with pivot_root; returns /work."""
    uid = cfg["uid"]
    mount(None, "/", None, REC | PRIVATE)
    os.makedirs(root, exist_ok=True)
    mount("tmpfs", root, "tmpfs", NOSUID | NODEV, "size=16m,mode=755")
    for name in ("bin", "lib", "lib64", "sbin", "lib32", "libx32"):
        if os.path.islink("/" + name):
            os.symlink(os.readlink("/" + name), f"{root}/{name}")
        elif os.path.isdir("/" + name):
            _bind_ro("/" + name, root)
    for path in ["/usr", *cfg["binds"]]:
        if os.path.exists(path) and not os.path.exists(root + path):
            _bind_ro(path, root)
    os.makedirs(root + "/etc", exist_ok=True)
    for name in ETC_FILES:
        if os.path.exists("/etc/" + name):
            _bind_ro("/etc/" + name, root)
    for name, text in (("passwd", f"root:x:0:0::/:/bin/false\nsandbox:x:{uid}:{uid}::/work:/bin/false\n"),
                       ("group", f"root:x:0:\nsandbox:x:{uid}:\n"),
                       ("hosts", "127.0.0.1 localhost sandbox\n::1 localhost\n"),
                       ("hostname", "sandbox\n")):
        with open(f"{root}/etc/{name}", "w") as fh:
            fh.write(text)
    os.makedirs(root + "/dev", exist_ok=True)
    mount("tmpfs", root + "/dev", "tmpfs", NOSUID | NOEXEC, "size=64k,mode=755")
    for name in DEVICES:
        _bind_ro("/dev/" + name, root)
        mount(None, f"{root}/dev/{name}", None, BIND | REMOUNT | NOSUID | NOEXEC)  # writable
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                         ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
        os.symlink(target, f"{root}/dev/{name}")
    for point, size in (("/dev/shm", 16), ("/tmp", 16)):
        os.makedirs(root + point, exist_ok=True)
        mount("tmpfs", root + point, "tmpfs", NOSUID | NODEV, f"size={size}m,mode=1777")
    work = next(p for p in ("/work", "/scratch", "/.cmtraining-scratch")
                if not os.path.lexists(root + p))  # the host may keep projects in /work
    os.makedirs(root + work)
    mount("tmpfs", root + work, "tmpfs", NOSUID | NODEV,
          f"size={int(cfg['disk_mb'])}m,mode=700,uid={uid},gid={uid}")
    with open(os.path.join(cfg["base"], "in.ipynb"), "rb") as src, \
            open(f"{root}{work}/in.ipynb", "wb") as dst:
        dst.write(src.read())
    os.chown(f"{root}{work}/in.ipynb", uid, uid)
    os.makedirs(root + "/proc", exist_ok=True)
    os.makedirs(root + "/.old")
    import platform

    number = SYS_PIVOT_ROOT.get(platform.machine())
    if number is None or _libc.syscall(number, _b(root), _b(root + "/.old")) != 0:
        raise OSError(ctypes.get_errno(), "pivot_root")
    os.chdir("/")
    if _libc.umount2(b"/.old", MNT_DETACH) != 0:
        raise OSError(ctypes.get_errno(), "umount old root")
    os.rmdir("/.old")
    mount(None, "/", None, REMOUNT | RDONLY | NOSUID | NODEV)
    return work


def mount_proc() -> None:
    """A /proc of the new PID namespace, with /proc/sys read-only."""
    mount("proc", "/proc", "proc", NOSUID | NODEV | NOEXEC)
    mount("/proc/sys", "/proc/sys", None, BIND | REC)
    mount(None, "/proc/sys", None, BIND | REMOUNT | RDONLY | NOSUID | NODEV | NOEXEC)


def loopback_up() -> None:
    import fcntl

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        req = struct.pack("16sH22x", b"lo", 0)
        flags = struct.unpack("16sH", fcntl.ioctl(s, 0x8913, req)[:18])[1]  # SIOCGIFFLAGS
        fcntl.ioctl(s, 0x8914, struct.pack("16sH22x", b"lo", flags | 0x1 | 0x40))  # UP|RUNNING


def drop_privileges(uid: int | None) -> bool:
    """Bounding set emptied, no_new_privs, then the unprivileged uid (no capabilities left;
    without one, every capability is cleared instead)."""
    for cap in range(64):
        if _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            break
    _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    if uid is None:  # stays who it is; as root, without any capability
        header, data = (ctypes.c_uint32 * 2)(0x20080522, 0), (ctypes.c_uint32 * 6)()
        return os.geteuid() != 0 or _libc.capset(header, data) == 0
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    return os.getuid() == uid and os.geteuid() == uid


def _limits(cfg: dict, memory_mb: int, cpu_seconds: int | None = None) -> None:
    import resource

    mb = memory_mb << 20
    resource.setrlimit(resource.RLIMIT_AS, (mb, mb))
    disk = int(cfg["disk_mb"]) << 20
    resource.setrlimit(resource.RLIMIT_FSIZE, (disk, disk))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if cpu_seconds:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))


def _spawn(cfg: dict, argv: list[str], work: str, out_fd: int, uid: int | None,
           memory_mb: int, cpu_seconds: int | None = None) -> int:
    """Fork a child that drops everything and execs `argv` with stdout/stderr on `out_fd`."""
    pid = os.fork()
    if pid:
        return pid
    try:
        os.setsid()
        die_with_parent(cfg["init_pid"])
        _limits(cfg, memory_mb, cpu_seconds)
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 0)
        os.dup2(out_fd, 1)
        os.dup2(out_fd if cpu_seconds is None else null, 2)
        os.closerange(3, 65536)
        drop_privileges(uid)
        os.chdir(work)
        env = dict(cfg["env"], HOME=work, TMPDIR=work, JUPYTER_RUNTIME_DIR=work + "/.jupyter/rt",
                   JUPYTER_CONFIG_DIR=work + "/.jupyter", JUPYTER_DATA_DIR=work + "/.jupyter/data",
                   IPYTHONDIR=work + "/.ipython", MPLCONFIGDIR=work + "/.mpl",
                   CMTRAINING_WORKSPACE=work + "/workspace")
        os.execve(cfg["python"], [cfg["python"], "-P", *argv], env)
    except BaseException as exc:  # noqa: BLE001 - said on the captured stream, then gone
        os.write(1, f"cmtraining: sandbox set-up failed: {exc}\n".encode())
    finally:
        os._exit(127)


def _children() -> list[int]:
    """Processes whose parent is this one (a subreaper adopts every orphan below it)."""
    me, found = str(os.getpid()), []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat", "rb") as fh:
                    fields = fh.read().rsplit(b")", 1)[1].split()
            except OSError:
                continue
            if fields[1].decode() == me:
                found.append(int(name))
    return found


def kill_all(pid_namespace: bool) -> None:
    """Every process below this one is killed and reaped."""
    for _ in range(50):
        if pid_namespace:
            try:
                os.kill(-1, signal.SIGKILL)  # from PID 1: everyone else in the namespace
            except ProcessLookupError:
                pass
        else:
            for child in _children():
                try:
                    os.killpg(child, signal.SIGKILL)
                except OSError:
                    pass
                try:
                    os.kill(child, signal.SIGKILL)
                except OSError:
                    pass
        try:
            while True:
                pid, _ = os.waitpid(-1, 0 if pid_namespace else os.WNOHANG)
                if pid == 0:
                    break
        except ChildProcessError:
            return
        time.sleep(0.02)


def supervise(cfg: dict, work: str, uid: int | None, pid_namespace: bool) -> dict:
    """Run the notebook; {timed_out, output_too_large, disk_full, runner_exit, tail}."""
    read, write = os.pipe()
    argv = ["-m", "cmtraining.grading.runner", "in.ipynb", "out.ipynb", json.dumps(cfg["params"]),
            str(cfg["output_bytes"])]
    runner = _spawn(cfg, argv, work, write, uid, cfg["memory_mb"])
    os.close(write)
    os.set_blocking(read, False)
    from cmtraining.grading.safeio import Tail

    tail, status = Tail(TAIL_BYTES), None
    outcome = {"timed_out": False, "output_too_large": False, "disk_full": False}
    deadline = time.monotonic() + cfg["timeout"]
    with selectors.DefaultSelector() as sel:
        sel.register(read, selectors.EVENT_READ)
        while status is None:
            for _ in sel.select(timeout=0.2):
                try:
                    for _ in range(64):
                        chunk = os.read(read, 1 << 16)
                        if not chunk:
                            sel.unregister(read)
                            break
                        tail.feed(chunk)
                except BlockingIOError:
                    pass
            if tail.total > STREAM_CAP:
                outcome["output_too_large"] = True
                break
            free = os.statvfs(work)
            if free.f_bavail * free.f_frsize < (256 << 10):
                outcome["disk_full"] = True
            pid, code = os.waitpid(runner, os.WNOHANG)
            if pid:
                status = os.waitstatus_to_exitcode(code)
            elif time.monotonic() > deadline:
                outcome["timed_out"] = True
                break
    kill_all(pid_namespace)
    os.close(read)
    outcome.update(runner_exit=status, tail=tail.text(), stream_bytes=tail.total)
    return outcome


def extract(cfg: dict, work: str, uid: int | None, pid_namespace: bool) -> dict:
    """The extraction process's one JSON line, read with a cap and a deadline."""
    from cmtraining.grading.safeio import Refused, Tail, loads_bounded

    read, write = os.pipe()
    argv = ["-m", "cmtraining.grading.extract", os.path.join(work, "out.ipynb"),
            json.dumps(cfg["names"])]
    _spawn(cfg, argv, "/" if cfg["isolated_root"] else work, write, uid, 1024,
           cpu_seconds=EXTRACT_SECONDS)
    os.close(write)
    tail, deadline = Tail(8 << 20), time.monotonic() + EXTRACT_SECONDS
    os.set_blocking(read, False)
    with selectors.DefaultSelector() as sel:
        sel.register(read, selectors.EVENT_READ)
        done = False
        while not done and time.monotonic() < deadline and tail.total <= (8 << 20):
            for _ in sel.select(timeout=0.5):
                try:
                    chunk = os.read(read, 1 << 16)
                except BlockingIOError:
                    continue
                if not chunk:
                    done = True
                tail.feed(chunk)
    os.close(read)
    kill_all(pid_namespace)
    if not done or tail.total > (8 << 20):
        return {"answers": None, "problem": "extract_failed", "errors": []}
    try:
        result = loads_bounded(tail.text())
    except Refused:
        result = None
    if not isinstance(result, dict):
        return {"answers": None, "problem": "extract_failed", "errors": []}
    return result


def _startup_file(cfg: dict, work: str, uid: int | None) -> None:
    """IPython's profile in the scratch, writable by the sandbox's uid, with our
    startup file (owned by root: the notebook cannot edit it beforehand)."""
    from cmtraining.grading.emit import startup_source

    profile = os.path.join(work, ".ipython", "profile_default")
    os.makedirs(os.path.join(profile, "startup"), exist_ok=True)
    with open(os.path.join(profile, "startup", "00-cmtraining.py"), "w") as fh:
        fh.write(startup_source(cfg["output_bytes"]))
    if uid is not None:
        for path in (os.path.join(work, ".ipython"), profile):
            os.chown(path, uid, uid)


def init(cfg: dict, report: dict) -> dict:
    """What PID 1 of the sandbox does (or the boot process itself without namespaces)."""
    cfg["init_pid"] = os.getpid()
    pid_namespace = bool(report.get("pids"))
    if not pid_namespace:
        _libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    work, uid = os.path.join(cfg["base"], "work"), None
    cfg["isolated_root"] = False
    if report.get("mounts"):
        try:
            work = build_root(cfg, os.path.join(cfg["base"], "root"))
            cfg["isolated_root"] = True
            if pid_namespace:
                mount_proc()
        except OSError as exc:
            report["mounts"] = False
            report["mount_error"] = str(exc)[:200]
            work = os.path.join(cfg["base"], "work")
    report["scratch_cap"] = cfg["isolated_root"]
    if not cfg["isolated_root"]:
        os.makedirs(work, exist_ok=True)
        with open(os.path.join(cfg["base"], "in.ipynb"), "rb") as src, \
                open(os.path.join(work, "in.ipynb"), "wb") as dst:
            dst.write(src.read())
    if report.get("network"):
        try:
            loopback_up()
        except OSError:
            report["network"] = False
    if report.get("uts"):
        report["uts"] = _libc.sethostname(b"sandbox", 7) == 0
    if cfg["isolated_root"] and os.geteuid() == 0:
        uid = int(cfg["uid"])  # outside the new root the interpreter may be out of its reach
    _startup_file(cfg, work, uid)
    report["unprivileged"] = uid is not None
    report["capabilities_dropped"] = True  # the children drop them (drop_privileges)
    outcome = supervise(cfg, work, uid, pid_namespace)
    if not (outcome["timed_out"] or outcome["output_too_large"]):
        outcome["extraction"] = extract(cfg, work, uid, pid_namespace)
    outcome["sandbox"] = report
    return outcome


def _write_all(fd: int, data: bytes) -> None:
    while data:
        data = data[os.write(fd, data):]


def main() -> int:
    cfg = json.loads(sys.stdin.buffer.read(1 << 20))
    die_with_parent(cfg["parent"])
    result_fd = cfg["result_fd"]
    report = {}
    if cfg["isolate"]:
        for name, flag in CLONE.items():
            report[name] = _libc.unshare(flag) == 0
    if report.get("pids"):
        child = os.fork()
        if child:
            os.close(result_fd)
            signal.signal(signal.SIGTERM, lambda *a: os.kill(child, signal.SIGKILL))
            _, status = os.waitpid(child, 0)
            return os.waitstatus_to_exitcode(status) & 255
        _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # its parent is outside: ppid 0
    try:
        outcome = init(cfg, report)
    except Exception as exc:  # noqa: BLE001 - reported, the grader records a failed attempt
        outcome = {"error": f"{type(exc).__name__}: {exc}"[:300], "sandbox": report}
    _write_all(result_fd, json.dumps(outcome).encode())
    os.close(result_fd)
    return 0


if __name__ == "__main__":
    sys.exit(main())
