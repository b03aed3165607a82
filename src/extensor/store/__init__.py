"""The training log: lifters, profile, sessions, sets, analysed reps, faults and recommendations.

Stored with SQLAlchemy 2 in SQLite (default: ``<data_dir>/extensor.db``, WAL mode) or
PostgreSQL (``--db postgresql://...`` / ``EXTENSOR_DB``). The schema is created and
upgraded on first use by the Alembic migrations shipped in this package. Every write is
one transaction: a set is stored with all its reps and faults, or not at all.

>>> import tempfile, pathlib
>>> from datetime import date
>>> from extensor.progression import Profile
>>> with tempfile.TemporaryDirectory() as tmp, Store(pathlib.Path(tmp) / "log.db") as store:
...     _ = save_profile(store, Profile(goal="strength", increment=5.0))
...     _ = log_sets(store, day=date(2024, 5, 2), load=40, unit="kg", reps=12, sets=3,
...                  variant="45_degree_bench")
...     get_profile(store).goal, len(load_history(store)[0].sets)
('strength', 3)
"""

from extensor.store._db import (
    DEFAULT_DB_NAME,
    HEAD_REVISION,
    Store,
    StoreError,
    resolve_db_url,
)
from extensor.store._export import CSV_COLUMNS, EXPORT_SCHEMA, export_log
from extensor.store._import import IMPORT_FORMATS, ImportReport, import_file
from extensor.store._import_rows import is_back_extension
from extensor.store._log import (
    DEFAULT_LIFTER,
    MAX_REPS,
    MAX_SETS,
    LoggedSets,
    current_profile,
    forget_sets,
    get_profile,
    last_recommendation,
    list_lifters,
    load_history,
    log_sets,
    record_recommendation,
    save_analysis,
    save_profile,
    save_result,
    set_result_key,
    source_of,
)
from extensor.store._sets import logged_set, logged_set_ids

__all__ = [
    "CSV_COLUMNS",
    "DEFAULT_DB_NAME",
    "DEFAULT_LIFTER",
    "EXPORT_SCHEMA",
    "HEAD_REVISION",
    "IMPORT_FORMATS",
    "MAX_REPS",
    "MAX_SETS",
    "ImportReport",
    "LoggedSets",
    "Store",
    "StoreError",
    "current_profile",
    "export_log",
    "forget_sets",
    "get_profile",
    "import_file",
    "is_back_extension",
    "last_recommendation",
    "list_lifters",
    "load_history",
    "log_sets",
    "logged_set",
    "logged_set_ids",
    "record_recommendation",
    "resolve_db_url",
    "save_analysis",
    "save_profile",
    "save_result",
    "set_result_key",
    "source_of",
]
