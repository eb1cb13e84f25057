"""The crisis engine against theory, a reference library and its own contract.

Every test is seeded, so a pass is reproducible; tolerances are stated where
they are used. No test asserts on time (the benchmark does that).
"""

from __future__ import annotations

import warnings

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cmtraining.crisis import (
    Action,
    CrisisEngineError,
    CrisisGraphWarning,
    Response,
    audience,
    barabasi_albert,
    compare,
    simulate_crisis,
    simulate_ic,
    simulate_sir,
    small_world,
    stochastic_block,
    summarize,
)
from cmtraining.crisis.effects import EFFECTS, parameters, strategy_fit


def _solve(f, low=1e-9, high=1.0):
    """Bisection: f(low) < 0 < f(high)."""
    for _ in range(200):
        mid = (low + high) / 2
        low, high = (mid, high) if f(mid) < 0 else (low, mid)
    return (low + high) / 2


# --- graphs -----------------------------------------------------------------

def _simple(matrix) -> bool:
    return (matrix != matrix.T).nnz == 0 and not matrix.diagonal().any()


def test_barabasi_albert_is_simple_with_the_ba_degree_law():
    a = barabasi_albert(50_000, 3, seed=1)
    degree = np.diff(a.indptr)
    assert _simple(a)
    assert abs(degree.mean() - 6) < 0.06  # 2m, minus the few dropped repeats (1%)
    # P(k) = 2m(m+1) / (k(k+1)(k+2)): 0.40 at k = m, 0.20 at k = m+1 (±0.02)
    assert abs((degree == 3).mean() - 0.40) < 0.02
    assert abs((degree == 4).mean() - 0.20) < 0.02
    assert degree.max() > 500  # hubs
    assert (barabasi_albert(2000, 2, seed=5) != barabasi_albert(2000, 2, seed=5)).nnz == 0


def test_small_world_and_blocks():
    ring = small_world(1000, 6, 0.0, seed=1)
    assert _simple(ring) and set(np.diff(ring.indptr)) == {6}
    assert nx.average_clustering(nx.from_scipy_sparse_array(ring)) == pytest.approx(0.6)
    rewired = small_world(1000, 6, 0.1, seed=1)
    assert _simple(rewired) and abs(rewired.nnz / 1000 - 6) < 0.05
    matrix, block = stochastic_block([3000, 1000], [[0.002, 0.001], [0.001, 0.004]], seed=2)
    assert _simple(matrix) and np.bincount(block).tolist() == [3000, 1000]
    within = matrix[block == 1][:, block == 1].nnz / 1000  # expected 999 * 0.004 ≈ 4.0
    assert abs(within - 4.0) < 0.3


def test_audience_segments_have_their_expected_degree():
    aud = audience(20_000, seed=3)
    degree = np.diff(aud.matrix.indptr)
    by_segment = {name: degree[aud.segment == i].mean() for i, name in enumerate(aud.names)}
    # expected sum_s affinity[r][s] * share[s]: fans 9.7, customers 7.9, public 6.0, media 51
    for name, expected in {"fans": 9.7, "customers": 7.9, "public": 6.0, "media": 51}.items():
        assert by_segment[name] == pytest.approx(expected, rel=0.08), name


# --- SIR against percolation theory and NDlib ---------------------------------

@pytest.mark.parametrize(("c", "beta", "gamma"), [(4, 0.2, 0.5), (6, 0.1, 0.3)])
def test_sir_final_size_matches_percolation_theory(c, beta, gamma):
    """Erdős–Rényi, mean degree c: T = beta/(1-(1-beta)(1-gamma)) and the final size z
    solves z = 1 - (1-eps) exp(-c T z) (eps = initially infected). Tolerance: 3 points."""
    n, eps = 40_000, 0.002
    matrix, _ = stochastic_block([n], [[c / n]], seed=11)
    mean_degree = matrix.nnz / n
    T = beta / (1 - (1 - beta) * (1 - gamma))
    z = _solve(lambda x: x - 1 + (1 - eps) * np.exp(-mean_degree * T * x))
    frame = simulate_sir(matrix, beta=beta, gamma=gamma, initial=eps, steps=300, runs=5, seed=2)
    last = frame[frame["step"] == 300]
    assert (last["I"] == 0).all()  # every run has ended
    assert abs(last["R"].mean() / n - z) < 0.03
    assert (abs(last["R"] / n - z) < 0.05).all()


def test_sir_below_threshold_stays_small():
    n = 20_000
    matrix, _ = stochastic_block([n], [[3 / n]], seed=4)  # c T = 3 * 0.2 = 0.6 < 1
    frame = simulate_sir(matrix, beta=0.1, gamma=0.5, initial=[0, 1, 2], steps=200, runs=20, seed=1)
    assert frame[frame["step"] == 200]["R"].max() < 0.01 * n


