"""Stage 6 engines: KPI table, metrics import, attainment, recommendations."""

from __future__ import annotations

import math
import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cmtraining.evaluation.attainment import (
    AT_RISK,
    STATUS_RANK,
    T_CRITICAL,
    TREND_P,
    attainment,
    attainment_all,
    progress,
    project,
    status_for,
    trend_supported,
)
from cmtraining.evaluation.dashboard import TABLE_COLUMNS, kpi_summary, kpi_table
from cmtraining.evaluation.metrics_csv import MetricsFileError, metrics_gaps, read_metrics_csv
from cmtraining.evaluation.recommendations import recommend
from cmtraining.metrics import kpis
from cmtraining.planning.prefill import prefill_objectives
from cmtraining.planning.smart import objective_title
from cmtraining.samples import list_organizations, sample_workbook
from cmtraining.samples.organizations import blank_workbook
from cmtraining.workbook.models import (
    ChannelMonth,
    CrisisLevel,
    CrisisProtocol,
    ListeningSummary,
    NetworkRole,
    Objective,
    ResponsePlaybook,
    ResponseRule,
    SpikeAlert,
    Workbook,
)

TODAY = date(2026, 11, 23)
COUNTS = ("followers", "posts", "reach", "impressions", "reactions", "comments", "shares",
          "link_clicks")


def cm(network, month, *values):
    return ChannelMonth(network=network, month=month, **dict(zip(COUNTS, values, strict=True)))


# followers, posts, reach, impressions, reactions, comments, shares, link_clicks
HAND = [
    cm("facebook", date(2026, 1, 1), 1000, 10, 2000, 5000, 80, 15, 5, 50),
    cm("facebook", date(2026, 2, 1), 1100, 0, 0, 0, 0, 0, 0, 0),
    cm("facebook", date(2026, 4, 1), 1210, 5, 1000, 1000, 40, 5, 5, 10),  # March missing
    cm("instagram", date(2026, 1, 1), 500, 4, 400, 800, 30, 6, 4, 2),
]


# --- KPI table ---------------------------------------------------------------------


def test_kpi_table_against_hand_computed_values():
    table = kpi_table(list(reversed(HAND)))
    assert tuple(table.columns) == TABLE_COLUMNS
    assert list(zip(table.network, table.month, strict=True)) == [
        ("facebook", date(2026, 1, 1)), ("facebook", date(2026, 2, 1)),
        ("facebook", date(2026, 4, 1)), ("instagram", date(2026, 1, 1))]
    jan = table.iloc[0]
    assert jan.engagements == 100  # 80 + 15 + 5
    assert jan.engagement_rate_reach == pytest.approx(100 / 2000)
    assert jan.engagement_rate_followers == pytest.approx(100 / 10 / 1000)
    assert jan.engagement_rate_impressions == pytest.approx(100 / 5000)
    assert jan.amplification_rate == pytest.approx(5 / 10 / 1000)
    assert jan.applause_rate == pytest.approx(80 / 10 / 1000)
    assert jan.conversation_rate == pytest.approx(15 / 10 / 1000)
    assert jan.click_through_rate == pytest.approx(50 / 5000)
    assert math.isnan(jan.audience_growth_rate)  # first month of the network
    feb = table.iloc[1]
    assert feb.audience_growth_rate == pytest.approx(0.1)
    for rate in ("engagement_rate_reach", "engagement_rate_followers", "click_through_rate"):
        assert math.isnan(feb[rate]), rate  # zero denominators: NaN, never 0
    apr = table.iloc[2]
    assert math.isnan(apr.audience_growth_rate)  # after a gap: no "monthly" growth
    assert apr.engagement_rate_followers == pytest.approx(50 / 5 / 1210)
    assert table.iloc[3].engagement_rate_reach == pytest.approx(40 / 400)


