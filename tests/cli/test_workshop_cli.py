"""`cmtraining workshop ...`: the facilitator runs a workshop from a terminal (issue 18).

In-process through `cmtraining.cli.main` (as tests/test_cli_safety.py), one
real subprocess for the installed command. Every database lives in tmp_path.
"""

from __future__ import annotations

import re

import pytest

from cmtraining.cli import main
from cmtraining.workshop import Workshop, open_store
from tests.conftest import run_cli

SCENARIO = "saas-cloud-outage"


def cli(capsys, *args: str) -> tuple[int, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    out = captured.out + captured.err
    assert "Traceback" not in out
    return code, out


def _create(capsys, db, *extra) -> tuple[str, dict]:
    code, out = cli(capsys, "workshop", "create", "--scenario", SCENARIO, "--teams", "2",
                    "--audience", "600", "--db", db, "--base-url", "http://127.0.0.1:8866",
                    "--lang", "en", *extra)
    assert code == 0, out
    workshop_id = re.search(r"Workshop (w[0-9a-f]+) created", out).group(1)
    links = dict(re.findall(r"^  (.+?): (http\S+)$", out, flags=re.M))
    return workshop_id, links


def test_a_workshop_from_the_terminal(capsys, tmp_path):
    db = tmp_path / "ws.sqlite"
    workshop_id, links = _create(capsys, db, "--team-name", "Norte", "--team-name", "Sur")
    assert set(links) == {"Norte", "Sur", "facilitator"}
    assert all(link.startswith("http://127.0.0.1:8866/voila/render/91-crisis-workshop.ipynb"
                               "?workshop_token=") for link in links.values())
    token = links["Sur"].split("token=")[1]
    assert Workshop.by_token(open_store(str(db)), token)[1] == "t2"

    assert cli(capsys, "workshop", "start", workshop_id, "--db", db, "--lang", "en") == \
        (0, f"Workshop {workshop_id}: running.\n")
    code, out = cli(capsys, "workshop", "inject", workshop_id, "--kind", "journalist",
                    "--team", "t1", "--db", db, "--lang", "en")
    assert code == 0 and "sent to Norte at minute 0" in out
    code, out = cli(capsys, "workshop", "advance", workshop_id, "--db", db, "--lang", "es")
    assert code == 0 and "Turno 1: minuto 15 (en marcha)" in out
    assert "Norte (t1): alcance negativo" in out and "Sur (t2)" in out
    assert cli(capsys, "workshop", "pause", workshop_id, "--db", db)[0] == 0
    code, out = cli(capsys, "workshop", "status", workshop_id, "--db", db, "--lang", "en")
    assert code == 0 and "paused, turn 1, minute 15 of" in out
    assert links["Norte"].removeprefix("http://127.0.0.1:8866") in out
    assert cli(capsys, "workshop", "end", workshop_id, "--db", db)[0] == 0
    report = tmp_path / "debrief.md"
    code, out = cli(capsys, "workshop", "debrief", workshop_id, "--runs", "4", "--out", report,
                    "--db", db, "--lang", "en")
    assert code == 0 and report.read_text(encoding="utf-8").startswith("# Debrief")
    code, out = cli(capsys, "workshop", "debrief", workshop_id, "--runs", "4", "--out", report,
                    "--db", db)
    assert code == 2 and report.read_text(encoding="utf-8").startswith("# Debrief")


@pytest.mark.parametrize("args", [
    ("create", "--scenario", "nope"),
    ("create", "--scenario", SCENARIO, "--teams", "0"),
    ("create", "--scenario", SCENARIO, "--roles", "replies,approval"),
    ("create", "--scenario", SCENARIO, "--teams", "2", "--team-name", "A"),
    ("status", "wmissing"),
    ("start", "wmissing"),
])
def test_bad_input_is_one_message_and_exit_2(capsys, tmp_path, args):
    db = tmp_path / "ws.sqlite"
    code, out = cli(capsys, "workshop", *args, "--db", db, "--lang", "en")
    assert code == 2 and out.startswith("Error: ") and out.count("\n") == 1, out


def test_status_rules_and_missing_database(capsys, tmp_path):
    db = tmp_path / "ws.sqlite"
    workshop_id, _ = _create(capsys, db)
    code, out = cli(capsys, "workshop", "advance", workshop_id, "--db", db, "--lang", "en")
    assert code == 2 and "The workshop is ready: it cannot move to the next turn now." in out
    code, out = cli(capsys, "workshop", "inject", workshop_id, "--db", db, "--lang", "en")
    assert code == 2 and "needs a text or one of these kinds" in out
    missing = tmp_path / "typo.sqlite"
    code, out = cli(capsys, "workshop", "status", workshop_id, "--db", missing, "--lang", "es")
    assert code == 2 and "No hay ninguna base de datos de talleres" in out
    assert not missing.exists()  # a mistyped path never becomes a new empty database


def test_installed_command(tmp_path):
    db = tmp_path / "ws.sqlite"
    done = run_cli("workshop", "create", "--scenario", SCENARIO, "--teams", "3", "--audience",
                   "600", "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert "Taller w" in done.stdout and done.stdout.count("?workshop_token=") == 4


def test_no_command_destroys_a_users_file(capsys, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes", encoding="utf-8")
    code, out = cli(capsys, "workshop", "create", "--scenario", SCENARIO, "--db", notes,
                    "--lang", "en")
    assert code == 2 and "cannot be opened" in out
    assert notes.read_text(encoding="utf-8") == "my notes"
    db = tmp_path / "ws.sqlite"
    workshop_id, _ = _create(capsys, db)
    code, out = cli(capsys, "workshop", "debrief", workshop_id, "--out", db, "--force",
                    "--db", db, "--lang", "en")
    assert code == 2 and "input" in out  # the debrief never replaces its own database
    assert db.read_bytes().startswith(b"SQLite format 3")
    assert Workshop.load(open_store(str(db), create=False), workshop_id).status == "ready"
    code, out = cli(capsys, "workshop", "debrief", workshop_id, "--out", notes, "--db", db,
                    "--lang", "en")
    assert code == 2 and notes.read_text(encoding="utf-8") == "my notes"
    code, out = cli(capsys, "workshop", "debrief", workshop_id, "--out",
                    notes / "inside.md", "--db", db, "--lang", "en")
    assert code == 2 and notes.read_text(encoding="utf-8") == "my notes"


# --- `cmtraining serve --workshop-db`: the pages open the facilitator's database ------------

@pytest.fixture
def serve_quietly(monkeypatch, tmp_path):
    """`cmtraining serve` in this process up to the point Voila would start (it never does)."""
    import cmtraining.runtime.serve as serving
    from cmtraining.workshop.access import WORKSHOP_DB_ENV

    started = []

    class FakeVoila:
        def __init__(self, **kwargs):
            self.voila_configuration = type("Config", (), {})()

        def initialize(self, argv):
            pass

        def start(self):
            started.append(True)

    monkeypatch.setattr(serving, "CmtrainingVoila", FakeVoila)
    for name in ("CMTRAINING_WORKSPACE", "CMTRAINING_LANG", "CMTRAINING_GRADEBOOK",
                 "CMTRAINING_PRIVATE_LINKS", WORKSHOP_DB_ENV):
        monkeypatch.setenv(name, "")  # restored afterwards, whatever serve sets
    return started


def test_serve_passes_workshop_db_to_the_pages(capsys, tmp_path, monkeypatch, serve_quietly):
    import os

    from cmtraining.workshop.access import WORKSHOP_DB_ENV, known_token

    db = tmp_path / "room" / "ws.sqlite"
    db.parent.mkdir()
    _, links = _create(capsys, db)
    token = links["facilitator"].split("token=")[1]
    monkeypatch.chdir(tmp_path / "room")  # a relative path is made absolute for the kernels
    code, out = cli(capsys, "serve", "--workspace", tmp_path / "ws", "--port", "18866",
                    "--workshop-db", "ws.sqlite", "--lang", "en")
    assert code == 0 and serve_quietly == [True], out
    assert os.environ[WORKSHOP_DB_ENV] == str(db)
    assert f"Live crisis workshops: {db}" in out
    assert known_token(token)  # what a page's link asks before its kernel starts

    code, out = cli(capsys, "serve", "--workspace", tmp_path / "ws", "--port", "18866",
                    "--workshop-db", "postgresql://cm:secret@db.example/ws", "--lang", "es")
    assert code == 0 and os.environ[WORKSHOP_DB_ENV] == "postgresql://cm:secret@db.example/ws"
    assert "Talleres de crisis en directo: postgresql://cm:***@db.example/ws" in out
    assert "secret" not in out


def test_serve_without_workshop_db_keeps_the_variable(capsys, tmp_path, monkeypatch,
                                                       serve_quietly):
    import os

    from cmtraining.workshop.access import WORKSHOP_DB_ENV

    monkeypatch.setenv(WORKSHOP_DB_ENV, "sqlite:////srv/workshops.sqlite")
    code, out = cli(capsys, "serve", "--workspace", tmp_path / "ws", "--port", "18866",
                    "--lang", "en")
    assert code == 0 and os.environ[WORKSHOP_DB_ENV] == "sqlite:////srv/workshops.sqlite"
    assert "Live crisis workshops: sqlite:////srv/workshops.sqlite" in out
    monkeypatch.setenv(WORKSHOP_DB_ENV, "")
    code, out = cli(capsys, "serve", "--workspace", tmp_path / "ws", "--port", "18866",
                    "--lang", "en")
    assert f"Live crisis workshops: {(tmp_path / 'ws').resolve() / 'workshops.sqlite'}" in out
    code, out = cli(capsys, "serve", "--help")
    assert "--workshop-db URL" in out and "CMTRAINING_WORKSHOP_DB" in out
