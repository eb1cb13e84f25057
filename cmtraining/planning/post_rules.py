"""The post checker's figures, word lists and per-language resources.

`posts.py` holds the checks; this module holds what they compare against:
per-network recommendations (each with its source and year, or marked as an
assumption with its rationale), the word lists of `datasets/post_checker.yaml`
and the spelling resources of each language, built once per process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from cmtraining.core.paths import datasets_dir
from cmtraining.core.text import fold_accents
from cmtraining.core.yamlio import read_yaml

# --- Per-network figures ---------------------------------------------------------

# Most hashtags worth using per post; above it the post gets a warning, and
# above HASHTAG_HARD_LIMIT an error (the network will refuse or ignore them).
HASHTAG_MAX = {
    # X Help Center, "How to use hashtags" (page seen 2023): "no more than 2
    # hashtags per post as best practice".
    "x": 2,
    # Instagram announcement relayed by Adam Mosseri, 19 December 2025 (reported
    # by Social Media Today and others): captions limited to 5 hashtags.
    "instagram": 5,
    # Threads (Meta, 2024): one topic tag per post.
    "threads": 1,
    # assumption (cmtraining, 2026): 1-3 topical tags, the habit on feeds where
    # hashtags barely drive discovery (Facebook, LinkedIn, Bluesky, WhatsApp).
    "facebook": 2,
    "linkedin": 3,
    "bluesky": 2,
    "whatsapp_channels": 2,
    # assumption (cmtraining, 2026): 3-5 tags, the common advice for TikTok and
    # YouTube captions, where tags help search.
    "tiktok": 5,
    "youtube": 3,
}
HASHTAG_HARD_LIMIT = {
    "instagram": 5,  # same source as above: a 6th hashtag is not accepted
    # YouTube Help, "Hashtag policies" (2024): a video with more than 60
    # hashtags has all its hashtags ignored.
    "youtube": 60,
    "threads": 1,  # same source as above: only one tag is kept
}

# assumption (cmtraining, 2026): more than 3 @mentions in one post reads as
# tagging for reach (spam) on any network; captions of visual networks often
# credit a few more people (photographer, partners), hence 5 there.
MENTION_MAX = {"instagram": 5, "tiktok": 5}
MENTION_MAX_DEFAULT = 3

# assumption (cmtraining, 2026): Instagram and TikTok show URLs in captions
# as plain text that cannot be tapped (the well-known "link in bio" habit);
# verify against each help centre before teaching it as a rule.
LINKS_NOT_CLICKABLE = frozenset({"instagram", "tiktok"})
# assumption (cmtraining, 2026): one link per post; two or more split the
# reader's single click.
LINKS_MAX = 1

# Characters shown in the feed before "… more" (an info finding beyond it).
FEED_PREVIEW = {
    # Instagram: about 125 characters before "more" (BulkPublish, "Instagram
    # character limit", 2025; the figure every scheduling guide repeats).
    "instagram": 125,
    # assumption (cmtraining, 2026): LinkedIn cuts a post at about 210
    # characters on desktop before "…see more" (observed, varies by device).
    "linkedin": 210,
}

# X counts every link as 23 characters (X Developer Platform, "Counting
# characters", 2025), also held by datasets/networks.yaml; used when absent there.
X_LINK_WEIGHT = 23

# assumption (cmtraining, 2026): "moderate" emoji use = at most 3 per post
# (about one per idea); "free" has no maximum.
EMOJI_MODERATE_MAX = 3

# Readability. Both formulas use Flesch's (1948) 0-100 scale, whose bands
# Fernández Huerta (1959) kept for Spanish: 60-70 "standard", 50-60 "fairly
# difficult", 30-50 "difficult". assumption (cmtraining, 2026): a post is read
# while scrolling, so it should be "standard" or easier (>= 60); below 50 warns.
READABILITY_OK = 60.0
READABILITY_WARN = 50.0
# assumption (cmtraining, 2026): both formulas were fitted on passages of about
# 100 words; below 8 words the score is noise, so it is not reported.
READABILITY_MIN_WORDS = 8
READABILITY_FORMULA = {"es": "fernandez_huerta", "en": "flesch"}


# --- Text helpers ------------------------------------------------------------------


def fold(word: str) -> str:
    """Lower case without accents (keeps ñ): the key all word lists match on."""
    return fold_accents(word, lower=True, keep="ñ", marks="class")


WORD = re.compile(r"\w+(?:['’]\w+)*")


def words_of(phrase: str) -> tuple[str, ...]:
    return tuple(fold(w) for w in WORD.findall(phrase))


@dataclass(frozen=True)
class Terms:
    """A word list split into single words (a set) and phrases ("a b c")."""

    words: frozenset[str]
    phrases: tuple[str, ...]

    @classmethod
    def of(cls, items) -> Terms:
        words, phrases = set(), []
        for item in items or ():
            parts = words_of(str(item))
            if len(parts) == 1:
                words.add(parts[0])
            elif parts:
                phrases.append(" ".join(parts))
        return cls(frozenset(words), tuple(phrases))

    def find(self, folded: list[str], joined: str) -> list[str]:
        """The terms present in a post given as folded words (and ' '-joined)."""
        hits = [w for w in dict.fromkeys(folded) if w in self.words]
        return hits + [p for p in self.phrases if f" {p} " in joined]


# --- Spanish suffix rules ------------------------------------------------------------
# pyspellchecker's Spanish dictionary lists mostly base forms, so an inflected
# word is accepted when a rule turns it into a listed word: plurals
# (talleres -> taller), regular conjugations (celebramos -> celebrar), stem
# changes (cuenta -> contar), enclitic pronouns (inscríbete -> inscribir).
# Own curation (cmtraining, 2026); deliberately small: a typo seldom becomes a
# real base form through one of these endings.

_PLURAL = (("ciones", "ción"), ("siones", "sión"), ("ones", "ón"), ("ces", "z"), ("es", ""),
           ("s", ""))
# derived words whose base is listed: alfabetización -> alfabetizar, reciclaje -> reciclar
_DERIVED = (("mente", ""), ("a", "o"), ("ación", "ar"), ("ición", "ir"), ("aje", "ar"),
            ("amiento", "ar"), ("imiento", "er"), ("imiento", "ir"), ("ador", "ar"),
            ("adora", "ar"), ("ante", "ar"), ("iente", "er"), ("iente", "ir"), ("able", "ar"),
            ("ible", "er"), ("ible", "ir"), ("ísimo", "o"), ("ísima", "o"), ("ito", "o"),
            ("ita", "a"))
_AR = ("o", "as", "a", "amos", "áis", "an", "é", "aste", "ó", "asteis", "aron", "aba", "abas",
       "ábamos", "abais", "aban", "ando", "ado", "ada", "ados", "adas", "e", "es", "emos", "éis",
       "en", "ara", "aras", "áramos", "aran", "á", "ás", "án", "ad")
_ER_IR = ("o", "es", "e", "emos", "éis", "imos", "ís", "en", "í", "iste", "ió", "isteis", "ieron",
          "ía", "ías", "íamos", "íais", "ían", "iendo", "yendo", "ido", "ida", "idos", "idas", "a",
          "as", "amos", "áis", "an", "iera", "ieras", "iéramos", "ieran", "ed", "id")
_FUTURE = ("é", "ás", "á", "emos", "éis", "án", "ía", "ías", "íamos", "íais", "ían")
_VERBAL = tuple([(s, "ar") for s in _AR] + [(s, e) for s in _ER_IR for e in ("er", "ir")]
                + [(s, "") for s in _FUTURE])
_CLITICS = ("selos", "selas", "selo", "sela", "noslo", "nosla", "melo", "mela", "telo", "tela",
            "los", "las", "les", "nos", "me", "te", "se", "lo", "la", "le", "os")
_STEM_CHANGES = (("ue", "o"), ("ie", "e"), ("i", "e"), ("u", "o"))


def _stems(stem: str):
    yield stem
    for new, old in _STEM_CHANGES:
        at = stem.rfind(new)
        if at > 0:
            yield stem[:at] + old + stem[at + len(new):]


_VOWELS = frozenset("aeiouáéíóú")


# Irregular future and conditional stems (haremos, tendría, podrán).
_FUTURE_STEMS = {"har": "hacer", "dir": "decir", "tendr": "tener", "pondr": "poner",
                 "saldr": "salir", "vendr": "venir", "podr": "poder", "sabr": "saber",
                 "querr": "querer", "habr": "haber", "cabr": "caber", "valdr": "valer"}


def _verbal(form: str):
    for suffix in _FUTURE:
        base = _FUTURE_STEMS.get(fold(form[: -len(suffix)])) if form.endswith(suffix) else None
        if base:
            yield base
    for suffix, ending in _VERBAL:
        if form.endswith(suffix) and len(form) > len(suffix) + 1:
            for stem in _stems(fold(form[: -len(suffix)])):
                base = stem + ending
                if base.endswith(("ar", "er", "ir")):
                    yield base


def spanish_bases(word: str):
    """Candidate base forms of a lower-case Spanish word (may repeat)."""
    yield from _verbal(word)
    singulars = []
    for suffix, repl in _PLURAL:
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            before = word[-len(suffix) - 1]
            if suffix == "es" and before in _VOWELS or suffix == "s" and before not in _VOWELS:
                continue  # -es after a consonant (taller-es), -s after a vowel (casa-s)
            singulars += [word[: -len(suffix)] + repl, fold(word[: -len(suffix)]) + repl]
    for form in [word, *singulars]:
        if form is not word:
            yield form
        for suffix, repl in _DERIVED:
            if form.endswith(suffix) and len(form) > len(suffix) + 1:
                yield form[: -len(suffix)] + repl
    # enclitic pronouns hang only on verbs: infinitive (hacerlo), gerund
    # (haciéndolo) or imperative (inscríbete); the rest must be a verb form
    for clitic in _CLITICS:
        if word.endswith(clitic) and len(word) - len(clitic) >= 2:
            form = fold(word[: -len(clitic)])
            if form.endswith(("ar", "er", "ir")):
                yield form
            yield from _verbal(form)


# --- Word lists and spelling resources -----------------------------------------------


def _strings(tree, lang: str):
    """Every string under `tree[...][lang]`, at any depth, in the dataset's shape."""
    if isinstance(tree, dict):
        for key, value in tree.items():
            if key == lang or key not in ("es", "en"):
                yield from _strings(value, lang)
    elif isinstance(tree, list):
        yield from (str(x) for x in tree)