def test_kpi_summary_sums_then_recomputes_rates():
    table = kpi_summary(HAND)
    assert list(table.network) == ["facebook", "instagram"]  # largest audience first
    fb = table.iloc[0]
    assert (fb.months, fb.followers_start, fb.followers) == (3, 1000, 1210)
    assert (fb.posts, fb.reach, fb.impressions, fb.engagements) == (15, 3000, 6000, 150)
    assert fb.engagement_rate_reach == pytest.approx(150 / 3000)
    assert fb.engagement_rate_followers == pytest.approx(150 / 15 / ((1000 + 1100 + 1210) / 3))
    assert fb.audience_growth_rate == pytest.approx(0.21)
    assert fb.posts_per_week == pytest.approx(15 / ((31 + 28 + 30) / 7))
    assert math.isnan(table.iloc[1].audience_growth_rate)  # one month: no growth
    feb_apr = kpi_summary(HAND, network="facebook", months=(date(2026, 2, 10), date(2026, 4, 30)))
    assert list(feb_apr.months) == [2] and feb_apr.iloc[0].posts == 5
    assert kpi_summary(HAND, network=["x"]).empty


def test_reach_and_impressions_are_plain_sums():
    assert kpis.total_reach([100, 200, 3]) == 303
    assert kpis.total_impressions(r.impressions for r in HAND) == 6800


@st.composite
def channel_months(draw):
    impressions = draw(st.integers(0, 10**7))
    return cm("x", date(2026, 1, 1), draw(st.integers(0, 10**7)), draw(st.integers(0, 500)),
              draw(st.integers(0, impressions)), impressions, *(draw(st.integers(0, 10**6))
                                                                  for _ in range(4)))


@settings(max_examples=200, deadline=None)
@given(channel_months())
def test_rate_properties_for_valid_counts(row):
    """Rates are never negative. ERR is not capped at 1: reach counts people once while
    one person can react, comment and share, so ERR > 1 is possible in real data. But
    reach <= impressions always gives ERR >= ER by impressions."""
    eng = kpis.engagements(row.reactions, row.comments, row.shares)
    err = kpis.engagement_rate_by_reach(eng, row.reach)
    eri = kpis.engagement_rate_by_impressions(eng, row.impressions)
    if err is not None and eri is not None:
        assert err >= eri >= 0
    for rate in (kpis.engagement_rate_by_followers(eng, row.posts, row.followers),
                 kpis.amplification_rate(row.shares, row.posts, row.followers),
                 kpis.click_through_rate(row.link_clicks, row.impressions)):
        assert rate is None or rate >= 0


@given(st.integers(0, 10**6), st.integers(0, 10**6), st.integers(0, 10**6))
def test_bounded_rates_stay_in_their_range(a, b, c):
    part, whole = sorted((a, b))
    for rate in (kpis.share_of_voice(part, whole), kpis.response_rate(part, whole)):
        assert rate is None or 0 <= rate <= 1
    ns = kpis.net_sentiment(a, c)
    assert ns is None or -1 <= ns <= 1
    growth = kpis.audience_growth_rate(a, c)
    assert growth is None or growth >= -1


# --- Metrics CSV import ---------------------------------------------------------------

HEADER = "network,month,followers,posts,reach,impressions,reactions,comments,shares,link_clicks"
GOOD = [HEADER, "instagram,2026-01,1200,10,900,2000,50,5,2,8",
        "instagram,2026-02,1250,12,950,2100,60,6,3,9"]


def csv_bytes(lines, encoding="utf-8"):
    return ("\n".join(lines) + "\n").encode(encoding)


def test_import_accepts_spreadsheet_flavours(tmp_path):
    spanish = ["\ufeffRed;Mes;Seguidores;Publicaciones;Alcance;Impresiones;Reacciones;"
               "Comentarios;Compartidos;Clics",
               "Instagram;2026-01-01;1.200;10;900;2.000;50;5;2;8",
               "Twitter;2026/02;1 250;12;950;2100;60;6;3;9,0"]
    rows = read_metrics_csv(csv_bytes(spanish))
    assert [(r.network, r.month, r.followers, r.impressions, r.link_clicks) for r in rows] == [
        ("instagram", date(2026, 1, 1), 1200, 2000, 8), ("x", date(2026, 2, 1), 1250, 2100, 9)]
    path = tmp_path / "metrics.csv"
    path.write_bytes(csv_bytes(GOOD))
    assert len(read_metrics_csv(path)) == len(read_metrics_csv("\n".join(GOOD))) == 2
    assert read_metrics_csv(csv_bytes(GOOD, "utf-16"))[1].followers == 1250


def replace(line: int, old: str, new: str) -> list[str]:
    lines = list(GOOD)
    lines[line] = lines[line].replace(old, new, 1)
    return lines


