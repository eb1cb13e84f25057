"""Package-level promises: a cheap import, engines free of UI libraries."""

import re
import subprocess
import sys

from .conftest import ROOT


def test_import_pulls_in_no_heavy_library():
    code = ("import sys, cmtraining; print([m for m in ('pandas', 'ipywidgets', 'matplotlib', "
            "'voila', 'papermill', 'jupyter_client', 'pydantic') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_engines_never_import_ui_or_runner_libraries():
    ui = re.compile(r"^\s*(import|from)\s+(ipywidgets|voila|papermill)\b", re.M)
    allowed = {"apps", "serve.py", "cli.py", "journey_run.py"}  # the runner drives papermill
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "cmtraining").rglob("*.py")
                 if ui.search(p.read_text(encoding="utf-8"))
                 and not allowed & set(p.relative_to(ROOT / "cmtraining").parts)]
    assert offenders == []
