"""Issue 21, points 1-4: the crisis exercise checks each text for what it is and keeps time.

Replies are checked against the post they answer, statements by the
statement checker, safety instructions are recognised in both languages
(and credited in the debrief), and turns show each post once, never ahead
of the clock, on a timeline that only grows.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cmtraining.crisis.exercise import Exercise, ExerciseInputError
from cmtraining.crisis.scenarios import list_scenarios, load_scenario
from cmtraining.crisis.scoring import score_run
from cmtraining.crisis.statements import check_statement
from cmtraining.response import check_reply
from cmtraining.response.instructions import instructions

# Statements written for these tests in the style of real recall and outage notices.
RECALL_ES = ("Si tenéis en casa cruasanes rellenos comprados el sábado, no los consumáis si "
             "alguien tiene alergia a los frutos secos y devolvedlos en cualquier tienda. "
             "Lo sentimos mucho: hemos confirmado que una bandeja con crema de almendra se "
             "etiquetó como «sin frutos secos». Hemos retirado toda la bollería de ese día y os "
             "devolvemos el importe. Actualizaremos este aviso a las 14:00.")
RECALL_USTED_ES = ("Si compró cruasanes el sábado, no los consuma si tiene alergia a los frutos "
                   "secos y compruebe el lote en la etiqueta. Si nota síntomas, llame al 112.")
RECALL_EN = ("If you bought filled croissants on Saturday, do not eat them if anyone in your "
             "home has a nut allergy, and bring them back to any of our shops. We are sorry: we "
             "have confirmed that a tray with almond cream was labelled nut-free. We have removed "
             "everything baked that day and we will refund you. Next update at 2 pm.")
OUTAGE_EN = ("If your dashboards do not load, don't re-run month-end exports: check "
             "status.example.com before retrying. We know this is your closing day and we are "
             "sorry. Our cloud provider has an incident in its European region and we are working "
             "with them to restore service. Next update at 11:30.")
OUTAGE_ES = ("Si los paneles no cargan, no repitáis las exportaciones del cierre: comprobad la "
             "página de estado antes de volver a intentarlo. Sabemos que hoy cerráis el mes y lo "
             "sentimos. Nuestro proveedor de nube tiene una incidencia en la región europea y "
             "estamos trabajando para restablecer el servicio. Actualizaremos a las 11:30.")


def _play(scenario="cafe-allergen-recall", lang="es", turns=0):
    ex = Exercise(scenario, lang=lang, seed=3, graph_size=300)
    for _ in range(turns):
        ex.act([])
    return ex


def _codes(review, level=None):
    return {f.code for f in review.findings if level is None or f.level == level}


# --- 21.1 a reply answers the post it is written to ------------------------------------

def test_a_reply_is_checked_against_the_post_it_answers():
    ex = _play(turns=2)  # minute 30: @marc_ruzafa asked at minute 20
    marc = next(p for p in ex.posts() if p["author"] == "@marc_ruzafa")
    text = ("@marc_ruzafa eran del sábado: no los consumáis si hay alergia y os devolvemos el "
            "dinero de esos cruasanes en tienda.")
    review = ex.check_text(text, kind="reply", channel="instagram", reply_to=marc["id"])
    messages = " ".join(f.message("es") for f in review.findings)
    assert "@laura_ruzafa" not in messages
    assert "reply.address" not in _codes(review, "warning")
    ex.act([{"kind": "reply", "channel": "instagram", "text": text, "reply_to": marc["id"]}])
    action = next(e for e in ex.timeline() if e["kind"] == "action:reply")
    assert action["reply_to"] == "@marc_ruzafa"


def test_an_english_reply_to_another_customer_is_not_told_to_name_the_first():
    ex = _play("saas-cloud-outage", "en", turns=2)
    sinead = next(p for p in ex.posts() if p["author"] == "@cfo_sinead")
    review = ex.check_text("@cfo_sinead we're sorry: the dashboards are down for everyone. "
                           "We'll update you here by 11:30.", kind="reply", channel="x",
                           reply_to=sinead["id"])
    assert not any("@fin_ops_niamh" in f.message("en") for f in review.findings)


def test_a_reply_to_a_post_that_has_not_arrived_is_refused():
    ex = _play()
    with pytest.raises(ExerciseInputError) as err:
        ex.check_text("Hola", kind="reply", reply_to="peak-0")
    assert "peak-0" in err.value.message("es")


def test_a_reply_in_the_exercise_has_its_time_measured():
    ex = _play(turns=1)  # "Faltan la hora de llegada…" was shown before
    review = ex.check_text("@laura_ruzafa lo sentimos mucho, te escribimos por privado.",
                           kind="reply", reply_to="opening")
    assert not any(f.message_key.endswith("timeliness_skipped") for f in review.findings)


# --- 21.2 a statement is a statement -----------------------------------------------------

def test_a_statement_is_not_checked_as_a_reply():
    ex = _play()
    review = ex.check_text(RECALL_ES, kind="statement", channel="instagram", strategy="apology")
    assert not {c for c in _codes(review) if c.startswith("reply.")}
    assert review.score >= 90, [f.message("es") for f in review.findings if not f.ok]


def test_statement_rules_safety_structure_strategy_and_length():
    cafe = load_scenario("cafe-allergen-recall")
    bare = check_statement("Lo sentimos mucho por lo ocurrido.", scenario=cafe, lang="es",
                           network="instagram", strategy="apology")
    assert "statement.safety" in _codes(bare, "error")
    structure = next(f for f in bare.findings if f.code == "statement.structure")
    assert set(structure.value) == {"know", "act", "update"}
    mixed = check_statement("No los consumáis. Es un bulo, pero pedimos disculpas.",
                            scenario=cafe, lang="es", network="instagram", strategy="apology")
    assert "statement.strategy" in _codes(mixed, "error")
    denial = check_statement(RECALL_ES, scenario=cafe, lang="es", network="instagram",
                             strategy="denial")
    assert "statement.strategy" in _codes(denial, "error")  # refunds, tagged as denial
    strategy = next(f for f in denial.findings if f.code == "statement.strategy")
    assert "devolvemos el importe" in strategy.message("es")
    holding = check_statement("No los consumáis si hay alergia. Es falso que fuera la crema.",
                              scenario=cafe, lang="es", network="instagram", strategy="denial")
    assert "statement.strategy" in _codes(holding, "warning")  # SCCT: never deny here
    long = check_statement(" ".join([RECALL_ES] * 3), scenario=cafe, lang="es",
                           network="instagram", strategy="apology")
    assert "statement.length" in _codes(long, "warning")
    on_x = check_statement(RECALL_ES, scenario=cafe, lang="es", network="x", strategy="apology")
    assert "post.length" in _codes(on_x, "error")  # over X's 280 characters
    web = check_statement(" ".join([RECALL_ES] * 3), scenario=cafe, lang="es", network=None,
                          strategy="apology")
    assert "statement.length" not in _codes(web)  # the website has no feed length


def test_every_statement_finding_renders_in_both_languages():
    cafe = load_scenario("cafe-allergen-recall")
    for text in (RECALL_ES, "Es un bulo. Pedimos disculpas.", "Hola", " ".join([RECALL_ES] * 3)):
        for lang in ("es", "en"):
            for f in check_statement(text, scenario=cafe, lang=lang, network="x").findings:
                assert "{" not in f.message(lang) and "crisis.statement." not in f.message(lang)


# --- 21.3 safety instructions recognised and credited ------------------------------------

@pytest.mark.parametrize(("text", "lang"), [(RECALL_ES, "es"), (RECALL_USTED_ES, "es"),
                                            (RECALL_EN, "en"), (OUTAGE_EN, "en"),
                                            (OUTAGE_ES, "es")])
def test_real_recall_and_outage_statements_instruct_in_their_first_sentence(text, lang):
    found = instructions(text, lang)
    assert found and found[0].sentence == 0


@pytest.mark.parametrize(("text", "lang", "found"), [
    ("Si recibís un correo que parece nuestro, no respondáis y borradlo.", "es",
     ["no respondáis", "borradlo"]),
    ("Cambie su contraseña y revise los accesos de su cuenta.", "es", ["Cambie", "revise"]),
    ("Please change your password and enable two-step sign-in.", "en", ["change", "enable"]),
    ("Stop using the export until 11:30, and check the status page.", "en",
     ["Stop using", "check"]),
])
def test_data_leak_and_outage_instructions_in_both_languages(text, lang, found):
    assert [i.words for i in instructions(text, lang)] == found


@pytest.mark.parametrize(("text", "lang"), [
    ("La tienda abre y revisa los lotes cada mañana.", "es"),
    ("We checked the logs and found the cause.", "en"),
    ("Sabemos lo que ha pasado y lo estamos revisando.", "es"),
    ("La tienda comprueba los lotes cada mañana.", "es"),
    ("We do not know the cause yet. We are looking into it.", "en"),
    ("Our team checks every batch.", "en"),
])
def test_statements_of_fact_are_not_instructions(text, lang):
    assert instructions(text, lang) == []


def test_the_reply_checker_credits_safety_first_in_a_recall():
    message = load_scenario("cafe-allergen-recall").opening.text.get("es", org="el horno")
    review = check_reply("Si tenéis en casa cruasanes del sábado, no los consumáis si hay "
                         "alergia. Lo sentimos mucho.", message=message, lang="es",
                         network="instagram", category="crisis_signal", crisis=True)
    safety = next(f for f in review.findings if f.code == "reply.crisis_safety")
    assert safety.level == "ok"
    assert review.score > 40  # the error cap no longer applies


@pytest.mark.parametrize(("scenario", "lang", "text", "strategy"), [
    ("cafe-allergen-recall", "es", RECALL_ES, "apology"),
    ("saas-cloud-outage", "en", OUTAGE_EN, "excuse"),
])
def test_the_debrief_credits_a_statement_that_tells_people_what_to_do(scenario, lang, text,
                                                                      strategy):
    ex = _play(scenario, lang)
    ex.act([{"kind": "statement", "strategy": strategy, "channel": ex.scenario.network,
             "lang": lang, "text": text}])
    fit = next(c for c in score_run(ex.scenario, ex.turns_for_workbook()).components
               if c.name == "fit")
    assert fit.finding.message_key != "crisis.fit.no_instructing"
    assert fit.value > 0.5


# --- 21.4 turns: each post once, never ahead of the clock, a timeline that grows ----------

@settings(max_examples=25, deadline=None)
@given(st.sampled_from(list_scenarios()), st.sampled_from((5, 10, 15, 20, 30)),
       st.sampled_from(("es", "en")))
def test_turns_show_each_item_once_and_never_ahead_of_the_clock(scenario, minutes, lang):
    ex = Exercise(scenario, lang=lang, seed=1, graph_size=200, minutes_per_turn=minutes)
    seen, timeline = [], []
    while True:
        incoming = ex.incoming()
        assert all(item["minute"] <= ex.minute for item in incoming)
        seen += [item["id"] for item in incoming]
        now = ex.timeline()
        assert [e["id"] for e in timeline if "id" in e] == \
            [e["id"] for e in now if "id" in e][:len([e for e in timeline if "id" in e])]
        timeline = now
        if ex.done:
            break
        ex.act([])
    assert len(seen) == len(set(seen))
    assert set(seen) == {i["id"] for i in ex.arrivals()}


def test_earlier_actions_stay_on_the_timeline():
    ex = _play()
    ex.act([{"kind": "statement", "strategy": "apology", "channel": "instagram",
             "text": RECALL_ES}])
    ex.act([])
    ex.act([{"kind": "reply", "channel": "instagram", "reply_to": "opening",
             "text": "@laura_ruzafa lo sentimos mucho, te escribimos por privado."}])
    kinds = [e["kind"] for e in ex.timeline()]
    assert kinds.count("action:statement") == 1 and kinds.count("action:reply") == 1
    minutes = [e["minute"] for e in ex.timeline()]
    assert minutes == sorted(minutes)


# --- the app wires it: choose the post, publish a statement, a timeline that grows -------

def test_the_app_replies_to_the_chosen_post_and_keeps_the_timeline(workspace):
    from cmtraining.apps.crisis import build_app
    from cmtraining.runtime.session import open_session
    from cmtraining.runtime.workspace import create_workbook

    entry = create_workbook("Iván", "cafe", lang="es")
    app = build_app(open_session("05-crisis", workbook=entry.id, lang="es", graph_size=400,
                                 prefill=True), debrief_runs=10)
    player = app.player
    player.start.click()
    assert player.reply_to.layout.display == "none"  # a statement answers nobody
    player.kind.value, player.strategy.value, player.text.value = "statement", "apology", RECALL_ES
    player.add.click()
    assert "Revisado como comunicado público" in player.pending_view.value
    assert "No nombras" not in player.pending_view.value
    player.end_turn.click()
    player.end_turn.click()  # minute 30: @marc_ruzafa has asked
    assert player.reply_to.layout.display == "none"
    player.kind.value = "reply"
    assert player.reply_to.layout.display is None and player.strategy.layout.display == "none"
    marc = next(v for label, v in player.reply_to.options if label.startswith("@marc_ruzafa"))
    player.reply_to.value = marc
    player.text.value = "@marc_ruzafa eran del sábado: no los consumáis y os devolvemos el dinero."
    player.add.click()
    assert "Revisado como respuesta a @marc_ruzafa" in player.pending_view.value
    assert "laura_ruzafa" not in player.pending_view.value
    assert "Faltan la hora" not in player.pending_view.value
    player.end_turn.click()
    feed = player.inbox.value
    assert "no los consumáis si" in feed  # the turn-1 statement is still there
    assert "a @marc_ruzafa" in feed
    assert feed.count("¿de qué día eran esos cruasanes?") == 1  # each post once


@pytest.mark.parametrize(("lang", "grouped"), [("es", "1.200"), ("en", "1,200")])
def test_the_live_chart_spans_the_exercise_and_writes_numbers_in_the_readers_language(
        lang, grouped):
    import pandas as pd

    from cmtraining.apps.crisis_charts import live_figure

    ex = _play(lang=lang)
    first = live_figure(ex.live(), lang, ex.duration)
    ax = first.axes[0]
    assert ax.get_xlim() == (0, ex.duration)  # not one bar from -2 to +2 minutes
    assert ax.get_legend() is None and first.legends  # the legend sits outside the plot
    big = pd.DataFrame({"run": 0, "minute": [0, 5, 10], "new_negative": [10, 40, 90],
                        "outraged": [300, 1200, 2500], "calmed": [0, 10, 30],
                        "negative_reach": [1000, 5000, 12000]})
    fig = live_figure(big, lang, 240)
    fig.canvas.draw()
    labels = [tick.get_text() for tick in fig.axes[0].get_yticklabels()]
    assert grouped in labels


def test_lo_sentimos_voices_a_chosen_apology_but_does_not_contradict_an_excuse():
    cafe, outage = load_scenario("cafe-allergen-recall"), load_scenario("saas-cloud-outage")
    apology = check_statement("No los consumáis si hay alergia. Lo sentimos mucho.",
                              scenario=cafe, lang="es", network="instagram", strategy="apology")
    assert next(f for f in apology.findings if f.code == "statement.strategy").ok
    excuse = check_statement(OUTAGE_EN, scenario=outage, lang="en", network="x",
                             strategy="excuse")
    assert next(f for f in excuse.findings if f.code == "statement.strategy").ok


def test_the_english_app_checks_an_outage_statement_as_a_statement(workspace):
    from cmtraining.apps.crisis import build_app
    from cmtraining.runtime.session import open_session
    from cmtraining.runtime.workspace import create_workbook

    entry = create_workbook("Niamh", "saas", lang="en")
    app = build_app(open_session("05-crisis", workbook=entry.id, lang="en", graph_size=400,
                                 prefill=True), debrief_runs=10)
    player = app.player
    player.start.click()
    assert player.channel.value == "x"  # where the outage broke out
    player.kind.value, player.strategy.value, player.text.value = "statement", "excuse", OUTAGE_EN
    player.add.click()  # 290 characters: too long for X
    assert "10 too many for the maximum of 280" in player.pending_view.value
    player.pending.clear()
    player.channel.value = "website"
    player.text.value = OUTAGE_EN
    player.add.click()
    pending = player.pending_view.value
    assert "Checked as a public statement" in pending and "You do not name" not in pending
    assert "no statement" not in pending.lower()
    assert player.pending[0]["_review"].score >= 90


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=300), st.sampled_from(("es", "en")),
       st.sampled_from(("instagram", "x", None)),
       st.sampled_from((None, "apology", "denial", "excuse", "instructing")))
def test_any_statement_is_reviewed_and_renders(text, lang, network, strategy):
    review = check_statement(text, scenario=load_scenario("cafe-allergen-recall"), lang=lang,
                             network=network, strategy=strategy)
    assert 0 <= review.score <= 100
    for finding in review.findings:
        assert finding.message(lang) and "{" not in finding.message(lang)
    assert all(i.words for i in instructions(text, lang))
