"""A facilitator's manual adjustment of one check for one trainee (`cmtraining grade adjust`).

The logic lives here, not in the CLI, so that the command only parses and
prints: the exercise and the check are validated, the gradebook must already
exist (a mistyped path never creates an empty one), and the trainee's
feedback page is rewritten with the new total.
"""

from __future__ import annotations

from pathlib import Path


def adjust_check(exercise_arg, trainee: str, check: str, points: float, note: str = "", *,
                 db_url: str | None = None) -> Path:
    """Record `points` for `check` of `trainee`; return the rewritten feedback page."""
    from cmtraining.grading.exercise import load_exercise
    from cmtraining.grading.gradebook import Gradebook, default_url
    from cmtraining.grading.grader import GradingError, write_feedback

    ex = load_exercise(exercise_arg)
    if check not in {c.id for c in ex.checks}:
        raise GradingError("grading.error.check_unknown", exercise=ex.id, check=check,
                           allowed=", ".join(c.id for c in ex.checks))
    url = db_url or default_url()
    book = Gradebook(url, create=False)
    if not any(r["trainee_id"] == trainee for r in book.current(ex.id)):
        raise GradingError("grading.error.trainee_unknown", trainee=trainee, exercise=ex.id)
    book.adjust(ex.id, trainee, check, points, note)
    row = next(r for r in book.current(ex.id) if r["trainee_id"] == trainee)
    return write_feedback(url, ex, row)
