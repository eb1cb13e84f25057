"""What a trainee reads on the screens of the issue-19 sweep (second pass).

Column titles in words, template slots explained, headers over their
columns, words for "nothing", typographic quotes.
"""

from __future__ import annotations

import html
import re

import pytest

from cmtraining.apps.tables import table_html
from cmtraining.i18n import t

# --- 1. languages named in words, never as codes --------------------------------------

@pytest.mark.parametrize("lang", ["es", "en"])
def test_column_titles_name_the_language_in_words(lang):
    keys = ["response.pb.template_es", "response.pb.template_en", "response.pb.after_es",
            "response.pb.after_en", "app.crisis.col.statement_es", "app.crisis.col.statement_en"]
    titles = [t(k, lang) for k in keys]
    assert not [x for x in titles if re.search(r"\((es|en)\)", x)]
    spanish, english = ("español", "inglés") if lang == "es" else ("Spanish", "English")
    assert all(spanish in x for x in titles[0::2]) and all(english in x for x in titles[1::2])
    assert len(set(titles)) == len(titles)


# --- 3. a header lines up with its column ---------------------------------------------

def _aligned(html_text: str) -> list[tuple[str, bool]]:
    """(tag, right-aligned) for every cell, in order."""
    return [(tag, "cm-num" in attrs) for tag, attrs in re.findall(r"<(th|td)([^>]*)>", html_text)]


@pytest.mark.parametrize("lang", ["es", "en"])
def test_headers_follow_their_columns_words_left_figures_right(lang):
    from cmtraining.core.numbers import count, percent

    rows = [["Instagram", count(12345, lang), percent(0.125, lang), "Una queja larga sobre el pedido"],
            ["X", count(8, lang), "—", "7 / 10 y algo más"]]
    cells = _aligned(table_html(rows, ["Red", "Seguidores", "Crecimiento", "Mensaje"]))
    head, body = cells[:4], cells[4:]
    assert head == [("th", False), ("th", True), ("th", True), ("th", False)]
    for row in (body[:4], body[4:]):
        assert [right for _, right in row] == [right for _, right in head]


def test_the_style_aligns_left_unless_marked_as_figures():
    from cmtraining.apps.common import STYLE

    css = re.sub(r"/\*.*?\*/", "", STYLE.split("<style>")[1], flags=re.S)
    rules = dict(re.findall(r"([^{}]+)\{([^}]*)\}", css))
    table = next(v for k, v in rules.items() if k.strip() == ".cm-table td, .cm-table th")
    figures = next(v for k, v in rules.items() if "cm-num" in k)
    assert "text-align: left" in table and "text-align: right" in figures
    assert not any("first-child" in k or "nth-child" in k for k in rules)


# --- 2. the blanks of a template are explained where the templates are -----------------

def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_every_blank_of_a_template_is_explained_beside_the_templates(workspace, lang):
    from cmtraining.apps.response import build_app
    from cmtraining.response.playbook import default_playbook
    from cmtraining.runtime.session import open_session
    from cmtraining.runtime.workspace import create_workbook

    entry = create_workbook("Ana", "cafe", lang=lang)
    app = build_app(open_session("04-response", workbook=entry.id, lang=lang))
    app.playbook.start_example.click()
    templates = " ".join(rule["templates"].get(lang, "")
                         for rule in default_playbook(app.session.workbook)["rules"])
    blanks = set(re.findall(r"\{(\w+)\}", templates))
    # the blanks are words of the trainee's language (sweep 5: {issue} on Spanish screens)
    assert blanks >= ({"nombre", "problema", "departamento"} if lang == "es"
                      else {"name", "issue", "department"})
    legends = [w for w in _walk(app) if "cm-template-slots" in getattr(w, "_dom_classes", ())]
    # once on the page, with the playbook's templates; the reply points to it in one line
    in_playbook = [w for w in _walk(app.playbook) if w in legends]
    assert len(legends) == 1 and len(in_playbook) == 1
    [note] = [w for w in _walk(app) if "cm-template-slots-note" in getattr(w, "_dom_classes", ())]
    assert ("Huecos de las plantillas" if lang == "es" else "Blanks in the templates") in html.unescape(
        note.value)
    assert ("{problema} o {respuesta}" if lang == "es" else "{issue} or {answer}") in html.unescape(
        note.value)
    for blank in blanks:
        assert f"<code>{{{blank}}}</code>" in in_playbook[0].value, blank
    # the other language's templates are on the same page: their blanks are explained too
    other = {"es": "(<code>{name}</code> en las plantillas en inglés):",
             "en": "(<code>{nombre}</code> in the Spanish templates):"}[lang]
    assert other in in_playbook[0].value
    said = in_playbook[0].value
    assert ("nombre de quien escribe" if lang == "es" else "first name of the person") in said
    assert ("lo escribes tú" if lang == "es" else "you write it") in said


# --- 4. "nothing" in words on the crisis-play and workshop pages -------------------------

