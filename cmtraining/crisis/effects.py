"""Effect sizes of the crisis model, each with where it comes from.

Why a table and not constants in the code: a facilitator must be able to say
where every number comes from, and change it. Every entry is an `Effect`
with its value, the range a caller may set it to, what it means, and its
basis: a source with its year when the literature gives the *direction*
(which way an action moves the crisis), and `assumption` for every
*magnitude* we had no figure for. Pass `effects={"name": value}` in a
`Scenario` to change any of them; `parameters()` checks the names and ranges.

Rates are per 10 minutes of simulated time; the model converts them to its
step length (`minutes_per_step`) as 1-(1-p)^(minutes/10).

Also here, so that every number and the way it is applied read together:
SCCT strategy fit, timeliness, the reputation index and `schedule`, which
turns a scenario and a response into per-step probabilities.

Sources (directions only unless stated):
  COOMBS_2007  Coombs, W. T. (2007). Protecting organization reputations during
               a crisis: the development and application of Situational Crisis
               Communication Theory. Corporate Reputation Review 10(3), 163-176.
  DOMAIN       /work/shared/DOMAIN.md "Timing": golden hour for a first
               statement; most users expect a brand reply within 1 hour (72%
               for complaints); fast replies improve outcomes; empathy and a
               private channel limit firestorm virality, compensation offered
               in public can fuel it; strategy fit correlates with reputation
               only moderately (meta-analysis r = .23).
  PFEFFER_2014 Pfeffer, J., Zorbach, T. & Carley, K. M. (2014). Understanding
               online firestorms: negative word-of-mouth dynamics in social
               media networks. Journal of Marketing Communications 20(1-2),
               117-128: outrage flares within hours and feeds on attention
               from outside the network (the press, high-reach accounts).

Injects (the live workshop's facilitator pushes a journalist's question, a
leaked memo... to one team or all): an outside event at a minute, not the
organization's doing. From the first step that starts at or after its minute
it multiplies the exposure rate by `inject.<kind>.exposure` and the outrage
rate by `inject.<kind>.outrage`, a boost that fades (halves every
`inject.half_life` minutes). The directions come from PFEFFER_2014 (outside
attention feeds the firestorm) and COOMBS_2007 (evidence that the
organization knew raises attributed responsibility); every magnitude is an
assumption, except that a leaked memo's outrage boost is the table's own
step from an accidental to a preventable crisis (1.6 / 1.0).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

COOMBS_2007 = "Coombs 2007, Corporate Reputation Review 10(3)"
DOMAIN = "DOMAIN.md (surveys and large-scale studies it summarises)"
PFEFFER_2014 = "Pfeffer, Zorbach & Carley 2014, Journal of Marketing Communications 20(1-2)"
ASSUMPTION = "assumption"


@dataclass(frozen=True)
class Effect:
    value: float
    low: float
    high: float
    meaning: str
    direction: str  # the source of the direction, or ASSUMPTION
    year: int | None = None
    magnitude: str = ASSUMPTION  # the source of the number itself


def _e(value, low, high, meaning, direction=ASSUMPTION, year=None, magnitude=ASSUMPTION):
    return Effect(float(value), float(low), float(high), meaning, direction, year, magnitude)


EFFECTS: dict[str, Effect] = {
    # base rates of the public (per 10 minutes)
    "rate.exposure": _e(0.05, 0, 1, "chance per outraged neighbour that a node sees the negative content"),
    "rate.outrage": _e(0.25, 0, 1, "chance that a node who sees it becomes outraged and shares it"),
    "rate.calm": _e(0.10, 0, 1, "chance that an outraged sharer stops, with no response (~100 min of sharing)"),
    "rate.settle": _e(0.01, 0, 1, "chance that an aware, not outraged node stops paying attention"),
    # scenario: multipliers on base.outrage
    "cluster.victim": _e(0.5, 0, 5, "outrage multiplier, victim crisis (low attributed responsibility)",
                         COOMBS_2007, 2007),
    "cluster.accidental": _e(1.0, 0, 5, "outrage multiplier, accidental crisis", COOMBS_2007, 2007),
    "cluster.preventable": _e(1.6, 0, 5, "outrage multiplier, preventable crisis (strong responsibility)",
                              COOMBS_2007, 2007),
    "history": _e(1.25, 1, 5, "outrage multiplier with a history of similar crises", COOMBS_2007, 2007),
    "prior.good": _e(0.85, 0, 5, "outrage multiplier, good prior reputation", COOMBS_2007, 2007),
    "prior.neutral": _e(1.0, 0, 5, "outrage multiplier, neutral prior reputation", COOMBS_2007, 2007),
    "prior.bad": _e(1.25, 0, 5, "outrage multiplier, bad prior reputation", COOMBS_2007, 2007),
    # timing
    "timing.golden_hour": _e(60, 0, 1440, "minutes within which a statement has its full effect",
                             DOMAIN, magnitude=DOMAIN),
    "timing.half_life": _e(120, 1, 10000, "after the golden hour a statement's effect halves every … minutes",
                           DOMAIN),
    "reply.expected": _e(60, 0, 1440, "minutes within which a reply to a complainer has its full effect",
                         DOMAIN, magnitude=DOMAIN),
    "reply.half_life": _e(60, 1, 10000, "after that, a reply's effect halves every … minutes", DOMAIN),
    # statements (SCCT strategies): multipliers on outrage and on calm while in force
    "base.outrage": _e(0.85, 0, 1, "outrage multiplier of the base response alone (instructing and "
                       "adjusting information: what to do, sympathy, corrective action)", COOMBS_2007, 2007),
    "base.calm": _e(1.2, 1, 5, "calm multiplier of the base response alone", COOMBS_2007, 2007),
    "deny.outrage": _e(0.85, 0, 5, "outrage multiplier of a denial that fits (an unfounded claim: a rumour)",
                       COOMBS_2007, 2007),
    "deny.backfire": _e(1.3, 1, 5, "outrage multiplier of a denial when the claim is founded",
                        COOMBS_2007, 2007),
    "diminish.outrage": _e(0.75, 0, 1, "outrage multiplier of diminish (excuse, justification)",
                           COOMBS_2007, 2007),
    "rebuild.outrage": _e(0.55, 0, 1, "outrage multiplier of rebuild (compensation, apology)",
                          COOMBS_2007, 2007),
    "bolster.outrage": _e(0.95, 0, 1, "outrage multiplier of bolster used alone (a supplement)",
                          COOMBS_2007, 2007),
    "deny.calm": _e(1.0, 1, 5, "calm multiplier of a fitting denial"),
    "diminish.calm": _e(1.3, 1, 5, "calm multiplier of diminish", COOMBS_2007, 2007),
    "rebuild.calm": _e(1.8, 1, 5, "calm multiplier of rebuild", COOMBS_2007, 2007),
    "bolster.calm": _e(1.1, 1, 5, "calm multiplier of bolster", COOMBS_2007, 2007),
    "statement.settle": _e(0.05, 0, 1, "extra chance per 10 min that an aware node settles once a statement is out"),
    "hold.outrage": _e(0.9, 0, 1, "outrage multiplier of a holding statement", DOMAIN),
    "fit.under": _e(0.5, 0, 1, "share of its effect a strategy keeps when one level less accommodative "
                    "than SCCT recommends (two levels: its square)", COOMBS_2007, 2007),
    "mix.keep": _e(0.5, 0, 1, "share of diminish/rebuild effect kept when mixed with deny",
                   COOMBS_2007, 2007),
    "mix.outrage": _e(1.2, 1, 5, "outrage multiplier once deny is mixed with diminish/rebuild",
                      COOMBS_2007, 2007),
    "consistency.floor": _e(0.5, 0, 1, "share of a statement's effect kept with consistency 0 across channels"),
    # conversation actions
    "reply.calm": _e(0.5, 0, 1, "chance that a timely reply of quality 1 calms the outraged sharer",
                     DOMAIN),
    "private.calm": _e(0.7, 0, 1, "chance that a complaint moved to a private channel stops being shared",
                       DOMAIN),
    "empathy.outrage": _e(0.3, 0, 1, "outrage reduction at empathy 1, from the first response on", DOMAIN),
    "compensation_public.exposure": _e(1.3, 1, 5, "exposure multiplier once compensation is offered in public",
                                       DOMAIN),
    "escalate.calm": _e(1.1, 1, 5, "calm multiplier once the crisis team is involved"),
    # outside events (the workshop's injects): boosts from their minute on, fading
    "inject.half_life": _e(60, 1, 10000, "an inject's boost halves every … minutes (a firestorm "
                           "flares within hours)", PFEFFER_2014, 2014),
    "inject.journalist.exposure": _e(1.5, 1, 5, "exposure multiplier when a journalist asks in "
                                     "public (the newsroom's audience sees the story)",
                                     PFEFFER_2014, 2014),
    "inject.journalist.outrage": _e(1.1, 1, 5, "outrage multiplier when a journalist asks in public "
                                    "(the story looks more credible)", PFEFFER_2014, 2014),
    "inject.leaked_memo.exposure": _e(1.2, 1, 5, "exposure multiplier of a leaked internal memo",
                                      PFEFFER_2014, 2014),
    "inject.leaked_memo.outrage": _e(1.6, 1, 5, "outrage multiplier of a leaked memo suggesting the "
                                     "organization knew: accidental -> preventable "
                                     "(cluster.preventable / cluster.accidental)",
                                     COOMBS_2007, 2007),
    "inject.influencer.exposure": _e(1.8, 1, 5, "exposure multiplier when a high-reach account joins",
                                     PFEFFER_2014, 2014),
    "inject.influencer.outrage": _e(1.0, 1, 5, "outrage multiplier when a high-reach account joins"),
    "inject.regulator.exposure": _e(1.3, 1, 5, "exposure multiplier when a regulator asks in public",
                                    PFEFFER_2014, 2014),
    "inject.regulator.outrage": _e(1.25, 1, 5, "outrage multiplier when a regulator asks in public "
                                   "(as a crisis history: the problem looks serious)"),
    "inject.employee_off_protocol.exposure": _e(1.2, 1, 5, "exposure multiplier when an employee "
                                                "posts off protocol"),
    "inject.employee_off_protocol.outrage": _e(1.3, 1, 5, "outrage multiplier when an employee posts "
                                               "off protocol (the organization contradicts itself)"),
    "inject.facilitator.exposure": _e(1.3, 1, 5, "exposure multiplier of a free-text inject"),
    "inject.facilitator.outrage": _e(1.1, 1, 5, "outrage multiplier of a free-text inject"),
    # reputation index at the end (0..100)
    "rep.good": _e(75, 0, 100, "starting index, good prior reputation"),
    "rep.neutral": _e(60, 0, 100, "starting index, neutral prior reputation"),
    "rep.bad": _e(45, 0, 100, "starting index, bad prior reputation"),
    "rep.history": _e(5, 0, 100, "points off with a crisis history", COOMBS_2007, 2007),
    "rep.outraged": _e(40, 0, 100, "points lost as the share ever outraged grows (saturating)"),
    "rep.outraged_scale": _e(0.15, 0.001, 1, "share ever outraged that costs 63% of rep.outraged"),
    "rep.aware": _e(10, 0, 100, "points lost per unit share of the audience that heard of it"),
    "rep.fit": _e(8, 0, 100, "points between worst and best strategy fit: moderate, as r = .23 says",
                  DOMAIN),
    "rep.mix": _e(5, 0, 100, "points off for mixing deny with diminish/rebuild", COOMBS_2007, 2007),
}

CLUSTERS = ("victim", "accidental", "preventable")
PRIORS = ("good", "neutral", "bad")
STRATEGIES = {  # SCCT postures and their sub-strategies (Coombs 2007); base = information + care
    "base": ("instructing", "adjusting"),
    "deny": ("attack_accuser", "denial", "scapegoat"),
    "diminish": ("excuse", "justification"),
    "rebuild": ("compensation", "apology"),
    "bolster": ("reminder", "ingratiation", "victimage"),
}
INJECTS = ("journalist", "leaked_memo", "influencer", "regulator", "employee_off_protocol",
           "facilitator")  # "facilitator": a free text, a generic push
_LEVEL = {"base": 0, "deny": 0, "bolster": 0, "diminish": 1, "rebuild": 2}


def parameters(overrides=None) -> dict[str, float]:
    """Every effect's value, with `overrides` applied after checking names and ranges."""
    from cmtraining.crisis.graphs import CrisisEngineError

    values = {name: effect.value for name, effect in EFFECTS.items()}
    for name, value in dict(overrides or {}).items():
        effect = EFFECTS.get(name)
        if effect is None:
            raise CrisisEngineError("crisis.engine.error.effect", value=str(name))
        ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        if not ok or not effect.low <= value <= effect.high:
            raise CrisisEngineError("crisis.engine.error.effect_value", name=name, value=repr(value),
                                    low=effect.low, high=effect.high)
        values[name] = float(value)
    return values


