"""Audience graphs for the crisis simulation, built straight into `scipy.sparse` CSR.

Why CSR and not networkx: a crisis debrief wants hundreds of Monte Carlo runs
and the benchmark a million-node audience; a networkx graph of 10^6 nodes
costs gigabytes and its generators loop in Python. Every generator here is
vectorized numpy, returns a symmetric 0/1 adjacency without self loops, and is
seeded with a `numpy.random.Generator` (an int seed is accepted too).

Also here: the package's error class and `to_adjacency`, the one place that
turns whatever the caller passes (a networkx graph or a sparse matrix) into
the CSR the engines use, and checks it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from cmtraining.core.errors import CmtrainingError


class CrisisEngineError(CmtrainingError):
    """Bad input to the crisis engine: a graph, a probability, an action, a scenario."""

    key = "crisis.engine.error.generic"


def _rng(seed: Any) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def _positive_int(name: str, value: Any, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise CrisisEngineError("crisis.engine.error.positive_int", name=name,
                                value=repr(value), minimum=minimum)
    return int(value)


def _probability(name: str, value: Any) -> float:
    ok = not isinstance(value, bool) and isinstance(value, int | float | np.number)
    if not ok or not np.isfinite(value) or not 0.0 <= float(value) <= 1.0:
        raise CrisisEngineError("crisis.engine.error.probability", name=name, value=repr(value))
    return float(value)


def from_edges(n: int, src: np.ndarray, dst: np.ndarray) -> sp.csr_array:
    """Symmetric 0/1 CSR from an edge list: self loops dropped, repeated edges merged."""
    keep = src != dst
    src, dst = src[keep], dst[keep]
    rows = np.concatenate([src, dst]).astype(np.int32, copy=False)
    cols = np.concatenate([dst, src]).astype(np.int32, copy=False)
    data = np.ones(rows.size, dtype=np.float32)
    adj = sp.coo_array((data, (rows, cols)), shape=(n, n)).tocsr()  # sums repeats
    adj.data[:] = 1.0
    return adj


def barabasi_albert(n: int, m: int, *, seed=None) -> sp.csr_array:
    """Preferential attachment (Barabási–Albert), vectorized Batagelj–Brandes.

    Batagelj & Brandes (2005) write edge k as (v, M[r]) with r uniform over the
    slots filled before it, which is attachment proportional to degree. Slot r
    may itself be a copied endpoint, so instead of a Python loop the copies are
    resolved by pointer jumping (a few numpy passes). Self loops and repeated
    edges (a fraction that vanishes with n) are dropped, so the mean degree is
    slightly under 2m. n=10^6, m=3 takes about a second and ~0.5 GB at peak.
    """
    n = _positive_int("n", n, 2)
    m = _positive_int("m", m)
    rng = _rng(seed)
    total = n * m
    k = np.arange(total, dtype=np.int64)
    # the copied slot of edge k: uniform in [0, 2k) (even slot j holds node j//2//m)
    target = np.floor(rng.random(total) * (2 * k)).astype(np.int64)
    odd = np.flatnonzero(target & 1)
    while odd.size:  # an odd slot copies the slot its own edge copied
        target[odd] = target[(target[odd] - 1) // 2]
        odd = odd[(target[odd] & 1).astype(bool)]
    return from_edges(n, k // m, target // 2 // m)


def small_world(n: int, k: int, p: float, *, seed=None) -> sp.csr_array:
    """Watts–Strogatz: a ring where each node links to its k nearest, each link rewired with p.

    Clustered (friends of friends are friends) with short paths: the texture of
    a local community. Rewired edges that land on a self loop or an existing
    edge are dropped instead of redrawn (about p*k/n of them).
    """
    n = _positive_int("n", n, 3)
    k = _positive_int("k", k, 2)
    p = _probability("p", p)
    rng = _rng(seed)
    half = max(1, k // 2)
    src = np.repeat(np.arange(n, dtype=np.int64), half)
    dst = (src + np.tile(np.arange(1, half + 1), n)) % n
    rewire = rng.random(src.size) < p
    dst[rewire] = rng.integers(0, n, int(rewire.sum()))
    return from_edges(n, src, dst)


def powerlaw_cluster(n: int, m: int, p: float, *, seed=None) -> sp.csr_array:
    """Holme–Kim: preferential attachment plus triad closure (hubs *and* clustering).

    Sequential by nature, so it goes through networkx: fine up to ~10^5 nodes.
    """
    import networkx as nx

    n = _positive_int("n", n, 2)
    m = _positive_int("m", m)
    p = _probability("p", p)
    graph = nx.powerlaw_cluster_graph(n, m, p, seed=int(_rng(seed).integers(2**31)))
    return to_adjacency(graph).matrix


def stochastic_block(sizes, probs, *, seed=None) -> tuple[sp.csr_array, np.ndarray]:
    """Stochastic block model: nodes in blocks, an edge between blocks r, s with probs[r][s].

    Per pair of blocks the number of edges is drawn Binomial(pairs, p) and the
    endpoints uniformly; the rare repeated pair is merged, so the graph is
    exact in the sparse limit that audiences live in. Returns the adjacency and
    each node's block number.
    """
    sizes = [_positive_int("sizes", s) for s in sizes]
    probs = np.asarray(probs, dtype=float)
    if probs.shape != (len(sizes), len(sizes)) or not np.allclose(probs, probs.T):
        raise CrisisEngineError("crisis.engine.error.block_matrix", blocks=len(sizes))
    for value in probs.ravel():
        _probability("probs", float(value))
    rng = _rng(seed)
    starts = np.concatenate([[0], np.cumsum(sizes)])
    src_parts, dst_parts = [], []
    for r in range(len(sizes)):
        for s in range(r, len(sizes)):
            pairs = sizes[r] * (sizes[r] - 1) // 2 if r == s else sizes[r] * sizes[s]
            count = rng.binomial(pairs, probs[r, s]) if pairs else 0
            src_parts.append(starts[r] + rng.integers(0, sizes[r], count))
            dst_parts.append(starts[s] + rng.integers(0, sizes[s], count))
    n = int(starts[-1])
    block = np.repeat(np.arange(len(sizes), dtype=np.int16), sizes)
    return from_edges(n, np.concatenate(src_parts), np.concatenate(dst_parts)), block


# An organization's audience (assumption, tunable): share of the audience and
# affinity c[r][s] (edge probability c/n), chosen so a fan has ~10 contacts,
# the general public ~6 and a journalist or influencer ~50 across all segments.
SEGMENTS = ("fans", "customers", "public", "media")
SEGMENT_SHARES = (0.10, 0.30, 0.58, 0.02)
SEGMENT_AFFINITY = ((40, 10, 3, 50),
                    (10, 12, 4, 50),
                    (3, 4, 6, 50),
                    (50, 50, 50, 100))


@dataclass(frozen=True)
class Audience:
    """An audience graph with each node's segment (index into `names`)."""

    matrix: sp.csr_array
    segment: np.ndarray
    names: tuple[str, ...]