# British spellings (own curation, cmtraining 2026): pyspellchecker's English
# dictionary is American, so "organisation" is accepted via "organization".
_BRITISH = (("our", "or"), ("isation", "ization"), ("ise", "ize"), ("ising", "izing"),
            ("ised", "ized"), ("tre", "ter"), ("ogue", "og"), ("ence", "ense"), ("lled", "led"),
            ("lling", "ling"))


def british_bases(word: str):
    for uk, us in _BRITISH:
        if uk in word:
            yield word.replace(uk, us)


@cache
def word_lists() -> dict:
    """`datasets/post_checker.yaml`, parsed into `Terms` per list and language."""
    data = read_yaml(datasets_dir() / "post_checker.yaml")
    out = {}
    for lang in ("es", "en"):
        out[lang] = {
            "lexicon": frozenset(str(w).lower() for w in data["lexicon"][lang]),
            # every listed word as written (accents kept): the speller accepts them
            "raw": frozenset(w.lower() for key in ("lexicon", "cta", "sensitive", "register")
                             for w in _strings(data[key], lang) for w in WORD.findall(w)
                             if ":" not in w),
            "cta": Terms.of([*data["cta"][lang]["words"], *data["cta"][lang]["phrases"]]),
            "cta_verbs": tuple(str(v) for v in data["cta"][lang].get("verbs", ())),
            "politics": Terms.of(data["sensitive"][lang]["politics"]),
            "religion": Terms.of(data["sensitive"][lang]["religion"]),
            "informal": Terms.of(data["register"]["informal"][lang]),
            "formal": Terms.of(data["register"]["formal"][lang]),
        }
    return out


