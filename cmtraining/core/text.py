"""Text folding shared by every engine: one accent folder, one slug.

Word lists, column names, handles and trainees' names are matched without
their accents. The engines used to carry six copies of that loop, which
differed in small ways (lower case or not, ñ kept or not, NFD or NFKD, which
marks count as accents); those differences are now parameters, and each
caller keeps the behaviour it had.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

#: private-use code points stand in for the letters a fold keeps (NFD/NFKD leave them alone)
_KEEP_BASE = 0xF0000

MarkRule = Literal["category", "class"]


def _is_mark(char: str, rule: MarkRule) -> bool:
    if rule == "category":
        return unicodedata.category(char) == "Mn"
    return unicodedata.combining(char) != 0


def fold_accents(text: str, *, lower: bool = False, keep: str = "", compatibility: bool = False,
                 marks: MarkRule = "category") -> str:
    """`text` without accents: "Árbol, pingüino" -> "Arbol, pinguino".

    - `lower`: lower-case first ("Árbol" -> "arbol").
    - `keep`: letters kept whole, e.g. "ñ" (Spanish sorts and stems it as its own
      letter: "año" is not "ano"). Applied after `lower`.
    - `compatibility`: decompose with NFKD rather than NFD, so compatibility
      forms fold too ("ﬁ" -> "fi", "²" -> "2", full-width letters -> ASCII).
    - `marks`: what counts as an accent. "category" drops the nonspacing marks
      (Unicode category Mn); "class" drops characters with a non-zero combining
      class. The two agree on Latin, Greek and Cyrillic text and differ on a
      few marks of other scripts (Devanagari vowel signs, the combining
      grapheme joiner).
    """
    if lower:
        text = text.lower()
    if text.isascii():  # nothing to decompose, no accent to drop
        return text
    kept = {c: chr(_KEEP_BASE + i) for i, c in enumerate(keep) if c in text}
    for char, stand_in in kept.items():
        text = text.replace(char, stand_in)
    decomposed = unicodedata.normalize("NFKD" if compatibility else "NFD", text)
    folded = "".join(c for c in decomposed if not _is_mark(c, marks))
    for char, stand_in in kept.items():
        folded = folded.replace(stand_in, char)
    return folded


def slugify(text: str, *, limit: int | None = 48) -> str:
    """'Ana García López' -> 'ana-garcia-lopez': ASCII letters, digits and hyphens.

    Anything that has no ASCII form is dropped. `limit` caps the length (a
    workbook id is at most 48 characters); None keeps it all.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug if limit is None else slug[:limit].strip("-")


def first_upper(text: str) -> str:
    """`text` with its first letter in capitals, the rest as written ("pinned post" as a
    list's option: "Pinned post"; "iPhone" and names after the first letter untouched)."""
    return text[:1].upper() + text[1:]
