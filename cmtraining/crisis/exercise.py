"""A played crisis exercise: turns, the simulated public, the score and the debrief.

The exercise owns its graph and its seed (the model owns its randomness, as
in Mesa): the audience is a stochastic block model of the organization's
segments (`graphs.audience`), and the public's reaction is re-simulated
from minute 0 with every action so far and the same seed after each turn,
so the history the trainee saw never changes and the next turn follows from
their choices. At the end, hundreds of Monte Carlo runs from the same seed
give the outcome, the no-response reference and the counterfactuals, all
with common random numbers, so differences come from the actions.

Workbook actions map onto the engine's: a statement, pinned post or update
is a `statement` with its SCCT family (compensation offered in a public
statement also counts as `compensation_public`); a reply is a `reply` whose
quality is the reply checker's crisis-mode score; a private message is
`private`; escalating is `escalate`. Empathy is the mean empathy component
of the checked texts; consistency is the scoring module's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

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

    def incoming(self) -> list[dict]:
        """What reaches the inbox in the current turn: injects due and the phase's messages."""
        end = self.minute + self.minutes_per_turn
        items = [{"kind": "inject", "minute": i.minute, "type": i.kind, "text": self.text(i.text)}
                 for i in self.scenario.injects if self.minute <= i.minute < end]
        if self.minute == 0:
            o = self.scenario.opening
            items.insert(0, {"kind": "opening", "minute": 0, "author": o.author,
                             "followers": o.followers, "text": self.text(o.text)})
        phase = [p for p in self.scenario.phases if p.from_minute <= self.minute][-1]
        turn = self.minute // self.minutes_per_turn
        messages = phase.messages
        for k in range(min(3, len(messages))):
            m = messages[(turn * 3 + k) % len(messages)]
            items.append({"kind": "message", "minute": self.minute, "author": m.author,
                          "sentiment": m.sentiment, "text": self.text(m.text)})
        return items

    # --- turns ------------------------------------------------------------------------

    def check_text(self, text: str, *, kind: str, channel: str | None = None):
        """The reply checker in crisis mode, against the opening post."""
        from cmtraining.response import check_reply

        network = channel if channel in _networks() else self.scenario.network
        return check_reply(text, message=self.text(self.scenario.opening.text), lang=self.lang,
                           network=network, category="crisis_signal",
                           author=self.scenario.opening.author, crisis=True)

    def act(self, actions: list[dict]) -> None:
        """Record this turn's actions (texts checked) and move the clock one turn."""
        from cmtraining.workbook.sections_crisis import CrisisAction
        from cmtraining.workbook.validation import validate_model

        recorded = []
        for action in actions:
            action = {k: v for k, v in action.items() if v not in (None, "")}
            if action.get("text") and action["kind"] in ENGINE_KIND and action["kind"] != "escalate":
                review = self.check_text(action["text"], kind=action["kind"],
                                         channel=action.get("channel"))
                action["reply_score"] = review.score
                action["_empathy"] = review.components.get("empathy")
            validate_model(CrisisAction, {k: v for k, v in action.items() if not k.startswith("_")},
                           source="crisis action", lang=self.lang)
            recorded.append(action)
        self.turns.append(Turn(self.minute, recorded))
        self.minute = min(self.duration, self.minute + self.minutes_per_turn)

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

    def finish(self, runs: int = DEBRIEF_RUNS) -> Debrief:
        from cmtraining.crisis.public import Response, compare, summarize
        from cmtraining.crisis.scoring import recommendation_for, score_run

        mine = self.simulate(runs=runs)
        none = self.simulate(Response(()), runs=runs)
        ours, ref = summarize(mine), summarize(none)
        outcome = _figures(ours)
        reference = _figures(ref)
        turns = self.turns_for_workbook()
        score = score_run(self.scenario, turns, outcome, reference)
        counterfactuals = []
        earlier = 30 if self.scenario.golden_minutes >= 30 else self.scenario.golden_minutes
        first = next((t.minute for t in self.turns for a in t.actions
                      if a["kind"] in STATEMENT_ACTIONS), None)
        if first is None or first > earlier:  # what answering sooner would have changed
            other = self.simulate(self.engine_response(shift_first=earlier), runs=runs)
            counterfactuals.append({"key": "earlier", "minute": earlier,
                                    "change": _relative(compare(mine, other), ours)})
        else:  # what waiting would have cost
            later = 4 * self.scenario.golden_minutes
            shifted = [Turn(t.minute if not any(a["kind"] in STATEMENT_ACTIONS for a in t.actions)
                            else max(t.minute, later), t.actions) for t in self.turns]
            shifted.sort(key=lambda t: t.minute)
            other = self.simulate(self.engine_response(shifted), runs=runs)
            counterfactuals.append({"key": "later", "minute": later,
                                    "change": _relative(compare(mine, other), ours)})
        strategies = []
        for family in FAMILIES:
            result = summarize(self.simulate(self.engine_response(
                shift_first=first if first is not None else earlier, family=family), runs=runs))
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
        events = [{"minute": 0, "kind": "opening", "text": self.text(self.scenario.opening.text)}]
        events += [{"minute": i.minute, "kind": i.kind, "text": self.text(i.text)}
                   for i in self.scenario.injects if i.minute <= self.minute]
        for turn in self.turns:
            for a in turn.actions:
                events.append({"minute": turn.minute, "kind": "action:" + a["kind"],
                               "strategy": a.get("strategy"), "text": a.get("text", ""),
                               "score": a.get("reply_score")})
        return sorted(events, key=lambda e: (e["minute"], not e["kind"].startswith("action")))


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