def per_step(rate: float, minutes: float) -> float:
    """A per-10-minute probability over a step of `minutes`."""
    return 1.0 - (1.0 - min(rate, 1.0)) ** (minutes / 10.0)


def timeliness(delay: float, full: float, half_life: float) -> float:
    """1 within `full` minutes, then halving every `half_life` minutes."""
    return 1.0 if delay <= full else 0.5 ** ((delay - full) / half_life)


def recommended_level(cluster: str, history: bool, prior: str) -> int:
    """SCCT guideline (Coombs 2007): 0 the base response (information + care) is enough,
    1 diminish, 2 rebuild. Victim: 0, or 1 with a history or bad reputation;
    accidental: 1, or 2 with a history or bad reputation; preventable: 2."""
    aggravated = bool(history) or prior == "bad"
    return {"victim": 0, "accidental": 1, "preventable": 2}[cluster] + int(aggravated)


def strategy_fit(strategy: str, cluster: str, history: bool, prior: str, under: float,
                 unfounded: bool = False) -> float:
    """How well a posture fits the crisis, 0..1: 1 when at least as accommodative as
    recommended, `under`^levels when short of it; bolster is only ever a supplement.
    Deny fits only when the claim is unfounded (a rumour, an unwarranted challenge):
    the same rule the score applies (`scoring.recommended_strategies`), so the
    simulated public and the grade never disagree about a denial."""
    if strategy == "deny":
        return 1.0 if unfounded else 0.0
    need = min(recommended_level(cluster, history, prior), 2)
    short = max(0, need - _LEVEL[strategy])
    return under ** short * (under if strategy == "bolster" else 1.0)


