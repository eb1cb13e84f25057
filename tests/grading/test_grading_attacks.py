"""A determined trainee against `cmtraining grade` (issues 16 and 22).

One cohort of hostile submissions and three honest ones is graded once, from
a folder *outside* /tmp (tests/artifacts/, git-ignored), so the key is not
hidden by the sandbox's fresh /tmp but by its allow-listed file system. Each
attack is bounded so that, should the sandbox fail, it cannot harm the
machine: small files, a scratch cap, a wall clock, no writes outside the
cohort. The honest submissions must keep their exact points.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cmtraining.grading import sandbox
from cmtraining.grading.safeio import Refused, loads_bounded, read_regular
from tests.conftest import ARTIFACTS, ROOT
from tests.grading.conftest import (
    DEMO_EXERCISE,
    EMPTY,
    GOOD,
    cohort_folder,
    grade_cohort,
    submission,
)

ISOLATED = pytest.mark.skipif(not sandbox.can_isolate(), reason="namespaces need root on Linux")
SECRET = "ANSWER-KEY-SECRET-42"
PARTIAL = "target = 42\nstatement = 'uno dos tres cuatro cinco'"  # 4 + 6 * 5/10 = 7 points

# Each finds what it can of the key and puts it in `statement` (a declared answer).
THIEF = f"""
import os, subprocess, zlib
ROOT = {str(ROOT)!r}
MARKS = ('ANSWER-KEY-SECRET', 'BEGIN SOLUTION', 'def check_smart', 'def check_target')
found = []
def keep(text):
    if any(mark in text for mark in MARKS):
        found.append(text[-3000:])
def run(*cmd):
    try:
        keep(subprocess.run(cmd, capture_output=True, text=True, timeout=20).stdout)
    except Exception:
        pass
run('git', '-C', ROOT, 'show', 'HEAD:tests/fixtures/grading/demo-exercise/checks.py')
run('git', '-C', ROOT, 'show', 'HEAD:exercises/objectives-smart/checks.py')
run('git', '-C', ROOT, 'show', 'HEAD:exercises/objectives-smart/master-es.ipynb')
run('git', '-C', ROOT, 'log', '-p', '-n', '30', '--', 'exercises', 'tests/fixtures')
gitdir = os.path.join(ROOT, '.git')
if os.path.isfile(gitdir):
    gitdir = open(gitdir).read().split(':', 1)[1].strip().split('/worktrees/')[0]
for base, dirs, files in os.walk(os.path.join(gitdir, 'objects')):
    for name in files[:2000]:
        try:
            keep(zlib.decompress(open(os.path.join(base, name), 'rb').read()).decode('utf-8', 'replace'))
        except Exception:
            pass
seen = 0
for base, dirs, files in os.walk('/'):
    dirs[:] = [d for d in dirs if os.path.join(base, d) not in ('/proc', '/sys', '/dev')]
    seen += len(files)
    if seen > 400_000:
        break
    for name in files:
        if name in ('checks.py', 'master-es.ipynb', 'exercise.yaml') or (
                name.startswith('cmtraining') and name.endswith('.whl')):
            try:
                keep(open(os.path.join(base, name), errors='replace').read())
            except OSError:
                pass
for path in ('/root/.cache', '/root/.ssh', '/home', ROOT + '/exercises', ROOT + '/.git',
             ROOT + '/tests'):
    if os.path.exists(path):
        found.append('reachable ' + path)
# other checkouts usually sit beside this one (worktrees, clones, the shared folder)
parent = os.path.dirname(ROOT)
try:
    found += ['reachable ' + os.path.join(parent, d) for d in os.listdir(parent)
              if os.path.join(parent, d) != ROOT]
except OSError:
    pass
target = 42
statement = ' '.join(found) or 'nothing found at all here'
"""

HOST = """
import os, socket
notes = []
try:
    open('/proc/sys/kernel/hostname', 'w').write(socket.gethostname())
    notes.append('hostname-written')
except OSError:
    pass
