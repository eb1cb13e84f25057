"""Where things live: the shipped datasets and the trainees' workspace."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def datasets_dir() -> Path:
    """`datasets/` beside the package (override: CMTRAINING_DATASETS)."""
    return Path(os.environ.get("CMTRAINING_DATASETS") or PROJECT_ROOT / "datasets")


def organizations_dir() -> Path:
    """The shipped sample organizations: one folder each, with its `organization.yaml`."""
    return datasets_dir() / "organizations"


def organization_ids() -> tuple[str, ...]:
    """Ids of the shipped sample organizations, sorted (the workbook's `org_id` is one)."""
    return tuple(sorted(p.parent.name for p in organizations_dir().glob("*/organization.yaml")))


def notebooks_dir() -> Path:
    return Path(os.environ.get("CMTRAINING_NOTEBOOKS") or PROJECT_ROOT / "notebooks")


def workspace_dir() -> Path:
    """The folder of trainees' workbooks (override: CMTRAINING_WORKSPACE).

    Default: `workspace/` in the current folder, which for `make serve` is the
    project root (git-ignored). `cmtraining serve` exports the absolute path
    so that every kernel it starts agrees.
    """
    return Path(os.environ.get("CMTRAINING_WORKSPACE") or Path.cwd() / "workspace").resolve()
