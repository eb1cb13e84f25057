"""Listening engines: generated mentions, CSV import, spike alerts, audit, prescribers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cmtraining.core.errors import CmtrainingError, ParameterError
from cmtraining.listening.alerts import detect_spikes
from cmtraining.listening.audit import audit_mentions, terms
from cmtraining.listening.importer import MentionsFileError, read_mentions_csv
from cmtraining.listening.mentions import COLUMNS, default_period, generate_mentions
from cmtraining.listening.prescribers import rank_prescribers
from cmtraining.samples import list_organizations
from cmtraining.samples.organizations import load_organization

ORGS = list_organizations()


@pytest.fixture(scope="module")
def inboxes():
    return {org: generate_mentions(org) for org in ORGS}


@pytest.fixture(scope="module")
def audits(inboxes):
    return {org: audit_mentions(frame, brand=load_organization(org).profile.name,
                                handle=load_organization(org).listening.handle)
            for org, frame in inboxes.items()}


# --- generator -----------------------------------------------------------------------


def test_the_same_seed_gives_the_same_inbox():
    a, b = generate_mentions("cafe", seed=5), generate_mentions("cafe", seed=5)
    assert a.equals(b)
    assert not a.equals(generate_mentions("cafe", seed=6))


@pytest.mark.parametrize("org", ORGS)
def test_inbox_is_realistic_and_labelled(inboxes, org):
    frame = inboxes[org]
    assert tuple(frame.columns) == COLUMNS
    own = frame[~frame["is_competitor"]]
    assert set(own["category"]) == {"praise", "question", "complaint", "suggestion", "spam",
                                    "crisis_signal", "other"}
    assert set(frame["sentiment"]) <= {"positive", "neutral", "negative"}
    assert set(frame["priority"]) <= {"urgent", "high", "medium", "low"}
    spec = load_organization(org).listening
    departments = {d.name for d in spec.departments} | {spec.incident.department, ""}
    assert set(own["department"]) <= departments
    assert (frame["priority"] == "urgent").equals(frame["category"] == "crisis_signal")
    # both languages, the organization's own first
    main = max(spec.languages, key=spec.languages.get)
    assert own["lang"].value_counts().idxmax() == main and own["lang"].nunique() == 2
    # noise of real inboxes: emojis, hashtags, @handles, links
    text = " ".join(frame["text"])
    assert "#" in text and "@" in text and "http" in text
    assert any(ord(c) > 0x1F000 for c in text)
    # a daily rhythm: fewer mentions at night than at lunchtime
    hours = frame["at"].dt.hour
    assert (hours.between(12, 14)).sum() > 3 * (hours.between(2, 4)).sum()
    # competitors for share of voice, and authors with a history
    assert set(frame.loc[frame["is_competitor"], "brand"]) == set(spec.competitors)
    assert frame["followers"].max() >= 10_000 and frame["author_mentions_90d"].max() >= 3
    assert frame["at"].dt.date.max() == default_period(load_organization(org))


def test_the_incident_builds_up_over_the_last_days(inboxes):
    frame = inboxes["cafe"]
    per_day = frame[frame["incident"]].groupby(frame["at"].dt.date).size()
    assert len(per_day) >= 4 and per_day.iloc[-1] > 4 * per_day.iloc[0]
    assert not generate_mentions("cafe", incident=False)["incident"].any()


def test_days_out_of_range_are_refused():
    with pytest.raises(ParameterError):
        generate_mentions("ngo", days=0)


# --- import ------------------------------------------------------------------------


def test_import_reads_a_spreadsheet_export():
    data = ("Fecha;Texto;Autor;Red;Seguidores\n"
            "2026-10-01 10:00;Me encanta el pan;@ana;Instagram;1.200\n"
            "2026-10-02;\"¿Abrís el domingo; o no?\";@luis;twitter;35\n").encode()
    frame = read_mentions_csv(data, source="export.csv", brand="Horno")
    assert list(frame["text"]) == ["Me encanta el pan", "¿Abrís el domingo; o no?"]
    assert list(frame["network"]) == ["instagram", "x"] and list(frame["followers"]) == [1200, 35]
    assert frame["at"].iloc[1].day == 2 and (frame["brand"] == "Horno").all()


def test_import_reads_excels_unicode_text_and_a_path(tmp_path):
    """Excel's "Unicode text" is UTF-16 with a BOM, tab-separated: the same importer as metrics."""
    path = tmp_path / "menciones.csv"
    path.write_bytes("texto\tautor\n¡Qué buen café! ☕\t@eva\n".encode("utf-16"))
    frame = read_mentions_csv(path)
    assert list(frame["text"]) == ["¡Qué buen café! ☕"] and list(frame["author"]) == ["@eva"]


