"""The live crisis workshop (issue 18): several teams, one scenario, a facilitator's console.

Pure engine and state: no widgets, Voila or CLI imports (the pages are in
`cmtraining/apps/`, the commands in `cli_workshop.py`).
"""

from cmtraining.workshop.debrief import TeamDebrief, WorkshopDebrief, debrief
from cmtraining.workshop.live import Workshop
from cmtraining.workshop.models import (
    INJECT_KINDS,
    LINK,
    ROLE_ACTIONS,
    ROLES,
    STATUSES,
    ConsoleView,
    TeamView,
    TurnResult,
    WorkshopConfig,
    WorkshopError,
)
from cmtraining.workshop.store import Store, open_store

__all__ = ["INJECT_KINDS", "LINK", "ROLES", "ROLE_ACTIONS", "STATUSES", "ConsoleView",
           "Store", "TeamDebrief", "TeamView", "TurnResult", "Workshop", "WorkshopConfig",
           "WorkshopDebrief", "WorkshopError", "debrief", "open_store"]
