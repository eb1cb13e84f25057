"""Instructing information: does a text tell people what to do to stay safe?

SCCT puts instructing information first whenever people may be harmed
(Coombs 2007): what not to eat or use, what to check, whom to call. People
write it as orders, so this module finds imperatives of the safety verbs of
`datasets/reply_checker.yaml` (`instructions`), in every form a trainee may
use ("no los consumáis", "no lo consuma", "compruebe el lote", "devolvedlos",
"do not eat", "don't use", "stop using", "check your…"), plus the phrases of
the `safety_info` cue list ("llama al 112", "for your safety"); its single
words ("lote", "batch") name the topic but instruct nobody.

    instructions(text, lang) -> [Instruction(sentence=0, words="no los consumais"), ...]
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from cmtraining.planning.imperatives import (
    as_written,
    clause_words,
    find_english,
    find_spanish,
    spanish_forms,
)

__all__ = ["Instruction", "instructions", "first_instruction"]


@dataclass(frozen=True)
class Instruction:
    sentence: int  # 0-based index of the sentence it is in
    words: str  # the words found as written, e.g. "no los consumáis"


@cache
def _verbs(lang: str):
    from cmtraining.response.reply_rules import rules

    listed = rules().instruction_verbs.get(lang, ())
    if lang == "es":
        return spanish_forms(listed)
    return frozenset(listed)


def instructions(text: str, lang: str) -> list[Instruction]:
    """Every safety instruction of `text` (a Spanish or English text), in order."""
    from cmtraining.response.reply_rules import Text, rules

    reading = Text(text)
    cues = rules().cues[lang]["safety_info"]
    out: list[Instruction] = []
    for index, sentence in enumerate(reading.sentences):
        words = clause_words(sentence)
        plain = [w for w in words if w != ","]
        found = (find_spanish([words], _verbs("es")) if lang == "es"
                 else find_english([words], _verbs("en")))
        # the cue list's phrases ("llama al 112", "for your safety"); its single
        # words ("lote", "batch") name the topic without telling anyone what to do
        joined = f" {' '.join(plain)} "
        found += [p for p in cues.phrases if f" {p} " in joined]
        out += [Instruction(index, as_written(sentence, w)) for w in dict.fromkeys(found)]
    return out


def first_instruction(text: str, lang: str) -> int | None:
    """The index of the first sentence that instructs, or None."""
    found = instructions(text, lang)
    return found[0].sentence if found else None
