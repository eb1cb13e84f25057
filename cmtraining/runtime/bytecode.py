"""Compile cmtraining's modules once, before a server starts pages' kernels.

pip compiles what it installs, but not a package installed in place
(`pip install -e .`, what `make serve` does), and with PYTHONDONTWRITEBYTECODE
set (as on the project's CI and sandbox machines) no kernel ever writes the
cache: each page's kernel then compiled the package again, about 0.3 s of CPU
out of the ~1.2 s its imports took (2-core machine, Dec 2026), for every page
of a class arriving. Python reads an existing cache whatever that variable
says, so the server writes it once.
"""

from __future__ import annotations

import compileall
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]


def compile_package(folder: Path = PACKAGE_DIR) -> bool:
    """Write the bytecode cache of every module under `folder` that lacks a fresh one.

    False when some could not be written (a read-only install): the pages then
    compile as before, so that is never an error (`quiet=2`: compileall says nothing and
    counts a file it cannot write as a failure, it does not raise).
    """
    return bool(compileall.compile_dir(folder, quiet=2, workers=1))
