"""The report's sections as plain data, one function per section (no HTML here).

Each function reads the Workbook (and the engines that explain it) and
returns a dict for the template; a section with nothing to show says so
with `empty` (a message key), never with a silent zero.
"""

from __future__ import annotations

import re
from datetime import date

from cmtraining.core.numbers import clock
from cmtraining.core.numbers import day as format_day
from cmtraining.i18n import t
from cmtraining.report.inputs import metric_value


def _findings(findings, lang: str) -> list[dict]:
    return [{"level": f.level, "code": f.code, "message": f.message(lang), "rule": f.rule(lang)}
            for f in findings]


def profile(wb, lang: str) -> dict:
    p = wb.profile
    return {"name": p.name, "kind": t(f"common.kind.{p.kind}", lang), "sector": p.sector,
            "size": t(f"common.size.{p.size}", lang), "country": p.country, "language": p.language,
            "where": t("report.board.country", lang, country=_territory(p.country, lang),
                       language=_language(p.language, lang)),
            "mission": p.mission, "goals": [g.text for g in p.goals]}


def _territory(code: str, lang: str) -> str:
    from babel import Locale

    return Locale.parse(lang).territories.get(code.upper(), code)


def _language(code: str, lang: str) -> str:
    from babel import Locale

    return Locale.parse(lang).languages.get(code.lower(), code)


def template_regex(key: str, lang: str) -> re.Pattern:
    """A catalogue template as a regex, its fields as named groups (to recognise text it made)."""
    import string

    out = ""
    for literal, name, _, _ in string.Formatter().parse(t(key, lang)):
        out += re.escape(literal) + (f"(?P<{name}>.+?)" if name else "")
    return re.compile(out)


#: how workbooks saved before "variante del ejemplo" named a sample inbox ("· semilla 1 ·")
OLD_SAMPLE_SOURCE = re.compile(r"(bandeja de ejemplo de|sample inbox of) .+ · (semilla|seed) \d+ · ")


def reader_source(source: str, lang: str) -> str:
    """Where the mentions came from, as a reader names it: a generated sample inbox is
    "sample messages generated for training", never its seed and day count."""
    if any(template_regex(key, x).match(source or "") for x in ("es", "en")
           for key in ("listening.inbox.sample_variant", "listening.inbox.sample")) \
            or OLD_SAMPLE_SOURCE.match(source or ""):
        return t("report.board.listening.sample_source", lang)
    return source


def reader_idea(idea: str, lang: str) -> tuple[str, bool]:
    """A calendar idea without the generator's "write the idea here" placeholder.

    Returns the text to show and whether the idea is still to be written."""
    for other in ("es", "en"):
        match = template_regex("planning.calendar.idea", other).fullmatch(idea or "")
        if match:
            return t("report.board.calendar.idea_todo", lang, **match.groupdict()), True
    return idea, False


def template_parts(text: str, lang: str) -> list[tuple[str, bool]]:
    """A reply template as (text, is_slot) pieces: "{name}" reads as a named blank, "[nombre]",
    in the reader's language, rather than as code."""
    from cmtraining.response.playbook import BLANK_WORD, blank_slot

    parts, at = [], 0
    for match in BLANK_WORD.finditer(text):
        parts.append((text[at:match.start()], False))
        slot = blank_slot(match.group(1))
        parts.append((t(f"response.blank.{slot}", lang) if slot else match.group(1), True))
        at = match.end()
    parts.append((text[at:], False))
    return [p for p in parts if p[0]]


def listening(wb, lang: str) -> dict:
    s = wb.listening.summary
    data = {"competitors": wb.listening.competitors,
            "findings": [f.model_dump() for f in wb.listening.findings],
            "alerts": [a.model_dump() for a in wb.listening.alerts],
            "sensitivity": wb.listening.sensitivity}
    if s is None:
        return {**data, "empty": t("report.empty.listening", lang)}
    return {**data, "summary": {**s.model_dump(), "source": reader_source(s.source, lang)}}


def objectives(wb, lang: str, as_of: date) -> dict:
    from cmtraining.planning.smart import check_smart
    from cmtraining.report.inputs import objective_name

    goals = {g.id: g.text.rstrip(". ") for g in wb.profile.goals}
    rows = []
    for o in wb.objectives:
        smart = check_smart(o, wb, today=as_of)
        passed = [f for f in smart if f.level == "ok"]
        rows.append({"id": o.id, "name": objective_name(o, lang),
                     "goal": t("report.board.objective_goal", lang, goal=goals[o.goal_id])
                     if o.goal_id in goals else "",
                     "metric": t(f"planning.kpi.{o.metric}", lang),
                     "network": t(f"common.network.{o.network}", lang) if o.network else (o.audience
                                                                                   or "—"),
                     "baseline": metric_value(o.metric, o.baseline, lang),
                     "target": metric_value(o.metric, o.target, lang),
                     "deadline": format_day(o.deadline, lang), "owner": o.owner,
                     "smart": _findings([f for f in smart if f.level != "ok"], lang),
                     "smart_ok": t("report.board.smart_ok", lang, n=len(passed))
                     if passed and len(passed) == len(smart) else ""})
    return {"rows": rows, "informants": [i.model_dump() for i in wb.informants],
            "advocates": [a.model_dump() for a in wb.advocates],
            **({} if rows else {"empty": t("report.empty.objectives", lang)})}


