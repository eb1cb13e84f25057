"""Which workshop and seat a page's link opens (issue 18), without widgets.

The parameter contract (`cmtraining.runtime.parameters`) asks `known_token` before a
kernel starts, in the server's process, so this module imports no widgets.
The store is the engine's (`cmtraining.workshop.open_store`): the
workspace's `workshops.sqlite`, or the database `CMTRAINING_WORKSHOP_DB`
names (a SQLAlchemy URL, inherited by every page's kernel from the server).
A link never creates a database: with none there, every token is unknown.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache

from cmtraining.core.errors import CmtrainingError

#: the workshop database of a server and its pages (empty: the workspace's SQLite file)
WORKSHOP_DB_ENV = "CMTRAINING_WORKSHOP_DB"


@dataclass(frozen=True)
class Seat:
    """What a link opens: the workshop, the team (None for the facilitator)."""

    workshop: object  # cmtraining.workshop.Workshop
    team_id: str | None
    is_facilitator: bool


@cache
def _store(url: str | None, workspace: str | None):
    """One open store per database (an engine keeps a pool: not one per request)."""
    from cmtraining.workshop import open_store

    return open_store(url, create=False)


def configured_store():
    """The workshop store of this server (or shell); the package's error when it is missing.

    A missing database is not remembered: one created later is found.
    """
    return _store(os.environ.get(WORKSHOP_DB_ENV) or None, os.environ.get("CMTRAINING_WORKSPACE"))


def open_seat(token: str) -> Seat | None:
    """The workshop and team behind a link's token, or None when no workshop has it."""
    from cmtraining.workshop import Workshop

    try:
        workshop, team_id, facilitator = Workshop.by_token(configured_store(), token)
    except CmtrainingError:
        return None
    return Seat(workshop, team_id, bool(facilitator))


def known_token(token: str) -> bool:
    """Whether a workshop in the store has this token (a team's or the facilitator's)."""
    return open_seat(token) is not None