BAD = {
    "missing_columns": ([HEADER.replace(",reach", "").replace(",shares", "")], ["reach", "shares"]),
    "not_number": (replace(1, "1200", "mil"), ["line 2", "followers", "mil"]),
    "negative": (replace(2, ",12,", ",-12,"), ["line 3", "posts"]),
    "bad_network": (replace(1, "instagram", "myspace"), ["line 2", "myspace"]),
    "bad_month": (replace(2, "2026-02", "2026-13"), ["line 3", "2026-13"]),
    "duplicate": (replace(2, "2026-02", "2026-01"), ["line 3", "line 2"]),
    "reach_over_impressions": (replace(1, ",900,2000,", ",2900,2000,"), ["line 2", "2900"]),
    "empty": ([""], []),
    "no_rows": ([HEADER], []),
    "empty_cell": (replace(1, ",50,", ",,"), ["line 2", "reactions"]),
    "column_twice": ([HEADER + ",likes"], ["likes", "reactions"]),
}


@pytest.mark.parametrize("problem", sorted(BAD))
def test_each_bad_input_has_its_clear_error(problem):
    lines, fragments = BAD[problem]
    with pytest.raises(MetricsFileError) as info:
        read_metrics_csv(csv_bytes(lines), source="mine.csv")
    assert info.value.key == f"evaluation.error.{problem}"
    for lang in ("es", "en"):
        text = info.value.message(lang)
        assert "mine.csv" in text and "{" not in text
    english = info.value.message("en")
    for fragment in fragments:
        assert fragment in english


def test_bad_encoding_names_the_line():
    raw = csv_bytes(GOOD[:2]) + "instagram,2026-02,1250,12,950,2100,60,6,3,9 ñ\n".encode("latin-1")
    with pytest.raises(MetricsFileError) as info:
        read_metrics_csv(raw, source="latin.csv")
    assert info.value.key == "evaluation.error.encoding" and info.value.params["line"] == 3


def test_gaps_are_reported_not_refused():
    rows = read_metrics_csv(csv_bytes([*GOOD, "instagram,2026-05,1300,9,900,1900,40,4,1,5",
                                       "x,2026-03,300,9,90,190,4,1,1,1"]))
    findings = {f.code: f for f in metrics_gaps(rows)}
    assert findings["evaluation.gap"].value == ["2026-03", "2026-04"]
    assert "2026-03, 2026-04" in findings["evaluation.gap"].message("es")
    assert findings["evaluation.stale"].value == "2026-03"
    assert metrics_gaps(read_metrics_csv(csv_bytes(GOOD))) == []


# --- Attainment ------------------------------------------------------------------------


def test_progress_both_directions_and_keep_objectives():
    assert progress(100, 200, 150) == 0.5
    assert progress(10, 2, 6, decreasing=True) == 0.5  # "reduce": target below baseline
    assert progress(10, 2, 12, decreasing=True) == -0.25
    assert progress(50, 50, 51) == 1.0 and progress(50, 50, 49) == 0.0
    assert progress(4, 4, 3, decreasing=True) == 1.0


def test_projection_methods_recover_exact_trends():
    months = [date(2026, m, 1) for m in range(1, 7)]
    compound = [(m, 1000 * 1.1 ** i) for i, m in enumerate(months)]
    value, method, n = project(compound, "followers", date(2026, 9, 1))
    assert method == "log_ols" and n == 6 and value == pytest.approx(1000 * 1.1 ** 8)
    line = [(m, 0.01 * (i + 1)) for i, m in enumerate(months[:3])]
    value, method, _ = project(line, "engagement_rate_reach", date(2026, 6, 1))
    assert method == "linear_ols" and value == pytest.approx(0.06)
    assert project(line[:2], "engagement_rate_reach", date(2026, 6, 1))[1] == "last_value"


@given(st.floats(-3, 3), st.floats(-3, 3), st.floats(0, 2), st.floats(0, 2), st.booleans())
def test_status_is_monotone_in_progress(p1, p2, d1, d2, passed):
    worse = STATUS_RANK[status_for(p1, p2, deadline_passed=passed)]
    assert STATUS_RANK[status_for(p1 + d1, p2 + d2, deadline_passed=passed)] >= worse


