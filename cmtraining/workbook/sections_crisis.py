"""Workbook sections of stage 5 (crisis): the protocol and the played runs.

The protocol is written before anything happens (who decides, who signs,
what is said first, where, how often someone looks), so every field is a
thing the protocol checker (`cmtraining.crisis.protocol`) can find missing.
A run records one played simulation, turn by turn, with the score's
components kept visible so a debrief can explain the total.

Every field added in v2 has a default, so protocols written before these
fields existed still load. Old triggers were free text; a plain string is
still accepted and read as a trigger of kind ``other`` with that note.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, get_args

from pydantic import Field, NonNegativeInt, model_validator

from cmtraining.workbook.base import (
    Lang,
    LongText,
    Model,
    NetworkId,
    ShortText,
    Slug,
    _unique,
    fail,
)

# --- SCCT vocabulary (Coombs 2007), shared by scenarios, scoring and runs ----

#: Strategy families. ``base`` is SCCT's base response every crisis needs:
#: instructing information (what to do to stay safe) and adjusting
#: information (sympathy, corrective action). ``bolster`` only supplements.
StrategyFamily = Literal["base", "deny", "diminish", "rebuild", "bolster"]
#: Specific strategies; the family names themselves are accepted too, for a
#: trainee who picks "rebuild" without saying whether it is an apology.
Strategy = Literal[
    "instructing", "adjusting",
    "attack_accuser", "denial", "scapegoat",
    "excuse", "justification",
    "compensation", "apology",
    "reminder", "ingratiation", "victimage",
    "base", "deny", "diminish", "rebuild", "bolster",
]
FAMILY: dict[str, str] = {
    "instructing": "base", "adjusting": "base",
    "attack_accuser": "deny", "denial": "deny", "scapegoat": "deny",
    "excuse": "diminish", "justification": "diminish",
    "compensation": "rebuild", "apology": "rebuild",
    "reminder": "bolster", "ingratiation": "bolster", "victimage": "bolster",
    **{family: family for family in get_args(StrategyFamily)},
}

#: Where a crisis is answered: the networks plus owned channels. A dark site
#: is a page prepared in advance and switched on when the crisis breaks.
CrisisChannel = Literal[get_args(NetworkId) + ("website", "dark_site", "email", "press_release")]
OWNED_WEB = ("website", "dark_site")

ContactKind = Literal[
    "management", "spokesperson", "community_manager", "legal", "technical",
    "customer_care", "safety", "hr", "other",
]
TriggerKind = Literal[
    "volume_per_hour", "net_sentiment", "media_enquiry", "legal", "safety", "influencer", "other",
]
#: Trigger kinds that need a number, with its allowed range.
THRESHOLD_RANGE = {"volume_per_hour": (1.0, 1e7), "net_sentiment": (-1.0, 1.0),
                   "influencer": (1.0, 1e10)}
#: Trigger kinds whose threshold is a fraction (-1..1) shown and typed as a percentage,
#: as net sentiment is everywhere else (listening audit, objectives)
PERCENT_THRESHOLDS = frozenset({"net_sentiment"})


class CrisisContact(Model):
    """Someone the protocol calls on: by role first, since people change."""

    role: Annotated[str, Field(min_length=2, max_length=120)]
    name: ShortText = ""
    reach_by: ShortText = ""
    kind: ContactKind = "other"
    after_hours: bool = False  # can be reached at night and at weekends
    legal: bool = False  # can clear a statement legally (or `kind: legal`)

    @property
    def is_legal(self) -> bool:
        return self.legal or self.kind == "legal"


class CrisisTrigger(Model):
    """What moves the organization to a level: a figure crossed or an event.

    ``volume_per_hour``: negative mentions per hour at or above `threshold`;
    ``net_sentiment``: net sentiment (-1..1) at or below `threshold`;
    ``influencer``: an author with at least `threshold` followers joins;
    ``media_enquiry``, ``legal``, ``safety``: the event itself.
    """

    kind: TriggerKind
    threshold: float | None = None
    note: ShortText = ""

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data):
        if isinstance(data, str):  # v2 drafts wrote triggers as free text
            return {"kind": "other", "note": data}
        return data

    @model_validator(mode="after")
    def _threshold(self):
        limits = THRESHOLD_RANGE.get(self.kind)
        if limits and (self.threshold is None or not limits[0] <= self.threshold <= limits[1]):
            from cmtraining.core.findings import Key, Number, Percent

            # as the editor shows them: net sentiment as a percentage, counts as numbers
            shown = Percent if self.kind in PERCENT_THRESHOLDS else Number
            fail("trigger_threshold", "threshold", trigger=Key(f"crisis.trigger.{self.kind}"),
                 low=shown(limits[0]), high=shown(limits[1]),
                 value=shown(self.threshold) if self.threshold is not None else "—")
        return self


class CrisisLevel(Model):
    level: Annotated[int, Field(ge=1, le=4)]
    name: ShortText = ""
    triggers: list[CrisisTrigger] = Field(default_factory=list, max_length=20)
    owner: ShortText = ""
    holding_statement: dict[Lang, LongText] = Field(default_factory=dict)
    #: how often someone checks mentions at this level, in minutes
    monitor_minutes: Annotated[int, Field(ge=1, le=1440)] | None = None


class CrisisProtocol(Model):
    levels: list[CrisisLevel] = Field(default_factory=list, max_length=4)
    contacts: list[CrisisContact] = Field(default_factory=list, max_length=40)
    #: roles that sign a statement off, in order
    approval_chain: list[ShortText] = Field(default_factory=list, max_length=10)
    channels: list[CrisisChannel] = Field(default_factory=list)
    #: what goes on the dark site or the pinned post, and who switches it on
    dark_site_plan: LongText = ""

    @model_validator(mode="after")
    def _levels_unique(self):
        _unique(self.levels, "level", "levels")
        if len(set(self.channels)) != len(self.channels):
            fail("duplicate", "channels", value=str(self.channels))
        return self

    def level(self, number: int) -> CrisisLevel | None:
        return next((x for x in self.levels if x.level == number), None)


# --- A played run ---------------------------------------------------------------

ActionKind = Literal[
    "statement", "reply", "private_message", "pin_post", "update",
    "escalate", "monitor", "hide_comment", "delete_post", "wait",
]
#: Actions that say something in public in the organization's name.
PUBLIC_ACTIONS = ("statement", "reply", "pin_post", "update")
#: Public actions that count as an official statement for the golden hour.
STATEMENT_ACTIONS = ("statement", "pin_post", "update")


class CrisisAction(Model):
    kind: ActionKind
    strategy: Strategy | None = None
    channel: CrisisChannel | None = None
    lang: Lang | None = None
    text: LongText = ""
    #: the reply checker's 0-100 score of `text` (crisis mode), when it has one
    reply_score: Annotated[float, Field(ge=0, le=100)] | None = None


class CrisisTurn(Model):
    minute: NonNegativeInt
    actions: list[CrisisAction] = Field(default_factory=list, max_length=50)


ComponentName = Literal["timing", "fit", "consistency", "quality", "outcome"]


class ScoreComponent(Model):
    """One visible part of the total: weight x value, and why (a catalogue key)."""

    name: ComponentName
    weight: Annotated[float, Field(ge=0, le=1)]
    value: Annotated[float, Field(ge=0, le=1)]
    reason: ShortText = ""  # catalogue key of the finding's message
    params: dict[str, str | float] = Field(default_factory=dict)


class CrisisOutcome(Model):
    """The simulated result; the diffusion engine defines the figures' units."""

    peak_negative: Annotated[float, Field(ge=0)]  # negative mentions per turn at the peak
    negative_reach: Annotated[float, Field(ge=0)]  # accounts that saw negative posts
    reputation: float  # higher is better
    reputation_before: float | None = None


class CrisisRun(Model):
    scenario: Slug
    started: datetime
    seed: NonNegativeInt = 0
    graph_size: Annotated[int, Field(ge=0, le=10_000_000)] | None = None
    minutes_per_turn: Annotated[int, Field(ge=1, le=1440)] = 15
    turns: list[CrisisTurn] = Field(default_factory=list, max_length=500)
    components: list[ScoreComponent] = Field(default_factory=list, max_length=10)
    score: Annotated[float, Field(ge=0, le=100)] | None = None
    outcome: CrisisOutcome | None = None
    reference: CrisisOutcome | None = None  # the same scenario and seed with no response
    notes: LongText = ""

    @model_validator(mode="after")
    def _order(self):
        for index in range(1, len(self.turns)):
            if self.turns[index].minute < self.turns[index - 1].minute:
                fail("time_order", f"turns[{index}].minute", value=self.turns[index].minute,
                     previous=self.turns[index - 1].minute)
        _unique(self.components, "name", "components")
        return self
