"""The strategy report: one self-contained HTML document built from a Workbook.

`build_report(workbook, lang=..., as_of=...)` assembles each section's data
(`sections.py`, `evaluation_sections.py`), draws the charts as inline PNG
(no files, no network: the report opens anywhere and can be mailed), and
renders `template.html.j2` with Jinja2 (autoescaped). The same workbook and
date always give the same document, apart from the "generated" timestamp.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from pathlib import Path

SECTIONS = ("profile", "listening", "objectives", "audiences", "content", "response", "crisis",
            "kpis", "attainment", "recommendations", "self_assessment")


@cache
def _environment():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(__file__).parent)),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)


def build_report(wb, *, lang: str = "es", as_of: date, ran: list[str] | None = None,
                 skipped: list[str] | None = None, generated: datetime | None = None) -> str:
    """The report's HTML (see the module docstring)."""
    from cmtraining.i18n import check_lang, t
    from cmtraining.report import evaluation_sections as ev
    from cmtraining.report import sections as s

    lang = check_lang(lang)
    data = {
        "profile": s.profile(wb, lang),
        "listening": s.listening(wb, lang),
        "objectives": s.objectives(wb, lang, as_of),
        "audiences": s.audiences(wb, lang),
        "content": s.content(wb, lang),
        "response": s.response(wb, lang),
        "crisis": s.crisis(wb, lang),
        "kpis": ev.kpis(wb, lang),
        "attainment": ev.attainment(wb, lang, as_of),
        "recommendations": ev.recommendations(wb, lang, as_of),
        "self_assessment": ev.self_assessment(wb, lang),
    }
    template = _environment().get_template("template.html.j2")
    return template.render(
        lang=lang, t=lambda key, **kw: t(key, lang, **kw), data=data, sections=SECTIONS,
        as_of=as_of.isoformat(), ran=ran or [], skipped=skipped or [],
        generated=(generated or datetime.now().astimezone()).strftime("%Y-%m-%d %H:%M %Z"),
        number=lambda v, d=0: _number(v, lang, d), percent=lambda v: _percent(v, lang))


def _number(value, lang: str, decimals: int = 0) -> str:
    from cmtraining.numbers import decimal

    return decimal(value, lang, decimals=decimals, trim=True)


def _percent(value, lang: str) -> str:
    from cmtraining.numbers import percent

    return percent(value, lang, small=True)
