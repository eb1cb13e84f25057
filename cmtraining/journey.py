"""The journey: one notebook per stage, in order (shared/DOMAIN.md).

A stage is *available* when its notebook exists in `notebooks/`; the
landing page links those and shows the others as still to come.
"""

from __future__ import annotations

from dataclasses import dataclass

from cmtraining.paths import notebooks_dir


@dataclass(frozen=True)
class Stage:
    notebook: str  # file stem in notebooks/
    key: str  # catalogue key under `stage.`

    def available(self) -> bool:
        return (notebooks_dir() / f"{self.notebook}.ipynb").is_file()


STAGES: tuple[Stage, ...] = (
    Stage("00-profile", "profile"),
    Stage("00-listening", "listening"),
    Stage("01-objectives", "objectives"),
    Stage("02-audiences-networks", "audiences"),
    Stage("03-content-plan", "content"),
    Stage("04-response", "response"),
    Stage("05-crisis", "crisis"),
    Stage("06-evaluation", "evaluation"),
    Stage("07-self-assessment", "self_assessment"),
)