def test_sir_agrees_with_ndlib():
    """Mean final size over 40 runs each on the same graph, within two standard errors."""
    ep = pytest.importorskip("ndlib.models.epidemics")
    mc = pytest.importorskip("ndlib.models.ModelConfig")
    graph = nx.fast_gnp_random_graph(1500, 5 / 1500, seed=3)
    runs, steps, beta, gamma = 40, 40, 0.1, 0.3
    ours = simulate_sir(graph, beta=beta, gamma=gamma, initial=0.02, steps=steps, runs=runs, seed=5)
    ours = (ours[ours["step"] == steps]["R"] + ours[ours["step"] == steps]["I"]).to_numpy()
    theirs = []
    for run in range(runs):
        model = ep.SIRModel(graph, seed=1000 + run)
        config = mc.Configuration()
        config.add_model_parameter("beta", beta)
        config.add_model_parameter("gamma", gamma)
        config.add_model_parameter("fraction_infected", 0.02)
        model.set_initial_status(config)
        count = model.iteration_bunch(steps + 1, node_status=False)[-1]["node_count"]
        theirs.append(count[1] + count[2])
    theirs = np.array(theirs, dtype=float)
    se = np.sqrt(ours.var(ddof=1) / runs + theirs.var(ddof=1) / runs)
    assert abs(ours.mean() - theirs.mean()) < 2 * se


# --- independent cascade: exact expected spreads -----------------------------------

def _mean_spread(graph, p, seeds, runs=20_000, seed=1):
    frame = simulate_ic(graph, p=p, initial=seeds, runs=runs, seed=seed)
    final = frame.groupby("run")["total"].last().to_numpy(float)
    return final.mean(), final.std(ddof=1) / np.sqrt(runs)


@pytest.mark.parametrize(("n", "p"), [(6, 0.6), (10, 0.3), (4, 1.0)])
def test_ic_exact_spread_on_paths_and_stars(n, p):
    """Closed forms, tolerance 4 standard errors (or exact when p = 1)."""
    cases = [(nx.path_graph(n), [0], sum(p**k for k in range(n))),
             (nx.star_graph(n - 1), [0], 1 + (n - 1) * p),
             (nx.star_graph(n - 1), [1], 1 + p + (n - 2) * p**2)]
    for graph, seeds, expected in cases:
        mean, se = _mean_spread(graph, p, seeds)
        assert abs(mean - expected) <= 4 * se + 1e-9, (graph, seeds, mean, expected)


def test_ic_frame_and_sparse_input():
    path = sp.csr_array(nx.to_scipy_sparse_array(nx.path_graph(5)))
    frame = simulate_ic(path, p=1.0, initial=[0], runs=2, seed=0)
    assert frame.columns.tolist() == ["run", "step", "active", "total"]
    assert frame[frame["run"] == 0]["total"].tolist() == [1, 2, 3, 4, 5]


# --- the crisis model ----------------------------------------------------------------

@pytest.fixture(scope="module")
def crowd():
    return audience(3000, seed=21).matrix


SCENE = {"cluster": "preventable", "initial": 0.01}


def _reach(graph, actions, steps=72, runs=60, scene=SCENE):
    return simulate_crisis(graph, scene, actions, steps=steps, runs=runs, seed=9)


def test_a_denial_calms_a_rumour_but_backfires_on_a_real_victim_crisis(crowd):
    """The score's rule in the simulated public: deny fits only an unfounded claim."""
    rumour = {"cluster": "victim", "unfounded": True, "initial": 0.01}
    flood = {"cluster": "victim", "initial": 0.01}
    deny, base = [Action(30, "statement", "deny")], [Action(30, "statement", "base")]
    reach = lambda scene, actions: _reach(crowd, actions, scene=scene).runs["negative_reach"].mean()  # noqa: E731
    assert reach(rumour, deny) < reach(rumour, [])  # silence lets the rumour run
    assert reach(flood, deny) > reach(flood, []) > reach(flood, base)  # denying a flood backfires


def test_earlier_first_statement_means_less_negative_reach(crowd):
    early = _reach(crowd, [Action(20, "statement", "rebuild")])
    late = _reach(crowd, [Action(240, "statement", "rebuild")])
    silent = _reach(crowd, [])
    diff = compare(late, early).loc["negative_reach"]
    assert diff["ci_high"] < 0  # paired (same seed): early is lower in expectation
    assert early.runs["negative_reach"].mean() < late.runs["negative_reach"].mean() \
        < silent.runs["negative_reach"].mean()
    assert early.runs["reputation"].mean() > late.runs["reputation"].mean()


