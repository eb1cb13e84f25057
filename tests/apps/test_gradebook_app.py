"""The facilitators' gradebook notebook: cohort figures, the app, and the notebook run by papermill.

A small cohort of the grading fixture exercise is graded for real once per
module (good, partial, empty, copied and broken notebooks), and every test
reads that gradebook as a facilitator would.
"""

from __future__ import annotations

import base64
import csv
import io
import sqlite3

import papermill as pm
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cmtraining.core.errors import ParameterError
from cmtraining.grading.cohort import histogram, summarize
from cmtraining.grading.gradebook import Gradebook, GradebookError
from cmtraining.runtime.parameters import resolve
from tests.conftest import ROOT
from tests.grading.conftest import (
    EMPTY,
    GOOD,
    cohort_folder,
    grade_cohort,
    submission,
)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("gradebook")
    exercise, subs = cohort_folder(root)
    submission(subs, "ana-garcia", GOOD)
    submission(subs, "copycat", GOOD + " ")
    submission(subs, "marta", "target = 42\nstatement = 'Más seguidores'")  # 4 + 6*2/10 = 5.2
    submission(subs, "empty", EMPTY)
    submission(subs, "luis", "target = 41\nstatement = " + repr("one two three four five six seven "
                                                                "eight nine ten"), lang="en")
    (subs / "broken.ipynb").write_text("{not json")
    db = grade_cohort(exercise, subs, root / "exercises" / "gradebook.sqlite")["db"]
    return {"root": root, "db": db, "exercise": exercise}


def test_cohort_summary_counts_means_checks_and_trainees_at_risk(graded):
    book = Gradebook(f"sqlite:///{graded['db']}", read_only=True)
    [summary] = summarize(book.current(), book.titles(), risk=60, lang="en",
                          exercises_root=graded["db"].parent)
    assert summary.title("en") == "Test exercise" and summary.title("es") == "Ejercicio de prueba"
    assert (summary.count, summary.graded, summary.not_graded) == (6, 5, 1)
    assert summary.reasons == {"malformed": 1}
    # totals 10, 10, 5.2, 0, 6 (luis misses the target, full statement)
    assert summary.mean == pytest.approx((10 + 10 + 5.2 + 0 + 6) / 5)
    assert summary.median == 6
    assert [r.trainee for r in summary.at_risk] == ["broken", "empty", "marta"]
    checks = {c.check_id: c for c in summary.checks}
    assert [c.title for c in summary.checks] == ["Numeric target", "Statement"]
    assert checks["target"].mean_share == pytest.approx(3 / 5) and checks["target"].zero == 2
    assert checks["statement"].zero == 1


def test_manual_points_count_towards_the_check_and_the_risk(graded, tmp_path):
    import shutil

    db = tmp_path / "gradebook.sqlite"
    shutil.copy(graded["db"], db)
    writer = Gradebook(f"sqlite:///{db}")
    writer.adjust("demo-exercise", "marta", "statement", 1.0, note="good idea in class")
    book = Gradebook(f"sqlite:///{db}", read_only=True)
    [summary] = summarize(book.current(), book.titles(), risk=60)
    assert "marta" not in [r.trainee for r in summary.at_risk]  # 6.2 of 10 is not below 60 %
    statement = next(c for c in summary.checks if c.check_id == "statement")
    assert statement.mean_share == pytest.approx((1 + 1 + (1.2 + 1) / 6 + 0 + 1) / 5)


@given(st.lists(st.floats(min_value=0, max_value=1), max_size=200))
def test_histogram_puts_every_grade_in_one_tenth(shares):
    counts = histogram(tuple(shares))
    assert len(counts) == 10 and sum(counts) == len(shares)
    if shares and max(shares) == 1.0:
        assert counts[-1] >= 1  # full marks land in the last tenth


@pytest.mark.parametrize("lang, words", [
    ("en", ("Gradebook", "Test exercise", "Trainees at risk", "Scored zero")),
    ("es", ("Libro de notas", "Ejercicio de prueba", "Participantes en riesgo", "Con cero")),
])
def test_app_shows_the_cohort_in_the_facilitators_language(graded, lang, words):
    from cmtraining.apps.gradebook import build_app

    app = build_app(db=str(graded["db"]), risk=60, lang=lang, defer_charts=False)
    page = " ".join(w.value for w in _html_widgets(app))
    for word in words:
        assert word in page
    assert app.at_risk.value.count("<tr>") == 4  # header + broken, empty, marta
    assert "ana-garcia" not in app.at_risk.value
    assert app.similar.value.count("<tr>") == 2 and "copycat" in app.similar.value
    assert app.distribution.value[:4] == b"\x89PNG" and app.checks_chart.value[:4] == b"\x89PNG"
    app.trainee.value = "luis"
    assert "the target is 42" in app.detail.value  # luis submitted in English
    app.trainee.value = "broken"
    assert "malformed" in app.detail.value or "JSON" in app.detail.value


