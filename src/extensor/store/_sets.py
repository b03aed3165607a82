"""One logged set read back whole: what ``extensor compare --set ID`` and the web app's
comparison view show next to another set.

>>> import tempfile, pathlib
>>> from datetime import date
>>> from extensor.store import Store, log_sets
>>> with tempfile.TemporaryDirectory() as tmp, Store(pathlib.Path(tmp) / "log.db") as store:
...     done = log_sets(store, day=date(2024, 5, 1), load=40, unit="kg", reps=10, sets=1,
...                     variant="roman_chair", goal="hypertrophy")
...     doc = logged_set(store, done.set_ids[0])
>>> doc["load"], doc["unit"], doc["reps"], doc["day"]
(40.0, 'kg', 10, '2024-05-01')
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from extensor._errors import ConfigError
from extensor.store._db import Store
from extensor.store._models import SetRow

__all__ = ["logged_set", "logged_set_ids"]

_REP_FIELDS = (
    "number", "complete", "partial", "lift_s", "top_hold_s", "lower_s", "bottom_settle_s",
    "range_deg", "top_deviation_deg", "smoothness_ldlj", "time_under_tension_s",
)  # fmt: skip


def logged_set(store: Store, set_id: int) -> dict[str, Any]:
    """The set ``set_id`` of the log as plain data: day, load, unit, reps, clean reps,
    its analysed reps (``rep_list``) and faults. An unknown id raises ConfigError."""
    query = (
        select(SetRow)
        .where(SetRow.id == set_id)
        .options(
            selectinload(SetRow.rep_rows),
            selectinload(SetRow.fault_rows),
            selectinload(SetRow.session),
        )
    )
    with store.read() as db:
        row = db.scalars(query).first()
        if row is None:
            raise ConfigError(f"no set {set_id} in the training log (see `extensor export`)")
        return {
            "id": row.id,
            "day": row.session.day.isoformat(),
            "variant": row.variant,
            "goal": row.goal,
            "load": float(row.load),
            "unit": row.unit,
            "reps": row.reps,
            "clean_reps": row.clean_reps,
            "source": row.source,
            "input_file": row.input_file,
            "time_under_tension_s": row.time_under_tension_s,
            "tempo_cv": row.tempo_cv,
            "velocity_loss_pct": row.velocity_loss_pct,
            "mean_range_deg": row.mean_range_deg,
            "rep_list": [
                {name: getattr(r, name) for name in _REP_FIELDS}
                for r in sorted(row.rep_rows, key=lambda r: r.number)
            ],
            "faults": [{"id": f.mistake_id, "rep": f.rep_number} for f in row.fault_rows],
        }


def logged_set_ids(store: Store, *, last: int = 50) -> list[tuple[int, str, float, str, int]]:
    """The latest ``last`` sets as (id, day, load, unit, reps), newest first."""
    query = (
        select(SetRow).options(selectinload(SetRow.session)).order_by(SetRow.id.desc()).limit(last)
    )
    with store.read() as db:
        return [
            (r.id, r.session.day.isoformat(), float(r.load), r.unit, r.reps)
            for r in db.scalars(query)
        ]
