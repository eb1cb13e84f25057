"""Imperatives, as people write them: Spanish tú, usted, vosotros and ustedes forms, English.

Calls to action ("pedid ya", "inscribíos") and safety instructions ("no los
consumáis", "compruebe el lote", "do not eat", "stop using") are orders. A
list of finished forms misses most of them (a verb has some forty
imperative forms once the vosotros forms, negatives and attached pronouns
are counted), so the forms are generated here from the infinitives listed in
the data files, with Spanish's regular endings, its spelling changes
(toque, pague, empiece, coja, conozca) and the stem changes a verb declares
("devolver:ue", "pedir:i", "cerrar:ie"). Irregular verbs list their own
forms (`IRREGULAR`).

    spanish_forms(["consumir", "devolver:ue"]) -> ImperativeForms
    find_spanish(folded_words, forms) -> ["no los consumais", "devuelvelos"]
    find_english(text, verbs) -> ["do not eat", "stop using", "check"]

Everything is folded (lower case, no accents, ñ kept) as the checkers' word
lists are. Own curation (cmtraining, 2026), following the conjugation
tables of the RAE's Nueva gramática (2009), chapter 4.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from cmtraining.planning.post_rules import fold

# Pronouns that attach to an affirmative imperative ("devuélvelos") or stand
# between "no" and a negative one ("no los consumáis").
CLITICS = ("lo", "la", "los", "las", "le", "les", "me", "te", "se", "nos", "os",
           "selo", "sela", "selos", "selas", "melo", "mela", "telo", "tela", "noslo", "nosla",
           "noslos", "noslas")
_STANDALONE_CLITICS = frozenset(("lo", "la", "los", "las", "le", "les", "me", "te", "se", "nos", "os"))

# Irregular imperatives: tú, usted, vosotros, ustedes, and the subjunctive
# stem of the negatives (no hagas, no hagáis, no haga, no hagan).
IRREGULAR: dict[str, tuple[str, str, str, str, str]] = {
    "hacer": ("haz", "haga", "haced", "hagan", "hag"),
    "poner": ("pon", "ponga", "poned", "pongan", "pong"),
    "tener": ("ten", "tenga", "tened", "tengan", "teng"),
    "venir": ("ven", "venga", "venid", "vengan", "veng"),
    "salir": ("sal", "salga", "salid", "salgan", "salg"),
    "decir": ("di", "diga", "decid", "digan", "dig"),
    "ir": ("ve", "vaya", "id", "vayan", "vay"),
    "dar": ("da", "de", "dad", "den", "d"),
    "ser": ("se", "sea", "sed", "sean", "se"),
    "traer": ("trae", "traiga", "traed", "traigan", "traig"),
    "oir": ("oye", "oiga", "oid", "oigan", "oig"),
    "seguir": ("sigue", "siga", "seguid", "sigan", "sig"),
    "conseguir": ("consigue", "consiga", "conseguid", "consigan", "consig"),
    "elegir": ("elige", "elija", "elegid", "elijan", "elij"),
    "coger": ("coge", "coja", "coged", "cojan", "coj"),
    "recoger": ("recoge", "recoja", "recoged", "recojan", "recoj"),
    "conocer": ("conoce", "conozca", "conoced", "conozcan", "conozc"),
    "saber": ("sabe", "sepa", "sabed", "sepan", "sep"),
    "ver": ("ve", "vea", "ved", "vean", "ve"),
    "leer": ("lee", "lea", "leed", "lean", "le"),
    "huir": ("huye", "huya", "huid", "huyan", "huy"),
    "construir": ("construye", "construya", "construid", "construyan", "construy"),
    "distribuir": ("distribuye", "distribuya", "distribuid", "distribuyan", "distribuy"),
    "incluir": ("incluye", "incluya", "incluid", "incluyan", "incluy"),
}


def _subjunctive_stem(stem: str, ending: str) -> str:
    """Spelling changes before the subjunctive's vowel: toc-ar -> toqu-e, venc-er -> venz-a."""
    if ending == "ar":
        for old, new in (("gu", "gü"), ("c", "qu"), ("g", "gu"), ("z", "c")):
            if stem.endswith(old):
                return stem[: -len(old)] + new
        return stem
    if stem.endswith("gu"):
        return stem[:-2] + "g"  # distinguir -> distinga
    if stem.endswith("c"):
        return stem[:-1] + ("zc" if stem[-2:-1] in "aeiou" else "z")  # parecer -> parezca
    if stem.endswith("g"):
        return stem[:-1] + "j"  # proteger -> proteja
    return stem


