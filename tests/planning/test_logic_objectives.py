"""Issue 21.5-21.7: rate objectives in percent and past deadlines (reading typed numbers:
tests/core/test_numbers.py)."""

from __future__ import annotations

from datetime import date

import pytest

from cmtraining.evaluation.attainment import starting_point
from cmtraining.planning.smart import (
    RATES,
    check_smart,
    history,
    plausible_band,
    suggest_target,
)
from cmtraining.samples import list_organizations, sample_workbook
from cmtraining.workbook.models import Objective

TODAY = date(2026, 11, 23)
DEADLINE = date(2027, 5, 24)


def by_code(findings):
    return {f.code.split(".")[1]: f for f in findings}


# --- 21.7 a deadline in the past -------------------------------------------------------


def test_a_past_deadline_gives_one_finding_the_time_bound_one():
    wb = sample_workbook("cafe")
    o = Objective(id="ig", metric="followers", network="instagram", baseline=3171, target=3600,
                  deadline=date(2026, 1, 1), goal_id=wb.profile.goals[0].id)
    found = by_code(check_smart(o, wb, today=TODAY))
    assert "achievable" not in found  # no "growth cannot be computed from 3.171"
    assert found["time_bound"].level == "error"
    assert [f for f in found.values() if f.level == "error"] == [found["time_bound"]]
    assert not any("3.171" in f.message("es") or "3,171" in f.message("en")
                   for f in found.values() if f.code != "smart.measurable")


def test_a_target_on_the_wrong_side_gives_one_finding_the_measurable_one():
    """Found by the sweep: "target below the baseline" and "aim higher than -16.4 % a month"."""
    wb = sample_workbook("saas")
    o = Objective(id="li", metric="followers", network="linkedin", baseline=11676, target=4000,
                  deadline=DEADLINE, goal_id=wb.profile.goals[0].id)
    found = by_code(check_smart(o, wb, today=TODAY))
    assert found["measurable"].level == "error" and "achievable" not in found
    assert "aim higher" not in " ".join(f.message("en") for f in found.values())


def test_a_quoted_goal_ends_its_sentence_once():
    wb = sample_workbook("cafe")
    goal = next(g for g in wb.profile.goals if g.text.endswith("."))
    o = Objective(id="ig", metric="followers", network="instagram", baseline=3171, target=3600,
                  deadline=DEADLINE, goal_id=goal.id)
    message = by_code(check_smart(o, wb, today=TODAY))["relevant"].message("es")
    assert ".»." not in message and message.endswith("».")


# --- 21.5 rate metrics -----------------------------------------------------------------


def test_a_new_metric_starts_from_its_own_history_not_the_old_figures():
    wb = sample_workbook("cafe")
    values = history(wb.metrics, "engagement_rate_reach", "instagram")
    baseline, target = starting_point(wb, "engagement_rate_reach", "instagram", today=TODAY,
                                      deadline=DEADLINE)
    assert baseline == pytest.approx(values[-1], rel=0.01)
    band = plausible_band("engagement_rate_reach", values)
    assert baseline < target <= band.high  # a rate, not 13,478 followers
    # a metric with no figures at all asks for them instead of keeping the old ones
    assert starting_point(wb, "response_rate", "instagram", today=TODAY,
                          deadline=DEADLINE) == (0.0, 0.0)


@pytest.mark.parametrize("org", list_organizations())
def test_the_suggested_rate_range_is_the_band_the_achievable_check_reads(org):
    """One band for both: the suggested range sits inside the usual levels the check accepts."""
    wb = sample_workbook(org)
    checked = 0
    for net in sorted({r.network for r in wb.metrics}):
        for metric in sorted(RATES):
            values = history(wb.metrics, metric, net)
            if len(values) < 6 or values[-1] <= 0:
                continue
            band = plausible_band(metric, values)
            draft = Objective(id="x", metric=metric, network=net, baseline=values[-1],
                              target=values[-1], deadline=DEADLINE, goal_id=wb.profile.goals[0].id)
            s = suggest_target(draft, wb.metrics, TODAY)
            if s is None:  # already beyond its plausible ceiling
                assert values[-1] >= band.ceiling
                continue
            assert band.kind == "level" and s.band == band
            assert draft.baseline <= s.low <= s.mid <= s.high <= band.ceiling
            assert s.high <= max(band.high, band.ceiling)
            for value in (s.mid, s.high):
                target = draft.model_copy(update={"target": value})
                a = by_code(check_smart(target, wb, today=TODAY))["achievable"]
                assert a.level != "error", (org, net, metric, a.message("en"))
            if values[-1] < band.high:
                target = draft.model_copy(update={"target": s.mid})
                a = by_code(check_smart(target, wb, today=TODAY))["achievable"]
                assert a.level in {"ok", "info"}, (org, net, metric, a.message("en"))
            checked += 1
    assert checked


