"""Typed models of one organization's social-media strategy (the Workbook).

The Workbook is the single source of truth a trainee or an organization
builds stage by stage. Every section is typed and validated here; the
stage issues enrich the sections they own. Validation problems surface as
`WorkbookValidationError` (see `cmtraining.workbook.validation`), never as
raw pydantic errors.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal, get_args

from pydantic import Field, NonNegativeInt, model_validator

from cmtraining.workbook.base import (  # noqa: F401  (re-exported for the engines)
    CompetencyArea,
    CountryCode,
    KpiId,
    Lang,
    LanguageCode,
    LongText,
    MessageCategory,
    Model,
    NetworkId,
    NetworkRoleId,
    OrgKind,
    OrgSize,
    Sentiment,
    ShortText,
    Slug,
    _unique,
    fail,
)
from cmtraining.workbook.sections_crisis import (  # noqa: F401
    CrisisAction,
    CrisisContact,
    CrisisLevel,
    CrisisOutcome,
    CrisisProtocol,
    CrisisRun,
    CrisisTrigger,
    CrisisTurn,
    ScoreComponent,
)
from cmtraining.workbook.sections_evaluation import (  # noqa: F401
    CompetencyRating,
    Evaluation,
    SelfAssessment,
)
from cmtraining.workbook.sections_response import (  # noqa: F401
    EscalationRule,
    Listening,
    ListeningFinding,
    ListeningSummary,
    MentionLabel,
    ReplyRecord,
    ResponsePlaybook,
    ResponseRule,
    ServiceHours,
    SpikeAlert,
)

SCHEMA_VERSION = 2


# --- Stage 0: profile and baseline metrics (listening: sections_response.py) ---


class OrgGoal(Model):
    """An organization goal that social-media objectives must serve (SMART R)."""

    id: Slug
    text: Annotated[str, Field(min_length=3, max_length=300)]


class Profile(Model):
    name: Annotated[str, Field(min_length=2, max_length=120)]
    kind: OrgKind
    sector: ShortText = ""
    size: OrgSize
    country: CountryCode
    language: LanguageCode
    mission: LongText = ""
    goals: list[OrgGoal] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _goal_ids_unique(self):
        _unique(self.goals, "id", "goals")
        return self


class ChannelMonth(Model):
    """One network's totals for one calendar month (the baseline history)."""

    network: NetworkId
    month: date
    followers: NonNegativeInt
    posts: NonNegativeInt
    reach: NonNegativeInt
    impressions: NonNegativeInt
    reactions: NonNegativeInt
    comments: NonNegativeInt
    shares: NonNegativeInt
    link_clicks: NonNegativeInt
    # goal actions attributed to the network by web analytics or lead forms (None: not tracked);
    # definitions and sources in cmtraining.metrics.kpis
    leads: NonNegativeInt | None = None
    conversions: NonNegativeInt | None = None

    @model_validator(mode="after")
    def _consistent(self):
        if self.month.day != 1:
            fail("month_start", "month", value=str(self.month))
        # Reach counts unique accounts, impressions every view: reach can't exceed them.
        if self.reach > self.impressions:
            fail("reach_over_impressions", "reach", reach=self.reach, impressions=self.impressions)
        return self


#: what an objective can measure: the KPIs, plus the goal actions people take (leads: a
#: raised hand such as a demo request or a volunteer sign-up; conversions: a completed
#: action such as a donation, an order or an application; see metrics.kpis)
ObjectiveMetric = Literal[get_args(KpiId) + ("leads", "conversions")]


class Objective(Model):
    id: Slug
    metric: ObjectiveMetric
    network: NetworkId | None = None
    audience: ShortText = ""
    # >= 0, except net sentiment, which runs from -1 to +1 (a negative start is common)
    baseline: Annotated[float, Field(ge=-1)]
    target: Annotated[float, Field(ge=-1)]
    deadline: date
    goal_id: Slug | None = None
    owner: ShortText = ""

    @model_validator(mode="after")
    def _signed_only_for_sentiment(self):
        for name in ("baseline", "target"):
            if getattr(self, name) < 0 and self.metric != "net_sentiment":
                fail("objective_negative", name, value=getattr(self, name))
        return self


