"""Workbook sections of stage 6: evaluation and the competency self-assessment."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field

from cmtraining.workbook.base import CompetencyArea, LongText, Model, ShortText


class Evaluation(Model):
    period_start: date | None = None
    period_end: date | None = None
    conclusions: LongText = ""
    changes: list[ShortText] = Field(default_factory=list)


class CompetencyRating(Model):
    area: CompetencyArea
    level: Annotated[int, Field(ge=1, le=5)]
    evidence: LongText = ""
