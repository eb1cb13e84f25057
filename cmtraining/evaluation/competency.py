"""The competency self-assessment: questionnaire, scores and development plan.

Trainees rate statements (`datasets/competencies.yaml`) on a 1-5 agreement
scale. A statement marked `reverse` describes a weakness, so it counts as
``6 - answer``: agreeing that "my replies are longer than needed" lowers
brevity. A group's score (one of the nine competencies or seven areas) is
the plain mean of its answered statements, so it stays on the same 1-5
scale the trainee answered on and can be checked by hand.

The development plan takes the weakest groups, lowest mean first, ties in
questionnaire order (so the same answers always give the same plan), and
leaves out what the answers cannot support: groups with fewer than half of
their statements answered, and groups at or above `STRENGTH`, which are
strengths rather than things to work on. Each plan entry carries a `Finding`
(rule, score and what to do, in either language) and the group's actions.

Everything here is pure: the app (`cmtraining.apps.self_assessment`) and
the tests call the same functions.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Annotated, Literal, get_args

from pydantic import ConfigDict, Field, StringConstraints, model_validator

from cmtraining.core.findings import Finding, Key, Number
from cmtraining.core.models import Bilingual, FrozenModel
from cmtraining.workbook.base import CompetencyArea

#: the competencies named by the course's sources, in the order they are shown
COMPETENCIES: tuple[str, ...] = ("patience", "constancy", "curiosity", "persuasion", "creativity",
                                 "energy", "spelling", "neutrality", "brevity")
AREAS: tuple[str, ...] = get_args(CompetencyArea)
SCALE: tuple[int, ...] = (1, 2, 3, 4, 5)
#: a mean at or above this is a strength: it never enters the development plan
STRENGTH = 4.5
#: a mean below this is flagged as a warning in the plan, above it as advice
WEAK = 2.5
GroupKind = Literal["competency", "area"]


# --- the questionnaire (validated when loaded) ----------------------------------


class _Strict(FrozenModel):
    """The questionnaire's texts are read without their surrounding spaces."""

    model_config = ConfigDict(str_strip_whitespace=True)


Text = Annotated[str, Field(min_length=3, max_length=300)]
Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,39}$")]


#: a resource's name in both languages (spaces around it dropped, like every questionnaire text)
ResourceText = Bilingual[Annotated[Text, StringConstraints(strip_whitespace=True)]]


class Item(_Strict):
    id: Id
    es: Text
    en: Text
    reverse: bool = False

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.es


class Action(_Strict):
    id: Id
    es: Text
    en: Text
    resource: ResourceText | None = None
    stage: str | None = None  # a key of cmtraining.core.stages.STAGES

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.es


class Group(_Strict):
    id: Id
    kind: GroupKind
    items: Annotated[tuple[Item, ...], Field(min_length=2, max_length=4)]
    actions: Annotated[tuple[Action, ...], Field(min_length=2, max_length=4)]


class Questionnaire(_Strict):
    version: int
    groups: tuple[Group, ...]

    @model_validator(mode="after")
    def _complete(self):
        from cmtraining.core.stages import STAGES

        ids = [g.id for g in self.groups]
        want = {"competency": COMPETENCIES, "area": AREAS}
        for kind, expected in want.items():
            got = [g.id for g in self.groups if g.kind == kind]
            if sorted(got) != sorted(expected):
                raise ValueError(f"{kind} groups must be exactly {expected}, got {got}")
        item_ids = [i.id for g in self.groups for i in g.items]
        action_ids = [a.id for g in self.groups for a in g.actions]
        for what, seq in (("group", ids), ("item", item_ids), ("action", action_ids)):
            twice = sorted({x for x in seq if seq.count(x) > 1})
            if twice:
                raise ValueError(f"duplicate {what} ids: {twice}")
        stages = {s.key for s in STAGES}
        for group in self.groups:
            for action in group.actions:
                if action.stage is not None and action.stage not in stages:
                    raise ValueError(f"{action.id}: unknown stage {action.stage!r}")
        return self

    @property
    def items(self) -> dict[str, Item]:
        return {i.id: i for g in self.groups for i in g.items}

    def group_of(self, item_id: str) -> Group:
        return next(g for g in self.groups if any(i.id == item_id for i in g.items))

    def group(self, group_id: str) -> Group:
        return next(g for g in self.groups if g.id == group_id)


@cache
def _load(path: str) -> Questionnaire:
    from cmtraining.core.yamlio import load_yaml

    with open(path, encoding="utf-8") as fh:
        return Questionnaire.model_validate(load_yaml(fh))


def questionnaire(path: str | Path | None = None) -> Questionnaire:
    """The validated questionnaire (cached); a broken dataset fails loudly here."""
    from cmtraining.core.paths import datasets_dir

    return _load(str(path or datasets_dir() / "competencies.yaml"))


# --- scores -------------------------------------------------------------------


@dataclass(frozen=True)
class GroupScore:
    group: str
    kind: GroupKind
    mean: float | None  # None until one statement is answered
    answered: int
    total: int

    @property
    def enough(self) -> bool:
        """At least half of the statements answered: enough to plan on."""
        return self.answered * 2 >= self.total and self.answered > 0


@dataclass(frozen=True)
class Scores:
    groups: dict[str, GroupScore]  # in questionnaire order
    answered: int
    total: int
    ignored: tuple[str, ...] = ()  # answers to statements no longer in the questionnaire

    @property
    def completeness(self) -> float:
        return self.answered / self.total if self.total else 0.0

    @property
    def complete(self) -> bool:
        return self.answered == self.total

    @property
    def competencies(self) -> dict[str, float | None]:
        return {g: s.mean for g, s in self.groups.items() if s.kind == "competency"}

    @property
    def areas(self) -> dict[str, float | None]:
        return {g: s.mean for g, s in self.groups.items() if s.kind == "area"}


