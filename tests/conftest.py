"""Shared fixtures. Every test works in its own workspace folder."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# nbval and papermill kernels inherit this: tests never touch ./workspace
os.environ.setdefault("CMTRAINING_WORKSPACE", tempfile.mkdtemp(prefix="cmtraining-ws-"))
os.environ.pop("CMTRAINING_LANG", None)
ARTIFACTS = ROOT / "tests" / "artifacts"


@pytest.fixture
def workspace(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "workspace"
    folder.mkdir()
    monkeypatch.setenv("CMTRAINING_WORKSPACE", str(folder))
    return folder


@pytest.fixture
def sample_file(tmp_path) -> Path:
    from cmtraining.samples import sample_workbook
    from cmtraining.workbook import save

    path = tmp_path / "w.yaml"
    save(sample_workbook("ngo", trainee="Ana"), path)
    return path


def run_cli(*args: str, env: dict | None = None, cwd: Path | None = None,
            timeout: int = 120) -> subprocess.CompletedProcess:
    """Run the installed `cmtraining` command as a facilitator would."""
    return subprocess.run(
        [sys.executable, "-m", "cmtraining.cli", *args], capture_output=True, text=True,
        env={**os.environ, **(env or {})}, cwd=cwd or ROOT, timeout=timeout,
    )
