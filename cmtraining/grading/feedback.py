"""One HTML feedback page per submission, in the trainee's language.

Built from the gradebook row (not from the run in memory) so that a page
re-rendered after a manual adjustment shows the same numbers the export
does. Jinja2 with autoescaping: a trainee's text never becomes markup.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from cmtraining.i18n import t


@cache
def _template():
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(Path(__file__).parent),
                      autoescape=select_autoescape(["html", "j2"]))
    return env.get_template("feedback.html.j2")


def _num(value, lang: str) -> str:
    from cmtraining.core.numbers import decimal

    return decimal(float(value or 0), lang, decimals=2, trim=True)


def render(row: dict, exercise, lang: str) -> str:
    """The page for one gradebook row (see `Gradebook.current`)."""
    lang = lang if lang in ("es", "en") else "es"
    titles = {c.id: c.title.get(lang) for c in exercise.checks}
    checks = [{"title": titles.get(c["check_id"], c["check_id"]), "points": _num(c["points"], lang),
               "max": _num(c["max_points"], lang), "message": c["message"] or "",
               "status": c["status"]} for c in row["checks"]]
    adjustments = [{"title": titles.get(a["check_id"], a["check_id"]), "points": _num(a["points"], lang),
                    "note": a["note"] or ""} for a in row["adjustments"]]
    reason = t(f"grading.reason.{row['reason']}", lang) if row["reason"] else ""
    return _template().render(
        lang=lang, t=lambda key, **kw: t(f"grading.feedback.{key}", lang, **kw),
        exercise=exercise.title.get(lang), trainee=row["trainee_id"],
        total=_num(row["total"], lang), max=_num(row["max_points"], lang), status=row["status"],
        reason=reason, detail=row["detail"] or "", checks=checks, adjustments=adjustments)


def write_page(root: Path, row: dict, exercise) -> Path:
    """`<root>/feedback/<exercise>/<trainee>.html`, written atomically."""
    from cmtraining.core.outputs import write_bytes_atomic

    path = Path(root) / "feedback" / row["exercise_id"] / f"{row['trainee_id']}.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(path, render(row, exercise, row.get("lang") or "es").encode("utf-8"))
    return path
