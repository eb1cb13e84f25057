"""The coherence engine (issue 15, part 2): prefilled samples hold together, and each
contradiction is flagged on a workbook built to have it."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cmtraining.core.stages import STAGES
from cmtraining.crisis.protocol import default_protocol
from cmtraining.crisis.status import current, incidents
from cmtraining.evaluation.coherence import check, evaluate_recommendations, for_stage
from cmtraining.evaluation.recommendations import TRIVIAL_GAP, _rec, recommend
from cmtraining.planning.goals import goal_kind
from cmtraining.planning.prefill import share_hours
from cmtraining.runtime.journey_run import stage_parameters
from cmtraining.samples.organizations import list_organizations, sample_workbook
from cmtraining.workbook.models import (
    CalendarEntry,
    NetworkRole,
    Objective,
    Pillar,
    SpikeAlert,
    Workbook,
)

TODAY = date(2026, 11, 23)


def prefilled(org: str, lang: str, tmp_path, monkeypatch) -> Workbook:
    """What `cmtraining run <org>` prefills: every stage's session with `prefill True`."""
    from cmtraining.runtime.session import open_session
    from cmtraining.workbook.store import load, save

    monkeypatch.setenv("CMTRAINING_TODAY", TODAY.isoformat())
    path = tmp_path / f"{org}-{lang}.yaml"
    save(sample_workbook(org, lang=lang), path, lang=lang, touch=False)
    for stage in STAGES:
        open_session(stage.notebook, **stage_parameters(stage.notebook, workbook=path, lang=lang,
                                                        seed=1, prefill=True))
    return load(path, lang=lang)


def codes(wb, **kw) -> list[str]:
    return [f.code for f in check(wb, as_of=TODAY, **kw)]


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("org", list_organizations())
def test_every_prefilled_sample_holds_together(org, lang, tmp_path, monkeypatch):
    wb = prefilled(org, lang, tmp_path, monkeypatch)
    findings = check(wb, as_of=TODAY)
    assert [f.message(lang) for f in findings if not f.ok] == []
    # each goal is served, by a metric of its kind, on a chosen network with hours
    hours = {r.network: r.hours_per_week for r in wb.networks}
    assert {o.goal_id for o in wb.objectives} == {g.id for g in wb.profile.goals}
    for o in wb.objectives:
        assert o.network is None or hours[o.network] > 0
    assert sum(hours.values()) == pytest.approx(wb.resources.hours_per_week)
    assert all(o.metric != "followers" for o in wb.objectives if o.goal_id in (
        "volunteers", "donors", "pipeline", "hiring", "preorders", "new_members"))
    # recommendations never advise posting on a dropped network
    for rec in recommend(wb, today=TODAY):
        assert rec.network is None or rec.network in hours or rec.code == "reconsider_network"
    for f in findings:  # every finding renders in both languages
        assert "{" not in f.message("es") + f.message("en") + f.rule("es") + f.rule("en")


def test_samples_incident_shows_as_the_current_protocol_level(tmp_path, monkeypatch):
    wb = prefilled("ngo", "es", tmp_path, monkeypatch)
    status = current(wb, as_of=TODAY, lang="es")
    # 4 days (questions and spam no longer read as negative); the incident days' own net
    # sentiment reaches level 4 by its trigger
    assert status.open and len(status.alert_days) == 4 and status.number == 4
    assert status.by_trigger
    assert status.owner and any("comunicado de espera" in a for a in status.actions)
    assert [f.code for f in for_stage(wb, "crisis", as_of=TODAY)] == ["coherence.crisis.current_level"]
    listening = for_stage(wb, "listening", as_of=TODAY)
    assert [f.code for f in listening] == ["coherence.listening.open_incident"]


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_incident_is_levelled_by_its_own_days_and_agrees_with_the_response_stage(
        tmp_path, monkeypatch, lang):
    """The café's incident days (net sentiment about -52 %) are far worse than the period's
    (-3 %, diluted by a quiet month): the level is read from them, and its owner is whom the
    response stage escalates a possible crisis to."""
    from cmtraining.crisis.status import incident_sentiment

    wb = prefilled("cafe", lang, tmp_path, monkeypatch)
    status = current(wb, as_of=TODAY, lang=lang)
    days = [a for a in wb.listening.alerts if a.day in set(status.alert_days)]
    assert all(a.positive is not None and a.mentions for a in days)
    own = incident_sentiment(days, wb.listening.summary)
    assert own < -0.4 < wb.listening.summary.net_sentiment
    assert status.by_trigger and status.number == 3
    route = {e.trigger: e.to for e in wb.response_playbook.escalation}["crisis_signal"]
    assert status.owner == route
    # an alert saved before the days' figures were kept falls back on the period's
    old = [a.model_copy(update={"positive": None}) for a in days]
    assert incident_sentiment(old, wb.listening.summary) == wb.listening.summary.net_sentiment


