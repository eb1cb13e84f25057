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


def function_words(text: str, toks: list[str] | None = None) -> tuple[int, int]:
    """How many Spanish and how many English function words a text has."""
    es = en = 0
    for token in tokens(text) if toks is None else toks:
        if token in _ES:
            es += 1
        if token in _EN:
            en += 1
    return es, en


def detect_lang(text: str, default: str = "es", toks: list[str] | None = None) -> str:
    """"es" or "en" for one message; `default` when nothing tells them apart.

    `toks`: the message's tokens, when the caller has them already.
    """
    return decide_lang(text, token_verdicts(tokens(text) if toks is None else toks), default)


def token_verdicts(toks: list[str]) -> tuple[str | None, str | None]:
    """What the tokens alone say: by function words, then by the lexicons (None: a tie).

    Equal tokens give equal verdicts, so a caller may keep them per token sequence.
    """
    es, en = function_words("", toks)
    if es != en:
        return ("es" if es > en else "en"), None
    from cmtraining.listening.sentiment.lexicon import load_lexicon

    known = {code: sum(1 for tok in toks if tok.isalpha() and load_lexicon(code).valence(tok))
             for code in ("es", "en")}
    if known["es"] != known["en"]:
        return None, "es" if known["es"] > known["en"] else "en"
    return None, None


def decide_lang(text: str, verdicts: tuple[str | None, str | None], default: str = "es") -> str:
    """Function words first, then letters only Spanish uses, then the lexicons, then `default`."""
    by_words, by_lexicon = verdicts
    if by_words is not None:
        return by_words
    lowered = text[:500].lower()
    if any(c in _ES_MARKS for c in lowered):
        return "es"
    return by_lexicon if by_lexicon is not None else default
