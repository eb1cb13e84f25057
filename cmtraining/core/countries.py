"""Country names for pickers: Babel's territory names, real countries only, sorted as read.

Babel (CLDR) lists more than countries: pseudo-locales (XA "Pseudo-Accents",
XB "Pseudo-Bidi"), groupings (UN, EU, EZ "Eurozone", QO "Outlying Oceania",
"ZZ" unknown, three-digit regions) and codes that ISO 3166-1 reserves but
does not assign to a country (AC, CP, CQ, DG, EA, IC, TA). A trainee
choosing where their organization is should see none of them (issue 21.13).
Names sort by their letters before their accents ("Österreich" beside
"Oman", "Perú" before "Polonia") and, in Spanish, "ñ" after "n".
"""

from __future__ import annotations

from cmtraining.core.text import fold_accents

#: CLDR territory codes that are not countries (CLDR 45, territory list; ISO 3166-1:2020
#: exceptionally reserved codes AC, CP, CQ, DG, EA, IC, TA)
NOT_COUNTRIES = frozenset({"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN",
                           "XA", "XB", "ZZ"})


def sort_key(name: str, lang: str) -> tuple[str, str]:
    """Letters first, accents only to break ties; Spanish puts ñ after n."""
    text = name.casefold()
    if lang == "es":
        text = text.replace("ñ", "n\uffff")
    base = fold_accents(text)
    return base, text


def country_options(lang: str, current: str = "") -> list[tuple[str, str]]:
    """(name in `lang`, ISO code) of every country, sorted; `current` kept if unknown."""
    from babel import Locale

    names = Locale.parse(lang).territories
    codes = {c for c in names if len(c) == 2 and c.isalpha() and c not in NOT_COUNTRIES}
    if current:
        codes.add(current)
    return sorted(((names.get(c, c), c) for c in codes), key=lambda x: sort_key(x[0], lang))
