"""Crisis scenarios: the strict schema of `datasets/crisis/*.yaml` and its loader.

    list_scenarios() -> tuple[str, ...]
    load_scenario(scenario_id) -> Scenario
    load_scenario_file(path) -> Scenario

A scenario is everything a live exercise needs before the first turn: the
SCCT situation (cluster, crisis history, prior reputation, whether the
claim is unfounded), the opening post, timed injects, sample incoming
messages per phase, the initial outrage the diffusion engine starts from,
and the responses SCCT recommends with reasons for the debrief. Every
user-facing string has `es` and `en` text; `{org}` is the only placeholder
(filled with the organization's name), so a generic scenario fits any
workbook.

A file is validated completely before any run starts: a facilitator who
edits one gets every field problem at once, each naming the file and the
field (``injects[2].minute``), instead of a failure halfway through an
exercise. Cross-field checks (injects in time order, the recommendation)
run once the fields themselves are valid.
The authored recommendation must agree with `scoring.recommended_strategies`
so that the debrief text and the score never contradict each other.
"""

from __future__ import annotations

import re
import string
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, NonNegativeInt, model_validator

from cmtraining.core.errors import DatasetError, WorkbookValidationError
from cmtraining.core.models import Bilingual
from cmtraining.core.paths import datasets_dir
from cmtraining.core.text import first_upper
from cmtraining.workbook.base import (
    Model,
    NetworkId,
    OrgKind,
    Sentiment,
    ShortText,
    Slug,
    fail,
)
from cmtraining.workbook.sections_crisis import Strategy, StrategyFamily

__all__ = ["Scenario", "ScenarioFileError", "UnknownScenarioError", "list_scenarios",
           "load_scenario", "load_scenario_file", "scenarios_dir"]

Cluster = Literal["victim", "accidental", "preventable"]
Case = Literal["product_defect", "service_outage", "offensive_post", "rumour", "data_breach",
               "viral_complaint", "external_disaster"]
Reputation = Literal["good", "neutral", "bad"]
InjectKind = Literal["journalist", "video", "employee_off_protocol", "regulator", "influencer",
                     "customer_wave", "official_update", "competitor", "rumour_spreads"]
PhaseId = Literal["outbreak", "peak", "aftermath"]
PLACEHOLDERS = {"org"}
#: `{org}` where a sentence starts: its first letter is a capital
SENTENCE_ORG = re.compile(r"(^|[.!?]\s+|[¿¡«“]){org}")


class UnknownScenarioError(DatasetError):
    key = "crisis.error.unknown_scenario"


class ScenarioFileError(DatasetError):
    """A scenario file that does not satisfy the schema; names the file and each field."""

    key = "crisis.error.invalid"

    def __init__(self, source: str, problems: list, *, lang: str | None = None):
        self.problems = problems
        super().__init__(lang=lang, source=source, count=len(problems))

    def message(self, lang: str | None = None) -> str:
        from cmtraining.i18n import t

        lang = lang or self.lang
        lines = [f"  - {p.message(lang)}" for p in self.problems]
        return "\n".join([t(self.key, lang, **self.params), *lines])


def _placeholders(text: str, where: str) -> None:
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:  # a lone brace
        fail("placeholder", where, value="{")
    for name in names - PLACEHOLDERS:
        fail("placeholder", where, value=name or "{}")


class ScenarioText(Bilingual[Annotated[str, Field(min_length=1, max_length=2000)]]):
    """One user-facing text in both languages; `{org}` is the organization's name."""

    # like the workbook's models around it (`workbook.base.Model`): spaces dropped, re-validated
    model_config = ConfigDict(frozen=False, validate_assignment=True, str_strip_whitespace=True)

    @model_validator(mode="after")
    def _only_org(self):
        _placeholders(self.es, "es")
        _placeholders(self.en, "en")
        return self

    def get(self, lang: str | None = None, org: str | None = None) -> str:
        from cmtraining.i18n import check_lang, t

        lang = check_lang(lang)
        if org:  # a name is written as its owner writes it
            return getattr(self, lang).format(org=org)
        # "the organization" opening a sentence is written "The organization" (sweep 19.6)
        name = t("crisis.org_default", lang)
        text = SENTENCE_ORG.sub(lambda m: m.group(1) + "{org_capital}", getattr(self, lang))
        return text.format(org=name, org_capital=first_upper(name))


class OpeningPost(Model):
    author: Annotated[str, Field(min_length=2, max_length=80)]
    followers: NonNegativeInt
    text: ScenarioText


class Inject(Model):
    """Something that happens at `minute`, whatever the trainee has done."""

    minute: NonNegativeInt
    kind: InjectKind
    text: ScenarioText
    #: multiplies the scenario's virality from this minute on (1 = no change)
    virality: Annotated[float, Field(gt=0, le=10)] = 1.0


class SampleMessage(Model):
    author: ShortText = ""
    sentiment: Sentiment
    text: ScenarioText


class Phase(Model):
    id: PhaseId
    from_minute: NonNegativeInt
    messages: list[SampleMessage] = Field(min_length=2, max_length=30)


class Outrage(Model):
    """Where the diffusion engine starts: shares of the audience, and how catchy it is."""

    aware: Annotated[float, Field(gt=0, le=1)]
    outraged: Annotated[float, Field(ge=0, le=1)]
    virality: Annotated[float, Field(gt=0, le=10)]

    @model_validator(mode="after")
    def _outraged_are_aware(self):
        if self.outraged > self.aware:
            fail("outrage_over_aware", "outraged", value=self.outraged, aware=self.aware)
        return self


class WrongChoice(Model):
    strategy: Strategy
    reason: ScenarioText


class Advice(Model):
    """What SCCT recommends here, in words a debrief can show."""

    primary: StrategyFamily
    strategies: list[Strategy] = Field(min_length=1)
    bolster: bool = False
    instructing: bool  # people may be harmed: safety / instructing information needed
    reason: ScenarioText
    wrong: list[WrongChoice] = Field(min_length=1)


class Scenario(Model):
    id: Slug
    title: ScenarioText
    summary: ScenarioText
    case: Case
    cluster: Cluster
    history: bool  # the organization had a similar crisis before
    reputation: Reputation  # prior reputation with its publics
    unfounded: bool = False  # a rumour or an unwarranted challenge
    network: NetworkId
    org_kind: OrgKind | Literal["generic"]
    sample_org: Slug | None = None  # the sample organization it was written for
    duration_minutes: Annotated[int, Field(ge=30, le=2880)] = 240
    minutes_per_turn: Annotated[int, Field(ge=1, le=240)] = 15
    #: the scenario's clock: a first statement is due by this minute (<= the golden hour)
    golden_minutes: Annotated[int, Field(ge=5, le=60)] = 60
    opening: OpeningPost
    injects: list[Inject] = Field(min_length=2, max_length=40)
    phases: list[Phase] = Field(min_length=2, max_length=6)
    outrage: Outrage
    recommended: Advice

    @property
    def victims(self) -> bool:
        return self.recommended.instructing

    @model_validator(mode="after")
    def _consistent(self):
        for name in ("injects", "phases"):
            items = getattr(self, name)
            attr = "minute" if name == "injects" else "from_minute"
            for index, item in enumerate(items):
                minute = getattr(item, attr)
                if minute > self.duration_minutes:
                    fail("after_end", f"{name}[{index}].{attr}", value=minute,
                         end=self.duration_minutes)
                if index and minute < getattr(items[index - 1], attr):
                    fail("time_order", f"{name}[{index}].{attr}", value=minute,
                         previous=getattr(items[index - 1], attr))
        from cmtraining.crisis.scoring import recommendation_for

        expected = recommendation_for(self).primary
        if self.recommended.primary != expected:
            fail("scct_mismatch", "recommended.primary", value=self.recommended.primary,
                 expected=expected)
        return self


# --- loading -----------------------------------------------------------------------


def scenarios_dir() -> Path:
    return datasets_dir() / "crisis"


def list_scenarios() -> tuple[str, ...]:
    """Ids of the shipped scenarios (file names without `.yaml`), sorted."""
    return tuple(sorted(p.stem for p in scenarios_dir().glob("*.yaml")))


def load_scenario(scenario_id: str) -> Scenario:
    known = list_scenarios()
    if scenario_id not in known:
        raise UnknownScenarioError(value=scenario_id, allowed=", ".join(known))
    return load_scenario_file(scenarios_dir() / f"{scenario_id}.yaml")


def load_scenario_file(path: str | Path) -> Scenario:
    """Validate one scenario file completely; errors name the file and each field."""
    path = Path(path)
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise DatasetError("core.error.dataset_missing", source=str(path)) from None
    return _load(str(path), stamp)


@lru_cache(maxsize=64)
def _load(source: str, _stamp: int) -> Scenario:
    from cmtraining.core.yamlio import read_yaml
    from cmtraining.workbook.validation import validate_model

    path = Path(source)
    try:
        scenario = validate_model(Scenario, read_yaml(path), source=source)
    except WorkbookValidationError as exc:
        raise ScenarioFileError(source, exc.problems) from None
    if scenario.id != path.stem:
        raise DatasetError("crisis.error.id_mismatch", source=source, value=scenario.id,
                           expected=path.stem)
    return scenario


def default_scenario(org_id: str | None) -> str:
    """The scenario written for this sample organization, else the generic one.

    The stage-5 app and anyone else who opens the exercise without a
    `scenario` parameter start from the same choice.
    """
    ids = list_scenarios()
    for sid in ids:
        if org_id and load_scenario(sid).sample_org == org_id:
            return sid
    return next((s for s in ids if s.startswith("generic")), ids[0])