for path in ('/proc/sys/kernel/pid_max', '/proc/sys/vm/drop_caches',
             '/proc/sys/vm/overcommit_memory', '/sys/fs/cgroup/memory/memory.limit_in_bytes',
             '/sys/kernel/mm/transparent_hugepage/enabled'):
    if os.path.exists(path) and os.access(path, os.W_OK):
        notes.append('writable ' + path)
target = os.getuid()
statement = f'{socket.gethostname()} ' + ' '.join(notes)
"""

FORGER = """
import json, os
target = 1
statement = 'the real answer, five words'
for name, value in (('answers.json', {'target': 42, 'statement': 'forged', 'extra': 'x' * 100}),
                    ('sandbox.json', {'network': True, 'mounts': True})):
    with open(name, 'w') as fh:
        json.dump(value, fh)
    os.chmod(name, 0o444)
import cmtraining.grading.emit as emit
_real = emit.emit
emit.emit = lambda ns, names: _real(dict(ns, extra='injected'), [*names, 'extra'])
"""

DEEP_FILE = """
import os
target = 42
statement = 'deep files everywhere one two three four five six seven'
for name in ('answers.json', 'sandbox.json'):
    with open(name, 'w') as fh:
        fh.write('[' * 200_000 + ']' * 200_000)
"""

DEEP_OUTPUT = """
from IPython.display import publish_display_data
import cmtraining.grading.emit as emit
deep = '{"target": ' + '[' * 200_000 + ']' * 200_000 + '}'
emit.emit = lambda ns, names: publish_display_data({emit.MIME: deep})
target = 42
statement = 'one two three'
"""

DEEP_NOTEBOOK = """
import os
with open('out.ipynb', 'w') as fh:
    fh.write('[' * 200_000 + ']' * 200_000)
os.chmod('out.ipynb', 0o444)
target = 42
statement = 'one two three'
"""

FIFO = """
import os
for name in ('answers.json', 'sandbox.json'):
    if os.path.lexists(name):
        os.remove(name)
    os.mkfifo(name)
target = 42
statement = 'pipes instead of files one two three four five six'
"""

SYMLINKS = """
import os
for name in ('answers.json', 'out.ipynb'):
    if os.path.lexists(name):
        os.remove(name)
    os.symlink('/dev/zero', name)
target = 42
statement = 'zeros forever'
"""

DISK = """
import os
written = 0
try:
    with open('fill.bin', 'wb') as fh:
        for _ in range(3 * 40):
            fh.write(b'x' * (1 << 20))
            written += 1
except OSError:
    pass
