"""The workshop's debrief for the room, as the console shows it (issue 18).

Everything is computed by the engine (`cmtraining.workshop.debrief`): the
teams ranked by the score's components, the minute each team's curve bent,
what the best team did differently, the Monte Carlo counterfactuals per
team, the after-action reports (markdown, one per team and one for the
workshop). This module lays them out and offers the reports as downloads.
"""

from __future__ import annotations

import base64
import html

from cmtraining.apps.tables import table_html
from cmtraining.core.numbers import count, decimal
from cmtraining.core.text import first_upper
from cmtraining.i18n import t
from cmtraining.workshop.debrief import best_title, rank_label


def debrief_html(result, lang: str) -> str:
    return (_ranking(result, lang) + _bends(result, lang) + _best(result, lang)
            + _counterfactuals(result, lang) + _downloads(result, lang))


def _h3(key: str, lang: str) -> str:
    return f"<h3>{html.escape(t(key, lang))}</h3>"


def _help(text: str, css: str) -> str:
    """A plain line under a title that uses a term of the trade (SCCT, Monte Carlo)."""
    return f"<p class='cm-muted cm-help {css}'>{html.escape(text)}</p>"


def _ranking(result, lang: str) -> str:
    teams = sorted(result.teams, key=lambda team: team.rank)
    columns: dict[str, str] = {}  # the score's components, in the score's order
    for team in teams:
        for c in team.components:
            label = c.get("label") or c["name"]  # a title, beside "Rank" and "Team": a capital
            columns.setdefault(c["name"], first_upper(label))
    head = [t("app.workshop.rank", lang), t("app.workshop.team", lang),
            t("app.workshop.total", lang), *columns.values(),
            t("app.workshop.reach_expected", lang, end=result.duration)]
    rows = []
    for team in teams:
        values = {c["name"]: c.get("value") for c in team.components}
        rows.append([html.escape(rank_label(team, lang)), html.escape(team.name),
                     f"<b>{decimal(team.score, lang, decimals=0)}</b>",
                     *(decimal(values[name], lang, decimals=2, trim=True)  # no value: a blank cell
                       if values.get(name) is not None else "" for name in columns),
                     count(round(team.outcome.get("negative_reach", 0)), lang)])
    attrs = [f"class='cm-ws-rank' data-team='{html.escape(team.team_id)}' data-rank='{team.rank}'"
             for team in teams]
    # the one component named by a theory: its note starts with the column's own title
    help_lines = [_help(t(f"app.workshop.component_help.{name}", lang, name=label),
                        f"cm-ws-help-{name}")
                  for name, label in columns.items() if name == "fit"]
    note = _help(t("workshop.debrief.reach_note", lang, end=result.duration, runs=result.runs,
                   minute=result.played), "cm-ws-reach-note")
    # the table scrolls inside the column rather than widening the page (and clipping the
    # lines under it); its headings wrap
    return (_h3("app.workshop.ranking_title", lang)
            + "<style>table.cm-ws-ranking th.cm-num,table.cm-ws-ranking th{white-space:normal}</style>"
            + "<div class='cm-ws-ranking-box' style='overflow-x:auto;max-width:100%'>"
            + table_html(rows, head, "cm-ws-ranking", raw=True, row_attrs=attrs) + "</div>"
            + note + "".join(help_lines))


def _bends(result, lang: str) -> str:
    items = []
    for team in sorted(result.teams, key=lambda team: team.rank):
        text = (t("app.workshop.bend_minute", lang, team=team.name, minute=team.bend_minute)
                if team.bend_minute is not None
                else t("app.workshop.bend_never", lang, team=team.name))
        items.append(f"<li data-team='{html.escape(team.team_id)}'>{html.escape(text)}</li>")
    note = f"<p class='cm-muted'>{html.escape(t('app.workshop.bend_note', lang))}</p>"
    return (_h3("app.workshop.bend_title", lang) + note  # a short heading, then what it reads
            + f"<ul class='cm-ws-bends'>{''.join(items)}</ul>")


def _best(result, lang: str) -> str:
    best = min(result.teams, key=lambda team: team.rank, default=None)
    if best is None:
        return ""
    items = "".join(f"<li>{html.escape(s)}</li>" for s in result.best_did_differently)
    title = best_title(result, lang)
    return f"<h3>{html.escape(title)}</h3><ul class='cm-ws-best'>{items}</ul>"


def _counterfactuals(result, lang: str) -> str:
    parts = []
    for team in sorted(result.teams, key=lambda team: team.rank):
        lines = "".join(f"<li>{html.escape(cf['text'])}</li>" for cf in team.counterfactuals)
        parts.append(f"<div class='cm-ws-cf' data-team='{html.escape(team.team_id)}'>"
                     f"<b>{html.escape(team.name)}</b><ul>{lines}</ul></div>")
    return (_h3("app.workshop.counterfactuals_title", lang)
            + _help(t("app.workshop.counterfactuals_help", lang, runs=result.runs),
                    "cm-ws-cf-help") + "".join(parts))


def download_link(text: str, filename: str, label: str, css: str) -> str:
    """A link that downloads `text` as a markdown file (no server round trip)."""
    href = "data:text/markdown;charset=utf-8;base64," + base64.b64encode(
        text.encode("utf-8")).decode("ascii")
    return (f"<a class='{css}' download='{html.escape(filename)}' href='{href}'>"
            f"{html.escape(label)}</a>")


def _downloads(result, lang: str) -> str:
    links = [download_link(result.report, f"workshop-{result.workshop_id}-{lang}.md",
                           t("app.workshop.download_workshop", lang), "cm-ws-report-workshop")]
    for team in sorted(result.teams, key=lambda team: team.rank):
        links.append(download_link(team.report, f"workshop-{result.workshop_id}-"
                                   f"{team.team_id}-{lang}.md",
                                   t("app.workshop.download_team", lang, team=team.name),
                                   "cm-ws-report-team"))
    return (_h3("app.workshop.reports_title", lang)
            + "<ul>" + "".join(f"<li>{link}</li>" for link in links) + "</ul>")
