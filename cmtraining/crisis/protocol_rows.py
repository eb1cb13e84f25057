"""The crisis protocol as editable rows, and the rows back as protocol data.

The protocol editor shows levels, triggers and contacts as tables of plain
values; these functions map a `CrisisProtocol` to those rows and the edited
rows back to the workbook's data, keeping what the rows do not show (a
level's triggers when its row is edited, a contact's kind). Pure: no widgets.
"""

from __future__ import annotations

from cmtraining.workbook.sections_crisis import PERCENT_THRESHOLDS, THRESHOLD_RANGE

LANGS = ("es", "en")


def level_rows(protocol) -> list[dict]:
    return [{"level": lv.level, "name": lv.name, "owner": lv.owner,
             "monitor_minutes": lv.monitor_minutes or 0,
             **{f"statement_{code}": lv.holding_statement.get(code, "") for code in LANGS}}
            for lv in protocol.levels]


def levels_from_rows(rows: list[dict], protocol) -> list[dict]:
    """Edited level rows as level data; a level keeps the triggers it had under its number."""
    existing = {lv.level: lv for lv in protocol.levels}
    levels = []
    for r in rows:
        number = int(r.get("level") or 1)
        old = existing.get(number)
        levels.append({"level": number, "name": r.get("name", ""), "owner": r.get("owner", ""),
                       "monitor_minutes": int(r.get("monitor_minutes") or 0) or None,
                       "triggers": [x.model_dump() for x in old.triggers] if old else [],
                       "holding_statement": {code: r[f"statement_{code}"] for code in LANGS
                                             if r.get(f"statement_{code}")}})
    return levels


def trigger_rows(protocol) -> list[dict]:
    """One row per trigger, with the level it belongs to (a threshold of 0 when it has none)."""
    return [{"level": float(lv.level), "kind": tr.kind,
             "threshold": tr.threshold if tr.threshold is not None else 0.0, "note": tr.note}
            for lv in protocol.levels for tr in lv.triggers]


def percent_threshold(row: dict) -> bool:
    """Whether a trigger row's threshold is a fraction shown as a percentage (net sentiment)."""
    return row.get("kind") in PERCENT_THRESHOLDS


def has_threshold(row: dict) -> bool:
    """Whether a trigger row's kind has a threshold (a press enquiry or a legal issue is an
    event: a "0" beside it meant nothing)."""
    return row.get("kind") in THRESHOLD_RANGE


def triggers_by_level(rows: list[dict]) -> dict[int, list[dict]]:
    """Trigger rows grouped by level; a threshold is kept only for kinds that have one."""
    by_level: dict[int, list[dict]] = {}
    for r in rows:
        kind = r.get("kind") or "other"
        trigger = {"kind": kind, "note": r.get("note", "")}
        if kind in THRESHOLD_RANGE:
            trigger["threshold"] = r.get("threshold")
        by_level.setdefault(int(r.get("level") or 1), []).append(trigger)
    return by_level


def contact_rows(protocol) -> list[dict]:
    return [c.model_dump(include={"role", "name", "reach_by", "after_hours", "legal"})
            for c in protocol.contacts]


def contacts_from_rows(rows: list[dict], protocol) -> list[dict]:
    """Edited contact rows as contact data; a contact keeps the kind its role had."""
    kinds = {c.role: c.kind for c in protocol.contacts}
    return [{**r, "kind": kinds.get(r.get("role"), "other")} for r in rows]


def approval_chain(text: str) -> list[str]:
    """"Community manager, Director" as the list of roles, blanks dropped."""
    return [x.strip() for x in text.split(",") if x.strip()]