def _changed(stem: str, change: str) -> str:
    """Stem change in the last stem vowel: o -> ue, e -> ie, e -> i, u -> ue (jugar)."""
    source = {"ue": ("o", "u"), "ie": ("e",), "i": ("e",)}.get(change, ())
    for i in range(len(stem) - 1, -1, -1):
        if stem[i] in source:
            return stem[:i] + change + stem[i + 1:]
    return stem


@dataclass(frozen=True)
class ImperativeForms:
    """Folded forms: affirmative (clitics attached) and negative (after "no")."""

    affirmative: frozenset[str]
    negative: frozenset[str]
    #: the affirmative tú forms, which are also a third-person present ("revisa"):
    #: counted only at the start of a clause
    ambiguous: frozenset[str]


def _verb_forms(entry: str) -> tuple[set[str], set[str], set[str]]:
    verb, _, change = fold(entry).partition(":")
    if verb in IRREGULAR:
        tu, usted, vos, ustedes, sub = IRREGULAR[verb]
        stem = verb[:-2]
        e = "a" if verb.endswith(("er", "ir")) else "e"
        negative = {sub + e + "s", sub + e + "is", sub + e, sub + e + "n"}
        plain = {tu, usted, vos, ustedes}
        return plain, negative, {tu}
    if len(verb) < 3 or verb[-2:] not in ("ar", "er", "ir"):
        return set(), set(), set()
    stem, ending = verb[:-2], verb[-2:]
    strong = _changed(stem, change) if change else stem  # stressed stem (cuenta, pide)
    sub_weak = _subjunctive_stem(_changed(stem, "i") if change == "i" else stem, ending)
    sub_strong = _subjunctive_stem(strong, ending)
    if ending == "ar":
        tu, usted, vos, ustedes = strong + "a", sub_strong + "e", stem + "ad", sub_strong + "en"
        negative = {sub_strong + "es", sub_weak + "eis", sub_strong + "e", sub_strong + "en"}
    else:
        tu, usted, ustedes = strong + "e", sub_strong + "a", sub_strong + "an"
        vos = stem + ("ed" if ending == "er" else "id")
        negative = {sub_strong + "as", sub_weak + "ais", sub_strong + "a", sub_strong + "an"}
    return {tu, usted, vos, ustedes}, negative, {tu}


def _with_clitics(forms: Iterable[str]) -> set[str]:
    out = set()
    for form in forms:
        out.add(form)
        for clitic in CLITICS:
            if form.endswith("d") and clitic == "os":
                out.add(form[:-1] + clitic)  # apuntad + os -> apuntaos
            else:
                out.add(form + clitic)  # devuelve + los, probad + los
    return out


@lru_cache(maxsize=64)
def _spanish_forms(verbs: tuple[str, ...]) -> ImperativeForms:
    affirmative, negative, ambiguous = set(), set(), set()
    for entry in verbs:
        plain, neg, tu = _verb_forms(entry)
        affirmative |= _with_clitics(plain)
        negative |= neg
        ambiguous |= tu
    # a bare form that is also a common word of another kind ("se", "de", "ve") is not an order
    ambiguous |= {f for f in affirmative if len(f) <= 2}
    return ImperativeForms(frozenset(affirmative), frozenset(negative), frozenset(ambiguous))


def spanish_forms(verbs: Iterable[str]) -> ImperativeForms:
    """Every imperative form of these infinitives ("pedir:i", "devolver:ue", "usar")."""
    return _spanish_forms(tuple(sorted({str(v) for v in verbs})))


