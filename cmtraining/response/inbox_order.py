"""The order in which the trainee works the triaged inbox.

Most urgent first, the newest first within a priority; spam is left out;
the list shown is capped so that a month of mentions stays a workable
queue. Pure: the stage-4 app only displays this order.
"""

from __future__ import annotations

from cmtraining.response.triage import PRIORITIES

#: Messages shown at once; a queue longer than this is filtered by category.
INBOX_SIZE = 60


def ranked(inbox) -> list[int]:
    """Row labels of the triaged frame (`triage_mentions`), in working order, spam left out."""
    rank = {p: i for i, p in enumerate(PRIORITIES)}
    order = sorted(inbox.index, key=lambda i: (rank[inbox.at[i, "triage_priority"]],
                                               -inbox.at[i, "at"].timestamp(), i))
    return [i for i in order if inbox.at[i, "triage_category"] != "spam"]


def shown(ranked_rows: list[int], decisions, category: str = "",
          limit: int = INBOX_SIZE) -> list[int]:
    """The first `limit` ranked rows, only those triaged as `category` when one is given."""
    return [i for i in ranked_rows
            if not category or decisions[i].category == category][:limit]
