"""Property: any valid workbook survives save and load unchanged."""

from __future__ import annotations

import string
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import get_args

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cmtraining.workbook import load, save
from cmtraining.workbook.models import (
    ChannelMonth,
    CompetencyArea,
    CompetencyRating,
    ListeningFinding,
    NetworkId,
    Objective,
    OrgGoal,
    OrgKind,
    OrgSize,
    Pillar,
    Profile,
    ResponseRule,
    Workbook,
)

text = st.text(alphabet=string.ascii_letters + "áéíóúñ¿¡ €😀:#-'\"\n", min_size=3, max_size=40).map(
    str.strip).filter(lambda s: len(s) >= 3)
slug = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,10}", fullmatch=True)
stamp = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1)).map(
    lambda d: d.replace(microsecond=0, tzinfo=UTC))
count = st.integers(min_value=0, max_value=10**9)


@st.composite
def channel_month(draw):
    impressions = draw(count)
    return ChannelMonth(
        network=draw(st.sampled_from(get_args(NetworkId))),
        month=date(draw(st.integers(2015, 2030)), draw(st.integers(1, 12)), 1),
        followers=draw(count), posts=draw(count),
        reach=draw(st.integers(0, impressions)), impressions=impressions,
        reactions=draw(count), comments=draw(count), shares=draw(count), link_clicks=draw(count))


@st.composite
def workbooks(draw):
    goals = draw(st.lists(st.builds(OrgGoal, id=slug, text=text), max_size=4,
                          unique_by=lambda g: g.id))
    metrics = draw(st.lists(channel_month(), max_size=6, unique_by=lambda m: (m.network, m.month)))
    objectives = draw(st.lists(st.builds(
        Objective, id=slug, metric=st.sampled_from(["followers", "reach", "engagement_rate_reach"]),
        network=st.none() | st.sampled_from(get_args(NetworkId)),
        baseline=st.floats(0, 1e6), target=st.floats(0, 1e6),
        deadline=st.dates(date(2020, 1, 1), date(2035, 1, 1)),
        goal_id=st.none() | st.sampled_from([g.id for g in goals] or [None])),
        max_size=3, unique_by=lambda o: o.id))
    shares = draw(st.sampled_from([[], [100.0], [50.0, 50.0], [25.5, 30.0, 44.5]]))
    pillars = [Pillar(id=f"p{i}", name=f"Pilar {i}", share=s) for i, s in enumerate(shares)]
    return Workbook(
        trainee=draw(st.text(max_size=20).map(str.strip)),
        lang=draw(st.sampled_from(["es", "en"])),
        created=draw(stamp), updated=draw(stamp),
        profile=Profile(name=draw(text), kind=draw(st.sampled_from(get_args(OrgKind))),
                        size=draw(st.sampled_from(get_args(OrgSize))),
                        country=draw(st.sampled_from(["ES", "MX", "AR", "IE", "US", "FR"])),
                        language=draw(st.sampled_from(["es", "en", "ca", "eu"])),
                        mission=draw(st.text(max_size=200).map(str.strip)), goals=goals),
        metrics=metrics,
        listening={"findings": draw(st.lists(st.builds(
            ListeningFinding, topic=text,
            sentiment=st.none() | st.sampled_from(["positive", "neutral", "negative"])), max_size=3)),
            "competitors": draw(st.lists(text, max_size=3))},
        response_playbook={"rules": draw(st.lists(st.builds(
            ResponseRule, category=st.sampled_from(["question", "complaint", "praise"]),
            max_hours=st.floats(0.1, 720), templates=st.dictionaries(st.sampled_from(["es", "en"]), text)),
            max_size=3, unique_by=lambda r: r.category))},
        objectives=objectives,
        content_plan={"pillars": pillars},
        self_assessment=draw(st.lists(st.builds(CompetencyRating,
                                                area=st.sampled_from(get_args(CompetencyArea)),
                                                level=st.integers(1, 5)),
                                      max_size=7, unique_by=lambda c: c.area)),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workbooks())
def test_any_valid_workbook_round_trips(wb):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "w.yaml"
        save(wb, path, touch=False)
        assert load(path) == wb
