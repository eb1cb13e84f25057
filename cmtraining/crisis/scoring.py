"""SCCT fit and the crisis run's score: five visible, explained components.

    recommended_strategies(cluster, history, reputation, *, unfounded=False,
                           victims=True) -> Recommendation
    strategy_fit(chosen, scenario) -> (value 0..1, Finding)
    score_run(scenario, turns, outcome=None, reference=None) -> RunScore

`recommended_strategies` encodes Coombs (2007), "Protecting organization
reputations during a crisis", Corporate Reputation Review 10(3), 163-176:

- instructing information (how to stay safe) comes first whenever people
  are or may be harmed; adjusting information (sympathy, what is being
  fixed) goes with it;
- victim cluster, no crisis history, neutral or good prior reputation: the
  base response is enough, with bolstering if wished;
- victim cluster with a history or a bad reputation, and accidental cluster
  with neither: diminish (excuse, justification);
- accidental cluster with a history or a bad reputation, and every
  preventable crisis: rebuild (apology, compensation);
- deny (attack the accuser, denial, scapegoat) only for rumours and
  unfounded challenges, and never mixed with diminish or rebuild;
- bolster (reminder, ingratiation, victimage) only as a supplement, and
  victimage only when the organization is itself a victim.

The score weighs five components (`WEIGHTS`), each a value 0..1 with its
reason as a `Finding`. Fit weighs no more than timing, quality or outcome
on purpose: in the SCCT meta-analysis fit correlates with post-crisis
reputation only moderately (r = .23), so choosing the "right" family must
not decide the grade alone. Timing weighs most because the first hour is
when a statement shapes the story (the reply checker's `crisis_signal`
norm). The outcome figures come from the diffusion engine as plain numbers,
normalised against the same scenario and seed played with no response, so
this module does not depend on the engine.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from cmtraining.core.findings import Finding, Key, KeyList, Number
from cmtraining.workbook.sections_crisis import (
    FAMILY,
    STATEMENT_ACTIONS,
    CrisisOutcome,
    CrisisTurn,
)

__all__ = ["GOLDEN_MINUTES", "WEIGHTS", "Component", "Recommendation", "RunScore",
           "recommended_strategies", "score_run", "strategy_fit"]

#: cmtraining_2026 (teaching choice): the weights of the 0-100 score.
WEIGHTS: dict[str, float] = {"timing": 0.25, "fit": 0.20, "consistency": 0.15,
                             "quality": 0.20, "outcome": 0.20}
#: The "golden hour": a first statement is due within 60 minutes.
GOLDEN_MINUTES = 60
#: Past the limit, timing falls linearly to 0 at (1 + LATE_DECAY) x limit, as
#: the reply checker's timeliness does (`late_decay` in reply_checker.yaml).
LATE_DECAY = 2
#: How accommodative each family is; fit compares the chosen with the needed.
STRENGTH = {"base": 0, "diminish": 1, "rebuild": 2}


@dataclass(frozen=True)
class Recommendation:
    primary: str  # "base", "deny", "diminish" or "rebuild"
    instructing: bool  # instructing information needed (someone may be harmed)
    bolster: bool  # bolstering suits as a supplement
    victimage: bool  # the organization may present itself as a victim too
    avoid: tuple[str, ...]  # families that are wrong here
    rule: str  # which guideline applied: catalogue key `crisis.rule.<rule>`


def _bad(history: bool, reputation: str) -> bool:
    return bool(history) or reputation == "bad"


def recommended_strategies(cluster: str, history: bool, reputation: str, *,
                           unfounded: bool = False, victims: bool = True) -> Recommendation:
    """The SCCT response for this situation (see the module docstring)."""
    if cluster not in ("victim", "accidental", "preventable"):
        raise ValueError(f"unknown SCCT cluster: {cluster!r}")
    if reputation not in ("good", "neutral", "bad"):
        raise ValueError(f"unknown prior reputation: {reputation!r}")
    if unfounded:
        return Recommendation("deny", victims, True, cluster == "victim",
                              ("diminish", "rebuild"), "deny_rumour")
    if cluster == "victim":
        primary, rule = ("diminish", "victim_history") if _bad(history, reputation) \
            else ("base", "victim_clean")
        return Recommendation(primary, victims, True, True, ("deny",), rule)
    if cluster == "accidental":
        primary, rule = ("rebuild", "accidental_history") if _bad(history, reputation) \
            else ("diminish", "accidental_clean")
        return Recommendation(primary, victims, True, False, ("deny",), rule)
    return Recommendation("rebuild", victims, True, False, ("deny", "diminish"), "preventable")


def recommendation_for(scenario) -> Recommendation:
    return recommended_strategies(scenario.cluster, scenario.history, scenario.reputation,
                                  unfounded=scenario.unfounded, victims=scenario.victims)


def _fit_finding(level: str, message: str, rec: Recommendation, value=None, **params) -> Finding:
    return Finding(code="crisis.fit", level=level, rule_key=f"crisis.rule.{rec.rule}",
                   message_key=f"crisis.fit.{message}", value=value,
                   params={"primary": Key(f"crisis.family.{rec.primary}"), **params})


def strategy_fit(chosen: Iterable[str], scenario) -> tuple[float, Finding]:
    """How well the strategies used match SCCT's advice for `scenario`.

    `chosen`: specific strategies or family names, as trainees tag their
    statements. Returns the value and the one finding that matters most:
    a wrong deny, then missing safety information, then the family.
    """
    rec = recommendation_for(scenario)
    chosen = [c for c in chosen if c]
    families = {FAMILY[c] for c in chosen}
    used = KeyList("crisis.family", sorted(families))
    if not chosen:
        return 0.0, _fit_finding("error", "none", rec)
    main = families & {"deny", "diminish", "rebuild", "base"}
    if rec.primary == "deny":
        if "deny" in main and main & {"diminish", "rebuild"}:
            value, level, message = 0.25, "error", "deny_mixed"
        elif "deny" in main:
            value, level, message = 1.0, "ok", "match"
        elif main & {"diminish", "rebuild"}:
            value, level, message = 0.25, "warning", "accepts_rumour"
        else:
            value, level, message = 0.5, "warning", "rumour_unanswered"
    elif "deny" in main:
        value, level, message = 0.0, "error", "deny_wrong"
    else:
        ranked = [STRENGTH[f] for f in main]
        if not ranked:
            value, level, message = 0.2, "warning", "bolster_alone"
        else:
            gap = max(ranked) - STRENGTH[rec.primary]
            if gap == 0:
                value, level, message = 1.0, "ok", "match"
            elif gap > 0:
                value, level, message = 0.75, "info", "stronger"
            else:
                value, level, message = (0.35 if gap == -1 else 0.1), "warning", "weaker"
    if "victimage" in chosen and not rec.victimage:
        value = max(0.0, value - 0.25)
        if level == "ok":
            level, message = "warning", "victimage"
    if rec.instructing and not {"instructing", "base"} & set(chosen):
        value = min(value, 0.5)
        if level != "error":
            level, message = "error", "no_instructing"
    return value, _fit_finding(level, message, rec, value=sorted(set(chosen)), used=used)


# --- the other components ---------------------------------------------------------


def _f(code: str, level: str, message: str, value=None, **params) -> Finding:
    return Finding(code=f"crisis.score.{code}", level=level, rule_key=f"crisis.score.rule.{code}",
                   message_key=f"crisis.score.msg.{message}", value=value, params=params)


def deadline_for(scenario) -> int:
    """Minutes to the first statement: the scenario's clock, never past the golden hour."""
    return min(GOLDEN_MINUTES, int(getattr(scenario, "golden_minutes", GOLDEN_MINUTES)))


