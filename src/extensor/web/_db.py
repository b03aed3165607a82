"""The web app's own small database: accounts, logins and analysis jobs.

It lives in ``<data_dir>/web/web.db`` (SQLite, WAL mode) and is separate from the
training log, which the app reads and writes through :mod:`extensor.store` exactly like
the command line. Every call opens its own short connection, so the functions are safe
from any thread and from the worker processes (which update job progress here).

::

    users      id, name (unique, case-insensitive), argon2 hash, admin flag
    sessions   sha256 of the login token -> user, expiry
    jobs       one uploaded recording: owner, state, progress, stage, result files

>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as tmp:
...     db = WebDB(pathlib.Path(tmp) / "web.db")
...     job = db.create_job(owner=0, display_name="set.csv", input_type="extensor_csv",
...                         input_file="input.csv", goal="strength", variant="roman_chair")
...     db.job(job, owner=0)["state"], db.job(job, owner=1)
('queued', None)
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from extensor._private import private_dir, private_file

__all__ = ["JOB_STATES", "LOCAL_USER_ID", "WebDB", "new_job_id"]

#: Owner id of every job in single-user mode (no accounts).
LOCAL_USER_ID = 0
#: Life of a job: waiting for a worker, being analysed, finished, or failed with a message.
JOB_STATES: tuple[str, ...] = ("queued", "running", "done", "failed")
#: Layout version of the tables below (``PRAGMA user_version``).
SCHEMA_VERSION = 1
#: How long a writer waits for another one, in ms; job progress writes are tiny.
BUSY_TIMEOUT_MS = 10_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    is_admin INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    owner INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    progress REAL NOT NULL DEFAULT 0,
    stage TEXT NOT NULL DEFAULT '',
    display_name TEXT NOT NULL,
    input_type TEXT NOT NULL,
    input_file TEXT,
    size_bytes INTEGER NOT NULL DEFAULT 0,
    goal TEXT NOT NULL,
    variant TEXT NOT NULL,
    log_json TEXT,
    error TEXT,
    summary_json TEXT,
    logged_set_id INTEGER,
    created_at REAL NOT NULL,
    started_at REAL,
    finished_at REAL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_jobs_owner ON jobs(owner, created_at);
CREATE INDEX IF NOT EXISTS ix_jobs_state ON jobs(state, created_at);
"""


def new_job_id() -> str:
    """A random, unguessable job id (16 hex digits), also the name of the job's folder."""
    return secrets.token_hex(8)


