"""The importer from the command line: `listening import` with its mapping, `sentiment` on exports."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.conftest import EXPORTS, run_cli


def _workbook(tmp_path: Path) -> Path:
    path = tmp_path / "wb.yaml"
    assert run_cli("new", "--org", "cafe", "--out", str(path)).returncode == 0
    return path


def test_preview_shows_the_mapping_and_writes_nothing(tmp_path):
    wb = _workbook(tmp_path)
    before = wb.read_bytes()
    result = run_cli("listening", "import", str(wb), "--csv", str(EXPORTS / "airline_tweets.csv"),
                     "--preview")
    assert result.returncode == 0, result.stderr
    assert "tweet_created" in result.stdout and "airline_sentiment" in result.stdout
    assert "Marca (cuota de voz)" in result.stdout and "traveller0" in result.stdout
    assert wb.read_bytes() == before


def test_import_audits_and_saves_with_a_changed_mapping(tmp_path):
    wb = _workbook(tmp_path)
    result = run_cli("--lang", "en", "listening", "import", str(wb), "--csv",
                     str(EXPORTS / "airline_tweets.csv"), "--brand", "Iberia",
                     "--map", "date=tweet_created", "--map", "label=")
    assert result.returncode == 0, result.stderr
    assert "24 mentions audited" in result.stdout
    summary = yaml.safe_load(wb.read_text(encoding="utf-8"))["listening"]["summary"]
    assert summary["mentions"] == 24 and abs(summary["share_of_voice"] - 24 / 36) < 1e-3
    assert str(summary["period_start"]) == "2017-12-04" and summary["by_network"] == {"x": 24}
    assert "amp" not in summary["top_terms"] and "i'm" not in summary["top_terms"]


def test_import_of_a_spanish_semicolon_sheet(tmp_path):
    wb = _workbook(tmp_path)
    result = run_cli("listening", "import", str(wb), "--csv", str(EXPORTS / "espanol.csv"),
                     "--brand", "Iberia")
    assert result.returncode == 0, result.stderr
    assert "24 menciones auditadas" in result.stdout and "Hoja de cálculo" in result.stdout
    summary = yaml.safe_load(wb.read_text(encoding="utf-8"))["listening"]["summary"]
    assert set(summary["by_network"]) == {"x", "instagram", "facebook"}


def test_a_bad_mapping_or_date_is_one_clear_message(tmp_path):
    wb = _workbook(tmp_path)
    before = wb.read_bytes()
    for args in (["--map", "date=Nope"], ["--map", "colour=Fecha"]):
        result = run_cli("listening", "import", str(wb), "--csv", str(EXPORTS / "espanol.csv"),
                         *args)
        assert result.returncode == 2 and "Traceback" not in result.stderr + result.stdout
        assert result.stderr.strip()
    bad = tmp_path / "bad.csv"
    bad.write_text("Fecha;Mensaje\n18/12/2017 13:07;uno\nmañana;dos\n", encoding="utf-8")
    result = run_cli("listening", "import", str(wb), "--csv", str(bad))
    assert result.returncode == 2 and "línea 3" in result.stderr and "mañana" in result.stderr
    assert wb.read_bytes() == before


def test_sentiment_eval_reads_utf16_exports_and_their_label_column(tmp_path):
    data = tmp_path / "airline-utf16.csv"
    data.write_bytes((EXPORTS / "airline_tweets.csv").read_text(encoding="utf-8")
                     .encode("utf-16"))
    result = run_cli("--lang", "en", "sentiment", "eval", "--csv", str(data), "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert "36 messages" in result.stdout and "Macro-F1" in result.stdout


def test_sentiment_train_on_a_spanish_sheet(tmp_path):
    out = tmp_path / "model.json"
    result = run_cli("sentiment", "train", "--csv", str(EXPORTS / "espanol.csv"), "--lang", "es",
                     "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert out.exists()


def test_an_english_only_backend_on_spanish_text_warns(tmp_path):
    result = run_cli("--lang", "en", "sentiment", "eval", "--csv", str(EXPORTS / "espanol.csv"),
                     "--lang", "es", "--backend", "textblob")
    assert result.returncode == 0, result.stderr
    assert "only understands English" in result.stderr
    quiet = run_cli("--lang", "en", "sentiment", "eval", "--csv",
                    str(EXPORTS / "airline_tweets.csv"), "--lang", "en", "--backend", "textblob")
    assert quiet.returncode == 0 and "only understands English" not in quiet.stderr