def sample_with_objectives(org: str, *, set_on=date(2026, 5, 1)) -> Workbook:
    """Objectives prefilled from the history known on `set_on`, as a course would."""
    wb = sample_workbook(org)
    known = wb.model_copy(update={"metrics": [m for m in wb.metrics if m.month < set_on]})
    objectives = Workbook.model_validate(prefill_objectives(known, today=set_on)).objectives
    return wb.model_copy(update={"objectives": objectives})


@pytest.mark.parametrize("org", list_organizations())
def test_every_sample_objective_gets_a_status(org):
    wb = sample_with_objectives(org)
    assert wb.objectives
    for today in (date(2026, 8, 15), TODAY):
        results = attainment_all(wb, today=today)
        assert len(results) == len(wb.objectives)
        for a in results:
            assert a.status in STATUS_RANK
            assert a.current is not None and a.current_month <= date(today.year, today.month, 1)
            for lang in ("es", "en"):
                # named as the board pages name it, never by its id
                o = next(o for o in wb.objectives if o.id == a.objective_id)
                message = a.finding.message(lang)
                assert message.startswith(objective_title(o, lang)) and a.objective_id not in message
                assert "{" not in a.finding.rule(lang)
    after = attainment_all(wb, today=TODAY)
    assert {a.status for a in after} <= {"achieved", "missed"}  # all deadlines passed
    fresh = sample_workbook(org)
    fresh = Workbook.model_validate(prefill_objectives(fresh, today=TODAY))
    assert {a.status for a in attainment_all(fresh, today=TODAY)} <= {
        "on_track", "at_risk", "off_track", "no_trend"}


def objective(metric, **extra):
    data = {"id": "obj", "metric": metric, "baseline": 0.1, "target": 0.3,
            "deadline": date(2027, 3, 1), **extra}
    return Objective(**data)


def with_summary(wb: Workbook, **fields) -> Workbook:
    summary = ListeningSummary(period_start=date(2026, 10, 1), period_end=date(2026, 10, 28),
                               mentions=100, **fields)
    return wb.model_copy(update={"listening": wb.listening.model_copy(update={"summary": summary})})


@pytest.mark.parametrize("metric, network, reason", [
    ("response_time", None, "not_measured"), ("response_rate", "x", "not_measured"),
    ("net_sentiment", None, "no_listening"), ("share_of_voice", None, "no_listening"),
    ("engagement_rate_reach", None, "rate_without_network"),
    ("followers", "tiktok", "no_metrics"),  # ngo has no TikTok
])
def test_no_data_is_a_status_not_a_crash(metric, network, reason):
    a = attainment(objective(metric, network=network), sample_workbook("ngo"), today=TODAY)
    assert a.status == "no_data" and a.current is None and a.progress is None
    assert a.finding.message_key == f"evaluation.msg.no_data_{reason}"
    assert a.finding.message("en") != a.finding.message("es")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-1, 1), min_size=2, max_size=2))
def test_attainment_monotone_in_the_measured_value(values):
    wb = sample_workbook("cafe")
    low, high = sorted(values)
    goal = objective("net_sentiment", baseline=0.0, target=0.4)
    ranks = [STATUS_RANK[attainment(goal, with_summary(wb, net_sentiment=v), today=TODAY).status]
             for v in (low, high)]
    assert ranks[0] <= ranks[1]


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 3000), st.integers(0, 3000))
def test_attainment_monotone_in_the_last_month(a, b):
    """Raising the latest month never worsens the status (the fit's last point pulls up)."""
    wb = sample_workbook("cafe")
    goal = Objective(id="ig", metric="followers", network="instagram", baseline=3000,
                     target=3500, deadline=date(2027, 3, 1))
    ranks = []
    for followers in sorted((a, b)):
        metrics = [m.model_copy(update={"followers": followers})
                   if (m.network, m.month) == ("instagram", date(2026, 10, 1)) else m
                   for m in wb.metrics]
        ranks.append(STATUS_RANK[attainment(goal, wb.model_copy(update={"metrics": metrics}),
                                            today=TODAY).status])
    assert ranks[0] <= ranks[1]


