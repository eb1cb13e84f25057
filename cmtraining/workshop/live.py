"""A live crisis workshop: several teams play one scenario at once, a facilitator runs it.

Each team is one `crisis.exercise.Exercise` (same scenario, seed and
audience graph) whose actions come from the store instead of a notebook:
drafts by role, published once the team's protocol allows (a statement
needs the approver's OK). `advance` computes the next turn of every team in
ONE batched call of the crisis engine (`crisis.public.simulate_crisis_batch`):
a team is a run, all teams share the seed's random numbers, so the teams'
publics differ only by what the teams did.

Nothing is cached between calls except the immutable (config, scenario,
graph): every method reads the state from the store and writes its change
in one transaction, so each team page may run in its own kernel and a server
restart loses nothing.

The `Workshop` class is split by job: this module holds its lifecycle (create,
find, start, pause, resume, end, inject) and the turn clock with the batched
simulation; `drafting.py` the drafts and approval by role (`DraftingMixin`);
`views.py` what the pages show (`ViewsMixin`).
"""

from __future__ import annotations

import copy
import json
import secrets
from dataclasses import replace
from functools import cached_property

from sqlalchemy import delete, func, insert, literal, select, update

from cmtraining.workshop import store as db
from cmtraining.workshop.drafting import DraftingMixin
from cmtraining.workshop.models import (
    INJECT_KINDS,
    LINK,
    TurnResult,
    WorkshopConfig,
    WorkshopError,
)
from cmtraining.workshop.store import Store
from cmtraining.workshop.views import ViewsMixin

FACILITATOR = "facilitator"
MAX_INJECT = 1000
_RETRIES = 5  # an advance races an approval: recompute with the new action (see `advance`)


