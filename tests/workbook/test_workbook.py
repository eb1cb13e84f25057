"""Workbook models and persistence, as a facilitator and the apps rely on them."""

from __future__ import annotations

import os
from datetime import date

import pytest
import yaml

from cmtraining.core.errors import (
    CmtrainingError,
    LockTimeoutError,
    SchemaVersionError,
    WorkbookFileError,
    WorkbookValidationError,
)
from cmtraining.samples import list_organizations, sample_workbook
from cmtraining.samples.organizations import blank_workbook
from cmtraining.workbook import load, loads, save, update
from cmtraining.workbook.migrations import MIGRATIONS, migrate
from cmtraining.workbook.store import dumps, lock_path, locked


def edit_yaml(path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


@pytest.mark.parametrize("org", list_organizations())
def test_every_sample_round_trips(org, tmp_path):
    wb = sample_workbook(org, trainee="Ana")
    save(wb, tmp_path / "w.yaml", touch=False)
    assert load(tmp_path / "w.yaml") == wb


def test_blank_workbook_is_valid_in_both_languages(tmp_path):
    for lang in ("es", "en"):
        wb = blank_workbook(trainee="Ana", lang=lang)
        save(wb, tmp_path / f"{lang}.yaml")
        assert load(tmp_path / f"{lang}.yaml").profile.name in {"Mi organización", "My organization"}


def test_every_problem_is_listed_with_its_path(sample_file):
    def break_it(data):
        data["profile"]["kind"] = "church"
        data["profile"]["country"] = "XX"
        data["metrics"][0]["followers"] = -5
        data["metrics"][1]["reach"] = 10**9
        data["profile"]["colour"] = "blue"
        del data["profile"]["name"]

    edit_yaml(sample_file, break_it)
    with pytest.raises(WorkbookValidationError) as info:
        load(sample_file, lang="en")
    paths = {p.path for p in info.value.problems}
    assert paths == {"profile.kind", "profile.country", "metrics[0].followers",
                     "metrics[1].reach", "profile.colour", "profile.name"}
    text = info.value.message("en")
    assert "profile.kind: “church” is not valid; use one of: company, smb" in text
    assert "metrics[0].followers: must be 0 or more" in text
    assert "profile.name: this field is missing; add it." in text
    assert "6 problems" in text


def test_messages_follow_the_users_language(sample_file):
    edit_yaml(sample_file, lambda d: d["profile"].update(country="XX"))
    with pytest.raises(WorkbookValidationError) as info:
        load(sample_file, lang="es")
    assert "no es un código de país ISO 3166" in str(info.value)
    assert "is not an ISO 3166 country code" in info.value.message("en")


def test_cross_references_name_the_field(sample_file):
    def add_objective(data):
        data["objectives"] = [{"id": "grow", "metric": "followers", "network": "instagram",
                               "baseline": 100, "target": 150, "deadline": "2027-06-30",
                               "goal_id": "world-peace"}]

    edit_yaml(sample_file, add_objective)
    with pytest.raises(WorkbookValidationError) as info:
        load(sample_file, lang="en")
    [problem] = info.value.problems
    assert problem.path == "objectives[0].goal_id"
    assert "world-peace" in problem.message("en")


def test_pillar_ids_must_be_unique(sample_file):
    edit_yaml(sample_file, lambda d: d["content_plan"].update(pillars=[
        {"id": "a", "name": "Impacto", "share": 60}, {"id": "a", "name": "Equipo", "share": 40}]))
    with pytest.raises(WorkbookValidationError, match=r"content_plan.pillars\[1\].id"):
        load(sample_file)


def test_missing_malformed_and_foreign_files(tmp_path):
    with pytest.raises(WorkbookFileError, match="No existe"):
        load(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("profile: [unclosed\n  name: x", encoding="utf-8")
    with pytest.raises(WorkbookFileError, match="line"):
        load(bad, lang="en")
    bad.write_bytes("profile: caf\xe9".encode("latin-1"))
    with pytest.raises(WorkbookFileError, match="UTF-8"):
        load(bad)
    bad.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(WorkbookFileError):
        load(bad)


def test_newer_schema_is_refused_clearly(sample_file):
    edit_yaml(sample_file, lambda d: d.update(schema_version=7))
    with pytest.raises(SchemaVersionError) as info:
        load(sample_file, lang="en")
    assert "newer cmtraining" in info.value.message("en") and "v7" in info.value.message("en")


def test_missing_schema_version_is_refused(sample_file):
    edit_yaml(sample_file, lambda d: d.pop("schema_version"))
    with pytest.raises(SchemaVersionError):
        load(sample_file)


def test_migration_hook_upgrades_old_files(monkeypatch):
    """A future v3 registers MIGRATIONS[2]; loading a v2 file applies it."""
    monkeypatch.setitem(MIGRATIONS, 2, lambda d: {"renamed": d.pop("old"), **d})
    assert migrate({"schema_version": 2, "old": 5}, current=3) == {"schema_version": 3, "renamed": 5}
    monkeypatch.delitem(MIGRATIONS, 2)
    with pytest.raises(SchemaVersionError):
        migrate({"schema_version": 2}, current=3)


def test_a_version_1_workbook_is_upgraded_on_load(tmp_path):
    """v1 kept listening findings and playbook rules as bare lists; v2 nests them."""
    data = yaml.safe_load(dumps(sample_workbook("cafe")))
    data.update(schema_version=1, lang="en",
                listening=[{"topic": "queues at lunch", "sentiment": "negative"}],
                response_playbook=[{"category": "complaint", "max_hours": 4,
                                    "template": "Sorry, {name}: we are on it."}])
    path = tmp_path / "old.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    wb = load(path)
    assert wb.schema_version == 2
    assert wb.listening.findings[0].topic == "queues at lunch"
    rule = wb.response_playbook.rules[0]
    assert rule.category == "complaint" and rule.templates == {"en": "Sorry, {name}: we are on it."}


def test_save_is_atomic_and_leaves_no_temporary_files(tmp_path):
    wb = sample_workbook("cafe")
    path = tmp_path / "w.yaml"
    save(wb, path)
    save(wb, path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.yaml", "w.yaml.lock"]


def test_invalid_update_writes_nothing(sample_file):
    before = sample_file.read_bytes()
    with pytest.raises(WorkbookValidationError) as info:
        update(sample_file, lambda wb: setattr(wb.profile, "name", ""))
    assert info.value.problems[0].path == "name"
    with pytest.raises(WorkbookValidationError) as info:
        update(sample_file, lambda wb: {**wb.model_dump(), "lang": "fr"})
    assert info.value.problems[0].path == "lang"
    assert sample_file.read_bytes() == before


def test_update_rereads_the_file_under_the_lock(sample_file):
    """An edit made through another handle is not lost by a later update."""
    update(sample_file, lambda wb: setattr(wb.profile, "sector", "Educación"))
    update(sample_file, lambda wb: setattr(wb.profile, "mission", "Nueva misión"))
    wb = load(sample_file)
    assert (wb.profile.sector, wb.profile.mission) == ("Educación", "Nueva misión")


def test_second_writer_times_out_with_a_clear_error(sample_file):
    from filelock import FileLock

    other = FileLock(str(lock_path(sample_file)))  # stands in for another process
    other.acquire()
    try:
        with pytest.raises(LockTimeoutError) as info:
            update(sample_file, lambda wb: None, timeout=0.2, lang="en")
        assert "busy" in info.value.message("en")
    finally:
        other.release()
    with locked(sample_file, timeout=0.2):
        pass


def test_all_errors_share_one_root():
    for cls in (LockTimeoutError, SchemaVersionError, WorkbookFileError, WorkbookValidationError):
        assert issubclass(cls, CmtrainingError)


def test_yaml_is_readable_by_people(tmp_path):
    text = dumps(sample_workbook("ngo"))
    assert text.startswith("schema_version: 2\n")
    assert "Fundación Raíces Comunes" in text  # not \\u-escaped
    assert loads(text).profile.goals[0].id == "volunteers"


def test_month_rows_start_on_the_first(sample_file):
    edit_yaml(sample_file, lambda d: d["metrics"][0].update(month=date(2026, 1, 15)))
    with pytest.raises(WorkbookValidationError, match="metrics\\[0\\].month"):
        load(sample_file)


def test_no_temp_file_survives_a_failed_write(tmp_path, monkeypatch):
    path = tmp_path / "w.yaml"

    def boom(fd):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(OSError):
        save(sample_workbook("ngo"), path)
    assert not path.exists()
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []
