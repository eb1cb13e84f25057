"""Loading the sample organizations shipped in `datasets/organizations/`.

Each organization is a folder with `organization.yaml` (profile, titles in
both languages, generator settings) and `metrics.csv` (12 months of channel
metrics per network, written by `cmtraining.samples.generator`).
"""

from __future__ import annotations

import csv
from datetime import date
from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import Field

from cmtraining.core.errors import UnknownOrganizationError
from cmtraining.core.models import Bilingual, FrozenModel
from cmtraining.core.paths import datasets_dir, organization_ids, organizations_dir
from cmtraining.core.yamlio import read_yaml
from cmtraining.workbook.models import ChannelMonth, Lang, NetworkId, Profile, Workbook
from cmtraining.workbook.validation import validate_model

METRIC_FIELDS = ("followers", "posts", "reach", "impressions", "reactions", "comments",
                 "shares", "link_clicks")
#: goal actions a network may track (an empty cell: not tracked there)
GOAL_FIELDS = ("leads", "conversions")
CSV_COLUMNS = ("network", "month", *METRIC_FIELDS, *GOAL_FIELDS)


class NetworkSeed(FrozenModel):
    followers: Annotated[int, Field(ge=0)]
    monthly_growth: Annotated[float, Field(ge=-0.5, le=1)]
    posts_per_month: Annotated[float, Field(ge=0)]
    #: goal actions tracked on this network (web analytics, lead forms), per month
    leads_per_month: Annotated[float, Field(ge=0)] | None = None
    conversions_per_month: Annotated[float, Field(ge=0)] | None = None


class GeneratorSpec(FrozenModel):
    seed: int
    start: str = Field(pattern=r"^\d{4}-\d{2}$")
    months: Annotated[int, Field(ge=1, le=60)]
    seasonality: list[Annotated[float, Field(gt=0)]] = Field(min_length=12, max_length=12)
    networks: dict[NetworkId, NetworkSeed]


class TopicWords(FrozenModel):
    """What people write about one topic, in one language (mentions generator slots)."""

    thing: list[str] = Field(min_length=1)
    problem: list[str] = Field(min_length=1)
    question: list[str] = Field(min_length=1)
    suggestion: list[str] = Field(min_length=1)
    # what people praise, when not every thing they complain about is worth
    # praising ("the invoice went up 30%" is real; "loved the invoice" is not);
    # empty: praise draws from `thing`
    praised: list[str] = Field(default_factory=list)


class Topic(FrozenModel):
    department: str
    es: TopicWords
    en: TopicWords


class Department(FrozenModel):
    name: str
    keywords: list[str] = Field(min_length=1)


class Incident(FrozenModel):
    days_before_end: Annotated[int, Field(ge=1, le=60)]
    department: str
    es: list[str] = Field(min_length=1)
    en: list[str] = Field(min_length=1)


class ListeningSpec(FrozenModel):
    """How a sample organization is talked about (see cmtraining.listening.mentions)."""

    handle: str = Field(pattern=r"^@\w{2,30}$")
    languages: dict[Lang, Annotated[float, Field(ge=0, le=1)]]
    mentions_per_day: Annotated[float, Field(gt=0, le=2000)]
    competitors: list[str] = Field(max_length=5)
    hashtags: list[str] = Field(default_factory=list)
    crisis_department: str
    departments: list[Department] = Field(min_length=1)
    topics: list[Topic] = Field(min_length=1)
    incident: Incident


class ProfileTranslation(FrozenModel):
    """A sample profile's texts in the other language (goals by id)."""

    sector: str
    mission: str
    goals: dict[str, str]


class Organization(FrozenModel):
    id: str
    title: Bilingual[str]
    profile: Profile
    #: for a trainee working in the other language (sweep 3: a Spanish café's mission
    #: and goals on English screens); names stay as the organization writes them
    profile_translations: dict[Lang, ProfileTranslation] = Field(default_factory=dict)
    generator: GeneratorSpec
    listening: ListeningSpec

    @property
    def folder(self) -> Path:
        return datasets_dir() / "organizations" / self.id


def _root() -> Path:
    return organizations_dir()


@cache
def list_organizations() -> tuple[str, ...]:
    """Ids of the shipped sample organizations, sorted."""
    return organization_ids()


@cache
def load_organization(org_id: str) -> Organization:
    if org_id not in list_organizations():
        raise UnknownOrganizationError(value=org_id, allowed=", ".join(list_organizations()))
    path = _root() / org_id / "organization.yaml"
    return validate_model(Organization, read_yaml(path), source=str(path))


def read_metrics_csv(path: Path) -> list[ChannelMonth]:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for row in rows:
        data = {k: int(row[k]) for k in METRIC_FIELDS}
        data.update({k: int(row[k]) for k in GOAL_FIELDS if (row.get(k) or "").strip()})
        data["network"] = row["network"]
        data["month"] = date.fromisoformat(row["month"] + "-01")
        out.append(data)
    return [validate_model(ChannelMonth, r, source=str(path)) for r in out]


@cache
def load_metrics(org_id: str) -> tuple[ChannelMonth, ...]:
    org = load_organization(org_id)
    return tuple(read_metrics_csv(org.folder / "metrics.csv"))


def sample_workbook(org_id: str, *, trainee: str = "", lang: str = "es") -> Workbook:
    """A new Workbook pre-filled with a sample organization's profile and history."""
    from cmtraining.workbook.store import now

    org = load_organization(org_id)
    stamp = now()
    return Workbook(
        trainee=trainee, org_id=org_id, lang=lang, created=stamp, updated=stamp,
        profile=sample_profile(org, lang), metrics=list(load_metrics(org_id)),
    )


def sample_profile(org: Organization, lang: str) -> Profile:
    """The sample's profile with its texts in `lang` where the sample has them."""
    text = org.profile_translations.get(lang)
    if text is None or lang == org.profile.language:
        return org.profile
    goals = [goal.model_copy(update={"text": text.goals.get(goal.id, goal.text)})
             for goal in org.profile.goals]
    return org.profile.model_copy(update={"sector": text.sector, "mission": text.mission,
                                          "goals": goals})


def blank_workbook(*, trainee: str = "", lang: str = "es", name: str | None = None) -> Workbook:
    """A new Workbook for the trainee's own organization, to fill from scratch."""
    from cmtraining.i18n import t
    from cmtraining.workbook.store import now

    stamp = now()
    profile = Profile(
        name=name or t("samples.blank_name", lang), kind="company", size="micro",
        country="ES" if lang == "es" else "GB", language=lang,
    )
    return Workbook(trainee=trainee, lang=lang, created=stamp, updated=stamp, profile=profile)
