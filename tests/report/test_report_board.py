"""The report's board pages (executive summary, 90-day action plan, risks) and its wording.

The engines are pure functions of a Workbook and the evidence `inputs.gather`
collects; the coherence engine and the crisis status are faked here with
monkeypatch, so the rendering is tested before their rules land.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cmtraining.core.findings import Finding
from cmtraining.core.numbers import day, percent
from cmtraining.crisis.status import CrisisStatus
from cmtraining.evaluation.attainment import Share, attainment
from cmtraining.i18n import t
from cmtraining.report import SECTIONS, build_report
from cmtraining.report.action_plan import action_plan
from cmtraining.report.inputs import ReportInputs, gather
from cmtraining.report.risks import risks
from cmtraining.report.summary import executive_summary, priorities
from cmtraining.samples.organizations import sample_workbook
from cmtraining.workbook.models import Objective, Workbook

AS_OF = date(2026, 11, 23)
LANGS = ("es", "en")


class Sections(HTMLParser):
    """Each <section id=...>'s visible text."""

    def __init__(self):
        super().__init__()
        self.text: dict[str, str] = {}
        self.current: str | None = None
        self.header = ""
        self.in_header = False

    def handle_starttag(self, tag, attrs):
        if tag == "section":
            self.current = dict(attrs).get("id")
            self.text[self.current] = ""
        self.in_header = self.in_header or tag == "header"

    def handle_endtag(self, tag):
        if tag == "section":
            self.current = None
        if tag == "header":
            self.in_header = False

    def handle_data(self, data):
        if self.current:
            self.text[self.current] += data
        if self.in_header:
            self.header += data


def sections(html: str) -> Sections:
    parser = Sections()
    parser.feed(html)
    return parser


def prefilled(org: str, lang: str) -> Workbook:
    """A sample organization prepared as `cmtraining run --org` prepares it (engines only)."""
    from cmtraining.crisis.protocol import default_protocol
    from cmtraining.planning.prefill import prefill_audiences, prefill_content, prefill_objectives
    from cmtraining.response.playbook import prefill_response
    from cmtraining.workbook.models import ListeningSummary

    wb = sample_workbook(org, trainee="test", lang=lang)
    wb = Workbook.model_validate(prefill_objectives(wb, today=AS_OF))
    wb = Workbook.model_validate(prefill_audiences(wb, lang=lang))
    wb = Workbook.model_validate(prefill_content(wb, lang=lang, start=AS_OF + timedelta(days=7),
                                                 weeks=4, seed=1))
    wb = Workbook.model_validate(prefill_response(wb))
    source = t("listening.inbox.sample", lang, name=wb.profile.name, seed=1, days=28)
    summary = ListeningSummary(source=source, period_start=date(2026, 10, 4),
                               period_end=date(2026, 10, 31), mentions=293, positive=90,
                               neutral=71, negative=132, net_sentiment=-0.18918,
                               share_of_voice=0.503)
    return wb.model_copy(update={"crisis_protocol": default_protocol(wb, lang),
                                 "listening": wb.listening.model_copy(update={"summary": summary})})


def fake_finding(level: str = "warning") -> Finding:
    # real catalogue keys without parameters stand in for the coherence engine's messages
    return Finding(code="coherence.objectives.goal_unmeasured", level=level,
                   rule_key="report.footer", message_key="report.board.priority.none")


def with_objective(wb: Workbook, network: str, *, grow: float, oid: str | None = None,
                   deadline: date = date(2027, 5, 24)) -> Workbook:
    """`wb` plus a followers objective on `network` set today at its last value, aiming
    `grow` times higher: far above its trend it is off track, within it on track at 0 %."""
    last = max((r for r in wb.metrics if r.network == network), key=lambda r: r.month)
    goal = wb.profile.goals[0].id
    o = Objective(id=oid or f"{network}-followers", metric="followers", network=network,
                  baseline=last.followers, target=round(last.followers * grow),
                  deadline=deadline, goal_id=goal)
    return wb.model_copy(update={"objectives": [*wb.objectives, o]})