def reputation_index(p: dict, prior: str, history: bool, outraged_share, aware_share,
                     fit: float, mixed: bool):
    """Reputation at the end, 0..100 (an assumption made explicit):

    rep.<prior> - rep.history*history - rep.outraged*(1 - exp(-outraged/rep.outraged_scale))
    - rep.aware*aware + rep.fit*(fit - 0.5) - rep.mix*mixed, clipped to 0..100.
    The harm of the spread dominates; fit moves it by at most rep.fit points.
    """
    value = (p[f"rep.{prior}"] - p["rep.history"] * bool(history)
             - p["rep.outraged"] * (1 - np.exp(-np.asarray(outraged_share) / p["rep.outraged_scale"]))
             - p["rep.aware"] * np.asarray(aware_share)
             + p["rep.fit"] * (fit - 0.5) - p["rep.mix"] * bool(mixed))
    return np.clip(value, 0.0, 100.0)


def inject_boost(injects, start: float, p: dict) -> tuple[float, float]:
    """(exposure, outrage) multipliers at minute `start` of the injects at or before it: each
    1 + (inject.<kind>.<rate> - 1) x 0.5^(minutes since it / inject.half_life), multiplied."""
    exposure = outrage = 1.0
    for i in injects:
        if i.minute <= start:
            fade = 0.5 ** ((start - i.minute) / p["inject.half_life"])
            exposure *= 1 + (p[f"inject.{i.kind}.exposure"] - 1) * fade
            outrage *= 1 + (p[f"inject.{i.kind}.outrage"] - 1) * fade
    return exposure, outrage