def item_score(answer: int, reverse: bool) -> int:
    """One answer on the 1-5 scale, reversed (6 - answer) for a reverse-keyed statement."""
    if answer not in SCALE:
        raise ValueError(f"answers go from 1 to 5, not {answer!r}")
    return 6 - answer if reverse else answer


def score(answers: Mapping[str, int], quest: Questionnaire | None = None) -> Scores:
    """Mean per competency and per area (1-5, reverse keys applied) and completeness.

    Answers to unknown statements are not an error (a saved workbook may
    outlive a statement) but are reported in `ignored`; answers outside 1-5
    raise `ValueError`.
    """
    quest = quest or questionnaire()
    known = quest.items
    groups: dict[str, GroupScore] = {}
    for group in quest.groups:
        values = [item_score(answers[i.id], i.reverse) for i in group.items if i.id in answers]
        mean = sum(values) / len(values) if values else None
        groups[group.id] = GroupScore(group.id, group.kind, mean, len(values), len(group.items))
    ignored = tuple(sorted(k for k in answers if k not in known))
    answered = sum(s.answered for s in groups.values())
    return Scores(groups, answered, len(known), ignored)


# --- the development plan ---------------------------------------------------------


@dataclass(frozen=True)
class ActionText:
    id: str
    text: str
    resource: str  # "" when the practice needs none
    stage: str | None  # journey key of the course notebook that trains it


@dataclass(frozen=True)
class PlanEntry:
    group: str
    kind: GroupKind
    score: float
    finding: Finding
    actions: tuple[ActionText, ...]


def display_score(mean: float) -> float:
    """Two decimals, rounded half up, so that 3.335 reads 3.34 in both languages."""
    return math.floor(mean * 100 + 0.5) / 100


def plan_order(scores: Scores) -> list[GroupScore]:
    """Groups eligible for the plan, weakest first; ties keep questionnaire order."""
    eligible = [s for s in scores.groups.values()
                if s.enough and s.mean is not None and s.mean < STRENGTH]
    order = {g: n for n, g in enumerate(scores.groups)}
    return sorted(eligible, key=lambda s: (round(s.mean, 9), order[s.group]))


def development_plan(scores: Scores, lang: str = "es", n: int = 3,
                     quest: Questionnaire | None = None) -> list[PlanEntry]:
    """The `n` weakest groups with why (a `Finding`) and what to practise."""
    from cmtraining.i18n import check_lang

    lang = check_lang(lang)
    quest = quest or questionnaire()
    plan = []
    for s in plan_order(scores)[:max(n, 0)]:
        finding = Finding(
            code=f"competency.plan.{s.group}",
            level="warning" if s.mean < WEAK else "info",
            rule_key="evaluation.competency.plan.rule",
            message_key="evaluation.competency.plan.message",
            value=display_score(s.mean),
            params={"name": Key(f"evaluation.competency.name.{s.group}"), "score": Number(display_score(s.mean)),
                    "answered": s.answered, "total": s.total, "strength": Number(STRENGTH)},
        )
        actions = tuple(ActionText(a.id, a.text(lang), a.resource.get(lang) if a.resource else "",
                                   a.stage) for a in quest.group(s.group).actions)
        plan.append(PlanEntry(s.group, s.kind, display_score(s.mean), finding, actions))
    return plan


# --- recording answers in a workbook ------------------------------------------------


def level_of(mean: float) -> int:
    """A 1-5 level from a mean, rounded half up (3.5 -> 4), for `CompetencyRating`."""
    return min(5, max(1, math.floor(mean + 0.5)))


def record(wb, answers: Mapping[str, int | None], *, lang: str = "es",
           now: datetime | None = None, n: int = 3) -> dict:
    """The workbook, dumped, with `answers` merged in (None clears an answer).

    Keeps the derived parts in step in the same update: `competency.completed`
    (set when the last statement is answered, cleared if one is cleared),
    `competency.plan_areas` and the area ratings in `self_assessment` that
    reporting reads. Areas without answers keep whatever rating they had.
    """
    quest = questionnaire()
    data = wb.model_dump()
    section = data["competency"]
    merged = dict(section["answers"])
    for item_id, value in answers.items():
        if value is None:
            merged.pop(item_id, None)
        else:
            merged[item_id] = value
    scores = score({k: v for k, v in merged.items() if k in quest.items and v in SCALE}, quest)
    section["answers"] = merged
    if not scores.complete:
        section["completed"] = None
    elif section["completed"] is None:
        from cmtraining.workbook.store import now as now_

        section["completed"] = now or now_()
    section["plan_areas"] = [s.group for s in plan_order(scores)[:n]]
    data["self_assessment"] = _ratings(data["self_assessment"], scores, lang)
    return data


def _ratings(existing: list[dict], scores: Scores, lang: str) -> list[dict]:
    from cmtraining.i18n import t

    by_area = {r["area"]: r for r in existing}
    for area in AREAS:
        s = scores.groups[area]
        if s.mean is None:
            continue
        by_area[area] = {"area": area, "level": level_of(s.mean),
                         "evidence": t("evaluation.competency.evidence", lang, score=Number(display_score(s.mean))
                                       .render(lang), answered=s.answered, total=s.total)}
    return [by_area[a] for a in AREAS if a in by_area]
