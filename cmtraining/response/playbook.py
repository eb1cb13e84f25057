"""The response playbook a facilitator can start a course from.

Rules per category take their time limits from the reply checker's sourced
norms (`datasets/reply_checker.yaml`, `timeliness.default_hours`), so the
playbook and the checker never disagree; templates come from the catalogue
in both languages; escalation goes to the departments of the informants map
(or the closest sample organization's).
"""

from __future__ import annotations

from functools import cache

from cmtraining.i18n import t
from cmtraining.paths import datasets_dir

CATEGORIES = ("complaint", "question", "crisis_signal", "praise", "suggestion", "other")


@cache
def default_hours() -> dict[str, float | None]:
    from cmtraining.yamlio import load_yaml

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
            "templates": {lang: t(f"playbook.template.{category}", lang) for lang in ("es", "en")},
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
                              "after_hours": {lang: t("playbook.after_hours", lang)
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