def test_the_open_incident_says_how_many_of_the_periods_alert_days_it_holds():
    """The listening summary counts every alert day; the incident only its latest run."""
    from cmtraining.workbook.sections_response import SpikeAlert

    wb = ngo()
    days = [date(2026, 10, 3), date(2026, 10, 28), date(2026, 10, 29), date(2026, 10, 30)]
    wb.listening.alerts = [SpikeAlert(day=d, negative=30, expected=5.0, threshold=12.0)
                          for d in days]
    [incident] = for_stage(wb, "listening", as_of=date(2026, 10, 31))
    assert "3 of the period's 4 alert days" in incident.message("en")
    assert "3 de los 4 días con alerta del periodo" in incident.message("es")


# --- one workbook per contradiction ------------------------------------------------


def ngo(**update) -> Workbook:
    return sample_workbook("ngo").model_copy(update=update)


def objective(oid, metric, network, goal, baseline=100.0, target=120.0) -> Objective:
    return Objective(id=oid, metric=metric, network=network, baseline=baseline, target=target,
                     deadline=date(2027, 5, 1), goal_id=goal)


def test_goal_measured_by_followers_alone_is_flagged():
    wb = ngo(objectives=[objective("ig", "followers", "instagram", "volunteers"),
                         objective("fb", "followers", "facebook", "donors"),
                         objective("reach", "reach", "facebook", "awareness")])
    found = [f for f in check(wb) if f.code == "coherence.objectives.goal_unmeasured"]
    assert [f.value for f in found] == ["volunteers", "donors"]
    assert "Leads" in found[0].message("en") and "Seguidores" in found[0].message("es")
    fixed = ngo(objectives=[objective("ig", "leads", "instagram", "volunteers", 9, 11),
                            objective("fb", "conversions", "facebook", "donors", 5, 6),
                            objective("reach", "reach", "facebook", "awareness")])
    assert "coherence.objectives.goal_unmeasured" not in codes(fixed)


def test_goal_without_objective_is_flagged():
    wb = ngo(objectives=[objective("ig", "leads", "instagram", "volunteers", 9, 11)])
    assert [f.value for f in check(wb) if f.code.endswith("goal_without_objective")] == [
        "donors", "awareness"]


@pytest.mark.parametrize("text, kind", [
    ("Sumar 60 personas voluntarias nuevas", "lead"),
    ("Generate 120 qualified demo requests per quarter.", "lead"),
    ("Aumentar un 20 % los socios y socias con cuota mensual.", "conversion"),
    ("Hire 15 engineers in Cork and Madrid this year.", "conversion"),
    ("Cut customer churn below 6% a year with better onboarding content.", "retention"),
    ("Mantener una valoración media de 4,6 o más en las reseñas.", "reputation"),
    ("Dar a conocer el programa en los centros educativos.", "awareness"),
    ("Celebrar el aniversario", None),
])
def test_goal_kind(text, kind):
    assert goal_kind(text) == kind


def test_objective_on_a_dropped_network_or_without_hours_is_flagged():
    wb = ngo(objectives=[objective("x", "reach", "x", "awareness"),
                         objective("li", "reach", "linkedin", "awareness")],
             networks=[NetworkRole(network="linkedin", role="announcements", hours_per_week=0),
                       NetworkRole(network="instagram", role="community", hours_per_week=6)])
    found = {f.code: f for f in check(wb)}
    assert found["coherence.objectives.network_dropped"].value == "x"
    assert found["coherence.objectives.network_no_hours"].value == "linkedin"
    assert found["coherence.audiences.no_hours"].value == "linkedin"
    assert "LinkedIn" in found["coherence.audiences.no_hours"].message("es")


