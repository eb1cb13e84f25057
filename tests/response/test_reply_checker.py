"""The reply checker: what a trainer would say about a trainee's public reply."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cmtraining.core.errors import CmtrainingError, UnknownLanguageError
from cmtraining.i18n import forms, placeholders
from cmtraining.response import ReplyInputError, ReplyReview, check_reply
from cmtraining.response.replies import CATEGORIES
from cmtraining.response.reply_rules import service_minutes
from cmtraining.workbook.models import StyleGuide
from cmtraining.workbook.sections_response import ResponsePlaybook, ResponseRule, ServiceHours

COMPLAINT_ES = ("@LaTahona mi pedido de ayer llegó con dos días de retraso y el pan estaba duro. "
                "Vaya servicio.")
GOOD_ES = ("Hola, Marta. Sentimos mucho el retraso de tu pedido y que el pan llegara duro: no es lo "
           "que esperabas. Te escribimos ahora por mensaje directo para reponerte el pedido.")
COMPLAINT_EN = "My order arrived two days late and the bread was stale."
GOOD_EN = ("Hi Tom, we're sorry your order arrived two days late and the bread was stale. "
           "We'll DM you now to arrange a replacement.")
ONE_HOUR = ResponsePlaybook(rules=[ResponseRule(category="complaint", max_hours=1)])


def by_code(review: ReplyReview) -> dict:
    return {f.code: f for f in review.findings}


def levels(review: ReplyReview) -> dict:
    return {f.code: f.level for f in review.findings}


# --- examples a trainer would agree with ------------------------------------------------


def test_a_good_complaint_reply_scores_high_in_both_languages():
    es = check_reply(GOOD_ES, message=COMPLAINT_ES, author="Marta López (@martalo)")
    assert es.score >= 90 and not es.errors
    assert levels(es)["reply.empathy"] == "ok" and levels(es)["reply.answer"] == "ok"
    assert levels(es)["reply.address"] == "ok" and levels(es)["reply.specifics"] == "ok"
    en = check_reply(GOOD_EN, message=COMPLAINT_EN, lang="en", author="Tom (@tomk)")
    assert en.score >= 90 and not en.errors


def test_thanks_for_your_message_to_a_question_scores_low():
    review = check_reply("Gracias por tu mensaje.", message="¿A qué hora abrís el sábado?",
                         category="question", author="@pepe")
    answer = by_code(review)["reply.answer"]
    assert answer.level == "error" and review.score <= 40
    assert "enlace" in answer.message("es") and "link" in answer.message("en")
    good = check_reply("Hola, Pepe. El sábado abrimos de 9:00 a 14:00. ¡Te esperamos!",
                       message="¿A qué hora abrís el sábado?", category="question", author="@pepe")
    assert levels(good)["reply.answer"] == "ok" and good.score > review.score + 40
    en = check_reply("Thanks for your message.", message="What time do you open on Saturday?",
                     category="question", lang="en")
    assert levels(en)["reply.answer"] == "error" and en.score <= 40


def test_a_complaint_without_a_next_step_is_flagged():
    review = check_reply("Hola, Marta. Sentimos el retraso del pedido.", message=COMPLAINT_ES,
                         author="Marta")
    assert levels(review)["reply.answer"] == "warning"
    assert review.components["answer"] == 0


def test_asking_for_an_id_and_phone_in_public_is_an_error():
    review = check_reply("Hola, Marta, sentimos el retraso. ¿Nos pasas tu DNI y teléfono?",
                         message=COMPLAINT_ES, author="Marta")
    privacy = by_code(review)["reply.privacy"]
    assert privacy.level == "error" and {"dni", "telefono"} <= set(privacy.value)
    assert "privado" in privacy.message("es") and "private" in privacy.message("en")
    assert review.score <= 40 and review.capped
    moved = check_reply("Hola, Marta, sentimos el retraso. Escríbenos por DM con tu número de pedido "
                        "y lo revisamos hoy.", message=COMPLAINT_ES, author="Marta")
    assert levels(moved)["reply.privacy"] == "ok"
    en = check_reply("Sorry Tom. Can you send us your phone number and email address?",
                     message=COMPLAINT_EN, lang="en", author="Tom")
    assert levels(en)["reply.privacy"] == "error"


def test_personal_data_in_the_message_must_not_be_repeated():
    message = "No me llega nada. Escribidme a ana.gil@example.com o al 612 345 678."
    exposed = check_reply("Hola, Ana. Sentimos el problema: te escribimos por mensaje privado.",
                          message=message, author="Ana")
    assert levels(exposed)["reply.privacy_repeat"] == "info"  # moved to private: advised only
    ignored = check_reply("Hola, Ana. Lo revisamos hoy mismo.", message=message, author="Ana")
    assert levels(ignored)["reply.privacy_repeat"] == "warning"
    repeated = check_reply("Hola, Ana. Te llamamos al 612 345 678 hoy mismo.", message=message,
                           author="Ana")
    finding = by_code(repeated)["reply.privacy_repeat"]
    assert finding.level == "error" and "612345678" in finding.value
    assert "teléfono" in finding.message("es") and "phone" in finding.message("en")


def test_unfilled_placeholders_are_an_error():
    for reply in ("Hola {name}, sentimos el retraso. Te escribimos por DM.",
                  "Hola [NOMBRE], sentimos el retraso. Te escribimos por DM.",
                  "Hi {{first_name}}, we're sorry. We'll DM you.",
                  "Hola <nombre>, sentimos el retraso. Te escribimos por DM."):
        review = check_reply(reply, message=COMPLAINT_ES, author="Marta")
        assert levels(review)["reply.placeholder"] == "error", reply
        assert review.components["personalization"] == 0 and review.score <= 40
    # "name" inside the slot is not reported as a typo on top of the error
    assert levels(check_reply("Hola {name}, te escribimos por DM.", message=COMPLAINT_ES))[
        "reply.spelling"] == "ok"


def test_the_author_is_greeted_by_name_or_handle():
    for author in ("@markp", "Mark Pine", "markp", "Mark (@mp_77)"):
        review = check_reply("Hi Mark, sorry about the late order. We'll DM you today.",
                             message=COMPLAINT_EN, lang="en", author=author)
        assert levels(review)["reply.address"] == "ok", author
    missing = check_reply("Sorry about the late order. We'll DM you today.", message=COMPLAINT_EN,
                          lang="en", author="@markp")
    assert levels(missing)["reply.address"] == "warning"
    assert "@markp" in by_code(missing)["reply.address"].message("es")


def test_a_reply_in_the_other_language_is_checked_in_it_and_told_to_switch():
    """A Spanish reply to an English complaint: its empathy counts, its words are not typos."""
    message = "didn't expect this from @horno, the pastries were stale"
    spanish = ("Hola, @grace, sentimos mucho lo de la bollería; no es lo que queremos. "
               "Te escribimos hoy por privado para resolverlo.")
    review = check_reply(spanish, message=message, lang="en", author="Grace Díaz (@grace)")
    codes = {x.code: x for x in review.findings}
    assert codes["reply.language"].level == "warning"
    assert "inglés" in codes["reply.language"].message("es")
    assert codes["reply.empathy"].ok and codes["reply.spelling"].ok and codes["reply.address"].ok
    english = ("Hi @grace, we're so sorry the pastries were stale, that's not what we want. "
               "We'll message you privately today to make it right.")
    answer = check_reply(english, message=message, lang="en", author="Grace Díaz (@grace)")
    assert "reply.language" not in {x.code for x in answer.findings}
    assert answer.score > review.score > check_reply("ok", message=message, lang="en").score
    # a name or a short "ok, gracias" does not count as a reply in the other language
    assert "reply.language" not in {x.code for x in check_reply(
        "Ok, gracias", message=message, lang="en").findings}


def test_blaming_and_boilerplate_are_flagged():
    review = check_reply("Como ya dijimos, deberías haber leído las condiciones. Cálmate.",
                         message=COMPLAINT_ES)
    assert levels(review)["reply.blame"] == "error" and levels(review)["reply.defensive"] == "warning"
    assert review.components["empathy"] == 0
    en = check_reply("Sorry for any inconvenience, Tom. We'll DM you.", message=COMPLAINT_EN,
                     lang="en", author="Tom")
    assert levels(en)["reply.boilerplate"] == "warning"


def test_praise_calls_for_thanks():
    message = "¡Qué rico el roscón de la Tahona! Volveremos."
    assert levels(check_reply("¡Nos alegra que te gustara el roscón, Lucía! Gracias por contarlo.",
                              message=message, category="praise", author="Lucía"))[
        "reply.empathy"] == "ok"
    assert levels(check_reply("Vale.", message=message, category="praise"))["reply.empathy"] == "warning"


def test_late_reply_against_a_one_hour_rule():
    monday = datetime(2026, 3, 2, 10, 0)
    late = check_reply(GOOD_ES, message=COMPLAINT_ES, author="Marta", playbook=ONE_HOUR,
                       received=monday, replied=monday + timedelta(hours=2))
    finding = by_code(late)["reply.timeliness"]
    assert finding.level == "warning" and finding.value == 120
    assert "2 h" in finding.message("es") and "1 h" in finding.message("en")
    assert 0 < late.components["timeliness"] < 1
    on_time = check_reply(GOOD_ES, message=COMPLAINT_ES, author="Marta", playbook=ONE_HOUR,
                          received=monday, replied=monday + timedelta(minutes=35))
    assert levels(on_time)["reply.timeliness"] == "ok" and on_time.score > late.score


def test_outside_service_hours_the_clock_starts_at_the_next_opening():
    friday_night, monday = datetime(2026, 3, 6, 22, 0), datetime(2026, 3, 9)
    review = check_reply(GOOD_ES, message=COMPLAINT_ES, author="Marta", playbook=ONE_HOUR,
                         received=friday_night, replied=monday.replace(hour=9, minute=40))
    finding = by_code(review)["reply.timeliness"]
    assert finding.level == "ok" and finding.value == 40
    # each reader's clock: 24 hours in Spanish, AM/PM in English (sweep 3)
    assert "fuera del horario" in finding.message("es") and "lun–vie 9:00–18:00" in finding.message("es")
    assert "outside service hours" in finding.message("en")
    assert "9:00\u202fAM–6:00\u202fPM" in finding.message("en"), finding.message("en")
    late = check_reply(GOOD_ES, message=COMPLAINT_ES, author="Marta", playbook=ONE_HOUR,
                       received=friday_night, replied=monday.replace(hour=11))
    assert by_code(late)["reply.timeliness"].value == 120
    # without a playbook the default norm (a sourced survey) runs on the wall clock
    default = check_reply(GOOD_ES, message=COMPLAINT_ES, received=friday_night,
                          replied=monday.replace(hour=9, minute=40))
    assert by_code(default)["reply.timeliness"].level == "warning"
    assert "2013" in by_code(default)["reply.timeliness"].message("es")


def test_service_minutes_counts_whole_weeks_exactly():
    hours = ServiceHours(days=[0, 1, 2, 3, 4], start="09:00", end="18:00")
    start = datetime(2026, 3, 2, 9, 0)  # a Monday at opening
    assert service_minutes(start, start + timedelta(days=7), hours) == 5 * 9 * 60
    assert service_minutes(start, start + timedelta(days=70), hours) == 50 * 9 * 60
    saturday = datetime(2026, 3, 7, 12, 0)
    assert service_minutes(saturday, saturday + timedelta(hours=30), hours) == 0
    aware = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
    assert service_minutes(aware, aware + timedelta(hours=17), hours) == 60 + 60
    madrid = timezone(timedelta(hours=1))  # the reply logged on another clock: same instant rules
    replied = (aware + timedelta(minutes=30)).astimezone(madrid)
    assert service_minutes(aware, replied, hours) == 30


def test_a_crisis_reply_mixing_deny_and_rebuild_is_flagged():
    message = "Mi hijo acabó en urgencias con una intoxicación tras comer vuestra tarta."
    mixed = check_reply("No es cierto que haya intoxicaciones. Pedimos disculpas y compensaremos a "
                        "los afectados.", message=message, category="crisis_signal", crisis=True)
    assert levels(mixed)["reply.crisis_mix"] == "error"
    assert levels(mixed)["reply.crisis_safety"] == "error"  # no safety information at all
    assert "Coombs" in by_code(mixed)["reply.crisis_mix"].rule("en")
    good = check_reply("No consumas la tarta del lote 24B y, si hay síntomas, acude a urgencias o "
                       "llama al 112. Lo sentimos mucho: te escribimos por mensaje privado.",
                       message=message, category="crisis_signal", crisis=True)
    assert {levels(good)[c] for c in ("reply.crisis_mix", "reply.crisis_safety",
                                      "reply.crisis_apology")} == {"ok"}
    assert good.score >= 85 and "crisis" in good.weights
    en = check_reply("That is not true and not our fault. We apologise and will refund everyone.",
                     message="My kid got food poisoning from your cake", lang="en",
                     category="crisis_signal", crisis=True)
    assert levels(en)["reply.crisis_mix"] == "error"


def test_style_guide_words_to_avoid_register_and_emoji():
    style = StyleGuide(words_avoid=["low cost"], formality="formal", emoji_policy="none")
    review = check_reply("Hola, Marta, tío, sentimos el retraso del pedido low cost 😅. Te escribimos "
                         "por DM.", message=COMPLAINT_ES, author="Marta", style=style)
    found = levels(review)
    assert found["reply.words_avoid"] == found["reply.register"] == found["reply.emoji"] == "warning"
    assert review.components["style"] < 0.5
    assert "low cost" in by_code(review)["reply.words_avoid"].message("es")


def test_long_replies_and_the_network_limit():
    long = GOOD_ES + " " + " ".join(["Además revisaremos el reparto de tu barrio."] * 8)
    review = check_reply(long, message=COMPLAINT_ES, author="Marta", network="x")
    assert levels(review)["reply.length"] == "error" and review.components["brevity"] == 0
    roomy = check_reply(long, message=COMPLAINT_ES, author="Marta", network="facebook")
    assert levels(roomy)["reply.length"] == "ok" and levels(roomy)["reply.brevity"] == "warning"


def test_weights_are_shown_and_sum_to_one():
    review = check_reply(GOOD_ES, message=COMPLAINT_ES)
    assert sum(review.weights.values()) == pytest.approx(1, abs=1e-3)
    assert set(review.weights) == set(review.components)
    assert "timeliness" not in review.weights  # no times given: left out, not a pass
    data = review.as_dict("en")
    assert data["score"] == review.score and all("message" in f for f in data["findings"])


def test_empty_reply_is_one_error():
    for text in ("", "   \n"):
        review = check_reply(text, message=COMPLAINT_ES)
        assert [f.code for f in review.findings] == ["reply.empty"] and review.score == 0


# --- bad arguments -------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs", [
    {"lang": "fr"}, {"network": "myspace"}, {"category": "rant"}, {"network": None},
    {"playbook": {"rules": []}}, {"style": "formal"}, {"received": "2026-03-02"},
    {"received": datetime(2026, 3, 2, 10), "replied": datetime(2026, 3, 2, 9)},
    {"received": datetime(2026, 3, 2, 10), "replied": datetime(2026, 3, 2, 11, tzinfo=UTC)},
])
def test_bad_arguments_raise_the_package_error(kwargs):
    with pytest.raises(CmtrainingError) as info:
        check_reply("Hola", message="Hola", **kwargs)
    for lang in ("es", "en"):
        text = info.value.message(lang)
        assert text and not text.startswith("response.reply.") and "{" not in text


def test_bad_values_name_the_allowed_ones():
    with pytest.raises(ReplyInputError) as info:
        check_reply("Hola", message="Hola", category="rant")
    assert "rant" in str(info.value) and "complaint" in str(info.value)
    with pytest.raises(UnknownLanguageError):
        check_reply("Hola", message="Hola", lang="fr")
    with pytest.raises(ReplyInputError):
        check_reply(None, message="Hola")  # type: ignore[arg-type]


# --- properties --------------------------------------------------------------------------

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=400)
WORDS = st.lists(st.sampled_from(["hola", "Marta", "sentimos", "pedido", "DNI", "{name}", "DM",
                                  "¿", "?", "no es cierto", "pedimos disculpas", "😅", "112",
                                  "612 345 678", "a@b.es", "https://x.es", "cálmate", "gracias",
                                  "\n", ".", "retraso", "sorry", "we'll DM you"]),
                 max_size=30).map(" ".join)


def _renders(review: ReplyReview) -> None:
    for f in review.findings:
        params = set(f.params)
        for lang in ("es", "en"):
            for key in (f.rule_key, f.message_key):
                assert forms(key, lang), key
                assert all(placeholders(text) <= params for text in forms(key, lang)), (key, params)
            assert f.message(lang) and f.rule(lang)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reply=st.one_of(TEXT, WORDS), message=st.one_of(TEXT, WORDS),
       category=st.sampled_from(CATEGORIES), lang=st.sampled_from(["es", "en"]),
       crisis=st.booleans(), author=st.one_of(st.none(), TEXT),
       minutes=st.one_of(st.none(), st.integers(0, 60 * 24 * 400)))
def test_any_text_gives_findings_and_a_bounded_deterministic_score(reply, message, category, lang,
                                                                    crisis, author, minutes):
    times = {}
    if minutes is not None:
        received = datetime(2026, 3, 6, 17, 30)
        times = {"received": received, "replied": received + timedelta(minutes=minutes),
                 "playbook": ONE_HOUR}
    review = check_reply(reply, message=message, lang=lang, category=category, author=author,
                         crisis=crisis, **times)
    assert review.findings and 0 <= review.score <= 100
    assert all(0 <= v <= 1 for v in review.components.values())
    assert review == check_reply(reply, message=message, lang=lang, category=category,
                                 author=author, crisis=crisis, **times)
    _renders(review)


def test_very_long_and_emoji_only_replies_do_not_crash():
    for reply in ("😅" * 5000, "🎉", "a" * 20000, "\u200b\u200d", "Hola " * 3000):
        review = check_reply(reply, message=COMPLAINT_ES, network="instagram")
        assert 0 <= review.score <= 100
        _renders(review)
