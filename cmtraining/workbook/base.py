"""Shared types and the strict base model of the Workbook sections.

Kept apart from the sections so that each group of sections can live in
its own module (`models.py`, `sections_response.py`) without import cycles.
"""
from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
)
from pydantic_core import PydanticCustomError

from cmtraining.core.models import StrictModel

Lang = Literal["es", "en"]
NetworkId = Literal[
    "facebook",
    "instagram",
    "x",
    "linkedin",
    "tiktok",
    "youtube",
    "threads",
    "bluesky",
    "whatsapp_channels",
]
OrgKind = Literal["company", "smb", "nonprofit", "public", "education"]
# Size bands of the EU SME definition (European Commission Recommendation
# 2003/361/EC, 2003): micro < 10 staff, small < 50, medium < 250.
OrgSize = Literal["micro", "small", "medium", "large"]
# KPI ids of shared/DOMAIN.md; formulas live in the evaluation engine.
KpiId = Literal[
    "followers",
    "audience_growth_rate",
    "engagement_rate_reach",
    "engagement_rate_followers",
    "engagement_rate_impressions",
    "amplification_rate",
    "applause_rate",
    "conversation_rate",
    "share_of_voice",
    "net_sentiment",
    "response_rate",
    "response_time",
    "reach",
    "impressions",
    "link_clicks",
]
NetworkRoleId = Literal[
    "customer_care",
    "thought_leadership",
    "community",
    "announcements",
    "sales",
    "recruitment",
    "education",
]
# The seven areas of the community manager's role named by the seeds.
CompetencyArea = Literal[
    "strategy_brand",
    "communication_pr",
    "leadership_training",
    "customer_care",
    "internal_management",
    "reporting",
    "professional_development",
]
MessageCategory = Literal[
    "praise", "question", "complaint", "suggestion", "spam", "crisis_signal", "other"
]
Sentiment = Literal["positive", "neutral", "negative"]

def fail(kind: str, field: str, **ctx):
    """Raise a validation error of our own `kind` for `field`.

    `field` is the path relative to the model being validated; the
    translation layer joins it to pydantic's location, so the message names
    the exact field (e.g. ``objectives[2].goal_id``).
    """
    raise PydanticCustomError(f"cm_{kind}", kind, {"field": field, **ctx})


_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")  # fullmatch: "^…$" let "x\n" through


def _slug(value: str) -> str:
    if not _SLUG.fullmatch(value):
        fail("slug", "", value=value)
    return value


def _country(value: str) -> str:
    from babel import Locale

    code = value.upper()
    if len(code) != 2 or code not in Locale("en").territories:
        fail("country", "", value=value)
    return code


def _language(value: str) -> str:
    from babel import Locale

    code = value.lower()
    if len(code) != 2 or code not in Locale("en").languages:
        fail("language", "", value=value)
    return code


Slug = Annotated[str, AfterValidator(_slug)]
CountryCode = Annotated[str, AfterValidator(_country)]
LanguageCode = Annotated[str, AfterValidator(_language)]
ShortText = Annotated[str, Field(max_length=200)]
LongText = Annotated[str, Field(max_length=5000)]


class Model(StrictModel):
    """The workbook's base: strict (unknown fields are typos), assignments re-validated."""

    model_config = ConfigDict(validate_assignment=True, str_strip_whitespace=True)


def _unique(items, attr: str, where: str):
    seen: set = set()
    for index, item in enumerate(items):
        value = getattr(item, attr)
        if value in seen:
            fail("duplicate", f"{where}[{index}].{attr}", value=str(value))
        seen.add(value)