def open_incident(wb: Workbook, lang: str) -> CrisisStatus:
    return CrisisStatus(open=True, alert_days=[date(2026, 11, 20), date(2026, 11, 21)],
                        level="2", actions=[wb.crisis_protocol.level(2).holding_statement[lang],
                                            "Check mentions every 30 minutes"])


@pytest.fixture
def fakes(monkeypatch):
    """Fake coherence.check and status.current with the signatures the report calls."""
    calls = {}

    def install(findings=(), status=None):
        def check(wb, *, as_of=None):
            calls["check"] = as_of
            return list(findings)

        def current(wb, *, as_of=None, lang=None):
            calls["current"] = (as_of, lang)
            return status

        monkeypatch.setattr("cmtraining.evaluation.coherence.check", check)
        monkeypatch.setattr("cmtraining.crisis.status.current", current)
        return calls

    return install


# --- numbers: one way everywhere ---------------------------------------------------------


@settings(deadline=None)  # no timing in tests: a loaded machine is not a failure
@given(st.floats(min_value=-50, max_value=50, allow_nan=False), st.sampled_from(LANGS))
def test_attainment_percentages_are_written_by_the_one_writer(value, lang):
    assert Share(value).render(lang) == percent(value, lang, small=True)


def test_net_sentiment_reads_the_same_in_the_recommendation_and_the_listening_table():
    wb = prefilled("ngo", "es")
    html = build_report(wb, lang="es", as_of=AS_OF)
    assert "-18,9\u00a0%" in html and "-18,92" not in html


def test_on_track_at_zero_progress_says_it_rests_on_the_trend():
    wb = sample_workbook("saas", lang="en")
    last = max((r for r in wb.metrics if r.network == "bluesky"), key=lambda r: r.month)
    o = Objective(id="bluesky-followers", metric="followers", network="bluesky",
                  baseline=last.followers, target=round(last.followers * 1.2),
                  deadline=date(2027, 5, 24))
    a = attainment(o, wb, today=AS_OF)
    assert a.status == "on_track" and a.progress == 0
    text = a.finding.message("en")
    assert "no progress yet" in text and "trend" in text and "still the baseline" in text


def test_a_projection_going_backwards_is_not_a_negative_share_of_the_way():
    wb = sample_workbook("saas", lang="en")
    last = max((r for r in wb.metrics if r.network == "x"), key=lambda r: r.month)
    o = Objective(id="x-followers", metric="followers", network="x", baseline=last.followers,
                  target=last.followers + 45, deadline=date(2027, 5, 24))
    a = attainment(o, wb, today=AS_OF)
    assert a.status == "off_track" and a.projected_progress < 0
    for lang in LANGS:
        text = a.finding.message(lang)
        assert not re.search(r"-\d+[.,]\d+\s?%", text), text
    assert "moving away from the target" in a.finding.message("en")


# --- executive summary ---------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_summary_has_three_sentences_three_priorities_and_numbers(fakes, lang):
    fakes()
    wb = prefilled("saas", lang)
    summary = executive_summary(wb, lang, gather(wb, as_of=AS_OF, lang=lang))
    assert len(summary.situation) == 3 and all(s.endswith(".") for s in summary.situation)
    followers = sum(max((r for r in wb.metrics if r.network == n), key=lambda r: r.month).followers
                    for n in {r.network for r in wb.metrics})
    assert f"{followers:,}".replace(",", "." if lang == "es" else ",") in summary.situation[0]
    assert str(len(wb.objectives)) in summary.situation[2]
    assert len(summary.priorities) == 3
    assert len(summary.success) == len(wb.objectives)
    assert all(day(o.deadline, lang) in line.text
               for o, line in zip(wb.objectives, summary.success, strict=True))