target = 42
statement = f'wrote {written} MB'
"""

PRINTER = "print('x' * 100_000_000)\ntarget = 42\nstatement = 'loud'"
SHOUTER = ("import os\nfor _ in range(64):\n    os.write(2, b'e' * (1 << 20))\n"
           "target = 42\nstatement = 'loud on stderr'")
LEAKER = "target = 42\nx = 1\nraise ValueError('LEAK' * 300)\nstatement = 'never'"


def _folder_outside_tmp():
    folder = ARTIFACTS / f"grading-attacks-{uuid.uuid4().hex[:8]}"
    folder.mkdir(parents=True)
    return folder


def _answers(book, attempt_id):
    from sqlalchemy import select

    from cmtraining.grading.gradebook import attempts

    with book.engine.connect() as conn:
        raw = conn.execute(select(attempts.c.answers).where(attempts.c.id == attempt_id)).scalar()
    return json.loads(raw) if raw else None


@pytest.fixture(scope="module")
def attacked():
    root = _folder_outside_tmp()
    try:
        exercise, subs = cohort_folder(root, timeout=60)
        yaml = exercise / "exercise.yaml"
        yaml.write_text(yaml.read_text().replace("memory_mb: 1024", "memory_mb: 1024\ndisk_mb: 16"))
        for name, body in (("ana", GOOD), ("eva", EMPTY), ("paula", PARTIAL), ("thief", THIEF),
                           ("host", HOST), ("forger", FORGER), ("deep-file", DEEP_FILE),
                           ("deep-output", DEEP_OUTPUT), ("deep-notebook", DEEP_NOTEBOOK),
                           ("fifo", FIFO), ("symlinks", SYMLINKS), ("disk", DISK),
                           ("printer", PRINTER), ("shouter", SHOUTER), ("leaker", LEAKER)):
            submission(subs, name, body)
        # a submission file nested 200,000 levels, and one of 200 MB (sparse: no disk used)
        (subs / "nested.ipynb").write_text("[" * 200_000 + "]" * 200_000)
        with open(subs / "huge.ipynb", "wb") as fh:
            fh.truncate(200 << 20)
        graded = grade_cohort(exercise, subs, root / "gradebook.sqlite")
        yield {"root": root, "summary": graded["summary"], "book": graded["book"],
               "rows": graded["rows"]}
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_every_submission_is_recorded_and_honest_ones_keep_their_exact_points(attacked):
    rows = attacked["rows"]
    assert len(rows) == 17
    assert {n: rows[n]["total"] for n in ("ana", "eva", "paula")} == {"ana": 10, "eva": 0,
                                                                      "paula": 7}
    assert all(rows[n]["status"] == "graded" for n in ("ana", "eva", "paula"))


@ISOLATED
def test_git_history_other_checkouts_caches_and_homes_give_nothing_of_the_key(attacked):
    answers = _answers(attacked["book"], attacked["rows"]["thief"]["id"])
    assert SECRET not in answers["statement"] and "def check_" not in answers["statement"]
    assert "BEGIN SOLUTION" not in answers["statement"]
    assert answers["statement"] == "nothing found at all here"


@ISOLATED
def test_the_host_settings_are_out_of_reach_and_the_code_is_unprivileged(attacked):
    answers = _answers(attacked["book"], attacked["rows"]["host"]["id"])
    assert answers["target"] != 0  # not root
    assert answers["statement"].split() == ["sandbox"]  # own host name, nothing writable
    assert socket.gethostname() != "sandbox"
    assert attacked["summary"].sandbox == dict.fromkeys(sandbox.PROTECTIONS, True)


def test_forged_files_and_extra_keys_change_nothing_stored(attacked):
    row = attacked["rows"]["forger"]
    assert row["status"] == "graded"
    assert _answers(attacked["book"], row["id"]) == {"target": 1,
                                                     "statement": "the real answer, five words"}
    assert row["total"] == 3  # 0 for the target, 6 * 5/10 for five words


def test_json_nested_200000_levels_stops_nobody(attacked):
    rows = attacked["rows"]
    assert rows["deep-file"]["status"] == "graded" and rows["deep-file"]["total"] == 10
    assert (rows["deep-output"]["status"], rows["deep-output"]["reason"]) == ("failed",
                                                                             "no_answers")
    # the executed notebook is written to a fresh file renamed over the forged one
    assert rows["deep-notebook"]["status"] == "graded" and rows["deep-notebook"]["total"] == 5.8
    assert (rows["nested"]["status"], rows["nested"]["reason"]) == ("rejected", "malformed")


def test_fifos_and_symlinks_are_never_followed(attacked):
    rows = attacked["rows"]
    assert rows["fifo"]["status"] == "graded" and rows["fifo"]["total"] == 10
    assert rows["symlinks"]["status"] == "graded" and rows["symlinks"]["total"] == 5.2


@ISOLATED
def test_filling_the_disk_is_a_failed_attempt_disk_full(attacked):
    row = attacked["rows"]["disk"]
    assert (row["status"], row["reason"]) == ("failed", "disk_full")


def test_output_floods_are_output_too_large_not_memory(attacked):
    rows = attacked["rows"]
    for name in ("printer", "shouter"):
        assert (rows[name]["status"], rows[name]["reason"]) == ("failed", "output_too_large")
    assert attacked["summary"].failed["output_too_large"] == 2


def test_a_200_mb_submission_is_refused_before_it_is_read(attacked):
    row = attacked["rows"]["huge"]
    assert (row["status"], row["reason"]) == ("rejected", "too_large")


def test_the_feedback_page_shows_the_error_type_and_line_not_the_submissions_text(attacked):
    row = attacked["rows"]["leaker"]
    assert row["status"] == "graded" and row["total"] == 4
    assert row["detail"].startswith("celda 2, línea 3: ValueError (")  # the notebook is in Spanish
    assert "LEAK" * 16 not in row["detail"] and len(row["detail"]) < 160
    page = (attacked["root"] / "feedback" / "demo-exercise" / "leaker.html")
    assert "LEAK" * 16 not in page.read_text(encoding="utf-8")


# -- the readers on their own (fast, no sandbox) --------------------------------------------

def test_readers_refuse_fifos_symlinks_devices_and_oversize(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    (tmp_path / "zero").symlink_to("/dev/zero")
    (tmp_path / "big").write_bytes(b"x" * 2000)
    (tmp_path / "ok").write_bytes(b'{"a": 1}')
    reasons = {}
    for name in ("fifo", "zero", "big", "missing"):
        with pytest.raises(Refused) as info:
            read_regular(tmp_path / name, 1000, timeout=5)
        reasons[name] = info.value.reason
    assert reasons == {"fifo": "not_regular", "zero": "not_regular", "big": "too_large",
                       "missing": "missing"}
    assert loads_bounded(read_regular(tmp_path / "ok", 1000)) == {"a": 1}
    with pytest.raises(Refused) as info:
        loads_bounded("[" * 200_000 + "]" * 200_000)
    assert info.value.reason == "too_deep"


_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                     lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(st.text(max_size=4), inner, max_size=3), max_leaves=30)


@settings(max_examples=150, deadline=None)
@given(value=_JSON, wrap=st.integers(0, 120))
def test_bounded_json_reads_what_it_may_and_refuses_the_rest(value, wrap):
    from cmtraining.grading.safeio import MAX_DEPTH, Refused, loads_bounded, value_depth

    text = "[" * wrap + json.dumps(value) + "]" * wrap
    expected = json.loads(text)
    if value_depth(expected, 10_000) <= MAX_DEPTH:
        assert loads_bounded(text) == expected
    else:
        with pytest.raises(Refused):
            loads_bounded(text)


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_bounded_json_never_raises_anything_but_refused(data):
    from cmtraining.grading.safeio import Refused, loads_bounded

    try:
        loads_bounded(data)
    except Refused as exc:
        assert exc.reason in ("malformed", "too_deep")


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=400), limit=st.integers(5, 100))
def test_an_excerpt_is_short_one_line_and_printable(text, limit):
    from cmtraining.grading.safeio import excerpt

    out = excerpt(text, limit)
    assert len(out) <= limit and "\n" not in out and "\x1b" not in out
    assert all(ch.isprintable() for ch in out)


def test_extraction_of_a_hostile_executed_notebook_is_a_reason_not_a_crash(tmp_path):
    from cmtraining.grading.extract import extract

    fifo = tmp_path / "out.ipynb"
    os.mkfifo(fifo)
    assert extract(str(fifo), ["target"])["problem"] == "notebook_not_regular"
    deep = tmp_path / "deep.ipynb"
    deep.write_text('{"cells": ' + "[" * 200_000 + "]" * 200_000 + "}")
    assert extract(str(deep), ["target"])["problem"] == "notebook_too_deep"


def _job(arg):
    """A pool job; `kill` ends its own worker process, as an out-of-memory kill would."""
    if arg == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(0.5)
    return arg * 2


def test_a_worker_killed_under_one_submission_costs_the_others_nothing():
    from concurrent.futures import ThreadPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from cmtraining.grading.grader import WorkerPool

    pool = WorkerPool(2)

    def run(arg):
        try:
            return pool.run(_job, arg)
        except BrokenProcessPool:
            return "broken"

    try:
        with ThreadPoolExecutor(4) as threads:
            results = list(threads.map(run, [1, "kill", 3, 4]))
    finally:
        pool.close()
    assert results == [2, "broken", 6, 8]


def test_without_namespaces_the_sandbox_still_runs_and_says_partial(monkeypatch):
    """The degraded path (no root, macOS, a kernel that refuses): limits, capped streams,
    the separate extraction, and a summary line naming what is missing."""
    monkeypatch.setattr(sandbox, "can_isolate", lambda: False)
    nb = json.loads((DEMO_EXERCISE / "master-en.ipynb").read_text(encoding="utf-8"))
    nb["cells"][1]["source"] = PARTIAL
    result = sandbox.run_notebook(nb, ["target", "statement"], {"lang": "en"}, timeout=60,
                                  memory_mb=1024)
    assert result.status == "ok"
    assert result.answers == {"target": 42, "statement": "uno dos tres cuatro cinco"}
    status = sandbox.sandbox_status(result.sandbox, "en")
    assert status.startswith("partial") and "network" in status and "unprivileged" in status
    assert sandbox.sandbox_status(dict.fromkeys(sandbox.PROTECTIONS, True), "en").startswith(
        "full")


# -- the grader's death and Ctrl-C end every sandbox it started -----------------------------

def _descendants_when_sandboxed(proc, deadline=120):
    import psutil

    parent = psutil.Process(proc.pid)
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        found = parent.children(recursive=True)
        if any("cmtraining.grading.runner" in " ".join(p.cmdline()) for p in found
               if p.is_running()):
            time.sleep(2)  # the kernel too
            return parent.children(recursive=True)
        time.sleep(0.3)
    raise AssertionError("no sandbox started")


def _all_gone(processes, deadline=30):
    import psutil

    end = time.monotonic() + deadline
    while time.monotonic() < end:
        alive = [p for p in processes if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        if not alive:
            return []
        time.sleep(0.3)
    return [" ".join(p.cmdline())[:80] for p in alive]


def _as_from_a_terminal() -> None:
    """SIGINT as a terminal's shell leaves it to a command: the default (KeyboardInterrupt).

    A shell without job control starts background commands with SIGINT ignored, and a
    Python started so keeps it ignored: CI launched in the background (runs 14, 21 and
    23 of Dec) gave the grader an ignored Ctrl-C, which then graded on to its end.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("how", ["ctrl-c", "killed"])
