"""The network catalogue (`datasets/networks.yaml`), typed and checked.

Every figure in the catalogue names a source declared at the top of the
file (invariant 5); loading fails if one does not.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Literal, get_args

from pydantic import Field, model_validator

from cmtraining.core.errors import DatasetError, WorkbookValidationError
from cmtraining.core.models import Bilingual, FrozenModel
from cmtraining.core.paths import datasets_dir
from cmtraining.core.yamlio import read_yaml
from cmtraining.workbook.models import Format, NetworkId, NetworkRoleId
from cmtraining.workbook.validation import validate_model

#: a catalogue text: present in both languages
Text = Bilingual[Annotated[str, Field(min_length=1)]]


class BilingualList(Bilingual[Annotated[list[str], Field(min_length=1)]]):
    @model_validator(mode="after")
    def _same_length(self):
        if len(self.es) != len(self.en):
            raise ValueError("es and en lists differ in length")
        return self


class Source(FrozenModel):
    kind: Literal["report", "help_centre", "study", "assumption"]
    title: str = Field(min_length=3)
    publisher: str = ""
    year: Annotated[int, Field(ge=2000, le=2100)]
    url: str = ""
    note: str = ""

    @model_validator(mode="after")
    def _assumption_has_reason(self):
        if self.kind == "assumption" and not self.note:
            raise ValueError("an assumption needs a note with its rationale")
        return self


class Limit(FrozenModel):
    value: Annotated[float, Field(gt=0)]
    unit: Literal["characters", "seconds", "minutes", "items", "megabytes"]
    source: str


class ExtraLimit(Limit):
    what: Text


class Rate(FrozenModel):
    value: Annotated[float, Field(gt=0, lt=1)]
    source: str


class EngagementRate(Rate):
    basis: Literal["followers", "reach", "impressions"]


class PostsPerWeek(FrozenModel):
    low: Annotated[float, Field(ge=0)]
    high: Annotated[float, Field(gt=0)]
    source: str


class Audience(FrozenModel):
    age_core: Text
    description: Text
    source: str


class Network(FrozenModel):
    name: str
    owner: str
    launched: int
    formats: list[Format] = Field(min_length=1)
    text_limit: Limit
    extra_limits: list[ExtraLimit] = Field(default_factory=list)
    engagement_rate: EngagementRate
    organic_reach_rate: Rate
    posts_per_week: PostsPerWeek
    audience: Audience
    best_uses: BilingualList
    roles: list[NetworkRoleId] = Field(min_length=1)

    def sources(self) -> list[str]:
        refs = [self.text_limit.source, self.engagement_rate.source,
                self.organic_reach_rate.source, self.posts_per_week.source, self.audience.source]
        return refs + [x.source for x in self.extra_limits]

    def engagement_per_follower(self) -> float:
        """Engagements per post per follower, whatever basis the source used."""
        rate = self.engagement_rate
        if rate.basis == "followers":
            return rate.value
        # by reach (or impressions, ~reach for one post): scale by the share reached
        return rate.value * self.organic_reach_rate.value


class Catalogue(FrozenModel):
    sources: dict[str, Source]
    networks: dict[str, Network]

    @model_validator(mode="after")
    def _complete_and_sourced(self):
        missing = set(get_args(NetworkId)) - set(self.networks)
        if missing:
            raise ValueError(f"networks missing: {sorted(missing)}")
        unknown = set(self.networks) - set(get_args(NetworkId))
        if unknown:
            raise ValueError(f"networks unknown to the Workbook schema: {sorted(unknown)}")
        for nid, net in self.networks.items():
            for ref in net.sources():
                if ref not in self.sources:
                    raise ValueError(f"{nid}: source '{ref}' is not declared under sources")
        return self


@cache
def catalogue() -> Catalogue:
    path = datasets_dir() / "networks.yaml"
    data = read_yaml(path)
    try:
        return validate_model(Catalogue, data, source=str(path))
    except WorkbookValidationError as exc:  # a shipped file: say which one is broken
        raise DatasetError("core.error.dataset_invalid", source=str(path), detail=str(exc)) from None


def network(network_id: str) -> Network:
    return catalogue().networks[network_id]
