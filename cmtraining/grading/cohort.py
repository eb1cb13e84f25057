"""The cohort at a glance: what the gradebook notebook shows, computed from the gradebook.

Plain data, no widgets (the app in `cmtraining.apps.gradebook` draws it), so
the same figures can be tested, printed or put in a report. A trainee is
*at risk* in an exercise when their current grade (automatic points plus the
facilitator's manual points) is below `risk` percent of the exercise's
points, or when their notebook could not be graded at all: both need the
facilitator's attention before the course ends.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_RISK = 50  # percent of the points; a pass mark common in course rubrics (an assumption)


@dataclass(frozen=True)
class CheckShare:
    """How the graded trainees did on one check."""

    check_id: str
    title: str
    max_points: float
    mean_share: float  # mean of points / max over graded trainees, 0..1
    zero: int  # trainees who scored nothing on it


@dataclass(frozen=True)
class TraineeRisk:
    trainee: str
    exercise: str
    total: float
    max_points: float
    status: str  # graded | failed | rejected
    reason: str  # a grading.reason key, "" when graded

    @property
    def share(self) -> float:
        return self.total / self.max_points if self.max_points else 0.0


@dataclass(frozen=True)
class ExerciseSummary:
    exercise: str
    titles: dict  # {"es": ..., "en": ...}
    version: int
    max_points: float
    count: int  # trainees with a current attempt
    graded: int
    not_graded: int  # failed or rejected
    mean: float | None
    median: float | None
    shares: tuple[float, ...]  # current grade / max for every graded trainee, sorted
    checks: tuple[CheckShare, ...]
    at_risk: tuple[TraineeRisk, ...]
    reasons: dict = field(default_factory=dict)  # not-graded reason -> count

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or self.titles.get("es") or self.exercise


def _check_titles(exercise_id: str, lang: str, root: Path | None) -> dict[str, str]:
    """Check titles from the exercise's yaml when it is at hand, else {} (ids are shown).

    The gradebook keeps points, not titles: the exercise is looked for beside
    the gradebook file (where `cmtraining grade` puts it), then in the
    project's exercises folder.
    """
    from cmtraining.core.errors import CmtrainingError
    from cmtraining.grading.exercise import load_exercise

    candidates = [root / exercise_id] if root is not None else []
    for candidate in [*candidates, exercise_id]:
        if isinstance(candidate, Path) and not candidate.is_dir():
            continue
        try:
            exercise = load_exercise(candidate)
        except CmtrainingError:
            continue
        if exercise.id == exercise_id:
            return {c.id: c.title.get(lang) for c in exercise.checks}
    return {}


def summarize(rows: list[dict], titles: dict[str, dict], *, risk: int = DEFAULT_RISK,
              lang: str = "es", exercises_root: Path | None = None) -> list[ExerciseSummary]:
    """One summary per exercise from `Gradebook.current()` rows and `Gradebook.titles()`."""
    by_exercise: dict[str, list[dict]] = {}
    for row in rows:
        by_exercise.setdefault(row["exercise_id"], []).append(row)
    out = []
    for exercise_id in sorted(by_exercise):
        members = by_exercise[exercise_id]
        meta = titles.get(exercise_id, {})
        max_points = float(meta.get("max_points") or max(r["max_points"] or 0 for r in members))
        graded = [r for r in members if r["status"] == "graded"]
        totals = [min(max(r["total"], 0.0), max_points) for r in graded]
        shares = tuple(sorted(v / max_points for v in totals)) if max_points else ()
        reasons: dict[str, int] = {}
        for r in members:
            if r["status"] != "graded":
                reasons[r["reason"] or r["status"]] = reasons.get(r["reason"] or r["status"], 0) + 1
        threshold = risk / 100 * max_points
        at_risk = tuple(sorted(
            (TraineeRisk(r["trainee_id"], exercise_id, r["total"] if r["status"] == "graded" else 0.0,
                         max_points, r["status"], r["reason"] or "")
             for r in members if r["status"] != "graded" or r["total"] < threshold),
            key=lambda x: (x.status == "graded", x.total, x.trainee)))
        out.append(ExerciseSummary(
            exercise=exercise_id, titles={k: meta.get(k) for k in ("es", "en")},
            version=int(meta.get("version") or max(r["exercise_version"] for r in members)),
            max_points=max_points, count=len(members), graded=len(graded),
            not_graded=len(members) - len(graded),
            mean=statistics.fmean(totals) if totals else None,
            median=statistics.median(totals) if totals else None,
            shares=shares, checks=tuple(check_shares(graded, _check_titles(exercise_id, lang, exercises_root))),
            at_risk=at_risk, reasons=reasons))
    return out


def check_shares(graded: list[dict], titles: dict[str, str]) -> list[CheckShare]:
    """Mean share of each check's points, manual points included (capped to the check)."""
    per_check: dict[str, list[float]] = {}
    maxima: dict[str, float] = {}
    for row in graded:
        manual = {}
        for adj in row.get("adjustments", []):
            manual[adj["check_id"]] = manual.get(adj["check_id"], 0.0) + adj["points"]
        for check in row["checks"]:
            top = check["max_points"] or 0.0
            maxima[check["check_id"]] = top
            got = (check["points"] or 0.0) + manual.get(check["check_id"], 0.0)
            per_check.setdefault(check["check_id"], []).append(
                min(max(got / top, 0.0), 1.0) if top else 0.0)
    order = list(titles) + sorted(set(per_check) - set(titles))
    return [CheckShare(c, titles.get(c, c), maxima[c], statistics.fmean(per_check[c]),
                       sum(1 for v in per_check[c] if v == 0)) for c in order if c in per_check]


def histogram(shares: tuple[float, ...], bins: int = 10) -> list[int]:
    """Counts of shares in [0, .1), [.1, .2) ... [.9, 1.0] (full marks in the last bin)."""
    counts = [0] * bins
    for value in shares:
        counts[min(int(value * bins), bins - 1)] += 1
    return counts
