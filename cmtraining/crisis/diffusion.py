"""Discrete-time SIR and independent cascade on an audience graph, many runs in one batch.

Why not the textbook "state matrix n x runs and k = A @ I per step": that
costs edges x runs every step even when almost nobody is infected, and on a
100,000-node graph a thousand runs would take minutes. Here the whole
ensemble is one batch too, but the work follows the transmissions:

* the infected of every run are kept as (node, run) lists;
* each infected node tries each neighbour with probability beta; instead of
  one coin per edge, the gaps between successful coins along the
  concatenated neighbour lists are drawn as geometric variables (exact, and
  only ~beta x edges draws);
* a susceptible node hit by k infected neighbours is hit at least once with
  probability 1-(1-beta)^k, the discrete-time SIR convention (the same as
  NDlib's SIRModel); hits are applied synchronously after the step's
  recoveries are drawn for the infected at its start.

Memory is bounded: runs are processed in chunks of at most `_CHUNK_STATES`
(node, run) states, each chunk with its own child of `SeedSequence(seed)`, so
a given (graph, parameters, runs, seed) always gives the same frame.
"""

from __future__ import annotations

import numpy as np

from cmtraining.crisis.graphs import (
    Adjacency,
    CrisisEngineError,
    _positive_int,
    _probability,
    to_adjacency,
)

_CHUNK_STATES = 1 << 24  # (node, run) pairs per chunk: 16 MB of states, 64 MB of marks


def seed_sequence(seed) -> np.random.SeedSequence:
    """An int, None, a SeedSequence or a Generator, as the SeedSequence children come from."""
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        return seed.bit_generator.seed_seq.spawn(1)[0]
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int | np.integer)
                             or seed < 0):
        raise CrisisEngineError("crisis.engine.error.seed", value=repr(seed))
    return np.random.SeedSequence(seed)


def initial_rows(adj: Adjacency, initial) -> tuple[np.ndarray | None, int]:
    """Either fixed seed rows (explicit ids) or, for a fraction, the count drawn per run."""
    if isinstance(initial, float | np.floating) and not isinstance(initial, bool):
        if not (np.isfinite(initial) and 0.0 < initial < 1.0):
            raise CrisisEngineError("crisis.engine.error.initial_fraction", value=repr(initial))
        return None, max(1, int(round(initial * adj.n)))
    if isinstance(initial, str | bytes | dict | set) or initial is None:
        raise CrisisEngineError("crisis.engine.error.initial_type", type=type(initial).__name__)
    rows = adj.index(initial)
    return rows, rows.size


def _draw_initial(fixed, count, n, runs, rng) -> tuple[np.ndarray, np.ndarray]:
    if fixed is not None:
        return np.tile(fixed, runs), np.repeat(np.arange(runs, dtype=np.int64), fixed.size)
    nodes = np.concatenate([rng.choice(n, count, replace=False) for _ in range(runs)])
    return nodes.astype(np.int64), np.repeat(np.arange(runs, dtype=np.int64), count)


def transmit(indptr, indices, nodes, runs, p, rng) -> tuple[np.ndarray, np.ndarray]:
    """(target node, run) of every successful coin of probability p along the nodes' edges."""
    deg = (indptr[nodes + 1] - indptr[nodes]).astype(np.int64)
    ends = np.cumsum(deg)
    total = int(ends[-1]) if ends.size else 0
    if total == 0 or p <= 0.0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    if p >= 1.0:
        pos = np.arange(total, dtype=np.int64)
    else:
        expected = total * p
        parts, reached = [], -1
        while reached < total - 1:
            size = int(expected + 6 * np.sqrt(expected) + 16)
            # numpy's geometric overflows to negative numbers for p below ~1e-18: clip
            gaps = np.cumsum(np.clip(rng.geometric(p, size), 1, total + 1)) + reached
            parts.append(gaps)
            reached = int(gaps[-1])
        pos = np.concatenate(parts)
        pos = pos[:np.searchsorted(pos, total)]
    owner = np.searchsorted(ends, pos, side="right")
    offset = pos - (ends[owner] - deg[owner])
    return indices[indptr[nodes[owner]] + offset].astype(np.int64), runs[owner]


def _first_of_each(flat: np.ndarray, mark: np.ndarray) -> np.ndarray:
    """The distinct values of `flat` (indices into `mark`), without sorting."""
    order = np.arange(1, flat.size + 1, dtype=np.int32)
    mark[flat] = order
    return flat[mark[flat] == order]