class Informant(Model):
    """Someone who feeds the community manager with news from a department."""

    department: Annotated[str, Field(min_length=2, max_length=120)]
    person: ShortText = ""
    topics: list[ShortText] = Field(default_factory=list)
    cadence: ShortText = ""


class Advocate(Model):
    """Staff advocacy: who takes part, how, under which guidelines."""

    person: Annotated[str, Field(min_length=2, max_length=120)]
    department: ShortText = ""
    how: ShortText = ""
    guidelines: LongText = ""


# --- Stage 2: audiences and networks ------------------------------------------


class Persona(Model):
    """An audience the organization talks to (stage 2)."""

    id: Slug
    name: Annotated[str, Field(min_length=2, max_length=120)]
    description: LongText = ""
    age_range: ShortText = ""
    needs: list[ShortText] = Field(default_factory=list)
    questions: list[ShortText] = Field(default_factory=list)
    expectations: LongText = ""
    networks: list[NetworkId] = Field(default_factory=list)


class Prescriber(Model):
    """A *prescriptor* (fan who vouches for the organization) or *dinamizador*."""

    kind: Literal["prescriber", "energizer"]
    network: NetworkId
    who: Annotated[str, Field(min_length=2, max_length=200)]
    where_to_find: ShortText = ""
    note: LongText = ""


# Content formats, shared with the network catalogue (datasets/networks.yaml).
Format = Literal[
    "text", "image", "carousel", "short_video", "long_video", "live", "story", "link",
    "event", "poll", "document", "audio", "broadcast",
]


class Resources(Model):
    """What the team can put into social media each week (stage 2)."""

    hours_per_week: Annotated[float, Field(ge=0, le=200)] = 6
    formats: list[Format] = Field(default_factory=lambda: ["text", "image", "link"])


class NetworkRole(Model):
    network: NetworkId
    role: NetworkRoleId
    personas: list[Slug] = Field(default_factory=list)
    hours_per_week: Annotated[float, Field(ge=0, le=80)] = 0


# --- Stage 3: content plan -----------------------------------------------------


class Pillar(Model):
    id: Slug
    name: Annotated[str, Field(min_length=2, max_length=120)]
    share: Annotated[float, Field(ge=0, le=100)]


class CalendarEntry(Model):
    day: date
    time: Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")] = "10:00"
    network: NetworkId
    pillar: Slug
    format: ShortText = ""
    idea: LongText = ""
    note: ShortText = ""  # e.g. the holiday that day
    #: the post's event UID in exported calendars (RFC 5545): given once, kept when the
    #: post moves, so a calendar app updates the event instead of adding a new one;
    #: empty until the workbook gives it one (see `assign_calendar_uids`)
    uid: Annotated[str, Field(max_length=255, pattern=r"^[!-~]*$")] = ""
    #: RFC 5545 SEQUENCE: how many times the post changed since it was first written
    sequence: Annotated[int, Field(ge=0, le=1_000_000)] = 0


def _legacy_uid(org_name: str, entry: CalendarEntry, repeat: int) -> str:
    """The UID exports gave a post before UIDs were stored (organization and slot)."""
    import hashlib

    key = f"{org_name}|{entry.day.isoformat()}|{entry.time}|{entry.network}|{repeat}"
    return f"{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}@cmtraining"


def assign_calendar_uids(entries: list[CalendarEntry], org_name: str) -> None:
    """Give each entry without a UID one that no other entry has.

    The first UID of a post is the one older versions wrote to .ics files
    (organization, day, time, network and a counter for a repeated slot), so
    re-exporting a calendar made before UIDs were stored updates the events a
    calendar app already has instead of duplicating them. From then on the
    UID is stored and never recomputed.
    """
    used = {e.uid for e in entries if e.uid}
    repeats: dict[tuple, int] = {}
    order = sorted(range(len(entries)), key=lambda i: (
        entries[i].day, entries[i].time, entries[i].network, entries[i].pillar,
        entries[i].format, entries[i].idea))
    for index in order:
        entry = entries[index]
        slot = (entry.day, entry.time, entry.network)
        repeat = repeats.get(slot, 0)
        repeats[slot] = repeat + 1
        if entry.uid:
            continue
        uid = _legacy_uid(org_name, entry, repeat)
        while uid in used:
            repeat += 1
            uid = _legacy_uid(org_name, entry, repeat)
        used.add(uid)
        entry.uid = uid