def timing(first_minute: float | None, scenario) -> tuple[float, Finding]:
    """1 up to the deadline, then falling linearly to 0 at three times it."""
    limit = deadline_for(scenario)
    if first_minute is None:
        return 0.0, _f("timing", "error", "timing_none", limit=limit)
    if first_minute <= limit:
        return 1.0, _f("timing", "ok", "timing_ok", first_minute, minute=first_minute, limit=limit)
    value = max(0.0, 1.0 - (first_minute - limit) / (LATE_DECAY * limit))
    return value, _f("timing", "warning" if value > 0 else "error", "timing_late", first_minute,
                     minute=first_minute, limit=limit)


def consistency(statements: list[tuple[str, str | None]]) -> tuple[float, Finding]:
    """Same story everywhere: share of statements in the most used family.

    `statements`: (strategy, channel) of each public action with a strategy.
    Base and bolster go along with any family, so they never break it.
    """
    if not statements:
        return 0.0, _f("consistency", "error", "consistency_none")
    families = [FAMILY[s] for s, _ in statements]
    main = [f for f in families if f in ("deny", "diminish", "rebuild")]
    if "deny" in main and {"diminish", "rebuild"} & set(main):
        return 0.0, _f("consistency", "error", "consistency_mix", sorted(set(main)),
                       used=KeyList("crisis.family", sorted(set(main))))
    if not main:
        return 1.0, _f("consistency", "ok", "consistency_ok", count=len(statements))
    family, count = Counter(main).most_common(1)[0]
    value = count / len(main)
    if value == 1.0:
        return 1.0, _f("consistency", "ok", "consistency_ok", family, count=len(statements))
    return value, _f("consistency", "warning", "consistency_changed", sorted(set(main)),
                     family=Key(f"crisis.family.{family}"), share=round(100 * value))


