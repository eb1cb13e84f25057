"""The live crisis workshop (issue 18): batched engine, roles and protocol, durable state.

The batched engine is checked against the single-team engine by property
(hypothesis): a team in the batch is exactly the simulation of its own
actions alone. State tests drop every Python object and reopen the SQLite
file, as a server restart does. No test asserts on time (bench/workshop_turn.py).
"""

from __future__ import annotations

import gc
import re
from dataclasses import asdict

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cmtraining.crisis import audience, simulate_crisis
from cmtraining.crisis.effects import INJECTS
from cmtraining.crisis.public import Response, simulate_crisis_batch
from cmtraining.workshop import (
    Workshop,
    WorkshopConfig,
    WorkshopError,
    open_store,
)
from cmtraining.workshop import store as db

SCENARIO = "saas-cloud-outage"  # 15-minute turns, 60 golden minutes
STATEMENT = {"kind": "statement", "strategy": "apology",
             "text": "Lo sentimos: los paneles no cargan. Estamos en ello y actualizaremos cada "
                     "30 minutos en esta cuenta."}
REPLY = {"kind": "reply", "reply_to": "opening",
         "text": "Hola Niamh, lo sentimos mucho: estamos revisándolo ahora mismo y te escribimos "
                 "en cuanto sepamos más."}


# --- the batched engine -----------------------------------------------------------------

GRAPH = audience(400, seed=3).matrix
PARAMS = {"cluster": "accidental", "initial": 0.02, "aware": 0.05, "virality": 1.5,
          "minutes_per_step": 5}