class Workshop(DraftingMixin, ViewsMixin):
    """One workshop in a store; get one with `create`, `load` or `by_token`."""

    def __init__(self, store: Store, workshop_id: str, config: WorkshopConfig):
        self.store, self.id, self.config = store, workshop_id, config
        self._exercises: dict[str, object] = {}

    # --- creating and finding -----------------------------------------------------------

    @classmethod
    def create(cls, store: Store, config: WorkshopConfig) -> Workshop:
        """A new workshop ("ready"): an id, one unguessable token per team and the facilitator's."""
        from cmtraining.crisis.scenarios import load_scenario

        load_scenario(config.scenario_id)  # an unknown scenario is refused before anything is written
        workshop_id = "w" + secrets.token_hex(4)
        stamp = db.now()
        with store.engine.begin() as conn:
            conn.execute(insert(db.workshops).values(
                id=workshop_id, config=json.dumps(config.to_dict()), status="ready", turn=0,
                minute=0, facilitator_token=secrets.token_urlsafe(24), created_at=stamp,
                updated_at=stamp, clock_started_at=None, clock_elapsed=0.0))
            for i, name in enumerate(config.names()):
                conn.execute(insert(db.teams).values(
                    workshop_id=workshop_id, team_id=f"t{i + 1}", position=i, name=name,
                    token=secrets.token_urlsafe(24)))
        return cls(store, workshop_id, config)

    @classmethod
    def load(cls, store: Store, workshop_id: str) -> Workshop:
        """The workshop `workshop_id` (WorkshopError when there is none)."""
        with store.engine.connect() as conn:
            row = conn.execute(select(db.workshops.c.config)
                               .where(db.workshops.c.id == workshop_id)).first()
        if row is None:
            raise WorkshopError("workshop.error.unknown_workshop", id=str(workshop_id))
        return cls(store, workshop_id, WorkshopConfig.from_dict(_config_dict(row.config)))

    @classmethod
    def by_token(cls, store: Store, token: str) -> tuple[Workshop, str | None, bool]:
        """(workshop, team_id or None, is_facilitator) for a link's token (WorkshopError if unknown)."""
        token = str(token or "")
        if not 16 <= len(token) <= 64:
            raise WorkshopError("workshop.error.unknown_token")
        with store.engine.connect() as conn:
            team = conn.execute(select(db.teams.c.workshop_id, db.teams.c.team_id)
                                .where(db.teams.c.token == token)).first()
            boss = None if team else conn.execute(
                select(db.workshops.c.id).where(db.workshops.c.facilitator_token == token)).first()
        if team is not None:
            return cls.load(store, team.workshop_id), team.team_id, False
        if boss is not None:
            return cls.load(store, boss.id), None, True
        raise WorkshopError("workshop.error.unknown_token")

    # --- state (read from the store on every access) ----------------------------------------

    def _row(self, conn=None):
        if conn is None:
            with self.store.engine.connect() as conn:
                return self._row(conn)
        row = conn.execute(select(db.workshops).where(db.workshops.c.id == self.id)).first()
        if row is None:
            raise WorkshopError("workshop.error.unknown_workshop", id=self.id)
        return row

    @property
    def status(self) -> str:
        """"ready", "running", "paused" or "ended"."""
        return self._row().status

    @property
    def turn(self) -> int:
        """Turns computed so far (0 until the first `advance`)."""
        return self._row().turn

    @property
    def minute(self) -> int:
        """The crisis clock (simulated minutes since the opening post)."""
        return self._row().minute

    @property
    def duration(self) -> int:
        """The scenario's length in simulated minutes."""
        return self.exercise().duration

    @property
    def minutes_per_turn(self) -> int:
        return self.exercise().minutes_per_turn

    def _teams(self, conn=None) -> list:
        if conn is None:
            with self.store.engine.connect() as conn:
                return self._teams(conn)
        return list(conn.execute(select(db.teams).where(db.teams.c.workshop_id == self.id)
                                 .order_by(db.teams.c.position)))

    def team_ids(self) -> list[str]:
        return [t.team_id for t in self._teams()]

    def team_names(self) -> dict[str, str]:
        return {t.team_id: t.name for t in self._teams()}

    def tokens(self) -> dict[str, str]:
        """{team_id: token} plus {"facilitator": token}: for the facilitator's links only."""
        with self.store.engine.connect() as conn:
            out = {t.team_id: t.token for t in self._teams(conn)}
            out[FACILITATOR] = self._row(conn).facilitator_token
        return out

    def links(self, base: str = "") -> dict[str, str]:
        """{team_id or "facilitator": base + LINK with its token}."""
        return {key: base.rstrip("/") + LINK.format(token=token)
                for key, token in self.tokens().items()}

    # --- the world (immutable: cached) ---------------------------------------------------------

    def exercise(self, lang: str | None = None):
        """The stage-5 exercise every team plays (one per language; they share the graph)."""
        from cmtraining.crisis.exercise import Exercise

        lang = lang or self.config.lang
        if lang not in self._exercises:
            ex = Exercise(self.config.scenario_id, lang=lang, seed=self.config.seed,
                          graph_size=self.config.audience_size,
                          minutes_per_turn=self.config.sim_minutes_per_turn,
                          org_name=self.org_name())
            if self._exercises:
                ex._graph = next(iter(self._exercises.values()))._graph
            self._exercises[lang] = ex
        return self._exercises[lang]

    def org_name(self) -> str:
        """The organization the scenario was written for (its sample's name), so posts say
        "Tallyfold Analytics Ltd" as its other posts say "@tallyfold", not "the organization";
        "" for a scenario written for none."""
        from cmtraining.crisis.scenarios import load_scenario
        from cmtraining.samples.organizations import load_organization

        sample = load_scenario(self.config.scenario_id).sample_org
        return load_organization(sample).profile.name if sample else ""

    @cached_property
    def graph(self):
        graph = self.exercise().graph
        for ex in self._exercises.values():
            ex._graph = graph
        return graph

    def _played(self, lang: str | None, minute: int, turns: list):
        """A copy of the shared exercise at `minute` with `turns` (the shared one never
        changes: a page's refresh may read it while another call draws)."""
        ex = copy.copy(self.exercise(lang))
        ex.minute, ex.turns = minute, turns
        return ex

    # --- the facilitator ------------------------------------------------------------------

    def _transition(self, what: str, allowed: tuple[str, ...], target: str) -> None:
        w = db.workshops.c
        with self.store.engine.begin() as conn:
            row = self._row(conn)
            if row.status not in allowed:
                raise WorkshopError("workshop.error.status", lang=self.config.lang,
                                    status=_t(f"workshop.status.{row.status}", self.config.lang),
                                    what=_t(f"workshop.what.{what}", self.config.lang))
            values = {"status": target, "updated_at": db.now()}
            if target == "running":
                values["clock_started_at"] = db.now()
            elif row.status == "running":  # the turn's real time stops
                values["clock_elapsed"] = row.clock_elapsed + _elapsed(row.clock_started_at)
                values["clock_started_at"] = None
            done = conn.execute(update(db.workshops).where(w.id == self.id, w.status == row.status)
                                .values(**values)).rowcount
            if not done:  # another page changed the status between the read and the write
                raise WorkshopError("workshop.error.status", lang=self.config.lang,
                                    status=_t(f"workshop.status.{self.status}", self.config.lang),
                                    what=_t(f"workshop.what.{what}", self.config.lang))

    def _status_error(self, conn, what: str):
        status = self._row(conn).status
        raise WorkshopError("workshop.error.status", lang=self.config.lang,
                            status=_t(f"workshop.status.{status}", self.config.lang),
                            what=_t(f"workshop.what.{what}", self.config.lang))

    def start(self) -> None:
        """ready -> running; the teams see the opening post and the curve at minute 0."""
        _, frames = self._simulate(0)  # before the write: status and curves land together
        w = db.workshops.c
        with self.store.engine.begin() as conn:
            done = conn.execute(update(db.workshops).where(w.id == self.id, w.status == "ready")
                                .values(status="running", clock_started_at=db.now(),
                                        updated_at=db.now())).rowcount
            if not done:
                self._status_error(conn, "start")
            self._write_curves(conn, frames)

    def pause(self) -> None:
        """running -> paused: no drafts, approvals or advances; the real-time clock stops."""
        self._transition("pause", ("running",), "paused")

    def resume(self) -> None:
        """paused -> running."""
        self._transition("resume", ("paused",), "running")

    def end(self) -> None:
        """Any status but ended -> ended (the debrief is available)."""
        self._transition("end", ("ready", "running", "paused"), "ended")

    def inject(self, what: str, team_id: str | None = None) -> int:
        """Push an inject now to every team (None) or one: a kind of `INJECT_KINDS` (its
        text from the catalogue, both languages) or a free text (shown as written, kind
        "facilitator"). It reaches the inbox and timeline at the current minute, like the
        scenario's own injects, and it changes the public of the teams it reaches: from the
        next turn on, their publics are simulated with `crisis.public.Inject(minute, kind)`
        (a fading boost to exposure and outrage from that minute; its sizes and sources are
        the `inject.*` entries of `crisis.effects.EFFECTS`). The history already shown
        never changes: the boost starts at the inject's minute."""
        what = str(what or "").strip()
        if not what:
            raise WorkshopError("workshop.error.inject_empty", allowed=", ".join(INJECT_KINDS))
        if len(what) > MAX_INJECT:
            raise WorkshopError("workshop.error.inject_long", n=len(what))
        if team_id is not None:
            self._check_team(team_id)
        if what in INJECT_KINDS:
            kind = what
            es, en = (_t(f"workshop.inject.text.{kind}", lang,
                         org=self.exercise().org_name or _t("crisis.org_default", lang))
                      for lang in ("es", "en"))
        else:
            kind, es, en = "facilitator", what, what
        w = db.workshops.c
        source = select(literal(self.id), literal(team_id), w.turn, w.minute, literal(kind),
                        literal(es), literal(en), literal(db.now())).where(
            w.id == self.id, w.status.in_(("running", "paused")))
        with self.store.engine.begin() as conn:
            result = conn.execute(insert(db.injects).from_select(
                ["workshop_id", "team_id", "turn", "minute", "kind", "text_es", "text_en",
                 "created_at"], source))
            if not result.rowcount:
                self._status_error(conn, "inject")
            return int(conn.execute(select(func.max(db.injects.c.id))
                                    .where(db.injects.c.workshop_id == self.id)).scalar())

    def advance(self) -> TurnResult:
        """Move the clock one turn and compute every team's public so far in one batched
        engine call; at the scenario's end the workshop ends.

        What each team published up to now acts from its minute on, and so does
        every inject that reached it. The new state is written only if no draft
        was published and no inject pushed while the engine ran (their numbers
        are part of the write's condition); otherwise the turn is computed again
        with them, so no action or inject is lost.
        Advancing is from the turn read first: when another page advanced it
        meanwhile (a double click, a real-time turn), that turn is returned
        and the clock does not move twice.
        """
        return self._advance(None, others=True)

    def _advance(self, expect_turn: int | None, *, others: bool) -> TurnResult | None:
        """Advance from `expect_turn` (None: the turn now); when another page advanced it
        meanwhile, the state it left (`others`) or None."""
        for _ in range(_RETRIES):
            row = self._row()
            if expect_turn is None:
                expect_turn = row.turn
            if row.turn != expect_turn:  # someone else advanced it: that is the turn asked for
                return self._current() if others else None
            if row.status != "running":
                self._status_error(None, "advance")
            minute = min(self.duration, row.minute + self.minutes_per_turn)
            seen, frames = self._simulate(minute)
            status = "ended" if minute >= self.duration else "running"
            if self._commit_turn(seen, frames, turn=row.turn, minute=minute, status=status):
                return TurnResult(row.turn + 1, minute, status,
                                  {team: _last(frame, minute) for team, frame in frames.items()})
        raise WorkshopError("workshop.error.busy")

    def _current(self) -> TurnResult:
        row = self._row()
        last = {}
        for c in self.curves():
            if c["minute"] <= row.minute:
                last[c["team_id"]] = {"minute": row.minute, "negative_reach": c["negative_reach"],
                                      "outraged": c["outraged"]}
        return TurnResult(row.turn, row.minute, row.status, last)

    def seconds_left(self) -> float | None:
        """Real seconds left in this turn (None when the facilitator advances by hand)."""
        if self.config.real_seconds_per_turn is None:
            return None
        row = self._row()
        used = row.clock_elapsed + (_elapsed(row.clock_started_at) if row.status == "running"
                                    else 0.0)
        return max(0.0, self.config.real_seconds_per_turn - used)

    def advance_if_due(self) -> TurnResult | None:
        """`advance` when the turn's real time is up (safe to call from several pages at once:
        only one of them computes the turn, the others get None)."""
        left = self.seconds_left()
        if left is None or left > 0:
            return None
        row = self._row()
        if row.status != "running":
            return None
        try:
            return self._advance(row.turn, others=False)
        except WorkshopError:  # ended or paused meanwhile
            return None

    # --- the simulation -------------------------------------------------------------------

    def inject_events(self) -> dict[str, tuple]:
        """{team_id: the engine's `Inject`s that reached the team}: the facilitator's injects
        to every team and to it, oldest first (what they do: `crisis.effects`, inject.*)."""
        return self._events()[0]

    def _events(self) -> tuple[dict[str, tuple], int]:
        """(`inject_events`, how many injects the workshop has), read together."""
        from cmtraining.crisis.public import Inject

        i = db.injects.c
        with self.store.engine.connect() as conn:
            teams = [t.team_id for t in self._teams(conn)]
            rows = list(conn.execute(select(i.team_id, i.minute, i.kind)
                                     .where(i.workshop_id == self.id).order_by(i.id)))
        events: dict[str, list] = {team: [] for team in teams}
        for r in rows:
            for team in teams if r.team_id is None else [r.team_id]:
                events[team].append(Inject(r.minute, r.kind))
        return {team: tuple(found) for team, found in events.items()}, len(rows)

    def responses(self, drafts: list[dict] | None = None, events: dict | None = None) -> dict:
        """{team_id: the engine's Response}: what each team published, and the injects that
        reached it (`inject_events`)."""
        drafts = self.drafts() if drafts is None else drafts
        events = self.inject_events() if events is None else events
        ex = self.exercise()
        return {team: replace(ex.engine_response(self.team_turns(team, drafts)),
                              injects=events.get(team, ()))
                for team in self.team_ids()}

    def _simulate(self, minute: int):
        """((published drafts, injects) counted, {team_id: frame up to `minute`}) in one
        batched call."""
        from cmtraining.crisis.exercise import MINUTES_PER_STEP
        from cmtraining.crisis.public import simulate_crisis_batch

        drafts = self.drafts()
        events, pushed = self._events()
        published = sum(d["state"] == "published" for d in drafts)
        responses = self.responses(drafts, events)
        steps = max(1, max(minute, MINUTES_PER_STEP) // MINUTES_PER_STEP)
        ex = self.exercise()
        outcomes = simulate_crisis_batch(self.graph, ex.params(), list(responses.values()),
                                         steps=steps, runs=1, seed=self.config.seed)
        frames = {team: o.frame if o.frame["minute"].iat[-1] <= minute
                  else o.frame[o.frame["minute"] <= minute].reset_index(drop=True)
                  for team, o in zip(responses, outcomes, strict=True)}
        return (published, pushed), frames

    def _commit_turn(self, seen: tuple[int, int], frames: dict, *, turn: int, minute: int,
                     status: str) -> bool:
        """Write the next turn and its curves if the turn is still `turn` and nothing was
        published nor injected since `seen` (published drafts, injects) was counted; False
        when it must be computed again."""
        w, d = db.workshops.c, db.drafts.c
        published, pushed = seen
        count = select(func.count()).select_from(db.drafts).where(
            d.workshop_id == self.id, d.state == "published").scalar_subquery()
        injected = select(func.count()).select_from(db.injects).where(
            db.injects.c.workshop_id == self.id).scalar_subquery()
        values = {"turn": turn + 1, "minute": minute, "status": status, "updated_at": db.now(),
                  "clock_elapsed": 0.0,
                  "clock_started_at": db.now() if status == "running" else None}
        with self.store.engine.begin() as conn:
            done = conn.execute(update(db.workshops).where(
                w.id == self.id, w.turn == turn, w.status == "running",
                count == published, injected == pushed).values(**values)).rowcount
            if not done:
                return False
            self._write_curves(conn, frames)
        return True

    def _write_curves(self, conn, frames: dict) -> None:
        conn.execute(delete(db.curves).where(db.curves.c.workshop_id == self.id))
        names = ("minute", "negative_reach", "outraged", "new_negative")
        rows = [{"workshop_id": self.id, "team_id": team, "minute": int(minute),
                 "negative_reach": float(reach), "outraged": int(outraged),
                 "new_negative": int(new)}
                for team, frame in frames.items()
                for minute, reach, outraged, new in zip(
                    *(frame[name].to_numpy().tolist() for name in names), strict=True)]
        if rows:
            conn.execute(insert(db.curves), rows)


def _last(frame, minute: int) -> dict:
    row = frame.iloc[-1]
    return {"minute": minute, "negative_reach": float(row.negative_reach),
            "outraged": int(row.outraged)}


def _elapsed(since) -> float:
    return 0.0 if since is None else max(0.0, (db.now() - since).total_seconds())


def _config_dict(text: str) -> dict:
    data = json.loads(text)
    for key in ("team_names", "roles"):
        data[key] = tuple(data.get(key) or ())
    return data


def _t(key: str, lang: str | None, **params) -> str:
    from cmtraining.i18n import t

    return t(key, lang, **params)
