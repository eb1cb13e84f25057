"""The strategy report: one self-contained HTML document built from a Workbook.

`build_report(workbook, lang=..., as_of=...)` assembles each section's data
(`sections.py`, `evaluation_sections.py`; the board's first pages from
`summary.py`, `action_plan.py` and `risks.py`, over the evidence `inputs.py`
gathers once), draws the charts as inline PNG
(no files, no network: the report opens anywhere and can be mailed), and
renders `template.html.j2` with Jinja2 (autoescaped). The same workbook and
date always give the same document, apart from the "generated" timestamp.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from pathlib import Path

from cmtraining.core import numbers
from cmtraining.core.numbers import day as format_day
from cmtraining.core.numbers import day_time
from cmtraining.core.stages import report_sections

#: the board's pages first: what to decide, what to do, what could go wrong
BOARD_SECTIONS = ("summary", "action_plan", "risks")
SECTIONS = (*BOARD_SECTIONS, *report_sections())  # then each stage's, in the journey's order


@cache
def _environment():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(__file__).parent)),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)


def build_report(wb, *, lang: str = "es", as_of: date, ran: list[str] | None = None,
                 skipped: list[str] | None = None, generated: datetime | None = None) -> str:
    """The report's HTML (see the module docstring).

    `ran` is accepted for the callers' run log and not shown: a reader has no use for
    notebook names. `skipped` stages are named as the reader knows them ("not done yet").
    """
    from cmtraining.i18n import check_lang, t
    from cmtraining.report import evaluation_sections as ev
    from cmtraining.report import sections as s
    from cmtraining.report.action_plan import action_plan
    from cmtraining.report.inputs import gather
    from cmtraining.report.risks import risks
    from cmtraining.report.summary import executive_summary

    lang = check_lang(lang)
    inputs = gather(wb, as_of=as_of, lang=lang)
    data = {
        "summary": executive_summary(wb, lang, inputs),
        "action_plan": action_plan(wb, lang, inputs),
        "risks": risks(wb, lang, inputs),
        "profile": s.profile(wb, lang),
        "listening": s.listening(wb, lang),
        "objectives": s.objectives(wb, lang, as_of),
        "audiences": s.audiences(wb, lang),
        "content": s.content(wb, lang),
        "response": s.response(wb, lang),
        "crisis": s.crisis(wb, lang, inputs),
        "kpis": ev.kpis(wb, lang),
        "attainment": ev.attainment(wb, lang, as_of, inputs.attainments),
        "recommendations": ev.recommendations(wb, lang, as_of, inputs.recommendations),
        "self_assessment": ev.self_assessment(wb, lang),
    }
    template = _environment().get_template("template.html.j2")
    return template.render(
        lang=lang, t=lambda key, **kw: t(key, lang, **kw), data=data, sections=SECTIONS,
        section_title=lambda name: t(("report.board.section." if name in BOARD_SECTIONS
                                      else "report.section.") + name, lang),
        as_of=format_day(as_of, lang), skipped=_stage_names(skipped or [], lang),
        generated=day_time(generated or datetime.now().astimezone(), lang),
        number=lambda v, d=0: _number(v, lang, d), percent=lambda v, d=1: _percent(v, lang, d),
        rate=lambda v, d=None: numbers.rate(v, lang, decimals=d), growth=lambda v: numbers.growth(v, lang),
        growth_rate=lambda v: numbers.growth_rate(v, lang),
        day=lambda v: format_day(v, lang))


def _stage_names(stems: list[str], lang: str) -> list[str]:
    """Notebook stems ("05-crisis") as the reader knows the stages ("Crisis")."""
    from cmtraining.core.stages import STAGES
    from cmtraining.i18n import t

    keys = {stage.notebook: stage.key for stage in STAGES}
    return [t(f"common.stage.{keys[s]}", lang) if s in keys else s for s in stems]


def _number(value, lang: str, decimals: int = 0) -> str:
    from cmtraining.core.numbers import decimal

    return decimal(value, lang, decimals=decimals, trim=True)


def _percent(value, lang: str, decimals: int = 1) -> str:
    from cmtraining.core.numbers import percent

    return percent(value, lang, decimals=decimals, small=True)