def audiences(wb, lang: str) -> dict:
    from cmtraining.planning.audiences import check_network_roles

    personas = [{"name": p.name, "age_range": p.age_range, "needs": p.needs,
                 "networks": [t(f"common.network.{n}", lang) for n in p.networks]} for p in wb.audiences]
    roles = [{"network": t(f"common.network.{r.network}", lang),
              "role": t(f"common.role.{r.role}", lang), "hours": r.hours_per_week,
              "personas": r.personas} for r in wb.networks]
    data = {"personas": personas, "roles": roles,
            "prescribers": [p.model_dump() for p in wb.prescribers],
            "checks": _findings(check_network_roles(wb), lang) if wb.networks else []}
    if not personas and not roles:
        data["empty"] = t("report.empty.audiences", lang)
    return data


def content(wb, lang: str, weeks: int = 2) -> dict:
    from cmtraining.planning.content import check_mix

    plan = wb.content_plan
    entries = sorted(plan.calendar, key=lambda e: (e.day, e.time, e.network))
    if entries:
        first = entries[0].day
        entries = [e for e in entries if (e.day - first).days < 7 * weeks]
    names = {p.id: p.name for p in plan.pillars}
    data = {"pillars": [p.model_dump() for p in plan.pillars],
            "style": plan.style.model_dump(),
            "posts_per_week": {t(f"common.network.{k}", lang): v for k, v in plan.posts_per_week.items()},
            "calendar": [{"day": format_day(e.day, lang), "time": clock(e.time, lang),
                          "network": t(f"common.network.{e.network}", lang),
                          "pillar": names.get(e.pillar, e.pillar), "format": e.format,
                          "idea": reader_idea(e.idea, lang)[0],
                          "to_write": reader_idea(e.idea, lang)[1], "note": e.note}
                         for e in entries],
            "calendar_total": len(plan.calendar),
            "mix": _findings(check_mix(plan), lang) if plan.pillars else []}
    if not plan.pillars and not plan.calendar:
        data["empty"] = t("report.empty.content", lang)
    return data


def response(wb, lang: str) -> dict:
    pb = wb.response_playbook
    hours = pb.service_hours
    data = {"rules": [{"category": t(f"response.triage.category.{r.category}", lang),
                       "department": r.department, "max_hours": r.max_hours,
                       "template": template_parts(
                           r.templates.get(lang) or next(iter(r.templates.values()), ""), lang),
                       "escalate": r.escalate} for r in pb.rules],
            "hours": {"days": ", ".join(t(f"response.weekday.{d}", lang) for d in hours.days),
                      "start": clock(hours.start, lang), "end": clock(hours.end, lang)},
            "escalation": [{"trigger": t(f"response.trigger.{e.trigger}", lang), "to": e.to,
                            "within": e.within_minutes} for e in pb.escalation],
            "replies": len(wb.replies),
            "reply_mean": (sum(r.score for r in wb.replies) / len(wb.replies)) if wb.replies else None,
            "labels": len(wb.mention_labels)}
    data["practised"] = bool(wb.replies or wb.mention_labels)
    if not pb.rules:
        data["empty"] = t("report.empty.response", lang)
    return data


def crisis(wb, lang: str, inputs=None) -> dict:
    from cmtraining.crisis.protocol import check_protocol, describe_trigger

    protocol = wb.crisis_protocol
    levels = []
    for level in protocol.levels:
        statement = level.holding_statement.get(lang) or next(iter(level.holding_statement.values()), "")
        levels.append({"level": level.level, "owner": level.owner,
                       "triggers": [describe_trigger(x, lang) for x in level.triggers],
                       "statement": statement})
    data = {"levels": levels, "contacts": [c.model_dump() for c in protocol.contacts],
            "checks": _findings([f for f in check_protocol(
                protocol, lang, org_language=wb.profile.language) if f.level != "ok"], lang)
            if levels else []}
    if wb.crisis_runs:
        run = wb.crisis_runs[-1]
        data["last_run"] = {"scenario": run.scenario, "score": run.score,
                            "components": [{"name": t(f"crisis.score.component.{c.name}", lang),
                                            "weight": c.weight, "value": c.value}
                                           for c in run.components],
                            "outcome": run.outcome.model_dump() if run.outcome else None,
                            "reference": run.reference.model_dump() if run.reference else None}
    if inputs is not None:
        data["current"] = current_crisis(wb, lang, inputs)
    if not levels and not wb.crisis_runs:
        data["empty"] = t("report.empty.crisis", lang)
    return data


def current_crisis(wb, lang: str, inputs) -> dict:
    """The open incident's level and what the protocol says to do (crisis.status.current)."""
    from cmtraining.report.action_plan import data_end_note, protocol_level
    from cmtraining.report.inputs import incident_open
    from cmtraining.report.risks import no_incident

    title = t("report.board.crisis.current", lang, date=format_day(inputs.as_of, lang))
    if not incident_open(inputs):
        return {"title": title, "open": False,
                "text": no_incident(wb, lang, inputs)}
    status = inputs.crisis
    level = getattr(status, "level", None)
    found = protocol_level(wb, status)
    days = sorted(getattr(status, "alert_days", None) or [])
    actions = [a for a in (getattr(status, "actions", None) or []) if a]
    statement = ""
    if found is not None:
        statement = found.holding_statement.get(lang) or next(
            iter(found.holding_statement.values()), "")
    return {"title": title, "open": True,
            "text": (t("report.board.crisis.open", lang, level=level) if level is not None
                     else t("report.board.incident.no_level", lang)),
            "days": (t("report.board.crisis.days", lang, days=", ".join(format_day(d, lang) for d in days))
                     if days else "") + data_end_note(wb, lang, inputs),
            "actions": actions, "owner": found.owner if found is not None else "",
            # the statement once: not again under the actions that already quote it
            "statement": "" if any(statement.strip() in a for a in actions) else statement}
