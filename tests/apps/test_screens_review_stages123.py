"""A reviewer's reading of stages 1-3 (objectives, audiences, content plan) for the café, in
Spanish and English, driven in-process."""

from __future__ import annotations

from datetime import date

import pytest

from cmtraining.runtime.session import open_session
from cmtraining.runtime.workspace import create_workbook

TODAY = date(2026, 12, 4)


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def _objective_cards(lang: str, name: str):
    from cmtraining.apps.objectives import ObjectiveCard, build_app
    from cmtraining.planning.prefill import prefill_objectives
    from cmtraining.workbook import update

    entry = create_workbook(name, "cafe", lang=lang)
    update(entry.path, lambda wb: prefill_objectives(wb, today=TODAY))
    app = build_app(open_session("01-objectives", workbook=entry.id, lang=lang), today=TODAY)
    return [w for w in _walk(app) if isinstance(w, ObjectiveCard)]


def _findings(card):
    from cmtraining.planning.smart import check_smart

    return check_smart(card.objective, card.app.session.workbook, today=TODAY)


@pytest.mark.parametrize("lang, one", [("es", "Meta sugerida para 4 jun 2027: 28,"),
                                       ("en", "Suggested target for Jun 4, 2027: 28,")])
def test_the_suggested_target_is_one_the_achievable_check_accepts(workspace, lang, one):
    """«entre 27 y 29», then 29 was «⚠ supera los mejores meses habituales (28,9)»."""
    cards = _objective_cards(lang, f"Sugerida {lang}")
    card = next(c for c in cards if c.metric.value == "conversions")
    assert one in card.suggestion.value  # one whole number fits: said as one
    card.accept.click()
    assert card.target.value == 28
    achievable = next(f for f in _findings(card) if f.code == "smart.achievable")
    assert achievable.level == "ok", achievable.message(lang)
    for other in cards:  # and every prefilled target sits where its check accepts it
        achievable = next(f for f in _findings(other) if f.code == "smart.achievable")
        assert achievable.level in ("ok", "info"), achievable.message(lang)


@pytest.mark.parametrize("lang, label, plain", [
    ("es", "Conversiones (ventas, reservas, altas)",
     "Cuánto tiene que crecer cada mes para llegar a la meta"),
    ("en", "Conversions (sales, bookings, sign-ups)",
     "How much it has to grow each month to reach the target")])
def test_the_conversions_label_says_what_a_conversion_is(workspace, lang, label, plain):
    from cmtraining.i18n import t

    card = _objective_cards(lang, f"Etiqueta {lang}")[0]
    assert (label, "conversions") in card.metric.options
    assert t("planning.smart.rule.achievable", lang).startswith(plain)
    assert "compuesto" not in t("planning.smart.rule.achievable", lang)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_rate_suggestion_writes_both_bounds_with_the_same_decimals(workspace, lang):
    """«entre 2,0 % y 27 %»: one phrase, one number of decimals."""
    import re

    card = _objective_cards(lang, f"Decimales {lang}")[0]
    card.metric.value = "engagement_rate_reach"
    card.network.value = "facebook"
    text = card.suggestion.value
    figures = re.findall(r"(\d+(?:[.,]\d+)?)\s?%", text)
    assert len(figures) == 3, text
    assert len({len(f.partition(",")[2] or f.partition(".")[2]) for f in figures}) == 1, text


# --- audiences and networks ----------------------------------------------------------------


def test_the_spanish_catalogue_addresses_the_trainee_as_tu():
    """«Formatos que podéis producir», «tenéis 7,5 h» beside «Define tus públicos»."""
    import re
    from pathlib import Path

    import cmtraining.i18n
    from cmtraining.core.yamlio import read_yaml

    vosotros = re.compile(r"\b(podéis|tenéis|hacéis|haréis|publicáis|dirigís|sois|vais|vuestr\w*|"
                          r"vosotr\w*)\b", re.IGNORECASE)
    # quoted examples of what the organization tells its public, not words to the trainee
    quoted = {"crisis.check.strategy_not_said"}

    def walk(node, path):
        if isinstance(node, dict):
            for key, value in node.items():
                yield from walk(value, f"{path}.{key}" if path else str(key))
        elif isinstance(node, str):
            yield path, node

    found = [(path, text) for file in sorted(Path(cmtraining.i18n.__file__).parent.glob("es-*.yaml"))
             for path, text in walk(read_yaml(file), "")
             if vosotros.search(text) and not any(path.endswith(q.split(".")[-1]) for q in quoted)]
    assert not found, found


