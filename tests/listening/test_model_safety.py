"""Issue 20.6: a crafted sentiment model file is refused with the package's error.

Each attack from the probe: a number too large for a float, an array nested
100,000 deep, every weight at 1e308 (which labelled everything negative), a
file far bigger than any model (refused before it is parsed), and weights
that make every prediction the same.
"""

from __future__ import annotations

import json

import pytest

from cmtraining.listening.sentiment import SentimentModel, train_sentiment
from cmtraining.listening.sentiment.errors import ModelFileError
from cmtraining.listening.sentiment.model import _checksum
from tests.listening.test_sentiment import synthetic


@pytest.fixture(scope="module")
def payload() -> dict:
    texts, labels = synthetic(60)
    return train_sentiment(texts, labels, "es").to_dict()


def _write(tmp_path, payload: dict, *, raw: str | None = None):
    payload = dict(payload)
    payload["checksum"] = _checksum(payload)
    path = tmp_path / "model.json"
    path.write_text(raw if raw is not None else json.dumps(payload), encoding="utf-8")
    return path


def test_a_sound_model_still_loads(tmp_path, payload):
    assert SentimentModel.load(_write(tmp_path, payload)).lang == "es"


def test_a_huge_integer_is_refused(tmp_path, payload):
    coef = [list(row) for row in payload["coef"]]
    coef[0][0] = 10**400  # checksum recomputed: only the number can refuse it
    with pytest.raises(ModelFileError) as info:
        SentimentModel.load(_write(tmp_path, dict(payload, coef=coef)))
    assert info.value.key == "core.safety.model.huge_number"


def test_a_huge_integer_built_in_code_is_refused(payload):
    coef = [list(row) for row in payload["coef"]]
    coef[0][0] = 10**400
    tampered = dict(payload, coef=coef)
    tampered["checksum"] = _checksum(tampered)
    with pytest.raises(ModelFileError):
        SentimentModel.from_dict(tampered, source="model.json")


def test_deep_nesting_is_refused(tmp_path, payload):
    raw = '{"format": ' + "[" * 100_000 + "]" * 100_000 + "}"
    with pytest.raises(ModelFileError) as info:
        SentimentModel.load(_write(tmp_path, payload, raw=raw))
    assert info.value.key == "core.safety.model.too_deep"


@pytest.mark.parametrize("value", [1e308, -1e308, 1e5])
def test_weights_out_of_range_are_refused(tmp_path, payload, value):
    coef = [[value] * len(row) for row in payload["coef"]]
    with pytest.raises(ModelFileError) as info:
        SentimentModel.load(_write(tmp_path, dict(payload, coef=coef)))
    assert info.value.key == "core.safety.model.degenerate" and "coef" in info.value.message("en")


def test_a_model_that_ignores_the_text_is_refused(tmp_path, payload):
    coef = [[0.0] * len(row) for row in payload["coef"]]
    with pytest.raises(ModelFileError) as info:
        SentimentModel.load(_write(tmp_path, dict(payload, coef=coef)))
    assert info.value.key == "core.safety.model.degenerate"


def test_a_file_too_big_is_refused_before_it_is_parsed(tmp_path, payload, monkeypatch):
    import cmtraining.listening.sentiment.model as model

    path = _write(tmp_path, payload)
    monkeypatch.setattr(model, "MAX_FILE_BYTES", path.stat().st_size - 1)

    def no_parsing(*args, **kwargs):
        raise AssertionError("parsed a file over the limit")

    monkeypatch.setattr(model.json, "loads", no_parsing)
    with pytest.raises(ModelFileError) as info:
        SentimentModel.load(path)
    assert info.value.key == "listening.sentiment.error.model_too_big"


def test_the_size_cap_is_below_the_probe_file():
    from cmtraining.listening.sentiment.model import MAX_FILE_BYTES

    assert MAX_FILE_BYTES < 100 * 1024 * 1024  # the probe's 100 MB file cost 1.4 GB to parse
