"""The `cmtraining` command as a facilitator runs it: clear output, exit 2 on bad input."""

from __future__ import annotations

import pytest
import yaml

from tests.conftest import run_cli


def assert_clean_failure(result, needle):
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert needle in result.stderr


def test_new_then_validate(tmp_path):
    out = tmp_path / "w.yaml"
    created = run_cli("new", "--org", "ngo", "--out", str(out))
    assert created.returncode == 0, created.stderr
    assert "Cuaderno creado" in created.stdout
    checked = run_cli("validate", str(out))
    assert checked.returncode == 0
    assert "correcto" in checked.stdout and "Fundación Raíces Comunes" in checked.stdout


def test_new_in_the_workspace_and_in_english(workspace):
    result = run_cli("new", "--blank", "--trainee", "Ana García", "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert (workspace / "ana-garcia.yaml").exists()
    assert "Workbook created" in result.stdout
    again = run_cli("new", "--org", "cafe", "--trainee", "Ana García")
    assert (workspace / "ana-garcia-2.yaml").exists(), again.stderr


def test_new_refuses_to_overwrite(tmp_path):
    out = tmp_path / "w.yaml"
    out.write_text("mine", encoding="utf-8")
    assert_clean_failure(run_cli("new", "--org", "ngo", "--out", str(out)), "--force")
    assert out.read_text(encoding="utf-8") == "mine"
    assert run_cli("new", "--org", "ngo", "--out", str(out), "--force").returncode == 0


@pytest.mark.parametrize("args, needle", [
    (["new", "--org", "nope", "--out", "x.yaml"], "No hay ninguna organización de ejemplo «nope»"),
    (["new", "--out", "x.yaml"], "--org ID o --blank"),
    (["validate", "missing.yaml"], "No existe el cuaderno missing.yaml"),
    (["serve", "--host", "0.0.0.0"], "hace falta --token"),
])
def test_bad_input_is_one_clear_message(args, needle, tmp_path):
    assert_clean_failure(run_cli(*args, cwd=tmp_path), needle)
    assert not (tmp_path / "x.yaml").exists()


def test_unknown_language_is_refused():
    result = run_cli("new", "--org", "ngo", "--out", "x.yaml", "--lang", "fr")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "fr" in result.stderr


def test_corrupted_workbook_lists_every_problem(tmp_path):
    out = tmp_path / "w.yaml"
    run_cli("new", "--org", "saas", "--out", str(out))
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    data["profile"]["size"] = "huge"
    data["metrics"][3]["posts"] = "many"
    out.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = run_cli("validate", str(out), "--lang", "en")
    assert_clean_failure(result, "2 problems")
    assert "profile.size: “huge” is not valid" in result.stderr
    assert "metrics[3].posts: a number was expected" in result.stderr


def test_truncated_yaml_is_a_clear_error(tmp_path):
    out = tmp_path / "w.yaml"
    run_cli("new", "--org", "ngo", "--out", str(out))
    out.write_text(out.read_text(encoding="utf-8")[:300] + "\n  - [", encoding="utf-8")
    assert_clean_failure(run_cli("validate", str(out)), "no es YAML válido")


def test_newer_schema_via_cli(tmp_path):
    out = tmp_path / "w.yaml"
    run_cli("new", "--org", "ngo", "--out", str(out))
    out.write_text(out.read_text(encoding="utf-8").replace("schema_version: 2", "schema_version: 9"),
                   encoding="utf-8")
    assert_clean_failure(run_cli("validate", str(out)), "versión más nueva de cmtraining")


def test_help_in_both_languages():
    es = run_cli("--help")
    en = run_cli("--lang", "en", "--help")
    assert es.returncode == en.returncode == 0
    assert "cuadernos de formación" in es.stdout and "serve" in es.stdout
    assert "training and strategy workbooks" in en.stdout
    sub = run_cli("new", "--help", "--lang", "en")
    assert "--org" in sub.stdout and "sample organization" in sub.stdout


def test_orgs_lists_the_samples():
    result = run_cli("orgs", "--lang", "en")
    assert result.returncode == 0
    for org in ("ngo", "cafe", "library", "saas"):
        assert org in result.stdout


def test_export_calendar_to_ics_and_csv(tmp_path):
    from datetime import date

    from cmtraining.planning.calendar import generate_calendar
    from cmtraining.planning.export import ics_to_entries
    from cmtraining.workbook import load, update

    wb_path = tmp_path / "w.yaml"
    run_cli("new", "--org", "cafe", "--out", str(wb_path))
    empty = run_cli("export", "calendar", str(wb_path), "--out", str(tmp_path / "c.ics"))
    assert_clean_failure(empty, "todavía no tiene calendario")
    assert not (tmp_path / "c.ics").exists()

    def plan(wb):
        wb.content_plan.pillars = [{"id": "obrador", "name": "Obrador", "share": 60},
                                   {"id": "barrio", "name": "Barrio", "share": 40}]
        wb.content_plan.posts_per_week = {"instagram": 4, "facebook": 2}
        data = wb.model_dump()
        data["content_plan"]["calendar"] = [e.model_dump() for e in generate_calendar(
            wb.content_plan, start=date(2026, 11, 30), weeks=4, country="ES", seed=3)]
        return data

    update(wb_path, plan)
    count = len(load(wb_path).content_plan.calendar)
    ics = run_cli("export", "calendar", str(wb_path), "--out", str(tmp_path / "c.ics"), "--lang", "en")
    assert ics.returncode == 0, ics.stderr
    assert f"{count} posts exported" in ics.stdout
    events = ics_to_entries((tmp_path / "c.ics").read_bytes())
    assert len(events) == count and any("Obrador" in e["summary"] for e in events)
    csv_out = run_cli("export", "calendar", str(wb_path), "--out", str(tmp_path / "c.csv"))
    assert csv_out.returncode == 0
    assert (tmp_path / "c.csv").read_text(encoding="utf-8").count("\n") == count + 1
    again = run_cli("export", "calendar", str(wb_path), "--out", str(tmp_path / "c.csv"))
    assert_clean_failure(again, "--force")


def test_export_mentions_and_labels_for_sentiment_training(tmp_path, workspace):
    from cmtraining.workbook import update

    inbox = tmp_path / "inbox.csv"
    done = run_cli("export", "mentions", "--org", "cafe", "--out", str(inbox), "--days", "14",
                   "--lang", "en")
    assert done.returncode == 0 and "mentions written" in done.stdout
    header = inbox.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert {"text", "sentiment", "category", "priority", "department"} <= set(header)
    assert_clean_failure(run_cli("export", "mentions", "--org", "cafe", "--out", str(inbox)),
                         "ya existe")
    wb = tmp_path / "w.yaml"
    run_cli("new", "--org", "cafe", "--out", str(wb))
    assert_clean_failure(run_cli("export", "labels", str(wb), "--out", str(tmp_path / "l.csv")),
                         "no tiene menciones etiquetadas")
    update(wb, lambda w: {**w.model_dump(), "mention_labels": [
        {"mention_id": "m00001", "text": "Qué rico, gracias", "sentiment": "positive"},
        {"mention_id": "m00002", "text": "Fatal, \"nunca\" más", "sentiment": "negative"}]})
    out = tmp_path / "labels.csv"
    assert run_cli("export", "labels", str(wb), "--out", str(out)).returncode == 0
    assert out.read_text(encoding="utf-8").splitlines()[0] == "text,label"
    assert "\"Fatal, \"\"nunca\"\" más\",\"negative\"" in out.read_text(encoding="utf-8")