def _fit_cells(lang: str):
    import re

    from cmtraining.apps.audiences import fit_html
    from cmtraining.planning.prefill import prefill_audiences
    from cmtraining.samples import sample_workbook
    from cmtraining.workbook.models import Workbook

    wb = Workbook.model_validate(prefill_audiences(sample_workbook("cafe"), lang=lang))
    page = fit_html(wb, lang).replace("\u00a0", " ")  # as read: a figure's glue is a space
    return re.findall(r"<td><b>(\d+)</b><div class='cm-muted'[^>]*>([^<]*)</div></td>", page)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_each_fit_score_is_the_figure_its_text_ends_on(lang):
    """X «41» beside «coincide un 83 %»; WhatsApp formats 100 with 3 of 6: the rule is said."""
    import html
    import re

    cells = [(score, html.unescape(text)) for score, text in _fit_cells(lang)]
    ruled = [(s, x) for s, x in cells if re.search(r"(:|puntúa|scores) (\d+)\.$", x)]
    halved = [x for _, x in ruled if "mitad" in x or "half" in x]
    formats = [x for _, x in ruled if "formatos" in x or "formats" in x]
    assert halved and formats
    for score, text in ruled:
        assert text.endswith(f" {score}."), (score, text)


@pytest.mark.parametrize("lang, listed", [("es", ": texto, imagen y enlace."),
                                          # babel's English list, as the report's lists
                                          ("en", ": text, image, and link.")])
def test_the_formats_are_listed_in_running_text(lang, listed):
    """«Podéis producir Texto, Imagen, Enlace de los formatos de Facebook (…)»."""
    import html

    texts = [html.unescape(text) for _, text in _fit_cells(lang)]
    facebook = next(x for x in texts if "Facebook:" in x and ("formatos" in x or "formats" in x))
    assert listed in facebook and facebook.startswith(("Puedes producir 3 de los",
                                                       "You can produce 3 of the"))


# --- content plan --------------------------------------------------------------------------


def _content_app(lang: str, name: str, *, audiences: bool):
    from cmtraining.apps.content import build_app
    from cmtraining.planning.prefill import prefill_audiences
    from cmtraining.workbook import update

    entry = create_workbook(name, "cafe", lang=lang)
    if audiences:
        update(entry.path, lambda wb: prefill_audiences(wb, lang=lang))
    return build_app(open_session("03-content-plan", workbook=entry.id, lang=lang),
                     today=date(2027, 2, 22))


@pytest.mark.parametrize("lang, label, help_", [
    ("es", "Variante del calendario", "Cambia el número para obtener otro reparto de las mismas"),
    ("en", "Calendar variant", "Change the number to get another arrangement of the same posts")])
def test_the_calendar_seed_is_named_for_what_it_does(workspace, lang, label, help_):
    app = _content_app(lang, f"Variante {lang}", audiences=False)
    assert app.seed.description == label and app.seed.tooltip.startswith(help_)
    assert any(help_ in w.value for w in _walk(app) if isinstance(getattr(w, "value", None), str))


@pytest.mark.parametrize("lang, minimum", [("es", "lo mínimo habitual, 3 a la semana"),
                                           ("en", "the usual minimum, 3 a week")])
def test_the_proposed_capacity_says_it_comes_from_the_audiences_hours(workspace, lang, minimum):
    """Facebook 6 a week here, «lo mínimo habitual (3 a la semana)» on the audiences page."""
    import html

    from cmtraining.core.numbers import decimal

    app = _content_app(lang, f"Capacidad {lang}", audiences=True)
    wb = app.session.workbook
    note = html.unescape(app.capacity_sources.value)
    for role in wb.networks:
        posts = app.capacity[role.network].value
        hours = decimal(role.hours_per_week, lang, decimals=4, trim=True)
        assert f"{hours} h/" in note and f" {posts} " in note, note
    assert minimum in note


@pytest.mark.parametrize("lang", ["es", "en"])
def test_fit_table_states_its_weighting_and_the_total_follows_it(lang):
    """«Encaje» was a number with no rule: the page now gives the weights, and they add up."""
    import html
    import re

    from cmtraining.apps.audiences import fit_html
    from cmtraining.planning.audiences import WEIGHTS, fit_table
    from cmtraining.planning.prefill import prefill_audiences
    from cmtraining.samples import sample_workbook
    from cmtraining.workbook.models import Workbook

    wb = Workbook.model_validate(prefill_audiences(sample_workbook("cafe"), lang=lang))
    line = html.unescape(re.search(r"<p class='cm-muted cm-fit-weights'>([^<]*)</p>", fit_html(wb, lang))[1])
    shown = [int(n) for n in re.findall(r"(\d+)\s?%", line)]
    assert sorted(shown, reverse=True) == shown and sum(shown) == 100
    assert shown == sorted((round(w * 100) for w in WEIGHTS.values()), reverse=True)
    for fit in fit_table(wb):
        assert abs(fit.score - sum(c.score * c.weight for c in fit.components)) < 1e-9
    # and each row adds up as shown: the total is the weighted sum of the components shown,
    # halves rounded up (LinkedIn showed 52 beside 41, 100, 100, 0: 51.4 as written)
    page = fit_html(wb, lang)
    order = [c.weight for c in fit_table(wb)[0].components]  # the columns' order
    rows = re.findall(r"<b class='cm-fit-score'>(\d+)</b>.*?</td>((?:<td><b>\d+</b>.*?</td>)+)</tr>", page)
    assert rows
    for total, cells in rows:
        shown = [int(v) for v in re.findall(r"<td><b>(\d+)</b>", cells)]
        expected = sum(v * w for v, w in zip(shown, order, strict=True))
        assert int(total) == int(expected + 0.5 + 1e-9), (total, shown)