def test_priorities_put_the_open_incident_first_and_take_one_of_each_kind_first():
    wb = prefilled("ngo", "en")
    base = gather(wb, as_of=AS_OF, lang="en")
    inputs = ReportInputs(as_of=AS_OF, attainments=base.attainments,
                          coherence=[fake_finding("error"), fake_finding("warning")],
                          crisis=open_incident(wb, "en"), protocol_gaps=[],
                          recommendations=base.recommendations)
    chosen = priorities(wb, "en", inputs)
    assert [p.kind for p in chosen][:2] == ["incident", "coherence"]
    assert len({p.kind for p in chosen}) == 3
    assert "Protocol level 2" in chosen[0].detail


def test_a_blank_workbook_says_which_stage_to_do_first():
    wb = sample_workbook("cafe", lang="es")
    wb = wb.model_copy(update={"metrics": []})
    summary = executive_summary(wb, "es", ReportInputs(as_of=AS_OF))
    assert "etapa de Escucha" in summary.situation[1]
    assert "etapa de Objetivos" in summary.situation[2]
    assert [p.kind for p in summary.priorities] == ["stage"] * 3
    assert summary.success == [] and "etapa de Objetivos" in summary.success_empty


# --- 90-day action plan ---------------------------------------------------------------------


def test_action_plan_owners_dates_and_hours_come_from_the_workbook():
    wb = prefilled("saas", "en")
    data = wb.model_dump()
    data["informants"][0]["person"] = "Aoife Byrne"
    data["advocates"] = [{"person": "Diego Ruiz", "department": "Sales", "how": "shares demos"}]
    data["networks"][0]["hours_per_week"] = 3.5
    data["objectives"][0]["deadline"] = (AS_OF + timedelta(days=45)).isoformat()
    data["objectives"][0]["owner"] = "Head of growth"
    wb = Workbook.model_validate(data)
    plan = action_plan(wb, "en", ReportInputs(as_of=AS_OF))
    assert plan.start == AS_OF and plan.end == AS_OF + timedelta(days=90)
    by_kind = {}
    for a in plan.actions:
        by_kind.setdefault(a.kind, []).append(a)
        assert AS_OF <= a.start <= a.due <= plan.end, a
    assert by_kind["informant"][0].owner == f"Aoife Byrne ({wb.informants[0].department})"
    assert by_kind["advocate"][0].owner == "Diego Ruiz (Sales)"
    assert "shares demos" in by_kind["advocate"][0].what
    assert by_kind["network"][0].hours == "3.5 h/week"
    deadline = [a for a in by_kind["objective"] if a.due == AS_OF + timedelta(days=45)]
    assert deadline and deadline[0].owner == "Head of growth"
    calendar = by_kind["calendar"][0]
    assert calendar.start == min(e.day for e in wb.content_plan.calendar)
    capacity = f"{wb.resources.hours_per_week:g}"  # the team's hours, as the prefill set them
    assert f"3.5 of the {capacity} available" in plan.hours
    assert "networks (LinkedIn)" in plan.hours  # named, never "the plan's 1 networks"
    assert [a.due for a in plan.actions] == sorted(a.due for a in plan.actions)


def test_the_open_incident_is_the_first_action_owned_by_its_level():
    wb = prefilled("ngo", "es")
    inputs = ReportInputs(as_of=AS_OF, crisis=open_incident(wb, "es"))
    plan = action_plan(wb, "es", inputs)
    first = plan.actions[0]
    assert first.kind == "incident" and first.due == AS_OF
    assert first.owner == wb.crisis_protocol.level(2).owner
    assert "Nivel 2" in first.what and "30 minutes" in first.what
    assert ".." not in first.what and ".;" not in first.what  # no doubled full stops


