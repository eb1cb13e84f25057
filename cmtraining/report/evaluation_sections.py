"""The report's evaluation sections: KPI dashboard with charts, attainment, recommendations,
self-assessment (data for the template; charts as inline PNG data URIs)."""

from __future__ import annotations

import base64
from datetime import date

from cmtraining.core.numbers import month as month_text
from cmtraining.evaluation.attainment import status_label
from cmtraining.i18n import t

KPI_COLUMNS = ("followers", "posts", "reach", "engagement_rate_reach", "amplification_rate",
               "conversation_rate", "audience_growth_rate")
RATE_COLUMNS = {"engagement_rate_reach", "amplification_rate", "conversation_rate",
                "audience_growth_rate"}


def _png_uri(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(bytes(data)).decode("ascii")


def kpis(wb, lang: str) -> dict:
    """The last month per network, with the KPIs, and two charts of the 12-month history."""
    from cmtraining.evaluation.charts import baseline_png
    from cmtraining.evaluation.dashboard import kpi_formulas, kpi_table

    if not wb.metrics:
        return {"empty": t("report.empty.kpis", lang)}
    table = kpi_table(wb.metrics)
    last = table.sort_values("month").groupby("network").tail(1).sort_values("network")
    rows = []
    for record in last.to_dict("records"):
        row = {"network": t(f"common.network.{record['network']}", lang),
               "month": month_text(record["month"], lang)}
        for column in KPI_COLUMNS:
            value = record.get(column)
            row[column] = None if value is None or value != value else float(value)
        rows.append(row)
    formulas = [{"name": t(f"planning.kpi.{c}", lang), "rule": rule}
                for c, rule in kpi_formulas(KPI_COLUMNS, lang)]
    from cmtraining.core.numbers import column_rate_decimals

    decimals = {c: column_rate_decimals([r[c] for r in rows]) for c in RATE_COLUMNS}
    return {"columns": list(KPI_COLUMNS), "rates": sorted(RATE_COLUMNS), "rows": rows,
            "decimals": decimals,
            "formulas": formulas,
            "charts": [{"title": t(f"common.metric.{m}", lang), "src": _png_uri(baseline_png(
                wb.metrics, m, lang))} for m in ("followers", "engagement_rate_reach")]}


def attainment(wb, lang: str, as_of: date, found=None) -> dict:
    """Each objective's status with its reason; the rule once, under the table.

    `found`: the attainments already computed (the report computes them once)."""
    from cmtraining.core.numbers import percent
    from cmtraining.evaluation.attainment import attainment_all
    from cmtraining.report.inputs import metric_value
    from cmtraining.report.summary import status_note

    if not wb.objectives:
        return {"empty": t("report.empty.objectives", lang)}
    from cmtraining.report.inputs import objective_name

    objectives = {o.id: o for o in wb.objectives}
    rows, rule = [], ""
    for a in found if found is not None else attainment_all(wb, today=as_of):
        finding = a.finding
        rule = finding.rule(lang)
        where = t(f"common.network.{a.network}", lang) if a.network else "—"
        note = ""
        if status_note(a, lang):
            note = status_note(a, lang)
        elif a.progress is not None and a.projected_progress is not None and (
                a.projected_progress < 0):
            note = t("report.board.progress_backwards", lang, progress=percent(a.progress, lang),
                     projected=metric_value(a.metric, a.projected, lang))
        elif a.progress is not None and a.projected_progress is not None:
            note = t("report.board.progress", lang, progress=percent(a.progress, lang),
                     projected=metric_value(a.metric, a.projected, lang),
                     projected_progress=percent(a.projected_progress, lang))
        rows.append({"id": a.objective_id, "status": a.status,
                     "name": objective_name(objectives[a.objective_id], lang)
                     if a.objective_id in objectives else where,
                     "status_label": status_label(a, lang), "note": note,
                     "current": a.current, "target": a.target, "projected": a.projected,
                     "progress": a.progress, "message": finding.message(lang)})
    return {"rows": rows, "rule": rule}


def recommendations(wb, lang: str, as_of: date, found=None) -> dict:
    from cmtraining.evaluation.attainment import Progress
    from cmtraining.evaluation.recommendations import (
        TRIVIAL_GAP,
        period_text,
        recommend,
        recommendation_period,
    )

    items = found if found is not None else recommend(wb, today=as_of)
    if not items:
        return {"empty": t("report.empty.recommendations", lang)}
    recent = recommendation_period(wb.metrics, as_of)
    period = "" if recent is None else t(  # the period they read, named (issue 21.8)
        "evaluation.period_text.rec_period", lang, recent=period_text(*recent, lang),
        trivial=Progress(TRIVIAL_GAP).render(lang))
    return {"period": period,
            "rows": [{"rank": i + 1, "code": r.code, "level": r.finding.level,
                      "message": r.finding.message(lang), "rule": r.finding.rule(lang),
                      "impact": r.impact} for i, r in enumerate(items)]}


def self_assessment(wb, lang: str) -> dict:
    """Means per competency and area, two radars and the development plan."""
    from cmtraining.evaluation import competency as engine
    from cmtraining.evaluation.charts import radar_png

    scores = engine.score(wb.competency.answers)
    if not scores.answered:
        return {"empty": t("report.empty.self_assessment", lang)}
    plan = engine.development_plan(scores, lang)
    return {
        "answered": scores.answered, "total": scores.total,
        "charts": [_png_uri(radar_png(scores.competencies, t("evaluation.competency.radar_competencies", lang),
                                      lang)),
                   _png_uri(radar_png(scores.areas, t("evaluation.competency.radar_areas", lang), lang))],
        "plan": [{"name": t(f"evaluation.competency.name.{e.group}", lang), "message": e.finding.message(lang),
                  "actions": [a.text for a in e.actions]} for e in plan],
    }