Register = Literal["formal", "neutral", "informal"]
EmojiPolicy = Literal["none", "moderate", "free"]


class StyleGuide(Model):
    """Tone and style: how the organization speaks on social media."""

    voice: LongText = ""
    formality: Register = "neutral"
    words_use: list[ShortText] = Field(default_factory=list)
    words_avoid: list[ShortText] = Field(default_factory=list)
    emoji_policy: EmojiPolicy = "moderate"
    neutral_on_politics_religion: bool = True


class ContentPlan(Model):
    pillars: list[Pillar] = Field(default_factory=list)
    style: StyleGuide = Field(default_factory=StyleGuide)
    #: posts per week the team can produce, per network
    posts_per_week: dict[NetworkId, Annotated[int, Field(ge=0, le=70)]] = Field(default_factory=dict)
    calendar: list[CalendarEntry] = Field(default_factory=list)

    @model_validator(mode="after")
    def _pillars(self):
        # A mix that does not add up to 100 is allowed while a trainee edits it
        # share by share; the content engine reports it and refuses to plan.
        _unique(self.pillars, "id", "pillars")
        return self


class Workbook(Model):
    """One organization's strategy, as one trainee (or team) builds it."""

    schema_version: Literal[2] = SCHEMA_VERSION
    trainee: ShortText = ""
    org_id: ShortText = ""
    lang: Lang = "es"
    created: datetime
    updated: datetime
    profile: Profile
    metrics: list[ChannelMonth] = Field(default_factory=list)
    listening: Listening = Field(default_factory=Listening)
    objectives: list[Objective] = Field(default_factory=list)
    informants: list[Informant] = Field(default_factory=list)
    advocates: list[Advocate] = Field(default_factory=list)
    audiences: list[Persona] = Field(default_factory=list)
    networks: list[NetworkRole] = Field(default_factory=list)
    prescribers: list[Prescriber] = Field(default_factory=list)
    resources: Resources = Field(default_factory=Resources)
    content_plan: ContentPlan = Field(default_factory=ContentPlan)
    response_playbook: ResponsePlaybook = Field(default_factory=ResponsePlaybook)
    replies: list[ReplyRecord] = Field(default_factory=list, max_length=5000)
    mention_labels: list[MentionLabel] = Field(default_factory=list, max_length=20000)
    crisis_protocol: CrisisProtocol = Field(default_factory=CrisisProtocol)
    crisis_runs: list[CrisisRun] = Field(default_factory=list)
    evaluation: Evaluation = Field(default_factory=Evaluation)
    self_assessment: list[CompetencyRating] = Field(default_factory=list)
    competency: SelfAssessment = Field(default_factory=SelfAssessment)

    @model_validator(mode="after")
    def _cross_references(self):
        seen = set()
        for index, row in enumerate(self.metrics):
            key = (row.network, row.month)
            if key in seen:
                fail("duplicate", f"metrics[{index}]", value=f"{row.network} {row.month:%Y-%m}")
            seen.add(key)
        _unique(self.objectives, "id", "objectives")
        _unique(self.audiences, "id", "audiences")
        _unique(self.self_assessment, "area", "self_assessment")
        goals = {g.id for g in self.profile.goals}
        for index, obj in enumerate(self.objectives):
            if obj.goal_id is not None and obj.goal_id not in goals:
                fail("unknown_goal", f"objectives[{index}].goal_id", value=obj.goal_id)
        personas = {p.id for p in self.audiences}
        for index, role in enumerate(self.networks):
            for pid in role.personas:
                if pid not in personas:
                    fail("unknown_persona", f"networks[{index}].personas", value=pid)
        pillars = {p.id for p in self.content_plan.pillars}
        for index, entry in enumerate(self.content_plan.calendar):
            if entry.pillar not in pillars:
                fail("unknown_pillar", f"content_plan.calendar[{index}].pillar", value=entry.pillar)
        uids: set[str] = set()
        for index, entry in enumerate(self.content_plan.calendar):
            if entry.uid in uids:
                fail("duplicate", f"content_plan.calendar[{index}].uid", value=entry.uid)
            if entry.uid:
                uids.add(entry.uid)
        assign_calendar_uids(self.content_plan.calendar, self.profile.name)
        return self
