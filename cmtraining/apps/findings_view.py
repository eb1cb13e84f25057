"""HTML views of findings (invariant 4: every result with its rule and what to do)."""

from __future__ import annotations

import html

from cmtraining.core.findings import Finding

ICONS = {"ok": "✔", "info": "ℹ", "warning": "⚠", "error": "✖"}
COLOURS = {"ok": "#137333", "info": "#1a73e8", "warning": "#b06000", "error": "#b3261e"}


def findings_list(findings: list[Finding], lang: str) -> str:
    """One line per finding: icon and message."""
    return "".join(
        f"<div class='cm-finding cm-{f.level}' data-code='{f.code}' style='color:{COLOURS[f.level]}'>"
        f"{ICONS[f.level]} {html.escape(f.message(lang))}</div>" for f in findings)


def findings_table(findings: list[Finding], lang: str, label=None) -> str:
    """A table: icon (and an optional label per finding), the message, the rule below it."""
    rows = []
    for f in findings:
        tag = f" <b>{html.escape(label(f))}</b>" if label else ""
        rows.append(
            f"<tr class='cm-finding cm-{f.level}' data-code='{f.code}'>"
            # the label ("A · Alcanzable") never touches the message after it
            f"<td style='color:{COLOURS[f.level]};white-space:nowrap;vertical-align:top;"
            f"padding-right:.8em'>"
            f"{ICONS[f.level]}{tag}</td>"
            f"<td>{html.escape(f.message(lang))}<br><span class='cm-muted' style='font-size:.9em'>"
            f"{html.escape(f.rule(lang))}</span></td></tr>")
    return "<table class='cm-findings' style='border-collapse:collapse'>" + "".join(rows) + "</table>"