def test_listening_and_growth_objectives_are_measured():
    wb = with_summary(sample_workbook("ngo"), net_sentiment=0.35, share_of_voice=0.2)
    a = attainment(objective("net_sentiment"), wb, today=TODAY)
    assert (a.current, a.method, a.status) == (0.35, "last_value", "on_track")
    sov = attainment(objective("share_of_voice"), wb, today=TODAY)
    # one audit is one measurement: half way is not "off track", it is too soon to say
    assert sov.projected_progress == pytest.approx(0.5) and sov.status == "no_trend"
    assert sov.finding.message_key == "evaluation.msg.attainment_too_few"
    growth = attainment(objective("audience_growth_rate", network="instagram", baseline=0.01,
                                  target=0.02), wb, today=TODAY)
    assert growth.method == "linear_ols" and growth.months == 6


def test_status_thresholds_from_the_projection():
    assert status_for(0.2, 1.0, deadline_passed=False) == "on_track"
    assert status_for(0.2, AT_RISK, deadline_passed=False) == "at_risk"
    assert status_for(0.9, AT_RISK - 0.01, deadline_passed=False) == "off_track"
    assert status_for(1.0, 0.0, deadline_passed=True) == "achieved"
    assert status_for(0.99, 5.0, deadline_passed=True) == "missed"


# --- Recommendations -------------------------------------------------------------------


@pytest.mark.parametrize("org", list_organizations())
def test_recommendations_ranked_and_bilingual(org):
    recs = recommend(sample_with_objectives(org), today=TODAY)
    assert recs
    impacts = [r.impact for r in recs]
    assert impacts == sorted(impacts, reverse=True)
    for r in recs:
        for lang in ("es", "en"):
            for text in (r.finding.message(lang), r.finding.rule(lang)):
                assert text and "{" not in text and not text.startswith("evaluation.")
        assert r.finding.message("es") != r.finding.message("en")


def test_rules_fire_on_their_triggers():
    wb = sample_with_objectives("ngo")
    alerts = [SpikeAlert(day=date(2026, 10, 20), negative=30, expected=4, threshold=12)]
    wb = with_summary(wb, positive=10, negative=40, net_sentiment=-0.6, top_terms=["retraso"])
    wb = wb.model_copy(update={
        "listening": wb.listening.model_copy(update={"alerts": alerts}),
        "response_playbook": ResponsePlaybook(rules=[
            ResponseRule(category="complaint", max_hours=48),
            ResponseRule(category="question", max_hours=4)]),
        "networks": [NetworkRole(network="instagram", role="sales"),
                     NetworkRole(network="facebook", role="announcements")],
    })
    recs = recommend(wb, today=TODAY)
    codes = {r.code for r in recs}
    assert {"negative_sentiment", "alerts_no_protocol", "slow_playbook", "low_clicks",
            "objective_missed", "effort_no_return", "reconsider_network"} <= codes
    # Facebook posts too little *and* gets little back: "move effort away", not "post more"
    assert [r.code for r in recs if r.network == "facebook"].count("posting_low") == 0
    assert {r.network for r in recs if r.code == "reconsider_network"} == {"linkedin",
                                                                            "whatsapp_channels"}
    slow = next(r for r in recs if r.code == "slow_playbook")
    assert "48" in slow.finding.message("en") and "complaint" in slow.finding.message("en")
    clicks = [r for r in recs if r.code == "low_clicks"]
    assert [r.network for r in clicks] == ["instagram"]  # Facebook's 0.58 % is above 0.5 %
    protected = wb.model_copy(update={"crisis_protocol": CrisisProtocol(
        levels=[CrisisLevel(level=1, triggers=["spike"])])})
    assert "alerts_no_protocol" not in {r.code for r in recommend(protected, today=TODAY)}


def test_rules_on_network_figures():
    months = [date(2026, m, 1) for m in range(7, 11)]
    # LinkedIn: many people reached, hardly any comments; followers falling; rare posts.
    metrics = [cm("linkedin", m, 5000 - 100 * i, 2, 3000, 6000, 200, 1, 20, 30)
               for i, m in enumerate(months)]
    wb = blank_workbook().model_copy(update={"metrics": metrics})
    codes = {r.code for r in recommend(wb, today=TODAY)}
    assert {"low_conversation", "declining_followers", "posting_low", "no_objectives",
            "no_listening", "no_playbook"} <= codes


