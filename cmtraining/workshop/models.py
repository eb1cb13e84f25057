"""The workshop's plain data: its configuration and what the pages display.

A workshop is one crisis scenario played by several teams at the same time,
each team being one run of the crisis engine from the same seed (common
random numbers), so the teams' publics differ only by what each team does.
The views are plain dataclasses of lists and dicts: the apps display them,
they never compute anything.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from cmtraining.core.errors import CmtrainingError

ROLES = ("lead", "replies", "approval", "monitoring")
STATUSES = ("ready", "running", "paused", "ended")

# What each role may draft (workbook action kinds, as in `crisis.exercise`).
# The approval role drafts nothing: it approves; monitoring reads the inbox and curve.
ROLE_ACTIONS = {
    "lead": ("statement", "pin_post", "update", "escalate"),
    "replies": ("reply", "private_message"),
    "approval": (),
    "monitoring": (),
}
STATEMENT_KINDS = ("statement", "pin_post", "update")
REPLY_KINDS = ("reply", "private_message")
DRAFT_STATES = ("pending", "published", "rejected")
# The facilitator's ready-made injects (texts in the workshop catalogue); free text also works.
INJECT_KINDS = ("journalist", "leaked_memo", "influencer", "regulator", "employee_off_protocol")
# A team's or the facilitator's page (`token` is Jupyter's own, hence `workshop_token`)
LINK = "/voila/render/91-crisis-workshop.ipynb?workshop_token={token}"
MAX_TEAMS = 12
MAX_AUDIENCE = 20000


class WorkshopError(CmtrainingError):
    """Bad input to a workshop: an unknown team, a role that may not act, a wrong status."""

    key = "workshop.error.generic"


@dataclass(frozen=True)
class WorkshopConfig:
    """What the facilitator chooses when creating a workshop.

    `sim_minutes_per_turn` None takes the scenario's own turn length;
    `real_seconds_per_turn` None means the facilitator advances each turn by
    hand, a number makes `Workshop.advance_if_due` advance after that many
    seconds of running (pauses stop the clock). `team_names` empty gives
    "Equipo 1"/"Team 1"... in `lang`. `replies_need_approval` is the team's
    protocol for replies (statements always need the approver when the role
    exists; without an "approval" role the lead publishes directly).
    """

    scenario_id: str
    seed: int = 1
    audience_size: int = 3000
    teams: int = 2
    team_names: tuple[str, ...] = ()
    sim_minutes_per_turn: int | None = None
    real_seconds_per_turn: int | None = None
    roles: tuple[str, ...] = ROLES
    lang: str = "es"
    replies_need_approval: bool = False

    def __post_init__(self):
        from cmtraining.i18n import check_lang

        object.__setattr__(self, "team_names", tuple(self.team_names))
        object.__setattr__(self, "roles", tuple(self.roles))
        check_lang(self.lang)
        _int("seed", self.seed, 0, 2**32 - 1)
        _int("audience_size", self.audience_size, 100, MAX_AUDIENCE)
        _int("teams", self.teams, 1, MAX_TEAMS)
        if self.sim_minutes_per_turn is not None:
            _int("sim_minutes_per_turn", self.sim_minutes_per_turn, 5, 24 * 60)
        if self.real_seconds_per_turn is not None:
            _int("real_seconds_per_turn", self.real_seconds_per_turn, 10, 24 * 3600)
        if self.team_names and len(self.team_names) != self.teams:
            raise WorkshopError("workshop.error.team_names", given=len(self.team_names),
                                teams=self.teams)
        names = [n.strip() for n in self.team_names]
        if any(not n or len(n) > 60 for n in names) or len(set(names)) != len(names):
            raise WorkshopError("workshop.error.team_name_value")
        unknown = [r for r in self.roles if r not in ROLES]
        if unknown or not self.roles or len(set(self.roles)) != len(self.roles):
            raise WorkshopError("workshop.error.roles", value=", ".join(map(str, self.roles)),
                                allowed=", ".join(ROLES))
        if "lead" not in self.roles:
            raise WorkshopError("workshop.error.no_lead")

    def names(self, lang: str | None = None) -> tuple[str, ...]:
        """The teams' display names (the given ones, or numbered in `lang`)."""
        from cmtraining.i18n import t

        if self.team_names:
            return tuple(n.strip() for n in self.team_names)
        return tuple(t("workshop.team_default", lang or self.lang, n=i + 1)
                     for i in range(self.teams))

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> WorkshopConfig:
        return cls(**data)


def _int(name: str, value, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise WorkshopError("workshop.error.number", name=name, value=repr(value), low=low,
                            high=high)


@dataclass
class TeamView:
    """What one team's page shows at the current minute (nothing from later).

    inbox: arrived posts and injects, oldest first: {id, kind, minute, author,
    text, type}; `posts`: the ids a reply may answer; timeline: arrivals,
    injects and the team's published actions in time order (as
    `Exercise.timeline`, plus the facilitator's injects: kind
    "facilitator_inject", type, label, text); published:
    {draft_id, kind, role, text, strategy, channel, reply_to, minute, turn};
    pending: drafts awaiting the approver {draft_id, kind, role, text,
    strategy, channel, reply_to, minute, score}; curve: [{minute,
    negative_reach, outraged, new_negative}] of the team's public so far.
    """

    workshop_id: str
    team_id: str
    team_name: str
    status: str
    turn: int
    minute: int
    duration: int
    lang: str
    roles: tuple[str, ...]
    inbox: list[dict] = field(default_factory=list)
    posts: list[dict] = field(default_factory=list)
    timeline: list[dict] = field(default_factory=list)
    published: list[dict] = field(default_factory=list)
    pending: list[dict] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)
    curve: list[dict] = field(default_factory=list)
    seconds_left: float | None = None  # real time left in the turn (None: facilitator advances)


@dataclass
class ConsoleView:
    """What the facilitator's console shows.

    teams: [{team_id, name, token, link, published, pending, negative_reach}];
    timelines: {team_id: timeline as in TeamView}; curves: long format
    [{team_id, team, minute, negative_reach}] for one chart with a line per
    team; published: every published text [{team_id, team, minute, turn,
    kind, role, text}] in time order; injects: [{id, minute, turn, team_id
    (None = all), kind, text}].
    """

    workshop_id: str
    scenario_id: str
    scenario_title: str
    status: str
    turn: int
    minute: int
    duration: int
    lang: str
    teams: list[dict] = field(default_factory=list)
    timelines: dict[str, list[dict]] = field(default_factory=dict)
    curves: list[dict] = field(default_factory=list)
    published: list[dict] = field(default_factory=list)
    injects: list[dict] = field(default_factory=list)
    seconds_left: float | None = None


@dataclass
class TurnResult:
    """What `Workshop.advance` computed: the new turn and each team's figures at its minute."""

    turn: int
    minute: int
    status: str
    teams: dict[str, dict] = field(default_factory=dict)  # team_id -> {negative_reach, outraged}
