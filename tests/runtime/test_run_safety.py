"""Issue 20.8: a `run` that ends early says so in run.yaml and leaves no lock behind.

In-process and without a kernel: every stage "succeeds" without running and
the kernel is a stand-in, so what is tested is the run's own bookkeeping.
"""

from __future__ import annotations

import pytest
import yaml

import cmtraining.runtime.journey_run as journey_run


class FakeKernel:
    broken = False

    def __init__(self, *, cwd):
        self.cwd = cwd

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def warm(self, modules):
        pass


@pytest.fixture
def no_stages(monkeypatch):
    """Every stage "runs" and succeeds at once (nothing is executed)."""
    def ran(pm, kernel, stage, *, log, **kwargs):
        log["stages"].append({"notebook": stage.notebook, "status": "ok"})

    monkeypatch.setattr(journey_run, "_run_stage", ran)
    monkeypatch.setattr(journey_run, "SharedKernel", FakeKernel)


def _log(out):
    return yaml.safe_load((out / "run.yaml").read_text(encoding="utf-8"))


def test_a_run_interrupted_while_building_the_report_says_cancelled(tmp_path, no_stages,
                                                                     monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(journey_run, "write_report", interrupted)
    out = tmp_path / "run"
    with pytest.raises(KeyboardInterrupt):
        journey_run.run_journey("ngo", out, lang="en")
    log = _log(out)
    assert {s["status"] for s in log["stages"]} == {"ok"}  # every stage finished...
    assert log["status"] == "cancelled" and log["ended_during"] == "report"  # ...the run did not
    assert "report" not in log and not (out / "report.html").exists()
    assert not (out / "workbook.yaml.lock").exists()
    # the cancelled folder is a run's: --force may replace it
    journey_run.claim(out, force=True)
    assert [p.name for p in out.iterdir()] == ["notebooks"]


def test_a_run_that_fails_says_failed(tmp_path, no_stages, monkeypatch):
    def broken(*args, **kwargs):
        raise journey_run.RunError("runtime.run.error.generic")

    monkeypatch.setattr(journey_run, "write_report", broken)
    out = tmp_path / "run"
    with pytest.raises(journey_run.RunError):
        journey_run.run_journey("ngo", out, lang="en")
    assert _log(out)["status"] == "failed"


def test_a_finished_run_says_ok_and_leaves_no_lock(tmp_path, no_stages):
    out = tmp_path / "run"
    result = journey_run.run_journey("ngo", out, lang="en")
    log = _log(out)
    assert log["status"] == "ok" and log["report"] == "report.html"
    assert result.report.exists() and not (out / "workbook.yaml.lock").exists()
