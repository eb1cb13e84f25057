"""Issue 21.8 and 21.13: the evaluation's period, rounding and materiality; feedback in the
reader's language (quotes, sources, percent signs, numbers)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from cmtraining.core.numbers import growth, rate
from cmtraining.i18n import catalogue
from cmtraining.samples import sample_workbook
from cmtraining.workbook.models import ChannelMonth, Objective

TODAY = date(2026, 11, 23)


# --- 21.8 rounding: one rule per quantity ----------------------------------------------


@pytest.mark.parametrize("value, es, en", [
    (0.000566, "0,06\u00a0%", "0.06%"), (0.000349, "0,03\u00a0%", "0.03%"),
    (0.0457, "4,6\u00a0%", "4.6%"), (0.144, "14\u00a0%", "14%"), (0.0996, "10\u00a0%", "10%"),
    # the screens' "0.0075%", "0.019%" and "0.092%": at most two decimals, one rule
    (0.000075, "0,01\u00a0%", "0.01%"), (0.00019, "0,02\u00a0%", "0.02%"),
    (0.00092, "0,09\u00a0%", "0.09%"), (-0.0667, "-6,7\u00a0%", "-6.7%"),
    (0.00002, "<0,01\u00a0%", "<0.01%"), (-0.00002, ">-0,01\u00a0%", ">-0.01%"),
])
def test_rates_have_two_significant_figures_and_at_most_two_decimals(value, es, en):
    assert (rate(value, "es"), rate(value, "en")) == (es, en)


@pytest.mark.parametrize("value, es, en", [
    (-0.0667, "-7\u00a0%", "-7%"), (0.206, "21\u00a0%", "21%"), (0.003, "0,3\u00a0%", "0.3%"),
    (-2.5735, "-257\u00a0%", "-257%"),
])
def test_growth_and_progress_are_whole_percents(value, es, en):
    assert (growth(value, "es"), growth(value, "en")) == (es, en)


def test_a_rate_objective_is_evaluated_in_its_own_units():
    """No "progress 0.205%": baseline and target are rates, progress a whole percent."""
    from cmtraining.evaluation.attainment import attainment

    wb = sample_workbook("cafe")
    o = Objective(id="er", metric="engagement_rate_reach", network="instagram", baseline=0.0566,
                  target=0.0772, deadline=date(2027, 5, 24), goal_id=wb.profile.goals[0].id)
    a = attainment(o, wb, today=TODAY)
    for lang in ("es", "en"):
        text = a.finding.message(lang)
        assert ("5,7\u00a0%" if lang == "es" else "5.7%") in text
        assert ("7,7\u00a0%" if lang == "es" else "7.7%") in text
        # every percentage: at most two significant figures, never four decimals
        for number in re.findall(r"(-?[\d.,]+)\u00a0?%", text):
            digits = number.lstrip("-0.,").replace(",", "").replace(".", "")
            assert len(digits) <= 3, (number, text)
    # a deadline passed: the progress is said, in whole percent
    missed = attainment(o.model_copy(update={"baseline": 0.03, "target": 0.09,
                                             "deadline": date(2026, 10, 31)}), wb, today=TODAY)
    assert missed.status == "missed"
    assert re.search(r"avance \d+\u00a0%\)", missed.finding.message("es")), missed.finding.message("es")
    assert re.search(r"progress \d+%\)", missed.finding.message("en")), missed.finding.message("en")


# --- 21.8 one period named everywhere ---------------------------------------------------


def test_the_kpi_table_and_the_recommendations_cover_one_named_period(workspace):
    from cmtraining.apps.evaluation import build_app
    from cmtraining.evaluation.recommendations import recommendation_period
    from cmtraining.runtime.session import open_session
    from cmtraining.runtime.workspace import create_workbook

    entry = create_workbook("Marta", "cafe", lang="es")
    app = build_app(open_session("06-evaluation", workbook=entry.id, lang="es"), today=TODAY,
                    defer_chart=False)
    start, end = recommendation_period(app.session.workbook.metrics, TODAY)
    assert tuple(app.months.value) == (start, end)  # the dashboard opens on their period
    assert "ago 2026 – oct 2026 (3 meses)" in app.period.value
    assert "ago 2026 – oct 2026 (3 meses)" in app.rec_period.value
    # the same posts per week for TikTok in the table and in the advice
    advice = re.search(r"TikTok: ([\d,]+) publicaciones por semana", app.recommendations.value)
    assert advice and f"<td class='cm-num'>{advice.group(1)}</td>" in app.summary.value.split("TikTok")[1]


def test_the_report_names_the_recommendations_period():
    from cmtraining.report.evaluation_sections import recommendations

    data = recommendations(sample_workbook("cafe"), "en", TODAY)
    assert "Aug 2026 – Oct 2026 (3 months)" in data["period"] and "20%" in data["period"]


# --- 21.8 materiality -------------------------------------------------------------------


def _months(network: str, rate_per_follower: float) -> list[ChannelMonth]:
    followers, posts = 1_000_000, 12
    engagements = round(rate_per_follower * posts * followers)  # per post, per follower
    return [ChannelMonth(network=network, month=date(2026, m, 1), followers=followers,
                         posts=posts, reach=followers // 2, impressions=followers,
                         reactions=engagements - engagements // 10, comments=engagements // 10,
                         shares=0, link_clicks=0) for m in (8, 9, 10)]


@pytest.mark.parametrize("share, fires", [(0.997, False), (0.85, False), (0.7, True)])
def test_a_recommendation_needs_a_material_gap(share, fires):
    """On X, 0.0349 % against the median of 0.035 % is noise; 30 % below it is not."""
    from cmtraining.evaluation.recommendations import recommend
    from cmtraining.networks import network

    cat = network("x").engagement_rate
    assert cat.basis == "followers" and cat.value == pytest.approx(0.00035)
    wb = sample_workbook("cafe").model_copy(update={"metrics": _months("x", cat.value * share)})
    low = [r for r in recommend(wb, today=TODAY) if r.code == "low_engagement"]
    assert bool(low) is fires
    if fires:  # and the figures it gives differ at the precision it shows them
        text = low[0].finding.message("es")
        assert "0,02\u00a0%" in text and "0,03\u00a0%" in text


# --- 21.13 the reader's language --------------------------------------------------------


def test_quoted_words_use_the_readers_quote_marks():
    from cmtraining.response import check_reply

    en = check_reply("Hi Tom, we're sorry your order arrived late. We'll DM you now to fix it.",
                     message="My order arrived two days late.", lang="en", author="@tom")
    es = check_reply("Hola, Tom. Sentimos mucho el retraso de tu pedido. Te escribimos por "
                     "mensaje directo.", message="Mi pedido llegó tarde.", lang="es",
                     author="@tom")
    english = " ".join(f.message("en") for f in en.findings)
    spanish = " ".join(f.message("es") for f in es.findings)
    assert "\u201c" in english and "«" not in english and "»" not in english
    assert "«" in spanish


def test_post_checker_spelling_hints_quote_in_the_readers_language():
    from cmtraining.planning.posts import check_post

    found = check_post("Ven aqui a probar los cruasanes", lang="es", network="instagram")
    spelling = next(f for f in found if f.code == "post.spelling")
    assert "«aqui» (→ aquí)" in spelling.message("es")
    assert "\u201caqui\u201d (→ aquí)" in spelling.message("en")


def test_our_own_assumptions_are_cited_in_the_readers_language():
    from cmtraining.response import check_reply

    received = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    review = check_reply("Gracias por avisar, lo revisamos ya y os contamos en una hora.",
                         message="Hay humo en vuestra tienda", lang="es",
                         category="crisis_signal", received=received,
                         replied=received + timedelta(minutes=30))
    timely = next(f for f in review.findings if f.code == "reply.timeliness")
    assert "estimación de cmtraining, 2026" in timely.message("es")
    assert "teaching choices" not in timely.message("es")
    assert "estimate by cmtraining, 2026" in timely.message("en")


def test_english_writes_percent_without_a_space_and_spanish_has_no_english_terms():
    english = {k: v for k, v in catalogue("en").items() if re.search(r"\d %", v)}
    assert not english
    assert not [k for k, v in catalogue("es").items() if "dark site" in v.lower()]


def test_no_day_s_in_either_language():
    """Days are counted with their noun in the right number ("1 día", "3 alert days")."""
    assert not [k for k, v in catalogue("es").items() if "día(s)" in v]
    assert not [k for k, v in catalogue("en").items() if "day(s)" in v]


def test_listening_alerts_count_days_in_the_right_number():
    from cmtraining.core.findings import Finding
    from cmtraining.i18n.plural import Counted

    for n, es, en in ((1, "1 día con alerta;", "1 alert day;"),
                      (3, "3 días con alerta;", "3 alert days;")):
        f = Finding("listening.alerts", "error", "listening.rule.alerts", "listening.msg.alerts",
                    params={"count": n, "days": Counted(n, "alert_day", "common.n"),
                            "day": "2026-11-02", "negative": 9, "expected": 2})
        assert f.message("es").startswith(es) and f.message("en").startswith(en)


@pytest.mark.parametrize("nets, es, en", [
    (["instagram"], "La red elegida recibe 20 horas", "The chosen network gets 20 hours"),
    (["instagram", "facebook"], "Las 2 redes reciben 40 horas", "The 2 networks get 40 hours"),
])
def test_hours_over_capacity_reads_right_for_one_network(nets, es, en):
    from cmtraining.evaluation.coherence import for_stage
    from cmtraining.workbook.models import NetworkRole

    wb = sample_workbook("cafe")
    wb = wb.model_copy(update={
        "networks": [NetworkRole(network=n, role="community", hours_per_week=20) for n in nets],
        "resources": wb.resources.model_copy(update={"hours_per_week": 5})})
    over = next(f for f in for_stage(wb, "audiences")
                if f.code == "coherence.audiences.hours_over")
    assert over.message("es").startswith(es) and over.message("en").startswith(en)
    assert "Las 1 redes" not in over.message("es")


@pytest.mark.parametrize("lang, reply, message", [
    ("en", "Thanks for flagging this. Please do not re-run the export; we will tell you here as "
           "soon as it is safe.", "@tallyfold is there an outage? Nothing loads."),
    ("es", "Gracias por avisar. Si son del sábado, no los consumáis y os devolvemos el dinero en "
           "tienda.", "Qué miedo. Mi hija también es alérgica."),
])
def test_crisis_replies_found_by_the_sweep_are_credited(lang, reply, message):
    """The sweep's replies: thanks for flagging acknowledges; "we will tell you", "os
    devolvemos" are next steps."""
    from cmtraining.response import check_reply

    review = check_reply(reply, message=message, lang=lang, category="crisis_signal",
                         crisis=True)
    messages = " ".join(f.message("en") for f in review.findings)
    assert "no next step" not in messages
    assert "no acknowledgement" not in messages


