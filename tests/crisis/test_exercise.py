"""The crisis exercise: turns, the simulated public, score, debrief and after-action report."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from cmtraining.apps.crisis import build_app
from cmtraining.core.errors import CmtrainingError
from cmtraining.crisis.after_action import after_action_html
from cmtraining.crisis.exercise import Exercise
from cmtraining.runtime.session import open_session
from cmtraining.runtime.workspace import create_workbook
from cmtraining.workbook import load

APOLOGY = {"kind": "statement", "strategy": "apology", "channel": "instagram",
           "text": "Lo sentimos mucho, Laura. Si compraste cruasanes el sábado, no los comas "
                   "si hay alergia: te devolvemos el dinero y revisamos qué falló en el obrador."}


def play(actions_per_turn, *, seed=3):
    ex = Exercise("cafe-allergen-recall", lang="es", seed=seed, graph_size=800,
                  org_name="Horno y Café La Mascletà")
    for actions in actions_per_turn:
        ex.act(actions)
    return ex


def test_the_history_a_trainee_saw_never_changes():
    ex = play([[]])
    before = ex.live()
    assert before["minute"].max() == ex.minute == 15  # nothing beyond the clock is shown
    ex.act([APOLOGY])
    after = ex.live()
    assert before.equals(after[after["minute"] <= 15].reset_index(drop=True))
    assert after["minute"].max() == 30


def test_answering_early_lowers_the_expected_negative_reach():
    quick = play([[APOLOGY], [], []]).finish(runs=40)
    silent = play([[], [], []]).finish(runs=40)
    assert quick.outcome["negative_reach"] < silent.outcome["negative_reach"]
    assert quick.score.total > silent.score.total
    assert {c.name for c in quick.score.components} == {
        "timing", "fit", "consistency", "quality", "outcome"}
    assert abs(sum(c.weight for c in quick.score.components) - 1) < 1e-9
    assert silent.counterfactuals[0]["key"] == "earlier"
    assert silent.counterfactuals[0]["change"]["negative_reach"]["change"] < 0
    assert quick.best == "rebuild"  # a preventable crisis: SCCT and the simulation agree


def test_the_debrief_is_reproducible_with_the_seed():
    a = play([[APOLOGY], []]).finish(runs=30)
    b = play([[APOLOGY], []]).finish(runs=30)
    assert a.outcome == b.outcome and a.score.total == b.score.total


def test_after_action_report_has_strengths_improvements_actions_and_timeline():
    ex = play([[APOLOGY], [{"kind": "escalate"}], []])
    html = after_action_html(ex, ex.finish(runs=30), "en")

    class Ids(HTMLParser):
        ids: list = []

        def handle_starttag(self, tag, attrs):
            if tag == "section":
                self.ids.append(dict(attrs)["id"])

    parser = Ids()
    parser.feed(html)
    assert parser.ids == ["score", "strengths", "improvements", "actions", "timeline"]
    assert "SCCT recommends" in html and "escalate to the crisis team" in html


def test_bad_scenario_and_actions_are_refused():
    with pytest.raises(CmtrainingError):
        Exercise("no-such-scenario")
    ex = play([])
    with pytest.raises(CmtrainingError):
        ex.act([{"kind": "statement", "strategy": "shout"}])


def test_the_app_plays_turns_scores_and_saves_the_run(workspace):
    entry = create_workbook("Iván", "cafe", lang="es")
    app = build_app(open_session("05-crisis", workbook=entry.id, lang="es", graph_size=800,
                                 prefill=True), debrief_runs=30)
    player = app.player
    assert load(entry.path).crisis_protocol.levels  # the facilitator's prefill
    player.start.click()
    assert "Minuto 0" in player.clock.value and "laura_ruzafa" in player.inbox.value
    player.kind.value, player.strategy.value, player.text.value = "statement", "apology", APOLOGY["text"]
    player.add.click()
    assert "/100" in player.pending_view.value
    for _ in range(3):
        player.end_turn.click()
    assert "turno 4" in player.clock.value and bytes(player.chart.value).startswith(b"\x89PNG")
    player.finish.click()
    assert "Puntuación" in player.score.value and "cm-aar" in player.debrief.value
    run = load(entry.path).crisis_runs[-1]
    assert run.scenario == "cafe-allergen-recall" and run.score is not None
    assert run.turns[0].actions[0].reply_score is not None and run.outcome.negative_reach >= 0


def test_a_statement_without_a_strategy_is_scored_not_a_crash():
    untagged = {k: v for k, v in APOLOGY.items() if k != "strategy"}
    debrief = play([[untagged], []]).finish(runs=20)
    assert 0 <= debrief.score.total <= 100


def test_the_protocol_is_edited_and_its_gaps_explained(workspace):
    entry = create_workbook("Ana", "ngo", lang="en")
    app = build_app(open_session("05-crisis", workbook=entry.id, lang="en"))
    assert "level" in app.protocol.checks.value.lower()  # an empty protocol has gaps
    app.protocol.default_button.click()
    protocol = load(entry.path).crisis_protocol
    assert len(protocol.levels) == 4 and protocol.contacts and protocol.approval_chain
    rows = [dict(r) for r in app.protocol.trigger_rows.rows]
    rows.append({"level": 2.0, "kind": "volume_per_hour", "threshold": 40.0, "note": "weekend"})
    assert app.protocol._save_triggers(rows)
    level2 = load(entry.path).crisis_protocol.level(2)
    assert any(tr.threshold == 40 and tr.note == "weekend" for tr in level2.triggers)
    rows[-1]["threshold"] = 0.0  # a volume trigger needs a number in range: refused, explained
    assert not app.protocol._save_triggers(rows)
    assert "threshold" in app.status.value.lower() or "umbral" in app.status.value.lower()
    app.protocol.dark_site.value = "Pinned post with the facts, switched on by the CM."
    app.protocol.approval.value = "Director, Legal"
    protocol = load(entry.path).crisis_protocol
    assert protocol.dark_site_plan.startswith("Pinned post") and protocol.approval_chain == [
        "Director", "Legal"]


def test_a_preview_shows_the_default_protocol_read_only():
    """A sample organization's preview has nothing saved: it shows what a protocol looks like."""
    app = build_app(open_session("05-crisis", org="cafe", lang="es"))
    assert "protocolo por defecto" in app.protocol.example_note.value
    assert app.protocol.default_button.layout.display == "none"
    assert len(app.protocol.level_rows.rows) == 4 and app.protocol.level_rows.disabled
    assert app.protocol.approval.value and app.protocol.approval.disabled
    # complete but for the people: the default protocol names roles, never who holds them
    assert "cm-error" not in app.protocol.checks.value + app.protocol.contact_checks.value
    assert "data-code='crisis.protocol.people'" in app.protocol.contact_checks.value
