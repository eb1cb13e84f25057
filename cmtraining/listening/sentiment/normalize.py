"""Text normalisation and tokenisation shared by every sentiment backend.

Social-media messages addressed to an organization are short, noisy and
mixed: mentions, links, numbers, hashtags, elongated words ("siiii"),
emoticons, emojis, missing accents. Both the zero-shot lexicon scorer and the
trained model see the same tokens, so a rule and a learned weight talk about
the same thing. Only the standard library is used: this runs on every
message, so it must be fast and import nothing heavy.
"""

from __future__ import annotations

import re
from functools import lru_cache

from cmtraining.core.text import fold_accents

# A message longer than this is cut: sentiment is decided in the first lines,
# and a pasted document must not make one call take seconds.
MAX_CHARS = 2000

_FOLD = str.maketrans({
    "á": "a", "à": "a", "â": "a", "ä": "a", "ã": "a", "é": "e", "è": "e", "ê": "e", "ë": "e",
    "í": "i", "ì": "i", "î": "i", "ï": "i", "ó": "o", "ò": "o", "ô": "o", "ö": "o", "õ": "o",
    "ú": "u", "ù": "u", "û": "u", "ü": "u", "ç": "c", "’": "'", "‘": "'", "´": "'", "`": "'",
    "“": '"', "”": '"', "«": '"', "»": '"', "…": "...", "¡": "!", "¿": "?",
})

# Order matters: links and mentions before words; emoticons before punctuation.
_TOKEN_RE = re.compile(
    r"(?P<url>https?://\S+|www\.\S+)"
    r"|(?P<user>@\w+)"
    r"|(?P<tag>#\w+)"
    r"|(?P<emoticon>(?<!\w)(?:[:;=][-o^']?[)(\]\[dpo/\\|*3$@]+|<3+|[)(\]\[][-o^']?[:;=]))"
    r"|(?P<num>\d+(?:[.,:]\d+)*(?:st|nd|rd|th|h|am|pm|hrs?|min)?\b)"
    r"|(?P<word>[^\W\d_]+(?:'[^\W\d_]+)?|\w+)"
    r"|(?P<punct>\.{2,}|[!?]+|[.,;:\"])"
    r"|(?P<sym>[^\w\s])",
    re.UNICODE,
)
_ELONGATED = re.compile(r"(\w)\1{2,}")
# variation selectors and joiners carry no meaning for sentiment
_INVISIBLE = dict.fromkeys(map(ord, "\ufe0f\ufe0e\u200d\u200b\u200c\u2060\ufeff"), None)
# both tables in one pass: no folded character is invisible, no invisible one is folded
_FOLD_VISIBLE = _FOLD | _INVISIBLE


def fold(text: str) -> str:
    """Lowercase and fold the accents users often omit ("decepción" = "decepcion")."""
    return text.lower().translate(_FOLD)


def squeeze(word: str) -> str:
    """Elongations down to two letters: "siiiii" -> "sii", "goooood" -> "good"."""
    return _ELONGATED.sub(r"\1\1", word)


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    word = squeeze(word)
    if word.isascii():
        return word
    return fold_accents(word, compatibility=True, marks="class")


def tokens(text: str) -> list[str]:
    """Normalised tokens of one message.

    Links become "<url>", mentions "<user>", numbers "<num>"; hashtags keep
    their word ("#fail" -> "fail") because users write sentiment in them;
    emojis and emoticons are tokens of their own; words are lowercased,
    accent-folded and squeezed ("siiii" -> "sii").

    Speed (an audit tokenises tens of thousands of messages): the pieces are
    cut by one C call (`findall` of the same pattern without named groups) and
    each distinct piece is normalised once; the token a piece becomes depends
    on the piece alone. A piece that does not re-match as itself (none is
    known) sends the message through the plain scan, `scan_tokens`.
    """
    text = text[:MAX_CHARS].lower()
    # the same as fold() then dropping invisibles; "`" is the only ASCII character either touches
    text = text.replace("`", "'") if text.isascii() else text.translate(_FOLD_VISIBLE)
    memo = _PIECES
    out = [memo[piece] if piece in memo else _piece(piece) for piece in _PIECE_RE.findall(text)]
    return out if None not in out else scan_tokens(text)


def scan_tokens(folded: str) -> list[str]:
    """Tokens of an already folded message, match by match (the reference of `tokens`)."""
    out: list[str] = []
    append = out.append
    for match in _TOKEN_RE.finditer(folded):
        append(_normalised(match.lastgroup, match.group()))
    return out


def _normalised(kind: str | None, value: str) -> str:
    if kind == "word":
        return _fold_word(value) if not value.isascii() or len(value) > 2 else value
    if kind == "punct":
        return "..." if value.startswith("..") else value[:2] if value[0] in "!?" else value
    if kind == "user":
        return "<user>"
    if kind == "url":
        return "<url>"
    if kind == "num":
        return "<num>"
    if kind == "tag":
        return _fold_word(value[1:])
    return value  # emoticon or symbol (emoji)


# The same alternatives without names: `findall` then returns the pieces themselves.
_PIECE_RE = re.compile(re.sub(r"\(\?P<\w+>", "(?:", _TOKEN_RE.pattern), re.UNICODE)
_PIECES: dict[str, str] = {}
_MAX_PIECES = 500_000


def _piece(piece: str) -> str | None:
    """The token of one piece; None when the piece alone would not match as itself."""
    match = _TOKEN_RE.match(piece)
    if match is None or match.end() != len(piece):
        return None
    token = _normalised(match.lastgroup, piece)
    if len(_PIECES) < _MAX_PIECES:
        _PIECES[piece] = token
    return token


def caps_ratio(text: str) -> float:
    """Share of words of 3+ letters written in capitals (shouting), 0 to 1."""
    words = [w for w in text[:MAX_CHARS].split() if w.isalpha() and len(w) >= 3]
    if len(words) < 2:
        return 0.0
    return sum(map(str.isupper, words)) / len(words)