def test_the_mean_of_whole_scores_is_whole():
    from cmtraining.crisis.scoring import quality

    _, finding = quality([100, 70.4])
    assert "85 " in finding.message("es") and "85,2" not in finding.message("es")


def test_metric_gaps_and_playbook_advice_count_in_the_right_number():
    from cmtraining.evaluation.metrics_csv import metrics_gaps
    from cmtraining.evaluation.recommendations import _Others

    rows = [ChannelMonth(network="instagram", month=date(2026, m, 1), followers=100, posts=1,
                         reach=10, impressions=10, reactions=1, comments=0, shares=0,
                         link_clicks=0) for m in (1, 3, 4, 6, 7)]
    gaps = [f for f in metrics_gaps(rows) if f.code == "evaluation.gap"]
    assert "faltan 2 meses" in gaps[0].message("es") and "2 months missing" in gaps[0].message("en")
    one = [f for f in metrics_gaps(rows[:3]) if f.code == "evaluation.gap"]
    assert "falta 1 mes" in one[0].message("es") and "1 month missing" in one[0].message("en")
    assert _Others(0).render("es") == "" and "otro tipo más" in _Others(1).render("es")
    assert "(2 other kinds are" in _Others(2).render("en")
    for lang in ("es", "en"):
        assert not [k for k, v in catalogue(lang).items() if re.search(r"\w\((s|es|n)\)", v)
                    and k.startswith(("evaluation.msg.gap", "evaluation.rec.", "response.app.prescriber"))]


@pytest.mark.parametrize("value, es, en", [
    (0.04, "+4,0\u00a0%", "+4.0%"), (0.003, "+0,3\u00a0%", "+0.3%"), (-0.012, "-1,2\u00a0%", "-1.2%")])
def test_a_growth_column_lines_up_with_one_decimal_in_every_row(value, es, en):
    """The KPI table's growth column read "+4 %" above "+0,3 %" (sweep 3)."""
    from cmtraining.core.numbers import growth_rate

    assert (growth_rate(value, "es"), growth_rate(value, "en")) == (es, en)


def test_a_column_of_rates_shares_one_number_of_decimals():
    """The KPI table read "6.6%" above "0.73%" above "7.8%" (sweep 4): one column, one rule."""
    from cmtraining.core.numbers import column_rate_decimals

    column = [0.066, 0.0073, 0.078, None, float("nan")]
    decimals = column_rate_decimals(column)
    assert [rate(v, "en", decimals=decimals) for v in column[:3]] == ["6.60%", "0.73%", "7.80%"]
    assert [rate(v, "es", decimals=decimals) for v in column[:3]] == ["6,60\u00a0%", "0,73\u00a0%",
                                                                     "7,80\u00a0%"]
