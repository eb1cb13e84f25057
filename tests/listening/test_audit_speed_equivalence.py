"""The fast audit gives exactly what the straightforward one gives.

The audit of issue 15's benchmark (100,000 mentions) tokenises each message
once, shares the tokens between the language guess and the scorer, weighs
each token sequence once, cuts tokens with one `findall` and a per-piece memo,
and counts terms per distinct word. None of that may change a result: here
every figure of the audit is compared with a reference that classifies row by
row through the public API (`classify_sentiment`, `sentiment_scores`, which
tokenise per call) and counts terms word by word, as the audit did before.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cmtraining.listening import audit as audit_module
from cmtraining.listening.audit import audit_mentions
from cmtraining.listening.cues import is_spam
from cmtraining.listening.importer import read_mentions_csv
from cmtraining.listening.mentions import generate_mentions
from cmtraining.listening.sentiment import (
    classify_sentiment,
    langdetect,
    normalize,
    rules,
    sentiment_scores,
)
from cmtraining.listening.sentiment.langdetect import _ES_MARKS, detect_lang, function_words
from cmtraining.listening.sentiment.lexicon import load_lexicon
from cmtraining.listening.sentiment.normalize import MAX_CHARS, fold, scan_tokens, tokens
from tests.conftest import EXPORTS

MENTION_EXPORTS = ("airline_tweets.csv", "espanol.csv", "meta_business_suite.csv",
                   "social_listening.csv", "x_api_v2.csv", "x_archive.csv")

# pieces that wake every rule: phrases, negation, intensifiers, contrast, sarcasm, questions,
# thanks, shouting, emoji, emoticons, links, mentions, hashtags, numbers, accents, elongations
PIECES = ("no", "nunca", "bueno", "BUENO", "gracias", "gracias por", "pero", "muy", "un poco",
          "nadie contesta", "retraso", "decepcionado", "buenoooo", "maaravilla", "genial...",
          "great", "GREAT", "thanks for", "the delay", "but", "not", "very", "still waiting",
          "love", "awful", "help", "please", "united", "¿", "?", "!!!", "...", ",", '"', "😍",
          "🙄", "😡", "👍🏽", "✈️", ":)", ":-(", "<3", "@Iberia", "#fail", "#Genial",
          "https://t.co/x1", "www.x.es", "12:30h", "IB1234", "3rd", "it's", "I'm", "don't",
          "l’été", "`", "…", "\u200d", "\ufe0f", "\n", "ñ", "España", "Espana", "Ácido", "café", "Madrid", "x2",
          "__", "²", "1²", "a:)", "=d", "(:", "dpo", "&amp;")
texts_st = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=12)),
                    max_size=14).map(lambda parts: " ".join(parts))
glued_st = st.lists(st.sampled_from(PIECES), max_size=10).map("".join)  # no spaces between


def reference_terms(texts, *, exclude=(), limit=20):
    """`terms` as it was: every word of every distinct text read one by one."""
    skip = audit_module.stopwords() | {audit_module._fold(w) for name in exclude
                                       for w in audit_module._WORD.findall(name)}
    words, tags, spellings = Counter(), Counter(), {}
    for text, times in Counter(str(text) for text in texts).items():
        for token in audit_module._WORD.findall(audit_module._URL.sub(" ", text)):
            folded = audit_module._fold(token).replace("’", "'").strip("'-")
            if "'" in folded and not folded.startswith("#"):
                base, _, clitic = folded.partition("'")
                if clitic in audit_module._CLITICS:
                    continue
                folded = base if clitic == "s" else folded
            if folded.startswith("#"):
                tags[token.lower()] += times
            elif folded.startswith("@") or len(folded) < 3 or folded in skip:
                continue
            else:
                words[folded] += times
                written = token.lower().replace("’", "'").strip("'-")
                written = written.partition("'")[0] if written.endswith("'s") else written
                spellings.setdefault(folded, Counter())[written] += times
    shown = [(max(spellings[w].items(), key=lambda kv: (kv[1], kv[0]))[0], n)
             for w, n in words.most_common(limit)]
    return shown, tags.most_common(limit)


def reference_sentiment(frame, backend):
    """Label and score row by row through the public API (language guessed per row)."""
    labels, scores = [], []
    for text, lang in zip(frame["text"], frame["lang"], strict=True):
        code = lang if lang in ("es", "en") else "auto"
        if is_spam(text):  # spam says nothing of the organization: neutral
            labels, scores = labels + ["neutral"], scores + [0.0]
            continue
        labels += classify_sentiment([text], lang=code)
        scores += sentiment_scores([text], lang=code)
    return labels, scores


def reference_tokens(text: str) -> list[str]:
    return scan_tokens(fold(text[:MAX_CHARS]).translate(normalize._INVISIBLE))


def reference_detect_lang(text: str, default: str = "es") -> str:
    """`detect_lang` as it was: tokenising on every question it asks."""
    es = sum(tok in function_words.__globals__["_ES"] for tok in reference_tokens(text))
    en = sum(tok in function_words.__globals__["_EN"] for tok in reference_tokens(text))
    if es != en:
        return "es" if es > en else "en"
    if any(c in _ES_MARKS for c in text[:500].lower()):
        return "es"
    known = {code: sum(1 for tok in reference_tokens(text)
                       if tok.isalpha() and load_lexicon(code).valence(tok))
             for code in ("es", "en")}
    if known["es"] != known["en"]:
        return "es" if known["es"] > known["en"] else "en"
    return default


def reference_audit(frame, monkeypatch, **kwargs):
    with monkeypatch.context() as patch:
        patch.setattr(audit_module, "_sentiment", reference_sentiment)
        patch.setattr(audit_module, "terms", reference_terms)
        return audit_mentions(frame, **kwargs)


def assert_same_audit(fast, slow):
    for name in ("mentions", "daily", "share_of_voice", "by_network", "top_authors"):
        pd.testing.assert_frame_equal(getattr(fast, name), getattr(slow, name), check_exact=True)
    for name in ("top_terms", "top_hashtags", "alerts", "counts", "net_sentiment", "own_share",
                 "accuracy", "total"):
        assert getattr(fast, name) == getattr(slow, name), name
    assert fast.findings() == slow.findings()


@given(texts_st)
@settings(max_examples=300, deadline=None)
def test_tokens_are_those_of_the_match_by_match_scan(text):
    assert tokens(text) == reference_tokens(text)


@given(glued_st)
@settings(max_examples=300, deadline=None)
def test_tokens_of_glued_pieces_are_those_of_the_scan(text):
    # pieces written together ("a:)", "IB1234", ":)<3") are where a memo keyed on a piece
    # could go wrong: the piece's kind depends on its neighbours only through the piece
    assert tokens(text) == reference_tokens(text)


@given(texts_st, st.sampled_from(["es", "en"]))
@settings(max_examples=200, deadline=None)
def test_language_guess_and_scores_match_the_reference(text, default):
    assert detect_lang(text, default) == reference_detect_lang(text, default)
    lang = detect_lang(text)
    lexicon_result = audit_module._lexicon([text], "auto")
    assert lexicon_result == [(classify_sentiment([text], lang=lang)[0],
                               sentiment_scores([text], lang=lang)[0])]


@given(texts_st)
@settings(max_examples=100, deadline=None)
def test_terms_match_the_word_by_word_count(text):
    texts = [text, text.upper(), "otro " + text, text]
    assert audit_module.terms(texts, exclude=["Iberia"]) == reference_terms(texts,
                                                                           exclude=["Iberia"])


@given(st.lists(st.tuples(texts_st, st.sampled_from(["es", "en", None]),
                          st.booleans(), st.integers(0, 20)), min_size=1, max_size=40))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
def test_audit_of_generated_mentions_matches_the_reference(monkeypatch, rows):
    start = datetime(2026, 3, 1, 9)
    # repeated texts (retweets), the same text in both languages and an unknown one (equal
    # tokens weigh differently per language), competitors, gaps of days
    first = rows[0][0]
    rows = [*rows, (first, "es", False, 0), (first, "en", False, 1), (first, None, False, 2),
            (first.replace("n", "ñ"), None, False, 3),
            # equal tokens, guessed apart by a Spanish letter: "es" for one, "en" for the other
            ("awful España", None, False, 4), ("awful Espana", None, False, 4)]
    frame = pd.DataFrame({
        "text": [text for text, *_ in rows],
        "lang": [lang for _, lang, *_ in rows],
        "is_competitor": [competitor for _, _, competitor, _ in rows],
        "brand": ["Rival" if competitor else "Iberia" for _, _, competitor, _ in rows],
        "at": [start + timedelta(days=day) for *_, day in rows],
        "author": [f"@a{day % 3}" for *_, day in rows],
        "followers": [day * 10 for *_, day in rows],
        "network": [("twitter", "facebook")[k % 2] for k in range(len(rows))],
    })
    assert_same_audit(audit_mentions(frame, brand="Iberia"),
                      reference_audit(frame, monkeypatch, brand="Iberia"))


@pytest.mark.parametrize("org_id", ["ngo", "saas", "cafe"])
def test_audit_of_sample_mentions_matches_the_reference(monkeypatch, org_id):
    frame = generate_mentions(org_id, days=40, seed=7)
    assert_same_audit(audit_mentions(frame, sensitivity=2.0),
                      reference_audit(frame, monkeypatch, sensitivity=2.0))


@pytest.mark.parametrize("name", MENTION_EXPORTS)
def test_audit_of_real_shaped_exports_matches_the_reference(monkeypatch, name):
    frame = read_mentions_csv(EXPORTS / name, brand="Iberia", tz="Europe/Madrid")
    assert_same_audit(audit_mentions(frame, brand="Iberia"),
                      reference_audit(frame, monkeypatch, brand="Iberia"))


def test_audit_tokenises_each_distinct_message_once(monkeypatch):
    frame = read_mentions_csv(EXPORTS / "airline_tweets.csv", brand="Iberia")
    frame["lang"] = None  # the language is guessed: that read the tokens twice more before
    own = frame[~frame["is_competitor"]]
    load_lexicon("es"), load_lexicon("en")
    calls = []

    def counted(text):
        calls.append(text)
        return tokens(text)

    for module in (normalize, rules, langdetect):  # every name the tokeniser goes by
        monkeypatch.setattr(module, "tokens", counted)
    audit_mentions(frame, brand="Iberia")
    assert sorted(calls) == sorted(set(own["text"]))
