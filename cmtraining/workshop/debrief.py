"""The workshop's debrief for the room: teams compared, and what made the difference.

Each team is scored and simulated exactly as the stage-5 exercise's debrief
(`Exercise.debrief_plan` and `Exercise.finish`: Monte Carlo runs from the
workshop's seed, common random numbers), but every team's plan (its own
actions, the counterfactual, the four SCCT families) and the no-response
reference run in ONE batched engine call, so teams are compared on the same
draws. The after-action reports follow `crisis.after_action` (HSEEP 2020:
strengths, areas for improvement, what another choice would have changed),
as markdown in the room's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

DEBRIEF_RUNS = 60  # Monte Carlo runs per team and simulation (intervals of the mean)
BEND_SMOOTHING = 3  # steps of the moving average the bend is read from


@dataclass
class TeamDebrief:
    """One team: its score's components, outcome, counterfactuals and after-action report."""

    team_id: str
    name: str
    rank: int  # equal (shown) scores share a rank: 1, 1, 3
    score: float  # 0..100
    components: list[dict]  # {name, label, weight, value, message}
    outcome: dict  # mean peak_negative, negative_reach, reputation
    bend_minute: int | None  # the minute the team's expected curve bent (None: never)
    counterfactuals: list[dict]  # as Exercise.finish plus "text" in the debrief's language
    strategies: list[dict]
    best_strategy: str
    first_statement: int | None  # minute of the first published statement
    published: int
    replies: int
    strategies_used: list[str]  # the SCCT strategies of its published statements, in order
    report: str  # after-action report, markdown, in the debrief's language
    tied: bool = False  # another team has the same rank


@dataclass
class WorkshopDebrief:
    """The room's debrief: teams ranked best first, the workshop's report (markdown)."""

    workshop_id: str
    lang: str
    runs: int
    reference: dict  # the crisis with no response (same seed and runs)
    duration: int = 0  # the scenario's minutes: outcomes are expected figures at its end
    played: int = 0  # the minute the workshop reached: the live curves stop there
    teams: list[TeamDebrief] = field(default_factory=list)
    best_did_differently: list[str] = field(default_factory=list)  # phrases, in `lang`
    report: str = ""