def test_no_data_is_explicit():
    recs = recommend(blank_workbook(), today=TODAY)
    codes = [r.code for r in recs]
    assert {"no_metrics", "no_objectives", "no_listening"} <= set(codes)
    assert all(r.impact == 0 for r in recs if r.code.startswith("no_") and r.code != "no_playbook")
    stale = recommend(sample_workbook("cafe"), today=date(2027, 6, 1))
    assert "stale_metrics" in {r.code for r in stale}


# --- issue 15: statuses the data can support, readable names, material gaps ----------------


def test_the_t_table_is_students():
    from scipy.stats import t as student

    for df, value in T_CRITICAL.items():
        assert value == pytest.approx(student.ppf(1 - TREND_P / 2, df), abs=1e-3)


def test_a_just_prefilled_noisy_flow_is_no_clear_trend_not_off_track():
    """Six months of 4 to 18 donations: the line through them may fall below the start,
    but the data cannot draw it; the old status was "off track, -416 %"."""
    wb = Workbook.model_validate(prefill_objectives(sample_workbook("ngo", lang="en"),
                                                    today=TODAY))
    flows = [a for a in attainment_all(wb, today=TODAY) if a.metric in ("leads", "conversions")]
    assert flows
    for a in flows:
        assert a.method == "log_ols"  # counts: growth compounds, never below zero
        assert a.status == "no_trend" and a.finding.level == "info"
        for lang in ("es", "en"):
            text = a.finding.message(lang)
            assert not re.search(r"-\d+[.,]\d\s?%", text), text
        assert "no clear trend yet" in a.finding.message("en")
        assert "its lowest month was" in a.finding.message("en")  # the reason: the months' range
    recs = recommend(wb, today=TODAY)
    assert not [r for r in recs if r.code.startswith("objective_")]


def test_a_steady_trend_still_judges_and_noise_does_not():
    months = [date(2026, m, 1) for m in range(1, 7)]
    assert trend_supported([(m, 100 * 1.03 ** i) for i, m in enumerate(months)], "followers")
    assert trend_supported([(m, 50.0) for m in months], "leads")  # flat and steady: a trend
    assert not trend_supported(list(zip(months, [11, 18, 4, 4, 11, 16], strict=True)),
                               "conversions")
    assert not trend_supported([(m, 5.0) for m in months[:2]], "leads")


def test_one_net_sentiment_measurement_is_too_soon_not_off_track():
    wb = with_summary(sample_workbook("ngo"), net_sentiment=-0.19)
    goal = objective("net_sentiment", baseline=-0.19, target=0.0)
    a = attainment(goal, wb, today=TODAY)
    assert a.progress == 0 and a.status == "no_trend"
    assert a.finding.message_key == "evaluation.msg.attainment_too_few"
    assert "too soon" in a.finding.message("en") and "1 of the 3 measurements" in a.finding.message("en")
    reached = attainment(objective("net_sentiment", baseline=-0.19, target=-0.3 + 0.4), with_summary(
        sample_workbook("ngo"), net_sentiment=0.3), today=TODAY)
    assert reached.status == "on_track"  # already there: no trend needed


def test_an_objective_moving_away_is_said_to_move_away_in_its_recommendation():
    wb = sample_workbook("saas", lang="en")
    last = max((r for r in wb.metrics if r.network == "x"), key=lambda r: r.month)
    o = Objective(id="x-followers", metric="followers", network="x", baseline=last.followers,
                  target=last.followers + 45, deadline=date(2027, 5, 24),
                  goal_id=wb.profile.goals[0].id)
    wb = wb.model_copy(update={"objectives": [o]})
    rec = next(r for r in recommend(wb, today=TODAY) if r.code.startswith("objective_"))
    assert rec.code == "objective_backwards"
    for lang in ("es", "en"):
        text = rec.finding.message(lang)
        assert not re.search(r"-\d+[.,]\d\s?%", text) and "x-followers" not in text, text
        assert text.startswith(("“" + objective_title(o, lang), "«" + objective_title(o, lang)))
    assert "moves away from the target" in rec.finding.message("en")
    assert objective_title(o, "es") == "Seguidores en X" and objective_title(o, "en") == (
        "Followers on X")


