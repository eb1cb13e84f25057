"""Cohort grading: sandbox, per-check timeouts, gradebook, resume, feedback, Dask.

One cohort (good, empty and hostile notebooks) is graded once per module
with two workers; the tests read its gradebook. The fixture exercise lives
in tests/fixtures/grading (copied to tmp, so the gradebook lands there).
"""

from __future__ import annotations

import json
import socket
import threading

import pytest

from cmtraining.grading import sandbox
from cmtraining.grading.gradebook import Gradebook
from tests.conftest import ROOT, run_cli
from tests.grading.conftest import (
    EMPTY,
    GOOD,
    cohort_folder,
    exercise_copy,
    grade_cohort,
    submission,
)


class _Listener:
    """A TCP server on the host's loopback: a sandboxed notebook must not reach it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    root = tmp_path_factory.mktemp("cohort")
    exercise, subs = cohort_folder(root)
    listener = _Listener()
    good = submission(subs, "ana-garcia", GOOD)
    submission(subs, "empty", EMPTY)
    submission(subs, "luis", "target = 42\nstatement = 'hang'", lang="en")
    submission(subs, "looper", "while True:\n    pass")
    submission(subs, "hog", "blocks = []\nwhile True:\n    blocks.append(bytearray(50_000_000))")
    submission(subs, "quitter", "import sys\nsys.exit(1)")
    submission(subs, "os-exit", "import os\nos._exit(0)")
    submission(subs, "thief", "target = 42\nimport glob, os\nfound = []\n"
               f"for p in ['../../exercises/demo-exercise/checks.py', {str(exercise / 'checks.py')!r},"
               f" *glob.glob({str(ROOT / 'exercises') + '/*/checks.py'!r}),"
               " *glob.glob('/tmp/*/*/*/exercises/*/checks.py')]:\n"
               "    try:\n        found.append(open(p).read())\n    except OSError:\n        pass\n"
               "statement = ' '.join(found) or 'nothing found at all here'")
    submission(subs, "vandal", f"open({str(good)!r}, 'w').write('{{}}')\n"
               f"import shutil\nshutil.rmtree({str(exercise)!r}, ignore_errors=True)\n"
               "target = 42\nstatement = 'one two three'")
    submission(subs, "caller", "import socket\ntry:\n"
               f"    socket.create_connection(('127.0.0.1', {listener.port}), timeout=3).send(b'x')\n"
               "    statement = 'connected to the host'\nexcept OSError as exc:\n"
               "    statement = 'refused ' + type(exc).__name__\ntarget = 42")
    submission(subs, "other", GOOD, exercise="another-exercise")
    submission(subs, "copycat", GOOD + " ")
    (subs / "notes.txt").write_text("not a notebook")
    (subs / "broken.ipynb").write_text("{not json")
    good_bytes = good.read_bytes()
    graded = grade_cohort(exercise, subs, root / "exercises" / "gradebook.sqlite")
    return {"root": root, "exercise": exercise, "subs": subs, "summary": graded["summary"],
            "book": graded["book"], "rows": graded["rows"], "listener": listener, "good": good,
            "good_bytes": good_bytes}


def test_a_correct_submission_scores_full_marks_and_an_empty_one_zero(cohort):
    rows = cohort["rows"]
    assert rows["ana-garcia"]["status"] == "graded" and rows["ana-garcia"]["total"] == 10
    assert rows["empty"]["status"] == "graded" and rows["empty"]["total"] == 0


def test_hostile_submissions_are_contained_and_reported(cohort):
    rows = cohort["rows"]
    assert (rows["looper"]["status"], rows["looper"]["reason"]) == ("failed", "timeout")
    assert (rows["hog"]["status"], rows["hog"]["reason"]) == ("failed", "memory")
    assert (rows["quitter"]["status"], rows["quitter"]["reason"]) == ("failed", "exit")
    assert rows["os-exit"]["status"] == "failed" and rows["os-exit"]["reason"] in ("exit",
                                                                                  "no_answers")
    assert all(c["points"] == 0 for r in ("looper", "hog", "quitter") for c in rows[r]["checks"])
    summary = cohort["summary"]
    assert summary.failed["timeout"] == 1 and summary.failed["memory"] == 1
    # the vandal could not touch another submission nor the exercise
    assert cohort["good"].read_bytes() == cohort["good_bytes"]
    assert (cohort["exercise"] / "checks.py").exists()


@pytest.mark.skipif(not sandbox.can_isolate(), reason="namespaces need root on Linux")
def test_the_answer_key_and_the_network_are_out_of_reach(cohort):
    rows = cohort["rows"]
    answers = json.loads(_answers(cohort["book"], rows["thief"]["id"]))
    assert "ANSWER-KEY-SECRET-42" not in answers["statement"]
    assert answers["statement"] == "nothing found at all here"
    caller = json.loads(_answers(cohort["book"], rows["caller"]["id"]))
    assert caller["statement"].startswith("refused")
    assert cohort["listener"].connections == 0
    assert cohort["summary"].sandbox == dict.fromkeys(sandbox.PROTECTIONS, True)


def _answers(book, attempt_id):
    from sqlalchemy import select

    from cmtraining.grading.gradebook import attempts

    with book.engine.connect() as conn:
        return conn.execute(select(attempts.c.answers).where(attempts.c.id == attempt_id)).scalar()


def test_a_check_that_hangs_scores_zero_and_the_others_keep_their_points(cohort):
    checks = {c["check_id"]: c for c in cohort["rows"]["luis"]["checks"]}
    assert checks["statement"]["status"] == "timeout" and checks["statement"]["points"] == 0
    assert checks["target"]["points"] == 4 and cohort["rows"]["luis"]["total"] == 4


def test_bad_input_is_reported_and_recorded(cohort):
    rows, summary = cohort["rows"], cohort["summary"]
    assert rows["notes"]["reason"] == "not_notebook" and rows["broken"]["reason"] == "malformed"
    assert rows["other"]["reason"] == "other_exercise"
    assert summary.rejected == {"not_notebook": 1, "malformed": 1, "other_exercise": 1}
    assert {name for name, _, _ in summary.messages} >= {"notes.txt", "broken.ipynb"}


def test_similar_answers_are_listed_never_penalised(cohort):
    pairs = {(a, b) for a, b, _ in cohort["summary"].similar}
    assert ("ana-garcia", "copycat") in pairs
    assert cohort["rows"]["copycat"]["total"] == 10


def test_feedback_page_per_submission_in_the_trainees_language(cohort):
    folder = cohort["root"] / "exercises" / "feedback" / "demo-exercise"
    ana = (folder / "ana-garcia.html").read_text(encoding="utf-8")
    assert "Meta numérica" in ana and "Declaración" in ana and 'lang="es"' in ana
    luis = (folder / "luis.html").read_text(encoding="utf-8")
    assert "Numeric target" in luis and "Statement" in luis and "well done" in luis
    assert "longer than 5" in luis


def test_rerun_is_idempotent_and_manual_points_survive(cohort, tmp_path):
    from cmtraining.grading.grader import grade

    book = cohort["book"]
    book.adjust("demo-exercise", "empty", "statement", 2.5, note="buena idea en clase")
    before = book.export_csv("demo-exercise")
    summary = grade(cohort["exercise"], cohort["subs"], workers=2, lang="en", db_url=book.url)
    assert summary.graded == 0 and summary.skipped == 11  # unchanged files are not re-run
    after = book.current("demo-exercise")
    assert {r["trainee_id"]: r["total"] for r in after}["empty"] == 2.5
    lines = lambda text: sorted(line.rsplit(",", 1)[0] for line in text.splitlines())  # noqa: E731
    assert lines(book.export_csv("demo-exercise")) == lines(before)
    out = tmp_path / "grades.csv"
    result = run_cli("grade", "export", str(cohort["exercise"]), "--db", book.url, "--out", str(out),
                     "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert "empty" in out.read_text() and "2.5" in out.read_text()


def test_an_interrupted_run_resumes_with_the_rest_and_force_regrades_idempotently(tmp_path):
    from cmtraining.grading.grader import grade

    exercise, subs = cohort_folder(tmp_path)
    for name in ("a", "b", "c"):
        submission(subs, name, GOOD)
    url = f"sqlite:///{tmp_path / 'exercises' / 'gradebook.sqlite'}"

    class Stop(Exception):
        pass

    def interrupt(trainee, result):
        raise Stop

    with pytest.raises(Stop):
        grade(exercise, subs, workers=1, on_result=interrupt, db_url=url)
    book = Gradebook(url)
    first = {r["trainee_id"] for r in book.current()}
    assert len(first) == 1
    summary = grade(exercise, subs, workers=2, db_url=url)
    assert summary.graded == 2 and summary.skipped == 1
    summary = grade(exercise, subs, workers=2, force=True, db_url=url)
    assert summary.graded == 3
    with book.engine.connect() as conn:
        from sqlalchemy import func, select

        from cmtraining.grading.gradebook import attempts, check_results
        assert conn.execute(select(func.count()).select_from(attempts)).scalar() == 3
        assert conn.execute(select(func.count()).select_from(check_results)).scalar() == 6
    assert all(r["total"] == 10 for r in book.current())


def test_dask_local_cluster_grades_the_same(tmp_path):
    distributed = pytest.importorskip("distributed")
    from cmtraining.grading.grader import grade

    exercise = exercise_copy(tmp_path)
    url = f"sqlite:///{tmp_path / 'exercises' / 'gradebook.sqlite'}"
    subs = tmp_path / "subs"
    subs.mkdir()
    submission(subs, "ana", GOOD)
    submission(subs, "eva", EMPTY, lang="en")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=True,
                                  dashboard_address=None) as cluster:
        summary = grade(exercise, subs, scheduler=cluster.scheduler_address, db_url=url)
    assert summary.graded == 2
    book = Gradebook(url)
    assert {r["trainee_id"]: r["total"] for r in book.current()} == {"ana": 10, "eva": 0}


def test_cli_errors_are_one_message_and_exit_2(tmp_path):
    exercise = exercise_copy(tmp_path)
    (tmp_path / "subs").mkdir()
    result = run_cli("grade", str(exercise), str(tmp_path / "subs"), "--db",
                     "postgresql://nobody:secret@127.0.0.1:1/none", "--lang", "en")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "Cannot open the gradebook" in result.stderr and "secret" not in result.stderr
    result = run_cli("grade", str(exercise), str(tmp_path / "missing"), "--lang", "en")
    assert result.returncode == 2 and "does not exist" in result.stderr
    result = run_cli("grade", "adjust", str(exercise), "ana", "nope", "1", "--lang", "en")
    assert result.returncode == 2 and "no check “nope”" in result.stderr


def test_duplicate_trainee_ids_are_both_rejected(tmp_path):
    from cmtraining.grading.grader import grade

    exercise, subs = cohort_folder(tmp_path)
    submission(subs, "Ana García", GOOD)
    submission(subs, "ana-garcia", GOOD)
    summary = grade(exercise, subs, workers=1,
                    db_url=f"sqlite:///{tmp_path / 'exercises' / 'gradebook.sqlite'}")
    assert summary.rejected == {"duplicate": 2} and summary.graded == 0


def test_similarity_measure_needs_unusual_and_absolute_closeness():
    from cmtraining.grading.similarity import similar_pairs

    texts = {f"t{i}": f"texto distinto número {i} sobre {w} y más cosas"
             for i, w in enumerate(["redes", "vecinos", "biblioteca", "café", "clientes"])}
    assert similar_pairs(texts)[0] == []
    texts["copy"] = texts["t1"] + " ok"
    pairs, threshold = similar_pairs(texts)
    assert [(a, b) for a, b, _ in pairs] == [("copy", "t1")] and threshold >= 0.8


def test_adjust_check_validates_records_and_rewrites_the_feedback_page(cohort):
    """`grade adjust` logic lives in grading/ (issue 16.2): the CLI only parses and prints."""
    from cmtraining.grading.adjust import adjust_check
    from cmtraining.grading.grader import GradingError

    url = cohort["book"].url
    with pytest.raises(GradingError) as unknown_check:
        adjust_check(cohort["exercise"], "luis", "nope", 1, db_url=url)
    assert unknown_check.value.key == "grading.error.check_unknown"
    with pytest.raises(GradingError) as unknown_trainee:
        adjust_check(cohort["exercise"], "nobody", "statement", 1, db_url=url)
    assert unknown_trainee.value.key == "grading.error.trainee_unknown"
    page = adjust_check(cohort["exercise"], "luis", "statement", 1.5, "explained in class",
                        db_url=url)
    assert "explained in class" in page.read_text(encoding="utf-8")
    assert any(a["note"] == "explained in class"
               for r in cohort["book"].current("demo-exercise") if r["trainee_id"] == "luis"
               for a in r["adjustments"])
