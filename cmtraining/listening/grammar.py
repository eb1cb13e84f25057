"""Agreement of a generated message's words with the thing it is about.

A complaint in the mentions generator is a ``{thing}`` and a ``{problem}``
drawn independently ("la terraza" + "estaba sucia"), so the words that must
agree with the thing are written as choices in square brackets, resolved by
`render` for the gender and number of the thing drawn:

- ``[estaba|estaban]``, ``[was|were]``: two forms, singular | plural;
- ``[duro|dura|duros|duras]``: four forms, masculine singular | feminine
  singular | masculine plural | feminine plural.

Choices may appear in ``problem`` strings and in templates that contain
``{thing}`` ("Me [encanta|encantan] {thing}"); nowhere else. Square brackets
and "|" are reserved for them. The gender and number of a thing are
inferred (`agreement`): in Spanish from its first word, a determiner
(el, la, los, las, un, una, unos, unas, este, esa, nuestro...; mi, tu, su
and mis, tus, sus give the number and the noun after them gives the gender:
ending in -a, -ión, -dad, -tad, -tud or -umbre is feminine); in English from
the determiner (a, this, these...) or else the head noun (the last word
before a preposition: ending in "s" but not "ss", "us" or "is" is plural).
Where that is wrong or impossible, a tag at the end of the thing says it
and is not shown: ``"el agua [f]"``, ``"the news [sg]"``, ``"Tallyfold [f.sg]"``
(tags: m, f, sg, pl, m.sg, f.sg, m.pl, f.pl). English has no grammatical
gender: masculine unless tagged. A Spanish thing whose gender or number
cannot be inferred and has no tag is an error (`mentions.check_vocabulary` lists
every such problem of an organization's data). Slot values that open a
sentence ("... otra vez. {thing} {problem}") are capitalized.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from cmtraining.core.text import fold_accents


def fold(text: str) -> str:
    """`text` without accents (for handles and for matching determiners)."""
    return fold_accents(text)


class Agreement(NamedTuple):
    gender: str  # "m" or "f"
    number: str  # "sg" or "pl"


_CHOICE = re.compile(r"\[([^\[\]]*)\]")
_TAG = re.compile(r"\s*\[(m|f|sg|pl|[mf]\.(?:sg|pl))\]\s*$")
_SLOT = re.compile(r"\{(\w+)\}")
FORMS = {("m", "sg"): 0, ("f", "sg"): 1, ("m", "pl"): 2, ("f", "pl"): 3}
_ES_DETERMINERS: dict[str, tuple[str | None, str]] = {
    word: (gender, number)
    for words, gender, number in (
        ("el un este ese aquel nuestro vuestro otro algun ningun", "m", "sg"),
        ("la una esta esa aquella nuestra vuestra otra alguna ninguna", "f", "sg"),
        ("los unos estos esos aquellos nuestros vuestros otros algunos", "m", "pl"),
        ("las unas estas esas aquellas nuestras vuestras otras algunas", "f", "pl"),
        ("mi tu su cada", None, "sg"),
        ("mis tus sus", None, "pl"),
    )
    for word in words.split()
}
_ES_FEMININE_ENDINGS = ("a", "ion", "dad", "tad", "tud", "umbre")
_EN_SINGULAR = {"a", "an", "this", "that", "each", "every"}
_EN_PLURAL = {"these", "those"}
_EN_PREPOSITIONS = {"of", "for", "at", "in", "on", "with", "from", "to", "by", "about",
                    "after", "before", "during", "near"}
_EN_IRREGULAR_PLURALS = {"people", "children", "men", "women", "feet", "teeth", "mice"}


def split_tag(thing: str) -> tuple[str, str]:
    """A thing without its agreement tag, and the tag ("" when it has none)."""
    match = _TAG.search(thing)
    return (thing[:match.start()], match.group(1)) if match else (thing, "")


def _es_guess(text: str) -> tuple[str | None, str | None]:
    words = fold(text).lower().split()
    if not words or words[0] not in _ES_DETERMINERS:
        return None, None
    gender, number = _ES_DETERMINERS[words[0]]
    if gender is None and len(words) > 1:  # mi, tu, su...: the noun tells the gender
        noun = words[1].strip(".,;:!?")
        if number == "pl":
            noun = noun[:-2] if noun.endswith("es") and noun[-3:-2] not in "aeiou" else noun[:-1]
        gender = "f" if noun.endswith(_ES_FEMININE_ENDINGS) else "m"
    return gender, number


def _en_guess(text: str) -> tuple[str | None, str | None]:
    words = [w.strip(".,;:!?'\"()").lower() for w in text.split()]
    words = [w for w in words if w]
    if not words:
        return None, None
    if words[0] in _EN_SINGULAR | _EN_PLURAL:
        return None, "pl" if words[0] in _EN_PLURAL else "sg"
    head = words[0]
    for word in words[1:]:
        if word in _EN_PREPOSITIONS:
            break
        head = word
    plural = head in _EN_IRREGULAR_PLURALS or (
        head.endswith("s") and not head.endswith(("ss", "us", "is")) and len(head) > 2)
    return None, "pl" if plural else "sg"


@lru_cache(maxsize=2048)
def agreement(thing: str, lang: str) -> Agreement:
    """The grammatical gender and number of a `thing`: its tag, else inferred (module docstring)."""
    text, tag = split_tag(thing)
    tagged = dict.fromkeys(tag.split("."), True) if tag else {}
    gender = next((g for g in ("m", "f") if g in tagged), None)
    number = next((n for n in ("sg", "pl") if n in tagged), None)
    if gender is None or number is None:
        guess_gender, guess_number = (_es_guess if lang == "es" else _en_guess)(text)
        gender = gender or guess_gender or (None if lang == "es" else "m")
        number = number or guess_number
    if gender is None or number is None:
        raise ValueError(
            f"cannot tell the gender and number of {thing!r} ({lang}): begin it with a "
            "determiner (el, la, los, las, un, una, mi, mis...) or end it with a tag "
            "such as [m.sg], [f.sg], [m.pl] or [f.pl]")
    return Agreement(gender, number)


def inflect(text: str, agree: Agreement | None) -> str:
    """`text` with every [singular|plural] or [m.sg|f.sg|m.pl|f.pl] choice made for `agree`."""

    def choose(match) -> str:
        forms = match.group(1).split("|")
        if agree is None:
            raise ValueError(f"{match.group(0)} in {text!r}: there is no {{thing}} to agree with")
        if len(forms) == 2:
            return forms[agree.number == "pl"]
        if len(forms) == 4:
            return forms[FORMS[agree]]
        raise ValueError(f"{match.group(0)} in {text!r}: a choice has 2 forms "
                         "[singular|plural] or 4 [m.sg|f.sg|m.pl|f.pl]")

    result = _CHOICE.sub(choose, text)
    if any(c in result for c in "[]|"):
        raise ValueError(f"{text!r}: square brackets and '|' are kept for choices like [a|b]")
    return result


def _capitalized(value: str) -> str:
    for i, char in enumerate(value):
        if char.isalpha():
            return value[:i] + char.upper() + value[i + 1:]
        if char not in "¿¡\"'«(":
            break
    return value


def render(template: str, lang: str, **slots: str) -> str:
    """A template filled with `slots`, its and the problem's choices made for the thing.

    The generator's only way of writing a text: `thing` loses its agreement
    tag, the choices of `template` and `problem` agree with it, and a slot
    value that opens a sentence is capitalized.
    """
    agree = None
    if slots.get("thing"):
        agree = agreement(slots["thing"], lang)
        slots["thing"] = split_tag(slots["thing"])[0]
    if "problem" in slots:
        slots["problem"] = inflect(slots["problem"], agree)
    template = inflect(template, agree)

    def fill(match) -> str:
        value = slots[match.group(1)]
        before = template[:match.start()].rstrip()
        return _capitalized(value) if not before or before.endswith((".", "!", "?")) else value

    return _SLOT.sub(fill, template)
