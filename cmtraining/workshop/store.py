"""Where a workshop lives: SQL tables through SQLAlchemy Core.

Durable by construction: every change is one transaction committed before
the method returns, and nothing is kept in memory between calls, so a
server restart (or each team's page running in its own kernel process)
sees the same state. SQLite by default (`<workspace>/workshops.sqlite`, in
WAL mode with a busy timeout so several kernels can write), any database
SQLAlchemy knows by URL.
"""

from __future__ import annotations

from dataclasses import dataclass
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
    event,
)
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from cmtraining.workshop.models import WorkshopError

WORKSHOP_FILE = "workshops.sqlite"

metadata = MetaData()
workshops = Table(
    "workshops", metadata, Column("id", String(32), primary_key=True),
    Column("config", Text, nullable=False),  # WorkshopConfig as JSON
    Column("status", String(16), nullable=False), Column("turn", Integer, nullable=False),
    Column("minute", Integer, nullable=False),
    Column("facilitator_token", String(64), nullable=False, unique=True),
    Column("created_at", DateTime), Column("updated_at", DateTime),
    Column("clock_started_at", DateTime),  # running since (None when not running)
    Column("clock_elapsed", Float, nullable=False, default=0.0))  # seconds of this turn before
teams = Table(
    "teams", metadata,
    Column("workshop_id", String(32), ForeignKey("workshops.id"), primary_key=True),
    Column("team_id", String(16), primary_key=True), Column("position", Integer, nullable=False),
    Column("name", String(80), nullable=False),
    Column("token", String(64), nullable=False, unique=True))
drafts = Table(
    "drafts", metadata, Column("id", Integer, primary_key=True, autoincrement=True),
    Column("workshop_id", String(32), ForeignKey("workshops.id"), nullable=False),
    Column("team_id", String(16), nullable=False), Column("role", String(16), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("action", Text, nullable=False),  # the reviewed action as JSON (exercise format)
    Column("state", String(16), nullable=False),  # pending | published | rejected
    Column("created_turn", Integer, nullable=False),
    Column("created_minute", Integer, nullable=False),
    Column("published_turn", Integer), Column("published_minute", Integer),
    Column("decided_by", String(16)), Column("created_at", DateTime),
    Column("decided_at", DateTime))
injects = Table(
    "injects", metadata, Column("id", Integer, primary_key=True, autoincrement=True),
    Column("workshop_id", String(32), ForeignKey("workshops.id"), nullable=False),
    Column("team_id", String(16)),  # None: every team
    Column("turn", Integer, nullable=False), Column("minute", Integer, nullable=False),
    Column("kind", String(32), nullable=False), Column("text_es", Text, nullable=False),
    Column("text_en", Text, nullable=False), Column("created_at", DateTime))
curves = Table(
    "curves", metadata,
    Column("workshop_id", String(32), ForeignKey("workshops.id"), primary_key=True),
    Column("team_id", String(16), primary_key=True), Column("minute", Integer, primary_key=True),
    Column("negative_reach", Float, nullable=False), Column("outraged", Integer, nullable=False),
    Column("new_negative", Integer, nullable=False),
    UniqueConstraint("workshop_id", "team_id", "minute"))


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def default_path() -> Path:
    """`<workspace>/workshops.sqlite` (the course's workspace, never the package)."""
    from cmtraining.core.paths import workspace_dir

    return workspace_dir() / WORKSHOP_FILE


def resolve_url(url: str | None) -> str:
    """A SQLAlchemy URL for `url`: None/"" the default file, "x://..." as is, else a file path."""
    if not url:
        return f"sqlite:///{default_path()}"
    if "://" in url:
        return url
    return f"sqlite:///{Path(url).resolve()}"


@dataclass
class Store:
    """An open workshop database (the engine; the tables are this module's)."""

    url: str
    engine: object

    def close(self) -> None:
        self.engine.dispose()


def open_store(url: str | None = None, *, create: bool = True) -> Store:
    """Open (and create the tables of) the workshop database at `url`.

    `create=False` refuses a SQLite file that does not exist yet (a mistyped
    path is an error naming it, never a new empty database).
    """
    from sqlalchemy.engine import make_url

    url = resolve_url(url)
    try:
        parsed = make_url(url)
        sqlite = parsed.drivername.startswith("sqlite")
        path = Path(parsed.database) if sqlite and parsed.database not in (None, "", ":memory:") \
            else None
        if path is not None:
            if not create and not path.is_file():
                raise WorkshopError("workshop.error.no_store", path=str(path))
            if path == default_path():
                path.parent.mkdir(parents=True, exist_ok=True)
            if not path.parent.is_dir():
                raise WorkshopError("workshop.error.store", url=_safe(url),
                                    reason=f"{path.parent}?")
        engine = create_engine(url, connect_args={"timeout": 30} if sqlite else {})
        if sqlite:
            event.listen(engine, "connect", _sqlite_pragmas)
        metadata.create_all(engine)
    except (ArgumentError, NoSuchModuleError, SQLAlchemyError, ImportError, ValueError) as exc:
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise WorkshopError("workshop.error.store", url=_safe(url), reason=reason) from None
    return Store(url, engine)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL lets the team pages read while the facilitator writes; commits are synchronous."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _safe(url: str) -> str:
    """The URL without its password (for messages)."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "?"