def _first_option(dropdown) -> str:
    return dropdown.options[0][0] if isinstance(dropdown.options[0], tuple) else dropdown.options[0]


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_no_strategy_option_of_the_crisis_exercise_is_words(workspace, lang):
    from cmtraining.apps.crisis import build_app
    from cmtraining.runtime.session import open_session
    from cmtraining.runtime.workspace import create_workbook

    entry = create_workbook("Ana", "cafe", lang=lang)
    app = build_app(open_session("05-crisis", workbook=entry.id, lang=lang))
    strategy = app.player.strategy
    assert strategy.value is None and strategy.options[0][1] is None
    assert _first_option(strategy) == ("Sin estrategia concreta" if lang == "es" else "No specific strategy")


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_workshop_pages_name_their_empty_choices_in_words(workspace, lang):
    from cmtraining.apps.workshop_page import build_app
    from cmtraining.workshop import Workshop, WorkshopConfig, open_store

    store = open_store()
    try:
        w = Workshop.create(store, WorkshopConfig(scenario_id="saas-cloud-outage", seed=7,
                                                  audience_size=400, teams=2))
        tokens = w.tokens()
        console = build_app(workshop_token=tokens["facilitator"], lang=lang)
        lead = build_app(workshop_token=tokens["t1"], role="lead", lang=lang)
    finally:
        store.close()
    own = console.inject_kind
    assert own.value == "" and own.label == t("app.workshop.inject_own", lang)
    assert ("escribo la mía" if lang == "es" else "I write my own") in own.label
    assert lead.strategy.value is None and _first_option(lead.strategy) == t("app.workshop.strategy_none", lang)
    labels = [_first_option(d) for d in (own, lead.strategy, lead.kind)]
    assert not [x for x in labels if not re.search(r"\w", x)]  # no bare dash for "nothing"


# --- 5. typographic quotes in what a trainee reads ---------------------------------------

#: the data files whose texts are shown as they are: scenarios, questionnaire, personas, inbox
PROSE_DATA = ("crisis/*.yaml", "competencies.yaml", "personas.yaml", "mentions.yaml",
              "organizations/*/organization.yaml")
#: not prose: an HTML tag (its attributes are quoted) and a format placeholder
NOT_PROSE = re.compile(r"<[^>]*>|\{[^{}]*\}")


def _strings(tree, path=()):
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from _strings(value, (*path, str(key)))
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            yield from _strings(value, (*path, index))
    elif isinstance(tree, str):
        yield path, tree


def _shown_texts():
    """(where, language or None, text) for every catalogue entry and data-file text."""
    import yaml

    from cmtraining.core.paths import datasets_dir
    from cmtraining.i18n import catalogue

    for lang in ("es", "en"):
        for key, text in catalogue(lang).items():
            yield f"{lang}:{key}", lang, text
    for pattern in PROSE_DATA:
        for path in sorted(datasets_dir().glob(pattern)):
            tree = yaml.safe_load(path.read_text(encoding="utf-8"))
            for where, text in _strings(tree):
                lang = next((p for p in reversed(where) if p in ("es", "en")), None)
                yield f"{path.name}:{'.'.join(map(str, where))}", lang, text


def test_prose_shown_to_trainees_has_no_straight_double_quotes():
    texts = list(_shown_texts())
    assert len(texts) > 2000  # both catalogues and the data files were read
    straight = [(where, text) for where, _, text in texts if '"' in NOT_PROSE.sub("", text)]
    assert straight == [], straight[:5]


def test_quotes_are_the_languages_own_spanish_angled_english_curly():
    texts = list(_shown_texts())
    spanish = [w for w, lang, text in texts if lang == "es" and re.search("[\u201c\u201d]", text)]
    english = [w for w, lang, text in texts if lang == "en" and re.search("[«»]", text)]
    assert spanish == [] and english == []
    # the scenarios quote what people said: «…» in Spanish, “…” in English
    from cmtraining.crisis.scenarios import load_scenario

    cafe = load_scenario("cafe-allergen-recall")
    assert "«sin frutos secos»" in cafe.title.es and "“Nut-free”" in cafe.title.en


# --- 6. a choice the page has made is shown, never a blank box ----------------------------

@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_crisis_and_workshop_dropdowns_show_their_choice(workspace, lang):
    """ipywidgets shows a blank box for value None: each dropdown has a visible label."""
    from cmtraining.apps.crisis import build_app as crisis
    from cmtraining.apps.workshop_page import build_app
    from cmtraining.runtime.session import open_session
    from cmtraining.runtime.workspace import create_workbook
    from cmtraining.workshop import Workshop, WorkshopConfig, open_store

    entry = create_workbook("Ana", "cafe", lang=lang)
    player = crisis(open_session("05-crisis", workbook=entry.id, lang=lang)).player
    player.start.click()
    store = open_store()
    try:
        w = Workshop.create(store, WorkshopConfig(scenario_id="saas-cloud-outage", seed=7,
                                                  audience_size=400, teams=2))
        w.start()
        tokens = w.tokens()
        console = build_app(workshop_token=tokens["facilitator"], lang=lang)
        lead = build_app(workshop_token=tokens["t1"], role="lead", lang=lang)
        replies = build_app(workshop_token=tokens["t1"], role="replies", lang=lang)
    finally:
        store.close()
    shown = {"player.strategy": player.strategy, "player.reply_to": player.reply_to,
             "console.inject_to": console.inject_to, "lead.strategy": lead.strategy,
             "replies.reply_to": replies.reply_to}
    assert {name: d.label for name, d in shown.items() if not d.label} == {}
    assert console.inject_to.label == t("app.workshop.inject_all", lang)
    assert player.strategy.label == t("app.crisis.strategy_none", lang)


def test_a_scenario_without_an_organization_opens_its_sentences_with_a_capital():
    from cmtraining.crisis.scenarios import load_scenario

    outage = load_scenario("saas-cloud-outage").opening.text
    assert outage.get("en").startswith("The organization's dashboards have not loaded")
    assert outage.get("es").startswith("Los paneles de la organización")
    assert outage.get("en", org="eBay").startswith("eBay's dashboards")  # a name as it is written
    charge = load_scenario("saas-double-charge-influencer").opening.text
    assert charge.get("es").startswith("La organización nos ha cobrado")
