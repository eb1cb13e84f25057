"""The cue lists of `datasets/triage.yaml`: words and phrases that show what a message is.

Listening (who defends the organization: `prescribers`) and the response
stage's triage (a question, a complaint, a crisis signal) read the same
lists, matched the same way: on folded words (lower case, no accents), a
cue ending in "*" as a word prefix, a cue of several words as a phrase.
"""

from __future__ import annotations

import re
from functools import cache

from cmtraining.core.paths import datasets_dir
from cmtraining.core.text import fold_accents
from cmtraining.core.yamlio import load_yaml


def fold(text: str) -> str:
    """How messages and cues are compared: lower case, without accents (ñ folds to n)."""
    return fold_accents(str(text), lower=True)


class Cues:
    """One cue list, matched on folded tokens (prefix cues end in "*") and phrases."""

    def __init__(self, items):
        self.words, self.prefixes, self.phrases = set(), [], []
        for item in items:
            item = fold(item)
            if item.endswith("*"):
                self.prefixes.append(item[:-1])
            elif " " in item.strip() or item != item.strip():
                self.phrases.append(item)
            else:
                self.words.add(item)

    def find(self, tokens: list[str], text: str) -> list[str]:
        hits = [t for t in tokens if t in self.words]
        hits += [t for t in tokens if any(t.startswith(p) for p in self.prefixes)]
        hits += [p.strip() for p in self.phrases if p in text]
        return hits


TOKEN = re.compile(r"[a-z0-9ñ']+|[?¿]")
LINK = re.compile(r"https?://|www\.")


def spam_by_cues(found: list[str], has_link: bool) -> bool:
    """The one spam rule: a link with a spam cue, or two different spam cues."""
    return bool(found and has_link) or len(set(found)) >= 2


def is_spam(text: str) -> bool:
    """Spam by the triage's rule (`spam_by_cues`), for readers that do not triage."""
    folded = " " + fold(text) + " "
    return spam_by_cues(cues()["spam"].find(TOKEN.findall(folded), folded),
                        bool(LINK.search(str(text))))


@cache
def cues() -> dict[str, Cues]:
    with open(datasets_dir() / "triage.yaml", encoding="utf-8") as fh:
        data = load_yaml(fh)
    return {name: Cues(sum(by_lang.values(), [])) for name, by_lang in data.items()}
