"""A played crisis exercise: turns, the simulated public, the score and the debrief.

The exercise owns its graph and its seed (the model owns its randomness, as
in Mesa): the audience is a stochastic block model of the organization's
segments (`graphs.audience`), and the public's reaction is re-simulated
from minute 0 with every action so far and the same seed after each turn,
so the history the trainee saw never changes and the next turn follows from
their choices. At the end, hundreds of Monte Carlo runs from the same seed
give the outcome, the no-response reference and the counterfactuals, all
with common random numbers, so differences come from the actions.

Each post reaches the inbox once, at its own minute (`arrivals`: the
opening, the injects, each phase's messages spread over the phase), and a
turn shows only what arrived up to its minute; `timeline` only grows.

Workbook actions map onto the engine's: a statement, pinned post or update
is a `statement` with its SCCT family (compensation offered in a public
statement also counts as `compensation_public`), its text reviewed by the
statement checker (`crisis.statements`); a reply is a `reply` to the post
the trainee chose, whose quality is the reply checker's crisis-mode score
against that post; a private message is `private`; escalating is
`escalate`. Empathy is the mean empathy component of the checked texts;
consistency is the scoring module's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from cmtraining.core.errors import CmtrainingError
from cmtraining.workbook.sections_crisis import FAMILY, STATEMENT_ACTIONS

ENGINE_KIND = {"statement": "statement", "pin_post": "statement", "update": "statement",
               "reply": "reply", "private_message": "private", "escalate": "escalate"}
MINUTES_PER_STEP = 5
DEBRIEF_RUNS = 100  # Monte Carlo runs per debrief simulation (intervals of the mean)
FAMILIES = ("base", "diminish", "rebuild", "deny")


@dataclass
class Turn:
    minute: int
    actions: list[dict] = field(default_factory=list)


@dataclass
class Debrief:
    score: object  # scoring.RunScore
    outcome: dict  # mean figures of the trainee's response
    reference: dict  # the same crisis with no response
    counterfactuals: list[dict]  # {key, params, change: {metric: interval}}
    strategies: list[dict]  # per SCCT family: mean reputation and reach
    best: str
    timeline: list[dict]
    run: dict  # a `CrisisRun` for the workbook


class ExerciseInputError(CmtrainingError):
    """An action the exercise cannot take (a reply to a post that is not there)."""

    key = "crisis.play.no_post"


class Exercise:
    def __init__(self, scenario_id: str, *, lang: str = "es", seed: int = 1,
                 graph_size: int = 3000, minutes_per_turn: int | None = None,
                 org_name: str = ""):
        from cmtraining.crisis.scenarios import load_scenario

        self.scenario = load_scenario(scenario_id)  # validated before anything runs
        self.lang, self.seed, self.graph_size = lang, seed, graph_size
        self.minutes_per_turn = minutes_per_turn or self.scenario.minutes_per_turn
        self.org_name = org_name
        self.minute = 0
        self.turns: list[Turn] = []
        self.started = datetime.now().astimezone()
        self._graph = None
        self._arrivals: list[dict] | None = None

    # --- the world ------------------------------------------------------------------

    @property
    def graph(self):
        if self._graph is None:
            from cmtraining.crisis.graphs import audience

            self._graph = audience(self.graph_size, seed=self.seed).matrix
        return self._graph

    @property
    def duration(self) -> int:
        return self.scenario.duration_minutes

    @property
    def done(self) -> bool:
        return self.minute >= self.duration

    def params(self) -> dict:
        o = self.scenario.outrage
        return {"cluster": self.scenario.cluster, "history": self.scenario.history,
                "reputation": self.scenario.reputation, "unfounded": self.scenario.unfounded,
                "initial": o.outraged,
                "aware": max(0.0, o.aware - o.outraged),
                "virality": min(10.0, o.virality * self.inject_virality()),
                "minutes_per_step": MINUTES_PER_STEP}

    def inject_virality(self) -> float:
        """The injects' multipliers averaged over the scenario's duration.

        The engine takes one virality per run; a multiplier that changed at
        each inject would rewrite the history a trainee has already seen when
        re-simulated, so the run uses their time-weighted mean from the start.
        """
        factor, last, weighted = 1.0, 0, 0.0
        for inject in self.scenario.injects:
            weighted += factor * (min(inject.minute, self.duration) - last)
            factor, last = factor * inject.virality, min(inject.minute, self.duration)
        weighted += factor * (self.duration - last)
        return weighted / self.duration

    def text(self, bilingual) -> str:
        return bilingual.get(self.lang, org=self.org_name) if hasattr(bilingual, "get") else str(bilingual)

    def arrivals(self) -> list[dict]:
        """Everything that reaches the inbox over the whole exercise, each item once.

        The opening post at minute 0, the injects at their minutes, and each
        phase's messages spread evenly over the phase (rounded to the
        simulation's 5-minute step), so no post comes back in a later turn.
        """
        if self._arrivals is None:
            o = self.scenario.opening
            items = [{"id": "opening", "kind": "opening", "minute": 0, "author": o.author,
                      "followers": o.followers, "sentiment": "negative",
                      "text": self.text(o.text)}]
            items += [{"id": f"inject-{n}", "kind": "inject", "minute": i.minute, "type": i.kind,
                       "text": self.text(i.text)}
                      for n, i in enumerate(self.scenario.injects) if i.minute <= self.duration]
            phases = self.scenario.phases
            for p, phase in enumerate(phases):
                end = phases[p + 1].from_minute if p + 1 < len(phases) else self.duration
                end = min(end, self.duration)
                span = max(end - phase.from_minute, MINUTES_PER_STEP)
                for k, m in enumerate(phase.messages):
                    minute = phase.from_minute + span * (k + 1) / (len(phase.messages) + 1)
                    minute = min(end, max(phase.from_minute + MINUTES_PER_STEP,
                                          MINUTES_PER_STEP * round(minute / MINUTES_PER_STEP)))
                    items.append({"id": f"{phase.id}-{k}", "kind": "message", "minute": minute,
                                  "author": m.author, "sentiment": m.sentiment,
                                  "text": self.text(m.text)})
            order = {"opening": 0, "inject": 1, "message": 2}
            self._arrivals = sorted(items, key=lambda i: (i["minute"], order[i["kind"]]))
        return self._arrivals

    def incoming(self) -> list[dict]:
        """What arrived since the previous turn, up to the current minute (never later)."""
        since = self.turns[-1].minute if self.turns else -1
        return [i for i in self.arrivals() if since < i["minute"] <= self.minute]

    def posts(self) -> list[dict]:
        """The posts a reply can answer: the opening and the messages arrived so far."""
        return [i for i in self.arrivals() if i["kind"] in ("opening", "message")
                and i["minute"] <= self.minute]

    def post(self, post_id: str | None) -> dict:
        """One post by id (the opening when None); unknown or not yet arrived is an error."""
        post_id = post_id or "opening"
        for item in self.posts():
            if item["id"] == post_id:
                return item
        raise ExerciseInputError("crisis.play.no_post", post=str(post_id))

    # --- turns ------------------------------------------------------------------------

    def check_text(self, text: str, *, kind: str, channel: str | None = None,
                   reply_to: str | None = None, strategy: str | None = None):
        """Review a text: a statement by the statement checker, a reply against its post.

        Statements, pinned posts and updates speak to everyone
        (`crisis.statements`); replies and private messages answer the post
        `reply_to` (the opening when None): its author, its text, and the
        minutes from its arrival to now on the crisis clock.
        """
        from datetime import timedelta

        from cmtraining.crisis.statements import NOT_A_FEED, check_statement
        from cmtraining.response import check_reply

        if kind in STATEMENT_ACTIONS:
            network = channel if channel in _networks() else \
                None if channel in NOT_A_FEED else self.scenario.network
            return check_statement(text, scenario=self.scenario, lang=self.lang,
                                   network=network, strategy=strategy)
        post = self.post(reply_to)
        network = channel if channel in _networks() else self.scenario.network
        category = {"negative": "crisis_signal", "positive": "praise"}.get(
            post.get("sentiment"), "question" if "?" in post["text"] else "crisis_signal")
        return check_reply(text, message=post["text"], lang=self.lang, network=network,
                           category=category, author=post.get("author"), crisis=True,
                           received=self.started + timedelta(minutes=post["minute"]),
                           replied=self.started + timedelta(minutes=self.minute))

    def act(self, actions: list[dict]) -> None:
        """Record this turn's actions (texts checked) and move the clock one turn."""
        recorded = [self.prepare(action) for action in actions]
        self.turns.append(Turn(self.minute, recorded))
        self.minute = min(self.duration, self.minute + self.minutes_per_turn)

    def prepare(self, action: dict) -> dict:
        """One action as `act` records it: its text reviewed now, its reply target resolved.

        The live workshop (`cmtraining.workshop`) reviews each draft with it
        when it is written, and replays the recorded actions into `turns`.
        """
        from cmtraining.workbook.sections_crisis import CrisisAction
        from cmtraining.workbook.validation import validate_model

        action = {k: v for k, v in action.items() if v not in (None, "")}
        reply_to = action.pop("reply_to", None)
        if action["kind"] in ("reply", "private_message"):
            post = self.post(reply_to)
            action["_reply_to"], action["_reply_author"] = post["id"], post.get("author")
        if action.get("text") and action["kind"] in ENGINE_KIND and action["kind"] != "escalate":
            review = self.check_text(action["text"], kind=action["kind"],
                                     channel=action.get("channel"), reply_to=reply_to,
                                     strategy=action.get("strategy"))
            action["reply_score"] = review.score
            action["_empathy"] = review.components.get("empathy")
        validate_model(CrisisAction, {k: v for k, v in action.items() if not k.startswith("_")},
                       source="crisis action", lang=self.lang)
        return action

    # --- simulation -------------------------------------------------------------------

    def engine_response(self, turns=None, *, shift_first: int | None = None,
                        family: str | None = None):
        """The engine's `Response` for these turns (optionally changed for a counterfactual)."""
        from cmtraining.crisis.public import Response
        from cmtraining.crisis.scoring import consistency

        turns = self.turns if turns is None else turns
        actions, empathy, statements = [], [], []
        first_done = False
        for turn in turns:
            for a in turn.actions:
                kind = ENGINE_KIND.get(a["kind"])
                if kind is None:
                    continue
                minute = turn.minute
                strategy = a.get("strategy")
                if kind == "statement":
                    if family is not None:
                        strategy = family
                    if shift_first is not None and not first_done:
                        minute = min(minute, shift_first)
                    first_done = True
                    if strategy:  # an untagged statement says nothing about consistency
                        statements.append((strategy, a.get("channel")))
                engine = {"minute": minute, "kind": kind}
                if kind == "statement":
                    engine["strategy"] = FAMILY.get(strategy or "base", "base")
                if kind in ("reply", "private"):
                    engine["count"] = 1
                if kind == "reply":
                    engine["quality"] = (a.get("reply_score") or 50) / 100
                actions.append(engine)
                if kind == "statement" and FAMILY.get(strategy or "") == "rebuild" \
                        and strategy == "compensation":
                    actions.append({"minute": minute, "kind": "compensation_public"})
                if a.get("_empathy") is not None:
                    empathy.append(a["_empathy"])
        if shift_first is not None and not first_done:  # no statement at all: add a holding one
            actions.append({"minute": shift_first, "kind": "statement", "strategy": "base"})
        value, _ = consistency(statements)
        return Response(tuple(actions), empathy=sum(empathy) / len(empathy) if empathy else 0.5,
                        consistency=value if statements else 1.0)

    def simulate(self, response=None, *, until: int | None = None, runs: int = 1):
        from cmtraining.crisis.public import simulate_crisis

        minutes = self.duration if until is None else max(MINUTES_PER_STEP, until)
        steps = max(1, minutes // MINUTES_PER_STEP)
        return simulate_crisis(self.graph, self.params(),
                               self.engine_response() if response is None else response,
                               steps=steps, runs=runs, seed=self.seed)

    def live(self):
        """The trainee's world so far: one run, up to the current minute (never beyond)."""
        frame = self.simulate(until=max(self.minute, MINUTES_PER_STEP), runs=1).frame
        return frame[frame["minute"] <= self.minute].reset_index(drop=True)

    # --- the end --------------------------------------------------------------------

    def debrief_plan(self) -> dict:
        """{name: engine Response} of every simulation the debrief needs.

        "mine" (the trainee's actions), "none" (no response), one
        counterfactual ("earlier": the first statement at minute 30, or
        "later": waiting four golden windows) and "family:<f>" (the same
        timing with each SCCT family). `finish` simulates them one by one;
        the live workshop simulates every team's plan in one batch.
        """
        from cmtraining.crisis.public import Response

        plan = {"mine": self.engine_response(), "none": Response(())}
        earlier, first = self._earlier(), self._first_statement()
        if first is None or first > earlier:  # what answering sooner would have changed
            plan["earlier"] = self.engine_response(shift_first=earlier)
        else:  # what waiting would have cost
            later = 4 * self.scenario.golden_minutes
            shifted = [Turn(t.minute if not any(a["kind"] in STATEMENT_ACTIONS for a in t.actions)
                            else max(t.minute, later), t.actions) for t in self.turns]
            shifted.sort(key=lambda t: t.minute)
            plan["later"] = self.engine_response(shifted)
        for family in FAMILIES:
            plan[f"family:{family}"] = self.engine_response(
                shift_first=first if first is not None else earlier, family=family)
        return plan

    def _earlier(self) -> int:
        return 30 if self.scenario.golden_minutes >= 30 else self.scenario.golden_minutes

    def _first_statement(self) -> int | None:
        return next((t.minute for t in self.turns for a in t.actions
                     if a["kind"] in STATEMENT_ACTIONS), None)

    def finish(self, runs: int = DEBRIEF_RUNS, outcomes: dict | None = None) -> Debrief:
        """The debrief: `outcomes` {name: CrisisOutcome} of `debrief_plan()` when already
        simulated (same seed and runs), else each is simulated here with `runs` runs."""
        from cmtraining.crisis.public import compare, summarize
        from cmtraining.crisis.scoring import recommendation_for, score_run

        if outcomes is None:
            outcomes = {name: self.simulate(response, runs=runs)
                        for name, response in self.debrief_plan().items()}
        mine, none = outcomes["mine"], outcomes["none"]
        ours, ref = summarize(mine), summarize(none)
        outcome = _figures(ours)
        reference = _figures(ref)
        turns = self.turns_for_workbook()
        score = score_run(self.scenario, turns, outcome, reference)
        counterfactuals = []
        if "earlier" in outcomes:
            counterfactuals.append({"key": "earlier", "minute": self._earlier(),
                                    "change": _relative(compare(mine, outcomes["earlier"]), ours)})
        else:
            counterfactuals.append({"key": "later", "minute": 4 * self.scenario.golden_minutes,
                                    "change": _relative(compare(mine, outcomes["later"]), ours)})
        strategies = []
        for family in FAMILIES:
            result = summarize(outcomes[f"family:{family}"])
            strategies.append({"family": family,
                               "reputation": float(result.loc["reputation", "mean"]),
                               "negative_reach": float(result.loc["negative_reach", "mean"])})
        best = max(strategies, key=lambda s: (s["reputation"], -s["negative_reach"]))["family"]
        recommended = recommendation_for(self.scenario).primary
        run = {"scenario": self.scenario.id, "started": self.started, "seed": self.seed,
               "graph_size": self.graph_size, "minutes_per_turn": self.minutes_per_turn,
               "turns": [t.model_dump() for t in turns], "outcome": outcome,
               "reference": reference, **score.as_run_fields(self.lang)}
        return Debrief(score=score, outcome=outcome, reference=reference,
                       counterfactuals=counterfactuals, strategies=strategies,
                       best=best if best else recommended, timeline=self.timeline(), run=run)

    def turns_for_workbook(self):
        from cmtraining.workbook.sections_crisis import CrisisTurn

        return [CrisisTurn.model_validate({"minute": t.minute, "actions": [
            {k: v for k, v in a.items() if not k.startswith("_")} for a in t.actions]})
            for t in self.turns]

    def timeline(self) -> list[dict]:
        """Everything so far in time order: it only grows from turn to turn.

        At the same minute, what arrived comes before what the trainee did
        (they acted after reading it).
        """
        events = [{"minute": i["minute"], "kind": i.get("type", i["kind"]),
                   "author": i.get("author"), "id": i["id"], "text": i["text"]}
                  for i in self.arrivals() if i["minute"] <= self.minute]
        for turn in self.turns:
            for a in turn.actions:
                events.append({"minute": turn.minute, "kind": "action:" + a["kind"],
                               "strategy": a.get("strategy"), "text": a.get("text", ""),
                               "score": a.get("reply_score"), "channel": a.get("channel"),
                               "reply_to": a.get("_reply_author")})
        return sorted(events, key=lambda e: (e["minute"], e["kind"].startswith("action")))


def _networks() -> tuple[str, ...]:
    from typing import get_args

    from cmtraining.workbook.base import NetworkId

    return get_args(NetworkId)


def _figures(summary) -> dict:
    return {"peak_negative": round(float(summary.loc["peak_negative", "mean"]), 3),
            "negative_reach": round(float(summary.loc["negative_reach", "mean"]), 3),
            "reputation": round(float(summary.loc["reputation", "mean"]), 3)}


def _relative(diff, base) -> dict:
    """Paired change per metric as a share of the trainee's mean, with its 95% interval."""
    out = {}
    for metric in ("negative_reach", "peak_negative", "reputation"):
        mean = float(base.loc[metric, "mean"]) or 1.0
        out[metric] = {"change": float(diff.loc[metric, "mean"]) / mean,
                       "low": float(diff.loc[metric, "ci_low"]) / mean,
                       "high": float(diff.loc[metric, "ci_high"]) / mean}
    return out