class Speller:
    """One language's spelling: pyspellchecker's dictionary, our lexicon, rules.

    Built once per language (`speller(lang)`); `known` and `suggest` are
    memoised per word, so a warm checker costs one dictionary hit per word.
    """

    MAX_SUGGESTIONS = 3

    def __init__(self, lang: str):
        from spellchecker import SpellChecker

        self.lang = lang
        self.spell = SpellChecker(language=lang, distance=1)
        self.freq = self.spell.word_frequency.dictionary
        lists = word_lists()[lang]
        self.extra = lists["lexicon"] | lists["raw"]
        # accent-less spelling -> the most frequent accented dictionary word,
        # e.g. "organizacion" -> "organización" (the commonest Spanish slip)
        self.by_fold: dict[str, str] = {}
        for word, count in self.freq.items():
            key = fold(word)
            if key != word and (key not in self.by_fold or count > self.freq[self.by_fold[key]]):
                self.by_fold[key] = word
        for word in self.extra:  # lexicon words with accents the dictionary lacks ("aquí")
            key = fold(word)
            if key != word:
                self.by_fold.setdefault(key, word)
        self.stemmer = stemmer(lang)
        self._folded_sorted: list[tuple[str, str]] | None = None  # for the stem look-up, built on demand
        self.known = lru_cache(maxsize=200_000)(self._known)
        self.suggest = lru_cache(maxsize=20_000)(self._suggest)

    def _in_dict(self, word: str) -> bool:
        return word in self.freq or word in self.extra

    def _known(self, word: str) -> bool:
        if self._in_dict(word):
            return True
        if self.lang == "es" and any(self._in_dict(b) for b in spanish_bases(word)):
            return True
        if self.lang == "en":
            if word.endswith("s") and len(word) > 3 and word[:-1] in self.extra:
                return True  # plurals of lexicon words ("webinars")
            if any(b in self.freq for b in british_bases(word)):
                return True
        return self._shares_stem(word)

    def _shares_stem(self, word: str) -> bool:
        """An inflected form of a dictionary word: same Snowball stem ("etiquetados",
        "etiqueta"). Not for a word whose accented spelling exists ("aqui" is a
        slip for "aquí"), and only for stems of 4 letters or more (short stems
        would accept typos)."""
        if fold(word) == word and self.by_fold.get(word, word) != word:
            return False
        stem = self.stemmer.stemWord(word)
        if len(stem) < 4 or len(stem) + 7 < len(word):
            return False
        import bisect

        if self._folded_sorted is None:  # (folded, as written): accents guide the stemmer
            self._folded_sorted = sorted({(fold(w), w) for w in (*self.freq, *self.extra)
                                          if len(w) >= 4})
        words = self._folded_sorted
        at = bisect.bisect_left(words, (stem, ""))
        for folded, written in words[at:at + 40]:
            if not folded.startswith(stem):
                break
            if written != word and self.stemmer.stemWord(written) == stem:
                return True
        return False

    def _weight(self, word: str) -> int:
        """How common a word is: its own frequency, or its most frequent Spanish base form
        ("recibimos" ranks by "recibir", so it comes before a rare "recavimos")."""
        own = self.freq.get(word, 0)
        if own or self.lang != "es":
            return own
        return max((self.freq.get(b, 0) for b in spanish_bases(word)), default=0)

    def _suggest(self, word: str) -> tuple[str, ...]:
        """Up to 3 corrections: the accented form alone when it exists ("aqui" ->
        "aquí": the slip is the accent), else known words 1 edit away.

        Two edits away (pyspellchecker's default) costs about half a second per
        long word, too slow for a live form; one edit catches most slips.
        """
        out = []
        accented = self.by_fold.get(fold(word))
        if accented and accented != word:
            return (accented,)
        if len(word) <= 24:
            edits = [w for w in self.spell.edit_distance_1(word) if w != word]
            # listed words first (cheap); the suffix rules only when none is listed
            near = [w for w in edits if self._in_dict(w)] or [w for w in edits if self._known(w)]
            near.sort(key=lambda w: (-self._weight(w), w))
            out += [w for w in near if w not in out]
        return tuple(out[: self.MAX_SUGGESTIONS])