def audience(n: int, *, shares=SEGMENT_SHARES, affinity=SEGMENT_AFFINITY,
             names=SEGMENTS, seed=None) -> Audience:
    """A stochastic block model of an organization's audience segments.

    Fans talk among themselves, the general public barely knows the brand,
    journalists and influencers (media) are few but reach everyone: the
    segments where a complaint travels fast and where it stays local.
    """
    n = _positive_int("n", n, len(shares))
    if not (len(shares) == len(names) == len(affinity)) or abs(sum(shares) - 1) > 1e-6:
        raise CrisisEngineError("crisis.engine.error.segments", count=len(names))
    sizes = np.maximum(1, np.round(np.asarray(shares) * n).astype(int))
    sizes[int(np.argmax(sizes))] += n - int(sizes.sum())
    probs = np.minimum(1.0, np.asarray(affinity, dtype=float) / n)
    matrix, block = stochastic_block(sizes.tolist(), probs, seed=seed)
    return Audience(matrix, block, tuple(names))


@dataclass(frozen=True)
class Adjacency:
    """The engines' view of a graph: CSR 0/1 adjacency and, for networkx, the node labels."""

    matrix: sp.csr_array
    labels: list | None = None

    @property
    def n(self) -> int:
        return self.matrix.shape[0]

    def index(self, nodes) -> np.ndarray:
        """Row numbers of the given node ids (labels for networkx), or the package's error."""
        nodes = list(np.atleast_1d(np.asarray(nodes, dtype=object))) if not isinstance(
            nodes, list | tuple) else list(nodes)
        if not nodes:
            raise CrisisEngineError("crisis.engine.error.initial_empty")
        if self.labels is not None:
            lookup = {label: i for i, label in enumerate(self.labels)}
            missing = [v for v in nodes if v not in lookup]
            rows = [lookup.get(v, -1) for v in nodes]
        else:
            def as_row(v):
                ok = isinstance(v, int | np.integer) and not isinstance(v, bool)
                return int(v) if ok and 0 <= v < self.n else -1
            rows = [as_row(v) for v in nodes]
            missing = [v for v, r in zip(nodes, rows, strict=True) if r < 0]
        if missing:
            shown = ", ".join(repr(v) for v in missing[:5]) + (" …" if len(missing) > 5 else "")
            raise CrisisEngineError("crisis.engine.error.initial_missing", nodes=shown, n=self.n)
        return np.unique(np.asarray(rows, dtype=np.int64))


def to_adjacency(graph) -> Adjacency:
    """Check and convert a networkx graph or a scipy.sparse adjacency.

    Any nonzero entry is an edge (weights are ignored), self loops are dropped
    (a node cannot expose itself). A directed graph keeps its direction: row u
    lists whom u reaches. A graph with no nodes, or a non-square matrix, is the
    package's error.
    """
    if isinstance(graph, Adjacency):
        return graph
    labels = None
    if sp.issparse(graph):
        if graph.ndim != 2 or graph.shape[0] != graph.shape[1]:
            raise CrisisEngineError("crisis.engine.error.not_square", shape=str(graph.shape))
        matrix = sp.csr_array(graph, dtype=np.float32)
    elif hasattr(graph, "nodes") and hasattr(graph, "adj"):
        import networkx as nx

        labels = list(graph.nodes)
        if not labels:
            raise CrisisEngineError("crisis.engine.error.empty_graph")
        matrix = sp.csr_array(nx.to_scipy_sparse_array(graph, nodelist=labels, weight=None,
                                                       dtype=np.float32, format="csr"))
    else:
        raise CrisisEngineError("crisis.engine.error.not_a_graph", type=type(graph).__name__)
    if matrix.shape[0] == 0:
        raise CrisisEngineError("crisis.engine.error.empty_graph")
    matrix.eliminate_zeros()
    if matrix.diagonal().any():
        matrix.setdiag(0)
        matrix.eliminate_zeros()
    matrix.data[:] = 1.0
    matrix.sort_indices()
    matrix.indices = matrix.indices.astype(np.int32, copy=False)
    return Adjacency(matrix, labels)
