"""The risks a board should know about: the open incident, the crisis protocol's gaps,
and where the plan contradicts itself (the coherence engine's findings).

Each group says when it is empty, and why: "no open incident" is a fact as of
the report's date; "no gaps" is the protocol check's verdict; a missing
protocol is itself a risk, with the stage that writes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cmtraining.core.numbers import day as format_day
from cmtraining.i18n import t
from cmtraining.report.action_plan import data_end_note, incident_detail, protocol_level
from cmtraining.report.inputs import ReportInputs, incident_open


@dataclass(frozen=True)
class Risk:
    level: str  # info, warning or error (the finding's level)
    code: str
    message: str
    rule: str = ""


@dataclass(frozen=True)
class Risks:
    incident: Risk | None
    incident_none: str | None  # "no open incident as of ..." when there is none
    protocol: list[Risk] = field(default_factory=list)
    protocol_none: str | None = None
    coherence: list[Risk] = field(default_factory=list)
    coherence_none: str | None = None


def _risk(f, lang: str) -> Risk:
    return Risk(f.level, f.code, f.message(lang), f.rule(lang))


def incident_risk(wb, lang: str, inputs: ReportInputs) -> Risk | None:
    if not incident_open(inputs):
        return None
    days = sorted(getattr(inputs.crisis, "alert_days", None) or [])
    span = (t("report.board.risk.incident_days", lang, n=len(days), first=format_day(days[0], lang),
              last=format_day(days[-1], lang)) if days else "")
    level = protocol_level(wb, inputs.crisis)
    owner = t("report.board.risk.incident_owner", lang, owner=level.owner) if level and level.owner else ""
    return Risk("error", "incident.open", t("report.board.risk.incident", lang) + span + " "
                + incident_detail(wb, lang, inputs) + owner + data_end_note(wb, lang, inputs))


def no_incident(wb, lang: str, inputs: ReportInputs) -> str:
    """No open incident, with the last spike day when the listening audit had one."""
    days = [a.day for a in wb.listening.alerts if a.day <= inputs.as_of]
    if days:
        return t("report.board.risk.no_incident_since", lang, date=format_day(inputs.as_of, lang),
                 last=format_day(max(days), lang))
    return t("report.board.risk.no_incident", lang, date=format_day(inputs.as_of, lang))


def risks(wb, lang: str, inputs: ReportInputs) -> Risks:
    """The three groups of risks (see the module docstring)."""
    incident = incident_risk(wb, lang, inputs)
    if not wb.crisis_protocol.levels:
        protocol = [Risk("error", "protocol.missing", t("report.board.risk.no_protocol", lang))]
    else:
        protocol = [_risk(f, lang) for f in inputs.protocol_gaps]
    # contradictions only: the open incident and its level (info) are the first risk already
    coherence = [_risk(f, lang) for f in inputs.coherence if not f.ok]
    return Risks(
        incident=incident,
        incident_none=None if incident else no_incident(wb, lang, inputs),
        protocol=protocol, protocol_none=None if protocol else t("report.board.risk.protocol_ok", lang),
        coherence=coherence,
        coherence_none=None if coherence else t("report.board.risk.coherent", lang))
