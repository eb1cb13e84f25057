"""What the report's first pages read from the engines, computed once per report.

The executive summary, the 90-day action plan and the risks all look at the
same evidence: each objective's attainment, the coherence findings, the
crisis status and the protocol's gaps, the ranked recommendations. `gather`
asks each engine once; the section builders are pure functions of a
Workbook and a `ReportInputs`, so a test can hand them any evidence.

The coherence engine and the crisis status are called through their module
(`coherence.check`, `status.current`), never imported by name, so what
they return today (nothing yet) and what they will return read the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from cmtraining.core.numbers import count, decimal, percent
from cmtraining.planning.smart import DECREASING, RATES


@dataclass(frozen=True)
class ReportInputs:
    as_of: date
    attainments: list = field(default_factory=list)  # evaluation.attainment.Attainment
    coherence: list = field(default_factory=list)  # core.findings.Finding, worst first
    crisis: object | None = None  # crisis.status.CrisisStatus, or None
    protocol_gaps: list = field(default_factory=list)  # Finding, level warning or error
    recommendations: list = field(default_factory=list)  # evaluation.recommendations


def gather(wb, *, as_of: date, lang: str) -> ReportInputs:
    """Ask every engine once (see the module docstring)."""
    from cmtraining.core.findings import worst_first
    from cmtraining.crisis import status
    from cmtraining.crisis.protocol import check_protocol
    from cmtraining.evaluation import coherence
    from cmtraining.evaluation.attainment import attainment_all
    from cmtraining.evaluation.recommendations import recommend

    gaps = []
    if wb.crisis_protocol.levels:
        gaps = worst_first([f for f in check_protocol(wb.crisis_protocol, lang,
                                                      org_language=wb.profile.language)
                            if f.level in ("warning", "error")])
    return ReportInputs(
        as_of=as_of, attainments=attainment_all(wb, today=as_of),
        coherence=list(coherence.check(wb, as_of=as_of)),
        crisis=status.current(wb, as_of=as_of, lang=lang), protocol_gaps=gaps,
        recommendations=recommend(wb, today=as_of))


def metric_value(metric: str, value: float | None, lang: str) -> str:
    """A metric's value the one way the report writes it: rates as percentages,
    hours with one decimal, counts whole (all through `cmtraining.core.numbers`)."""
    if metric in RATES:
        return percent(value, lang, small=True)
    if metric in DECREASING:
        return decimal(value, lang, decimals=1, trim=True)
    return count(value, lang)


def incident_open(inputs: ReportInputs) -> bool:
    return inputs.crisis is not None and bool(getattr(inputs.crisis, "open", False))


def objective_name(objective, lang: str) -> str:
    """An objective as a reader names it ("Followers on Instagram"), not by its id."""
    from cmtraining.planning.smart import objective_title

    return objective_title(objective, lang)
