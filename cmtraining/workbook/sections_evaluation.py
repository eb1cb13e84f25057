"""Workbook sections of stage 6: evaluation and the competency self-assessment."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field

from cmtraining.workbook.base import CompetencyArea, LongText, Model, ShortText, Slug


class Evaluation(Model):
    period_start: date | None = None
    period_end: date | None = None
    conclusions: LongText = ""
    changes: list[ShortText] = Field(default_factory=list)


class CompetencyRating(Model):
    area: CompetencyArea
    level: Annotated[int, Field(ge=1, le=5)]
    evidence: LongText = ""


class SelfAssessment(Model):
    """A trainee's answers to the competency questionnaire (1-5 agreement).

    Item ids are kept as slugs and not checked against
    `datasets/competencies.yaml` here: a workbook must stay loadable when a
    statement is later reworded or retired, and the scoring engine
    (`cmtraining.evaluation.competency.score`) ignores answers it no longer
    knows. `plan_areas` records which competencies or areas the development
    plan picked when the answers were last saved, for reports and facilitators.
    """

    answers: dict[Slug, Annotated[int, Field(ge=1, le=5)]] = Field(default_factory=dict,
                                                                    max_length=200)
    completed: datetime | None = None
    plan_areas: list[Slug] = Field(default_factory=list, max_length=16)