def test_rate_findings_read_as_percentages():
    wb = sample_workbook("cafe")
    o = Objective(id="x", metric="engagement_rate_reach", network="instagram", baseline=0.0566,
                  target=0.0772, deadline=DEADLINE, goal_id=wb.profile.goals[0].id)
    found = by_code(check_smart(o, wb, today=TODAY))
    assert found["measurable"].message("es") == "De 5,7\u00a0% a 7,7\u00a0%."
    assert found["measurable"].message("en") == "From 5.7% to 7.7%."
    assert "7,7\u00a0%" in found["achievable"].message("es")
    assert "0,0772" not in found["achievable"].message("es")
    assert "usual months" in found["achievable"].rule("en")  # the level rule, not compound change


# --- the objectives app ----------------------------------------------------------------


@pytest.fixture
def cafe_card(workspace):
    from cmtraining.apps.objectives import build_app
    from cmtraining.runtime.session import open_session
    from cmtraining.runtime.workspace import create_workbook

    def make(lang):
        entry = create_workbook("Ana", "cafe")
        app = build_app(open_session("01-objectives", workbook=entry.id, lang=lang), today=TODAY)
        app.add_button.click()
        return entry, app.cards.children[0]
    return make


@pytest.mark.parametrize("lang", ["es", "en"])
def test_switching_to_a_rate_resets_the_figures_and_shows_percent(cafe_card, lang):
    from cmtraining.workbook import load

    entry, card = cafe_card(lang)
    card.metric.value = "engagement_rate_reach"
    saved = load(entry.path).objectives[0]
    assert saved.baseline < 1 and saved.baseline < saved.target < 1  # fractions in the store
    dot = "," if lang == "es" else "."
    # as the page writes rates: two significant figures ("5,7", never "5,66")
    assert card.baseline.text.value == f"{saved.baseline * 100:.2g}".replace(".", dot)
    assert card.baseline.unit.value == "%" and card.baseline.unit.layout.display != "none"
    assert "%" in card.suggestion.value and "0.0" not in card.suggestion.value
    card.target.text.value = "8" + dot + "5"  # a percentage typed by the trainee
    assert load(entry.path).objectives[0].target == pytest.approx(0.085)
    card.metric.value = "followers"  # and back: counts again, from the followers history
    saved = load(entry.path).objectives[0]
    assert saved.baseline > 1000 and saved.target > saved.baseline
    assert "%" not in card.target.echo.value and card.target.unit.layout.display == "none"


def test_spanish_thousands_are_saved_as_typed_and_words_are_refused(cafe_card):
    from cmtraining.workbook import load

    entry, card = cafe_card("es")
    card.target.text.value = "4.000"
    assert load(entry.path).objectives[0].target == 4000
    assert card.target.echo.value == ""  # written as the field writes it: nothing to add
    card.target.text.value = "4000"
    assert "= 4.000" in card.target.echo.value  # read, and shown with the reader's grouping
    card.target.text.value = "tres mil"
    assert load(entry.path).objectives[0].target == 4000  # nothing unread is saved
    assert "«tres mil»" in card.target.echo.value and "1.234,5" in card.target.echo.value


def test_every_numeric_table_cell_reads_numbers_as_the_reader_writes_them():
    """The rows editor's number columns (playbook hours, crisis levels, pillar shares...)."""
    from cmtraining.apps.rows import Column, RowsEditor

    saved = []
    editor = RowsEditor([Column("hours", "app.objectives.informant_person", kind="number")],
                        [{"hours": 1.0}], "es", lambda rows: saved.append(rows) or True)
    cell = editor.children[1].children[0]
    cell.text.value = "1500"
    assert saved[-1] == [{"hours": 1500.0}] and "= 1.500" in cell.echo.value
    cell.text.value = "tres mil"
    assert len(saved) == 1 and "«tres mil»" in cell.echo.value
