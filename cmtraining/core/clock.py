"""Today's date, pinnable for reproducible runs.

Suggested deadlines, calendars and the report's "as of" all depend on the
date. `cmtraining run --as-of 2026-11-23` (or CMTRAINING_TODAY) pins it, so
that two runs with the same inputs give the same report on any day.
"""

from __future__ import annotations

import os
from datetime import date

ENV = "CMTRAINING_TODAY"


def today() -> date:
    pinned = os.environ.get(ENV, "").strip()
    if pinned:
        try:
            return date.fromisoformat(pinned)
        except ValueError:
            from cmtraining.core.errors import ParameterError

            raise ParameterError("core.error.param_type", name=ENV, value=pinned,
                                 type="YYYY-MM-DD") from None
    return date.today()