def test_download_link_carries_the_gradebook_csv(graded):
    from cmtraining.apps.gradebook import build_app

    app = build_app(db=str(graded["db"]), lang="en", defer_charts=False)
    data = app.download.value.split("base64,", 1)[1].split('"', 1)[0]
    rows = list(csv.DictReader(io.StringIO(base64.b64decode(data).decode("utf-8"))))
    assert {r["trainee"] for r in rows} == {"ana-garcia", "copycat", "marta", "empty", "luis",
                                            "broken"}
    assert next(r for r in rows if r["trainee"] == "ana-garcia")["total"] == "10.0"


def test_reload_reads_grades_written_while_the_app_is_open(graded, tmp_path):
    import shutil

    from cmtraining.apps.gradebook import build_app

    db = tmp_path / "gradebook.sqlite"
    shutil.copy(graded["db"], db)
    app = build_app(db=str(db), risk=60, lang="en", defer_charts=False)
    assert "marta" in app.at_risk.value
    Gradebook(f"sqlite:///{db}").adjust("demo-exercise", "marta", "statement", 1.0)
    app.reload.click()
    assert "marta" not in app.at_risk.value
    app.trainee.value = "marta"
    assert "Adjusted by your facilitator" in app.detail.value


def test_app_never_writes_and_explains_a_file_that_is_not_a_gradebook(tmp_path):
    from cmtraining.apps.gradebook import build_app

    other = tmp_path / "notes.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("create table notes (text)")
    before = other.read_bytes()
    app = build_app(db=str(other), lang="en", defer_charts=False)
    assert "is not a cmtraining gradebook" in app.status.value and "attempts" in app.status.value
    assert app.details.layout.display == "none"
    assert other.read_bytes() == before
    with pytest.raises(GradebookError):
        Gradebook(f"sqlite:///{other}", read_only=True)


def test_an_empty_gradebook_says_how_to_fill_it(tmp_path, monkeypatch):
    from cmtraining.apps.gradebook import build_app

    monkeypatch.setenv("CMTRAINING_EXERCISES", str(tmp_path / "exercises"))
    (tmp_path / "exercises").mkdir()
    app = build_app(lang="es", defer_charts=False)
    assert "aún no tiene notas" in app.status.value and "cmtraining grade" in app.status.value
    assert not (tmp_path / "exercises" / "gradebook.sqlite").exists()  # reading creates nothing


def test_the_served_page_never_takes_the_database_from_its_address(graded):
    """The gradebook is the facilitator's configuration: any `db` in a URL is refused."""
    from cmtraining.runtime.serve_query import check_query

    for db in (str(graded["db"]), "postgresql://u:secret@db/grades", "/etc/passwd", ""):
        with pytest.raises(ParameterError, match="cmtraining serve --gradebook"):
            check_query("90-gradebook", {"db": db})
    assert check_query("90-gradebook", {"risk": "60", "lang": "en"})["db"] == ""
    # papermill and the command line may still name one
    assert resolve("90-gradebook", {"db": "postgresql://u@db/grades"})["db"].startswith("postgresql")
    with pytest.raises(ParameterError, match="101"):
        check_query("90-gradebook", {"risk": "101"})
    with pytest.raises(ParameterError, match="id de ejercicio"):
        check_query("90-gradebook", {"exercise": "../x"})


def test_the_served_app_reads_the_gradebook_serve_was_given(graded, monkeypatch):
    from cmtraining.apps.gradebook import build_app

    monkeypatch.setenv("CMTRAINING_GRADEBOOK", str(graded["db"]))
    app = build_app(lang="en", defer_charts=False)
    assert str(graded["db"]) in app.source.value and "Test exercise" in app.overview.value
    assert "marta" in app.trainee.options
    links = "".join(w.value for w in _html_widgets(app))
    assert "90-gradebook.ipynb?" in links and "db=" not in links  # the language switch


def test_a_configured_gradebook_that_does_not_exist_yet_reads_as_empty(tmp_path, monkeypatch):
    from cmtraining.apps.gradebook import build_app

    monkeypatch.setenv("CMTRAINING_GRADEBOOK", str(tmp_path / "later.sqlite"))
    app = build_app(lang="en", defer_charts=False)
    assert "later.sqlite" in app.source.value and "cmtraining grade" in app.status.value
    assert not (tmp_path / "later.sqlite").exists()


@pytest.mark.notebook
@pytest.mark.parametrize("lang, title", [("en", "Gradebook"), ("es", "Libro de notas")])
def test_gradebook_notebook_runs_with_papermill(graded, tmp_path, lang, title):
    from tests.conftest import outputs_text

    out = tmp_path / "out.ipynb"
    pm.execute_notebook(str(ROOT / "notebooks" / "90-gradebook.ipynb"), str(out),
                        parameters={"db": str(graded["db"]), "lang": lang, "risk": 60},
                        progress_bar=False)
    text = outputs_text(out)
    assert title in text and "marta" in text and "ana-garcia" in text


def _html_widgets(widget):
    import ipywidgets as widgets

    if isinstance(widget, widgets.HTML):
        yield widget
    for child in getattr(widget, "children", ()):
        yield from _html_widgets(child)
