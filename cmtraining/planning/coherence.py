"""Coherence of one strategy across stages (issue 15, part 2).

`check(wb)` returns the findings (`cmtraining.planning.findings.Finding`,
worst first) where the workbook's parts contradict each other: goals with
no objective able to measure them, objectives on networks the plan drops,
hours that do not add up, recommendations that contradict the plan, an open
listening alert absent from the crisis section. Pure: no widgets, no I/O.

Interface shared by the stage apps and the report; the rules are filled in
by the coherence work.
"""

from __future__ import annotations

from datetime import date

from cmtraining.planning.findings import Finding


def check(wb, *, as_of: date | None = None) -> list[Finding]:
    """Every coherence finding for `wb`, worst first (empty when the strategy holds together).

    Codes read `coherence.<stage>.<rule>`, e.g. `coherence.objectives.goal_unmeasured`.
    """
    return []


def for_stage(wb, stage: str, *, as_of: date | None = None) -> list[Finding]:
    """The findings that arise in one stage (`objectives`, `audiences`, `content`,
    `listening`, `crisis`, `evaluation`), for that stage's app."""
    return [f for f in check(wb, as_of=as_of) if f.code.split(".")[1:2] == [stage]]