@pytest.mark.parametrize("data, key", [
    (b"message_id,author\n1,@a\n", "listening.error.no_text"),
    ("text\nCaf\xe9 malo\n".encode("latin-1"), "listening.error.encoding"),
    (b"", "listening.error.empty"),
    (b"text,date\n", "listening.error.no_rows"),
    (b"text,date\nhola,31/10/2026\nadios,ayer\n", "listening.importer.error.bad_date"),
    (b"text,network\nhola,myspace\n", "listening.error.bad_network"),
    (b"text,followers\nhola,-5\n", "listening.error.bad_followers"),
    (b"text,author\nhola,@a,extra\n", "listening.error.row_width"),
])
def test_bad_exports_get_a_clear_error(data, key):
    with pytest.raises(MentionsFileError) as info:
        read_mentions_csv(data, source="x.csv")
    assert info.value.key == key
    assert "x.csv" in info.value.message("es") and "x.csv" in info.value.message("en")


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CmtrainingError) as info:
        read_mentions_csv(tmp_path / "nope.csv")
    assert "nope.csv" in info.value.message("en")


# --- alerts ------------------------------------------------------------------------


@pytest.mark.parametrize("org", ORGS)
def test_alerts_fire_on_the_incident_and_rarely_before(audits, inboxes, org):
    """At the default sensitivity the incident alerts; chance alarms before it stay rare
    (Poisson noise can break the threshold on an ordinary day) and a stricter dial removes them."""
    audit = audits[org]
    start = default_period(load_organization(org)) - timedelta(
        days=load_organization(org).listening.incident.days_before_end - 1)
    assert any(a.day >= start for a in audit.alerts), "the incident must raise an alert"
    assert sum(a.day < start for a in audit.alerts) <= 1
    strict = audit_mentions(inboxes[org], sensitivity=4.5).alerts
    assert strict and all(a.day >= start for a in strict)


def test_lower_sensitivity_warns_earlier(inboxes):
    frame = inboxes["ngo"]
    early = audit_mentions(frame, sensitivity=1.5).alerts
    late = audit_mentions(frame, sensitivity=4.0).alerts
    assert {a.day for a in late} <= {a.day for a in early}
    assert min(a.day for a in early) <= min(a.day for a in late)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 60), min_size=1, max_size=40), st.floats(0.5, 5), st.floats(0.5, 5))
def test_alerts_are_monotone_in_sensitivity(counts, k1, k2):
    low, high = sorted((k1, k2))
    days = [date(2026, 1, 1) + timedelta(days=i) for i in range(len(counts))]
    assert {s.day for s in detect_spikes(days, counts, sensitivity=high)} <= {
        s.day for s in detect_spikes(days, counts, sensitivity=low)}


def test_a_flat_series_never_alerts():
    days = [date(2026, 1, 1) + timedelta(days=i) for i in range(30)]
    assert detect_spikes(days, [4] * 30) == []


# --- audit ---------------------------------------------------------------------------


@pytest.mark.parametrize("org", ORGS)
def test_audit_figures_add_up(audits, org):
    audit = audits[org]
    assert sum(audit.counts.values()) == audit.total == len(audit.mentions)
    assert int(audit.daily["total"].sum()) == audit.total
    assert abs(audit.share_of_voice["share"].sum() - 1) < 1e-9
    assert -1 <= audit.net_sentiment <= 1 and 0 < audit.own_share < 1
    assert int(audit.by_network["mentions"].sum()) == audit.total
    assert 0.6 <= audit.accuracy <= 1  # the classifier, not the labels, drives the audit
    summary = audit.summary()
    assert summary.mentions == audit.total and summary.period_end >= summary.period_start
    words = {w for w, _ in audit.top_terms}
    assert not words & {"que", "the", "para", "and"}
    brand_words = set(load_organization(org).profile.name.lower().split())
    assert not words & brand_words
    codes = {f.code for f in audit.findings()}
    assert {"listening.net_sentiment", "listening.share_of_voice", "listening.alerts"} <= codes
    for finding in audit.findings():
        assert finding.message("es") and finding.message("en") and finding.rule("en")