def _chunks(n: int, runs: int) -> list[int]:
    per = max(1, min(runs, _CHUNK_STATES // n))
    return [min(per, runs - start) for start in range(0, runs, per)]


def _frame(columns: dict[str, np.ndarray], runs: int, length: int):
    import pandas as pd

    data = {"run": np.repeat(np.arange(runs), length), "step": np.tile(np.arange(length), runs)}
    data.update({name: values.T.reshape(-1) for name, values in columns.items()})
    return pd.DataFrame(data)


def _sir_chunk(adj, fixed, count, runs, beta, gamma, steps, rng):
    n = adj.n
    indptr, indices = adj.matrix.indptr.astype(np.int64), adj.matrix.indices
    state = np.zeros(n * runs, dtype=np.uint8)  # 0 S, 1 I, 2 R; index run * n + node
    mark = np.zeros(n * runs, dtype=np.int32)
    nodes, run = _draw_initial(fixed, count, n, runs, rng)
    state[run * n + nodes] = 1
    infected = np.zeros((steps + 1, runs), dtype=np.int64)
    removed = np.zeros((steps + 1, runs), dtype=np.int64)
    infected[0] = np.bincount(run, minlength=runs)
    for t in range(1, steps + 1):
        if nodes.size == 0:
            infected[t:], removed[t:] = infected[t - 1], removed[t - 1]
            break
        tgt, tgt_run = transmit(indptr, indices, nodes, run, beta, rng)
        flat = tgt_run * n + tgt
        flat = _first_of_each(flat[state[flat] == 0], mark)
        recover = rng.random(nodes.size) < gamma
        state[run[recover] * n + nodes[recover]] = 2
        state[flat] = 1
        new_run = flat // n
        nodes = np.concatenate([nodes[~recover], flat - new_run * n])
        gone = np.bincount(run[recover], minlength=runs)
        run = np.concatenate([run[~recover], new_run])
        infected[t] = infected[t - 1] - gone + np.bincount(new_run, minlength=runs)
        removed[t] = removed[t - 1] + gone
    return infected, removed


def simulate_sir(graph, *, beta: float, gamma: float, initial, steps: int, runs: int = 1,
                 seed=None):
    """Discrete-time SIR, `runs` Monte Carlo runs as one batch.

    Each step a susceptible node with k infected neighbours is infected with
    probability 1-(1-beta)^k and each infected node recovers with probability
    gamma (synchronous update). `initial` is a fraction in (0, 1) of nodes
    drawn at random in each run, or a list of node ids (labels for a networkx
    graph, row numbers for a sparse matrix) used in every run.

    Returns a DataFrame `run, step, S, I, R` (counts), `steps + 1` rows per
    run; step 0 is the initial state.
    """
    adj = to_adjacency(graph)
    beta, gamma = _probability("beta", beta), _probability("gamma", gamma)
    steps, runs = _positive_int("steps", steps), _positive_int("runs", runs)
    fixed, count = initial_rows(adj, initial)
    sizes = _chunks(adj.n, runs)
    children = seed_sequence(seed).spawn(len(sizes))
    parts = [_sir_chunk(adj, fixed, count, size, beta, gamma, steps, np.random.default_rng(child))
             for size, child in zip(sizes, children, strict=True)]
    infected = np.concatenate([p[0] for p in parts], axis=1)
    removed = np.concatenate([p[1] for p in parts], axis=1)
    return _frame({"S": adj.n - infected - removed, "I": infected, "R": removed},
                  runs, steps + 1)


def _ic_chunk(adj, fixed, count, runs, p, rng):
    n = adj.n
    indptr, indices = adj.matrix.indptr.astype(np.int64), adj.matrix.indices
    active = np.zeros(n * runs, dtype=bool)
    mark = np.zeros(n * runs, dtype=np.int32)
    nodes, run = _draw_initial(fixed, count, n, runs, rng)
    active[run * n + nodes] = True
    history = [np.bincount(run, minlength=runs)]
    while nodes.size:
        tgt, tgt_run = transmit(indptr, indices, nodes, run, p, rng)
        flat = tgt_run * n + tgt
        flat = _first_of_each(flat[~active[flat]], mark)
        active[flat] = True
        run = flat // n
        nodes = flat - run * n
        if nodes.size:
            history.append(np.bincount(run, minlength=runs))
    return np.array(history)


def simulate_ic(graph, *, p: float, initial, runs: int = 1, seed=None):
    """Independent cascade: each newly activated node gets one chance, with probability p,
    to activate each inactive neighbour; a run stops when a step activates nobody.

    `initial` as for `simulate_sir`. Returns a DataFrame `run, step, active,
    total`: newly activated nodes at that step and the cumulative count, from
    step 0 (the seeds) to the run's last step that activated someone, so the
    last row of each run holds its final spread.
    """
    adj = to_adjacency(graph)
    p = _probability("p", p)
    runs = _positive_int("runs", runs)
    fixed, count = initial_rows(adj, initial)
    sizes = _chunks(adj.n, runs)
    children = seed_sequence(seed).spawn(len(sizes))
    parts = [_ic_chunk(adj, fixed, count, size, p, np.random.default_rng(child))
             for size, child in zip(sizes, children, strict=True)]
    length = max(part.shape[0] for part in parts)
    new = np.concatenate([np.pad(part, ((0, length - part.shape[0]), (0, 0))) for part in parts],
                         axis=1)
    frame = _frame({"active": new, "total": np.cumsum(new, axis=0)}, runs, length)
    last = np.array([np.flatnonzero(new[:, r]).max() for r in range(runs)])
    return frame[frame["step"].to_numpy() <= last[frame["run"].to_numpy()]].reset_index(drop=True)
