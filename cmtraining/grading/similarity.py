"""Pairs of submissions whose free-text answers are unusually alike.

For the facilitator to look at, never a penalty. The measure: each
submission's free text (every string in its answers, at least 3 words, in
the declared order) becomes one document; documents are compared by cosine
similarity of TF-IDF vectors over word 1-2-grams and character 3-5-grams
(within word boundaries), averaged. Character n-grams catch copies with small
edits (accents, typos, reordered words); word n-grams catch shared phrasing.

A pair is listed when its similarity is at or above the cohort's 95th
percentile of all pairwise similarities (what is unusual for *this*
exercise, where the prompt makes everyone write about the same things) and
above an absolute floor of 0.8 (so a cohort of honest, different answers lists
nothing). Texts shared with the released notebook's own strings are not
removed; prompts that ask for short fixed answers should not declare them
as free text (they are skipped when under 3 words anyway).
"""

from __future__ import annotations

PERCENTILE = 95
FLOOR = 0.8
MIN_WORDS = 3


def free_text(answers: dict) -> str:
    """Every string of at least MIN_WORDS words in the answers, joined."""
    found: list[str] = []

    def walk(value):
        if isinstance(value, str):
            if len(value.split()) >= MIN_WORDS:
                found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(answers)
    return "\n".join(found)


def similar_pairs(texts: dict[str, str], percentile: float = PERCENTILE,
                  floor: float = FLOOR) -> tuple[list[tuple[str, str, float]], float]:
    """([(trainee_a, trainee_b, similarity)], threshold), most similar first."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    ids = sorted(t for t, text in texts.items() if text.strip())
    if len(ids) < 2:
        return [], floor
    docs = [texts[t].lower() for t in ids]
    sims = []
    for kwargs in ({"analyzer": "word", "ngram_range": (1, 2)},
                   {"analyzer": "char_wb", "ngram_range": (3, 5)}):
        matrix = TfidfVectorizer(sublinear_tf=True, **kwargs).fit_transform(docs)
        sims.append(cosine_similarity(matrix))
    sim = (sims[0] + sims[1]) / 2
    upper = sim[np.triu_indices(len(ids), k=1)]
    cut = float(np.percentile(upper, percentile))
    threshold = max(floor, cut)
    pairs = [(ids[i], ids[j], round(float(sim[i, j]), 4))
             for i in range(len(ids)) for j in range(i + 1, len(ids))
             if sim[i, j] >= cut - 1e-9 and sim[i, j] > floor]
    return sorted(pairs, key=lambda p: -p[2]), round(threshold, 4)