class WebDB:
    """Accounts, logins and jobs in one SQLite file; see the module docstring."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        private_file(private_dir(self.path.parent) / self.path.name)  # hashes inside: 0600
        with self._connect() as db:
            db.executescript(_SCHEMA)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000)) as conn:
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA foreign_keys = ON")
            with conn:
                yield conn

    # -- users ----------------------------------------------------------------------------

    def add_user(self, name: str, password_hash: str, *, is_admin: bool = False) -> int:
        """Insert an account; raises ``sqlite3.IntegrityError`` when the name is taken."""
        with self._connect() as db:
            cur = db.execute(
                "INSERT INTO users (name, password_hash, is_admin, created_at) VALUES (?, ?, ?, ?)",
                (name, password_hash, int(is_admin), time.time()),
            )
            return int(cur.lastrowid or 0)

    def user_by_name(self, name: str) -> dict[str, Any] | None:
        with self._connect() as db:
            row = db.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
            return None if row is None else dict(row)

    def user(self, user_id: int) -> dict[str, Any] | None:
        with self._connect() as db:
            row = db.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
            return None if row is None else dict(row)

    def users(self) -> list[dict[str, Any]]:
        with self._connect() as db:
            rows = db.execute("SELECT id, name, is_admin, created_at FROM users ORDER BY name")
            return [dict(r) for r in rows]

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        with self._connect() as db:
            db.execute("UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user_id))

    # -- sessions -------------------------------------------------------------------------

    def add_session(self, token_hash: str, user_id: int, *, lifetime_s: float) -> None:
        now = time.time()
        with self._connect() as db:
            db.execute("DELETE FROM sessions WHERE expires_at < ?", (now,))
            db.execute(
                "INSERT INTO sessions (token_hash, user_id, created_at, expires_at)"
                " VALUES (?, ?, ?, ?)",
                (token_hash, user_id, now, now + lifetime_s),
            )

    def session_user(self, token_hash: str) -> dict[str, Any] | None:
        """The account a live login token belongs to, or None (unknown or expired)."""
        with self._connect() as db:
            row = db.execute(
                "SELECT users.id, users.name, users.is_admin FROM sessions"
                " JOIN users ON users.id = sessions.user_id"
                " WHERE sessions.token_hash = ? AND sessions.expires_at > ?",
                (token_hash, time.time()),
            ).fetchone()
            return None if row is None else dict(row)

    def delete_session(self, token_hash: str) -> None:
        with self._connect() as db:
            db.execute("DELETE FROM sessions WHERE token_hash = ?", (token_hash,))

    # -- jobs -----------------------------------------------------------------------------

    def create_job(
        self,
        *,
        owner: int,
        display_name: str,
        input_type: str,
        input_file: str,
        goal: str,
        variant: str,
        size_bytes: int = 0,
        log: dict[str, Any] | None = None,
        job_id: str | None = None,
    ) -> str:
        """Record a queued job and return its id."""
        jid = job_id or new_job_id()
        now = time.time()
        with self._connect() as db:
            db.execute(
                "INSERT INTO jobs (id, owner, state, stage, display_name, input_type, input_file,"
                " size_bytes, goal, variant, log_json, created_at, updated_at)"
                " VALUES (?, ?, 'queued', 'waiting for a worker', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    jid, owner, display_name, input_type, input_file, size_bytes, goal, variant,
                    None if log is None else json.dumps(log), now, now,
                ),
            )  # fmt: skip
        return jid

    def job(self, job_id: str, *, owner: int | None) -> dict[str, Any] | None:
        """One job; ``owner`` None skips the owner check (workers and the dispatcher only)."""
        with self._connect() as db:
            if owner is None:
                row = db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
            else:
                row = db.execute(
                    "SELECT * FROM jobs WHERE id = ? AND owner = ?", (job_id, owner)
                ).fetchone()
            return None if row is None else _job_dict(row)

    def jobs(self, *, owner: int, limit: int = 50) -> list[dict[str, Any]]:
        """The owner's jobs, newest first."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT * FROM jobs WHERE owner = ? ORDER BY created_at DESC LIMIT ?",
                (owner, limit),
            )
            return [_job_dict(r) for r in rows]

    def unfinished_jobs(self) -> list[str]:
        """Ids of queued or running jobs, oldest first (re-queued when the server starts)."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT id FROM jobs WHERE state IN ('queued', 'running') ORDER BY created_at"
            )
            return [str(r["id"]) for r in rows]

    def queued_count(self) -> int:
        with self._connect() as db:
            row = db.execute("SELECT COUNT(*) FROM jobs WHERE state = 'queued'").fetchone()
            return int(row[0])

    def queue_position(self, job_id: str) -> int:
        """Queued jobs created before this one (0: next in line)."""
        with self._connect() as db:
            row = db.execute(
                "SELECT COUNT(*) FROM jobs WHERE state = 'queued' AND created_at <"
                " (SELECT created_at FROM jobs WHERE id = ?)",
                (job_id,),
            ).fetchone()
            return int(row[0])

    def update_job(self, job_id: str, **fields: Any) -> None:
        """Set columns of one job (``summary`` is stored as JSON); ``updated_at`` follows."""
        allowed = {
            "state", "progress", "stage", "error", "summary", "logged_set_id", "input_file",
            "started_at", "finished_at",
        }  # fmt: skip
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"job fields must be among {sorted(allowed)}, got {sorted(unknown)}")
        if "summary" in fields:
            fields["summary_json"] = json.dumps(fields.pop("summary"))
        fields["updated_at"] = time.time()
        columns = ", ".join(f"{name} = ?" for name in fields)
        with self._connect() as db:
            db.execute(f"UPDATE jobs SET {columns} WHERE id = ?", (*fields.values(), job_id))

    def delete_job(self, job_id: str, *, owner: int) -> bool:
        with self._connect() as db:
            cur = db.execute("DELETE FROM jobs WHERE id = ? AND owner = ?", (job_id, owner))
            return cur.rowcount > 0


def _job_dict(row: sqlite3.Row) -> dict[str, Any]:
    data = dict(row)
    data["summary"] = json.loads(data.pop("summary_json") or "null")
    data["log"] = json.loads(data.pop("log_json") or "null")
    return data