def test_protocol_gaps_are_an_action_within_two_weeks():
    wb = prefilled("cafe", "en")
    wb = wb.model_copy(update={"crisis_protocol": wb.crisis_protocol.model_copy(
        update={"dark_site_plan": "", "contacts": []})})
    inputs = gather(wb, as_of=AS_OF, lang="en")
    assert inputs.protocol_gaps
    plan = action_plan(wb, "en", inputs)
    gaps = [a for a in plan.actions if a.kind == "protocol"]
    assert gaps and gaps[0].due == AS_OF + timedelta(days=14)
    assert str(len(inputs.protocol_gaps)) in gaps[0].what


# --- risks ------------------------------------------------------------------------------------


def test_risks_list_the_incident_the_protocol_gaps_and_the_coherence_findings():
    wb = prefilled("library", "en")
    inputs = ReportInputs(as_of=AS_OF, coherence=[fake_finding()],
                          crisis=open_incident(wb, "en"))
    r = risks(wb, "en", inputs)
    assert r.incident is not None and "Nov 20, 2026" in r.incident.message
    assert r.coherence[0].message == t("report.board.priority.none", "en")
    none = risks(wb, "en", ReportInputs(as_of=AS_OF))
    assert none.incident is None and "Nov 23, 2026" in none.incident_none
    blank = wb.model_copy(update={"crisis_protocol": type(wb.crisis_protocol)()})
    assert risks(blank, "en", ReportInputs(as_of=AS_OF)).protocol[0].code == "protocol.missing"


# --- the whole report, with the engines faked -------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_report_renders_coherence_and_the_current_crisis_level(fakes, lang):
    wb = prefilled("ngo", lang)
    calls = fakes([fake_finding()], open_incident(wb, lang))
    html = build_report(wb, lang=lang, as_of=AS_OF)
    assert calls == {"check": AS_OF, "current": (AS_OF, lang)}
    text = sections(html).text
    assert list(text)[:3] == ["summary", "action_plan", "risks"]
    assert t("report.board.priority.none", lang) in text["risks"]
    assert t("report.board.crisis.open", lang, level="2") in text["crisis"]
    assert "Check mentions every 30 minutes" in text["crisis"]
    assert t("report.board.priority.incident", lang) in text["summary"]


@pytest.mark.parametrize("lang", LANGS)
def test_report_says_there_is_no_incident_when_the_status_says_so(fakes, lang):
    fakes()
    html = build_report(prefilled("cafe", lang), lang=lang, as_of=AS_OF)
    text = sections(html).text
    assert t("report.board.risk.no_incident", lang, date=day(AS_OF, lang)) in text["crisis"]
    assert t("report.board.risk.coherent", lang) in text["risks"]


# --- wording a reader would stumble on --------------------------------------------------------

INTERNAL = ("semilla", "seed", "escribe aquí la idea", "write the idea here", "00-profile",
            "Etapas ejecutadas", "Stages run")


@pytest.mark.parametrize("org", ("ngo", "cafe", "library", "saas"))
@pytest.mark.parametrize("lang", LANGS)
def test_every_sample_gets_the_board_sections_without_internal_wording(fakes, org, lang):
    fakes()
    html = build_report(prefilled(org, lang), lang=lang, as_of=AS_OF,
                        ran=["00-profile", "00-listening"], skipped=["07-self-assessment"],
                        generated=datetime(2026, 11, 23, 9, 0))
    parsed = sections(html)
    assert list(parsed.text) == list(SECTIONS)
    for name in ("summary", "action_plan", "risks"):
        assert parsed.text[name].strip(), name
    words = {"es": ("Resumen ejecutivo", "Plan de acción a 90 días", "Responsable"),
             "en": ("Executive summary", "90-day action plan", "Owner")}[lang]
    assert all(w in html for w in words)
    visible = "".join(parsed.text.values()) + parsed.header
    for phrase in INTERNAL:
        assert phrase not in visible, phrase
    assert not re.search(r"\{(metric|where|target|org|n)\}", visible)
    assert t("common.stage.self_assessment", lang) in parsed.header
    assert re.findall(r"-?\d+[.,]\d{2,}\s?%", parsed.text["summary"]) == []


