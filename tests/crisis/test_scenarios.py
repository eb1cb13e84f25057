"""Crisis stage: scenarios, the SCCT rules, the protocol checker and the run score."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime

import pytest
import yaml
from pydantic import BaseModel

from cmtraining.core.errors import CmtrainingError, DatasetError
from cmtraining.crisis.protocol import check_protocol, default_protocol, describe_trigger
from cmtraining.crisis.scenarios import (
    ScenarioFileError,
    ScenarioText,
    UnknownScenarioError,
    list_scenarios,
    load_scenario,
    load_scenario_file,
    scenarios_dir,
)
from cmtraining.crisis.scoring import (
    WEIGHTS,
    recommended_strategies,
    score_run,
    strategy_fit,
)
from cmtraining.samples import sample_workbook
from cmtraining.workbook import load, save
from cmtraining.workbook.models import CrisisProtocol, CrisisRun, Workbook
from cmtraining.workbook.sections_crisis import FAMILY

IDS = list_scenarios()


def texts(node, where=""):
    """Every ScenarioText inside a model, with its path."""
    if isinstance(node, ScenarioText):
        yield where, node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from texts(getattr(node, name), f"{where}.{name}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from texts(item, f"{where}[{index}]")


def rendered(finding, lang):
    return finding.rule(lang) + " " + finding.message(lang)


# --- scenarios ---------------------------------------------------------------------


def test_at_least_seven_scenarios_cover_every_cluster_and_case():
    assert len(IDS) >= 7
    scenarios = [load_scenario(x) for x in IDS]
    assert {s.cluster for s in scenarios} == {"victim", "accidental", "preventable"}
    assert {s.case for s in scenarios} >= {"product_defect", "service_outage", "offensive_post",
                                           "rumour", "data_breach", "viral_complaint",
                                           "external_disaster"}
    assert any(s.org_kind == "generic" for s in scenarios)


@pytest.mark.parametrize("scenario_id", IDS)
def test_scenario_is_complete_in_both_languages(scenario_id):
    s = load_scenario(scenario_id)
    found = list(texts(s))
    assert len(found) >= 15
    for where, text in found:
        assert text.es.strip() and text.en.strip(), where
        for lang in ("es", "en"):
            out = text.get(lang, org="Acme")
            assert "{" not in out and "}" not in out, (where, lang)
    minutes = [i.minute for i in s.injects]
    assert minutes == sorted(minutes) and minutes[-1] <= s.duration_minutes
    assert [p.from_minute for p in s.phases] == sorted(p.from_minute for p in s.phases)
    assert {m.sentiment for p in s.phases for m in p.messages} >= {"negative", "neutral"}
    assert 0 < s.outrage.outraged <= s.outrage.aware <= 1 and s.outrage.virality > 0
    if s.sample_org:
        assert s.sample_org in ("cafe", "library", "ngo", "saas")


@pytest.mark.parametrize("scenario_id", IDS)
def test_authored_advice_agrees_with_the_scct_rules(scenario_id):
    s = load_scenario(scenario_id)
    rec = recommended_strategies(s.cluster, s.history, s.reputation, unfounded=s.unfounded,
                                 victims=s.recommended.instructing)
    assert rec.primary == s.recommended.primary
    value, finding = strategy_fit(s.recommended.strategies, s)
    assert value == 1.0 and finding.level == "ok", finding.message("en")
    for wrong in s.recommended.wrong:
        if FAMILY[wrong.strategy] != rec.primary:
            assert strategy_fit([wrong.strategy, "instructing"], s)[0] < 1.0, wrong.strategy


def _copy(tmp_path, scenario_id, change):
    data = yaml.safe_load((scenarios_dir() / f"{scenario_id}.yaml").read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / f"{scenario_id}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(("change", "field"), [
    (lambda d: d.pop("cluster"), "cluster"),
    (lambda d: d.update(cluster="careless"), "cluster"),
    (lambda d: d["title"].pop("en"), "title.en"),
    (lambda d: d["injects"][1].update(minute=1), "injects[1].minute"),
    (lambda d: d["injects"][0].update(minute=99999), "injects[0].minute"),
    (lambda d: d["summary"].update(es="Hola {nombre}"), "summary.es"),
    (lambda d: d["outrage"].update(outraged=0.9), "outrage.outraged"),
    (lambda d: d["recommended"].update(primary="diminish"), "recommended.primary"),
])
def test_a_broken_scenario_names_the_file_and_the_field(tmp_path, change, field):
    path = _copy(tmp_path, "cafe-allergen-recall", change)
    with pytest.raises(ScenarioFileError) as info:
        load_scenario_file(path)
    assert isinstance(info.value, DatasetError) and isinstance(info.value, CmtrainingError)
    assert field in [p.path for p in info.value.problems]
    for lang in ("es", "en"):
        text = info.value.message(lang)
        assert str(path) in text and field in text and "{" not in text.split(":", 1)[0]


def test_scenario_id_must_match_its_file(tmp_path):
    path = _copy(tmp_path, "saas-cloud-outage", lambda d: d.update(id="another"))
    with pytest.raises(DatasetError) as info:
        load_scenario_file(path)
    assert "another" in info.value.message("en") and str(path) in info.value.message("en")


def test_unknown_scenario_lists_the_ids():
    with pytest.raises(UnknownScenarioError) as info:
        load_scenario("meteor-strike")
    message = info.value.message("en")
    assert "meteor-strike" in message and all(x in message for x in IDS)


def test_scenarios_folder_can_be_replaced(tmp_path, monkeypatch):
    (tmp_path / "crisis").mkdir()
    shutil.copy(scenarios_dir() / "generic-flood-closure.yaml", tmp_path / "crisis")
    monkeypatch.setenv("CMTRAINING_DATASETS", str(tmp_path))
    assert list_scenarios() == ("generic-flood-closure",)
    assert load_scenario("generic-flood-closure").org_kind == "generic"


# --- SCCT rules ----------------------------------------------------------------------


@pytest.mark.parametrize(("cluster", "history", "reputation", "unfounded", "primary"), [
    ("victim", False, "good", False, "base"),
    ("victim", False, "neutral", False, "base"),
    ("victim", True, "good", False, "diminish"),
    ("victim", False, "bad", False, "diminish"),
    ("accidental", False, "good", False, "diminish"),
    ("accidental", False, "neutral", False, "diminish"),
    ("accidental", True, "good", False, "rebuild"),
    ("accidental", False, "bad", False, "rebuild"),
    ("preventable", False, "good", False, "rebuild"),
    ("preventable", True, "bad", False, "rebuild"),
    ("victim", False, "good", True, "deny"),
    ("accidental", True, "bad", True, "deny"),
])
def test_recommended_strategies_follow_coombs_2007(cluster, history, reputation, unfounded,
                                                   primary):
    rec = recommended_strategies(cluster, history, reputation, unfounded=unfounded)
    assert rec.primary == primary
    assert rec.bolster  # always available as a supplement
    assert rec.victimage == (cluster == "victim")
    if primary == "deny":
        assert {"diminish", "rebuild"} <= set(rec.avoid)  # never mix
    else:
        assert "deny" in rec.avoid
    assert rec.instructing  # victims by default: safety information first
    assert not recommended_strategies(cluster, history, reputation, victims=False).instructing


def test_recommended_strategies_refuse_unknown_inputs():
    with pytest.raises(ValueError):
        recommended_strategies("careless", False, "good")
    with pytest.raises(ValueError):
        recommended_strategies("victim", False, "excellent")


def test_strategy_fit_explains_each_mistake():
    recall = load_scenario("cafe-allergen-recall")  # preventable, people at risk
    rumour = load_scenario("ngo-donations-rumour")  # unfounded
    outage = load_scenario("saas-cloud-outage")  # accidental, clean history
    cases = [
        (recall, ["instructing", "apology"], "ok", 1.0),
        (recall, ["apology"], "error", 0.5),  # no safety information
        (recall, ["instructing", "denial"], "error", 0.0),
        (recall, ["instructing", "excuse"], "warning", 0.35),
        (recall, [], "error", 0.0),
        (rumour, ["denial", "reminder"], "ok", 1.0),
        (rumour, ["denial", "apology"], "error", 0.25),
        (rumour, ["apology"], "warning", 0.25),
        (outage, ["instructing", "excuse"], "ok", 1.0),
        (outage, ["instructing", "compensation"], "info", 0.75),
        (outage, ["instructing", "reminder"], "warning", 0.35),  # base + bolster: too little
        (load_scenario("library-offensive-post"), ["reminder"], "warning", 0.2),  # bolster alone
        (outage, ["instructing", "excuse", "victimage"], "warning", 0.75),
    ]
    for scenario, chosen, level, value in cases:
        got, finding = strategy_fit(chosen, scenario)
        assert (finding.level, got) == (level, pytest.approx(value)), (scenario.id, chosen)
        for lang in ("es", "en"):
            assert "{" not in rendered(finding, lang) and "Coombs" in finding.rule(lang)


# --- protocol --------------------------------------------------------------------------


def complete_protocol() -> CrisisProtocol:
    levels = []
    for n in (1, 2, 3, 4):
        levels.append({
            "level": n, "owner": "Dirección" if n > 2 else "Community manager",
            "triggers": [{"kind": "volume_per_hour", "threshold": 10 * n},
                         {"kind": "net_sentiment", "threshold": -0.1 * n}]
            + ([{"kind": "media_enquiry"}, {"kind": "safety"}] if n > 2 else []),
            "holding_statement": {"es": f"Comunicado de nivel {n}.", "en": f"Level {n} statement."},
            "monitor_minutes": {1: 120, 2: 60, 3: 20, 4: 10}[n]})
    return CrisisProtocol.model_validate({
        "levels": levels,
        "contacts": [{"role": "Dirección", "name": "Marta", "kind": "management",
                      "after_hours": True},
                     {"role": "Community manager", "name": "Luis", "kind": "community_manager"},
                     {"role": "Abogada", "name": "Sara", "legal": True, "reach_by": "móvil"}],
        "approval_chain": ["Community manager", "Dirección", "Abogada"],
        "channels": ["instagram", "x", "website", "dark_site"],
        "dark_site_plan": "Página preparada con el comunicado; la activa el community manager."})


def test_a_complete_protocol_passes_every_check():
    findings = check_protocol(complete_protocol(), "es")
    assert {f.level for f in findings} == {"ok"}
    codes = {f.code.rsplit(".", 1)[1] for f in findings}
    assert codes == {"levels", "owner", "statement", "triggers", "cadence", "legal", "after_hours",
                     "people", "approval", "channels", "dark_site"}


@pytest.mark.parametrize("lang", ["es", "en"])
def test_contacts_without_a_person_are_a_gap_with_its_reason(lang):
    """The stage-5 contacts table showed an empty «Persona» column for every contact and
    nothing said so: a contact with no person named is a warning that names its roles."""
    data = complete_protocol().model_dump()
    data["contacts"][0]["name"] = data["contacts"][1]["name"] = " "
    findings = check_protocol(CrisisProtocol.model_validate(data), lang)
    [gap] = [f for f in findings if f.code == "crisis.protocol.people"]
    assert gap.level == "warning" and gap.value == ["Dirección", "Community manager"]
    said = rendered(gap, lang)
    assert "2" in said and "Dirección, Community manager" in said and "{" not in said
    assert ("persona" if lang == "es" else "person") in gap.rule(lang)
    data["contacts"] = data["contacts"][2:]
    [one] = [f for f in check_protocol(CrisisProtocol.model_validate(data), lang)
             if f.code == "crisis.protocol.people"]
    assert one.ok
    data["contacts"][0]["name"] = ""
    [alone] = [f for f in check_protocol(CrisisProtocol.model_validate(data), lang)
               if f.code == "crisis.protocol.people"]
    assert "Abogada" in rendered(alone, lang) and ("contactos" not in rendered(alone, lang))


def test_protocol_gaps_are_found_with_their_reasons():
    data = complete_protocol().model_dump()
    data["levels"][3].update(owner="", holding_statement={"en": "Only English."},
                             monitor_minutes=60, triggers=[])
    data["levels"][2]["triggers"][0]["threshold"] = 5  # lower than level 2's 20
    data["levels"].pop(0)
    data["contacts"] = [{"role": "Dirección"}]
    data.update(approval_chain=[], channels=["instagram"], dark_site_plan="")
    findings = check_protocol(CrisisProtocol.model_validate(data), "es", org_language="es")
    got = {(f.code.rsplit(".", 1)[1], f.level, f.message_key.rsplit(".", 1)[1]) for f in findings}
    assert got >= {
        ("levels", "warning", "levels_missing"), ("owner", "error", "owner_missing"),
        ("statement", "error", "statement_missing"), ("triggers", "warning", "triggers_missing"),
        ("triggers", "warning", "triggers_order"), ("cadence", "warning", "cadence_slow"),
        ("legal", "error", "legal_missing"), ("after_hours", "error", "after_hours_missing"),
        ("people", "warning", "people_missing"),
        ("approval", "error", "approval_missing"), ("channels", "warning", "channels_web"),
        ("dark_site", "warning", "dark_site_missing")}
    for f in findings:
        for lang in ("es", "en"):
            assert "{" not in rendered(f, lang), f.code
    empty = check_protocol(CrisisProtocol(), "en")
    assert [f.level for f in empty if f.code.endswith(".levels")] == ["error"]


@pytest.mark.parametrize("org", ["cafe", "library", "ngo", "saas"])
@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_default_protocol_passes_its_own_check(org, lang):
    wb = sample_workbook(org, trainee="Ana")
    protocol = default_protocol(wb, lang)
    findings = check_protocol(protocol, lang, org_language=wb.profile.language)
    # the one gap a default cannot fill: who holds each role (people_missing)
    gaps = [f for f in findings if not f.ok]
    assert [f.code for f in gaps] == ["crisis.protocol.people"], [f.message(lang) for f in gaps]
    assert [x.level for x in protocol.levels] == [1, 2, 3, 4]


def test_default_protocol_uses_the_playbooks_escalation():
    wb = sample_workbook("ngo", trainee="Ana")
    wb = wb.model_copy(update={"response_playbook": wb.response_playbook.model_validate(
        {"escalation": [{"trigger": "crisis_signal", "to": "Patronato"},
                        {"trigger": "legal", "to": "Bufete Ruiz"}]})})
    protocol = default_protocol(wb, "es")
    assert protocol.level(4).owner == "Patronato"
    assert "Bufete Ruiz" in [c.role for c in protocol.contacts if c.is_legal]


# --- run score ---------------------------------------------------------------------------


def turns(first=20, strategies=("instructing", "apology"), scores=(80, 70)):
    out = [{"minute": 0, "actions": [{"kind": "monitor"}]}]
    for index, (strategy, score) in enumerate(zip(strategies, scores, strict=True)):
        out.append({"minute": first + 15 * index, "actions": [
            {"kind": "statement" if index == 0 else "reply", "strategy": strategy,
             "channel": "instagram", "lang": "es", "text": "Texto del comunicado.",
             "reply_score": score}]})
    return out


OUTCOME = {"peak_negative": 40, "negative_reach": 3000, "reputation": 60, "reputation_before": 70}
REFERENCE = {"peak_negative": 100, "negative_reach": 9000, "reputation": 40}


def test_components_sum_with_their_weights_to_the_total():
    s = load_scenario("cafe-allergen-recall")
    result = score_run(s, turns(), OUTCOME, REFERENCE)
    assert [c.name for c in result.components] == list(WEIGHTS)
    assert sum(c.weight for c in result.components) == pytest.approx(1.0)
    assert result.total == pytest.approx(100 * sum(c.weight * c.value for c in result.components),
                                         abs=0.01)
    assert WEIGHTS["fit"] <= min(WEIGHTS["timing"], WEIGHTS["quality"], WEIGHTS["outcome"])
    values = {c.name: c.value for c in result.components}
    assert values["timing"] == 1.0 and values["fit"] == 1.0 and values["consistency"] == 1.0
    assert values["quality"] == pytest.approx(0.75)
    # peak 60% avoided, reach 2/3, reputation lost 10 of 30
    assert values["outcome"] == pytest.approx((0.6 + 2 / 3 + 2 / 3) / 3)
    for c in result.components:
        for lang in ("es", "en"):
            assert "{" not in rendered(c.finding, lang), c.name
    partial = score_run(s, turns())  # no outcome yet: the other weights renormalised
    assert "outcome" not in [c.name for c in partial.components]
    assert sum(c.weight for c in partial.components) == pytest.approx(1.0)


def test_earlier_first_statement_never_lowers_timing():
    s = load_scenario("saas-cloud-outage")
    values = [next(c.value for c in score_run(s, turns(first=m)).components if c.name == "timing")
              for m in range(0, 400, 5)]
    assert values == sorted(values, reverse=True)
    assert values[0] == 1.0 and values[-1] == 0.0
    none = score_run(s, [{"minute": 0, "actions": [{"kind": "monitor"}]}])
    assert none.components[0].value == 0.0 and none.components[0].finding.level == "error"


def test_better_outcome_never_lowers_the_outcome_component():
    s = load_scenario("saas-cloud-outage")

    def outcome(peak, reach, reputation):
        result = score_run(s, turns(), {"peak_negative": peak, "negative_reach": reach,
                                        "reputation": reputation, "reputation_before": 80},
                           REFERENCE)
        return next(c.value for c in result.components if c.name == "outcome")

    grid = [(p, r, rep) for p in (0, 30, 100, 150) for r in (0, 4000, 9000, 20000)
            for rep in (20, 40, 60, 80)]
    for p, r, rep in grid:
        base = outcome(p, r, rep)
        assert outcome(max(0, p - 10), r, rep) >= base
        assert outcome(p, max(0, r - 1000), rep) >= base
        assert outcome(p, r, rep + 5) >= base
        assert 0 <= base <= 1


def test_mixing_deny_with_rebuild_breaks_consistency():
    s = load_scenario("saas-double-charge-influencer")
    result = score_run(s, turns(strategies=("instructing", "scapegoat", "apology"),
                                scores=(60, 50, 70)))
    by_name = {c.name: c for c in result.components}
    assert by_name["consistency"].value == 0.0
    assert by_name["consistency"].finding.level == "error"
    assert by_name["fit"].value == 0.0


# --- the Workbook ------------------------------------------------------------------------


def test_workbook_with_protocol_and_played_run_round_trips(tmp_path):
    s = load_scenario("cafe-allergen-recall")
    result = score_run(s, turns(), OUTCOME, REFERENCE)
    run = CrisisRun.model_validate({
        "scenario": s.id, "started": datetime(2026, 3, 2, 10, 0, tzinfo=UTC), "seed": 7,
        "graph_size": 2000, "minutes_per_turn": 15, "turns": turns(),
        **result.as_run_fields("es"), "outcome": OUTCOME, "reference": REFERENCE,
        "notes": "Primer ensayo."})
    wb = sample_workbook("cafe", trainee="Ana")
    wb = Workbook.model_validate({**wb.model_dump(), "crisis_protocol": complete_protocol(),
                                  "crisis_runs": [run]})
    path = tmp_path / "w.yaml"
    save(wb, path, touch=False)
    back = load(path)
    assert back == wb
    assert back.crisis_runs[0].score == result.total
    assert back.crisis_runs[0].turns[1].actions[0].reply_score == 80


def test_old_free_text_triggers_still_load():
    protocol = CrisisProtocol.model_validate(
        {"levels": [{"level": 2, "triggers": ["muchas quejas en una hora"], "owner": "Dirección",
                     "holding_statement": {"es": "Lo estamos revisando."}}],
         "contacts": [{"role": "Dirección", "name": "Eva", "reach_by": "móvil"}]})
    assert protocol.levels[0].triggers[0].kind == "other"
    assert protocol.levels[0].triggers[0].note == "muchas quejas en una hora"


def test_triggers_read_as_words():
    protocol = complete_protocol()
    volume, sentiment = protocol.level(3).triggers[:2]
    assert describe_trigger(volume, "en") == "negative mentions per hour ≥ 30"
    assert describe_trigger(sentiment, "es") == "sentimiento neto ≤ -30,0\u00a0%"
    assert describe_trigger(sentiment, "en") == "net sentiment ≤ -30.0%"
    assert describe_trigger(protocol.level(3).triggers[2], "es") == "consulta de prensa"