def test_public_compensation_fuels_the_crisis(crowd):
    base = [Action(30, "statement", "rebuild")]
    fuelled = _reach(crowd, [*base, Action(30, "compensation_public")])
    assert compare(_reach(crowd, base), fuelled).loc["negative_reach", "ci_low"] > 0


def test_mixing_deny_with_rebuild_is_worse_than_rebuild_alone(crowd):
    alone = _reach(crowd, [Action(30, "statement", "rebuild")])
    mixed = _reach(crowd, [Action(30, "statement", "rebuild"), Action(40, "statement", "deny")])
    assert mixed.response.mixed and not alone.response.mixed
    assert compare(alone, mixed).loc["negative_reach", "ci_low"] > 0
    assert mixed.runs["reputation"].mean() < alone.runs["reputation"].mean()


def test_replies_and_private_channel_calm_sharers(crowd):
    statement = [Action(30, "statement", "diminish")]
    talk = [*statement, *(Action(m, "reply", count=10, quality=0.9) for m in range(30, 200, 20)),
            Action(40, "private", count=10)]
    assert compare(_reach(crowd, statement), _reach(crowd, talk)).loc["ever_outraged", "ci_high"] < 0


def test_crisis_is_deterministic_resumable_and_run_independent(crowd):
    actions = [Action(10, "hold"), Action(60, "statement", "apology"), Action(70, "reply", count=5)]
    one = _reach(crowd, actions, steps=30, runs=8)
    again = _reach(crowd, actions, steps=30, runs=8)
    assert one.frame.equals(again.frame) and one.runs.equals(again.runs)
    # the turn-based exercise re-simulates: the first 12 steps do not depend on later ones
    prefix = _reach(crowd, actions, steps=12, runs=8).frame
    assert prefix.equals(one.frame[one.frame["step"] <= 12].reset_index(drop=True))
    # run r is the same whatever the number of runs
    few = _reach(crowd, actions, steps=30, runs=3).frame
    assert few.equals(one.frame[one.frame["run"] < 3].reset_index(drop=True))
    assert one.response.actions[1].strategy == "rebuild"  # "apology" read as its family


def test_crisis_frame_and_summary(crowd):
    out = _reach(crowd, [Action(30, "statement", "rebuild")], steps=20, runs=10)
    assert out.frame.columns.tolist() == ["run", "step", "minute", "unaware", "aware", "outraged",
                                          "calmed", "new_negative", "negative_reach"]
    assert out.frame["minute"].max() == 200
    table = summarize(out)
    assert set(table.columns) == {"mean", "sd", "ci_low", "ci_high", "p2_5", "p97_5"}
    assert ((table["ci_low"] <= table["mean"]) & (table["mean"] <= table["ci_high"])).all()
    assert out.runs["reputation"].between(0, 100).all()


def test_strategy_fit_follows_scct():
    under = EFFECTS["fit.under"].value
    assert strategy_fit("rebuild", "preventable", False, "good", under) == 1
    assert strategy_fit("diminish", "preventable", False, "good", under) == under
    assert strategy_fit("diminish", "accidental", False, "neutral", under) == 1
    assert strategy_fit("diminish", "accidental", True, "neutral", under) == under
    assert strategy_fit("deny", "victim", False, "good", under, unfounded=True) == 1
    assert strategy_fit("deny", "victim", False, "good", under) == 0  # a real flood: never deny
    assert strategy_fit("deny", "accidental", False, "good", under) == 0
    assert strategy_fit("base", "victim", False, "good", under) == 1


def test_every_effect_has_a_basis_and_can_be_changed():
    for name, effect in EFFECTS.items():
        assert effect.low <= effect.value <= effect.high, name
        assert effect.direction and effect.magnitude and effect.meaning, name
    assert parameters({"rate.outrage": 0.4})["rate.outrage"] == 0.4


# --- bad input: the package's error, with a clear message --------------------------------

def _message(call) -> str:
    with pytest.raises(CrisisEngineError) as info:
        call()
    assert info.value.message("es") != info.value.message("en")
    return info.value.message("en")


