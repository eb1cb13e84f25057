"""The server compiles the package once, so pages' kernels import it from bytecode."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

from cmtraining.runtime.bytecode import PACKAGE_DIR, compile_package


def _cache_of(module_file):
    return importlib.util.cache_from_source(str(module_file))


def test_a_package_gets_its_cache_even_where_python_would_not_write_one(tmp_path):
    package = tmp_path / "stage"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "charts.py").write_text("WIDTH = 3\n")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(tmp_path)}
    subprocess.run([sys.executable, "-c", "import stage.charts"], env=env, check=True)
    assert not os.path.exists(_cache_of(package / "charts.py"))  # what a kernel left behind

    assert compile_package(package)
    cache = Path(_cache_of(package / "charts.py")).read_bytes()
    # a timestamp cache Python takes as fresh: the source's mtime and size in its header
    source = (package / "charts.py").stat()
    assert int.from_bytes(cache[8:12], "little") == int(source.st_mtime) & 0xFFFFFFFF
    assert int.from_bytes(cache[12:16], "little") == source.st_size


def test_an_install_the_server_cannot_write_to_is_no_error(tmp_path):
    package = tmp_path / "stage"
    package.mkdir()
    (package / "charts.py").write_text("WIDTH = 3\n")
    (package / "__pycache__").write_text("")  # no folder can be made there, even as root
    assert compile_package(package) is False


def test_the_package_itself_is_what_the_server_compiles():
    assert (PACKAGE_DIR / "runtime" / "bytecode.py").is_file()
    assert compile_package()
    assert os.path.exists(_cache_of(PACKAGE_DIR / "apps" / "profile.py"))
