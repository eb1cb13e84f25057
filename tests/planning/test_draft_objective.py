"""The new objective the stage-1 app adds is drafted by the engine (issue 16.2)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from cmtraining.planning.smart import check_smart, draft_objective, history
from cmtraining.samples import list_organizations, sample_workbook

TODAY = date(2026, 11, 2)


@pytest.mark.parametrize("org", list_organizations())
def test_a_draft_starts_on_the_biggest_network_with_a_target_the_check_accepts(org):
    wb = sample_workbook(org)
    draft = draft_objective(wb, TODAY)
    biggest = max(wb.metrics, key=lambda r: r.followers).network
    assert draft.metric == "followers" and draft.network == biggest
    assert draft.baseline == history(wb.metrics, "followers", biggest)[-1]
    assert draft.target > draft.baseline and draft.deadline == TODAY + timedelta(days=182)
    achievable = next(f for f in check_smart(draft, wb, today=TODAY) if f.code == "smart.achievable")
    assert achievable.ok, achievable.message("en")


def test_a_draft_id_is_unique_and_an_empty_workbook_still_gets_one():
    wb = sample_workbook("cafe")
    first = draft_objective(wb, TODAY)
    wb = wb.model_copy(update={"objectives": [first]})
    second = draft_objective(wb, TODAY)
    assert second.id != first.id and second.id.startswith(first.id)
    empty = wb.model_copy(update={"metrics": [], "objectives": []})
    draft = draft_objective(empty, TODAY)
    assert draft.network is None and draft.baseline == 0 and draft.target == 1
