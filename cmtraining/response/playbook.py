"""The response playbook a facilitator can start a course from.

Rules per category take their time limits from the reply checker's sourced
norms (`datasets/reply_checker.yaml`, `timeliness.default_hours`), so the
playbook and the checker never disagree; templates come from the catalogue
in both languages; escalation goes to the departments of the informants map
(or the closest sample organization's).
"""

from __future__ import annotations

import re
from functools import cache

from cmtraining.core.paths import datasets_dir
from cmtraining.i18n import t

CATEGORIES = ("complaint", "question", "crisis_signal", "praise", "suggestion", "other")
BLANK_WORD = re.compile(r"\{(\w+)\}")
#: the blanks a reply template may hold, in the order the legend explains them; each is
#: written in the template's language (`response.blank.*`: "{nombre}" in Spanish,
#: "{name}" in English), and the English name is understood in every language (playbooks
#: saved before the blanks were translated)
BLANKS = ("name", "department", "issue", "answer", "topic")


def blank(slot: str, lang: str) -> str:
    """A template's blank as the trainee writes it: "{nombre}" in Spanish."""
    return "{" + t(f"response.blank.{slot}", lang) + "}"


def blank_slot(word: str) -> str | None:
    """Which blank a `{word}` of a template is, in either language; None if none."""
    from cmtraining.i18n import LANGS

    return next((slot for slot in BLANKS for lang in LANGS
                 if word in (slot, t(f"response.blank.{slot}", lang))), None)


@cache
def default_hours() -> dict[str, float | None]:
    from cmtraining.core.yamlio import load_yaml

    with open(datasets_dir() / "reply_checker.yaml", encoding="utf-8") as fh:
        return load_yaml(fh)["timeliness"]["default_hours"]


def default_playbook(workbook) -> dict:
    """A playbook (as a dict for `ResponsePlaybook`) for this workbook's organization."""
    from cmtraining.response.triage import covering, routes_for

    routes = routes_for(workbook)
    if workbook.informants:  # only what an informant's department covers (issue 21.11)
        first = covering(workbook.informants, "complaint")
        legal = covering(workbook.informants, "legal")
        data = covering(workbook.informants, "personal_data")
    else:  # the sample's departments: its first one answers customers
        first = routes.routes[0].department if routes.routes else ""
        legal, data = routes.crisis, first or routes.crisis
    hours = default_hours()
    rules = []
    for category in CATEGORIES:
        if hours.get(category) is None:
            continue
        rules.append({
            "category": category,
            "department": routes.crisis if category == "crisis_signal" else
            ("" if category in ("praise", "other") else first),
            "max_hours": float(hours[category]),
            "templates": {lang: t(f"response.playbook.template.{category}", lang) for lang in ("es", "en")},
            "escalate": category == "crisis_signal",
        })
    escalation = [
        {"trigger": "crisis_signal", "to": routes.crisis, "within_minutes": 15},
        {"trigger": "safety", "to": routes.crisis, "within_minutes": 15},
        {"trigger": "legal", "to": legal, "within_minutes": 60},
        {"trigger": "influencer", "to": routes.crisis, "within_minutes": 60, "threshold": 10_000},
        {"trigger": "personal_data", "to": data, "within_minutes": 60},
    ]
    return {"rules": rules, "escalation": [e for e in escalation if e["to"]],
            "service_hours": {"days": [0, 1, 2, 3, 4], "start": "09:00", "end": "18:00",
                              "after_hours": {lang: t("response.playbook.after_hours", lang)
                                              for lang in ("es", "en")}}}


def prefill_response(wb) -> dict:
    """The facilitator's prefill: a playbook and, when missing, the informants map."""
    from cmtraining.response.triage import routes_for

    data = wb.model_dump()
    if not wb.informants:
        routes = routes_for(wb)
        data["informants"] = [{"department": r.department, "topics": list(r.keywords)[:12]}
                              for r in routes.routes]
    if not wb.response_playbook.rules:
        data["response_playbook"] = default_playbook(wb)
    return data


def template_for(playbook, category: str, lang: str) -> str:
    """The playbook's template for `category` in `lang`, else the catalogue's, else nothing."""
    rule = next((r for r in playbook.rules if r.category == category), None)
    if rule and rule.templates.get(lang):
        return rule.templates[lang]
    return t(f"response.playbook.template.{category}", lang) if category in CATEGORIES else ""


def fill_template(text: str, row, department: str = "") -> str:
    """The template with the author's first name (and the department, when known) filled in.

    Issue 19.6: "Hola, {nombre}, …" was inserted as it is, and the checker then
    penalised the template's own placeholder. Other blanks stay for the
    trainee to write. `row` is a mention (mapping with `author_name`, `author`);
    a blank is recognised in either language.
    """
    name = (row["author_name"] or "").split(" ")[0] or (row["author"] or "")
    values = {"name": name, "department": department}

    def fill(match):
        value = values.get(blank_slot(match.group(1)) or "")
        return value or match.group(0)
    return BLANK_WORD.sub(fill, text)


def reply_author(row) -> str:
    """"Grace Díaz (@gracediaz29)": greeting either the name or the handle counts."""
    name, handle = row["author_name"] or "", row["author"] or ""
    return f"{name} ({handle})" if name and handle else name or handle


# --- the playbook as editable rows (the stage-4 editor shows these tables) -------------

_LANGS = ("es", "en")


def rule_rows(playbook) -> list[dict]:
    return [{"category": r.category, "department": r.department, "max_hours": r.max_hours,
             **{f"template_{code}": r.templates.get(code, "") for code in _LANGS},
             "escalate": r.escalate} for r in playbook.rules]


def rules_from_rows(rows: list[dict]) -> list[dict]:
    """Edited rule rows as rule data: 1 hour when the limit is blank, empty templates dropped."""
    return [{"category": r["category"], "department": r.get("department", ""),
             "max_hours": r.get("max_hours") or 1.0, "escalate": bool(r.get("escalate")),
             "templates": {code: r[f"template_{code}"] for code in _LANGS
                           if r.get(f"template_{code}")}} for r in rows]


def escalation_rows(playbook) -> list[dict]:
    return [{**e.model_dump(), "threshold": e.threshold or 0} for e in playbook.escalation]


def escalation_from_rows(rows: list[dict]) -> list[dict]:
    """Edited escalation rows: 60 minutes when blank, a threshold of 0 meaning none."""
    return [{"trigger": r["trigger"], "to": r.get("to", ""),
             "within_minutes": int(r.get("within_minutes") or 60),
             "threshold": int(r["threshold"]) if r.get("threshold") else None} for r in rows]


def service_hours_from(days, start: str, end: str, after_hours: dict[str, str]) -> dict:
    """The service hours as data: days sorted, times as "HH:MM" however they were typed
    ("9:00 AM", "18h"), blank after-hours notes dropped."""
    from cmtraining.core.numbers import parse_clock

    return {"days": sorted(days), "start": parse_clock(start), "end": parse_clock(end),
            "after_hours": {k: v for k, v in after_hours.items() if v.strip()}}
