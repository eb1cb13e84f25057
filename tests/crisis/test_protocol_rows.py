"""The protocol editor's row mapping and the default scenario, as engine functions (issue 16.2)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cmtraining.crisis import protocol_rows
from cmtraining.crisis.protocol import default_protocol
from cmtraining.crisis.scenarios import default_scenario, list_scenarios, load_scenario
from cmtraining.samples.organizations import sample_workbook
from cmtraining.workbook.sections_crisis import THRESHOLD_RANGE, CrisisProtocol

ORGS = ("ngo", "cafe", "library", "saas")


@pytest.mark.parametrize("org", ORGS)
def test_the_default_protocol_survives_the_editor_tables_unchanged(org):
    """Levels, triggers and contacts shown as rows and saved back are the same protocol."""
    protocol = default_protocol(sample_workbook(org), "es")
    levels = protocol_rows.levels_from_rows(protocol_rows.level_rows(protocol), protocol)
    by_level = protocol_rows.triggers_by_level(protocol_rows.trigger_rows(protocol))
    for level in levels:
        level["triggers"] = by_level.get(level["level"], [])
    contacts = protocol_rows.contacts_from_rows(protocol_rows.contact_rows(protocol), protocol)
    again = CrisisProtocol.model_validate(
        {**protocol.model_dump(), "levels": levels, "contacts": contacts})
    assert again == protocol


def test_an_edited_level_keeps_its_triggers_and_a_new_one_starts_without():
    protocol = default_protocol(sample_workbook("cafe"), "en")
    rows = protocol_rows.level_rows(protocol)
    rows[0]["name"], rows[0]["monitor_minutes"] = "Watch", 0
    rows.append({"level": 9, "name": "New", "owner": "", "monitor_minutes": 30,
                 "statement_es": "", "statement_en": "Hello"})
    levels = protocol_rows.levels_from_rows(rows, protocol)
    assert levels[0]["name"] == "Watch" and levels[0]["monitor_minutes"] is None
    assert levels[0]["triggers"] == [tr.model_dump() for tr in protocol.levels[0].triggers]
    assert levels[-1]["triggers"] == [] and levels[-1]["holding_statement"] == {"en": "Hello"}


def test_a_contact_keeps_the_kind_of_its_role_and_a_new_role_is_other():
    protocol = default_protocol(sample_workbook("ngo"), "es")
    rows = protocol_rows.contact_rows(protocol) + [{"role": "Vecina", "name": "", "reach_by": "",
                                                     "after_hours": False, "legal": False}]
    contacts = protocol_rows.contacts_from_rows(rows, protocol)
    assert [c["kind"] for c in contacts[:-1]] == [c.kind for c in protocol.contacts]
    assert contacts[-1]["kind"] == "other"


@given(st.lists(st.fixed_dictionaries({
    "level": st.sampled_from([None, 0, 1.0, 2.0, 3, 4.0]),
    "kind": st.sampled_from([None, "", "media_enquiry", "volume_per_hour", "net_sentiment",
                             "influencer", "other"]),
    "threshold": st.floats(-5, 1e6, allow_nan=False),
    "note": st.text(max_size=10)}), max_size=12))
def test_trigger_rows_group_by_level_and_keep_a_threshold_only_where_one_applies(rows):
    by_level = protocol_rows.triggers_by_level(rows)
    assert sum(map(len, by_level.values())) == len(rows)
    assert all(isinstance(number, int) and number >= 1 for number in by_level)
    for trigger in (tr for group in by_level.values() for tr in group):
        assert ("threshold" in trigger) == (trigger["kind"] in THRESHOLD_RANGE)
        assert trigger["kind"]  # a blank kind is "other", never empty


@given(st.lists(st.text(alphabet="ab ,", max_size=6), max_size=6))
def test_the_approval_chain_has_no_blank_roles_and_reads_back_the_same(parts):
    chain = protocol_rows.approval_chain(",".join(parts))
    assert all(role and role == role.strip() for role in chain)
    assert protocol_rows.approval_chain(", ".join(chain)) == chain


def test_the_default_scenario_is_the_one_written_for_the_sample_else_the_generic_one():
    ids = list_scenarios()
    for org in ORGS:
        chosen = default_scenario(org)
        written = [s for s in ids if load_scenario(s).sample_org == org]
        assert chosen == (written[0] if written else next(s for s in ids
                                                          if s.startswith("generic")))
    assert default_scenario("my-own-org").startswith("generic")
    assert default_scenario(None).startswith("generic")
    assert default_scenario("cafe") == "cafe-allergen-recall"
