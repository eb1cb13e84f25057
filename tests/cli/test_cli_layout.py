"""The CLI package: one module per command group, numbers bounded by the notebooks' contract."""

from __future__ import annotations

import click

from cmtraining.cli import build_cli
from cmtraining.runtime.parameters import DAYS, SEED
from tests.conftest import run_cli


def test_every_command_group_lives_in_its_own_module():
    cli = build_cli("es")
    homes = {name: command.callback.__module__ for name, command in cli.commands.items()
             if not isinstance(command, click.Group)}
    assert homes["run"] == "cmtraining.cli.run"
    assert homes["serve"] == "cmtraining.cli.serve"
    assert {homes[n] for n in ("orgs", "new", "validate")} == {"cmtraining.cli.workbooks"}
    assert homes["release"] == "cmtraining.cli.release"
    for group in ("export", "grade", "listening", "sentiment"):
        sub = next(iter(cli.commands[group].commands.values()))
        assert sub.callback.__module__ == f"cmtraining.cli.{group}", group


def _option(command: click.Command, name: str) -> click.Option:
    return next(p for p in command.params if p.name == name)


def test_number_options_take_default_and_bounds_from_the_parameter_contract():
    cli = build_cli("en")
    for command, param in ((cli.commands["export"].commands["mentions"], SEED),
                           (cli.commands["export"].commands["mentions"], DAYS),
                           (cli.commands["run"], SEED)):
        option = _option(command, param.name)
        assert option.default == param.default
        assert (option.type.min, option.type.max) == (param.check.low, param.check.high)


def test_a_number_outside_the_contract_is_refused_without_traceback(tmp_path):
    done = run_cli("export", "mentions", "--org", "cafe", "--out", str(tmp_path / "m.csv"),
                   "--days", str(DAYS.check.low - 1), "--lang", "en")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "--days" in done.stderr
    assert not (tmp_path / "m.csv").exists()


def test_release_writes_through_the_atomic_writer_and_names_a_refused_path_once(tmp_path):
    """Released notebooks use the core's atomic writer (it once had its own copy)."""
    out = "/proc/cmtraining-release-test"  # no folder can be made there, even by root
    done = run_cli("release", "objectives-smart", "--out", out, "--lang", "en")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.count(f"{out}/objectives-smart-en.ipynb") == 1
    done = run_cli("release", "objectives-smart", "--out", str(tmp_path), "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["objectives-smart-en.ipynb"]  # no temp left
