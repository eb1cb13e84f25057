"""Workbook sections of stages 0 (listening audit) and 4 (community response).

What the listening audit concluded (a summary, the spike alerts, the
findings a trainee writes down) and how the organization answers its
community (the response playbook, the replies trainees practised, the
mentions they labeled to adapt the sentiment model).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field, NonNegativeInt, model_validator

from cmtraining.workbook.base import (
    Lang,
    LongText,
    MessageCategory,
    Model,
    NetworkId,
    Sentiment,
    ShortText,
    _unique,
    fail,
)

Clock = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]

# --- Stage 0: listening audit ---------------------------------------------------


class ListeningFinding(Model):
    topic: Annotated[str, Field(min_length=2, max_length=200)]
    source: ShortText = ""
    sentiment: Sentiment | None = None
    share_of_voice: Annotated[float, Field(ge=0, le=1)] | None = None
    note: LongText = ""


class SpikeAlert(Model):
    """A day whose negative volume broke the detector's threshold."""

    day: date
    negative: NonNegativeInt
    expected: Annotated[float, Field(ge=0)]
    threshold: Annotated[float, Field(ge=0)]
    # the day's own mentions and positive ones, so an incident's net sentiment is read from its
    # own days rather than the whole period's (None: an audit saved before they were kept)
    mentions: NonNegativeInt | None = None
    positive: NonNegativeInt | None = None


class ListeningSummary(Model):
    """The figures of the last audit, as the report shows them."""

    source: ShortText = ""  # e.g. "sample, seed 7" or the imported file's name
    period_start: date
    period_end: date
    mentions: NonNegativeInt
    positive: NonNegativeInt = 0
    neutral: NonNegativeInt = 0
    negative: NonNegativeInt = 0
    net_sentiment: Annotated[float, Field(ge=-1, le=1)] = 0.0
    share_of_voice: Annotated[float, Field(ge=0, le=1)] | None = None
    top_terms: list[ShortText] = Field(default_factory=list, max_length=50)
    top_hashtags: list[ShortText] = Field(default_factory=list, max_length=50)
    by_network: dict[NetworkId, NonNegativeInt] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _period(self):
        if self.period_end < self.period_start:
            fail("period_order", "period_end", start=str(self.period_start),
                 end=str(self.period_end))
        return self


class Listening(Model):
    competitors: list[Annotated[str, Field(min_length=2, max_length=120)]] = Field(
        default_factory=list, max_length=10)
    # Spike detector sensitivity: how many robust deviations above the
    # expected negative volume make an alert (see cmtraining.listening.alerts).
    sensitivity: Annotated[float, Field(gt=0, le=10)] = 3.0
    summary: ListeningSummary | None = None
    alerts: list[SpikeAlert] = Field(default_factory=list, max_length=400)
    findings: list[ListeningFinding] = Field(default_factory=list, max_length=200)


# --- Stage 4: community response ------------------------------------------------


class ResponseRule(Model):
    """How one category of message is answered: by whom, how fast, with what words."""

    category: MessageCategory
    department: ShortText = ""
    max_hours: Annotated[float, Field(gt=0, le=720)]
    templates: dict[Lang, LongText] = Field(default_factory=dict)
    escalate: bool = False


class ServiceHours(Model):
    days: list[Annotated[int, Field(ge=0, le=6)]] = Field(default_factory=lambda: [0, 1, 2, 3, 4])
    start: Clock = "09:00"
    end: Clock = "18:00"
    after_hours: dict[Lang, LongText] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _order(self):
        if self.end <= self.start:
            fail("hours_order", "end", start=self.start, end=self.end)
        if len(set(self.days)) != len(self.days):
            fail("duplicate", "days", value=str(self.days))
        return self


EscalationTrigger = Literal[
    "crisis_signal", "legal", "safety", "press", "influencer", "repeat_complaint", "personal_data"
]


class EscalationRule(Model):
    trigger: EscalationTrigger
    to: Annotated[str, Field(min_length=2, max_length=120)]
    within_minutes: Annotated[int, Field(ge=1, le=10080)] = 60
    # for "influencer": followers from which an author counts as one
    threshold: NonNegativeInt | None = None


class ResponsePlaybook(Model):
    rules: list[ResponseRule] = Field(default_factory=list, max_length=20)
    service_hours: ServiceHours = Field(default_factory=ServiceHours)
    escalation: list[EscalationRule] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _unique_categories(self):
        _unique(self.rules, "category", "rules")
        _unique(self.escalation, "trigger", "escalation")
        return self


class ReplyRecord(Model):
    """A reply a trainee practised, with the checker's score at the time."""

    mention_id: Annotated[str, Field(min_length=1, max_length=64)]
    category: MessageCategory
    reply: Annotated[str, Field(min_length=1, max_length=5000)]
    score: Annotated[float, Field(ge=0, le=100)]
    at: datetime


class MentionLabel(Model):
    """A mention a trainee labeled; these adapt the sentiment model to the organization."""

    mention_id: Annotated[str, Field(min_length=1, max_length=64)]
    text: Annotated[str, Field(max_length=5000)]
    sentiment: Sentiment
    category: MessageCategory | None = None
