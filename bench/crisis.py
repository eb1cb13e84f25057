"""Crisis engine: batched SIR against NDlib on the same graph, ensembles, a million nodes.

Prints, all measured in this run:

* SIR on a Barabási–Albert graph (n=100,000, m=3; beta 0.05, gamma 0.2, 1%
  initially infected, 50 steps): seconds per run of `simulate_sir` (one run
  at a time, and per run inside a 1,000-run ensemble) next to NDlib's
  SIRModel on the same graph (a networkx copy; NDlib is slow, so only
  `NDLIB_RUNS` runs are timed), with the two mean final sizes side by side;
* the 1,000-run ensemble: total time and peak memory (ru_maxrss of a child
  process, next to the same child's memory after imports and graph);
* a 1,000,000-node graph (m=3): building it and one 50-step run, peak memory
  in a child process;
* the crisis model: 5,000-node audience x 100 runs x 72 steps (12 hours).

Never fails the build. Times are wall-clock on whatever else the machine is
doing (2 cores here); the engine itself is single-threaded numpy/scipy.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time

N, M, BETA, GAMMA, FRACTION, STEPS = 100_000, 3, 0.05, 0.2, 0.01, 50
NDLIB_RUNS = 3
ENSEMBLE = 1_000
SEED = 2026

_CHILD = """
import json, resource, sys, time
from cmtraining.crisis import barabasi_albert, simulate_sir
n, runs = {n}, {runs}
start = time.perf_counter()
graph = barabasi_albert(n, {m}, seed={seed})
built = time.perf_counter() - start
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
frame = simulate_sir(graph, beta={beta}, gamma={gamma}, initial={fraction}, steps={steps},
                     runs=runs, seed={seed})
took = time.perf_counter() - start
last = frame[frame["step"] == {steps}]
print(json.dumps({{"built": built, "took": took, "final": float((last["R"] + last["I"]).mean()),
                  "rss_before": before, "rss_peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}}))
"""


def _child(n: int, runs: int) -> dict:
    code = _CHILD.format(n=n, runs=runs, m=M, seed=SEED, beta=BETA, gamma=GAMMA,
                         fraction=FRACTION, steps=STEPS)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _ndlib(graph) -> tuple[float, float] | None:
    try:
        import ndlib.models.epidemics as ep
        import ndlib.models.ModelConfig as mc
    except ImportError:
        return None
    times, finals = [], []
    for run in range(NDLIB_RUNS):
        start = time.perf_counter()
        model = ep.SIRModel(graph, seed=SEED + run)
        config = mc.Configuration()
        config.add_model_parameter("beta", BETA)
        config.add_model_parameter("gamma", GAMMA)
        config.add_model_parameter("fraction_infected", FRACTION)
        model.set_initial_status(config)
        count = model.iteration_bunch(STEPS + 1, node_status=False)[-1]["node_count"]
        times.append(time.perf_counter() - start)
        finals.append(count[1] + count[2])
    return statistics.median(times), statistics.mean(finals)


def _sir() -> None:
    import networkx as nx

    from cmtraining.crisis import barabasi_albert, simulate_sir

    start = time.perf_counter()
    graph = barabasi_albert(N, M, seed=SEED)
    print(f"  BA graph n={N:,} m={M}: {graph.nnz // 2:,} edges, built in "
          f"{time.perf_counter() - start:.2f} s")
    times, finals = [], []
    for run in range(5):
        start = time.perf_counter()
        frame = simulate_sir(graph, beta=BETA, gamma=GAMMA, initial=FRACTION, steps=STEPS,
                             seed=SEED + run)
        times.append(time.perf_counter() - start)
        last = frame.iloc[-1]
        finals.append(last["R"] + last["I"])
    ours = statistics.median(times)
    ensemble = _child(N, ENSEMBLE)
    per_run = ensemble["took"] / ENSEMBLE
    print(f"  cmtraining simulate_sir: {ours * 1000:.1f} ms per single run, "
          f"{per_run * 1000:.1f} ms per run in a {ENSEMBLE:,}-run ensemble")
    start = time.perf_counter()
    nx_graph = nx.from_scipy_sparse_array(graph)
    print(f"  (networkx copy of the graph for NDlib: {time.perf_counter() - start:.1f} s)")
    reference = _ndlib(nx_graph)
    if reference is None:
        print("  NDlib not installed (pip install '.[bench]'): no reference timing")
    else:
        nd_time, nd_final = reference
        print(f"  NDlib SIRModel: {nd_time:.2f} s per run (median of {NDLIB_RUNS} runs; "
              f"too slow for more)")
        print(f"  speed-up: {nd_time / ours:,.0f}x per single run, {nd_time / per_run:,.0f}x per "
              f"run in the ensemble (target >= 30x, aim 100x)")
        print(f"  mean final size (I+R at step {STEPS}): cmtraining {ensemble['final']:,.0f} "
              f"({ENSEMBLE:,} runs), {statistics.mean(finals):,.0f} (5 single runs); "
              f"NDlib {nd_final:,.0f} ({NDLIB_RUNS} runs)")
    print(f"  ensemble of {ENSEMBLE:,} runs: {ensemble['took']:.1f} s (target < 60 s), peak memory "
          f"{ensemble['rss_peak'] / 1024:,.0f} MB (child after imports + graph: "
          f"{ensemble['rss_before'] / 1024:,.0f} MB)")


def _million() -> None:
    big = _child(1_000_000, 1)
    print(f"  n=1,000,000 m={M}: graph {big['built']:.1f} s, one {STEPS}-step run {big['took']:.1f} s, "
          f"final size {big['final']:,.0f}, peak memory {big['rss_peak'] / 1024:,.0f} MB "
          f"(target < 2,048 MB)")


def _crisis() -> None:
    from cmtraining.crisis import Action, audience, compare, simulate_crisis

    graph = audience(5_000, seed=SEED).matrix
    simulate_crisis(graph, {}, [], steps=3, runs=2, seed=1)  # warm imports
    cases = {"silent, accidental": ({"cluster": "accidental"}, []),
             "statement at 30 min + replies, accidental": (
                 {"cluster": "accidental"},
                 [Action(30, "statement", "diminish"), Action(40, "reply", count=20, quality=0.8)]),
             "silent, preventable (worst case)": ({"cluster": "preventable"}, [])}
    outcomes = {}
    for label, (scene, actions) in cases.items():
        start = time.perf_counter()
        outcomes[label] = simulate_crisis(graph, scene, actions, steps=72, runs=100, seed=SEED)
        took = time.perf_counter() - start
        share = outcomes[label].runs["outraged_share"].mean()
        print(f"  5,000 nodes x 100 runs x 72 steps, {label}: {took:.2f} s "
              f"(ever outraged {share:.1%})")
    base, answered = (outcomes[k] for k in list(cases)[:2])
    diff = compare(base, answered).loc["negative_reach"]
    print(f"  counterfactual (same seed): answering changes negative reach by {diff['mean']:,.0f} "
          f"[{diff['ci_low']:,.0f}, {diff['ci_high']:,.0f}] per run")


def main() -> None:
    _sir()
    _million()
    _crisis()


if __name__ == "__main__":
    main()
