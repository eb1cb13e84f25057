"""Issue 23/20: no command destroys a user's file, and every failure is one message (exit 2).

Most cases call `cmtraining.cli.main` in-process (the refusals happen before
anything slow starts); an uncaught exception would fail the test itself.
Every path lives under pytest's tmp_path: no test points a command at a
real folder.
"""

from __future__ import annotations

import os
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cmtraining.cli import main


def cli(capsys, *args: str) -> tuple[int, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    out = captured.out + captured.err
    assert "Traceback" not in out
    return code, out


@pytest.fixture
def precious(tmp_path, sample_file) -> Path:
    """A user's folder: notes, a CSV and the source workbook."""
    folder = tmp_path / "precious"
    folder.mkdir()
    (folder / "notes.txt").write_text("my notes", encoding="utf-8")
    (folder / "data.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (folder / "wb.yaml").write_bytes(sample_file.read_bytes())
    return folder


def _contents(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


# -- 23.1: run --force replaces only a previous run's folder --------------------------------

def test_run_force_refuses_a_folder_a_run_did_not_write(capsys, precious):
    before = _contents(precious)
    code, out = cli(capsys, "run", "--org", precious / "wb.yaml", "--out", precious, "--force",
                    "--lang", "en")
    assert code == 2
    assert "not a folder written by" in out and "notes.txt" in out
    assert _contents(precious) == before


@pytest.mark.parametrize("where", ["cwd", "workspace"])
def test_run_force_on_dot_or_the_workspace_deletes_nothing(capsys, tmp_path, monkeypatch, where,
                                                          workspace, sample_file):
    folder = workspace if where == "workspace" else tmp_path / "home"
    folder.mkdir(exist_ok=True)
    (folder / "ana.yaml").write_bytes(sample_file.read_bytes())
    monkeypatch.chdir(folder)
    before = _contents(folder)
    code, out = cli(capsys, "run", "--org", "ngo", "--out", ".", "--force")
    assert code == 2 and "cmtraining run" in out
    assert _contents(folder) == before


def _fake_run(folder: Path) -> None:
    (folder / "notebooks").mkdir(parents=True)
    (folder / "notebooks" / "00-profile.ipynb").write_text("{}", encoding="utf-8")
    for name in ("run.yaml", "workbook.yaml", "report.html", "workbook.yaml.lock",
                 ".report.html.abcd1234.tmp"):
        (folder / name).write_text("x", encoding="utf-8")


def test_claim_empties_a_previous_run_folder(tmp_path):
    from cmtraining.runtime.journey_run import claim

    _fake_run(tmp_path / "run")
    claim(tmp_path / "run", force=True)
    assert [p.name for p in (tmp_path / "run").rglob("*")] == ["notebooks"]


@pytest.mark.parametrize("extra", ["notes.txt", "notebooks/mine.py", "link"])
def test_claim_refuses_a_run_folder_holding_anything_else(tmp_path, extra):
    from cmtraining.runtime.journey_run import RunError, claim

    run = tmp_path / "run"
    _fake_run(run)
    target = run / extra
    if extra == "link":
        (tmp_path / "elsewhere").mkdir()
        target.symlink_to(tmp_path / "elsewhere")
    else:
        target.write_text("keep me", encoding="utf-8")
    before = _contents(run)
    with pytest.raises(RunError) as info:
        claim(run, force=True)
    assert info.value.key == "core.safety.run.not_a_run" and extra.split("/")[-1] in str(info.value)
    assert _contents(run) == before


def test_claim_never_replaces_the_folder_of_its_input(tmp_path):
    from cmtraining.runtime.journey_run import RunError, claim

    run = tmp_path / "run"
    _fake_run(run)
    with pytest.raises(RunError) as info:
        claim(run, force=True, source=run / "workbook.yaml")
    assert info.value.key == "core.safety.run.input_inside"
    assert (run / "workbook.yaml").exists()


# -- 23.2: an output is never one of the command's inputs -----------------------------------

@pytest.mark.parametrize("command", ["report", "labels", "calendar"])
@pytest.mark.parametrize("via_link", [False, True])
def test_export_never_overwrites_its_own_input(capsys, sample_file, command, via_link):
    out = sample_file
    if via_link:
        out = sample_file.with_name("link.yaml")
        out.symlink_to(sample_file)
    before = sample_file.read_bytes()
    code, text = cli(capsys, "export", command, sample_file, "--out", out, "--force", "--lang",
                     "en")
    assert code == 2 and "is also the input file" in text
    assert sample_file.read_bytes() == before


def test_sentiment_train_never_overwrites_its_csv(capsys, tmp_path):
    data = tmp_path / "labels.csv"
    data.write_text("text,label\nhola,neutral\n", encoding="utf-8")
    code, text = cli(capsys, "sentiment", "train", "--csv", data, "--out", data, "--force",
                     "--lang", "es")
    assert code == 2 and "también el archivo de entrada" in text
    assert data.read_text(encoding="utf-8") == "text,label\nhola,neutral\n"


def test_grade_export_never_overwrites_its_database(capsys, tmp_path):
    from cmtraining.grading.gradebook import Gradebook

    db = tmp_path / "book.sqlite"
    Gradebook(f"sqlite:///{db}")
    before = db.read_bytes()
    code, text = cli(capsys, "grade", "export", "--db", f"sqlite:///{db}", "--out", db, "--force",
                     "--lang", "en")
    assert code == 2 and "is also the input file" in text
    assert db.read_bytes() == before


# -- 23.3: reading the gradebook never creates one -------------------------------------------

def test_grade_export_of_a_missing_database_names_it_and_creates_nothing(capsys, tmp_path):
    typo = tmp_path / "typo.sqlite"
    code, text = cli(capsys, "grade", "export", "--db", f"sqlite:///{typo}", "--out",
                     tmp_path / "grades.csv", "--lang", "en")
    assert code == 2 and str(typo) in text and "no gradebook" in text
    assert not typo.exists() and not (tmp_path / "grades.csv").exists()


def test_the_default_gradebook_lives_in_the_workspace(workspace, capsys, tmp_path):
    from cmtraining.core.paths import PROJECT_ROOT
    from cmtraining.grading.gradebook import default_path, default_url

    assert default_path() == workspace / "gradebook.sqlite"
    assert default_url() == f"sqlite:///{workspace / 'gradebook.sqlite'}"
    code, text = cli(capsys, "grade", "export", "objectives-smart", "--out",
                     tmp_path / "grades.csv", "--lang", "en")
    assert code == 2 and str(workspace / "gradebook.sqlite") in text
    assert not (workspace / "gradebook.sqlite").exists()
    assert not (PROJECT_ROOT / "exercises" / "gradebook.sqlite").exists()


# -- 20.5: a path the system refuses is one message, at once --------------------------------

@pytest.fixture
def a_file(tmp_path) -> Path:
    path = tmp_path / "existing.yaml"
    path.write_text("mine", encoding="utf-8")
    return path


def _under_file_cases(a_file: Path, tmp_path: Path, sample_file: Path) -> list[list]:
    under = a_file / "x"
    csv = tmp_path / "labels.csv"
    csv.write_text("text,label\n" + "".join(f"t{i} bien,positive\nt{i} mal,negative\n"
                                              for i in range(3)), encoding="utf-8")
    return [
        ["new", "--org", "ngo", "--out", a_file / "x.yaml"],
        ["export", "mentions", "--org", "ngo", "--out", under],
        ["export", "report", sample_file, "--out", under],
        ["sentiment", "train", "--csv", csv, "--out", under],
        ["run", "--org", "ngo", "--out", under],
        ["release", "objectives-smart", "--out", under],
    ]


@pytest.mark.parametrize("case", range(6))
def test_a_path_under_a_file_is_one_clear_message(capsys, a_file, tmp_path, sample_file, case):
    args = _under_file_cases(a_file, tmp_path, sample_file)[case]
    code, text = cli(capsys, *args, "--lang", "en") if args[0] != "release" else \
        cli(capsys, "--lang", "en", *args)
    assert code == 2, text
    assert str(a_file) in text and "is a file, not a folder" in text
    assert a_file.read_text(encoding="utf-8") == "mine"


def test_new_under_proc_says_what_is_wrong_not_busy(capsys):
    code, text = cli(capsys, "new", "--org", "ngo", "--out", "/proc/cm-test/x.yaml", "--lang",
                     "en")
    assert code == 2
    assert "Cannot write" in text or "not a folder" in text
    assert "another edit" not in text


def test_release_does_not_overwrite_without_force(capsys, tmp_path):
    out = tmp_path / "released"
    assert cli(capsys, "release", "objectives-smart", "--out", out, "--lang", "es")[0] == 0
    mine = out / "objectives-smart-es.ipynb"
    mine.write_text("my answers", encoding="utf-8")
    code, text = cli(capsys, "--lang", "en", "release", "objectives-smart", "--out", out)
    assert code == 2 and "--force" in text and str(mine) in text
    assert mine.read_text(encoding="utf-8") == "my answers"
    assert cli(capsys, "release", "objectives-smart", "--out", out, "--force")[0] == 0
    assert mine.read_text(encoding="utf-8") != "my answers"


# -- 23.4: names and NUL bytes ---------------------------------------------------------------

def test_new_with_a_very_long_trainee_name_is_a_message(capsys, workspace):
    code, text = cli(capsys, "new", "--blank", "--trainee", "A" * 250, "--lang", "en")
    assert code == 2 and "too long" in text and "250" in text
    assert list(workspace.iterdir()) == []


@pytest.mark.parametrize("args", [
    ["validate", "wb\x00.yaml"],
    ["new", "--org", "ngo", "--out", "x\x00.yaml"],
    ["export", "report", "a\x00.yaml", "--out", "r.html"],
    ["sentiment", "eval", "--csv", "a\x00.csv"],
    ["grade", "export", "--db", "sqlite:///a\x00.sqlite", "--out", "g.csv"],
])
def test_a_nul_byte_in_a_path_is_one_message(capsys, tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    code, text = cli(capsys, *args, "--lang", "en")
    assert code == 2 and "NUL" in text
    assert list(tmp_path.iterdir()) == []


# -- 23.5: validate refuses an unknown organization ------------------------------------------

def test_validate_refuses_an_unknown_org_id(capsys, sample_file):
    text = sample_file.read_text(encoding="utf-8").replace("org_id: ngo", "org_id: nope")
    sample_file.write_text(text, encoding="utf-8")
    code, out = cli(capsys, "validate", sample_file, "--lang", "en")
    assert code == 2 and "org_id" in out and "nope" in out


# -- no command ends in a traceback ----------------------------------------------------------

_PATHISH = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=string.ascii_letters + "./\\-_~:\n\x00 ", max_size=30),
    st.sampled_from([".", "..", "/", "/proc/x", "/proc/self/status", "existing.txt",
                     "existing.txt/x", "sqlite:///", "sqlite:///nope.sqlite", "-", "--force",
                     "ñ" * 300, "x" * 5000]),
)
_COMMANDS = st.sampled_from([
    ("validate", "{a}"),
    ("new", "--blank", "--out", "{a}"),
    ("new", "--blank", "--trainee", "{a}", "--out", "{b}"),
    ("export", "report", "{a}", "--out", "{b}"),
    ("export", "labels", "{a}", "--out", "{b}", "--force"),
    ("export", "calendar", "{a}", "--out", "{b}"),
    ("export", "mentions", "--org", "{a}", "--out", "{b}"),
    ("sentiment", "eval", "--csv", "{a}", "--model", "{b}"),
    ("sentiment", "train", "--csv", "{a}", "--out", "{b}"),
    ("grade", "export", "--db", "{a}", "--out", "{b}"),
    ("grade", "adjust", "{a}", "ana", "target", "1", "--db", "{b}"),
    ("release", "{a}", "--out", "{b}"),
    ("run", "--org", "{a}", "--out", "existing.txt/{b}"),
])


def _inside(value: str) -> str:
    """Keep generated paths under the test's folder (or /proc, which refuses every write)."""
    return "." + value if value.startswith("/") and not value.startswith("/proc/") else value


@settings(max_examples=int(os.environ.get("CM_CLI_EXAMPLES", "60")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command=_COMMANDS, a=_PATHISH, b=_PATHISH)
def test_no_command_ends_in_a_traceback(tmp_path, monkeypatch, command, a, b):
    import contextlib
    import io

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CMTRAINING_WORKSPACE", str(tmp_path / "ws"))
    (tmp_path / "existing.txt").write_text("keep", encoding="utf-8")
    a, b = _inside(a), _inside(b)
    args = [part.format(a=a, b=b) for part in command]
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main([*args, "--lang", "en"] if args[0] != "release" else ["--lang", "en", *args])
    assert code in (0, 2), err.getvalue()
    assert "Traceback" not in err.getvalue()
    assert "Unexpected error" not in err.getvalue()  # each failure has its own message
    assert (tmp_path / "existing.txt").read_text(encoding="utf-8") == "keep"


def test_grading_creates_the_default_gradebook_in_a_new_workspace(tmp_path, monkeypatch):
    from cmtraining.grading.gradebook import Gradebook, default_path, default_url

    monkeypatch.setenv("CMTRAINING_WORKSPACE", str(tmp_path / "new-workspace"))
    Gradebook(default_url())  # a writer (grading) creates it; readers refuse (above)
    assert default_path().is_file() and default_path().parent == tmp_path / "new-workspace"
