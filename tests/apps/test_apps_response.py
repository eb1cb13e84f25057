"""The listening and response apps driven in-process, the way a widget front-end drives them."""

from __future__ import annotations

from datetime import date

from cmtraining.apps.listening import build_app as listening
from cmtraining.apps.response import build_app as response
from cmtraining.runtime.session import open_session
from cmtraining.runtime.workspace import create_workbook
from cmtraining.workbook import load


def test_listening_app_audits_the_sample_and_saves_the_summary(workspace):
    entry = create_workbook("Ana", "cafe", lang="es")
    app = listening(open_session("00-listening", workbook=entry.id, lang="es"))
    assert "menciones" in app.kpis.value and "cuota de voz" in app.kpis.value
    assert bytes(app.volume.value).startswith(b"\x89PNG") and bytes(app.sov.value).startswith(b"\x89PNG")
    assert "listening.alerts" in app.findings.value and "Forn de la Plaça" in app.audit.share_of_voice["brand"].tolist()
    alerts_at_3 = len(app.audit.alerts)
    app.sensitivity.value = 1.5
    assert len(app.audit.alerts) >= alerts_at_3
    app.save.click()
    wb = load(entry.path)
    assert wb.listening.summary.mentions == app.audit.total
    assert wb.listening.sensitivity == 1.5 and len(wb.listening.alerts) == len(app.audit.alerts)


def test_listening_app_imports_a_csv_and_explains_a_bad_one(workspace):
    entry = create_workbook("Ana", "ngo", lang="en")
    app = listening(open_session("00-listening", workbook=entry.id, lang="en"))
    app._on_upload({"new": [{"name": "bad.csv", "content": b"id,author\n1,@a\n"}]})
    assert "bad.csv has no text column" in app.status.value
    good = "text,date\nLove the homework club,2026-10-01\nNobody answers my emails,2026-10-02\n"
    app._on_upload({"new": [{"name": "mine.csv", "content": good.encode()}]})
    app.mapping_step.import_button.click()  # the mapping step comes before the import
    assert app.audit.total == 2 and "mine.csv" in app.source_line.value
    app.use_sample.click()
    assert app.audit.total > 100


def test_listening_competitors_change_the_share_of_voice(workspace):
    entry = create_workbook("Ana", "library", lang="es")
    app = listening(open_session("00-listening", workbook=entry.id, lang="es"))
    app.competitors.value = "Biblioteca Vasconcelos"
    assert load(entry.path).listening.competitors == ["Biblioteca Vasconcelos"]
    assert set(app.audit.share_of_voice["brand"]) == {
        "Biblioteca Pública Municipal Sor Juana", "Biblioteca Vasconcelos"}
    app.own_findings.add_button.click()
    assert load(entry.path).listening.findings[0].source.startswith(
        "bandeja de ejemplo de Biblioteca Pública Municipal Sor Juana · 28 días")


def test_response_app_triages_checks_a_reply_and_saves_it(workspace):
    entry = create_workbook("Luis", "cafe", lang="es")
    app = response(open_session("04-response", workbook=entry.id, lang="es"))
    assert "coincide con las etiquetas" in app.accuracy.value
    first = app.inbox.loc[app.picker.value]
    assert first["triage_priority"] == "urgent"  # the most urgent message comes first
    app.category_filter.value = "complaint"
    complaint = app.picker.value
    assert app.inbox.at[complaint, "triage_category"] == "complaint"
    assert "Clasificación: queja" in app.triage_box.value
    if app.inbox.at[complaint, "lang"] == "en":  # the card says which language to answer in
        assert "escrito en inglés: responde en inglés" in app.message.value
    app.reply.value = "Gracias por tu mensaje."
    app.check.click()
    weak = app.last_review.score
    assert "reply.answer" in app.review.value
    author = app.inbox.at[complaint, "author"]
    app.reply.value = (f"Hola, {author}, sentimos mucho lo ocurrido; no es lo que queremos. "
                       "Te escribimos hoy por privado para resolverlo.")
    app.minutes.value = 20
    app.check.click()
    assert app.last_review.score > weak
    app.save_reply.click()
    saved = load(entry.path).replies
    assert len(saved) == 1 and saved[0].mention_id == app.inbox.at[complaint, "id"]
    app.label_buttons.value = "negative"
    assert load(entry.path).mention_labels[0].sentiment == "negative"


