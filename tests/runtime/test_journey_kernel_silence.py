"""A stage whose shared kernel stops answering runs again in a kernel of its own.

ipykernel 7 can go deaf to a new client of a shared kernel: the request is never
seen, the kernel idles and papermill's client waits (papermill applies no cell limit
to a kernel it is given). A CI run of 6 Dec hung on the crisis stage with no end; a
stage now has a deadline in the shared kernel, and its silence (not a notebook's own
error) sends it to a fresh kernel.
"""

from __future__ import annotations

import nbformat
import papermill as pm
import pytest

from cmtraining.runtime import journey_run
from cmtraining.runtime.journey_run import SharedKernel, _execute

pytestmark = pytest.mark.notebook


def notebook(path, source: str):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell("flag = ''", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(source)]
    nbformat.write(nb, path)
    return path


def test_a_stage_silent_in_the_shared_kernel_completes_in_its_own(tmp_path, monkeypatch):
    monkeypatch.setattr(journey_run, "SHARED_STAGE_SECONDS", 5)
    flag = tmp_path / "seen"
    # silent the first time (as a deaf kernel is), answering the second
    source = notebook(tmp_path / "stage.ipynb", (
        "import pathlib, time\np = pathlib.Path(flag)\n"
        "if not p.exists():\n    p.touch()\n    time.sleep(120)\nprint('done')"))
    target = tmp_path / "out" / "stage.ipynb"
    with SharedKernel(cwd=tmp_path) as kernel:
        _execute(pm, kernel, source, target, {"flag": str(flag)}, tmp_path)
        assert kernel.broken  # later stages get kernels of their own
    out = nbformat.read(target, as_version=4)
    assert any("done" in o.get("text", "") for o in out.cells[-1].outputs)
    assert sorted(p.name for p in target.parent.iterdir()) == ["stage.ipynb"]


def test_a_cell_that_raises_in_the_shared_kernel_is_the_notebooks_error(tmp_path):
    """Not retried, and the failed notebook is kept where the message says it is."""
    source = notebook(tmp_path / "stage.ipynb", "raise ValueError('the notebook itself')")
    target = tmp_path / "out" / "stage.ipynb"
    with SharedKernel(cwd=tmp_path) as kernel:
        with pytest.raises(pm.PapermillExecutionError) as raised:
            _execute(pm, kernel, source, target, {}, tmp_path)
        assert not kernel.broken
    assert raised.value.ename == "ValueError"
    assert "the notebook itself" in str(nbformat.read(target, as_version=4).cells[-1].outputs)
