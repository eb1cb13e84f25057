"""The posting-windows dataset (`datasets/posting_windows.yaml`), typed and checked.

When each network's audience is around, by weekday, in quarter-hour slots,
with the general windows and the ones of some kinds of organization (a
café's are around the weekend). Every window names a source declared in the
file; loading fails if one does not. The calendar generator
(`planning.calendar`) places posts inside these windows.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from typing import Annotated, Literal, get_args

from pydantic import Field, field_validator, model_validator

from cmtraining.core.errors import DatasetError, WorkbookValidationError
from cmtraining.core.models import FrozenModel
from cmtraining.core.paths import datasets_dir
from cmtraining.core.yamlio import read_yaml
from cmtraining.networks import Source
from cmtraining.workbook.models import NetworkId, OrgKind
from cmtraining.workbook.validation import validate_model

SLOT_MINUTES = 15
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _minutes(value: str) -> int:
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


class Window(FrozenModel):
    days: list[Weekday] = Field(min_length=1)
    start: Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
    end: Annotated[str, Field(pattern=r"^([01]\d|2[0-4]):[0-5]\d$")]

    @model_validator(mode="after")
    def _ordered(self):
        if _minutes(self.end) - _minutes(self.start) < SLOT_MINUTES:
            raise ValueError("a window must last at least one slot and end after it starts")
        return self

    def slots(self) -> list[int]:
        """Start minutes of the quarter hours inside the window (end excluded)."""
        return list(range(_minutes(self.start), _minutes(self.end), SLOT_MINUTES))


class NetworkWindows(FrozenModel):
    source: str
    windows: list[Window] = Field(min_length=1)

    def by_weekday(self) -> dict[int, list[int]]:
        """Weekday (0 = Monday) -> sorted slot minutes of its best windows."""
        out: dict[int, set[int]] = defaultdict(set)
        for window in self.windows:
            for day in window.days:
                out[WEEKDAYS.index(day)].update(window.slots())
        return {day: sorted(slots) for day, slots in out.items()}

    def all_slots(self) -> list[int]:
        return sorted({slot for window in self.windows for slot in window.slots()})


class KindWindow(FrozenModel):
    windows: list[Window] = Field(min_length=1)


class KindWindows(FrozenModel):
    """The windows that change for one kind of organization (a café posts at weekends)."""

    source: str
    networks: dict[NetworkId, KindWindow] = Field(min_length=1)


class PostingWindows(FrozenModel):
    sources: dict[str, Source]
    networks: dict[str, NetworkWindows]
    kinds: dict[OrgKind, KindWindows] = Field(default_factory=dict)

    def for_kind(self, kind: str | None) -> dict[str, NetworkWindows]:
        """Each network's windows for an organization of `kind` (the general ones if None)."""
        special = self.kinds.get(kind) if kind else None
        if special is None:
            return dict(self.networks)
        out = dict(self.networks)
        for net, windows in special.networks.items():
            out[net] = NetworkWindows(source=special.source, windows=windows.windows)
        return out

    @field_validator("networks")
    @classmethod
    def _complete(cls, value):
        missing = set(get_args(NetworkId)) - set(value)
        unknown = set(value) - set(get_args(NetworkId))
        if missing or unknown:
            raise ValueError(f"networks missing: {sorted(missing)}; unknown: {sorted(unknown)}")
        return value

    @model_validator(mode="after")
    def _sourced(self):
        for nid, net in self.networks.items():
            if net.source not in self.sources:
                raise ValueError(f"{nid}: source '{net.source}' is not declared under sources")
        for kind, special in self.kinds.items():
            if special.source not in self.sources:
                raise ValueError(f"kinds.{kind}: source '{special.source}' is not declared")
        return self


@cache
def posting_windows() -> PostingWindows:
    path = datasets_dir() / "posting_windows.yaml"
    try:
        return validate_model(PostingWindows, read_yaml(path), source=str(path))
    except WorkbookValidationError as exc:
        raise DatasetError("core.error.dataset_invalid", source=str(path), detail=str(exc)) from None