def test_response_app_playbook_and_prescribers_are_saved(workspace):
    entry = create_workbook("Luis", "ngo", lang="en")
    app = response(open_session("04-response", workbook=entry.id, lang="en", prefill=True))
    wb = load(entry.path)
    assert wb.informants and wb.response_playbook.rules  # the facilitator's prefill
    app.playbook.end.value = "20:00"
    assert load(entry.path).response_playbook.service_hours.end == "20:00"
    app.playbook.end.value = "07:00"  # closes before it opens: refused, explained, not saved
    assert "service hours end" in app.status.value
    assert load(entry.path).response_playbook.service_hours.end == "20:00"
    buttons = app.prescriber_buttons
    assert buttons
    # the button says where the person goes, not only who (sweeps: "Add @elenapere76", then
    # "to your list": which list?)
    assert all(b.description.endswith(" to your brand advocates and influencers (stage 2)")
               and b.description.startswith("Add @") for b in buttons)
    buttons[0].click()
    assert load(entry.path).prescribers[0].kind in ("prescriber", "energizer")
    assert buttons[0].disabled


def test_an_empty_playbook_starts_from_the_example(workspace):
    entry = create_workbook("Marta", "cafe", lang="es")
    assert not load(entry.path).response_playbook.rules
    app = response(open_session("04-response", workbook=entry.id, lang="es"))
    assert app.playbook.start_example in app.playbook.intro.children
    app.playbook.start_example.click()
    pb = load(entry.path).response_playbook
    assert {r.category for r in pb.rules} >= {"complaint", "question", "crisis_signal"}
    assert all(r.templates.get("es") and r.templates.get("en") for r in pb.rules)
    assert pb.escalation and app.playbook.rules.rows  # the editor shows what was saved
    assert app.playbook.start_example not in app.playbook.children
    app.playbook.end.value = "19:30"  # and stays editable
    assert load(entry.path).response_playbook.service_hours.end == "19:30"


def test_response_preview_is_read_only():
    app = response(open_session("04-response", org="saas", lang="en"))
    assert app.playbook.rules.rows and app.playbook.rules.disabled  # the example, to look at
    assert "example playbook" in app.playbook.intro.value
    assert app.save_reply.disabled and app.label_buttons.disabled
    app.reply.value = "Thanks Olivia, we are on it: check status.tallyfold.example for updates."
    app.check.click()
    assert "/100" in app.score.value and app.save_reply.disabled


def test_trainee_labels_adapt_the_sentiment_model(workspace):
    from cmtraining.listening.adapt import model_path
    from cmtraining.listening.mentions import generate_mentions
    from cmtraining.workbook import update

    entry = create_workbook("Eva", "ngo", lang="es")
    app = response(open_session("04-response", workbook=entry.id, lang="es"))
    assert "diccionario de tono de la herramienta" in app.adapt_note.value
    assert app.adapt.disabled  # 0 of the 30 labels it needs: nothing to press yet (sweep 4)
    app.adapt.click()  # and the engine refuses on its own too
    assert "al menos 30 mensajes" in app.status.value and not model_path(entry.path).exists()
    sample = generate_mentions("ngo")
    sample = sample[(sample["lang"] == "es") & ~sample["is_competitor"]].head(60)
    labels = [{"mention_id": r.id, "text": r.text, "sentiment": r.sentiment}
              for r in sample.itertuples()]
    update(entry.path, lambda wb: {**wb.model_dump(), "mention_labels": labels})
    app.session.reload()
    app.adapt.click()
    assert "Modelo adaptado con 60 etiquetas" in app.status.value
    assert model_path(entry.path).exists() and "modelo adaptado" in app.adapt_note.value
    # the listening audit now reads the organization's Spanish mentions with it
    again = listening(open_session("00-listening", workbook=entry.id, lang="es"))
    assert again.audit.accuracy is not None


