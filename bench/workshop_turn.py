"""Live crisis workshop: one turn for 6 teams in one batched engine call vs 6 separate runs.

Prints, all measured in this run, side by side (interleaved, median of
`REPEATS`):

* the engine part of one turn: every team's public re-simulated from minute
  0 with its own actions (the workshop's `advance`), batched
  (`simulate_crisis_batch`, a team per run, common random numbers) against
  six single-team `simulate_crisis` calls (what six separate stage-5
  exercises would do), at turn 6, at the last turn and summed over every
  turn of the workshop; target >= 3x (issue 18). The batch pays each
  step's fixed cost once for every team, draws the seed's numbers once, and
  steps teams whose schedules still agree as one (`crisis/spread.py`); what
  remains per team is the work on its own outraged and aware nodes;
* a whole `Workshop.advance()` (engine plus the SQLite writes) per turn;
* the debrief: every team's Monte Carlo plan in one batch against six
  `Exercise.finish` calls (same runs).

Never fails the build. Times are wall-clock on whatever else the machine is
doing (2 cores shared here).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

SCENARIO = "saas-cloud-outage"
TEAMS, AUDIENCE, SEED = 6, 3000, 2026
REPEATS = 7
ALL_TURNS_REPEATS = 3
DEBRIEF_RUNS = 30
TEXT = {"statement": "Lo sentimos: los paneles no cargan. Estamos en ello y actualizaremos cada "
                     "30 minutos.",
        "reply": "Hola, lo sentimos mucho: lo estamos revisando ahora mismo."}


def _workshop(folder: Path):
    from cmtraining.workshop import Workshop, WorkshopConfig, open_store

    store = open_store(str(folder / "bench.sqlite"))
    w = Workshop.create(store, WorkshopConfig(SCENARIO, seed=SEED, audience_size=AUDIENCE,
                                              teams=TEAMS, roles=("lead", "replies")))
    w.start()
    return w


def _play(w, turns: int) -> list[float]:
    """Teams act differently (a statement at turn k for team k, replies for even teams)."""
    seconds = []
    for turn in range(turns):
        for k, team in enumerate(w.team_ids()):
            if k == turn:
                w.draft(team, "lead", {"kind": "statement", "strategy": "apology",
                                       "text": TEXT["statement"]})
            if k % 2 == 0 and turn < 3:
                w.draft(team, "replies", {"kind": "reply", "reply_to": "opening",
                                          "text": TEXT["reply"]})
        start = time.perf_counter()
        w.advance()
        seconds.append(time.perf_counter() - start)
    return seconds


def _engine(w, minute: int, repeats: int = REPEATS) -> tuple[float, float]:
    from cmtraining.crisis.exercise import MINUTES_PER_STEP
    from cmtraining.crisis.public import simulate_crisis, simulate_crisis_batch

    responses = list(w.responses().values())
    params, graph = w.exercise().params(), w.graph
    steps = max(1, minute // MINUTES_PER_STEP)
    batched, separate = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        simulate_crisis_batch(graph, params, responses, steps=steps, seed=SEED)
        batched.append(time.perf_counter() - start)
        start = time.perf_counter()
        for response in responses:
            simulate_crisis(graph, params, response, steps=steps, seed=SEED)
        separate.append(time.perf_counter() - start)
    return statistics.median(batched), statistics.median(separate)


def _debrief(w) -> tuple[float, float]:
    from cmtraining.workshop import debrief

    start = time.perf_counter()
    debrief(w, "es", runs=DEBRIEF_RUNS)
    batched = time.perf_counter() - start
    start = time.perf_counter()
    for team in w.team_ids():
        w.team_exercise(team, "es").finish(runs=DEBRIEF_RUNS)
    return batched, time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="cmtraining-bench-ws-") as folder:
        w = _workshop(Path(folder))
        advances = _play(w, 6)
        print(f"{TEAMS} teams, audience {AUDIENCE}, scenario {SCENARIO} "
              f"({w.minutes_per_turn} simulated minutes per turn, {w.duration} in all)")
        print(f"Workshop.advance (engine + SQLite), median of {len(advances)} turns: "
              f"{statistics.median(advances) * 1000:.0f} ms")
        for label, minute in (("turn 6", w.minute), ("last turn", w.duration)):
            batched, separate = _engine(w, minute)
            print(f"one turn's engine, {label} (minute {minute}): batched "
                  f"{batched * 1000:.0f} ms, {TEAMS} separate runs {separate * 1000:.0f} ms, "
                  f"ratio {separate / batched:.1f}x (target >= 3x)")
        pairs = [_engine(w, minute, ALL_TURNS_REPEATS)
                 for minute in range(w.minutes_per_turn, w.duration + 1, w.minutes_per_turn)]
        batched, separate = sum(b for b, _ in pairs), sum(s for _, s in pairs)
        print(f"every turn of the workshop ({len(pairs)} turns, the same actions): batched "
              f"{batched * 1000 / len(pairs):.0f} ms per turn, {TEAMS} separate runs "
              f"{separate * 1000 / len(pairs):.0f} ms per turn, ratio {separate / batched:.1f}x")
        batched, separate = _debrief(w)
        print(f"debrief ({DEBRIEF_RUNS} Monte Carlo runs per simulation): batched "
              f"{batched:.1f} s, {TEAMS} separate Exercise.finish {separate:.1f} s, "
              f"ratio {separate / batched:.1f}x")
        w.store.close()


if __name__ == "__main__":
    main()
