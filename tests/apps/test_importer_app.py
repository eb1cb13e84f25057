"""The listening app's mapping step, driven in-process as a widget front-end drives it."""

from __future__ import annotations

from cmtraining.apps.listening import build_app as listening
from cmtraining.runtime.session import open_session
from cmtraining.runtime.workspace import create_workbook
from cmtraining.workbook import load
from tests.conftest import EXPORTS


def _upload(app, name: str, content: bytes) -> None:
    app._on_upload({"new": [{"name": name, "content": content}]})


def test_upload_shows_detected_columns_and_a_preview_before_importing(workspace):
    entry = create_workbook("Ana", "cafe", lang="es")
    app = listening(open_session("00-listening", workbook=entry.id, lang="es"))
    sample_total = app.audit.total
    _upload(app, "airline_tweets.csv", (EXPORTS / "airline_tweets.csv").read_bytes())
    step = app.mapping_step
    assert step.layout.display == "" and "Twitter US Airline Sentiment" in step.title.value
    assert step.preview.value.count("<tr>") == 6  # header and 5 rows
    assert step.dropdowns["at"].value == "tweet_created"
    assert step.dropdowns["brand"].value == "airline"
    assert step.dropdowns["label"].value == "airline_sentiment"
    assert app.audit.total == sample_total  # nothing imported yet
    step.dropdowns["label"].value = ""  # the trainee drops the label column
    step.import_button.click()
    assert step.layout.display == "none" and app.audit.total == 24 + 0  # own brand: most mentioned
    assert app.frame["sentiment"].isna().all()
    assert "la más mencionada" in app.status.value  # the own brand was assumed, and said so
    assert set(app.audit.share_of_voice["brand"]) == {"Horno y Café La Mascletà", "Vueling",
                                                       "Air Europa"}
    app.save.click()
    assert load(entry.path).listening.summary.mentions == 24


def test_a_spanish_xlsx_export_with_gaps(workspace):
    import io
    from datetime import datetime, timedelta

    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["Fecha", "Autor", "Mensaje", "Red social"])
    start = datetime(2026, 3, 1, 9)
    for day in range(40):
        if 15 <= day < 22:
            continue  # a week the tool did not collect
        for i in range(12):
            book.active.append([start + timedelta(days=day, minutes=i), f"@u{i}",
                                "Qué desastre de servicio" if i % 3 == 0 else "Todo bien",
                                "Instagram"])
    buf = io.BytesIO()
    book.save(buf)
    entry = create_workbook("Ana", "ngo", lang="es")
    app = listening(open_session("00-listening", workbook=entry.id, lang="es"))
    _upload(app, "menciones.xlsx", buf.getvalue())
    assert app.mapping_step.dropdowns["text"].value == "Mensaje"
    app.mapping_step.import_button.click()
    assert app.audit.total == 33 * 12 and int(app.audit.daily["missing"].sum()) == 7
    assert bytes(app.volume.value).startswith(b"\x89PNG")


def test_a_refused_mapping_keeps_the_step_open(workspace):
    entry = create_workbook("Ana", "cafe", lang="en")
    app = listening(open_session("00-listening", workbook=entry.id, lang="en"))
    _upload(app, "espanol.csv", (EXPORTS / "espanol.csv").read_bytes())
    app.mapping_step.dropdowns["at"].value = "Autor"  # not dates
    app.mapping_step.import_button.click()
    assert "is not a date" in app.status.value and app.mapping_step.layout.display == ""
    app.mapping_step.cancel_button.click()
    assert app.mapping_step.layout.display == "none"


HEADER = "network,month,followers,posts,reach,impressions,reactions,comments,shares,link_clicks\n"


def test_metrics_uploads_that_crashed_the_app_show_one_message(workspace):
    """Issue 23.4: a followers cell of '²' or of 5,000 digits, files '" "' and ',,,\\n,,'."""
    from cmtraining.apps.evaluation import build_app as evaluation

    entry = create_workbook("Marta", "saas", lang="es")
    app = evaluation(open_session("06-evaluation", workbook=entry.id, lang="es"),
                     defer_chart=False)
    before = load(entry.path).metrics
    for name, content in [
        ("sup.csv", HEADER + "linkedin,2026-09,²,12,15000,30000,400,40,20,300\n"),
        ("long.csv", HEADER + f"linkedin,2026-09,{'9' * 5000},12,15000,30000,400,40,20,300\n"),
        ("blank.csv", '" "\n'),
        ("commas.csv", ",,,\n,,\n"),
    ]:
        app.status.value = ""
        app._on_upload({"new": [{"name": name, "content": content.encode()}]})
        assert name in app.status.value and "cm-error" in app.status.value
    assert load(entry.path).metrics == before
    sheet = HEADER + "linkedin,2026-09,9000,12,15000,30000,400,40,20,300\n"
    import io

    import openpyxl

    book = openpyxl.Workbook()
    for line in sheet.splitlines():
        book.active.append([int(c) if c.isdigit() else c for c in line.split(",")])
    buf = io.BytesIO()
    book.save(buf)
    app._on_upload({"new": [{"name": "metricas.xlsx", "content": buf.getvalue()}]})
    assert [m.followers for m in load(entry.path).metrics] == [9000]


def test_a_fault_in_a_reader_reaches_the_trainee_as_one_message(caplog):
    import pytest

    from cmtraining.core.csvinput import guarded
    from cmtraining.evaluation.metrics_csv import MetricsFileError

    def buggy(content, *, source=None):
        raise IndexError("list index out of range")

    with pytest.raises(MetricsFileError) as info:
        guarded(buggy, MetricsFileError)(b"x", source="m.csv")
    assert info.value.key == "listening.importer.error.unexpected" and "m.csv" in info.value.message("es")
    assert "IndexError" in caplog.text  # the details are logged for the facilitator


def test_the_volume_chart_draws_the_gaps():
    import warnings
    from datetime import date, timedelta

    import pandas as pd

    from cmtraining.apps.listening_charts import volume_png
    from cmtraining.listening.alerts import thresholds

    days = [date(2026, 3, 1) + timedelta(days=i) for i in range(20)]
    counts = [0 if 8 <= i < 12 else 10 for i in range(20)]
    daily = pd.DataFrame({"day": days, "negative": counts, "neutral": 0, "positive": 0,
                          "total": counts, "missing": [c == 0 for c in counts]})
    limits = thresholds([None if c == 0 else c for c in counts])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no matplotlib complaint either
        with_gaps = volume_png(daily, limits, [], "es")
    without = volume_png(daily.assign(missing=False), limits, [], "es")
    assert with_gaps.startswith(b"\x89PNG") and with_gaps != without