@settings(deadline=None)
@given(st.lists(st.floats(0, 20).map(lambda h: round(h * 2) / 2), min_size=1, max_size=4),
       st.floats(0, 40).map(lambda h: round(h * 2) / 2))
def test_hours_add_up_to_capacity(hours, capacity):
    nets = ["facebook", "instagram", "linkedin", "x"][:len(hours)]
    wb = ngo(networks=[NetworkRole(network=n, role="announcements", hours_per_week=h)
                       for n, h in zip(nets, hours, strict=True)])
    wb = wb.model_copy(update={"resources": wb.resources.model_copy(
        update={"hours_per_week": capacity})})
    found = {f.code for f in for_stage(wb, "audiences")}
    assert ("coherence.audiences.hours_over" in found) == (sum(hours) > capacity)
    spare = capacity - sum(hours)
    assert ("coherence.audiences.hours_under" in found) == (spare > max(0.5, 0.1 * capacity))


@given(st.dictionaries(st.sampled_from(["facebook", "instagram", "linkedin", "x", "youtube"]),
                       st.floats(0.1, 10), min_size=1),
       st.integers(1, 80).map(lambda n: n / 2))
def test_share_hours_adds_up_exactly(need, capacity):
    out = share_hours(capacity, need)
    assert set(out) == set(need) and all(h >= 0.5 for h in out.values())
    if capacity >= 0.5 * len(need):
        assert sum(out.values()) == pytest.approx(capacity)


def calendar_wb(entries: dict[str, int], hours: dict[str, float]) -> Workbook:
    days = [date(2026, 12, d) for d in range(1, 29)]
    cal = [CalendarEntry(day=days[i % 28], network=net, pillar="impact")
           for net, n in entries.items() for i in range(n)]
    wb = ngo(networks=[NetworkRole(network=n, role="announcements", hours_per_week=h)
                       for n, h in hours.items()])
    plan = wb.content_plan.model_copy(update={"pillars": [Pillar(id="impact", name="Impact",
                                                                 share=100)], "calendar": cal})
    return wb.model_copy(update={"content_plan": plan, "resources": wb.resources.model_copy(
        update={"hours_per_week": sum(hours.values())})})


def test_calendar_covers_the_chosen_networks_in_proportion():
    found = {f.code: f for f in check(calendar_wb({"linkedin": 8, "x": 4},
                                                  {"linkedin": 3, "instagram": 3}))}
    assert found["coherence.content.network_unplanned"].value == "x"
    assert found["coherence.content.network_missing"].value == "instagram"
    lopsided = check(calendar_wb({"linkedin": 40, "instagram": 2},
                                 {"linkedin": 1, "instagram": 5}))
    assert {f.value for f in lopsided if f.code == "coherence.content.proportion"}
    balanced = codes(calendar_wb({"linkedin": 8, "instagram": 8}, {"linkedin": 2, "instagram": 4}))
    assert not [c for c in balanced if c.startswith("coherence.content")]


# --- recommendations ---------------------------------------------------------------


def test_advice_on_a_dropped_network_is_flagged_and_never_given():
    wb = ngo(networks=[NetworkRole(network="instagram", role="community", hours_per_week=6)])
    advice = _rec("posting_low", "warning", 1.0, 100, "facebook", 0.5)
    found = evaluate_recommendations(wb, [advice], trivial=TRIVIAL_GAP)
    assert [f.code for f in found] == ["coherence.evaluation.dropped_network"]
    recs = recommend(wb, today=TODAY)
    facebook = [r.code for r in recs if r.network == "facebook"]
    assert facebook == ["reconsider_network"]
    message = next(r for r in recs if r.network == "facebook").finding.message("en")
    assert "Facebook is not in the plan" in message and "Reconsider" in message
    before = recommend(sample_workbook("ngo"), today=TODAY)  # no plan yet: advice as before
    assert "reconsider_network" not in [r.code for r in before]


def test_opposite_advice_on_one_network_is_flagged_and_never_given():
    wb = ngo()
    pair = [_rec("posting_low", "warning", 1.0, 100, "x", 0.5),
            _rec("effort_no_return", "warning", 0.1, 100, "x", 0.6)]
    found = evaluate_recommendations(wb, pair, trivial=TRIVIAL_GAP)
    assert [f.code for f in found] == ["coherence.evaluation.contradiction"]
    assert "publicar más" in found[0].message("es") and "move effort away" in found[0].message("en")
    for org in list_organizations():
        by_net: dict = {}
        for r in recommend(sample_workbook(org), today=TODAY):
            by_net.setdefault(r.network, set()).add(r.code)
        assert not any({"posting_low", "effort_no_return"} <= c for c in by_net.values()), org


