"""The after-action report of a played crisis exercise, in the HSEEP spirit.

After an exercise, the U.S. Homeland Security Exercise and Evaluation
Program (HSEEP, 2020) asks for strengths, areas for improvement and the
corrective actions they call for, with a timeline. Here each component of
the score sorts into a strength (value at least `STRENGTH`) or an area for
improvement, carries its finding's reason, and the debrief adds what the
simulation says another choice would have changed. One self-contained HTML
document (Jinja2, autoescaped), in the trainee's language.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

STRENGTH = 0.7


@cache
def _template():
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(
        str(Path(__file__).resolve().parents[1] / "report")), autoescape=True,
        trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    return env.get_template("after_action.html.j2")


def sections(exercise, debrief, lang: str) -> dict:
    """Strengths, improvements, actions, counterfactuals and the timeline as plain data."""
    from cmtraining.crisis.scoring import recommendation_for
    from cmtraining.i18n import t

    items = []
    for c in debrief.score.components:
        items.append({"name": t(f"crisis.score.component.{c.name}", lang), "weight": c.weight,
                      "value": c.value, "message": c.finding.message(lang),
                      "rule": c.finding.rule(lang)})
    rec = recommendation_for(exercise.scenario)
    advice = exercise.scenario.recommended
    return {
        "title": exercise.text(exercise.scenario.title),
        "summary": exercise.text(exercise.scenario.summary),
        "cluster": t(f"crisis.cluster.{exercise.scenario.cluster}", lang),
        "score": debrief.score.total, "components": items,
        "strengths": [i for i in items if i["value"] >= STRENGTH],
        "improvements": [i for i in items if i["value"] < STRENGTH],
        "recommended": t(f"crisis.family.{rec.primary}", lang),
        "reason": exercise.text(advice.reason),
        "wrong": [f"{t(f'crisis.strategy.{w.strategy}', lang)}: {exercise.text(w.reason)}"
                  for w in advice.wrong],
        "best": t(f"crisis.family.{debrief.best}", lang),
        # the simulation's best and SCCT's advice answer different questions: say which is which
        "reconcile": (t("crisis.debrief_reconcile.agree", lang) if debrief.best == rec.primary
                      else t("crisis.debrief_reconcile.differ", lang,
                             best=t(f"crisis.family.{debrief.best}", lang),
                             recommended=t(f"crisis.family.{rec.primary}", lang))),
        "strategies": [{**s, "name": t(f"crisis.family.{s['family']}", lang)}
                       for s in debrief.strategies],
        "counterfactuals": [{**cf, "text": t(_cf_key(cf, exercise), lang, minute=cf["minute"],
                                              change=change_words(
                                                  **cf["change"]["negative_reach"], lang=lang))}
                            for cf in debrief.counterfactuals],
        "outcome": debrief.outcome, "reference": debrief.reference,
        "timeline": [{**e, "label": event_label(e, lang)} for e in debrief.timeline],
    }


def _cf_key(cf: dict, exercise) -> str:
    """The counterfactual's text: "earlier" says "a statement at minute 30" when none was issued;
    "later" says answering early paid off only when waiting would surely have raised the reach.

    Issue 19.5: "if the first statement had come at minute 30" read wrong
    after an exercise without any statement (the simulation then adds a
    holding statement at that minute).
    """
    from cmtraining.workbook.sections_crisis import STATEMENT_ACTIONS

    key = cf["key"]
    issued = any(a["kind"] in STATEMENT_ACTIONS for turn in exercise.turns for a in turn.actions)
    if key == "earlier" and not issued:
        return "crisis.cf.earlier_none"
    if key == "later" and _direction(**cf["change"]["negative_reach"]) != "rise":
        return "crisis.cf.later_unclear"
    return f"crisis.cf.{key}"


def _whole(value: float) -> int:
    """A share as the whole percentage shown (0.424 -> 42)."""
    return round(abs(value) * 100)


def _direction(change: float, low: float, high: float) -> str:
    """How the sentence reads, from the figures as shown (whole percentages): "either" when the
    interval runs from a fall to a rise, "same" when the mean shows no change, else "fall" or
    "rise"."""
    lo, hi = round(low * 100), round(high * 100)
    if lo < 0 < hi:
        return "either"
    if _whole(change) == 0:
        return "same"
    return "fall" if change < 0 else "rise"


def change_words(change: float, low: float | None = None, high: float | None = None, *,
                 lang: str) -> str:
    """"bajaría un 42 % (entre un 27 % y un 58 %)" / "would fall by 42% (by between 27% and
    58%)": the direction in words and the interval in the sentence's own terms, since "would
    change by -42%" or "bajaría un 42 % (de -58 % a -27 %)" leaves the reader to decode the
    signs; an interval across zero says the reach could rise or fall. Without an interval,
    the direction of `change` alone."""
    from cmtraining.core.numbers import percent
    from cmtraining.i18n import t

    def pct(value: float) -> str:
        return percent(abs(value), lang, decimals=0)

    if low is None or high is None:
        low = high = change
    direction = _direction(change, low, high)
    if direction == "same":
        return t("crisis.cf.same", lang)
    if direction == "either":
        return t("crisis.cf.either", lang, fall=pct(min(low, 0.0)), rise=pct(max(high, 0.0)))
    near, far = sorted((abs(low), abs(high)))
    if _whole(near) == _whole(far):  # no range to give
        return t(f"crisis.cf.{direction}", lang, pct=pct(change))
    return t(f"crisis.cf.{direction}_range", lang, pct=pct(change), low=pct(near), high=pct(far))


def event_label(event: dict, lang: str) -> str:
    from cmtraining.i18n import t

    kind = event["kind"]
    if kind.startswith("action:"):
        label = t(f"crisis.action.{kind[7:]}", lang)
        strategy = event.get("strategy")
        if strategy:
            label += " (" + t(f"crisis.strategy.{strategy}", lang) + ")"
        if event.get("reply_to"):
            label += " " + t("crisis.play.to", lang, author=event["reply_to"])
        return label
    if kind == "opening":
        return t("crisis.opening", lang) + (f" · {event['author']}" if event.get("author") else "")
    if kind == "message":
        return event.get("author") or ""
    return t(f"crisis.inject.{kind}", lang)


def after_action_html(exercise, debrief, lang: str) -> str:
    from cmtraining.i18n import t

    data = sections(exercise, debrief, lang)
    return _template().render(lang=lang, d=data, t=lambda key, **kw: t(key, lang, **kw),
                              number=lambda v: f"{v:,.0f}".replace(",", "." if lang == "es" else ","))