def _multipliers(scenario, response, in_force, start, p, keep, fits) -> tuple:
    """(outrage, calm, exposure multipliers, statement strength) of the actions in force."""
    mixed, first = response.mixed, response.first_response()
    o_mult, c_mult, e_mult, strength = 1.0, 1.0, 1.0, 0.0
    for a in in_force:
        w = timeliness(a.minute, p["timing.golden_hour"], p["timing.half_life"]) * keep
        if a.kind == "hold":
            o_mult = min(o_mult, 1 - (1 - p["hold.outrage"]) * w)
        elif a.kind == "statement" and a.strategy == "deny" and not scenario.unfounded:
            pass  # backfire applied below, whatever else was said
        elif a.kind == "statement":
            if a.strategy not in fits:  # the same for every step: computed once
                fits[a.strategy] = strategy_fit(a.strategy, scenario.cluster,
                                                scenario.history, scenario.reputation,
                                                p["fit.under"], scenario.unfounded)
            w *= fits[a.strategy] * (p["mix.keep"] if mixed and a.strategy != "deny" else 1.0)
            o_mult = min(o_mult, 1 - (1 - p[f"{a.strategy}.outrage"]) * w)
            c_mult = max(c_mult, 1 + (p[f"{a.strategy}.calm"] - 1) * w)
            strength = max(strength, w)
    kinds = {(a.kind, a.strategy) for a in in_force}
    if ("statement", "deny") in kinds and not scenario.unfounded:
        o_mult *= p["deny.backfire"]
    if mixed and ("statement", "deny") in kinds and kinds & {("statement", "diminish"),
                                                             ("statement", "rebuild")}:
        o_mult *= p["mix.outrage"]
    if first is not None and first <= start:
        o_mult *= 1 - p["empathy.outrage"] * response.empathy
    if any(a.kind == "compensation_public" for a in in_force):
        e_mult *= p["compensation_public.exposure"]
    if any(a.kind == "escalate" for a in in_force):
        c_mult *= p["escalate.calm"]
    return o_mult, c_mult, e_mult, strength


