"""Opening the training log: database URL, engine set-up, migrations and transactions.

The default database is SQLite in the user's data directory (``<data_dir>/extensor.db``,
see :class:`extensor._config.Settings`), created on first use, in WAL mode. ``--db URL``
or ``EXTENSOR_DB`` points elsewhere: another SQLite file (a plain path or
``sqlite:///path``) or PostgreSQL (``postgresql://user@host/db``; the psycopg 3 driver is
used whatever the URL names).

The schema is kept current by the Alembic migrations shipped in
``extensor/store/migrations``; :class:`Store` runs them on open, under a lock, so nobody
needs an ``alembic.ini``.

>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as tmp:
...     with Store(pathlib.Path(tmp) / "log.db") as store:
...         print(store.revision == HEAD_REVISION, store.check())
True []
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import Engine, create_engine, event, func, select, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from extensor._config import Settings
from extensor._errors import ConfigError, StoreError
from extensor._private import PRIVATE_DIR_MODE, private_file
from extensor.store._models import RepRow, SetRow

__all__ = [
    "DEFAULT_DB_NAME",
    "HEAD_REVISION",
    "SQLITE_BUSY_TIMEOUT_MS",
    "Store",
    "StoreError",
    "resolve_db_url",
]

#: File name of the default SQLite database inside the data directory.
DEFAULT_DB_NAME = "extensor.db"
#: The newest migration in ``migrations/versions``; a test checks it against Alembic.
HEAD_REVISION = "0002"
#: How long a SQLite writer waits for another one before giving up: long enough for any
#: log write of another extensor process, short enough to report a stuck lock.
SQLITE_BUSY_TIMEOUT_MS = 10_000
#: Migrations package, in Alembic's ``package:folder`` form.
_SCRIPT_LOCATION = "extensor.store:migrations"
#: Key of the PostgreSQL advisory lock held while migrating (any fixed 64-bit number).
_PG_MIGRATION_LOCK = int.from_bytes(hashlib.sha256(b"extensor.store").digest()[:7], "big")


def resolve_db_url(settings: Settings | None = None, *, db: str | Path | None = None) -> str:
    """The database URL for ``db`` (a URL or a file path), else ``settings.db``, else the
    default SQLite file in ``settings.data_dir``.

    >>> resolve_db_url(db="postgresql://me@localhost/log")
    'postgresql+psycopg://me@localhost/log'
    >>> resolve_db_url(db="/tmp/log.db")
    'sqlite:////tmp/log.db'
    """
    value = db if db is not None else (settings.db if settings is not None else None)
    if value is None:
        data_dir = (settings or Settings()).data_dir
        return f"sqlite:///{(Path(data_dir) / DEFAULT_DB_NAME).absolute()}"
    raw = str(value).strip()
    if "://" not in raw:
        return f"sqlite:///{Path(raw).expanduser().absolute()}"
    for prefix in ("postgresql://", "postgres://", "postgresql+psycopg2://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


def _redact(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


class Store:
    """A connection pool to the training log, with transactional read and write scopes.

    ``Store(path_or_url)`` opens (and on first use creates) the database and brings its
    schema to :data:`HEAD_REVISION`. Use :meth:`write` for anything that changes data:
    everything inside the ``with`` block commits together or not at all.
    """

    def __init__(self, url: str | Path, *, migrate: bool = True) -> None:
        self.url = resolve_db_url(db=url)
        try:
            parsed = make_url(self.url)
        except ArgumentError:
            raise ConfigError(
                f"database must be a file path or a URL like postgresql://user@host/db, got {str(url)!r}"
            ) from None
        self.backend = parsed.get_backend_name()
        if self.backend not in ("sqlite", "postgresql"):
            raise ConfigError(f"database must be SQLite or PostgreSQL, got {self.backend!r}")
        if self.backend == "sqlite" and parsed.database and parsed.database != ":memory:":
            try:  # a new folder is the owner's only; the log itself is always 0600
                Path(parsed.database).parent.mkdir(
                    parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE
                )
                private_file(Path(parsed.database))
            except OSError as err:
                raise StoreError(
                    f"cannot create the folder of the training log: {err.strerror}",
                    source=parsed.database,
                ) from None
        try:
            self.engine: Engine = create_engine(self.url)
        except (ArgumentError, ImportError) as err:
            raise ConfigError(f"cannot use database {_redact(self.url)}: {err}") from None
        if self.backend == "sqlite":
            _setup_sqlite(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = self.engine.execution_options(extensor_begin="IMMEDIATE")
        self._write_sessions = sessionmaker(self._writer, expire_on_commit=False)
        if migrate:
            self.migrate()

    # -- context management ---------------------------------------------------------------

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Store({_redact(self.url)!r})"

    @property
    def location(self) -> str:
        """The URL with any password hidden, for messages."""
        return _redact(self.url)

    # -- transactions ---------------------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose changes commit together when the block ends, or roll back on
        any exception. On SQLite the write lock is taken at the start (BEGIN IMMEDIATE),
        so two extensor processes never interleave half-written sets."""
        with self._errors(), self._write_sessions() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for queries; nothing it does is committed."""
        with self._errors(), self._sessions() as session:
            yield session

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except SQLAlchemyError as err:
            detail = str(getattr(err, "orig", None) or err).strip().splitlines()[0]
            raise StoreError(f"database error: {detail}", source=self.location) from err

    # -- schema ---------------------------------------------------------------------------

    @property
    def revision(self) -> str | None:
        """The schema revision of the database (None before the first migration)."""
        from alembic.runtime.migration import MigrationContext

        with self._errors(), self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def migrate(self) -> None:
        """Create or upgrade the schema to :data:`HEAD_REVISION` (a no-op when current).

        Runs in one transaction under a lock (SQLite: the write lock; PostgreSQL: an
        advisory lock), so two processes opening a new database at once do not collide.
        """
        with self._errors(), self._writer.connect() as conn:
            sqlite = self.backend == "sqlite"
            if sqlite:
                # SQLite migrations rebuild tables (Alembic's batch mode); with foreign keys
                # on, dropping the old table would cascade-delete every row referring to it.
                # The pragma only works outside a transaction, hence the raw connection.
                _raw_pragma(conn, "PRAGMA foreign_keys = OFF")
            try:
                with conn.begin():
                    if self.backend == "postgresql":
                        conn.execute(
                            text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK}
                        )
                    if _current_revision(conn) == HEAD_REVISION:
                        return
                    _upgrade(conn)
                    if sqlite:
                        broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
                        if broken:
                            raise StoreError(
                                f"migration left rows without their parent: {broken[:3]}",
                                source=self.location,
                            )
            finally:
                if sqlite:
                    _raw_pragma(conn, "PRAGMA foreign_keys = ON")

    # -- checks ---------------------------------------------------------------------------

    def check(self) -> list[str]:
        """Problems in the stored data; an empty list means the log is consistent.

        Every set must own exactly ``analysed_reps`` rep rows and, when analysed, count its
        complete reps in ``reps``; on SQLite, ``PRAGMA integrity_check`` and
        ``foreign_key_check`` must pass too.
        """
        problems: list[str] = []
        with self.read() as db:
            if self.backend == "sqlite":
                result = db.execute(text("PRAGMA integrity_check")).scalars().all()
                if list(result) != ["ok"]:
                    problems += [f"integrity_check: {r}" for r in result]
                bad_fk = db.execute(text("PRAGMA foreign_key_check")).all()
                problems += [f"foreign_key_check: {tuple(r)}" for r in bad_fk]
            rep_count = (
                select(func.count(RepRow.id)).where(RepRow.set_id == SetRow.id).scalar_subquery()
            )
            complete = (
                select(func.count(RepRow.id))
                .where(RepRow.set_id == SetRow.id, RepRow.complete.is_(True))
                .scalar_subquery()
            )
            rows = db.execute(
                select(SetRow.id, SetRow.analysed_reps, SetRow.reps, rep_count, complete)
            ).all()
            for set_id, analysed, reps, stored, n_complete in rows:
                if stored != analysed:
                    problems.append(f"set {set_id}: {stored} rep rows, expected {analysed}")
                elif analysed and reps != n_complete:
                    problems.append(f"set {set_id}: reps={reps} but {n_complete} complete rep rows")
        return problems


def _setup_sqlite(engine: Engine) -> None:
    """WAL journal, foreign keys, a busy timeout and explicit BEGIN for real transactions."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # pysqlite must not BEGIN on its own
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        _enable_wal(cursor)
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("extensor_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def _enable_wal(cursor: Any) -> None:
    """Switch a new database to WAL. The switch does not wait on SQLite's busy handler when
    another connection is creating the same file, so retry until the busy timeout."""
    if str(cursor.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
        return
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as err:
            if "locked" not in str(err) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _raw_pragma(conn: Connection, pragma: str) -> None:
    """Run a SQLite pragma on the DBAPI connection, outside any transaction."""
    raw = conn.connection.dbapi_connection
    assert raw is not None
    cursor = raw.cursor()
    try:
        cursor.execute(pragma)
    finally:
        cursor.close()


def _current_revision(conn: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


def _upgrade(conn: Connection) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", _SCRIPT_LOCATION)
    config.attributes["connection"] = conn
    command.upgrade(config, "head")