_CLAUSE_OPENERS = frozenset(("y", "e", "o", "pero", "porfa", "favor", "luego", "ahora", "ya",
                             "tambien", "primero", "despues", "entonces", "mientras", "tanto"))


def find_spanish(sentences: Iterable[list[str]], forms: ImperativeForms) -> list[str]:
    """The imperatives in sentences given as folded words (a clause starts after a comma)."""
    hits: list[str] = []
    for words in sentences:
        start = len(hits)  # hits before this sentence
        for i, word in enumerate(words):
            if word == "no":
                j = i + 1
                while j < len(words) and j - i <= 2 and words[j] in _STANDALONE_CLITICS:
                    j += 1
                if j < len(words) and words[j] in forms.negative:
                    hits.append(" ".join(words[i:j + 1]))
                continue
            if word not in forms.affirmative or i and words[i - 1] == "no":
                continue
            if word in forms.ambiguous and not _clause_start(words, i) \
                    and not (start < len(hits) and words[i - 1] in ("y", "e", "o")):
                continue  # "revisa" is an order at a clause's start or after "… y"
            hits.append(word)
    return list(dict.fromkeys(hits))


def _clause_start(words: list[str], i: int) -> bool:
    """At a sentence's or clause's start, or after "y", "por favor", "ya"…"""
    k = i
    while k > 0 and words[k - 1] in _CLAUSE_OPENERS | {"por", ","}:
        k -= 1
    return k == 0 or words[k - 1] == ","


def clause_words(sentence: str) -> list[str]:
    """Folded words of a sentence with its commas kept as "," (clause boundaries)."""
    return ["," if w in ",;:" else fold(w).replace("’", "'") for w in _tokens(sentence)]


def _tokens(sentence: str) -> list[str]:
    return re.findall(r"\w+(?:[-'’]\w+)*|[,;:]", sentence)


def as_written(sentence: str, hit: str) -> str:
    """A hit found in folded words, as the sentence writes it ("no los consumáis")."""
    raw = _tokens(sentence)
    folded = clause_words(sentence)
    words = hit.split()
    for i in range(len(folded) - len(words) + 1):
        if folded[i:i + len(words)] == words:
            return " ".join(raw[i:i + len(words)])
    return hit


# --- English -------------------------------------------------------------------------------

_EN_SUBJECTS = frozenset(("i", "we", "you", "they", "he", "she", "it", "people", "who", "that",
                          "which", "customers", "users", "staff", "this", "there"))
_EN_OPENERS = frozenset(("please", "and", "then", "also", "first", "now", "so", "meanwhile",
                         "just", "kindly", "immediately"))


def find_english(sentences: Iterable[list[str]], verbs: frozenset[str]) -> list[str]:
    """"do not X", "don't X", "never X", "stop X-ing", and a listed verb opening a clause."""
    hits: list[str] = []
    for words in sentences:
        start = len(hits)  # hits before this sentence
        for i, word in enumerate(words):
            prev = words[i - 1] if i else ""
            if word in ("don't", "dont") or word == "do" and words[i + 1:i + 2] == ["not"] \
                    or word == "never":
                if prev in _EN_SUBJECTS:
                    continue  # "we do not know yet" is not an order
                step = 2 if word == "do" else 1
                nxt = words[i + step:i + step + 1]
                if nxt and nxt[0][:1].isalnum():
                    hits.append(" ".join(words[i:i + step + 1]))
            elif word == "stop" and i + 1 < len(words) and words[i + 1].endswith("ing") \
                    and prev not in _EN_SUBJECTS:
                hits.append(f"stop {words[i + 1]}")
            elif word in verbs and (_en_clause_start(words, i)
                                    or prev in ("and", "or", "then") and len(hits) > start):
                hits.append(word)  # "change your password and enable…": both orders
    return list(dict.fromkeys(hits))


def _en_clause_start(words: list[str], i: int) -> bool:
    k = i
    while k > 0 and words[k - 1] in _EN_OPENERS:
        k -= 1
    return k == 0 or words[k - 1] == ","