@pytest.mark.parametrize("lang", LANGS)
def test_an_empty_section_says_which_stage_fills_it(lang):
    wb = sample_workbook("cafe", lang=lang).model_copy(update={"metrics": []})
    text = sections(build_report(wb, lang=lang, as_of=AS_OF)).text
    stage = {"es": "En la etapa de", "en": "In the"}[lang]
    for name in ("listening", "objectives", "audiences", "content", "response", "crisis", "kpis",
                 "self_assessment"):
        assert stage in text[name], (name, text[name])


@pytest.mark.parametrize("lang", LANGS)
def test_on_track_at_zero_progress_shows_its_reason_wherever_the_status_shows(fakes, lang):
    fakes()
    wb = with_objective(prefilled("saas", lang), "linkedin", grow=1.05)
    inputs = gather(wb, as_of=AS_OF, lang=lang)
    started = [a.objective_id for a in inputs.attainments
               if a.status == "on_track" and a.progress == 0]
    assert started == ["linkedin-followers"]  # set today at today's value, the trend reaches it
    lines = {line.objective: line for line in executive_summary(wb, lang, inputs).success}
    for objective in started:
        assert lines[objective].note == t("report.board.trend_note", lang)
    html = build_report(wb, lang=lang, as_of=AS_OF)
    for objective in started:
        row = re.search(rf'<tr data-objective="{objective}">(.*?)</tr>', html, re.S).group(1)
        assert t("report.board.trend_note", lang) in row


def test_no_open_incident_still_names_the_last_spike_of_the_listening_audit():
    from cmtraining.workbook.models import SpikeAlert

    wb = prefilled("ngo", "en")
    alerts = [SpikeAlert(day=date(2026, 10, d), negative=20, expected=3, threshold=9)
              for d in (30, 31)]
    wb = wb.model_copy(update={"listening": wb.listening.model_copy(update={"alerts": alerts})})
    text = risks(wb, "en", ReportInputs(as_of=AS_OF)).incident_none
    assert "Nov 23, 2026" in text and "Oct 31, 2026" in text


@pytest.mark.parametrize("lang, blank", [("es", "[nombre]"), ("en", "[name]")])
def test_reply_templates_show_named_blanks_not_code(fakes, lang, blank):
    fakes()
    text = sections(build_report(prefilled("ngo", lang), lang=lang, as_of=AS_OF)).text
    assert blank in text["response"] and "{name}" not in text["response"]


@pytest.mark.parametrize("lang, one", [("es", "1 publicación por semana"), ("en", "1 post a week")])
def test_one_post_a_week_is_singular(lang, one):
    wb = prefilled("library", lang)
    net = wb.networks[0].network
    plan = wb.content_plan.model_copy(update={"posts_per_week": {net: 1}})
    wb = wb.model_copy(update={"content_plan": plan})
    actions = [a for a in action_plan(wb, lang, ReportInputs(as_of=AS_OF)).actions
               if a.kind == "network"]
    assert one in actions[0].what


_PREPARED: dict = {}


def prepared(org: str, lang: str) -> Workbook:
    if (org, lang) not in _PREPARED:
        _PREPARED[(org, lang)] = prefilled(org, lang)
    return _PREPARED[(org, lang)]


@settings(deadline=None)  # no timing in tests: a loaded machine is not a failure
@given(as_of=st.dates(min_value=date(2024, 1, 1), max_value=date(2029, 12, 31)),
       org=st.sampled_from(("ngo", "cafe", "library", "saas")), lang=st.sampled_from(LANGS),
       incident=st.booleans())