def test_a_trivial_gap_is_flagged_and_never_recommended():
    wb = ngo()
    tiny = _rec("low_engagement", "warning", 0.000629, 6.5, "facebook", 1 - 0.000629 / 0.00063)
    found = evaluate_recommendations(wb, [tiny], trivial=TRIVIAL_GAP)
    assert [f.code for f in found] == ["coherence.evaluation.trivial"]
    for org in list_organizations():
        for r in recommend(sample_workbook(org), today=TODAY):
            assert r.gap is None or r.gap >= TRIVIAL_GAP, (org, r.code)
    assert not [r for r in recommend(wb, today=TODAY)
                if r.code == "low_engagement" and r.network == "facebook"]


# --- listening alerts and the crisis protocol ---------------------------------------


def with_alerts(wb: Workbook, days: list[date], negative: int = 30) -> Workbook:
    from cmtraining.workbook.models import ListeningSummary

    summary = ListeningSummary(period_start=date(2026, 10, 4), period_end=date(2026, 10, 31),
                               mentions=300, negative=120, positive=60, net_sentiment=-0.33)
    alerts = [SpikeAlert(day=d, negative=negative, expected=3, threshold=9) for d in days]
    return wb.model_copy(update={"listening": wb.listening.model_copy(
        update={"summary": summary, "alerts": alerts})})


LIVE = [date(2026, 10, d) for d in range(27, 32)]


def test_open_alert_without_a_protocol_level_is_flagged():
    wb = with_alerts(ngo(), LIVE)
    found = {f.code: f for f in check(wb, as_of=TODAY)}
    assert found["coherence.crisis.no_level"].level == "error"
    assert "Oct 27, 2026" in found["coherence.crisis.no_level"].message("en")
    status = current(wb, as_of=TODAY)
    assert status.open and status.level is None and status.alert_days == LIVE


def test_open_alert_at_a_level_without_owner_is_flagged():
    wb = with_alerts(ngo(), LIVE)
    protocol = default_protocol(wb, "en")
    levels = [lv.model_copy(update={"owner": ""}) for lv in protocol.levels]
    wb = wb.model_copy(update={"crisis_protocol": protocol.model_copy(update={"levels": levels})})
    assert "coherence.crisis.no_owner" in codes(wb)


def test_open_alert_matches_the_protocol_level_its_figures_reach():
    wb = with_alerts(ngo(), LIVE)
    wb = wb.model_copy(update={"crisis_protocol": default_protocol(wb, "en")})
    status = current(wb, as_of=TODAY, lang="en")
    # net sentiment -0.33 reaches level 2 (-0.25), not level 3 (-0.4)
    assert status.number == 2 and status.by_trigger and status.owner
    assert any("every 60 minutes" in a for a in status.actions)
    assert not [c for c in codes(wb) if c.startswith("coherence.crisis.no_")]


def test_an_old_or_future_alert_is_not_open():
    assert current(with_alerts(ngo(), [date(2026, 10, 5), date(2026, 10, 6)])) is None
    assert current(with_alerts(ngo(), LIVE), as_of=date(2026, 10, 20)) is None
    assert current(ngo()) is None


@given(st.lists(st.integers(0, 60), min_size=1))
def test_incidents_partition_the_alert_days(offsets):
    days = [date(2026, 9, 1).fromordinal(date(2026, 9, 1).toordinal() + o) for o in offsets]
    groups = incidents(days)
    assert sorted(d for g in groups for d in g) == sorted(set(days))
    for a, b in zip(groups, groups[1:], strict=False):
        assert (b[0] - a[-1]).days > 2


# --- the stage apps show their stage's findings --------------------------------------


