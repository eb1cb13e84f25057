"""Stage 3 engine: the post checker, a review of one draft post for one network.

    check_post(text, network, lang="es", style=None) -> list[Finding]
    PostChecker(lang, style).check(text, network)    # the same, reusable

Each check returns one `Finding` (code `post.<check>`), ok or not, with the
rule, the value that triggered it and a message with the numbers:

- `post.empty`: nothing to review (an error, and the only finding).
- `post.length`: characters against the network's sourced limit
  (`datasets/networks.yaml`; X counts links as 23 and wide characters and
  emojis as 2, Bluesky counts graphemes); an info finding past the part the
  feed shows before "more" where a figure exists (`post_rules.FEED_PREVIEW`).
- `post.spelling`: words unknown to pyspellchecker's offline dictionary (plus
  our lexicon and Spanish suffix rules, see `post_rules`), with suggestions.
  Never checked: hashtags, @mentions, links, e-mails, numbers, emojis, the
  style guide's `words_use`, all-caps acronyms and capitalised words inside a
  sentence (proper nouns). A capitalised word opening a sentence is reported
  only when there is a suggestion for it (a name usually has none).
- `post.hashtags`, `post.mentions`, `post.links`: counts against per-network
  recommendations; a link where captions are not clickable.
- `post.readability`: Fernández Huerta (es) or Flesch reading ease (en).
- `post.emoji`: count against the style guide's emoji policy.
- `post.cta`: a call to action (imperative or phrase from the word list, or a
  question to the audience).
- `post.sensitive`: politics or religion, when the guide asks for neutrality.
- `post.words_avoid` and `post.register`: the style guide's banned words, and
  informal markers under a formal register (or usted forms under a friendly one).

The text is tokenised once; dictionaries and word sets are built once per
language and shared by every checker; spelling is memoised per word.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from cmtraining.core.errors import CmtrainingError
from cmtraining.core.findings import Finding, Key, Number
from cmtraining.i18n import check_lang
from cmtraining.planning import post_rules as R
from cmtraining.workbook.models import StyleGuide

__all__ = ["PostChecker", "PostInputError", "check_post", "summary"]


class PostInputError(CmtrainingError):
    """A post, network or style guide the checker cannot take."""

    key = "planning.post.error.not_text"


# One pass over the text. Order matters: e-mails before mentions, links before words.
_TOKENS = re.compile(r"""
  (?P<keycap>[#*0-9]\ufe0f?\u20e3)
| (?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)
| (?P<url>(?:https?://|www\.)[^\s<>"«»]+
         |\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|org|net|es|eu|io|ly|co|info|edu|gob|me|app|cat|gal|eus)\b(?:/[^\s<>"«»]*)?)
| (?P<mention>(?<![\w@])@\w(?:[\w.]*\w)?)
| (?P<hashtag>(?<![\w#&])\#\w+)
| (?P<word>\w+(?:['’]\w+)*)
| (?P<stop>[.!?…\n]+)
| (?P<emoji>[\u00a9\u00ae\u200d\u203c\u2049\u2122\u2139\u2194-\u21aa\u231a-\U0010ffff]+)
""", re.VERBOSE | re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\"»…"


def _wide(ch: str) -> bool:
    """X's weight-2 characters: code points outside its weight-1 ranges.

    X Developer Platform, "Counting characters" (2025): U+0000-10FF,
    U+2000-200D, U+2010-201F and U+2032-2037 count 1; everything else 2.
    """
    o = ord(ch)
    return not (o <= 0x10FF or 0x2000 <= o <= 0x200D or 0x2010 <= o <= 0x201F or 0x2032 <= o <= 0x2037)


class _Post:
    """A post tokenised once: words (with sentence position), tags, links, emojis."""

    __slots__ = ("text", "words", "starts", "hashtags", "mentions", "urls", "emojis",
                 "emoji_chars", "sentences", "folded", "joined")

    def __init__(self, text: str):
        import emoji

        self.text = text
        self.words: list[str] = []
        self.starts: list[bool] = []  # word opens a sentence
        self.hashtags, self.mentions, self.urls, self.emojis = [], [], [], []
        self.emoji_chars = 0
        self.sentences = 0
        at_start = True
        for m in _TOKENS.finditer(text):
            kind, value = m.lastgroup, m.group()
            if kind == "word":
                self.words.append(value)
                self.starts.append(at_start)
                at_start = False
            elif kind == "stop":
                if not at_start:
                    self.sentences += 1
                at_start = True
            elif kind == "url":
                self.urls.append(value.rstrip(_TRAILING))
            elif kind == "hashtag":
                self.hashtags.append(value)
            elif kind == "mention":
                self.mentions.append(value)
            elif kind == "keycap":
                self.emojis.append(value)
                self.emoji_chars += len(value)
            elif kind == "emoji":
                for item in emoji.emoji_list(value):
                    self.emojis.append(item["emoji"])
                    self.emoji_chars += len(item["emoji"])
        if not at_start:
            self.sentences += 1
        # hashtag bodies count for topics ("#Elecciones2026" -> "elecciones")
        tags = [R.fold(re.sub(r"[\d_]+", " ", h[1:])).strip() for h in self.hashtags]
        self.folded = [R.fold(w) for w in self.words] + [t for t in tags if t]
        self.joined = f" {' '.join(R.fold(w) for w in self.words)} "

    def length(self, network: str) -> int:
        if network == "x":
            text = self.text
            for url in self.urls:
                text = text.replace(url, "", 1)
            emoji_weight = 2 * len(self.emojis)
            for item in self.emojis:
                text = text.replace(item, "", 1)
            return len(self.urls) * _x_link_weight() + emoji_weight + sum(2 if _wide(c) else 1 for c in text)
        if network == "bluesky":  # graphemes: an emoji sequence or a letter + accent is one
            import unicodedata

            marks = sum(1 for c in self.text if unicodedata.combining(c))
            return len(self.text) - marks - self.emoji_chars + len(self.emojis)
        return len(self.text)


@lru_cache(maxsize=1)
def _x_link_weight() -> int:
    from cmtraining.networks import catalogue

    for extra in catalogue().networks["x"].extra_limits:
        if extra.unit == "characters" and "link" in extra.what.en.lower():
            return int(extra.value)
    return R.X_LINK_WEIGHT


def _f(code, level, message, value=None, **params) -> Finding:
    return Finding(code=f"post.{code}", level=level, rule_key=f"planning.post.rule.{code}",
                   message_key=f"planning.post.msg.{message}", value=value, params=params)


def _listing(items):
    from cmtraining.i18n.quotes import Quoted

    return Quoted(items, empty="")  # « » in Spanish, “ ” in English, chosen when rendered


class PostChecker:
    """Checks posts in one language against one style guide (or none)."""

    def __init__(self, lang: str = "es", style: StyleGuide | None = None):
        from cmtraining.networks import catalogue

        self.lang = check_lang(lang)
        if style is not None and not isinstance(style, StyleGuide):
            raise PostInputError("planning.post.error.style", value=type(style).__name__)
        self.style = style
        self.speller = R.speller(self.lang)
        self.lists = R.word_lists()[self.lang]
        self.networks = {nid: (net.name, int(net.text_limit.value))
                         for nid, net in catalogue().networks.items()}
        self.words_use = frozenset(w for item in (style.words_use if style else ())
                                   for w in R.words_of(item))
        self.words_avoid = R.Terms.of(style.words_avoid if style else ())
        # inflected forms count too ("barato" bans "baratos", "barata"): compared by stem
        self.avoid_stems = {R.stem(w, self.lang): w for w in self.words_avoid.words}
        self.avoid_phrase_stems = {" ".join(R.stem(w, self.lang) for w in p.split()): p
                                   for p in self.words_avoid.phrases}

    # --- entry point -------------------------------------------------------------

    def check(self, text: str, network: str) -> list[Finding]:
        if not isinstance(text, str):
            raise PostInputError("planning.post.error.not_text", value=type(text).__name__)
        if not isinstance(network, str) or network not in self.networks:
            raise PostInputError("planning.post.error.unknown_network", value=str(network),
                                 allowed=", ".join(self.networks))
        if not text.strip():
            return [_f("empty", "error", "empty", text)]
        post = _Post(text)
        name, limit = self.networks[network]
        out = [self._length(post, network, name, limit), self._spelling(post),
               self._hashtags(post, network, name), self._mentions(post, network, name),
               self._links(post, network, name), self._readability(post), self._emoji(post),
               self._cta(post)]
        style = self.style
        if style is None or style.neutral_on_politics_religion:
            out.append(self._sensitive(post))
        if self.words_avoid.words or self.words_avoid.phrases:
            out.append(self._words_avoid(post))
        if style is not None and style.formality != "neutral":
            out.append(self._register(post, style.formality))
        return out

    # --- checks --------------------------------------------------------------------

    def _length(self, post, network, name, limit) -> Finding:
        count = post.length(network)
        if count > limit:
            return _f("length", "error", "length_over", count, count=count, limit=limit,
                      network=name, over=count - limit)
        preview = R.FEED_PREVIEW.get(network)
        if preview and count > preview:
            return _f("length", "info", "length_preview", count, count=count, limit=limit,
                      network=name, preview=preview)
        return _f("length", "ok", "length_ok", count, count=count, limit=limit, network=name)

    def _spelling(self, post) -> Finding:
        sp, unknown = self.speller, {}
        for word, start in zip(post.words, post.starts, strict=True):
            if len(word) < 2 or not word.isalpha() and not ("'" in word or "’" in word):
                continue  # single letters, numbers, mixed digits ("2x1", "h_2")
            if word[0].isupper() and (not start or word.isupper()):
                continue  # a proper noun inside a sentence, or an acronym
            lower = word.lower().replace("’", "'")
            if lower in unknown or R.fold(lower) in self.words_use or sp.known(lower):
                continue
            hints = sp.suggest(lower)
            if start and word[0].isupper() and not hints:
                continue  # a capitalised first word with no near match: likely a name
            unknown[lower] = hints
        if not unknown:
            return _f("spelling", "ok", "spelling_ok", None, count=len(post.words))
        from cmtraining.i18n.quotes import Quoted

        shown = Quoted(unknown, hints=unknown)
        return _f("spelling", "warning", "spelling", dict(unknown), count=len(unknown), words=shown)

    def _hashtags(self, post, network, name) -> Finding:
        n, most = len(post.hashtags), R.HASHTAG_MAX[network]
        hard = R.HASHTAG_HARD_LIMIT.get(network)
        if hard is not None and n > hard:
            return _f("hashtags", "error", "hashtags_hard", post.hashtags, count=n, limit=hard, network=name)
        if n > most:
            return _f("hashtags", "warning", "hashtags_many", post.hashtags, count=n, most=most, network=name)
        return _f("hashtags", "ok", "hashtags_ok", post.hashtags, count=n, most=most, network=name)

    def _mentions(self, post, network, name) -> Finding:
        n, most = len(post.mentions), R.MENTION_MAX.get(network, R.MENTION_MAX_DEFAULT)
        if n > most:
            return _f("mentions", "warning", "mentions_many", post.mentions, count=n, most=most, network=name)
        return _f("mentions", "ok", "mentions_ok", post.mentions, count=n, most=most, network=name)

    def _links(self, post, network, name) -> Finding:
        n = len(post.urls)
        if n and network in R.LINKS_NOT_CLICKABLE:
            return _f("links", "warning", "links_not_clickable", post.urls, count=n, network=name)
        if n > R.LINKS_MAX:
            return _f("links", "info", "links_many", post.urls, count=n, most=R.LINKS_MAX)
        return _f("links", "ok", "links_ok", post.urls, count=n)

    def _readability(self, post) -> Finding:
        formula = Key(f"planning.post.formula.{R.READABILITY_FORMULA[self.lang]}")
        words = [w for w in post.words if w.isalpha()]
        if len(words) < R.READABILITY_MIN_WORDS:
            return _f("readability", "info", "readability_short", None, formula=formula,
                      count=len(words), minimum=R.READABILITY_MIN_WORDS)
        base, per_sentence, per_syllable = R.readability_constants(self.lang)
        syllables = sum(R.syllables(w.lower(), self.lang) for w in words)
        score = base - per_sentence * len(words) / max(post.sentences, 1) \
            - per_syllable * syllables / len(words)
        score = round(score, 1)
        params = dict(formula=formula, score=Number(score), ok=Number(R.READABILITY_OK),
                      per_sentence=Number(round(len(words) / max(post.sentences, 1), 1)))
        if score < R.READABILITY_WARN:
            return _f("readability", "warning", "readability_hard", score, **params)
        if score < R.READABILITY_OK:
            return _f("readability", "info", "readability_fair", score, **params)
        return _f("readability", "ok", "readability_ok", score, **params)

    def _emoji(self, post) -> Finding:
        n = len(post.emojis)
        policy = self.style.emoji_policy if self.style else "moderate"
        shown = " ".join(post.emojis[:10])
        rule = Key(f"planning.post.emoji_policy.{policy}")
        if policy == "none" and n:
            return _f("emoji", "warning", "emoji_none", post.emojis, count=n, emojis=shown, policy=rule)
        if policy == "moderate" and n > R.EMOJI_MODERATE_MAX:
            return _f("emoji", "warning", "emoji_many", post.emojis, count=n, most=R.EMOJI_MODERATE_MAX,
                      emojis=shown, policy=rule)
        return _f("emoji", "ok", "emoji_ok", post.emojis, count=n, policy=rule)

    def _cta(self, post) -> Finding:
        hits = self.lists["cta"].find(post.folded, post.joined)
        if not hits and self.lang == "es" and self.lists["cta_verbs"]:  # vosotros, ustedes
            from cmtraining.planning.imperatives import clause_words, find_spanish, spanish_forms

            forms = spanish_forms(self.lists["cta_verbs"])
            sentences = [clause_words(s) for s in re.split(r"[.!?¡¿…\n]+", post.text)]
            hits = find_spanish(sentences, forms)
        if hits:
            return _f("cta", "ok", "cta_ok", hits, found=_listing(hits[:3]))
        if "?" in post.text:
            return _f("cta", "ok", "cta_question", None)
        return _f("cta", "warning", "cta_missing", None)

    def _sensitive(self, post) -> Finding:
        politics = self.lists["politics"].find(post.folded, post.joined)
        religion = self.lists["religion"].find(post.folded, post.joined)
        hits = politics + religion
        if hits:
            topic = Key("planning.post.topic." + ("both" if politics and religion else
                                        "politics" if politics else "religion"))
            return _f("sensitive", "warning", "sensitive", hits, words=_listing(hits), topic=topic)
        return _f("sensitive", "ok", "sensitive_ok", None)

    def _words_avoid(self, post) -> Finding:
        hits = self.words_avoid.find(post.folded, post.joined)
        stems = [R.stem(w, self.lang) for w in post.folded]
        hits += [w for w, st in zip(post.folded, stems, strict=True)
                 if st in self.avoid_stems and w not in hits]
        joined = f" {' '.join(stems)} "
        hits += [p for key, p in self.avoid_phrase_stems.items()
                 if f" {key} " in joined and p not in hits]
        if hits:
            return _f("words_avoid", "warning", "words_avoid", hits, words=_listing(hits), count=len(hits))
        return _f("words_avoid", "ok", "words_avoid_ok", None)

    def _register(self, post, formality) -> Finding:
        markers = self.lists["informal" if formality == "formal" else "formal"]
        hits = markers.find(post.folded, post.joined)
        register = Key(f"planning.post.register.{formality}")
        if hits:
            return _f("register", "warning", f"register_{formality}", hits, words=_listing(hits),
                      register=register)
        return _f("register", "ok", "register_ok", None, register=register)


@lru_cache(maxsize=64)
def _checker(lang: str, style_json: str | None) -> PostChecker:
    style = StyleGuide.model_validate_json(style_json) if style_json else None
    return PostChecker(lang, style)


def check_post(text: str, network: str, *, lang: str = "es",
               style: StyleGuide | None = None) -> list[Finding]:
    """Review one draft post for one network; see the module's docstring."""
    if style is not None and not isinstance(style, StyleGuide):
        raise PostInputError("planning.post.error.style", value=type(style).__name__)
    key = style.model_dump_json() if style is not None else None
    return _checker(check_lang(lang), key).check(text, network)


def summary(findings: list[Finding]) -> dict[str, int]:
    """How many findings of each level, e.g. {"error": 0, "warning": 2, ...}."""
    counts = Counter(f.level for f in findings)
    return {level: counts.get(level, 0) for level in ("error", "warning", "info", "ok")}