@cache
def stemmer(lang: str):
    """The Snowball stemmer of a language (snowballstemmer, pure Python)."""
    import snowballstemmer

    return snowballstemmer.stemmer({"es": "spanish", "en": "english"}[lang])


@lru_cache(maxsize=100_000)
def stem(word: str, lang: str) -> str:
    """The Snowball stem of a folded word: "baratos", "barata" -> "barat"."""
    return stemmer(lang).stemWord(word)


@cache
def speller(lang: str) -> Speller:
    return Speller(lang)


@lru_cache(maxsize=100_000)
def syllables(word: str, lang: str) -> int:
    """Syllables of one word with Pyphen, as textstat counts them (hyphen points + 1)."""
    from textstat.backend.utils._get_pyphen import get_pyphen

    return len(get_pyphen(lang).positions(word)) + 1


@cache
def readability_constants(lang: str) -> tuple[float, float, float]:
    """(base, per word-per-sentence, per syllable-per-word), textstat's own constants.

    es: Fernández Huerta (1959) as textstat computes it, 206.84 - 1.02 x words
    per sentence - 60 x syllables per word; en: Flesch (1948) reading ease,
    206.835 - 1.015 x words per sentence - 84.6 x syllables per word.
    """
    from textstat.backend.utils._get_lang_cfg import get_lang_cfg

    return (get_lang_cfg(lang, "fre_base"), get_lang_cfg(lang, "fre_sentence_length"),
            get_lang_cfg(lang, "fre_syll_per_word"))