action = st.one_of(
    st.builds(lambda m, s: {"minute": m, "kind": "statement", "strategy": s},
              st.integers(0, 60), st.sampled_from(["base", "deny", "diminish", "rebuild"])),
    st.builds(lambda m, c, q: {"minute": m, "kind": "reply", "count": c, "quality": q},
              st.integers(0, 60), st.integers(0, 5), st.floats(0, 1)),
    st.builds(lambda m, c: {"minute": m, "kind": "private", "count": c},
              st.integers(0, 60), st.integers(0, 5)),
    st.builds(lambda m, k: {"minute": m, "kind": k}, st.integers(0, 60),
              st.sampled_from(["hold", "escalate", "compensation_public"])),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(teams=st.lists(st.lists(action, max_size=5), min_size=1, max_size=4),
       runs=st.integers(1, 3), steps=st.integers(1, 16), seed=st.integers(0, 2**16))
def test_batched_team_equals_its_single_team_simulation(teams, runs, steps, seed):
    batch = simulate_crisis_batch(GRAPH, PARAMS, teams, steps=steps, runs=runs, seed=seed)
    assert len(batch) == len(teams)
    for actions, outcome in zip(teams, batch, strict=True):
        alone = simulate_crisis(GRAPH, PARAMS, actions, steps=steps, runs=runs, seed=seed)
        pd.testing.assert_frame_equal(outcome.frame, alone.frame)
        pd.testing.assert_frame_equal(outcome.runs, alone.runs)


inject = st.builds(lambda m, k: {"minute": m, "kind": k}, st.integers(0, 60),
                   st.sampled_from(INJECTS))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(teams=st.lists(st.tuples(st.lists(action, max_size=4), st.lists(inject, max_size=3)),
                      min_size=1, max_size=5),
       runs=st.integers(1, 3), steps=st.integers(1, 16), seed=st.integers(0, 2**16))
def test_batched_team_with_injects_equals_its_single_team_simulation(teams, runs, steps, seed):
    """Injects (a team's own outside events) keep the batch exact: team k in the batch is
    its own simulation, whatever the other teams did or received."""
    responses = [Response(tuple(acts), injects=tuple(pushed)) for acts, pushed in teams]
    batch = simulate_crisis_batch(GRAPH, PARAMS, responses, steps=steps, runs=runs, seed=seed)
    for response, outcome in zip(responses, batch, strict=True):
        alone = simulate_crisis(GRAPH, PARAMS, response, steps=steps, runs=runs, seed=seed)
        pd.testing.assert_frame_equal(outcome.frame, alone.frame)
        pd.testing.assert_frame_equal(outcome.runs, alone.runs)


@pytest.mark.parametrize("kind", INJECTS)
def test_an_inject_raises_only_the_targeted_teams_negative_reach(kind):
    """Everything else equal (same seed, actions and graph), the team an inject reaches has
    more negative reach than without it; the other teams' publics do not move at all."""
    acts = ({"minute": 10, "kind": "statement", "strategy": "rebuild"},)
    others = ({"minute": 20, "kind": "hold"}, {"minute": 30, "kind": "reply", "count": 2})
    pushed = Response(acts, injects=({"minute": 15, "kind": kind},))
    without = simulate_crisis_batch(GRAPH, PARAMS, [acts, acts, others], steps=24, runs=20,
                                    seed=11)
    with_it = simulate_crisis_batch(GRAPH, PARAMS, [acts, pushed, others], steps=24, runs=20,
                                    seed=11)
    for k in (0, 2):  # untargeted: identical
        pd.testing.assert_frame_equal(with_it[k].frame, without[k].frame)
        pd.testing.assert_frame_equal(with_it[k].runs, without[k].runs)
    before = with_it[1].frame["minute"] <= 15  # the history before the inject never changes
    pd.testing.assert_frame_equal(with_it[1].frame[before], without[1].frame[before])
    assert with_it[1].runs["negative_reach"].mean() > without[1].runs["negative_reach"].mean()
    assert (with_it[1].runs["negative_reach"] >= without[1].runs["negative_reach"]).mean() > 0.8


def test_inject_effects_are_documented_and_bad_injects_refused():
    from cmtraining.crisis import CrisisEngineError
    from cmtraining.crisis.effects import EFFECTS, PFEFFER_2014

    for kind in INJECTS:
        for rate in ("exposure", "outrage"):
            effect = EFFECTS[f"inject.{kind}.{rate}"]
            assert effect.low == 1 and effect.value >= 1 and effect.meaning
    assert EFFECTS["inject.journalist.exposure"].direction == PFEFFER_2014
    assert EFFECTS["inject.journalist.exposure"].year == 2014
    assert EFFECTS["inject.leaked_memo.outrage"].value == (EFFECTS["cluster.preventable"].value
                                                          / EFFECTS["cluster.accidental"].value)
    for bad, key in (({"minute": 5, "kind": "rumour"}, "crisis.engine.error.inject"),
                     ({"minute": -1, "kind": "journalist"}, "crisis.engine.error.minute"),
                     ({"minute": 5, "kind": "journalist", "size": 3},
                      "crisis.engine.error.inject_field"),
                     ("journalist", "crisis.engine.error.inject_type")):
        with pytest.raises(CrisisEngineError) as err:
            Response((), injects=(bad,))
        assert err.value.key == key


def test_teams_that_do_the_same_see_the_same_public():
    same = [{"minute": 10, "kind": "statement", "strategy": "rebuild"}]
    a, b, c = simulate_crisis_batch(GRAPH, PARAMS, [same, same, []], steps=12, seed=9)
    pd.testing.assert_frame_equal(a.frame, b.frame)
    first = a.frame[a.frame["minute"] <= 10]  # nothing acted yet: identical up to the action
    pd.testing.assert_frame_equal(first, c.frame[c.frame["minute"] <= 10])


def test_chunked_batch_equals_unchunked(monkeypatch):
    """Runs split over several chunks (a big audience) keep each run's own schedule."""
    import cmtraining.crisis.public as public

    teams = [[{"minute": 0, "kind": "reply", "count": 3}], [],
             [{"minute": 5, "kind": "statement", "strategy": "deny"}]]
    whole = simulate_crisis_batch(GRAPH, PARAMS, teams, steps=8, runs=2, seed=4)
    monkeypatch.setattr(public, "_CHUNK_STATES", 400 * 3)  # 3 runs per chunk: splits a team
    split = simulate_crisis_batch(GRAPH, PARAMS, teams, steps=8, runs=2, seed=4)
    for x, y in zip(whole, split, strict=True):
        pd.testing.assert_frame_equal(x.frame, y.frame)


# --- the workshop -------------------------------------------------------------------------

@pytest.fixture
def store(tmp_path):
    s = open_store(str(tmp_path / "ws.sqlite"))
    yield s
    s.close()


def _workshop(store, **kw) -> Workshop:
    config = {"scenario_id": SCENARIO, "seed": 7, "audience_size": 600, "teams": 3, **kw}
    return Workshop.create(store, WorkshopConfig(**config))


def _views(w: Workshop) -> dict:
    return {"teams": {t: asdict(w.team_view(t, lang)) for t in w.team_ids()
                      for lang in ("es", "en")},
            "console": asdict(w.console_view("en")), "turn": w.turn, "minute": w.minute,
            "status": w.status, "drafts": w.drafts()}


def test_restart_loses_nothing(tmp_path):
    """Create, act, drop every Python object, reopen the SQLite file: the same state."""
    path = tmp_path / "restart.sqlite"
    store = open_store(str(path))
    w = _workshop(store, team_names=("Rojo", "Verde", "Azul"))
    tokens = w.tokens()
    w.start()
    pending = w.draft("t1", "lead", STATEMENT)
    w.draft("t2", "replies", REPLY)
    rejected = w.draft("t3", "lead", {**STATEMENT, "strategy": "denial"})
    w.reject("t3", "approval", rejected)
    w.inject("journalist")
    w.inject("Se filtra un correo interno", team_id="t2")
    w.advance()
    w.approve("t1", "approval", pending)  # published at minute 15
    w.draft("t1", "lead", {**STATEMENT, "kind": "update"})  # pending over the restart
    w.advance()
    w.pause()
    before = _views(w)
    del w
    store.close()
    del store
    gc.collect()

    again = open_store(str(path), create=False)
    w, team, boss = Workshop.by_token(again, tokens["facilitator"])
    assert (team, boss) == (None, True)
    assert _views(w) == before
    assert before["status"] == "paused" and before["turn"] == 2 and before["minute"] == 30
    assert Workshop.by_token(again, tokens["t2"])[1:] == ("t2", False)
    view = w.team_view("t1", "es")
    assert [p["minute"] for p in view.published] == [15]
    assert len(view.pending) == 1
    assert [i["type"] for i in w.team_view("t2").inbox if i["kind"] == "facilitator_inject"] == \
        ["journalist", "facilitator"]
    w.resume()  # and the workshop goes on where it was
    assert w.advance().turn == 3
    again.close()


def test_same_seed_same_public_differences_only_from_actions(store):
    w = _workshop(store)
    w.start()
    for _ in range(2):
        w.advance()
    curves = {t: [c["negative_reach"] for c in w.team_view(t).curve] for t in w.team_ids()}
    assert curves["t1"] == curves["t2"] == curves["t3"]  # nobody did anything
    w.draft("t1", "replies", REPLY)  # replies need no approval by default
    d = w.draft("t2", "lead", STATEMENT)
    w.approve("t2", "approval", d)
    for _ in range(4):
        w.advance()
    curves = {t: [c["negative_reach"] for c in w.team_view(t).curve] for t in w.team_ids()}
    assert curves["t1"][:3] == curves["t2"][:3] == curves["t3"][:3]  # history never changes
    assert curves["t1"] != curves["t3"] and curves["t2"] != curves["t3"]
    assert curves["t2"][-1] < curves["t3"][-1]  # an early apology helps this scenario


def test_a_statement_waits_for_the_approver(store):
    w = _workshop(store)
    w.start()
    d = w.draft("t1", "lead", STATEMENT)
    assert [p["draft_id"] for p in w.team_view("t1").pending] == [d]
    assert w.team_view("t1").published == []
    for role in ("lead", "replies", "monitoring"):
        with pytest.raises(WorkshopError) as err:
            w.approve("t1", role, d)
        assert err.value.key == "workshop.error.not_approver"
    with pytest.raises(WorkshopError) as err:  # another team's approver cannot
        w.approve("t2", "approval", d)
    assert err.value.key == "workshop.error.unknown_draft"
    w.advance()
    w.advance()  # the approver is slow: two turns
    w.approve("t1", "approval", d)
    view = w.team_view("t1")
    assert view.pending == [] and [p["minute"] for p in view.published] == [30]
    assert w.team_turns("t1")[0].minute == 30
    with pytest.raises(WorkshopError) as err:
        w.approve("t1", "approval", d)
    assert err.value.key == "workshop.error.not_pending"


def test_roles_draft_only_their_actions(store):
    w = _workshop(store)
    w.start()
    with pytest.raises(WorkshopError) as err:
        w.draft("t1", "replies", STATEMENT)
    assert err.value.key == "workshop.error.role_action"
    for role, act in (("lead", REPLY), ("monitoring", REPLY), ("approval", STATEMENT)):
        with pytest.raises(WorkshopError):
            w.draft("t1", role, act)
    with pytest.raises(WorkshopError) as err:
        w.draft("t9", "lead", STATEMENT)
    assert err.value.key == "workshop.error.unknown_team"
    with pytest.raises(WorkshopError) as err:
        w.draft("t1", "lead", {**STATEMENT, "text": "  "})
    assert err.value.key == "workshop.error.text_empty"
    assert w.drafts() == []


def test_the_protocol_decides_what_needs_approval(store):
    strict = _workshop(store, replies_need_approval=True)
    strict.start()
    strict.draft("t1", "replies", REPLY)
    assert len(strict.team_view("t1").pending) == 1
    flat = _workshop(store, roles=("lead", "replies"))  # no approver: the lead publishes
    flat.start()
    flat.draft("t1", "lead", STATEMENT)
    assert len(flat.team_view("t1").published) == 1


def test_status_rules_and_pause(store):
    w = _workshop(store)
    with pytest.raises(WorkshopError) as err:
        w.draft("t1", "lead", STATEMENT)
    assert err.value.key == "workshop.error.status"
    with pytest.raises(WorkshopError):
        w.advance()
    assert w.team_view("t1").inbox == []  # nothing is shown before the start
    w.start()
    assert [i["id"] for i in w.team_view("t1").inbox] == ["opening"]
    w.pause()
    for call in (lambda: w.advance(), lambda: w.draft("t1", "replies", REPLY), w.pause,
                 w.start):
        with pytest.raises(WorkshopError):
            call()
    w.inject("regulator")  # a paused room still hears the news
    w.resume()
    w.end()
    with pytest.raises(WorkshopError):
        w.resume()
    assert w.status == "ended"


def test_the_last_turn_ends_the_workshop(store):
    w = _workshop(store, sim_minutes_per_turn=120)
    w.start()
    results = []
    while w.status == "running":
        results.append(w.advance())
    assert results[-1].minute == w.duration and results[-1].status == "ended"
    assert w.team_view("t1").curve[-1]["minute"] == w.duration


def test_an_inject_to_one_team_reaches_only_it(store):
    w = _workshop(store)
    w.start()
    w.inject("Una cuenta de 1M de seguidores pregunta", team_id="t3")
    w.inject("leaked_memo")
    kinds = {t: [i["type"] for i in w.team_view(t).inbox if i["kind"] == "facilitator_inject"]
             for t in w.team_ids()}
    assert kinds == {"t1": ["leaked_memo"], "t2": ["leaked_memo"],
                     "t3": ["facilitator", "leaked_memo"]}
    memo = [i for i in w.team_view("t1", "en").inbox if i["kind"] == "facilitator_inject"][0]
    assert "memo" in memo["text"] and "{org}" not in memo["text"]
    with pytest.raises(WorkshopError) as err:
        w.inject("   ")
    assert err.value.key == "workshop.error.inject_empty"
    with pytest.raises(WorkshopError):
        w.inject("x" * 1001)
    assert len(w.console_view().injects) == 2


def test_an_inject_changes_the_public_of_the_teams_it_reaches(store):
    """Two rooms alike (seed, drafts), one with a leaked memo to t2 at minute 15: t2's
    negative reach grows, its curve up to the inject is untouched, t1 and t3 do not move."""
    rooms = []
    for memo in (False, True):
        w = _workshop(store)
        w.start()
        w.approve("t1", "approval", w.draft("t1", "lead", STATEMENT))
        w.draft("t3", "replies", REPLY)
        w.advance()
        shown = {t: w.team_view(t).curve for t in w.team_ids()}
        if memo:
            w.inject("leaked_memo", team_id="t2")
        for _ in range(4):
            w.advance()
        rooms.append((w, shown))
    (plain, _), (memo, shown) = rooms
    curve = {w.id: {t: w.team_view(t).curve for t in w.team_ids()} for w, _ in rooms}
    assert curve[memo.id]["t1"] == curve[plain.id]["t1"]
    assert curve[memo.id]["t3"] == curve[plain.id]["t3"]
    assert curve[memo.id]["t2"][:len(shown["t2"])] == shown["t2"]  # what t2 had seen stays
    assert curve[memo.id]["t2"][-1]["negative_reach"] > curve[plain.id]["t2"][-1]["negative_reach"]
    assert [i.kind for i in memo.inject_events()["t2"]] == ["leaked_memo"]
    assert memo.inject_events()["t1"] == ()


def _advance_racing(w, monkeypatch, act) -> list[int]:
    """Advance `w` with `act` landing between the engine's read and its write (once);
    return the minutes the engine was run for."""
    real = Workshop._simulate
    calls = []

    def racing(self, minute):
        out = real(self, minute)
        if not calls:
            act()
        calls.append(minute)
        return out

    monkeypatch.setattr(Workshop, "_simulate", racing)
    w.advance()
    monkeypatch.setattr(Workshop, "_simulate", real)  # later advances run as usual
    return calls


def test_an_inject_during_the_advance_is_not_lost(store, monkeypatch):
    """The turn is recomputed when an inject lands while the engine runs."""
    w = _workshop(store)
    w.start()
    other = Workshop.load(store, w.id)  # another kernel: the facilitator's console
    assert _advance_racing(w, monkeypatch, lambda: other.inject("journalist", team_id="t1")) \
        == [15, 15]


def test_an_approval_during_the_advance_is_not_lost(store, monkeypatch):
    """The turn is recomputed when a draft is published while the engine runs."""
    w = _workshop(store)
    w.start()
    d = w.draft("t1", "lead", STATEMENT)
    other = Workshop.load(store, w.id)  # another kernel: the approver's page
    assert _advance_racing(w, monkeypatch, lambda: other.approve("t1", "approval", d)) \
        == [15, 15]
    fresh = _workshop(store)  # the same actions without the race
    fresh.start()
    fresh.approve("t1", "approval", fresh.draft("t1", "lead", STATEMENT))
    fresh.advance()
    assert w.team_view("t1").curve == fresh.team_view("t1").curve


def test_real_time_turns_advance_once(store, monkeypatch):
    clock = [db.now()]
    monkeypatch.setattr(db, "now", lambda: clock[0])
    w = _workshop(store, real_seconds_per_turn=60)
    w.start()
    assert w.seconds_left() == 60 and w.advance_if_due() is None
    clock[0] += pd.Timedelta(seconds=40).to_pytimedelta()
    w.pause()
    clock[0] += pd.Timedelta(seconds=600).to_pytimedelta()  # a pause stops the clock
    w.resume()
    assert w.seconds_left() == 20
    clock[0] += pd.Timedelta(seconds=21).to_pytimedelta()
    other = Workshop.load(store, w.id)
    assert w.advance_if_due().turn == 1
    assert other.advance_if_due() is None  # the second page does not advance it again
    assert w.turn == 1 and w.seconds_left() == 60
    assert _workshop(store).seconds_left() is None  # the facilitator advances by hand


def test_tokens_are_unguessable_and_unique(store):
    w = _workshop(store, teams=6)
    tokens = w.tokens()
    assert len(set(tokens.values())) == 7 and all(len(t) >= 32 for t in tokens.values())
    assert set(w.links()) == {"t1", "t2", "t3", "t4", "t5", "t6", "facilitator"}
    for bad in ("", "x", tokens["t1"][:-1], tokens["t1"] + "a", "' OR 1=1 --"):
        with pytest.raises(WorkshopError) as err:
            Workshop.by_token(store, bad)
        assert err.value.key == "workshop.error.unknown_token"
    with pytest.raises(WorkshopError) as err:
        Workshop.load(store, "wnothere")
    assert err.value.key == "workshop.error.unknown_workshop"


@pytest.mark.parametrize(("kw", "key"), [
    ({"teams": 0}, "workshop.error.number"),
    ({"teams": 13}, "workshop.error.number"),
    ({"seed": -1}, "workshop.error.number"),
    ({"audience_size": 10}, "workshop.error.number"),
    ({"sim_minutes_per_turn": 1}, "workshop.error.number"),
    ({"team_names": ("A",)}, "workshop.error.team_names"),
    ({"teams": 2, "team_names": ("A", "A")}, "workshop.error.team_name_value"),
    ({"roles": ("lead", "legal")}, "workshop.error.roles"),
    ({"roles": ("replies",)}, "workshop.error.no_lead"),
    ({"lang": "fr"}, "core.error.unknown_language"),
])
def test_bad_configuration_is_the_packages_error(kw, key):
    with pytest.raises(Exception) as err:
        WorkshopConfig(**{"scenario_id": SCENARIO, **kw})
    assert getattr(err.value, "key", None) == key
    assert "{" not in err.value.message("es") and "{" not in err.value.message("en")


def test_unknown_scenario_writes_nothing(store):
    with pytest.raises(Exception) as err:
        Workshop.create(store, WorkshopConfig("no-such-scenario"))
    assert err.value.key == "crisis.error.unknown_scenario"
    with store.engine.connect() as conn:
        assert conn.execute(db.workshops.select()).first() is None


def test_store_errors(tmp_path):
    with pytest.raises(WorkshopError) as err:
        open_store(str(tmp_path / "missing.sqlite"), create=False)
    assert err.value.key == "workshop.error.no_store"
    assert not (tmp_path / "missing.sqlite").exists()
    with pytest.raises(WorkshopError) as err:
        open_store("nosuchdriver://u:secret@host/db")
    assert err.value.key == "workshop.error.store" and "secret" not in err.value.message("en")
    with pytest.raises(WorkshopError):
        open_store(str(tmp_path / "no" / "dir" / "ws.sqlite"))


def test_default_store_is_in_the_workspace(workspace):
    s = open_store()
    assert (workspace / "workshops.sqlite").is_file()
    s.close()


def test_curves_are_numbers_per_minute(store):
    w = _workshop(store)
    w.start()
    w.advance()
    minutes = [c["minute"] for c in w.team_view("t2").curve]
    assert minutes == [0, 5, 10, 15]
    assert np.all(np.diff([c["negative_reach"] for c in w.team_view("t2").curve]) >= 0)
    console = w.console_view("es")
    assert {c["team"] for c in console.curves} == {"Equipo 1", "Equipo 2", "Equipo 3"}


# --- the debrief ----------------------------------------------------------------------------

@pytest.fixture
def played(store):
    w = _workshop(store, team_names=("Rojo", "Verde", "Azul"))
    w.start()
    w.approve("t1", "approval", w.draft("t1", "lead", STATEMENT))  # at once
    w.draft("t2", "replies", REPLY)
    for _ in range(4):
        w.advance()
    w.approve("t2", "approval", w.draft("t2", "lead", {**STATEMENT, "strategy": "excuse"}))
    w.advance()
    w.end()
    return w


def test_debrief_ranks_teams_and_matches_the_exercise_debrief(played):
    from cmtraining.workshop import debrief

    room = debrief(played, "es", runs=12)
    # Rojo and Verde score 75 (74.6 and 75.3, shown without decimals): a tie
    assert [t.rank for t in room.teams] == [1, 1, 3]
    assert [t.score for t in room.teams] == sorted((t.score for t in room.teams), reverse=True)
    assert room.teams[-1].name == "Azul" and room.teams[-1].first_statement is None
    by_id = {t.team_id: t for t in room.teams}
    assert by_id["t1"].first_statement == 0 and by_id["t2"].first_statement == 60
    for team in room.teams:  # the batch gives what the stage-5 debrief gives alone
        ex = played.team_exercise(team.team_id, "es")
        alone = ex.finish(runs=12)
        assert team.score == alone.score.total and team.outcome == alone.outcome
        assert team.counterfactuals[0]["change"] == alone.counterfactuals[0]["change"]
        assert team.report.startswith("## ") and team.name in team.report
    assert room.reference["negative_reach"] > max(t.outcome["negative_reach"]
                                                  for t in room.teams[:2])
    assert room.best_did_differently and all("{" not in d for d in room.best_did_differently)
    assert all(t.name in room.report for t in room.teams)


def test_debrief_simulates_each_team_with_its_injects(store):
    """A team's injects are in every simulation of its debrief (and in its own no-response
    reference); the other teams' debriefs do not change."""
    from cmtraining.workshop import debrief

    rooms = []
    for memo in (False, True):
        w = _workshop(store)
        w.start()
        w.approve("t1", "approval", w.draft("t1", "lead", STATEMENT))
        if memo:
            w.inject("influencer", team_id="t2")
        for _ in range(3):
            w.advance()
        w.end()
        rooms.append({t.team_id: t for t in debrief(w, "en", runs=6).teams})
    plain, memo = rooms
    for team in ("t1", "t3"):
        assert memo[team].score == plain[team].score
        assert memo[team].outcome == plain[team].outcome
    assert memo["t2"].outcome["negative_reach"] > plain["t2"].outcome["negative_reach"]


def test_debrief_in_both_languages(played):
    from cmtraining.workshop import debrief

    es, en = debrief(played, "es", runs=4), debrief(played, "en", runs=4)
    assert es.report.startswith("# Conclusiones") and en.report.startswith("# Debrief")
    assert "Clasificación" in es.report and "Ranking" in en.report
    for report in (es.report, en.report):
        assert "{" not in report.replace("{org}", "") and "workshop." not in report
    assert [t.score for t in es.teams] == [t.score for t in en.teams]
    with pytest.raises(WorkshopError):
        debrief(played, "es", runs=1)


def test_bend_minute_reads_the_peak_of_new_negative_posts():
    from cmtraining.workshop.debrief import bend_minute

    frame = pd.DataFrame({"minute": [0, 5, 10, 15, 20, 25, 30],
                          "new_negative": [3, 4, 9, 12, 6, 2, 1]})
    outcome = type("O", (), {"frame": frame})()
    assert bend_minute(outcome, 30) == 15
    assert bend_minute(outcome, 15) is None  # still rising when the teams stopped


def test_two_pages_advancing_at_once_move_the_clock_once(store, monkeypatch):
    """A double click, or two pages whose real-time turn ran out together: one turn."""
    w = _workshop(store)
    w.start()
    other = Workshop.load(store, w.id)
    real = Workshop._simulate
    state = {"raced": False}

    def racing(self, minute):
        out = real(self, minute)
        if self is w and not state["raced"]:
            state["raced"] = True
            other.advance()  # the other page wins while this one computes
        return out

    monkeypatch.setattr(Workshop, "_simulate", racing)
    result = w.advance()
    assert (result.turn, result.minute) == (1, 15) and w.turn == 1
    assert set(result.teams) == {"t1", "t2", "t3"}


_TEAM_PROCESS = """
import sys
from cmtraining.workshop import Workshop, open_store
w, team, _ = Workshop.by_token(open_store(sys.argv[1], create=False), sys.argv[2])
for k in range(3):
    w.draft(team, "replies", {{"kind": "reply", "reply_to": "opening",
                               "text": "Hola, lo sentimos mucho: lo revisamos ahora mismo ({{}})."
                               .format(k)}})
    if team == "t1":
        w.advance()
print("ok")
"""


def test_team_pages_in_separate_processes_lose_nothing(tmp_path):
    """Each team page is its own kernel process: concurrent writes to one SQLite file."""
    import subprocess
    import sys

    path = tmp_path / "shared.sqlite"
    store = open_store(str(path))
    w = _workshop(store)
    w.start()
    tokens = w.tokens()
    procs = [subprocess.Popen([sys.executable, "-c", _TEAM_PROCESS.format(), str(path),
                               tokens[team]], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for team in w.team_ids()]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [err for _, err in outs]
    assert w.turn == 3
    drafts = w.drafts()
    assert len(drafts) == 9 and {d["state"] for d in drafts} == {"published"}
    assert {t: sum(d["team_id"] == t for d in drafts) for t in w.team_ids()} == \
        {"t1": 3, "t2": 3, "t3": 3}
    # the stored curves are what every published reply gives: none was lost by a race
    _, frames = w._simulate(w.minute)
    for team, frame in frames.items():
        assert [c["negative_reach"] for c in w.team_view(team).curve] == \
            frame["negative_reach"].tolist()
    store.close()


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(action=st.one_of(
    st.dictionaries(st.sampled_from(["kind", "text", "strategy", "channel", "reply_to", "x"]),
                    st.one_of(st.none(), st.text(max_size=30), st.integers(), st.lists(
                        st.integers(), max_size=2)), max_size=5),
    st.builds(lambda k, s, r: {"kind": k, "text": "Lo sentimos, lo estamos revisando.",
                               "strategy": s, "reply_to": r},
              st.sampled_from(["statement", "reply", "update", "wait", "escalate"]),
              st.sampled_from([None, "apology", "nonsense", "excuse"]),
              st.sampled_from([None, "opening", "missing-post", "inject-0"])),
    st.text(max_size=5), st.integers()),
    role=st.sampled_from(["lead", "replies", "approval", "monitoring", "boss"]))
def test_any_draft_is_taken_or_refused_with_the_packages_error(tmp_path_factory, action, role):
    from cmtraining.core.errors import CmtrainingError

    store = open_store(str(tmp_path_factory.mktemp("fuzz") / "ws.sqlite"))
    w = _workshop(store, teams=1)
    w.start()
    try:
        draft_id = w.draft("t1", role, action)
    except CmtrainingError as err:
        # every placeholder filled (a "{" the trainee typed may be quoted back, as typed)
        said = err.message("en")
        for typed in (action.values() if isinstance(action, dict) else [action]):
            said = said.replace(str(typed), "")
        assert not re.search(r"[{}]", said)
        assert w.drafts() == []  # nothing half-written
    else:
        assert [d["draft_id"] for d in w.drafts()] == [draft_id]
    store.close()


@pytest.mark.parametrize("lang", ["es", "en"])
def test_what_the_best_team_did_reads_as_sentences_even_when_nobody_else_published(lang):
    """A lone statement is compared with nothing ("minute -" said nothing); each line is a
    sentence of its own in the debrief's bullet list."""
    from dataclasses import replace

    from cmtraining.workshop.debrief import TeamDebrief, _differences

    team = TeamDebrief(team_id="t1", name="Rojo", rank=1, score=80.0, components=[],
                       outcome={}, bend_minute=5, counterfactuals=[], strategies=[],
                       best_strategy="", first_statement=0, published=1, replies=0,
                       strategies_used=["apology"], report="")
    quiet = replace(team, team_id="t2", name="Verde", rank=2, first_statement=None,
                    published=0, strategies_used=[])
    lines = _differences([team, quiet, replace(quiet, team_id="t3", name="Azul")], lang)
    assert len(lines) == 3
    assert all(line[0].isupper() for line in lines)
    assert not any(" -)" in line or "minuto -" in line or "minute -" in line for line in lines)
    assert ("ningún otro equipo publicó" if lang == "es" else "no other team published") in lines[0]


@pytest.fixture
def idle(store):
    """Two teams that published nothing: every score the same."""
    w = _workshop(store, teams=2, team_names=("Rojo", "Verde"))
    w.start()
    w.advance()
    w.advance()
    w.end()
    return w


@pytest.mark.parametrize("lang", ["es", "en"])
def test_equal_scores_share_a_rank_and_no_difference_is_claimed(idle, lang):
    """Teams with the same score are ranked 1 and 1 (a tie, said so), and when no team
    published anything the debrief says so instead of inventing a difference."""
    from cmtraining.apps.workshop_debrief_view import debrief_html
    from cmtraining.i18n import t
    from cmtraining.workshop import debrief

    room = debrief(idle, lang, runs=4)
    assert [team.rank for team in room.teams] == [1, 1] and all(team.tied for team in room.teams)
    assert room.best_did_differently == [t("workshop.debrief.diff_nobody", lang)]
    shown = html_text(debrief_html(room, lang))
    tie = html_text(t("workshop.debrief.rank_tied", lang, rank=1))
    assert shown.count(f"<td class='cm-num'>{tie}</td>") == 2 or shown.count(tie) >= 2
    assert t("workshop.debrief.best_tied", lang) in shown
    assert t("workshop.debrief.best", lang, name="Rojo") not in shown
    assert ("contenido" not in shown) and ("content of its texts" not in shown)
    report = html_text(room.report)
    assert f"{tie}. **Rojo**" in report and f"{tie}. **Verde**" in report


def html_text(value: str) -> str:
    """The page's text as read: a no-break space or hyphen reads as a plain one."""
    import html

    return html.unescape(value).replace("\u00a0", " ").replace("\u2011", "-")


def test_ranks_tie_on_the_shown_score_only():
    from dataclasses import replace

    from cmtraining.workshop.debrief import TeamDebrief, assign_ranks

    a = TeamDebrief(team_id="a", name="A", rank=0, score=70.2, components=[], outcome={},
                    bend_minute=None, counterfactuals=[], strategies=[], best_strategy="",
                    first_statement=None, published=0, replies=0, strategies_used=[], report="")
    teams = [a, replace(a, team_id="b", score=69.8), replace(a, team_id="c", score=50.0),
             replace(a, team_id="d", score=49.9)]
    assign_ranks(teams)
    assert [(team.rank, team.tied) for team in teams] == [(1, True), (1, True), (3, True),
                                                          (3, True)]
    teams[3].score = 10.0
    assign_ranks(teams)
    assert [team.rank for team in teams] == [1, 1, 3, 4] and not teams[2].tied


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_rankings_reach_says_its_period_and_the_live_figures_say_theirs(idle, lang):
    """The ranking's negative reach is the Monte Carlo mean at the scenario's end, the cards
    and chart the game as played: two figures, two names, each with its minute."""
    from cmtraining.apps.workshop_debrief_view import debrief_html
    from cmtraining.i18n import t
    from cmtraining.workshop import debrief

    room = debrief(idle, lang, runs=4)
    assert room.played == idle.minute and room.duration > room.played
    shown = html_text(debrief_html(room, lang))
    assert t("app.workshop.reach_expected", lang, end=room.duration) in shown
    assert t("workshop.debrief.reach_note", lang, end=room.duration, runs=4,
             minute=room.played) in shown
    assert f">{t('app.workshop.chart_title', lang)}<" not in shown
    # every sentence of the debrief ends with a full stop
    for team in room.teams:
        assert all(cf["text"].endswith(".") for cf in team.counterfactuals)
    assert all(line.endswith(".") for line in room.best_did_differently)
    assert t("app.workshop.bend_never", lang, team="Rojo").endswith(".")
    assert t("app.workshop.bend_minute", lang, team="Rojo", minute=5).endswith(".")


@pytest.mark.parametrize("lang", ["es", "en"])
def test_when_the_curve_slowed_is_said_without_double_meanings(idle, lang):
    """"Cuándo se dobló la curva" also reads "when the curve doubled" (and it did go from
    59 to 161): the debrief names what bend_minute measures, the peak of new negative
    posts, after which the cumulative curve rises more slowly, never "falls"."""
    from cmtraining.apps.workshop_debrief_view import debrief_html
    from cmtraining.i18n import t
    from cmtraining.workshop import debrief

    shown = html_text(debrief_html(debrief(idle, lang, runs=4), lang)).lower()
    texts = [t("app.workshop.bend_title", lang) + " " + t("app.workshop.bend_note", lang),
             t("app.workshop.bend_never", lang, team="Rojo"),
             t("app.workshop.bend_minute", lang, team="Rojo", minute=5),
             t("workshop.debrief.bend", lang, minute=5), t("workshop.debrief.no_bend", lang)]
    assert t("app.workshop.bend_title", lang).lower() in shown
    assert t("app.workshop.bend_note", lang).lower() in shown  # the heading stays short (sweep 4)
    for text in texts:
        assert not re.search(r"dobl|doubl|\bbent\b|\bbajar\b|\bfell\b", text.lower()), text
    peak = "pico de mensajes negativos nuevos" if lang == "es" else "peak of new negative posts"
    assert peak in texts[0] and peak in texts[3]
    # it reads the average of the simulations, the chart the game as played: each says which
    # (sweep 3: "never slowed down" under a chart that flattened at the end)
    average = "media de las simulaciones" if lang == "es" else "average of the simulations"
    assert all(average in text for text in (texts[0], texts[1], texts[3], texts[4]))


@pytest.mark.parametrize(("lang", "value", "words"), [
    ("es", -0.42, "bajaría un 42\u00a0%"), ("es", 0.05, "subiría un 5\u00a0%"),
    ("es", 0.001, "no cambiaría"), ("en", -0.42, "would fall by 42%"),
    ("en", 0.05, "would rise by 5%"), ("en", -0.004, "would not change")])
def test_a_counterfactual_says_its_direction_in_words(lang, value, words):
    from cmtraining.crisis.after_action import change_words

    assert change_words(value, lang=lang) == words


@pytest.mark.parametrize(("lang", "change", "low", "high", "words"), [
    ("es", -0.42, -0.58, -0.27, "bajaría un 42\u00a0% (entre un 27\u00a0% y un 58\u00a0%)"),
    ("es", 0.3, 0.1, 0.5, "subiría un 30\u00a0% (entre un 10\u00a0% y un 50\u00a0%)"),
    ("es", -0.05, -0.2, 0.1, "podría subir o bajar: entre un 20\u00a0% menos y un 10\u00a0% más"),
    ("en", -0.42, -0.58, -0.27, "would fall by 42% (somewhere between 27% and 58%)"),
    ("en", 0.3, 0.1, 0.5, "would rise by 30% (somewhere between 10% and 50%)"),
    ("en", -0.05, -0.2, 0.1, "could rise or fall: from 20% lower to 10% higher")])
def test_a_counterfactuals_margin_is_said_in_the_sentences_own_terms(lang, change, low, high,
                                                                      words):
    """"bajaría un 42 % (intervalo del 95 %: de -58 % a -27 %)" read as a contradiction: the
    margin is given as the same kind of change as the sentence, and a margin from a fall to
    a rise says plainly that the reach could go either way."""
    from cmtraining.crisis.after_action import change_words

    said = change_words(change, low, high, lang=lang)
    assert said == words and "-" not in said


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_debriefs_terms_of_the_trade_are_explained_and_spanish_says_puesta_en_comun(
        idle, lang):
    from cmtraining.apps.workshop_debrief_view import debrief_html
    from cmtraining.core.text import first_upper
    from cmtraining.i18n import t
    from cmtraining.workshop import debrief

    room = debrief(idle, lang, runs=4)
    shown = html_text(debrief_html(room, lang))
    # the note under the ranking starts with its column's title and says what SCCT stands for
    column = first_upper(t("crisis.score.component.fit", lang))
    fit_note = re.search(r"<p class='cm-muted cm-help cm-ws-help-fit'>([^<]*)</p>", shown)[1]
    assert fit_note.startswith(column + ":")
    assert ("teoría de la comunicación situacional de crisis" if lang == "es"
            else "Situational Crisis Communication Theory") in fit_note and "Coombs" in fit_note
    # the counterfactuals' note: how many simulations, in plain words, no jargon
    cf_note = t("app.workshop.counterfactuals_help", lang, runs=4)
    assert "cm-ws-cf-help" in shown and cf_note in shown and " 4 " in cf_note
    assert not any(jargon in shown for jargon in ("Monte Carlo", "95 de cada 100",
                                                  "95 of every 100", "95 %", "95%"))
    assert all("cambiaría un -" not in cf["text"] and "change by -" not in cf["text"]
               for team in room.teams for cf in team.counterfactuals)
    if lang == "es":
        for key in ("debrief_title", "debrief_button", "intro_console", "debrief_needs_end"):
            assert "debrief" not in t(f"app.workshop.{key}", "es").lower()
