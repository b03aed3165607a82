"""``extensor batch --save``: each analysed set into the training log, under its lifter.

A set is stored with its result key (``sets.result_key``, unique), so saving the same
batch again stores nothing twice; the sets of a recording of several sets are stored in
order, set ``n`` under :func:`~extensor.store.set_result_key` (the SHA-256 of the recording's key plus
``:set<n>``: 64 characters, as the column holds). A recording needs a load (its manifest row's, else
``--load``) to be saved; the day is its manifest date, else today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from extensor.batch._run import BatchRun
from extensor.batch._task import set_documents
from extensor.progression import parse_load
from extensor.store import set_result_key

__all__ = ["SaveCounts", "save_batch", "set_result_key"]


@dataclass(frozen=True, slots=True)
class SaveCounts:
    """Sets stored now, sets already in the log, and analysed sets without a load."""

    saved: int
    already: int
    no_load: int


def save_batch(run: BatchRun, *, db: str | None = None, load: str | None = None) -> SaveCounts:
    """Store every analysed set of ``run`` not yet in the log (``db``: as ``--db``)."""
    from extensor._config import load_settings
    from extensor.progression import load_rules
    from extensor.store import Store, current_profile, resolve_db_url, save_result

    saved = already = no_load = 0
    settings = load_settings(db=db)
    with Store(resolve_db_url(settings)) as store:
        unit = current_profile(store, settings, load_rules())[0].unit
        for record in run.records():
            if record.get("status") != "ok" or not record.get("key"):
                continue
            text = record.get("load") or load
            sets = set_documents(record["analysis"])
            if text is None:
                no_load += len(sets)
                continue
            value, value_unit = parse_load(str(text), default_unit=unit)
            day = date.fromisoformat(record["date"]) if record.get("date") else None
            for number, one in enumerate(sets, start=1):
                key = set_result_key(str(record["key"]), number, len(sets))
                _, new = save_result(
                    store, one, load=value, unit=value_unit, result_key=key, day=day,
                    lifter=record.get("lifter"),
                )  # fmt: skip
                saved, already = (saved + 1, already) if new else (saved, already + 1)
    return SaveCounts(saved, already, no_load)
