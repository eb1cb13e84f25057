"""Crash safety and concurrent writers, with real processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from cmtraining.workbook import load

SAVER = """
import sys
from cmtraining.workbook import load, save
path = sys.argv[1]
wb = load(path)
i = 0
while True:
    i += 1
    wb.profile.mission = f"misión {i} " + "x" * (i % 5000)
    save(wb, path)
"""

WRITER = """
import sys
from cmtraining.workbook.store import update
path, who, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
for i in range(count):
    def add(wb):
        data = wb.model_dump()
        data["listening"]["findings"].append({"topic": f"{who}-{i}"})
        return data
    update(path, add, timeout=60)
"""


def test_killing_a_writer_never_leaves_a_broken_file(sample_file):
    """SIGKILL at random moments during repeated saves: the file always loads."""
    for round_ in range(12):
        proc = subprocess.Popen([sys.executable, "-c", SAVER, str(sample_file)])
        time.sleep(0.4 + 0.07 * round_)  # let it get into the save loop
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        wb = load(sample_file)  # raises if half-written
        assert wb.profile.name == "Fundación Raíces Comunes"
    leftovers = [p for p in sample_file.parent.iterdir() if p.suffix == ".tmp"]
    # a kill between mkstemp and rename can leave a hidden temp file, never a broken workbook
    assert all(p.name.startswith(".w.yaml.") for p in leftovers)


def test_two_processes_saving_at_once_lose_no_update(sample_file):
    count = 25
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(sample_file), who, str(count)])
             for who in ("a", "b")]
    for proc in procs:
        assert proc.wait(timeout=300) == 0
    topics = [f.topic for f in load(sample_file).listening.findings]
    assert len(topics) == 2 * count
    assert set(topics) == {f"{w}-{i}" for w in "ab" for i in range(count)}
