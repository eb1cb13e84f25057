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
minute (`effects.py` lists every effect and its source), and so do outside
events (`Inject`: a journalist's question, a leaked memo...). Replies and
moves to a private channel act on individual sharers, most-followed first.
The steps themselves are in `spread.py`.

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
from cmtraining.crisis.spread import prefix_classes, step_runs

KINDS = ("hold", "statement", "reply", "private", "compensation_public", "escalate")
_CHUNK_STATES = 1 << 23


class CrisisGraphWarning(UserWarning):
    """The audience graph is mostly disconnected: the crisis cannot reach most of it."""


def _unit(name, value):
    ok = isinstance(value, int | float) and not isinstance(value, bool) and np.isfinite(value)
    if not ok or not 0.0 <= value <= 1.0:
        raise CrisisEngineError("crisis.engine.error.unit_interval", name=name, value=repr(value))
    return float(value)


def _build(cls, value, key):
    if isinstance(value, cls):
        return value
    if not isinstance(value, dict):
        raise CrisisEngineError(f"crisis.engine.error.{key}_type", type=type(value).__name__)
    names = [f.name for f in fields(cls)]
    for name in value:
        if name not in names:
            raise CrisisEngineError(f"crisis.engine.error.{key}_field", value=str(name),
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
            raise CrisisEngineError("crisis.engine.error.cluster", value=str(self.cluster),
                                    allowed=", ".join(fx.CLUSTERS))
        if self.reputation not in fx.PRIORS:
            raise CrisisEngineError("crisis.engine.error.reputation", value=str(self.reputation),
                                    allowed=", ".join(fx.PRIORS))
        mps = self.minutes_per_step
        if isinstance(mps, bool) or not isinstance(mps, int | float) or not 0 < mps < 1e6:
            raise CrisisEngineError("crisis.engine.error.minutes_per_step", value=repr(mps))
        _unit("aware", self.aware)
        v = self.virality
        if isinstance(v, bool) or not isinstance(v, int | float) or not 0 <= v <= 10:
            raise CrisisEngineError("crisis.engine.error.effect_value", name="virality",
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
    "escalate" (the crisis team is involved). Outside events are `Inject`s.
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
            raise CrisisEngineError("crisis.engine.error.minute", value=repr(m))
        if self.kind not in KINDS:
            raise CrisisEngineError("crisis.engine.error.kind", value=str(self.kind),
                                    allowed=", ".join(KINDS))
        allowed = ", ".join(fx.STRATEGIES)
        family = next((f for f, subs in fx.STRATEGIES.items() if self.strategy in subs), None)
        if family is not None and self.substrategy is None:
            object.__setattr__(self, "substrategy", self.strategy)
            object.__setattr__(self, "strategy", family)
        if self.kind == "statement" and self.strategy is None:
            raise CrisisEngineError("crisis.engine.error.strategy_missing", allowed=allowed)
        if self.strategy is not None and self.strategy not in fx.STRATEGIES:
            raise CrisisEngineError("crisis.engine.error.strategy", value=str(self.strategy),
                                    allowed=allowed)
        subs = fx.STRATEGIES.get(self.strategy, ())
        if self.substrategy is not None and self.substrategy not in subs:
            raise CrisisEngineError("crisis.engine.error.substrategy", value=str(self.substrategy),
                                    strategy=str(self.strategy), allowed=", ".join(subs) or "-")
        c = self.count
        if isinstance(c, bool) or not isinstance(c, int | np.integer) or c < 0:
            raise CrisisEngineError("crisis.engine.error.count", kind=self.kind, value=repr(c))
        _unit("quality", self.quality)


@dataclass(frozen=True)
class Inject:
    """An outside event that reaches the public at `minute`, not the organization's doing:
    a journalist's question, a leaked memo... (the live workshop's facilitator pushes them).

    `kind` is one of `effects.INJECTS` ("facilitator": a free text). From the
    first step that starts at or after `minute` it boosts exposure and
    outrage by that kind's `inject.<kind>.*` effects, fading with
    `inject.half_life` (effects.py gives every size and its basis).
    """

    minute: float
    kind: str = "facilitator"

    def __post_init__(self):
        m = self.minute
        if isinstance(m, bool) or not isinstance(m, int | float) or not 0 <= m < float("inf"):
            raise CrisisEngineError("crisis.engine.error.minute", value=repr(m))
        if self.kind not in fx.INJECTS:
            raise CrisisEngineError("crisis.engine.error.inject", value=str(self.kind),
                                    allowed=", ".join(fx.INJECTS))


@dataclass(frozen=True)
class Response:
    """The organization's actions plus flags read from the whole run, and the outside
    events (`injects`) that reached this public.

    empathy and consistency (across channels) are 0..1 scores the exercise
    derives; `deny_rebuild_mix` None means: derive it from the statements
    (deny together with diminish or rebuild). `injects`: Inject objects or
    dicts {minute, kind}; they change the public, never the organization's
    score.
    """

    actions: tuple = ()
    empathy: float = 0.5
    consistency: float = 1.0
    deny_rebuild_mix: bool | None = None
    injects: tuple = ()

    def __post_init__(self):
        for name, cls, key in (("actions", Action, "action"), ("injects", Inject, "inject")):
            given = getattr(self, name)
            if isinstance(given, dict | str) or not hasattr(given, "__iter__"):
                raise CrisisEngineError(f"crisis.engine.error.{key}_type",
                                        type=type(given).__name__)
            built = tuple(sorted((_build(cls, a, key) for a in given), key=lambda a: a.minute))
            object.__setattr__(self, name, built)
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
    return simulate_crisis_batch(graph, scenario, [actions], steps=steps, runs=runs,
                                 seed=seed)[0]


def simulate_crisis_batch(graph, scenario=None, responses=((),), *, steps: int, runs: int = 1,
                          seed=None) -> list[CrisisOutcome]:
    """One `simulate_crisis` per response, all computed in one batch of runs.

    Response k's run r draws the same random numbers as run r of any other
    response (common random numbers: the children of `SeedSequence(seed)`
    are shared), so outcome k is exactly `simulate_crisis(graph, scenario,
    responses[k], steps=steps, runs=runs, seed=seed)`. The batch does once
    what is the same for every response: the per-step overhead, the seed's
    random numbers and initial draws, and every step while responses'
    schedules agree (`spread.py`). The live workshop runs a team per
    response, the debrief every team's plan; a response's `injects` are its
    own outside events.
    """
    import pandas as pd

    scenario = _build(ScenarioParams, scenario if scenario is not None else {}, "scenario")
    if isinstance(responses, Response | dict | str) or not hasattr(responses, "__iter__"):
        raise CrisisEngineError("crisis.engine.error.action_type",
                                type=type(responses).__name__)
    responses = [r if isinstance(r, Response) else Response(tuple(r)) for r in responses]
    if not responses:
        raise CrisisEngineError("crisis.engine.error.positive_int", name="responses", minimum=1,
                                value=0)
    steps, runs = _positive_int("steps", steps), _positive_int("runs", runs)
    adj = to_adjacency(graph)
    if adj.matrix.nnz == 0:
        raise CrisisEngineError("crisis.engine.error.no_edges")
    _check_connected(adj)
    fixed, count = initial_rows(adj, scenario.initial)
    p = fx.parameters(scenario.effects)
    scheds = [fx.schedule(scenario, response, steps, p) for response in responses]
    classes = prefix_classes(scheds, steps)
    children = seed_sequence(seed).spawn(runs)  # batch run k * runs + r draws child r
    total = len(responses) * runs
    per = max(1, _CHUNK_STATES // adj.n)
    aware = int(round(scenario.aware * adj.n))
    parts = [step_runs(adj, fixed, count, aware, children, batch % runs, batch // runs, scheds,
                       classes, steps, p, scenario.minutes_per_step)
             for batch in (np.arange(i, min(i + per, total)) for i in range(0, total, per))]
    counts = np.concatenate([c for c, _, _ in parts], axis=2)
    new_neg = np.concatenate([x for _, x, _ in parts], axis=1)
    reach = np.concatenate([x for _, _, x in parts], axis=1)
    groups = len(responses)
    frames = _cut(_frame(scenario, counts, new_neg, reach, groups), groups)
    ever = new_neg.sum(0)
    aware_share = (adj.n - counts[0, -1]) / adj.n
    rep = np.concatenate([_reputation(scenario, response, p, ever[k * runs:(k + 1) * runs] / adj.n,
                                      aware_share[k * runs:(k + 1) * runs])
                          for k, response in enumerate(responses)])
    per_runs = _cut(pd.DataFrame({
        "run": np.tile(np.arange(runs), groups), "peak_negative": new_neg[1:].max(0),
        "negative_reach": reach[-1], "ever_outraged": ever, "outraged_share": ever / adj.n,
        "aware_share": aware_share, "reputation": rep}), groups)
    return [CrisisOutcome(frame, per_run, scenario, response, adj.n, seed)
            for frame, per_run, response in zip(frames, per_runs, responses, strict=True)]


def _frame(scenario, counts, new_neg, reach, groups: int):
    """One row per run and step for the whole batch (runs of response k are the k-th block)."""
    import pandas as pd

    length, total = new_neg.shape
    return pd.DataFrame({
        "run": np.tile(np.repeat(np.arange(total // groups), length), groups),
        "step": np.tile(np.arange(length), total),
        "minute": np.tile(np.arange(length) * scenario.minutes_per_step, total),
        **{name: counts[i].T.reshape(-1) for i, name in
           enumerate(("unaware", "aware", "outraged", "calmed"))},
        "new_negative": new_neg.T.reshape(-1), "negative_reach": reach.T.reshape(-1)})


def _cut(frame, groups: int) -> list:
    """`groups` equal blocks of rows, each indexed from 0 (one DataFrame built and cut costs
    less than one built per response)."""
    if groups == 1:
        return [frame]
    size = len(frame) // groups
    return [frame.iloc[k * size:(k + 1) * size].reset_index(drop=True) for k in range(groups)]


def _reputation(scenario, response, p, outraged_share, aware_share):
    fits = [fx.strategy_fit(a.strategy, scenario.cluster, scenario.history, scenario.reputation,
                            p["fit.under"], scenario.unfounded)
            for a in response.actions if a.kind == "statement"]
    return np.broadcast_to(fx.reputation_index(
        p, scenario.reputation, scenario.history, outraged_share, aware_share,
        max(fits, default=0.0), response.mixed), outraged_share.shape)


def _check_connected(adj) -> None:
    """Warn (do not refuse) when the largest connected group holds under half the audience."""
    from scipy.sparse.csgraph import connected_components

    _, labels = connected_components(adj.matrix, directed=True, connection="weak")
    share = np.bincount(labels).max() / adj.n
    if share < 0.5:
        from cmtraining.i18n import t

        warnings.warn(t("crisis.engine.warning.disconnected", share=f"{share:.0%}"),
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
        raise CrisisEngineError("crisis.engine.error.outcome")
    return pd.DataFrame({m: _interval(other.runs[m].to_numpy(float) - base.runs[m].to_numpy(float))
                         for m in METRICS}).T