def test_the_graders_end_ends_every_sandbox_it_started(how):
    pytest.importorskip("psutil")
    root = _folder_outside_tmp()
    try:
        exercise, subs = cohort_folder(root, timeout=60)  # the looper would run a minute
        submission(subs, "looper", "while True:\n    pass")
        stderr = open(root / "grader.err", "w+b")  # noqa: SIM115 - read back on failure
        # PYTHONFAULTHANDLER: a SIGABRT makes the grader print every thread's stack
        proc = subprocess.Popen([sys.executable, "-m", "cmtraining.cli", "grade", str(exercise),
                                 str(subs), "--workers", "1", "--lang", "en"], cwd=ROOT,
                                env={**os.environ, "CMTRAINING_WORKSPACE": str(root),
                                     "PYTHONFAULTHANDLER": "1"},
                                stdout=subprocess.DEVNULL, stderr=stderr,
                                start_new_session=True, preexec_fn=_as_from_a_terminal)
        try:
            sandboxed = _descendants_when_sandboxed(proc)
            assert len(sandboxed) >= 4  # worker, boot, init, runner, kernel
            if how == "ctrl-c":
                os.killpg(proc.pid, signal.SIGINT)  # what a terminal sends: the whole group
            else:
                proc.kill()  # `timeout -s KILL`: no chance to clean up
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:  # where it waits is the clue (CI of 6 and 7 Dec)
                os.kill(proc.pid, signal.SIGABRT)
                proc.wait(timeout=30)
                stderr.seek(0)
                raise AssertionError("the grader outlived its end by 60 s; its stacks:\n"
                                     + stderr.read().decode(errors="replace")[-6000:]) from None
            assert _all_gone(sandboxed) == []
            sandbox.sweep_stale()  # what the next run does first: no notebook copy is left
            import tempfile
            from pathlib import Path

            left = [p for p in Path(tempfile.gettempdir()).glob("cmtraining-sandbox-*")
                    if int(p.name.split("-")[2]) in {s.pid for s in sandboxed}]
            assert left == []
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            stderr.close()
    finally:
        shutil.rmtree(root, ignore_errors=True)
