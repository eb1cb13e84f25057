"""Where things live: the shipped datasets and the trainees' workspace."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def datasets_dir() -> Path:
    """`datasets/` beside the package (override: CMTRAINING_DATASETS)."""
    return Path(os.environ.get("CMTRAINING_DATASETS") or PROJECT_ROOT / "datasets")


def notebooks_dir() -> Path:
    return Path(os.environ.get("CMTRAINING_NOTEBOOKS") or PROJECT_ROOT / "notebooks")


def workspace_dir() -> Path:
    """The folder of trainees' workbooks (override: CMTRAINING_WORKSPACE).

    Default: `workspace/` in the current folder, which for `make serve` is the
    project root (git-ignored). `cmtraining serve` exports the absolute path
    so that every kernel it starts agrees.
    """
    return Path(os.environ.get("CMTRAINING_WORKSPACE") or Path.cwd() / "workspace").resolve()
