"""A stage whose shared kernel stops answering runs again in a kernel of its own.

ipykernel 7 can go deaf to a new client of a shared kernel: the request is never
seen, the kernel idles and the client waits. A CI run of 6 Dec hung on the crisis
stage for ten minutes with no end; a cell now has a time limit in the shared kernel,
and its silence (not a notebook's own error) sends the stage to a fresh kernel.
"""

from __future__ import annotations

import nbformat
import papermill as pm
import pytest

from cmtraining.runtime import journey_run
from cmtraining.runtime.journey_run import SharedKernel, _execute, kernel_went_silent


def notebook(path, source: str):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell("flag = ''", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(source)]
    nbformat.write(nb, path)
    return path


def test_a_cell_past_its_time_is_silence_and_a_raising_cell_is_not(tmp_path):
    """papermill lets nbclient's timeout through (a TimeoutError, caught as silence); a
    version that wraps it gives an error without the kernel's traceback, silence too."""
    slow = notebook(tmp_path / "slow.ipynb", "import time\ntime.sleep(30)")
    with pytest.raises(TimeoutError):
        pm.execute_notebook(str(slow), str(tmp_path / "slow-out.ipynb"), progress_bar=False,
                            execution_timeout=2)
    assert kernel_went_silent(pm.PapermillExecutionError(1, 1, "x", "CellExecutionError", "", []))
    raising = notebook(tmp_path / "raising.ipynb", "raise ValueError('the notebook itself')")
    with pytest.raises(pm.PapermillExecutionError) as raised:
        pm.execute_notebook(str(raising), str(tmp_path / "raising-out.ipynb"),
                            progress_bar=False)
    assert not kernel_went_silent(raised.value) and raised.value.ename == "ValueError"


def test_a_stage_silent_in_the_shared_kernel_completes_in_its_own(tmp_path, monkeypatch):
    monkeypatch.setattr(journey_run, "SHARED_STAGE_SECONDS", 5)
    flag = tmp_path / "seen"
    # silent the first time (as a deaf kernel is), answering the second
    source = notebook(tmp_path / "stage.ipynb", (
        "import pathlib, time\np = pathlib.Path(flag)\n"
        "if not p.exists():\n    p.touch()\n    time.sleep(60)\nprint('done')"))
    target = tmp_path / "stage-out.ipynb"
    with SharedKernel(cwd=tmp_path) as kernel:
        _execute(pm, kernel, source, target, {"flag": str(flag)}, tmp_path)
        assert kernel.broken  # later stages get kernels of their own
    out = nbformat.read(target, as_version=4)
    assert any("done" in o.get("text", "") for o in out.cells[-1].outputs)
