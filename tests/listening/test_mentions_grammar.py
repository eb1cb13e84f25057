"""Generated mentions agree in gender and number with the thing they talk about.

The generator draws a `thing` ("la terraza") and a `problem` independently;
the words that must agree are written as choices ("[estaba|estaban]
[sucio|sucia|sucios|sucias]") and `render` keeps the right form. These tests
render every thing x problem combination of every organization, in both
languages and in every template that names a thing, and compare each text
with the one the test expects from its own reading of the thing's article.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cmtraining.listening.grammar import Agreement, agreement, inflect, render, split_tag
from cmtraining.listening.mentions import check_vocabulary, generate_mentions, templates
from cmtraining.samples import list_organizations
from cmtraining.samples.organizations import load_organization

ORGS = list_organizations()
LANGS = ("es", "en")
CHOICE = re.compile(r"\[([^\[\]]*)\]")
FORM = {("m", "sg"): 0, ("f", "sg"): 1, ("m", "pl"): 2, ("f", "pl"): 3}
# The test's own reading of a Spanish thing's first word (independent of the generator's).
ES_ARTICLES = {"el": ("m", "sg"), "un": ("m", "sg"), "la": ("f", "sg"), "una": ("f", "sg"),
               "los": ("m", "pl"), "unos": ("m", "pl"), "las": ("f", "pl"), "unas": ("f", "pl")}
ES_POSSESSIVE_NUMBER = {"mi": "sg", "tu": "sg", "su": "sg", "mis": "pl", "tus": "pl", "sus": "pl"}
SLOTS = {"brand": "@marca", "question": "¿pregunta?", "suggestion": "sugerencia",
         "incident": "incidente", "link": "https://t.co/x"}


def expected_agreement(thing: str, lang: str) -> tuple[str, str]:
    """Gender and number as the test reads them: the tag, else the Spanish article."""
    text, tag = split_tag(thing)
    parts = tag.split(".") if tag else []
    gender = next((p for p in parts if p in ("m", "f")), None)
    number = next((p for p in parts if p in ("sg", "pl")), None)
    first = text.split()[0].lower()
    if lang == "es" and first in ES_ARTICLES:
        gender, number = gender or ES_ARTICLES[first][0], number or ES_ARTICLES[first][1]
    if lang == "es" and first in ES_POSSESSIVE_NUMBER:
        number = number or ES_POSSESSIVE_NUMBER[first]
    inferred = agreement(thing, lang)  # the noun's gender after "mi", English head nouns
    return gender or inferred.gender, number or inferred.number


def expected_text(text: str, features: tuple[str, str]) -> str:
    """`text` with each choice replaced by the form the test expects."""

    def choose(match):
        forms = match.group(1).split("|")
        assert len(forms) in (2, 4), f"{match.group(0)}: a choice has 2 or 4 forms"
        return forms[features[1] == "pl"] if len(forms) == 2 else forms[FORM[features]]

    return CHOICE.sub(choose, text)


def thing_templates(lang: str) -> list[str]:
    return [t for spec in templates()["templates"].values() for t in spec[lang] if "{thing}" in t]


def combinations(org: str, lang: str):
    for topic in load_organization(org).listening.topics:
        words = getattr(topic, lang)
        for thing in words.thing:
            for problem in words.problem:
                yield thing, problem


@pytest.mark.parametrize("org", ORGS)
def test_shipped_vocabulary_has_no_agreement_problem(org):
    assert check_vocabulary(org) == []


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("org", ORGS)
def test_every_thing_and_problem_agree_in_every_template(org, lang):
    checked = 0
    for thing, problem in combinations(org, lang):
        features = expected_agreement(thing, lang)
        shown = split_tag(thing)[0]
        # the problem on its own, as the generator writes it after this thing
        alone = render("{problem}", lang, thing=thing, problem=problem)
        assert not set("[]|") & set(alone), (thing, problem, alone)
        assert alone.lower() == expected_text(problem, features).lower(), (thing, problem)
        literal = set(re.findall(r"\w+", CHOICE.sub(" ", problem).lower()))
        for group in CHOICE.findall(problem):
            forms = group.split("|")
            right = forms[features[1] == "pl"] if len(forms) == 2 else forms[FORM[features]]
            assert re.search(rf"(?<!\w){re.escape(right)}(?!\w)", alone, re.I), (thing, alone)
            # a feminine thing never gets a masculine form, a plural one never a singular...
            for wrong in set(forms) - {right}:
                if wrong.lower() not in literal:
                    assert not re.search(rf"(?<!\w){re.escape(wrong)}(?!\w)", alone, re.I), (
                        f"{thing!r} + {problem!r} gave {alone!r}")
        for template in thing_templates(lang):
            text = render(template, lang, thing=thing, problem=problem, **SLOTS)
            assert not set("[]|") & set(text), (template, text)
            want = expected_text(template, features).format(
                thing=shown, problem=expected_text(problem, features), **SLOTS)
            assert text.lower() == want.lower(), (template, thing, problem)
            checked += 1
    assert checked > 50


def positive_thing_templates(lang: str) -> list[str]:
    return [t for spec in templates()["templates"].values() if spec["sentiment"] == "positive"
            for t in spec[lang] if "{thing}" in t]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("org", ORGS)
def test_praised_things_agree_in_every_praise_template(org, lang):
    checked = 0
    for topic in load_organization(org).listening.topics:
        for thing in getattr(topic, lang).praised:
            features = expected_agreement(thing, lang)
            for template in positive_thing_templates(lang):
                text = render(template, lang, thing=thing, **SLOTS)
                want = expected_text(template, features).format(thing=split_tag(thing)[0], **SLOTS)
                assert text.lower() == want.lower(), (template, thing)
                checked += 1
    assert checked > 10


def _folded(text: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFD", text.lower()) if not unicodedata.combining(c))


@pytest.mark.parametrize("org", ORGS)
def test_praise_never_names_what_only_gets_complaints(org):
    """"Loved the printer" is not a message anyone writes: praise uses the praised list."""
    unpraisable = {_folded(split_tag(thing)[0])
                   for topic in load_organization(org).listening.topics for lang in LANGS
                   for words in [getattr(topic, lang)] if words.praised
                   for thing in set(words.thing) - set(words.praised)}
    unpraisable -= {_folded(split_tag(t)[0]) for topic in load_organization(org).listening.topics
                    for lang in LANGS for t in getattr(topic, lang).praised}
    assert unpraisable, "the sample should have things that only get complaints"
    frame = generate_mentions(org, days=60, seed=4)
    praise = frame[frame["category"] == "praise"]["text"].map(_folded)
    assert len(praise) > 30
    for text in praise:
        assert not any(thing in text for thing in unpraisable), text
    complaints = frame[frame["category"] == "complaint"]["text"].map(_folded)
    assert any(thing in text for text in complaints for thing in unpraisable)


# Independent of the choices: what Spanish and English grammar demand of a predicate.
ES_PREDICATE = re.compile(
    r"(?<!\w)(?:estaba|estaban|está|están|es|son|era|eran|salió|salieron|llegó|llegaron|"
    r"lleva|llevan|llevaba|llevaban|quedó|quedaron|sigue|siguen|parece|parecen|parecía|parecían)"
    r"\s+(?:(?:muy|bastante|casi|semanas|días)\s+)*([a-záéíóúüñ]{3,})(?!\w)", re.I)
EN_PLURAL_VERBS = {"are", "were", "have", "aren't", "weren't", "haven't", "don't", "do"}
ENDINGS = (("os", ("m", "pl")), ("as", ("f", "pl")), ("o", ("m", "sg")), ("a", ("f", "sg")))


def test_every_spanish_problem_changes_with_the_number_of_its_thing():
    """A problem is a predicate of the thing: its verb always agrees in number."""
    for org in ORGS:
        for topic in load_organization(org).listening.topics:
            for problem in topic.es.problem:
                one = render("{problem}", "es", thing="el objeto", problem=problem)
                many = render("{problem}", "es", thing="los objetos", problem=problem)
                assert one != many, f"{org}: {problem!r} does not agree in number (use [sg|pl])"


@pytest.mark.parametrize("org", ORGS)
def test_adjectives_and_verbs_agree_with_the_thing(org):
    """No "la terraza estaba sucio", "los croissants estaba duro", "the croissants was stale"."""
    for lang in LANGS:
        for thing, problem in combinations(org, lang):
            gender, number = expected_agreement(thing, lang)
            alone = render("{problem}", lang, thing=thing, problem=problem)
            if lang == "es":
                for word in ES_PREDICATE.findall(alone):
                    ending = next((f for e, f in ENDINGS if word.lower().endswith(e)), None)
                    assert ending in (None, (gender, number)), f"{thing} {alone}"
            else:
                first = alone.split()[0].lower()
                if number == "pl":
                    assert not first.endswith("s") and first != "doesn't", f"{thing} {alone}"
                else:
                    assert first not in EN_PLURAL_VERBS, f"{thing} {alone}"


@pytest.mark.parametrize("org", ORGS)
def test_spanish_articles_and_inferred_agreement_match(org):
    """Where the test can read the article itself, the generator reads the same."""
    for topic in load_organization(org).listening.topics:
        for thing in topic.es.thing:
            first = split_tag(thing)[0].split()[0].lower()
            if first in ES_ARTICLES and not split_tag(thing)[1]:
                assert agreement(thing, "es") == Agreement(*ES_ARTICLES[first]), thing


@pytest.mark.parametrize("thing, lang, expected", [
    ("la terraza", "es", ("f", "sg")),
    ("los croissants", "es", ("m", "pl")),
    ("unas tostadas", "es", ("f", "pl")),
    ("mi encargo de tarta", "es", ("m", "sg")),
    ("mi reserva", "es", ("f", "sg")),
    ("mis devoluciones", "es", ("f", "pl")),
    ("tus pedidos", "es", ("m", "pl")),
    ("nuestra campaña", "es", ("f", "sg")),
    ("el agua [f]", "es", ("f", "sg")),
    ("mi mapa [m]", "es", ("m", "sg")),
    ("Tallyfold [f.sg]", "es", ("f", "sg")),
    ("the croissants", "en", ("m", "pl")),
    ("the sourdough bread", "en", ("m", "sg")),
    ("the returns at the book drop", "en", ("m", "pl")),
    ("the cup of coffee", "en", ("m", "sg")),
    ("the status page", "en", ("m", "sg")),
    ("the bus", "en", ("m", "sg")),
    ("these slides", "en", ("m", "pl")),
    ("the news [sg]", "en", ("m", "sg")),
    ("the staff [pl]", "en", ("m", "pl")),
])
def test_gender_and_number_are_inferred_or_tagged(thing, lang, expected):
    assert agreement(thing, lang) == expected


@pytest.mark.parametrize("thing, problem, lang, text", [
    ("la terraza", "[estaba|estaban] [sucio|sucia|sucios|sucias]", "es", "la terraza estaba sucia"),
    ("los croissants", "[estaba|estaban] [duro|dura|duros|duras]", "es", "los croissants estaban duros"),
    ("la tarta de queso", "[salió|salieron] [quemado|quemada|quemados|quemadas]", "es",
     "la tarta de queso salió quemada"),
    ("las magdalenas", "no [sabía|sabían] a nada", "es", "las magdalenas no sabían a nada"),
    ("el agua [f]", "[llegó|llegaron] [frío|fría|fríos|frías]", "es", "el agua llegó fría"),
    ("the croissants", "[was|were] stale", "en", "the croissants were stale"),
    ("the news [sg]", "[was|were] everywhere", "en", "the news was everywhere"),
])
def test_the_reported_mistakes_are_gone(thing, problem, lang, text):
    assert render("@marca: {thing} {problem}", lang, thing=thing, problem=problem) == f"@marca: {text}"


def test_capital_after_a_full_stop_and_tags_are_never_shown():
    text = render("Muy mal, {brand}. {thing} {problem}", "es", brand="@horno",
                  thing="la reserva [f.sg]", problem="se [perdió|perdieron]")
    assert text == "Muy mal, @horno. La reserva se perdió"
    assert render("Hola: {question}", "es", question="¿abrís?") == "Hola: ¿abrís?"
    assert render("Ya. {question}", "es", question="¿abrís?") == "Ya. ¿Abrís?"


def test_malformed_data_is_a_clear_error():
    with pytest.raises(ValueError, match="cannot tell"):
        agreement("pan de centeno", "es")  # no determiner, no tag
    with pytest.raises(ValueError, match="2 forms"):
        inflect("[duro|dura|duros]", Agreement("m", "sg"))
    with pytest.raises(ValueError, match="no {thing}"):
        inflect("[estaba|estaban]", None)
    with pytest.raises(ValueError, match="reserved|kept"):
        inflect("roto [o casi", Agreement("m", "sg"))


@pytest.mark.parametrize("org", ORGS)
def test_the_seeded_inbox_has_no_choice_artefacts(org):
    frame = generate_mentions(org)
    bad = frame[frame["text"].str.contains(r"[\[\]|]", regex=True)]
    assert bad.empty, bad["text"].head().tolist()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(org=st.sampled_from(ORGS), seed=st.integers(0, 2**32 - 1))
def test_any_seed_gives_clean_texts_and_the_same_inbox_twice(org, seed):
    frame = generate_mentions(org, seed=seed, days=5)
    assert not frame["text"].str.contains(r"[\[\]|]", regex=True).any()
    assert frame.equals(generate_mentions(org, seed=seed, days=5))
