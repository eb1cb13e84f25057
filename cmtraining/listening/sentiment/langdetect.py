"""An offline Spanish-or-English guess for `lang="auto"`.

Only the two languages cmtraining speaks matter, so a full language
identifier (and its model download) is not needed: function words are the
most frequent and most language-specific tokens of any message, so counting
Spanish versus English stopwords decides almost every message of a few
words. Ties (an emoji, a name, a link, "great, another delay") fall back to letters
only Spanish uses (ñ, accents, ¿ ¡), then to which language's sentiment
lexicon knows more of the words, then to the caller's default (Spanish: most
users write it).
"""

from __future__ import annotations

from cmtraining.listening.sentiment.normalize import tokens

_ES = frozenset("""
de la que el en y a los se del las un por con no una su para es al lo como mas o pero sus le
ha me si sin sobre este ya entre cuando todo esta ser son dos tambien fue habia era muy anos
hasta desde esta mi porque que solo han yo hay vez puede todos asi nos ni parte tiene el uno
donde bien tiempo mismo ese ahora cada e vida otro despues te otros aunque esa eso hace otra
gobierno tan durante siempre dia tanto ella tres si dijo sido gran pais segun menos año antes
estado contra sino forma caso nada hacer general estaba poco estos presidente mayor ante
unos les algo hacia casa ellos ayer hecho mucho mientras ademas quien momento millones esto
vuelo vuelos gracias hola estoy tengo nadie nunca ningun ninguna usted ustedes vosotros
os estais sois teneis hoy manana aqui alli ahi cual cuales cuanto donde quiero puedo
""".split())
_EN = frozenset("""
the be to of and a in that have i it for not on with he as you do at this but his by from
they we say her she or an will my one all would there their what so up out if about who get
which go me when make can like time no just him know take people into year your good some
could them see other than then now look only come its over think also back after use two
how our work first well way even new want because any these give day most us is are was
were been has had did does am im dont cant wont didnt isnt wasnt thanks thank please flight
hours still why where yes hi hello guys nothing never nobody been being its it's i'm don't
""".split())
_ES_MARKS = frozenset("ñáéíóú¿¡")


def function_words(text: str) -> tuple[int, int]:
    """How many Spanish and how many English function words a text has."""
    es = en = 0
    for token in tokens(text):
        if token in _ES:
            es += 1
        if token in _EN:
            en += 1
    return es, en


def detect_lang(text: str, default: str = "es") -> str:
    """"es" or "en" for one message; `default` when nothing tells them apart."""
    es, en = function_words(text)
    toks = tokens(text)
    if es != en:
        return "es" if es > en else "en"
    lowered = text[:500].lower()
    if any(c in _ES_MARKS for c in lowered):
        return "es"
    from cmtraining.listening.sentiment.lexicon import load_lexicon

    known = {code: sum(1 for tok in toks if tok.isalpha() and load_lexicon(code).valence(tok))
             for code in ("es", "en")}
    if known["es"] != known["en"]:
        return "es" if known["es"] > known["en"] else "en"
    return default
