"""A writer killed with SIGKILL in the middle of a set loses nothing it committed and
leaves no half-written set, on SQLite and on PostgreSQL.

The writer is a separate Python process that stores analysed 12-rep sets with the real
``save_analysis`` in a loop and prints ``committed <set id>`` after each commit returns.

* Deterministic kill: an engine hook pauses the writer inside the transaction of set 4,
  after the set row was inserted and before its rep rows are, prints ``inside`` and
  sleeps; the test kills it right there.
* Random kills: the writer runs freely and is killed after a random delay, three times on
  the same database (each round reopens it and keeps writing).

After every kill the database is reopened and must hold exactly the sets reported as
committed, every one complete with all its rep rows (``Store.check()``: rep rows match
``analysed_reps``, complete reps match ``reps``, and on SQLite ``PRAGMA integrity_check``
and ``foreign_key_check`` pass).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select, text

from extensor.store import Store
from extensor.store._models import RepRow, SetRow

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")

WRITER = r"""
import sys, time
from datetime import date, timedelta
from sqlalchemy import event
from extensor._analysis import run_analysis
from extensor.core._synthetic import RepSpec, synthetic_set
from extensor.store import Store, save_analysis

url, pause_at = sys.argv[1], int(sys.argv[2])
run = run_analysis(synthetic_set([RepSpec(lift_s=0.35)] * 3 + [RepSpec()] * 9, noise_deg=0.2,
                   seed=2).motion, goal="hypertrophy", variant="45_degree_bench")
store = Store(url)
written = 0

@event.listens_for(store.engine, "before_cursor_execute")
def pause(conn, cursor, statement, params, context, executemany):
    if written + 1 == pause_at and statement.lstrip().upper().startswith("INSERT INTO REPS"):
        print("inside", flush=True)
        time.sleep(60)

print("ready", flush=True)
while True:
    day = date(2024, 1, 1) + timedelta(days=written // 3)
    saved = save_analysis(store, run, load=30 + written % 5, unit="kg", day=day)
    written += 1
    print("committed", saved.set_ids[0], flush=True)
"""


def start_writer(url: str, pause_at: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, url, str(pause_at)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(proc: subprocess.Popen[str], prefix: str, *, timeout: float = 60) -> list[str]:
    """Lines read until one starts with ``prefix``."""
    assert proc.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            _, err = proc.communicate(timeout=5)
            pytest.fail(f"writer exited early (code {proc.returncode}): {err[-2000:]}")
        lines.append(line.strip())
        if line.startswith(prefix):
            return lines
    proc.kill()
    pytest.fail(f"writer did not print {prefix!r} in {timeout} s")


def kill(proc: subprocess.Popen[str], before: list[str]) -> set[int]:
    """SIGKILL the writer; the ids of every set it reported committed."""
    os.kill(proc.pid, signal.SIGKILL)
    out, _ = proc.communicate(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    lines = before + out.splitlines()
    return {int(line.split()[1]) for line in lines if line.startswith("committed")}


def assert_intact(url: str, committed: set[int]) -> set[int]:
    """Every committed set is there and whole, and nothing else; returns the stored ids."""
    with Store(url) as store:
        assert store.check() == []
        with store.read() as db:
            ids = set(db.scalars(select(SetRow.id)))
            reps = db.scalar(select(func.count(RepRow.id)))
            if store.backend == "sqlite":
                assert db.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    assert committed <= ids, f"committed sets lost: {sorted(committed - ids)}"
    # the writer may die between a commit and printing it: at most that one set is extra
    extra = ids - committed
    assert len(extra) <= 1, sorted(extra)
    assert all(e > max(committed, default=0) for e in extra), sorted(extra)
    assert reps == 12 * len(ids)
    return ids


def test_kill_inside_a_set_transaction_keeps_every_committed_set(db_url: str) -> None:
    Store(db_url).close()  # create the schema before the writer starts
    proc = start_writer(db_url, pause_at=4)
    before = wait_for(proc, "inside")
    committed = kill(proc, before)
    assert len(committed) == 3
    assert assert_intact(db_url, committed) == committed


def test_random_kills_never_leave_a_half_set(db_url: str) -> None:
    Store(db_url).close()
    rng = random.Random(20240601)
    committed: set[int] = set()
    for _ in range(3):
        proc = start_writer(db_url, pause_at=0)
        before = wait_for(proc, "committed")
        time.sleep(rng.uniform(0.05, 0.6))
        committed |= kill(proc, before)
        committed = assert_intact(db_url, committed)
    assert len(committed) >= 3
