"""The crisis model's step loop: many runs of many responses in one batch, shared work done once.

`crisis.public` describes the model (states, rates, common random numbers);
this module steps it. A batch holds runs (seed child r) of responses (k):
run (k, r) draws exactly the numbers of run r of any other response. So
the work that depends only on the seed and the audience graph is the same
for every response and is done once per seed child, not once per run:

* the uniforms of each step (two per node), the initial outraged and aware
  nodes, and the reply priority (following, ties broken at random);
* the steps themselves while two responses' schedules agree: runs that
  share a seed child and every rate (and conversation action) up to step s
  have identical states up to step s, so they are ONE row of the state
  array until their schedules part; then the row is copied (a split) and
  each copy goes its own way. Responses that do the same, or do nothing
  yet, cost one row, not one per response.

`prefix_classes` finds where schedules part (once per batch); `step_runs`
keeps one state row per (seed child, schedule prefix) and maps the rows'
figures back to every run. Every row's step is the same arithmetic on the
same numbers as a run simulated alone, which is why a response in a batch
equals its own simulation exactly (tests/workshop and tests/crisis check it).
Neighbours come from the adjacency's CSR lists of the outraged nodes, so a
quiet step costs little.
"""

from __future__ import annotations

import numpy as np

UNAWARE, AWARE, OUTRAGED, CALMED = 0, 1, 2, 3
RATES = ("exposure", "outrage", "calm", "settle")
# what each move does to the counts (unaware, aware, outraged, calmed): unaware -> outraged,
# aware -> outraged, unaware -> aware, outraged -> calmed, aware -> calmed
_MOVES = np.array([[-1, 0, 1, 0], [0, -1, 1, 0], [-1, 1, 0, 0], [0, 0, -1, 1], [0, -1, 0, 1]])


def prefix_classes(scheds: list[dict], steps: int) -> np.ndarray:
    """(steps + 1, K) ids: responses j and k share an id at step s iff their schedules agree
    on every step 1..s (rates and conversation actions). Ids only ever split.

    Sorting the responses by their whole schedule (step 1 first) puts the ones
    that share a prefix next to each other; a new id starts wherever a
    response parts from the one before it at or before step s.
    """
    count = len(scheds)
    out = np.zeros((steps + 1, count), dtype=np.int64)
    if count == 1:
        return out
    talk: dict = {(): 0}
    sig = np.zeros((count, steps + 1, len(RATES) + 1))
    for k, sc in enumerate(scheds):
        for i, rate in enumerate(RATES):
            sig[k, :, i] = sc[rate]
        for s, acts in sc["convo"].items():
            sig[k, s, -1] = talk.setdefault(tuple(acts), len(talk))
    flat = sig[:, 1:].reshape(count, -1)
    order = np.lexsort(flat.T[::-1])  # by step 1's figures first, then step 2's...
    differs = (sig[order[1:], 1:] != sig[order[:-1], 1:]).any(axis=2)  # (K - 1, steps)
    parted = np.where(differs.any(axis=1), differs.argmax(axis=1) + 1, steps + 1)
    new = parted[None, :] <= np.arange(steps + 1)[:, None]  # a new id at this position by step s
    out[:, order[1:]] = np.cumsum(new, axis=1)
    return out


def _converse(state, since, priority, u, acts, s, mps, p):
    """Replies and private moves of step s on one row: most-followed outraged sharers first."""
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