def debrief(workshop, lang: str | None = None, runs: int = DEBRIEF_RUNS) -> WorkshopDebrief:
    """The debrief of `workshop` (any status after the start; usually after `end`).

    Teams are ranked by total score, ties broken by the components in the
    score's order (timing, fit, consistency, quality, outcome). A team that
    received injects is simulated with them in every plan, and compared with
    the no-response crisis under the same injects (the room's `reference` has
    none): an inject changes the public a team faced, not what it is scored on.
    """
    from cmtraining.crisis.exercise import MINUTES_PER_STEP
    from cmtraining.crisis.public import Response, simulate_crisis_batch
    from cmtraining.i18n import check_lang
    from cmtraining.workshop.models import WorkshopError

    lang = check_lang(lang or workshop.config.lang)
    if isinstance(runs, bool) or not isinstance(runs, int) or not 2 <= runs <= 1000:
        raise WorkshopError("workshop.error.number", name="runs", value=repr(runs), low=2,
                            high=1000)
    played = workshop.minute
    names = workshop.team_names()
    drafts = workshop.drafts()
    events = workshop.inject_events()
    exercises, plans = {}, {}
    for team in names:
        ex = _exercise_for(workshop, team, lang, drafts, played)
        exercises[team], plans[team] = ex, ex.debrief_plan()
        if events[team]:  # the public this team faced: its injects in every simulation
            plans[team] = {name: replace(r, injects=events[team])
                           for name, r in plans[team].items()}
    keys = [(team, name) for team, plan in plans.items() for name in plan
            if name != "none" or events[team]]  # with injects, the team's own reference
    keys.append((None, "none"))  # the no-response reference: once for the room
    responses = [plans[team][name] if team is not None else Response(()) for team, name in keys]
    first = next(iter(exercises.values()))
    steps = max(1, first.duration // MINUTES_PER_STEP)
    outcomes = simulate_crisis_batch(first.graph, first.params(), responses, steps=steps,
                                     runs=runs, seed=workshop.config.seed)
    by_key = dict(zip(keys, outcomes, strict=True))
    none = by_key[(None, "none")]
    teams = []
    for team, ex in exercises.items():
        simulated = {name: by_key[(team, name)] for name in plans[team] if name != "none"}
        result = ex.finish(outcomes={**simulated, "none": by_key.get((team, "none"), none)})
        teams.append(_team(team, names[team], ex, result, simulated["mine"], played, lang,
                           drafts))
    teams.sort(key=lambda t: [-t.score] + [-c["value"] for c in t.components])
    assign_ranks(teams)
    out = WorkshopDebrief(workshop.id, lang, runs, reference=_figures(none), teams=teams,
                          duration=steps * MINUTES_PER_STEP, played=played)
    for team in teams:
        team.report = _team_report(team, exercises[team.team_id], lang)
    out.best_did_differently = _differences(teams, lang)
    out.report = _workshop_report(workshop, out, first, lang)
    return out


def shown_score(team: TeamDebrief) -> int:
    """The total as the room reads it (no decimals): what "equal scores" means."""
    return round(team.score)


def assign_ranks(teams: list[TeamDebrief]) -> None:
    """Ranks for teams sorted best first: equal shown scores share a rank (1, 1, 3), since a
    tie broken by an unseen component would rank two equal scores 1 and 2."""
    for n, team in enumerate(teams):
        same = n > 0 and shown_score(teams[n - 1]) == shown_score(team)
        team.rank = teams[n - 1].rank if same else n + 1
    counts: dict[int, int] = {}
    for team in teams:
        counts[team.rank] = counts.get(team.rank, 0) + 1
    for team in teams:
        team.tied = counts[team.rank] > 1


def rank_label(team: TeamDebrief, lang: str) -> str:
    """"1" or, shared with another team, "1 (empate)" / "1 (tie)"."""
    from cmtraining.i18n import t

    return t("workshop.debrief.rank_tied", lang, rank=team.rank) if team.tied else str(team.rank)


def _exercise_for(workshop, team, lang, drafts, played):
    """A fresh exercise per team (the workshop's cached one is shared and mutable)."""
    from cmtraining.crisis.exercise import Exercise

    c = workshop.config
    ex = Exercise(c.scenario_id, lang=lang, seed=c.seed, graph_size=c.audience_size,
                  minutes_per_turn=c.sim_minutes_per_turn, org_name=workshop.org_name())
    ex._graph = workshop.graph
    ex.turns = workshop.team_turns(team, drafts)
    ex.minute = played
    return ex


def _figures(outcome) -> dict:
    from cmtraining.crisis.public import summarize

    s = summarize(outcome)
    return {m: round(float(s.loc[m, "mean"]), 3)
            for m in ("peak_negative", "negative_reach", "reputation")}


def bend_minute(outcome, until: int) -> int | None:
    """The minute the expected negative-reach curve bent: where new negative posts per step
    (mean over runs, moving average of BEND_SMOOTHING steps) peaked, up to `until`; None when
    they were still rising at `until` (the curve never bent while the teams played)."""
    frame = outcome.frame
    rate = frame.groupby("minute")["new_negative"].mean()
    rate = rate[(rate.index > 0) & (rate.index <= max(until, 1))]
    if rate.empty:
        return None
    smooth = rate.rolling(BEND_SMOOTHING, min_periods=1, center=True).mean()
    peak = smooth.idxmax()
    return None if peak >= rate.index.max() or smooth.max() <= 0 else int(peak)


def _team(team, name, ex, result, mine, played, lang, drafts) -> TeamDebrief:
    from cmtraining.crisis.after_action import sections
    from cmtraining.i18n import t

    data = sections(ex, result, lang)
    components = [{"name": c.name, "label": t(f"crisis.score.component.{c.name}", lang),
                   "weight": c.weight, "value": c.value, "message": c.finding.message(lang)}
                  for c in result.score.components]
    published = [d for d in drafts if d["team_id"] == team and d["state"] == "published"]
    return TeamDebrief(
        team_id=team, name=name, rank=0, score=result.score.total, components=components,
        outcome=result.outcome, bend_minute=bend_minute(mine, played),
        counterfactuals=[{**cf, "text": s["text"]} for cf, s in
                         zip(result.counterfactuals, data["counterfactuals"], strict=True)],
        strategies=result.strategies, best_strategy=result.best,
        first_statement=ex._first_statement(), published=len(published),
        replies=sum(d["kind"] in ("reply", "private_message") for d in published),
        strategies_used=list(dict.fromkeys(d["action"]["strategy"] for d in published
                                           if d["action"].get("strategy"))), report="")


def best_title(out: WorkshopDebrief, lang: str) -> str:
    """"What Red did differently", or, when another team shares its first rank, a title that
    does not single one out."""
    from cmtraining.i18n import t

    if out.teams[0].tied:
        return t("workshop.debrief.best_tied", lang)
    return t("workshop.debrief.best", lang, name=out.teams[0].name)


def _number(value: float, lang: str) -> str:
    from cmtraining.core.numbers import count

    return count(round(value), lang)


def _differences(teams: list[TeamDebrief], lang: str) -> list[str]:
    """What the best team did that the others did not: timing, volume, replies, strategy."""
    from statistics import mean

    from cmtraining.i18n import t

    if len(teams) < 2:
        return []
    if not any(team.published for team in teams):  # nothing done: no difference to explain
        return [t("workshop.debrief.diff_nobody", lang)]
    best = teams[0]
    others = [o for o in teams if o.rank != best.rank]  # a team tied with it did not differ
    if not others:
        return [t("workshop.debrief.diff_all_tied", lang)]
    out = []
    firsts = [o.first_statement for o in others if o.first_statement is not None]
    if best.first_statement is not None and (not firsts or best.first_statement < mean(firsts)):
        if firsts:
            out.append(t("workshop.debrief.diff_first", lang, best=best.first_statement,
                         others=_number(mean(firsts), lang)))
        else:  # "the others, on average: minute -" said nothing
            out.append(t("workshop.debrief.diff_first_alone", lang, best=best.first_statement))
    for attr, key in (("published", "diff_published"), ("replies", "diff_replies")):
        theirs = mean(getattr(o, attr) for o in others)
        if getattr(best, attr) > theirs:
            out.append(t(f"workshop.debrief.{key}", lang, best=getattr(best, attr),
                         others=_dec(theirs, lang, 1)))
    theirs = set().union(*(o.strategies_used for o in others))
    only = [s for s in best.strategies_used if s not in theirs]
    if only:
        out.append(t("workshop.debrief.diff_strategy", lang, strategies=", ".join(
            t(f"crisis.strategy.{s}", lang) for s in only)))
    if out:
        return out
    # nothing measurable set it apart: what it published (or, publishing nothing, what the
    # others' texts cost them) made the difference
    return [t("workshop.debrief.diff_none" if best.published else "workshop.debrief.diff_quiet",
              lang)]


def _dec(value: float, lang: str, decimals: int = 2) -> str:
    from cmtraining.core.numbers import decimal

    return decimal(value, lang, decimals=decimals)


def _components_line(team: TeamDebrief, lang: str) -> str:
    return ", ".join(f"{c['label']} {_dec(c['value'], lang)}" for c in team.components)


def _team_report(team: TeamDebrief, ex, lang: str) -> str:
    from cmtraining.crisis.after_action import event_label
    from cmtraining.i18n import t

    lines = [f"## {t('workshop.debrief.team_title', lang, name=team.name)}", "",
             f"**{team.score:.0f}** / 100 · "
             f"{t('workshop.debrief.rank', lang, rank=rank_label(team, lang))}",
             "", f"### {t('workshop.debrief.components', lang)}", ""]
    lines += [f"- **{c['label']}** ({_dec(c['value'], lang)} × {_dec(c['weight'], lang)}): "
              f"{c['message']}" for c in team.components]
    lines += ["", t("workshop.debrief.first_statement", lang, minute=team.first_statement)
              if team.first_statement is not None else t("workshop.debrief.no_statement", lang),
              t("workshop.debrief.bend", lang, minute=team.bend_minute)
              if team.bend_minute is not None else t("workshop.debrief.no_bend", lang), ""]
    lines += [f"- {cf['text']}" for cf in team.counterfactuals]
    lines += [f"- {t('workshop.debrief.strategy', lang, family=t(f'crisis.family.{team.best_strategy}', lang))}",
              "", f"### {t('workshop.debrief.timeline', lang)}", ""]
    for event in ex.timeline():
        text = " ".join(str(event.get("text") or "").split())
        lines.append(t("workshop.debrief.timeline_line", lang, minute=event["minute"],
                       kind=event_label(event, lang), text=f"— {text}" if text else ""))
    return "\n".join(lines) + "\n"


def _workshop_report(workshop, out: WorkshopDebrief, ex, lang: str) -> str:
    from cmtraining.i18n import t

    lines = [f"# {t('workshop.debrief.title', lang, id=workshop.id)}", "",
             t("workshop.debrief.scenario", lang, scenario=ex.text(ex.scenario.title),
               seed=workshop.config.seed, runs=out.runs, n=_number(ex.graph_size, lang)), "",
             f"## {t('workshop.debrief.ranking', lang)}", ""]
    for team in out.teams:
        lines.append(t("workshop.debrief.rank_line", lang, rank=rank_label(team, lang),
                       name=team.name, end=out.duration,
                       total=f"{team.score:.0f}", components=_components_line(team, lang),
                       reach=_number(team.outcome["negative_reach"], lang),
                       reference=_number(out.reference["negative_reach"], lang),
                       reputation=f"{team.outcome['reputation']:.0f}"))
        lines.append("   " + (t("workshop.debrief.bend", lang, minute=team.bend_minute)
                              if team.bend_minute is not None
                              else t("workshop.debrief.no_bend", lang)))
    lines += ["", t("workshop.debrief.reach_note", lang, end=out.duration, runs=out.runs,
                    minute=out.played)]
    if out.teams:
        lines += ["", f"## {best_title(out, lang)}", ""]
        lines += [f"- {d}" for d in out.best_did_differently]
    for team in out.teams:
        lines += ["", "#" + team.report]
    return "\n".join(lines) + "\n"
