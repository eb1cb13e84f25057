"""The crisis model: how the public reacts, step by step, to what the organization does.

States of each audience member (node):

    unaware --(sees an outraged neighbour's post)--> aware  or  outraged
    aware   --(sees more of it)--> outraged       aware --(settles)--> calmed
    outraged (shares; exposes its neighbours) --(calms, or is answered)--> calmed

One step is `minutes_per_step` (default 10). In a step, a node with k
outraged neighbours sees the content with probability 1-(1-exposure)^k and
becomes outraged with probability `outrage` when it does; outraged nodes calm
with probability `calm`, aware ones settle with `settle`. The organization's
timed actions change those rates from the step that starts at or after their
minute (`effects.py` lists every effect and its source). Replies and moves
to a private channel act on individual sharers, most-followed first.

Counterfactuals and turns: every run has its own generator, a child of
`SeedSequence(seed)` keyed by the run's number, and draws the same uniforms
in the same order whatever the actions (two per node per step). Two action
lists simulated with the same seed therefore share their random numbers
(common random numbers), and run r is the same whatever `runs` is. Nothing
is stored between turns: the exercise re-simulates from minute 0 with the
actions so far, and the first t steps are identical whatever happens after
(5,000 nodes x 100 runs x 72 steps take well under a second).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, fields

import numpy as np

from cmtraining.crisis import effects as fx
from cmtraining.crisis.diffusion import initial_rows, seed_sequence
from cmtraining.crisis.graphs import CrisisEngineError, _positive_int, to_adjacency

KINDS = ("hold", "statement", "reply", "private", "compensation_public", "escalate")
UNAWARE, AWARE, OUTRAGED, CALMED = 0, 1, 2, 3
_CHUNK_STATES = 1 << 23


class CrisisGraphWarning(UserWarning):
    """The audience graph is mostly disconnected: the crisis cannot reach most of it."""


def _unit(name, value):
    ok = isinstance(value, int | float) and not isinstance(value, bool) and np.isfinite(value)
    if not ok or not 0.0 <= value <= 1.0:
        raise CrisisEngineError("crisis_engine.error.unit_interval", name=name, value=repr(value))
    return float(value)


def _build(cls, value, key):
    if isinstance(value, cls):
        return value
    if not isinstance(value, dict):
        raise CrisisEngineError(f"crisis_engine.error.{key}_type", type=type(value).__name__)
    names = [f.name for f in fields(cls)]
    for name in value:
        if name not in names:
            raise CrisisEngineError(f"crisis_engine.error.{key}_field", value=str(name),
                                    allowed=", ".join(names))
    return cls(**value)


@dataclass(frozen=True)
class ScenarioParams:
    """The crisis before anyone answers: SCCT cluster, history, prior reputation, who starts it.

    `initial` is a fraction of the audience outraged at minute 0 (drawn per
    run) or a list of node ids; `aware` a further fraction that already
    heard of it, not outraged (drawn per run); `virality` multiplies the
    exposure rate (how catchy the story is). A scenario file's `outrage`
    block maps as initial=outraged, aware=aware-outraged, virality=virality.
    `effects` overrides any entry of EFFECTS.
    """

    cluster: str = "accidental"
    history: bool = False
    reputation: str = "neutral"
    unfounded: bool = False  # a rumour or unwarranted challenge: the one case deny fits
    initial: object = 0.005
    aware: float = 0.0
    virality: float = 1.0
    minutes_per_step: float = 10.0
    effects: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.cluster not in fx.CLUSTERS:
            raise CrisisEngineError("crisis_engine.error.cluster", value=str(self.cluster),
                                    allowed=", ".join(fx.CLUSTERS))
        if self.reputation not in fx.PRIORS:
            raise CrisisEngineError("crisis_engine.error.reputation", value=str(self.reputation),
                                    allowed=", ".join(fx.PRIORS))
        mps = self.minutes_per_step
        if isinstance(mps, bool) or not isinstance(mps, int | float) or not 0 < mps < 1e6:
            raise CrisisEngineError("crisis_engine.error.minutes_per_step", value=repr(mps))
        _unit("aware", self.aware)
        v = self.virality
        if isinstance(v, bool) or not isinstance(v, int | float) or not 0 <= v <= 10:
            raise CrisisEngineError("crisis_engine.error.effect_value", name="virality",
                                    value=repr(v), low=0, high=10)
        fx.parameters(self.effects)


@dataclass(frozen=True)
class Action:
    """One thing the organization does at `minute` (from the start of the crisis).

    kind: "hold" (a holding statement: we know, we are on it), "statement"
    (with an SCCT `strategy`: base, deny, diminish, rebuild, bolster, and
    optionally a `substrategy`; a sub-strategy given as the strategy, e.g.
    "apology", is read as its family), "reply" (`count` individual replies of `quality` 0..1,
    e.g. from the reply checker), "private" (`count` complaints moved to a
    private channel), "compensation_public" (compensation offered in public),
    "escalate" (the crisis team is involved).
    """

    minute: float
    kind: str
    strategy: str | None = None
    substrategy: str | None = None
    count: int = 0
    quality: float = 1.0

    def __post_init__(self):
        m = self.minute
        if isinstance(m, bool) or not isinstance(m, int | float) or not 0 <= m < float("inf"):
            raise CrisisEngineError("crisis_engine.error.minute", value=repr(m))
        if self.kind not in KINDS:
            raise CrisisEngineError("crisis_engine.error.kind", value=str(self.kind),
                                    allowed=", ".join(KINDS))
        allowed = ", ".join(fx.STRATEGIES)
        family = next((f for f, subs in fx.STRATEGIES.items() if self.strategy in subs), None)
        if family is not None and self.substrategy is None:
            object.__setattr__(self, "substrategy", self.strategy)
            object.__setattr__(self, "strategy", family)
        if self.kind == "statement" and self.strategy is None:
            raise CrisisEngineError("crisis_engine.error.strategy_missing", allowed=allowed)
        if self.strategy is not None and self.strategy not in fx.STRATEGIES:
            raise CrisisEngineError("crisis_engine.error.strategy", value=str(self.strategy),
                                    allowed=allowed)
        subs = fx.STRATEGIES.get(self.strategy, ())
        if self.substrategy is not None and self.substrategy not in subs:
            raise CrisisEngineError("crisis_engine.error.substrategy", value=str(self.substrategy),
                                    strategy=str(self.strategy), allowed=", ".join(subs) or "-")
        c = self.count
        if isinstance(c, bool) or not isinstance(c, int | np.integer) or c < 0:
            raise CrisisEngineError("crisis_engine.error.count", kind=self.kind, value=repr(c))
        _unit("quality", self.quality)


@dataclass(frozen=True)
class Response:
    """The organization's actions plus flags read from the whole run.

    empathy and consistency (across channels) are 0..1 scores the exercise
    derives; `deny_rebuild_mix` None means: derive it from the statements
    (deny together with diminish or rebuild).
    """

    actions: tuple = ()
    empathy: float = 0.5
    consistency: float = 1.0
    deny_rebuild_mix: bool | None = None

    def __post_init__(self):
        if isinstance(self.actions, dict | str) or not hasattr(self.actions, "__iter__"):
            raise CrisisEngineError("crisis_engine.error.action_type",
                                    type=type(self.actions).__name__)
        acts = tuple(sorted((_build(Action, a, "action") for a in self.actions),
                            key=lambda a: a.minute))
        object.__setattr__(self, "actions", acts)
        _unit("empathy", self.empathy)
        _unit("consistency", self.consistency)

    @property
    def mixed(self) -> bool:
        if self.deny_rebuild_mix is not None:
            return bool(self.deny_rebuild_mix)
        used = {a.strategy for a in self.actions if a.kind == "statement"}
        return "deny" in used and bool(used & {"diminish", "rebuild"})

    def first_response(self) -> float | None:
        times = [a.minute for a in self.actions if a.kind in ("hold", "statement", "reply")]
        return min(times) if times else None


def _converse(state, since, priority, u, acts, s, mps, p):
    """Replies and private moves of step s on one run: most-followed outraged sharers first."""
    for a in acts:
        who = np.flatnonzero(state == OUTRAGED)
        if who.size > a.count:
            who = who[np.argpartition(-priority[who], a.count - 1)[:a.count]]
        if a.kind == "reply":
            delay = (s - since[who]) * mps
            late = np.maximum(0.0, delay - p["reply.expected"]) / p["reply.half_life"]
            chance = a.quality * p["reply.calm"] * 0.5 ** late
        else:
            chance = np.full(who.size, p["private.calm"])
        state[who[u[who] < chance]] = CALMED


def _state_counts(flat_state, run_of, runs):
    return np.bincount(run_of * 4 + flat_state, minlength=4 * runs).reshape(runs, 4)


def _chunk(adj, fixed, count, aware, seeds, steps, sched, p, mps):
    """One batch of runs; states are (run, node), flat index run * n + node.

    Work per step follows the outraged: their neighbours come from a sparse
    product (outraged x adjacency), so quiet steps are cheap.
    """
    import scipy.sparse as sp

    n, runs = adj.n, len(seeds)
    matrix = adj.matrix
    degree = np.diff(matrix.indptr).astype(np.float64)
    ks = np.arange(int(np.diff(matrix.T.tocsr().indptr).max()) + 1)
    rngs = [np.random.default_rng(s) for s in seeds]
    state = np.zeros((runs, n), dtype=np.int8)
    since = np.zeros((runs, n), dtype=np.int32)
    priority = np.empty((runs, n))
    for r, rng in enumerate(rngs):
        rows = fixed if fixed is not None else rng.choice(n, count, replace=False)
        state[r, rows] = OUTRAGED
        if aware:
            others = rng.choice(n, min(n, aware + rows.size), replace=False)
            state[r, others[state[r, others] == UNAWARE][:aware]] = AWARE
        priority[r] = degree + rng.random(n)  # ties among equal followings broken at random
    flat_state, run_of = state.reshape(-1), np.repeat(np.arange(runs), n)
    counts = np.zeros((steps + 1, runs, 4), dtype=np.int64)
    new_neg = np.zeros((steps + 1, runs), dtype=np.int64)
    reach = np.zeros((steps + 1, runs))
    new_neg[0] = (state == OUTRAGED).sum(1)
    reach[0] = (state == OUTRAGED) @ degree
    counts[0] = _state_counts(flat_state, run_of, runs)
    u = np.empty((runs, 2, n), dtype=np.float32)  # two uniforms per node and step, per run
    u_flat = u.reshape(-1)  # u[run, j, node] is u_flat[flat + (run + j) * n]
    ones = np.ones(n * runs, dtype=np.float32)
    for s in range(1, steps + 1):
        for r, rng in enumerate(rngs):
            rng.random((2, n), dtype=np.float32, out=u[r])
        now = counts[s - 1]
        if s in sched["convo"]:
            for r in range(runs):
                _converse(state[r], since[r], priority[r], u[r, 0], sched["convo"][s], s, mps, p)
            now = _state_counts(flat_state, run_of, runs)
        outraged = np.flatnonzero(flat_state == OUTRAGED)
        o_run = run_of[outraged]
        indptr = np.concatenate([[0], np.cumsum(np.bincount(o_run, minlength=runs))])
        heard = sp.csr_array((ones[:outraged.size], (outraged - o_run * n).astype(np.int32),
                              indptr), shape=(runs, n)) @ matrix  # outraged neighbours
        exposed = np.repeat(np.arange(runs), np.diff(heard.indptr)) * n + heard.indices
        st = flat_state[exposed]
        open_ = st <= AWARE  # only the unaware and the aware can turn
        exposed, st, kk = exposed[open_], st[open_], heard.data[open_].astype(np.int64)
        uu = u_flat[exposed + run_of[exposed] * n]
        e, rho = sched["exposure"][s], sched["outrage"][s]
        hit = (1.0 - (1.0 - e) ** ks).astype(np.float32)[kk]
        again = (1.0 - (1.0 - e * rho) ** ks).astype(np.float32)[kk]
        rho = np.float32(rho)
        unaware, aware = st == UNAWARE, st == AWARE
        out_u = exposed[unaware & (uu < hit * rho)]
        out_a = exposed[aware & (uu < again)]
        to_aware = exposed[unaware & (uu >= hit * rho) & (uu < hit)]
        calm_o = outraged[u_flat[outraged + (o_run + 1) * n] < sched["calm"][s]]
        calm_a = np.flatnonzero(flat_state == AWARE)
        calm_a = calm_a[u_flat[calm_a + (run_of[calm_a] + 1) * n] < sched["settle"][s]]
        flat_state[out_u] = OUTRAGED
        flat_state[out_a] = OUTRAGED
        calm_a = calm_a[flat_state[calm_a] == AWARE]  # turning outraged beats settling
        flat_state[to_aware] = AWARE
        flat_state[calm_o] = CALMED
        flat_state[calm_a] = CALMED
        to_out = np.concatenate([out_u, out_a])
        since.reshape(-1)[to_out] = s
        out_run = run_of[to_out]

        def per_run(idx):
            return np.bincount(run_of[idx], minlength=runs)

        n_ou, n_oa, n_ua, n_co, n_ca = (per_run(x) for x in (out_u, out_a, to_aware, calm_o, calm_a))
        counts[s] = now + np.stack([-n_ou - n_ua, n_ua - n_oa - n_ca, n_ou + n_oa - n_co,
                                    n_co + n_ca], axis=1)
        new_neg[s] = n_ou + n_oa
        reach[s] = reach[s - 1] + np.bincount(out_run, weights=degree[to_out - out_run * n],
                                              minlength=runs)
    return counts.transpose(2, 0, 1), new_neg, reach


@dataclass(frozen=True)
class CrisisOutcome:
    """A simulated crisis: `frame` (one row per run and step) and `runs` (one row per run)."""

    frame: object
    runs: object
    scenario: ScenarioParams
    response: Response
    n: int
    seed: object


def simulate_crisis(graph, scenario=None, actions=(), *, steps: int, runs: int = 1,
                    seed=None) -> CrisisOutcome:
    """Simulate `runs` runs of the crisis for `steps` steps under the organization's actions.

    `scenario`: a ScenarioParams or a dict of its fields; `actions`: a Response, or
    a list of Actions / dicts (empathy 0.5, consistency 1 then). The frame has
    `run, step, minute, unaware, aware, outraged, calmed, new_negative,
    negative_reach` (new_negative: nodes that turned outraged and posted in
    the step; negative_reach: cumulative followers, i.e. degree, of those
    posters). `runs` holds peak_negative, negative_reach, ever_outraged,
    outraged_share, aware_share and reputation (0..100, see effects.py).
    """
    import pandas as pd

    scenario = _build(ScenarioParams, scenario if scenario is not None else {}, "scenario")
    response = actions if isinstance(actions, Response) else Response(tuple(actions))
    steps, runs = _positive_int("steps", steps), _positive_int("runs", runs)
    adj = to_adjacency(graph)
    if adj.matrix.nnz == 0:
        raise CrisisEngineError("crisis_engine.error.no_edges")
    _check_connected(adj)
    fixed, count = initial_rows(adj, scenario.initial)
    p = fx.parameters(scenario.effects)
    sched = fx.schedule(scenario, response, steps, p)
    children = seed_sequence(seed).spawn(runs)
    per = max(1, _CHUNK_STATES // adj.n)
    aware = int(round(scenario.aware * adj.n))
    parts = [_chunk(adj, fixed, count, aware, children[i:i + per], steps, sched, p,
                    scenario.minutes_per_step) for i in range(0, runs, per)]
    counts = np.concatenate([c for c, _, _ in parts], axis=2)
    new_neg = np.concatenate([x for _, x, _ in parts], axis=1)
    reach = np.concatenate([x for _, _, x in parts], axis=1)
    length = steps + 1
    frame = pd.DataFrame({
        "run": np.repeat(np.arange(runs), length), "step": np.tile(np.arange(length), runs),
        "minute": np.tile(np.arange(length) * scenario.minutes_per_step, runs),
        **{name: counts[i].T.reshape(-1) for i, name in
           enumerate(("unaware", "aware", "outraged", "calmed"))},
        "new_negative": new_neg.T.reshape(-1), "negative_reach": reach.T.reshape(-1)})
    ever = new_neg.sum(0)
    fits = [fx.strategy_fit(a.strategy, scenario.cluster, scenario.history, scenario.reputation,
                            p["fit.under"], scenario.unfounded)
            for a in response.actions if a.kind == "statement"]
    aware_share = (adj.n - counts[0, -1]) / adj.n
    rep = fx.reputation_index(p, scenario.reputation, scenario.history, ever / adj.n,
                              aware_share, max(fits, default=0.0), response.mixed)
    per_run = pd.DataFrame({"run": np.arange(runs), "peak_negative": new_neg[1:].max(0),
                            "negative_reach": reach[-1], "ever_outraged": ever,
                            "outraged_share": ever / adj.n, "aware_share": aware_share,
                            "reputation": rep})
    return CrisisOutcome(frame, per_run, scenario, response, adj.n, seed)


def _check_connected(adj) -> None:
    """Warn (do not refuse) when the largest connected group holds under half the audience."""
    from scipy.sparse.csgraph import connected_components

    _, labels = connected_components(adj.matrix, directed=True, connection="weak")
    share = np.bincount(labels).max() / adj.n
    if share < 0.5:
        from cmtraining.i18n import t

        warnings.warn(t("crisis_engine.warning.disconnected", share=f"{share:.0%}"),
                      CrisisGraphWarning, stacklevel=3)


METRICS = ("peak_negative", "negative_reach", "ever_outraged", "outraged_share", "reputation")


def _interval(values: np.ndarray) -> dict:
    n = values.size
    mean = float(values.mean())
    sd = float(values.std(ddof=1)) if n > 1 else 0.0
    half = 1.96 * sd / np.sqrt(n)
    return {"mean": mean, "sd": sd, "ci_low": mean - half, "ci_high": mean + half,
            "p2_5": float(np.percentile(values, 2.5)), "p97_5": float(np.percentile(values, 97.5))}


def summarize(outcome: CrisisOutcome):
    """Per-run metrics: mean, sd, 95% interval of the mean (normal approximation, ci_low
    and ci_high) and the 2.5-97.5 percentiles of the runs (the range a run falls in)."""
    import pandas as pd

    return pd.DataFrame({m: _interval(outcome.runs[m].to_numpy(float)) for m in METRICS}).T


def compare(base: CrisisOutcome, other: CrisisOutcome):
    """Paired differences other - base per run (same seed: common random numbers, so the
    interval reflects the actions, not the noise between two independent samples)."""
    import pandas as pd

    if base.n != other.n or len(base.runs) != len(other.runs) or len(base.frame) != len(other.frame):
        raise CrisisEngineError("crisis_engine.error.outcome")
    return pd.DataFrame({m: _interval(other.runs[m].to_numpy(float) - base.runs[m].to_numpy(float))
                         for m in METRICS}).T