def test_stage_apps_show_their_coherence_findings_and_redraw_on_save(workspace):
    from cmtraining.apps.audiences import build_app as audiences
    from cmtraining.apps.objectives import build_app as objectives
    from cmtraining.runtime.session import open_session
    from cmtraining.runtime.workspace import create_workbook
    from cmtraining.workbook import update

    entry = create_workbook("Ana", "ngo", lang="en")
    update(entry.path, lambda wb: {**wb.model_dump(), "objectives": [
        objective("ig", "followers", "instagram", "volunteers").model_dump()]})
    app = objectives(open_session("01-objectives", workbook=entry.id, lang="en"), today=TODAY)
    panel = next(c for c in app.children if "cm-coherence" in c._dom_classes)
    assert "coherence.objectives.goal_unmeasured" in panel.value and "Leads" in panel.value
    assert app.set_item("objectives", 0, objective("ig", "leads", "instagram", "volunteers",
                                                   9, 11).model_dump(mode="json"))
    assert "goal_unmeasured" not in panel.value and "goal_without_objective" in panel.value
    nets = audiences(open_session("02-audiences-networks", workbook=entry.id, lang="en"))
    box = next(c for c in nets.children if "cm-coherence" in c._dom_classes)
    assert box.value == ""  # no networks chosen yet: nothing to contradict


def test_objectives_app_opens_on_a_prefilled_workbook_with_goal_actions(workspace):
    from cmtraining.apps.objectives import build_app as objectives
    from cmtraining.planning.prefill import prefill_objectives
    from cmtraining.runtime.session import open_session
    from cmtraining.runtime.workspace import create_workbook
    from cmtraining.workbook import update

    entry = create_workbook("Ana", "saas", lang="en")
    update(entry.path, lambda wb: prefill_objectives(wb, today=TODAY))
    app = objectives(open_session("01-objectives", workbook=entry.id, lang="en"), today=TODAY)
    metrics = [card.metric.value for card in app.cards.children]
    assert "leads" in metrics and "conversions" in metrics


def test_listening_and_crisis_apps_show_the_open_incident(tmp_path, monkeypatch):
    from cmtraining.apps.crisis import build_app as crisis
    from cmtraining.apps.listening import build_app as listening
    from cmtraining.runtime.session import open_session
    from cmtraining.workbook.store import load

    prefilled("ngo", "en", tmp_path, monkeypatch)
    path = str(tmp_path / "ngo-en.yaml")

    def panel(app):
        return next(c for c in app.children if "cm-coherence" in c._dom_classes).value

    heard = panel(listening(open_session("00-listening", workbook=path, lang="en"),
                            defer_charts=True))
    assert "coherence.listening.open_incident" in heard and "Oct 28, 2026" in heard
    protocol = panel(crisis(open_session("05-crisis", workbook=path, lang="en"), debrief_runs=2))
    owner = next(e.to for e in load(path, lang="en").response_playbook.escalation
                 if e.trigger == "crisis_signal")
    assert "coherence.crisis.current_level" in protocol and f"Owner: {owner}" in protocol


METRICS = ["followers", "reach", "leads", "conversions", "link_clicks", "net_sentiment"]


@settings(deadline=None)  # the first example loads the goal kinds
@given(st.lists(st.tuples(st.sampled_from(["volunteers", "donors", "awareness"]),
                          st.sampled_from(METRICS)), max_size=6))
def test_a_goal_is_flagged_exactly_when_no_objective_can_measure_it(pairs):
    from cmtraining.planning.goals import metrics_for

    objectives = [objective(f"o{i}", metric, None, goal, 1, 2)
                  for i, (goal, metric) in enumerate(pairs)]
    found = for_stage(ngo(objectives=objectives), "objectives")
    for goal in sample_workbook("ngo").profile.goals:
        mine = [m for g, m in pairs if g == goal.id]
        unmeasured = any(f.value == goal.id for f in found if f.code.endswith("goal_unmeasured"))
        missing = any(f.value == goal.id for f in found if f.code.endswith("goal_without_objective"))
        assert missing == (not mine)
        assert unmeasured == (bool(mine) and not set(mine) & set(metrics_for(goal_kind(goal.text))))


def test_an_incident_no_trigger_recognises_is_handled_at_the_lowest_level_and_said_so():
    wb = with_alerts(ngo(), LIVE, negative=12)
    summary = wb.listening.summary.model_copy(update={"net_sentiment": -0.05})
    wb = wb.model_copy(update={"listening": wb.listening.model_copy(update={"summary": summary})})
    wb = wb.model_copy(update={"crisis_protocol": default_protocol(wb, "es")})
    status = current(wb, as_of=TODAY, lang="es")
    assert status.number == 1 and not status.by_trigger
    [finding] = for_stage(wb, "crisis", as_of=TODAY)
    assert finding.level == "info" and finding.message_key.endswith("current_level_default")
    assert "Revisa los disparadores" in finding.message("es")