def test_an_adapted_model_that_does_not_beat_the_default_is_not_kept(workspace):
    """Labels the lexicon already reads perfectly: a model trained on them cannot do better,
    so the inbox keeps the default (and an older adapted model is dropped)."""
    from cmtraining.listening import classify_sentiment
    from cmtraining.listening.adapt import model_path
    from cmtraining.listening.mentions import generate_mentions
    from cmtraining.workbook import update

    entry = create_workbook("Iker", "cafe", lang="es")
    sample = generate_mentions("cafe")
    sample = sample[(sample["lang"] == "es") & ~sample["is_competitor"]].head(60)
    tones = classify_sentiment(list(sample["text"]), lang="es")
    labels = [{"mention_id": r.id, "text": r.text, "sentiment": tone}
              for r, tone in zip(sample.itertuples(), tones, strict=True)]
    update(entry.path, lambda wb: {**wb.model_dump(), "mention_labels": labels})
    model_path(entry.path).write_text("{}")  # an older adapted model
    app = response(open_session("04-response", workbook=entry.id, lang="es"))
    app.adapt.click()
    assert "aún no mejora al léxico" in app.status.value and "100" in app.status.value
    assert not model_path(entry.path).exists() and "diccionario de tono de la herramienta" in app.adapt_note.value


def test_evaluation_app_dashboard_filters_import_and_conclusions(workspace):
    from cmtraining.apps.evaluation import build_app as evaluation
    from cmtraining.planning.prefill import prefill_objectives
    from cmtraining.workbook import update

    entry = create_workbook("Marta", "saas", lang="en")
    update(entry.path, lambda wb: prefill_objectives(wb, today=date(2026, 11, 23)))
    app = evaluation(open_session("06-evaluation", workbook=entry.id, lang="en"),
                     today=date(2026, 11, 23), defer_chart=False)
    assert "LinkedIn" in app.summary.value and bytes(app.chart.value).startswith(b"\x89PNG")
    assert app.attainment.value.count("data-status=") == len(load(entry.path).objectives)
    assert "<li" in app.recommendations.value
    app.network.value = "linkedin"
    assert "LinkedIn" in app.summary.value and "Bluesky" not in app.summary.value
    first, last = app.months.options[0][1], app.months.options[-1][1]
    app.months.value = (first, first)
    assert app.summary.value.count("<tr>") == 2  # header and LinkedIn
    app._on_upload({"new": [{"name": "bad.csv", "content": b"network,month\nlinkedin,2026-01\n"}]})
    assert "bad.csv" in app.status.value and len(load(entry.path).metrics) > 10
    good = ("network,month,followers,posts,reach,impressions,reactions,comments,shares,link_clicks\n"
            "linkedin,2026-09,9000,12,15000,30000,400,40,20,300\n"
            "linkedin,2026-10,9400,14,16000,32000,420,50,25,310\n")
    app._on_upload({"new": [{"name": "mine.csv", "content": good.encode()}]})
    assert len(load(entry.path).metrics) == 2 and "Imported 2 rows" in app.status.value
    assert [v for _, v in app.months.options] == [date(2026, 9, 1), last]
    app.conclusions.value = "LinkedIn carries the pipeline."
    app.changes.value = "Post twice a week on Bluesky\n\nMeasure clicks"
    ev = load(entry.path).evaluation
    assert ev.conclusions == "LinkedIn carries the pipeline." and ev.changes == [
        "Post twice a week on Bluesky", "Measure clicks"]
    # the questionnaire is stage 7's; the evaluation sums it up and links to it
    assert "07-self-assessment.ipynb" in app.self_summary.value


def test_each_prescriber_score_is_the_sum_of_its_components_as_shown(workspace):
    """A reader adds up the row: the score shown is the sum of the components shown."""
    import re

    entry = create_workbook("Luisa", "cafe", lang="es")
    app = response(open_session("04-response", workbook=entry.id, lang="es", prefill=True))
    table = app.prescribers.children[0].value
    rows = re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)[1:]
    assert rows
    for row in rows:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        parts = [float(x.replace(",", ".")) for x in re.findall(r"[+-]\d+(?:,\d+)?", cells[-2])]
        assert parts, cells
        assert float(cells[-1].replace(",", ".")) == round(sum(parts), 1), cells
