"""Prescribers and energizers: the authors worth looking after.

A *prescriber* (prescriptor) speaks well of the organization again and again
and defends it when others criticise it; an *energizer* (dinamizador) gets
the conversation going thanks to their reach. The ranking is a transparent
sum of components, each shown to the trainee:

- advocacy: positive mentions, 1 point each (up to 5);
- defence: mentions that defend the organization against criticism, 2 each;
- reach: log10 of followers (1,000 followers = 3 points);
- consistency: the share of their mentions that are positive, times 2;
- criticism: minus 1 per negative mention.

Weights are cmtraining's assumption (2026): defending counts double because
it is the rarer, more valuable behaviour the seeds single out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from cmtraining.listening.cues import cues, fold
from cmtraining.listening.mentions import INFLUENCER_FOLLOWERS

WEIGHTS = {"advocacy": 1.0, "defence": 2.0, "reach": 1.0, "consistency": 2.0, "criticism": -1.0}
MIN_POSITIVE = 2  # an author needs at least this many positive mentions to be listed


@dataclass(frozen=True)
class Candidate:
    author: str
    name: str
    network: str
    followers: int
    mentions: int
    positive: int
    negative: int
    defences: int
    components: dict
    score: float
    kind: str  # "prescriber" or "energizer"


def defends(text: str) -> bool:
    folded = " " + fold(text) + " "
    return bool(cues()["defense"].find(folded.split(), folded))


def rank_prescribers(mentions, *, limit: int = 10) -> list[Candidate]:
    """Candidates from an audited mentions frame (needs `author` and `predicted`)."""
    if not len(mentions) or "author" not in mentions:
        return []
    rows = mentions[mentions["author"].fillna("").astype(bool)]
    out = []
    for author, group in rows.groupby("author"):
        positive = int((group["predicted"] == "positive").sum())
        if positive < MIN_POSITIVE:
            continue
        negative = int((group["predicted"] == "negative").sum())
        defences = int(sum(defends(t) for t in group["text"].fillna("")))
        followers = int(group["followers"].fillna(0).max())
        components = {
            "advocacy": min(positive, 5) * WEIGHTS["advocacy"],
            "defence": defences * WEIGHTS["defence"],
            "reach": math.log10(followers + 1) * WEIGHTS["reach"],
            "consistency": positive / len(group) * WEIGHTS["consistency"],
            "criticism": negative * WEIGHTS["criticism"],
        }
        network = group["network"].fillna("").mode()
        name = group["author_name"].fillna("").iloc[0] if "author_name" in group else ""
        out.append(Candidate(
            author=str(author), name=str(name or ""), network=str(network.iloc[0]) if len(network) else "",
            followers=followers, mentions=len(group), positive=positive, negative=negative,
            defences=defences, components={k: round(v, 2) for k, v in components.items()},
            score=round(sum(components.values()), 2),
            kind="energizer" if followers >= INFLUENCER_FOLLOWERS else "prescriber"))
    out.sort(key=lambda c: (-c.score, c.author))
    return out[:limit]
