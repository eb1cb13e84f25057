"""The journey: one notebook per stage, in order (shared/DOMAIN.md).

The stages are registered in `cmtraining.stages`; this module keeps the
names older code imports. A stage is *available* when its notebook exists
in `notebooks/`; the landing page links those and shows the others as
still to come.
"""

from __future__ import annotations

from cmtraining.stages import STAGES, Stage

__all__ = ["STAGES", "Stage"]