def quality(scores: list[float]) -> tuple[float, Finding]:
    """Mean reply-checker score (crisis mode) of the texts published."""
    if not scores:
        return 0.0, _f("quality", "warning", "quality_none")
    mean = sum(scores) / len(scores)
    level = "ok" if mean >= 70 else "warning"
    # scores are whole points: their mean is too ("85 points", not "85,2"; issue 21 sweep)
    return mean / 100, _f("quality", level, "quality_" + level, round(mean, 1),
                          mean=Number(round(mean)), count=len(scores))


def _avoided(got: float, ref: float) -> float:
    """Share of the no-response harm avoided (1 when there was none to avoid)."""
    if ref <= 0:
        return 1.0
    return min(1.0, max(0.0, 1.0 - got / ref))


def outcome_value(outcome: CrisisOutcome, reference: CrisisOutcome) -> tuple[float, Finding]:
    """Mean of the harm avoided: peak, reach and (with a before figure) reputation lost."""
    parts = [_avoided(outcome.peak_negative, reference.peak_negative),
             _avoided(outcome.negative_reach, reference.negative_reach)]
    before = outcome.reputation_before if outcome.reputation_before is not None \
        else reference.reputation_before
    if before is not None:
        parts.append(_avoided(max(0.0, before - outcome.reputation),
                              max(0.0, before - reference.reputation)))
    value = sum(parts) / len(parts)
    level = "ok" if value >= 0.5 else "warning"
    return value, _f("outcome", level, "outcome_" + level, round(value, 3),
                     peak=Number(round(parts[0] * 100)), reach=Number(round(parts[1] * 100)),
                     share=round(100 * value))


# --- the run ------------------------------------------------------------------------


@dataclass(frozen=True)
class Component:
    name: str
    weight: float
    value: float
    finding: Finding


@dataclass(frozen=True)
class RunScore:
    components: tuple[Component, ...]
    total: float  # 0..100, = 100 x sum(weight x value)

    @property
    def findings(self) -> list[Finding]:
        return [c.finding for c in self.components]

    def as_run_fields(self, lang: str = "es") -> dict:
        """`components` and `score` for a `CrisisRun`; translated parameters in `lang`."""
        rows = []
        for c in self.components:
            params = {k: v.render(lang) if hasattr(v, "render") else v
                      for k, v in c.finding.params.items()}
            rows.append({"name": c.name, "weight": c.weight, "value": c.value,
                         "reason": c.finding.message_key,
                         "params": {k: v if isinstance(v, int | float) else str(v)
                                    for k, v in params.items()}})
        return {"components": rows, "score": self.total}


def _instructs(text: str, lang: str | None) -> bool:
    """Does a published text give safety instructions (in its language, or either)?"""
    from cmtraining.response.instructions import instructions

    if not text:
        return False
    return any(instructions(text, code) for code in ((lang,) if lang else ("es", "en")))


def score_run(scenario, turns, outcome=None, reference=None) -> RunScore:
    """Score a played run. `turns`: `CrisisTurn`s (or their dicts), in time order.

    Without both outcome figures the outcome component is left out and the
    other weights are renormalised, so a run scored before the simulation
    finishes is not punished for it; the weights returned are those used.
    """
    turns = [t if isinstance(t, CrisisTurn) else CrisisTurn.model_validate(t) for t in turns]
    first = next((t.minute for t in turns for a in t.actions if a.kind in STATEMENT_ACTIONS),
                 None)
    public = [a for t in turns for a in t.actions if a.kind in STATEMENT_ACTIONS + ("reply",)]
    statements = [(a.strategy, a.channel) for a in public if a.strategy]
    # a public text that tells people how to stay safe is instructing
    # information, whatever strategy it was tagged with (issue 21.3)
    instructing = ["instructing"] if any(_instructs(a.text, a.lang) for a in public) else []
    parts = {
        "timing": timing(first, scenario),
        "fit": strategy_fit([s for s, _ in statements] + instructing, scenario),
        "consistency": consistency(statements),
        "quality": quality([a.reply_score for t in turns for a in t.actions
                            if a.reply_score is not None]),
    }
    if outcome is not None and reference is not None:
        outcome = outcome if isinstance(outcome, CrisisOutcome) \
            else CrisisOutcome.model_validate(outcome)
        reference = reference if isinstance(reference, CrisisOutcome) \
            else CrisisOutcome.model_validate(reference)
        parts["outcome"] = outcome_value(outcome, reference)
    total_weight = sum(WEIGHTS[name] for name in parts)
    components = tuple(Component(name, WEIGHTS[name] / total_weight, value, finding)
                       for name, (value, finding) in parts.items())
    total = round(100 * sum(c.weight * c.value for c in components), 2)
    return RunScore(components, min(100.0, max(0.0, total)))