def test_any_date_gives_a_plan_inside_its_window_and_a_three_sentence_situation(
        as_of, org, lang, incident):
    from cmtraining.evaluation.attainment import attainment_all

    wb = prepared(org, lang)
    inputs = ReportInputs(as_of=as_of, attainments=attainment_all(wb, today=as_of),
                          crisis=open_incident(wb, lang) if incident else None)
    plan = action_plan(wb, lang, inputs)
    for a in plan.actions:
        assert as_of <= a.start <= a.due <= plan.end and a.owner.strip() and a.what.strip()
    rest = [a for a in plan.actions if a.kind != "incident"]
    assert [a.due for a in rest] == sorted(a.due for a in rest)
    assert (plan.actions[0].kind == "incident") == incident
    summary = executive_summary(wb, lang, inputs)
    assert len(summary.situation) == 3 and len(summary.priorities) <= 3
    # an objective in trouble or not measured is a priority; "no clear trend yet" is not
    if incident or any(a.status in ("missed", "off_track", "at_risk", "no_data")
                       for a in inputs.attainments):
        assert summary.priorities
    assert len({(p.kind, p.detail) for p in summary.priorities}) == len(summary.priorities)


@pytest.mark.parametrize("lang", LANGS)
def test_an_objective_priority_reads_as_a_pace_not_as_an_id(fakes, lang):
    fakes()
    wb = with_objective(prefilled("saas", lang), "linkedin", grow=1.5)
    chosen = [p for p in executive_summary(wb, lang, gather(wb, as_of=AS_OF, lang=lang)).priorities
              if p.kind == "objective"]
    assert chosen
    for p in chosen:
        assert "-followers" not in p.title + p.detail
        assert not re.search(r"-\d+[.,]\d\s?%", p.detail), p.detail
        assert day(date(2027, 5, 24), lang) in p.detail


def test_priorities_do_not_repeat_an_objective_as_a_recommendation(fakes):
    fakes()
    wb = with_objective(prefilled("saas", "en"), "linkedin", grow=1.5, oid="x-followers")
    inputs = gather(wb, as_of=AS_OF, lang="en")
    assert any(r.code.startswith("objective_") for r in inputs.recommendations)
    chosen = priorities(wb, "en", inputs, limit=10)
    objectives = [p for p in chosen if p.kind == "objective"]
    assert objectives and all("x-followers" not in p.detail for p in chosen)
    assert t("report.board.priority.rec.negative_sentiment", "en") in [p.title for p in chosen]


def test_pillar_shares_are_written_like_every_other_percentage(fakes):
    fakes()
    text = sections(build_report(prefilled("ngo", "en"), lang="en", as_of=AS_OF)).text
    assert re.search(r"\d%", text["content"]) and not re.search(r"\d %", text["content"])


# --- one coherent whole (issue 15, read as a board member) ---------------------------------


def real_incident(wb: Workbook, lang: str) -> CrisisStatus:
    """What `crisis.status.current` returns: the level named "1 · Name", with its number."""
    lv = wb.crisis_protocol.level(1)
    return CrisisStatus(open=True, alert_days=[date(2026, 10, 30), date(2026, 10, 31)],
                        level=f"1 · {lv.name}", number=1, owner=lv.owner,
                        actions=["Check mentions every 4 hours."], peak_negative=35,
                        by_trigger=True)


@pytest.mark.parametrize("lang", LANGS)
def test_the_incident_has_one_owner_everywhere_and_says_where_listening_ends(fakes, lang):
    wb = prefilled("ngo", lang)
    status = real_incident(wb, lang)
    info = Finding(code="coherence.listening.open_incident", level="info",
                   rule_key="report.footer", message_key="report.board.priority.none")
    fakes([info], status)
    owner = wb.crisis_protocol.level(1).owner
    inputs = ReportInputs(as_of=AS_OF, crisis=status, coherence=[info])
    assert action_plan(wb, lang, inputs).actions[0].owner == owner  # was "Management"
    r = risks(wb, lang, inputs)
    assert owner in r.incident.message and day(date(2026, 10, 31), lang) in r.incident.message
    end = t("report.board.crisis.data_end", lang, end=day(date(2026, 10, 31), lang))
    assert end in r.incident.message
    assert r.coherence == [] and r.coherence_none == t("report.board.risk.coherent", lang)
    text = sections(build_report(wb, lang=lang, as_of=AS_OF)).text
    assert end in text["crisis"]