@pytest.mark.parametrize("org", list_organizations())
def test_no_recommendation_on_a_gap_a_reader_cannot_see(org):
    """0.05 % against a median of 0.06 %, followers down 0.3 % in a quarter: not material."""
    from cmtraining.evaluation.recommendations import TRIVIAL_GAP

    for r in recommend(sample_workbook(org), today=TODAY):
        assert r.gap is None or r.gap >= TRIVIAL_GAP
        if r.code == "low_engagement":
            p = r.finding.params
            assert p["rate"].render("en") != p["median"].render("en"), r.finding.message("en")
    cafe = {(r.code, r.network) for r in recommend(sample_workbook("cafe"), today=TODAY)}
    assert ("declining_followers", "facebook") not in cafe
    assert ("low_engagement", "facebook") not in cafe


def test_no_posting_advice_the_content_plan_already_follows():
    wb = sample_workbook("ngo", lang="en")  # LinkedIn: 0.5 posts a week in its history
    assert ("posting_low", "linkedin") in {(r.code, r.network) for r in recommend(wb, today=TODAY)}
    plan = wb.content_plan.model_copy(update={"posts_per_week": {"linkedin": 2}})
    planned = wb.model_copy(update={"content_plan": plan})
    assert ("posting_low", "linkedin") not in {(r.code, r.network)
                                               for r in recommend(planned, today=TODAY)}


# --- issue 19 (sweep finding 2): the metrics file explained in the reader's language -----------


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_headers_the_help_shows_are_the_ones_the_importer_reads(lang):
    """Each column the help names, typed as shown, is read: a file headed in Spanish imports."""
    from cmtraining.evaluation.metrics_csv import column_guide

    guide = column_guide(lang)
    headers = [header for header, _ in guide]
    if lang == "es":
        assert headers[:6] == ["red", "mes", "seguidores", "publicaciones", "alcance", "impresiones"]
        assert all("reach" not in what and "followers" not in what for _, what in guide)
    values = GOOD[1].split(",")
    rows = read_metrics_csv(csv_bytes([",".join(headers), ",".join(values)]))
    assert (rows[0].network, rows[0].followers) == ("instagram", 1200)


def test_the_spanish_help_names_columns_in_spanish_with_the_headers_as_code():
    from cmtraining.apps.evaluation import csv_guide

    spanish, english = csv_guide("es").value, csv_guide("en").value
    assert "<code>alcance</code>" in spanish and "<code>fecha</code>" not in spanish
    assert "cuentas distintas" in spanish
    # English names only in the sentence saying they also work
    listed = spanish.split("</ul>")[0]
    assert not any(word in listed for word in ("reach", "impressions", "link_clicks", "followers"))
    assert "<code>reach</code>" in english and "alcance" in english.split("</ul>")[1]


def test_a_spanish_file_with_a_missing_column_is_told_in_spanish():
    spanish = ["Red;Mes;Seguidores;Publicaciones;Impresiones;Reacciones;Comentarios;Clics",
               "Instagram;2026-01;1.200;10;2.000;50;5;8"]
    with pytest.raises(MetricsFileError) as info:
        read_metrics_csv(csv_bytes(spanish), source="mías.csv")
    assert "alcance, compartidos" in info.value.message("es")
    assert "reach, shares" in info.value.message("en")
    empty = ["Red;Mes;Seguidores;Publicaciones;Alcance;Impresiones;Reacciones;Comentarios;"
             "Compartidos;Clics", "Instagram;2026-01;1.200;10;900;2.000;;5;2;8"]
    with pytest.raises(MetricsFileError) as info:
        read_metrics_csv(csv_bytes(empty), source="mías.csv")
    assert "«Reacciones»" in info.value.message("es")  # the column as the file heads it


@given(net=st.floats(min_value=-1, max_value=1, allow_nan=False))
@settings(max_examples=60, deadline=None)
def test_the_sentiment_advice_uses_the_listening_pages_own_bands(net):
    """At -3 % the listening page said «divididas» while the evaluation said «actuar»: one band."""
    wb = with_summary(sample_workbook("cafe"), positive=40, negative=45, net_sentiment=net)
    found = [r.finding for r in recommend(wb, today=TODAY) if r.code == "negative_sentiment"]
    if net >= 0:
        assert not found
        return
    (finding,) = found
    split = kpis.tone_level(net) == "warning"
    assert finding.level == ("warning" if split else "error")
    assert finding.message_key.endswith(".msg_split" if split else ".msg")
    assert ("divididas" in finding.message("es")) == split
