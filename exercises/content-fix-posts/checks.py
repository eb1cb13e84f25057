"""Hidden checks of `content-fix-posts`: five draft posts of the café, fixed.

Every post is reviewed by the post checker of the content app
(`planning.posts.check_post`) with the café's style guide, so the words of
its own vocabulary ("brunch", "latte art") are not spelling mistakes.
"""

import re

from cmtraining.grading.answers import as_list, as_text, missing, msg, total

NETWORKS = ["x", "instagram", "facebook", "instagram", "linkedin"]
WORDS_USE = ["brunch", "latte art", "Ruzafa"]
DRAFTS = {
    "es": [
        "¡Mañana abrimos la nueva terraza del café! Ven a probar nuestro brunch de temporada con productos del mercado de Ruzafa, pan de masa madre recién horneado, zumos naturales y tartas caseras que preparamos cada mañana con mucho cariño para todos vosotros. #brunch #valencia #ruzafa #cafe #terraza #desayuno",
        "Nuevo menu de otoño: calabaza asada, sopa de castaña y tarta de manzana. Mas info en https://cafe.example.com/otono",
        "Este sabado hay taller de latte art. Quedan pocas plazas, es muy divertdo.",
        "Hoy tenemos bizcocho de limón.",
        "Buscamos camarero o camarera para fines de semana #empleo #trabajo #hosteleria #valencia #cafe #ruzafa #job #camarero #barista",
    ],
    "en": [
        "Tomorrow we open the new terrace at the café! Come and try our seasonal brunch with produce from the Ruzafa market, freshly baked sourdough bread, natural juices and homemade cakes that we prepare every single morning with lots of love for all of you. #brunch #valencia #ruzafa #cafe #terrace #breakfast",
        "New autum dishes: roast pumpkin, chesnut soup and apple pie. More info at https://cafe.example.com/autumn",
        "This saturday there is a latte art workshop. Only a few places left, its realy fun.",
        "Today we have lemon sponge cake.",
        "We are hiring a waiter or waitress for weekends #jobs #hiring #hospitality #valencia #cafe #ruzafa #job #waiter #barista",
    ],
}


def _posts(answers):
    items = as_list(answers.get("fixed_posts"))
    if items is None:
        return None
    return [(as_text(x) or "") for x in items[:len(NETWORKS)]] + [""] * (len(NETWORKS) - len(items))


def _review(text, network, lang):
    from cmtraining.planning.posts import check_post
    from cmtraining.workbook.models import StyleGuide

    if not text.strip():
        return None
    return check_post(text, network, lang=lang, style=StyleGuide(words_use=WORDS_USE))


def _score(answers, lang, levels):
    posts = _posts(answers)
    if posts is None:
        return missing("fixed_posts", lang)
    good, notes = 0, []
    for number, (text, network) in enumerate(zip(posts, NETWORKS, strict=True), 1):
        findings = _review(text, network, lang)
        if findings is None:
            notes.append(msg("posts.empty", lang, number=number))
            continue
        bad = [f for f in findings if f.level in levels]
        if bad:
            notes.append(f"{number}: {bad[0].message(lang)}")
        else:
            good += 1
    if good == len(NETWORKS):
        return 1.0, msg("posts.all_clean", lang)
    return good / len(NETWORKS), " ".join(notes[:4])


@total
def check_errors(answers, lang):
    return _score(answers, lang, ("error",))


@total
def check_warnings(answers, lang):
    return _score(answers, lang, ("error", "warning"))


def _words(text):
    return {w for w in re.findall(r"\w+", text.lower()) if len(w) >= 5 and not w.isdigit()}


@total
def check_kept(answers, lang):
    """Each fix still says what its draft said: at least two of its longer words."""
    posts = _posts(answers)
    if posts is None:
        return missing("fixed_posts", lang)
    drafts = DRAFTS.get(lang, DRAFTS["es"])
    kept = [len(_words(p) & _words(d)) >= 2 for p, d in zip(posts, drafts, strict=True)]
    if all(kept):
        return 1.0, msg("posts.kept_ok", lang)
    lost = ", ".join(str(i + 1) for i, k in enumerate(kept) if not k)
    return sum(kept) / len(kept), msg("posts.lost", lang, numbers=lost)