@pytest.mark.parametrize("lang, name", [("es", "Sentimiento neto:"), ("en", "Net sentiment:")])
def test_objectives_are_named_by_their_title_in_every_section(fakes, lang, name):
    fakes()
    wb = prefilled("cafe", lang)
    o = Objective(id="reviews-net-sentiment", metric="net_sentiment", network=None,
                  audience=t("planning.coherence.audience.mentions", lang), baseline=-0.19, target=0.0,
                  deadline=date(2027, 5, 24), goal_id=wb.profile.goals[-1].id)
    wb = wb.model_copy(update={"objectives": [*wb.objectives, o]})
    summary = executive_summary(wb, lang, gather(wb, as_of=AS_OF, lang=lang))
    line = next(s for s in summary.success if s.objective == o.id)
    assert line.text.startswith(name) and line.status == "no_trend"
    assert line.note == t("report.board.too_few_note", lang)  # one audit, not "ups and downs"
    html = build_report(wb, lang=lang, as_of=AS_OF)
    visible = "".join(sections(html).text.values())
    assert "reviews-net-sentiment" not in visible and " en —" not in visible
    assert " on —" not in visible


def test_the_holding_statement_shows_once_in_the_crisis_section(fakes):
    wb = prefilled("ngo", "en")
    statement = wb.crisis_protocol.level(1).holding_statement["en"]
    status = real_incident(wb, "en")
    status = CrisisStatus(**{**status.__dict__, "actions": [f"Publish the holding statement: “{statement}”"]})
    fakes([], status)
    text = sections(build_report(wb, lang="en", as_of=AS_OF)).text["crisis"]
    current = text.split(t("report.level", "en"))[0]  # the current situation, before the table
    assert current.count(statement) == 1


@pytest.mark.parametrize("lang", LANGS)
def test_kpi_table_writes_months_as_the_reader_does_and_says_how_each_rate_is_made(fakes, lang):
    """A board reader met «2026-10» and «Tasa de amplificación» with no rule: both are readable now."""
    from cmtraining.core.numbers import month

    fakes()
    wb = prefilled("cafe", lang)
    text = sections(build_report(wb, lang=lang, as_of=AS_OF)).text["kpis"]
    last = max(m.month for m in wb.metrics)
    assert month(last, lang) in text and not re.search(r"\b20\d\d-\d\d\b", text)
    for column in ("amplification_rate", "conversation_rate", "audience_growth_rate"):
        assert f"{t(f'planning.kpi.{column}', lang)}: {t(f'planning.kpi_formula.{column}', lang)}" in text


@pytest.mark.parametrize("lang", LANGS)
def test_the_reports_times_of_day_are_the_readers(fakes, lang):
    """Calendar slots and service hours on each reader's clock (sweep 4: "Nov 30, 2026 11:00"
    in an English report): "9:00" in Spanish, "9:00 AM" in English."""
    fakes()
    wb = prefilled("cafe", lang)
    parsed = sections(build_report(wb, lang=lang, as_of=AS_OF))
    text = parsed.text["content"] + parsed.text["response"]
    if lang == "en":
        assert re.search(r"\d:\d\d\u202f(AM|PM)", text)
        assert not re.search(r"\b(1[3-9]|2\d):\d\d\b", text)  # no afternoon on a 24-hour clock
    else:
        assert not re.search(r"AM|PM", text) and re.search(r"\b\d{1,2}:\d\d\b", text)