def schedule(scenario, response, steps: int, p: dict) -> dict:
    """Per-step probabilities (index = step, 1..steps) and the conversation actions per step.

    The actions only depend on the clock, never on the simulated state, so the
    whole schedule is known before the first step (which is what makes the first
    t steps independent of later turns). The actions in force at a step are the
    first i (sorted by minute): their rates are computed once per i. The
    response's injects (`response.injects`, outside events) boost exposure and
    outrage from their minute on (`inject_boost`).
    """
    mps = scenario.minutes_per_step
    outrage0 = p["rate.outrage"] * p[f"cluster.{scenario.cluster}"] * p[f"prior.{scenario.reputation}"]
    outrage0 *= p["history"] if scenario.history else 1.0
    keep = p["consistency.floor"] + (1 - p["consistency.floor"]) * response.consistency
    out = {k: np.zeros(steps + 1) for k in ("exposure", "outrage", "calm", "settle")}
    convo = {}
    actions = response.actions
    minutes = [a.minute for a in actions]
    talk = [a for a in actions if a.kind in ("reply", "private") and a.count]
    injects = getattr(response, "injects", ())
    fits: dict[str, float] = {}
    starts = [(s - 1) * mps for s in range(1, steps + 1)]
    in_force = np.searchsorted(np.asarray(minutes, dtype=float), starts, side="right")
    for i in np.unique(in_force):  # the first i actions are in force: one set of rates
        o_mult, c_mult, e_mult, strength = _multipliers(
            scenario, response, actions[:i], starts[np.argmax(in_force == i)], p, keep, fits)
        at = np.flatnonzero(in_force == i) + 1
        out["exposure"][at] = per_step(p["rate.exposure"] * e_mult * scenario.virality, mps)
        out["outrage"][at] = min(1.0, outrage0 * o_mult)
        out["calm"][at] = per_step(p["rate.calm"] * c_mult, mps)
        out["settle"][at] = per_step(p["rate.settle"] + p["statement.settle"] * strength, mps)
        for s in at if injects else ():
            start = starts[s - 1]
            if injects[0].minute <= start:
                boost_e, boost_o = inject_boost(injects, start, p)
                out["exposure"][s] = per_step(p["rate.exposure"] * e_mult * scenario.virality
                                              * boost_e, mps)
                out["outrage"][s] = min(1.0, outrage0 * o_mult * boost_o)
    for s in range(1, steps + 1) if talk else ():
        todo = [a for a in talk if starts[s - 1] - mps < a.minute <= starts[s - 1]]
        if todo:
            convo[s] = todo
    return {**out, "convo": convo}


def table() -> list[dict]:
    """The effects as rows (for the docs and the debrief)."""
    return [{"name": name, "value": e.value, "meaning": e.meaning, "direction": e.direction,
             "magnitude": e.magnitude, "year": e.year} for name, e in EFFECTS.items()]
