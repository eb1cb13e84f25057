"""The post checker: what a trainee relies on when reviewing a draft."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cmtraining.core.errors import CmtrainingError
from cmtraining.planning.posts import PostChecker, check_post, summary
from cmtraining.workbook.models import StyleGuide

NETWORKS = ["facebook", "instagram", "x", "linkedin", "tiktok", "youtube", "threads", "bluesky",
            "whatsapp_channels"]
LONG_ES = ("Este sábado abrimos las puertas de nuestra sede. Ven a conocer a las voluntarias "
           "y participa en los talleres para familias. Inscríbete en el enlace de la bio.")


def by_code(findings):
    return {f.code: f for f in findings}


def test_over_limit_x_post_is_an_error_naming_280():
    found = by_code(check_post("Hola " * 70, "x"))["post.length"]
    assert found.level == "error"
    assert found.value == 350
    for lang in ("es", "en"):
        assert "280" in found.message(lang) and "350" in found.message(lang)
    assert by_code(check_post("Hola " * 50, "x"))["post.length"].level == "ok"


def test_x_counts_a_link_as_23_characters():
    url = "https://example.org/" + "a" * 200
    assert by_code(check_post(f"Mira esto {url}", "x"))["post.length"].value == len("Mira esto ") + 23


def test_instagram_feed_preview_is_an_info():
    found = by_code(check_post(LONG_ES, "instagram"))["post.length"]
    assert found.level == "info" and "125" in found.message("es")


def test_typos_are_found_with_suggestions():
    found = by_code(check_post("Gracias a toda la organizacion por el apoyo.", "facebook"))["post.spelling"]
    assert found.level == "warning"
    assert "organizacion" in found.value
    assert "organización" in found.value["organizacion"]
    assert "organización" in found.message("es")
    en = by_code(check_post("Thanks to the whole team for teh support.", "facebook", lang="en"))
    assert "teh" in en["post.spelling"].value and "the" in en["post.spelling"].value["teh"]


def test_tags_mentions_links_names_and_inflections_are_not_typos():
    text = ("Gracias a @FundacionRaices y a Lucía Fernández por venir a Zaragoza: "
            "celebramos los talleres con las voluntarias. ¡Inscríbete y cuéntanos! "
            "#VoluntariadoXyz https://raices.org/jornadaqwe info@raices.org 2x1 ONGD 🎉")
    found = by_code(check_post(text, "facebook"))["post.spelling"]
    assert found.level == "ok", found.message("en")


def test_words_use_are_not_typos():
    style = StyleGuide(words_use=["Raicitas", "ecoaula"])
    assert by_code(check_post("Ven al ecoaula de las raicitas.", "x"))["post.spelling"].level == "warning"
    assert by_code(check_post("Ven al ecoaula de las raicitas.", "x", style=style))["post.spelling"].level == "ok"


def test_british_spelling_is_accepted_in_english():
    found = by_code(check_post("Our organisation helps the neighbourhood.", "x", lang="en"))
    assert found["post.spelling"].level == "ok"


def test_missing_call_to_action_is_flagged():
    assert by_code(check_post("Hoy hemos plantado veinte árboles en el parque.", "x"))["post.cta"].level == "warning"
    assert by_code(check_post("Inscríbete en el taller de mañana.", "x"))["post.cta"].level == "ok"
    assert by_code(check_post("We planted twenty trees in the park today.", "x", lang="en"))["post.cta"].level == "warning"
    found = by_code(check_post("Sign up for tomorrow's workshop.", "x", lang="en"))["post.cta"]
    assert found.level == "ok" and "sign up" in found.message("en")


def test_emoji_policy_none_flags_emojis():
    text = "Inscríbete en el taller 🎉🌱"
    none = by_code(check_post(text, "x", style=StyleGuide(emoji_policy="none")))["post.emoji"]
    assert none.level == "warning" and none.value == ["🎉", "🌱"]
    assert "🎉" in none.message("es")
    assert by_code(check_post(text, "x", style=StyleGuide(emoji_policy="free")))["post.emoji"].level == "ok"
    many = by_code(check_post(text + "🎉🎉🎉", "x"))["post.emoji"]  # default: moderate
    assert many.level == "warning" and "3" in many.message("en")


def test_politics_flagged_under_neutrality():
    text = "Las elecciones del domingo deciden el futuro del barrio. Vota."
    found = by_code(check_post(text, "x"))["post.sensitive"]
    assert found.level == "warning" and "elecciones" in found.message("es")
    assert "political" in found.message("en")
    relaxed = StyleGuide(neutral_on_politics_religion=False)
    assert "post.sensitive" not in by_code(check_post(text, "x", style=relaxed))
    tagged = by_code(check_post("Hoy hablamos de #Elecciones2026", "x"))["post.sensitive"]
    assert tagged.level == "warning"
    en = by_code(check_post("Join our church picnic.", "x", lang="en"))["post.sensitive"]
    assert en.level == "warning" and "religious" in en.message("en")


def test_words_avoid_flagged():
    style = StyleGuide(words_avoid=["barato", "low cost"])
    found = by_code(check_post("Un taller barato y low cost. Apúntate.", "x", style=style))["post.words_avoid"]
    assert found.level == "warning" and found.value == ["barato", "low cost"]
    assert "«barato»" in found.message("es")
    clean = by_code(check_post("Un taller gratuito. Apúntate.", "x", style=style))["post.words_avoid"]
    assert clean.level == "ok"


def test_register_markers():
    formal = StyleGuide(formality="formal")
    found = by_code(check_post("Tío, el taller de hoy ha sido guay. Apúntate.", "x", style=formal))["post.register"]
    assert found.level == "warning" and "guay" in found.message("es")
    informal = StyleGuide(formality="informal")
    found = by_code(check_post("Le invitamos a nuestro taller. Inscríbase.", "x", style=informal))["post.register"]
    assert found.level == "warning" and "inscribase" in found.value
    assert "post.register" not in by_code(check_post("Tío, guay.", "x"))  # neutral: no check


def test_readability_names_the_formula():
    es = by_code(check_post(LONG_ES, "facebook"))["post.readability"]
    assert es.level in ("ok", "info", "warning") and isinstance(es.value, float)
    assert "Fernández Huerta" in es.message("es") and "Fernández Huerta" in es.message("en")
    en = by_code(check_post("This Saturday we open our doors. Come and meet the volunteers "
                            "and join the family workshops.", "facebook", lang="en"))["post.readability"]
    assert "Flesch" in en.message("en")
    hard = ("La implementación de metodologías participativas interdisciplinares posibilita "
            "la consolidación de estructuras organizativas significativamente más eficientes "
            "y socialmente comprometidas con la transformación comunitaria.")
    assert by_code(check_post(hard, "facebook"))["post.readability"].level == "warning"
    assert by_code(check_post("Hola a todos.", "x"))["post.readability"].level == "info"


def test_readability_matches_textstat_fernandez_huerta():
    import textstat

    textstat.set_lang("es")
    expected = textstat.fernandez_huerta(LONG_ES)
    assert by_code(check_post(LONG_ES, "facebook"))["post.readability"].value == pytest.approx(expected, abs=1.5)


def test_hashtags_mentions_and_links_per_network():
    assert by_code(check_post("Ven #a #b #c", "x"))["post.hashtags"].level == "warning"
    assert by_code(check_post("Ven #a #b", "x"))["post.hashtags"].level == "ok"
    six = by_code(check_post("Ven #a #b #c #d #e #f", "instagram"))["post.hashtags"]
    assert six.level == "error" and "5" in six.message("es")
    assert by_code(check_post("Gracias @a @b @c @d", "x"))["post.mentions"].level == "warning"
    link = by_code(check_post("Inscríbete en https://raices.org", "instagram"))["post.links"]
    assert link.level == "warning" and "bio" in link.message("es")
    assert by_code(check_post("Inscríbete en https://raices.org", "facebook"))["post.links"].level == "ok"
    assert by_code(check_post("Mira raices.org y www.otra.es", "facebook"))["post.links"].value == [
        "raices.org", "www.otra.es"]


def test_empty_post_is_one_clear_error():
    for text in ("", "   \n "):
        (found,) = check_post(text, "x")
        assert found.code == "post.empty" and found.level == "error"
        assert "vacía" in found.message("es") and "empty" in found.message("en")


@pytest.mark.parametrize("text, network, lang, fragment", [
    (None, "x", "es", "NoneType"),
    (42, "x", "es", "int"),
    ("Hola", "myspace", "es", "myspace"),
    ("Hola", "x", "fr", "fr"),
])
def test_bad_input_is_a_clear_error(text, network, lang, fragment):
    with pytest.raises(CmtrainingError) as info:
        check_post(text, network, lang=lang)
    assert fragment in str(info.value)
    assert fragment in info.value.message("en")
    assert not str(info.value).startswith("planning.post.")


def test_bad_style_is_a_clear_error():
    with pytest.raises(CmtrainingError):
        check_post("Hola", "x", style={"emoji_policy": "none"})


def noisy_findings():
    style = StyleGuide(formality="formal", words_avoid=["barato"], emoji_policy="none")
    text = ("Tío, las elecciones y la iglesia: taller barato en la organizacion!!! "
            "https://a.org https://b.org @a @b @c @d @e @f #a #b #c #d #e #f #g 🎉🎉🎉🎉 " * 3)
    out = []
    for net in NETWORKS:
        out += check_post(text, net, style=style)
        out += check_post("Hola", net, lang="en", style=StyleGuide(formality="informal"))
        out += check_post("", net)
        out += check_post(LONG_ES, net)
    return out


def test_every_finding_renders_in_both_languages():
    findings = noisy_findings()
    assert {"error", "warning", "info", "ok"} <= {f.level for f in findings}
    codes = {f.code for f in findings}
    assert {"post.length", "post.spelling", "post.hashtags", "post.mentions", "post.links",
            "post.readability", "post.emoji", "post.cta", "post.sensitive", "post.words_avoid",
            "post.register", "post.empty"} <= codes
    for f in findings:
        for lang in ("es", "en"):
            for text in (f.message(lang), f.rule(lang)):
                assert text and "post." not in text and "{" not in text, (f.code, lang, text)
        assert f.message("es") != f.message("en")


def test_summary_counts_levels():
    counts = summary(check_post("", "x"))
    assert counts == {"error": 1, "warning": 0, "info": 0, "ok": 0}


def test_checker_instance_matches_check_post():
    checker = PostChecker("en")
    text = "Sign up for the workshop at our site! #Community @friends"
    assert checker.check(text, "x") == check_post(text, "x", lang="en")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(), network=st.sampled_from(NETWORKS), lang=st.sampled_from(["es", "en"]))
def test_never_crashes_and_always_renders(text, network, lang):
    findings = check_post(text, network, lang=lang)
    assert findings
    for f in findings:
        assert f.code.startswith("post.") and f.level in ("ok", "info", "warning", "error")
        for out in ("es", "en"):
            message = f.message(out)
            assert message and not message.startswith("planning.post.")
