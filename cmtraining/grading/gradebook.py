"""The gradebook: every attempt, check result and manual adjustment, in SQL.

SQLAlchemy Core, so the same code runs on the default SQLite file beside the
exercises and on any server a facilitator names (`--db postgresql://...`).
Why these keys:

- an attempt is unique per (submission, exercise version), and a submission
  is unique per (exercise, trainee, sha256 of the file's bytes): re-grading
  the same bytes replaces that attempt's rows instead of adding new ones
  (idempotent), and a resumed run skips what is already graded;
- manual adjustments are keyed by (exercise, trainee, check), not by attempt,
  so they survive re-grading and a new submission;
- a trainee's current grade is their latest attempt for the exercise.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import (
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    inspect,
    select,
)
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from cmtraining.core.errors import CmtrainingError

metadata = MetaData()
trainees = Table("trainees", metadata, Column("id", String(120), primary_key=True),
                 Column("first_seen", DateTime))
exercises = Table("exercises", metadata, Column("id", String(64), primary_key=True),
                  Column("version", Integer, primary_key=True), Column("title_es", Text),
                  Column("title_en", Text), Column("max_points", Float))
submissions = Table(
    "submissions", metadata, Column("id", Integer, primary_key=True, autoincrement=True),
    Column("exercise_id", String(64), nullable=False),
    Column("trainee_id", String(120), ForeignKey("trainees.id"), nullable=False),
    Column("sha256", String(64), nullable=False), Column("filename", Text),
    Column("lang", String(8)), Column("received_at", DateTime),
    UniqueConstraint("exercise_id", "trainee_id", "sha256"))
attempts = Table(
    "attempts", metadata, Column("id", Integer, primary_key=True, autoincrement=True),
    Column("submission_id", Integer, ForeignKey("submissions.id"), nullable=False),
    Column("exercise_version", Integer, nullable=False),
    Column("status", String(16), nullable=False),  # graded | failed | rejected
    Column("reason", String(32)), Column("detail", Text), Column("score", Float),
    Column("max_points", Float), Column("seconds", Float), Column("graded_at", DateTime),
    Column("answers", Text),  # JSON of the extracted answers (similarity, audits)
    UniqueConstraint("submission_id", "exercise_version"))
check_results = Table(
    "check_results", metadata,
    Column("attempt_id", Integer, ForeignKey("attempts.id"), primary_key=True),
    Column("check_id", String(64), primary_key=True), Column("status", String(16)),
    Column("fraction", Float), Column("points", Float), Column("max_points", Float),
    Column("message", Text))
adjustments = Table(
    "adjustments", metadata, Column("exercise_id", String(64), primary_key=True),
    Column("trainee_id", String(120), primary_key=True),
    Column("check_id", String(64), primary_key=True), Column("points", Float, nullable=False),
    Column("note", Text), Column("created_at", DateTime))
similar_pairs = Table(
    "similar_pairs", metadata, Column("exercise_id", String(64), primary_key=True),
    Column("trainee_a", String(120), primary_key=True),
    Column("trainee_b", String(120), primary_key=True), Column("score", Float),
    Column("threshold", Float))


class GradebookError(CmtrainingError):
    key = "grading.error.db"


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


GRADEBOOK_FILE = "gradebook.sqlite"


def default_path() -> Path:
    """The default gradebook: `<workspace>/gradebook.sqlite`, never inside the package.

    Beside the installed exercises it would land in site-packages (and be
    shared by every course on the machine); the workspace is the course's.
    """
    from cmtraining.core.paths import workspace_dir

    return workspace_dir() / GRADEBOOK_FILE


def default_url(exercise_folder: Path | None = None) -> str:
    """The URL of `default_path()` (the exercise no longer decides where grades go)."""
    return f"sqlite:///{default_path()}"


def resolve_gradebook(db: str) -> tuple[str, bool]:
    """(SQLAlchemy URL, whether it may hold grades) for a reader's `db` parameter.

    "" is the workspace's gradebook (`default_path()`); a value with
    "://" is a SQLAlchemy URL; anything else is the path of a SQLite file.
    """
    if "://" in db:
        return db, True
    path = Path(db).resolve() if db else default_path()
    return f"sqlite:///{path}", path.is_file()


def sqlite_path(url: str) -> Path | None:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return Path(parsed.database).resolve() if parsed.drivername.startswith("sqlite") and \
        parsed.database not in (None, "", ":memory:") else None


class Gradebook:
    """One database; every write is one transaction."""

    def __init__(self, url: str, *, read_only: bool = False, create: bool = True):
        """Open (and, when `create`, create the tables of) the gradebook at `url`.

        `read_only` is for readers such as the gradebook notebook: a SQLite
        file is opened in SQLite's read-only mode and nothing is created, so
        pointing a reader at the wrong file can never alter it. `create=False`
        is for commands that need existing grades (`grade export`, `grade
        adjust`): a mistyped path is an error naming it, never a new empty
        database.
        """
        self.url = url
        existing_only = read_only or not create
        try:
            path = sqlite_path(url)
            if existing_only and path is not None and not path.is_file():
                raise GradebookError("core.safety.gradebook.missing", path=str(path))
            if not existing_only and path is not None and path == default_path():
                path.parent.mkdir(parents=True, exist_ok=True)  # the workspace, on first grading
            if path is not None and not path.parent.is_dir():
                raise GradebookError("grading.error.db", url=redacted_url(url), reason=f"{path.parent}?")
            if read_only and path is not None:
                self.engine = create_engine("sqlite://", creator=_read_only_sqlite(path))
            else:
                self.engine = create_engine(url)
            if existing_only:
                missing = set(metadata.tables) - set(inspect(self.engine).get_table_names())
                if missing:
                    raise GradebookError("grading.error.not_gradebook", url=redacted_url(url),
                                         tables=", ".join(sorted(missing)))
            else:
                metadata.create_all(self.engine)
        except (ArgumentError, NoSuchModuleError, SQLAlchemyError, ImportError, ValueError) as exc:
            reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
            raise GradebookError("grading.error.db", url=redacted_url(url), reason=reason) from None

    def titles(self) -> dict[str, dict]:
        """{exercise id: {"es", "en", "version", "max_points"}} of each exercise's latest version."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(exercises).order_by(exercises.c.version)).mappings()
            return {r["id"]: {"es": r["title_es"], "en": r["title_en"], "version": r["version"],
                              "max_points": r["max_points"]} for r in rows}

    def record_exercise(self, exercise) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(exercises).where(exercises.c.id == exercise.id,
                                                 exercises.c.version == exercise.version))
            conn.execute(exercises.insert().values(
                id=exercise.id, version=exercise.version, title_es=exercise.title.es,
                title_en=exercise.title.en, max_points=exercise.points))

    def graded(self, exercise_id: str, version: int) -> set[tuple[str, str]]:
        """(trainee, sha256) pairs with a finished attempt at this version."""
        query = (select(submissions.c.trainee_id, submissions.c.sha256)
                 .join(attempts, attempts.c.submission_id == submissions.c.id)
                 .where(submissions.c.exercise_id == exercise_id,
                        attempts.c.exercise_version == version,
                        attempts.c.status != "rejected"))
        with self.engine.connect() as conn:
            return {(r.trainee_id, r.sha256) for r in conn.execute(query)}

    def record_attempt(self, *, exercise, trainee: str, sha256: str, filename: str, lang: str,
                       status: str, reason: str = "", detail: str = "", seconds: float = 0.0,
                       checks: list[dict] = (), answers: dict | None = None) -> int:
        """Insert or replace the attempt for (trainee, sha256, version); returns its id."""
        with self.engine.begin() as conn:
            if conn.execute(select(trainees.c.id).where(trainees.c.id == trainee)).first() is None:
                conn.execute(trainees.insert().values(id=trainee, first_seen=now()))
            sub = conn.execute(select(submissions.c.id).where(
                submissions.c.exercise_id == exercise.id, submissions.c.trainee_id == trainee,
                submissions.c.sha256 == sha256)).scalar()
            if sub is None:
                sub = conn.execute(submissions.insert().values(
                    exercise_id=exercise.id, trainee_id=trainee, sha256=sha256,
                    filename=filename, lang=lang, received_at=now())).inserted_primary_key[0]
            old = conn.execute(select(attempts.c.id).where(
                attempts.c.submission_id == sub,
                attempts.c.exercise_version == exercise.version)).scalar()
            if old is not None:
                conn.execute(delete(check_results).where(check_results.c.attempt_id == old))
                conn.execute(delete(attempts).where(attempts.c.id == old))
            score = round(sum(c["points"] for c in checks), 4)
            attempt = conn.execute(attempts.insert().values(
                submission_id=sub, exercise_version=exercise.version, status=status,
                reason=reason, detail=detail, score=score, max_points=exercise.points,
                seconds=seconds, graded_at=now(),
                answers=json.dumps(answers, ensure_ascii=False) if answers is not None else None,
            )).inserted_primary_key[0]
            if checks:
                conn.execute(check_results.insert(), [dict(c, attempt_id=attempt) for c in checks])
        return attempt

    def adjust(self, exercise_id: str, trainee: str, check_id: str, points: float,
               note: str = "") -> None:
        """Set the facilitator's manual points for one check (replaces an earlier one)."""
        with self.engine.begin() as conn:
            conn.execute(delete(adjustments).where(
                adjustments.c.exercise_id == exercise_id, adjustments.c.trainee_id == trainee,
                adjustments.c.check_id == check_id))
            conn.execute(adjustments.insert().values(
                exercise_id=exercise_id, trainee_id=trainee, check_id=check_id, points=points,
                note=note, created_at=now()))

    def save_similar(self, exercise_id: str, pairs, threshold: float) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(similar_pairs).where(similar_pairs.c.exercise_id == exercise_id))
            if pairs:
                conn.execute(similar_pairs.insert(), [
                    {"exercise_id": exercise_id, "trainee_a": a, "trainee_b": b, "score": s,
                     "threshold": threshold} for a, b, s in pairs])

    def current(self, exercise_id: str | None = None) -> list[dict]:
        """Each trainee's latest attempt per exercise, with checks and manual points."""
        query = (select(submissions.c.exercise_id, submissions.c.trainee_id, submissions.c.lang,
                        submissions.c.filename, submissions.c.sha256, attempts)
                 .join(attempts, attempts.c.submission_id == submissions.c.id)
                 .order_by(attempts.c.graded_at, attempts.c.id))
        if exercise_id is not None:
            query = query.where(submissions.c.exercise_id == exercise_id)
        with self.engine.connect() as conn:
            latest: dict[tuple[str, str], dict] = {}
            for row in conn.execute(query).mappings():
                latest[(row["exercise_id"], row["trainee_id"])] = dict(row)
            for row in latest.values():
                row["checks"] = [dict(r) for r in conn.execute(
                    select(check_results).where(check_results.c.attempt_id == row["id"])
                    .order_by(check_results.c.check_id)).mappings()]
                row["adjustments"] = [dict(r) for r in conn.execute(select(adjustments).where(
                    adjustments.c.exercise_id == row["exercise_id"],
                    adjustments.c.trainee_id == row["trainee_id"])).mappings()]
                row["manual"] = sum(a["points"] for a in row["adjustments"])
                row["total"] = round((row["score"] or 0) + row["manual"], 4)
        return sorted(latest.values(), key=lambda r: (r["exercise_id"], r["trainee_id"]))

    def similar(self, exercise_id: str | None = None) -> list[dict]:
        query = select(similar_pairs).order_by(similar_pairs.c.score.desc())
        if exercise_id is not None:
            query = query.where(similar_pairs.c.exercise_id == exercise_id)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    def export_csv(self, exercise_id: str | None = None, *, rows: list[dict] | None = None) -> str:
        """One row per trainee and exercise: status, score, manual, total, each check.

        `rows`: `current(exercise_id)` when the caller has already read it.
        """
        from cmtraining.core import csvout

        rows = self.current(exercise_id) if rows is None else rows
        check_ids = sorted({c["check_id"] for r in rows for c in r["checks"]})
        buf = io.StringIO()
        writer = csvout.writer(buf)
        writer.writeheader(["exercise", "version", "trainee", "status", "reason", "score", "manual",
                         "total", "max_points", *check_ids, "graded_at"])
        for r in rows:
            points = {c["check_id"]: c["points"] for c in r["checks"]}
            writer.writerow([r["exercise_id"], r["exercise_version"], r["trainee_id"], r["status"],
                             r["reason"] or "", r["score"], r["manual"], r["total"],
                             r["max_points"], *(points.get(c, "") for c in check_ids),
                             r["graded_at"].isoformat(timespec="seconds")])
        return buf.getvalue()


def _read_only_sqlite(path: Path):
    """A connection factory opening `path` with SQLite's read-only URI mode."""
    import sqlite3
    from urllib.parse import quote

    uri = f"file:{quote(str(path))}?mode=ro"
    return lambda: sqlite3.connect(uri, uri=True, check_same_thread=False)


def redacted_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "?"