class _Rows:
    """State rows of a batch: one per (seed child, schedule prefix), copied on a split.

    Besides the states, the flat indices (row * n + node) of the outraged and
    of the aware are kept as lists, so a step's work follows those few nodes
    instead of scanning every state of every row.
    """

    def __init__(self, n: int, capacity: int, seeds: int):
        self.n, self.m = n, seeds
        self.state = np.zeros((capacity, n), dtype=np.int8)
        self.since = np.zeros((capacity, n), dtype=np.int32)
        self.counts = np.zeros((capacity, 4), dtype=np.int64)  # at the end of the last step
        self.reach = np.zeros(capacity)  # cumulative negative reach
        self.seed = np.zeros(capacity, dtype=np.int64)  # row -> seed child (its uniforms)
        self.seed[:seeds] = np.arange(seeds)
        self.resp = np.zeros(capacity, dtype=np.int64)  # row -> one response it stands for
        self.outraged = self.aware = np.empty(0, dtype=np.int64)

    def index(self) -> None:
        flat = self.state[:self.m].reshape(-1)
        self.outraged, self.aware = np.flatnonzero(flat == OUTRAGED), np.flatnonzero(flat == AWARE)

    def split(self, row_of_run, child_of_run, resp_of_run, classes_now) -> None:
        """Give each (seed child, class) of this step its own row (the parent's copy)."""
        claimed: set[int] = set()
        rows: dict[tuple[int, int], int] = {}
        copies = []
        for r in range(row_of_run.size):
            key = (int(child_of_run[r]), int(classes_now[resp_of_run[r]]))
            row = rows.get(key)
            if row is None:
                parent = int(row_of_run[r])
                if parent not in claimed:
                    claimed.add(parent)
                    row = parent
                else:
                    row, self.m = self.m, self.m + 1
                    for a in (self.state, self.since, self.counts, self.reach, self.seed):
                        a[row] = a[parent]
                    copies.append((row, parent))
                self.resp[row] = resp_of_run[r]
                rows[key] = row
            row_of_run[r] = row
        if copies:
            self.outraged, self.aware = (np.concatenate(
                [idx] + [idx[idx // self.n == parent] + (row - parent) * self.n
                         for row, parent in copies]) for idx in (self.outraged, self.aware))


def step_runs(adj, fixed, count, aware, children, child_of_run, resp_of_run, scheds, classes,
              steps, p, mps):
    """Step the batch's runs (run i: seed child `child_of_run[i]`, response `resp_of_run[i]`).

    Returns counts (4, steps + 1, runs) of unaware/aware/outraged/calmed,
    new negative posts (steps + 1, runs) and cumulative negative reach
    (steps + 1, runs), exactly as each run simulated on its own.
    """
    n, runs = adj.n, child_of_run.size
    matrix = adj.matrix
    indptr, indices = matrix.indptr.astype(np.int64), matrix.indices
    degree = np.diff(indptr).astype(np.float64)
    ks = np.arange(int(np.bincount(indices, minlength=n).max()) + 1)  # outraged in-neighbours
    used = np.unique(child_of_run)  # seed children of this chunk, in order
    child_of_run = np.searchsorted(used, child_of_run)
    seeds = used.size
    rngs = [np.random.default_rng(children[c]) for c in used]
    rates = np.stack([np.stack([sc[key] for sc in scheds], axis=1) for key in RATES], axis=2)
    talks = np.zeros((steps + 1, len(scheds)), dtype=bool)
    for k, sc in enumerate(scheds):
        talks[list(sc["convo"]), k] = True
    talk_steps = talks.any(axis=1)
    parts = classes.max(axis=1) + 1  # distinct schedules per step (ids 0, 1, ... at each)
    # a step whose schedules and rates are those of the step before reuses its tables
    again_ = np.zeros(steps + 1, dtype=bool)
    again_[2:] = (rates[2:] == rates[1:-1]).all(axis=(1, 2)) & (classes[2:] == classes[1:-1]).all(1)

    rows = _Rows(n, max(runs, seeds), seeds)
    priority = np.empty((seeds, n))
    for g, rng in enumerate(rngs):  # the draws of a run alone, in the same order
        picked = fixed if fixed is not None else rng.choice(n, count, replace=False)
        rows.state[g, picked] = OUTRAGED
        if aware:
            others = rng.choice(n, min(n, aware + picked.size), replace=False)
            rows.state[g, others[rows.state[g, others] == UNAWARE][:aware]] = AWARE
        priority[g] = degree + rng.random(n)  # ties among equal followings broken at random
        rows.counts[g] = np.bincount(rows.state[g], minlength=4)
        rows.reach[g] = degree[rows.state[g] == OUTRAGED].sum()
    rows.index()
    row_of_run = child_of_run.copy()
    rows.resp[:seeds] = [resp_of_run[np.flatnonzero(child_of_run == g)[0]] for g in range(seeds)]

    counts = np.zeros((steps + 1, runs, 4), dtype=np.int64)
    new_neg = np.zeros((steps + 1, runs), dtype=np.int64)
    reach = np.zeros((steps + 1, runs))
    counts[0], reach[0] = rows.counts[row_of_run], rows.reach[row_of_run]
    new_neg[0] = counts[0, :, OUTRAGED]
    u = np.empty((seeds, 2, n), dtype=np.float32)  # two uniforms per node and step, per child
    u_flat = u.reshape(-1)
    flat_all = rows.state.reshape(-1)
    heard = np.zeros(flat_all.size, dtype=np.int64)  # outraged in-neighbours; zero between steps
    row_ids = np.repeat(np.arange(rows.state.shape[0], dtype=np.int32), n)  # flat index -> row
    out_degree = np.diff(indptr)
    width = ks.size
    for s in range(1, steps + 1):
        for g, rng in enumerate(rngs):
            rng.random((2, n), dtype=np.float32, out=u[g])
        split = parts[s] > parts[s - 1]
        if split:  # some schedules part here: their rows split
            rows.split(row_of_run, child_of_run, resp_of_run, classes[s])
        if s == 1 or split:
            m = rows.m
            flat = flat_all[:m * n]
            off0 = (2 * rows.seed[:m] - np.arange(m)) * n  # flat + off0[row] -> u[seed, 0, node]
            off1 = off0 + n
            rep = rows.resp[:m]
        if s == 1 or split or not again_[s]:  # the rates of this step, per schedule and per row
            cls = classes[s]
            first = np.empty(parts[s], dtype=np.int64)  # a response per schedule
            first[cls] = np.arange(cls.size)
            e, rho, calm, settle = rates[s][first].T
            hit_t = (1.0 - (1.0 - e[:, None]) ** ks).astype(np.float32).ravel()  # (schedule, k)
            again_t = (1.0 - (1.0 - (e * rho)[:, None]) ** ks).astype(np.float32).ravel()
            rho_t = rho.astype(np.float32)
            of_row = cls[rep]  # each row's schedule at this step
            calm_row, settle_row = calm[of_row], settle[of_row]
        if talk_steps[s]:
            talking = np.flatnonzero(talks[s, rep])
            for c in talking:
                _converse(rows.state[c], rows.since[c], priority[rows.seed[c]],
                          u[rows.seed[c], 0], scheds[rep[c]]["convo"][s], s, mps, p)
                rows.counts[c] = np.bincount(rows.state[c], minlength=4)
            rows.outraged = rows.outraged[flat[rows.outraged] == OUTRAGED]  # replies calmed some
        outraged = rows.outraged
        o_row = row_ids[outraged]
        o_node = outraged - o_row * n
        begin = indptr[o_node]
        deg = out_degree[o_node]
        ends = np.cumsum(deg)
        total = int(ends[-1]) if ends.size else 0
        targets = indices[np.arange(total) + np.repeat(begin - (ends - deg), deg)] \
            + np.repeat(o_row * n, deg)
        np.add.at(heard, targets, 1)
        order = -np.arange(1, total + 1)
        kk = heard[targets]
        heard[targets] = order  # one position per distinct target survives
        once = heard[targets] == order
        targets, kk = targets[once], kk[once]
        heard[targets] = 0
        st = flat[targets]
        open_ = st <= AWARE  # only the unaware and the aware can turn
        exposed, kk, unaware = targets[open_], kk[open_], st[open_] == UNAWARE
        e_row = row_ids[exposed]
        uu = u_flat[exposed + off0[e_row]]
        e_cls = of_row[e_row]
        at = e_cls * width + kk
        hit, again, rho = hit_t[at], again_t[at], rho_t[e_cls]
        sees = uu < hit  # the unaware: sees it; below hit * rho, also joins
        joins = uu < hit * rho
        out_u = exposed[unaware & joins]
        out_a = exposed[~unaware & (uu < again)]
        to_aware = exposed[unaware & sees & ~joins]
        calm_a = rows.aware
        a_row = row_ids[calm_a]
        calming = u_flat[outraged + off1[o_row]] < calm_row[o_row]
        calm_o = outraged[calming]
        calm_a = calm_a[u_flat[calm_a + off1[a_row]] < settle_row[a_row]]
        flat[out_u] = OUTRAGED
        flat[out_a] = OUTRAGED
        calm_a = calm_a[flat[calm_a] == AWARE]  # turning outraged beats settling
        flat[to_aware] = AWARE
        flat[calm_o] = CALMED
        flat[calm_a] = CALMED
        to_out = np.concatenate([out_u, out_a])
        rows.outraged = np.concatenate([outraged[~calming], to_out])
        still = rows.aware[flat[rows.aware] == AWARE]
        rows.aware = np.concatenate([still, to_aware])
        rows.since.reshape(-1)[to_out] = s
        out_row = row_ids[to_out]
        code = np.concatenate([out_row * 5 + (np.arange(to_out.size) >= out_u.size),
                               row_ids[to_aware] * 5 + 2, o_row[calming] * 5 + 3,
                               row_ids[calm_a] * 5 + 4])
        moves = np.bincount(code, minlength=5 * m).reshape(m, 5)
        rows.counts[:m] += moves @ _MOVES
        n_ou, n_oa = moves[:, 0], moves[:, 1]
        rows.reach[:m] += np.bincount(out_row, weights=degree[to_out - out_row * n], minlength=m)
        counts[s] = rows.counts[row_of_run]
        new_neg[s] = (n_ou + n_oa)[row_of_run]
        reach[s] = rows.reach[row_of_run]
    return counts.transpose(2, 0, 1), new_neg, reach