def test_only_net_sentiment_objectives_may_start_below_zero():
    from cmtraining.workbook.validation import WorkbookValidationError, validate_model

    sentiment = objective("tone", "net_sentiment", None, "awareness", -0.19, 0.0)
    assert sentiment.baseline == -0.19
    with pytest.raises(WorkbookValidationError) as caught:
        validate_model(Objective, {**sentiment.model_dump(), "metric": "followers"})
    assert "-0.19" in str(caught.value) and "net sentiment" in caught.value.message("en")


def test_smart_reads_flows_and_net_sentiment_as_such():
    from cmtraining.planning.smart import check_smart, history

    wb = sample_workbook("saas")
    leads = history(wb.metrics, "leads", "linkedin")
    usual = round(sum(leads[-3:]) / 3)

    def finding(letter, o):
        return next(f for f in check_smart(o, wb, today=TODAY) if f.code == f"smart.{letter}")

    for start in (leads[-1], usual):  # the last month or the usual month: both fine
        assert finding("measurable", objective("l", "leads", "linkedin", "pipeline", start,
                                               start + 10)).level == "ok"
    far = objective("l", "leads", "linkedin", "pipeline", 5, 10)
    assert finding("measurable", far).message_key == "planning.smart.msg.measurable_drift"
    calm = objective("s", "net_sentiment", None, "pipeline", -0.2, 0.0)
    assert finding("achievable", calm).message_key == "planning.smart.msg.sentiment_ok"
    rush = objective("s", "net_sentiment", None, "pipeline", -0.2, 0.6)
    assert finding("achievable", rush).level == "warning"
    assert "5" in finding("achievable", rush).message("en")


def test_prefilled_networks_keep_the_networks_objectives_already_use():
    from cmtraining.planning.prefill import prefill_audiences, prefill_objectives

    wb = ngo(objectives=[objective("x", "followers", "x", "awareness")])
    wb = Workbook.model_validate(prefill_objectives(wb, today=TODAY))  # kept: not empty
    assert [o.id for o in wb.objectives] == ["x"]
    wb = Workbook.model_validate(prefill_audiences(wb, lang="en"))
    hours = {r.network: r.hours_per_week for r in wb.networks}
    assert hours["x"] > 0 and sum(hours.values()) == pytest.approx(wb.resources.hours_per_week)
    assert not [c for c in codes(wb) if "network_" in c or "hours" in c]


def test_a_prefilled_cafe_posts_at_weekends():
    """The prefill passes the organization's kind to the calendar (issue 15, part 4)."""
    from datetime import timedelta

    from cmtraining.planning.prefill import prefill_audiences, prefill_content

    wb = sample_workbook("cafe", lang="es")
    wb = Workbook.model_validate(prefill_audiences(wb, lang="es"))
    wb = Workbook.model_validate(prefill_content(wb, lang="es", start=TODAY + timedelta(days=7),
                                                 weeks=4, seed=1))
    days = {e.day.weekday() for e in wb.content_plan.calendar}
    assert days & {5, 6}, sorted(days)


def test_an_incident_holding_every_alert_day_says_so_plainly():
    """"(all 4 alert days of the period)", never "(4 of the period's 4 alert days)"."""
    from cmtraining.workbook.sections_response import SpikeAlert

    wb = ngo()
    days = [date(2026, 10, 28), date(2026, 10, 29), date(2026, 10, 30)]
    wb.listening.alerts = [SpikeAlert(day=d, negative=30, expected=5.0, threshold=12.0)
                          for d in days]
    [incident] = for_stage(wb, "listening", as_of=date(2026, 10, 31))
    assert "(all 3 alert days of the period)" in incident.message("en")
    assert "(los 3 días con alerta del periodo)" in incident.message("es")


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_incidents_level_says_which_trigger_put_it_there(tmp_path, monkeypatch, lang):
    wb = prefilled("cafe", lang, tmp_path, monkeypatch)
    [level] = for_stage(wb, "crisis", as_of=TODAY)
    text = level.message(lang)
    assert {"es": "porque el sentimiento neto de sus días", "en": "because the net sentiment of its days"
            }[lang] in text, text