def test_bad_input_is_a_clear_error(crowd):
    path = nx.path_graph(5)
    ok = {"beta": 0.1, "gamma": 0.1, "initial": [0], "steps": 3}
    assert "beta" in _message(lambda: simulate_sir(path, **{**ok, "beta": 1.5}))
    assert "gamma" in _message(lambda: simulate_sir(path, **{**ok, "gamma": -0.1}))
    assert "p must be a probability" in _message(lambda: simulate_ic(path, p=float("nan"), initial=[0]))
    assert "no nodes" in _message(lambda: simulate_sir(nx.Graph(), **ok))
    assert "square" in _message(lambda: simulate_sir(sp.csr_array((2, 3)), **ok))
    assert "'x'" in _message(lambda: simulate_sir(path, **{**ok, "initial": [0, "x"]}))
    assert "7" in _message(lambda: simulate_sir(sp.csr_array((5, 5)), **{**ok, "initial": [7]}))
    assert "empty" in _message(lambda: simulate_ic(path, p=0.5, initial=[]))
    assert "fraction" in _message(lambda: simulate_ic(path, p=0.5, initial=1.0))
    assert "steps" in _message(lambda: simulate_sir(path, **{**ok, "steps": 0}))
    assert "runs" in _message(lambda: simulate_sir(path, **ok, runs=2.5))
    assert "runs" in _message(lambda: simulate_ic(path, p=0.5, initial=[0], runs=True))
    assert "networkx" in _message(lambda: simulate_sir([[0, 1], [1, 0]], **ok))
    assert "no connections" in _message(lambda: simulate_crisis(sp.csr_array((5, 5)), {}, [],
                                                                steps=3))
    assert "apologise" in _message(lambda: Action(10, "statement", "apologise"))
    assert "strategy" in _message(lambda: Action(10, "statement"))
    assert "tweet" in _message(lambda: Action(10, "tweet"))
    assert "-5" in _message(lambda: Action(-5, "hold"))
    assert "quality" in _message(lambda: Action(5, "reply", count=3, quality=2))
    assert "empathy" in _message(lambda: Response([], empathy=1.5))
    assert "careless" in _message(lambda: simulate_crisis(crowd, {"cluster": "careless"}, [], steps=3))
    assert "awful" in _message(lambda: simulate_crisis(crowd, {"reputation": "awful"}, [], steps=3))
    assert "colour" in _message(lambda: simulate_crisis(crowd, {"colour": 1}, [], steps=3))
    assert "rate.nope" in _message(lambda: simulate_crisis(crowd, {"effects": {"rate.nope": 1}}, [],
                                                           steps=3))


def test_disconnected_graphs(crowd):
    """SIR/IC accept them (spread stays in its component); the crisis model warns when
    less than half the audience is in the largest component, and still runs."""
    islands = nx.disjoint_union_all([nx.complete_graph(5) for _ in range(10)])
    frame = simulate_sir(islands, beta=1.0, gamma=1.0, initial=[0], steps=5)
    assert frame["R"].iloc[-1] == 5
    with pytest.warns(CrisisGraphWarning, match="10%"):
        simulate_crisis(islands, {"initial": [0]}, [], steps=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        simulate_crisis(crowd, SCENE, [], steps=3)


# --- properties ---------------------------------------------------------------------------

graphs = st.builds(lambda n, p, seed: nx.gnp_random_graph(n, p, seed=seed),
                   st.integers(1, 40), st.floats(0, 0.5), st.integers(0, 10_000))
probability = st.floats(0, 1)
prop = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@prop
@given(graphs, probability, probability, st.integers(1, 3), st.integers(0, 10_000))
def test_sir_conserves_nodes_and_is_monotone(graph, beta, gamma, runs, seed):
    frame = simulate_sir(graph, beta=beta, gamma=gamma, initial=[0], steps=15, runs=runs, seed=seed)
    n = graph.number_of_nodes()
    assert ((frame["S"] + frame["I"] + frame["R"]) == n).all()
    assert (frame[["S", "I", "R"]] >= 0).all().all()
    for _, run in frame.groupby("run"):
        assert (np.diff(run["S"]) <= 0).all() and (np.diff(run["R"]) >= 0).all()


@prop
@given(graphs, probability, st.integers(0, 10_000))
def test_ic_total_is_monotone_and_bounded(graph, p, seed):
    frame = simulate_ic(graph, p=p, initial=[0], runs=3, seed=seed)
    assert (frame["total"] <= graph.number_of_nodes()).all()
    for _, run in frame.groupby("run"):
        assert (np.diff(run["total"]) > 0).all() and run["total"].iloc[0] == 1


@prop
@given(st.integers(5, 60), st.integers(0, 10_000), st.sampled_from(["deny", "rebuild", "base"]),
       st.integers(0, 120))
def test_crisis_conserves_nodes(n, seed, strategy, minute):
    graph = nx.connected_watts_strogatz_graph(n, 4, 0.2, seed=seed)
    out = simulate_crisis(graph, {"initial": [0, 1], "aware": 0.1}, [
        Action(minute, "statement", strategy), Action(minute, "reply", count=2)],
        steps=12, runs=2, seed=seed)
    frame = out.frame
    assert ((frame[["unaware", "aware", "outraged", "calmed"]].sum(axis=1)) == n).all()
    for _, run in frame.groupby("run"):
        assert (np.diff(run["negative_reach"]) >= 0).all() and (np.diff(run["unaware"]) <= 0).all()
        assert (np.diff(run["calmed"]) >= 0).all()