def test_audit_of_an_import_without_dates_or_competitors():
    frame = read_mentions_csv(b"text\nMe encanta\nFatal servicio\n\xf0\x9f\x98\x8d\n")
    audit = audit_mentions(frame)
    assert audit.total == 3 and audit.alerts == [] and audit.own_share is None
    assert audit.summary() is None  # no dates: nothing to date the summary by
    assert audit.findings()


def test_terms_skip_links_handles_and_brand():
    words, tags = terms(["@cafe Gran café en Ruzafa https://t.co/x #Ruzafa #ruzafa"],
                        exclude=["Gran"])
    assert ("ruzafa", 1) in words and ("#ruzafa", 2) in tags
    assert all(not w.startswith(("http", "@")) and w != "gran" for w, _ in words)


#: verbs that carry a mention's grammar, not its topic (issue 19 sweep: "queremos", "decir")
GRAMMAR_VERBS = {"queremos", "quiero", "decir", "dice", "dar", "deberia", "sepa", "puede",
                 "want", "know", "need", "needs", "said", "tell"}


@pytest.mark.parametrize("org", ORGS)
def test_top_terms_are_topics_not_auxiliary_verbs(audits, org):
    shown = [w for w, _ in audits[org].top_terms[:20]]
    assert shown and not GRAMMAR_VERBS & {w.replace("í", "i") for w in shown}, shown


# --- prescribers ---------------------------------------------------------------------


def test_prescribers_speak_well_repeatedly_and_show_why(audits):
    ranked = rank_prescribers(audits["cafe"].mentions)
    assert ranked and ranked == sorted(ranked, key=lambda c: (-c.score, c.author))
    top = ranked[0]
    assert top.positive >= 2 and top.score == pytest.approx(sum(top.components.values()), abs=0.05)
    assert any(c.defences for c in ranked[:3])  # defending the organization counts double
    assert {c.kind for c in ranked} <= {"prescriber", "energizer"}


def test_a_networks_tone_is_called_negative_only_by_the_overall_bands():
    """-6 % on one network is split, as -6 % overall is; -25 % is negative."""
    from cmtraining.listening.audit import audit_findings, audit_mentions
    from cmtraining.listening.mentions import generate_mentions

    base = audit_mentions(generate_mentions("cafe", seed=1))
    for net, key in ((-0.06, "listening.msg.network_split"), (-0.25, "listening.msg.network")):
        base.by_network["net_sentiment"] = [net] + [0.5] * (len(base.by_network) - 1)
        [found] = [f for f in audit_findings(base) if f.code == "listening.network"]
        assert found.message_key == key
        assert ("negativo" in found.message("es")) == (key == "listening.msg.network")


@pytest.mark.parametrize("lang", ["es", "en"])
def test_prefilled_conclusions_tag_a_split_tone_neutral_not_negative(lang):
    """«Sentimiento neto -3,0 %: las opiniones están divididas» came tagged «negativo»."""
    from cmtraining.listening.inbox import prefill_listening
    from cmtraining.metrics.kpis import tone_level
    from cmtraining.samples import sample_workbook
    from cmtraining.workbook.models import Workbook

    wb = Workbook.model_validate(prefill_listening(sample_workbook("cafe"), seed=1, days=28,
                                                   incident=True, lang=lang))
    overall = tone_level(wb.listening.summary.net_sentiment)
    tagged = {f.topic: f.sentiment for f in wb.listening.findings}
    tone_topic = next(f.topic for f in wb.listening.findings
                      if f.note.startswith(("Sentimiento neto", "Net sentiment")))
    assert tagged[tone_topic] == {"warning": "neutral", "error": "negative"}[overall]
    for f in wb.listening.findings:
        split = "divididas" in f.note or "split" in f.note
        assert not (split and f.sentiment == "negative"), f
