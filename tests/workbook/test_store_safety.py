"""Issue 20/23: workbook files are read with bounds and written without leftovers.

The alias-bomb cases run in a subprocess with a timeout: on a loader that
expands aliases they would otherwise take minutes and gigabytes of the
machine the tests run on.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from cmtraining.core.errors import WorkbookFileError, WorkbookValidationError
from cmtraining.core.outputs import OutputPathError
from tests.conftest import ROOT, run_cli


def bomb(levels: int = 9) -> str:
    """The classic "billion laughs": each level repeats the previous one nine times."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    names = "abcdefghijklmnop"
    for i in range(1, levels):
        lines.append(f"{names[i]}: &{names[i]} [" + ",".join([f"*{names[i - 1]}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_the_bomb_is_small():
    assert len(bomb().encode()) < 400


def test_validate_refuses_an_alias_bomb_at_once(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(bomb(), encoding="utf-8")
    result = run_cli("validate", str(path), "--lang", "en", timeout=60)
    assert result.returncode == 2, result.stderr
    assert "aliases" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr) < 2000  # the expanded value is never rendered


def _in_subprocess(code: str, timeout: int = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, cwd=ROOT, timeout=timeout)


def test_the_start_page_list_skips_a_bomb_in_the_workspace(tmp_path, sample_file):
    folder = tmp_path / "ws"
    folder.mkdir()
    (folder / "bomb.yaml").write_text(bomb(), encoding="utf-8")
    (folder / "ana.yaml").write_bytes(sample_file.read_bytes())
    result = _in_subprocess(f"""
        from pathlib import Path
        from cmtraining.runtime.workspace import list_workbooks
        print(",".join(e.id for e in list_workbooks(Path({str(folder)!r}))))
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ana"


@pytest.mark.parametrize("loader", ["yamlio", "dataset"])
def test_every_yaml_reader_refuses_aliases(tmp_path, loader):
    from cmtraining.core.errors import DatasetError
    from cmtraining.core.yamlio import AliasError, load_yaml, read_yaml

    path = tmp_path / "data.yaml"
    path.write_text("base: &b {x: 1}\nother: *b\n", encoding="utf-8")
    if loader == "yamlio":
        with pytest.raises(AliasError):
            load_yaml(path.read_text(encoding="utf-8"))
    else:
        with pytest.raises(DatasetError):
            read_yaml(path)


def test_no_yaml_load_in_the_package_bypasses_the_alias_check():
    offenders = []
    for path in (ROOT / "cmtraining").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.name != "yamlio.py" and ("yaml.load(" in text or "yaml.safe_load(" in text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_an_error_message_never_renders_a_whole_expanded_value():
    result = _in_subprocess("""
        from cmtraining.workbook.validation import _show
        level = ["lol"] * 9
        for _ in range(9):
            level = [level] * 9
        text = _show(level)
        assert len(text) <= 60, text
        print("ok")
    """, timeout=30)
    assert result.stdout.strip() == "ok", result.stderr


def test_a_workbook_too_big_is_refused_before_parsing(tmp_path, monkeypatch):
    import cmtraining.workbook.store as store

    path = tmp_path / "big.yaml"
    path.write_bytes(b"# " + b"x" * (store.MAX_WORKBOOK_BYTES + 10) + b"\n")

    def no_parsing(*args, **kwargs):
        raise AssertionError("parsed a file over the limit")

    monkeypatch.setattr(store, "load_yaml", no_parsing)
    with pytest.raises(WorkbookFileError) as info:
        store.load(path)
    assert info.value.key == "core.safety.yaml.too_big"


def test_a_save_removes_the_temporaries_of_a_killed_save(tmp_path, sample_file):
    from cmtraining.workbook import load, save

    stale = [tmp_path / ".w.yaml.abcd1234.tmp", tmp_path / ".w.yaml.zz_9yy8x.tmp"]
    others = [tmp_path / ".other.yaml.abcd1234.tmp", tmp_path / "notes.tmp"]
    for path in stale + others:
        path.write_text("half a workbook", encoding="utf-8")
    save(load(sample_file), sample_file)
    assert not any(p.exists() for p in stale)
    assert all(p.exists() for p in others)


def test_a_folder_that_refuses_the_lock_is_an_error_at_once(sample_file, tmp_path):
    from cmtraining.workbook import load, save

    wb = load(sample_file)
    with pytest.raises(OutputPathError):  # not LockTimeoutError after the timeout
        save(wb, "/proc/cm-test.yaml", timeout=600)
    blocker = tmp_path / "file.txt"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(OutputPathError) as info:
        save(wb, blocker / "w.yaml", timeout=600)
    assert info.value.key == "core.safety.output.not_a_folder"
    assert blocker.read_text(encoding="utf-8") == "x"


def test_a_workbook_id_followed_by_a_newline_is_not_an_id():
    from cmtraining.core.errors import ParameterError
    from cmtraining.runtime.workspace import is_workbook_id, path_for
    from cmtraining.workbook.base import _slug

    assert is_workbook_id("ana-garcia")
    for value in ("ana\n", "ana\n\n", "\nana", "ana\r"):
        assert not is_workbook_id(value)
    with pytest.raises(ParameterError):
        path_for("ana\n")
    with pytest.raises(Exception) as info:
        _slug("pillar\n")
    assert "slug" in str(info.value)


def test_load_refuses_an_unknown_org_id(sample_file):
    from cmtraining.workbook import load, save

    sample_file.write_text(sample_file.read_text(encoding="utf-8").replace(
        "org_id: ngo", "org_id: nope"), encoding="utf-8")
    with pytest.raises(WorkbookValidationError) as info:
        load(sample_file)
    assert info.value.problems[0].path == "org_id"
    from cmtraining.samples import sample_workbook

    with pytest.raises(WorkbookValidationError):
        save(sample_workbook("ngo").model_copy(update={"org_id": "nope"}), sample_file)


def test_a_nul_byte_in_a_workbook_path_is_the_packages_error():
    from cmtraining.workbook import load

    with pytest.raises(WorkbookFileError):
        load("wb\x00.yaml")


def test_a_fifo_named_like_a_workbook_is_refused_without_blocking(tmp_path):
    import os

    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    # in a subprocess: opening the FIFO would wait for a writer forever
    result = _in_subprocess(f"""
        from cmtraining.core.errors import WorkbookFileError
        from cmtraining.workbook import load
        try:
            load({str(fifo)!r})
        except WorkbookFileError as exc:
            print(exc.key)
    """, timeout=60)
    assert result.stdout.strip() == "core.error.workbook_unreadable", result.stderr
