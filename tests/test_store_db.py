"""The training log store on SQLite and on PostgreSQL (when EXTENSOR_TEST_PG_URL is set).

PostgreSQL tests each get a fresh schema (``search_path``) in the database the URL names;
``scripts/start-postgres`` starts a suitable throw-away server.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, text

import extensor.store as store_api
from extensor._analysis import AnalysisRun, run_analysis
from extensor._config import load_settings
from extensor._errors import ConfigError
from extensor.core._synthetic import RepSpec, synthetic_set
from extensor.progression import Profile, Recommendation
from extensor.store import (
    HEAD_REVISION,
    Store,
    StoreError,
    get_profile,
    last_recommendation,
    load_history,
    log_sets,
    record_recommendation,
    resolve_db_url,
    save_analysis,
    save_profile,
)
from extensor.store._models import Base, FaultRow, RepRow, SetRow

EXPECTED_ALL = {
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
    "export_log",
    "get_profile",
    "import_file",
    "logged_set",
    "logged_set_ids",
    "is_back_extension",
    "current_profile",
    "last_recommendation",
    "forget_sets",
    "list_lifters",
    "load_history",
    "log_sets",
    "record_recommendation",
    "resolve_db_url",
    "save_analysis",
    "save_profile",
    "save_result",
    "set_result_key",
    "source_of",
}


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    with Store(db_url) as opened:
        yield opened


@cache
def momentum_run() -> AnalysisRun:
    """A 12-rep analysed set whose first 4 lifts are thrown (momentum faults)."""
    specs = [RepSpec(lift_s=0.35)] * 4 + [RepSpec()] * 8
    s = synthetic_set(specs, noise_deg=0.2, seed=5)
    return run_analysis(s.motion, goal="hypertrophy", variant="45_degree_bench")


def test_public_surface_is_pinned() -> None:
    assert set(store_api.__all__) == EXPECTED_ALL


# -- opening ------------------------------------------------------------------------------


def test_resolve_db_url_accepts_paths_urls_and_settings(tmp_path: Path) -> None:
    assert resolve_db_url(db=tmp_path / "a.db") == f"sqlite:///{tmp_path / 'a.db'}"
    assert resolve_db_url(db="sqlite:///x.db") == "sqlite:///x.db"
    assert resolve_db_url(db="postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    settings = load_settings(env={"EXTENSOR_DATA_DIR": str(tmp_path)}, config_path=None)
    assert resolve_db_url(settings) == f"sqlite:///{tmp_path / 'extensor.db'}"
    from_env = load_settings(env={"EXTENSOR_DB": "postgresql://me@h/log"}, config_path=None)
    assert resolve_db_url(from_env) == "postgresql+psycopg://me@h/log"


def test_first_use_creates_the_database_at_the_head_revision(db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with Store(db_url) as store:
        assert store.revision == HEAD_REVISION
        with store.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == [], "the migrations and the ORM models disagree"
        assert store.check() == []


def test_head_revision_constant_matches_the_migration_scripts() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", "extensor.store:migrations")
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD_REVISION


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    with Store(tmp_path / "log.db") as store, store.read() as db:
        assert db.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_the_data_directory_is_created_on_first_use(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "log.db"
    with Store(path):
        pass
    assert path.exists()


def test_concurrent_first_opens_migrate_once(db_url: str) -> None:
    """Several processes (threads here) opening a new log at once all succeed."""
    errors: list[BaseException] = []

    def open_it() -> None:
        try:
            with Store(db_url) as s:
                assert s.revision == HEAD_REVISION
        except BaseException as err:  # noqa: BLE001 - collected and re-raised below
            errors.append(err)

    threads = [threading.Thread(target=open_it) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_an_unreachable_database_is_a_store_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match="cannot create the folder"):
        Store(tmp_path / "file" / "log.db")
    with pytest.raises(StoreError, match="database error"):
        Store("postgresql://nobody@127.0.0.1:1/nothing?connect_timeout=2")
    with pytest.raises(ConfigError, match="SQLite or PostgreSQL"):
        Store("mysql://x@y/z")


# -- profile ------------------------------------------------------------------------------


def test_profile_round_trips_and_is_replaced(store: Store) -> None:
    assert get_profile(store) is None
    first = Profile(level="advanced", goal="strength", variant="roman_chair", increment=1.25)
    save_profile(store, first)
    assert get_profile(store) == first
    second = Profile(goal="endurance", increment=5.0, unit="lb")
    save_profile(store, second)
    assert get_profile(store) == second


def test_profile_rejects_a_zero_increment(store: Store) -> None:
    with pytest.raises(ConfigError, match="increment must be a load above 0"):
        save_profile(store, Profile(increment=0))


# -- writing ------------------------------------------------------------------------------


def test_logged_sets_land_in_one_session_per_day_in_order(store: Store) -> None:
    day = date(2024, 5, 2)
    a = log_sets(
        store, day=day, load=40, unit="kg", reps=12, sets=2, variant="roman_chair", rpe=7.5
    )
    b = log_sets(store, day=day, load=42.5, unit="kg", reps=10, variant="roman_chair", pain=True,
                 note="left side", faults=["momentum"])  # fmt: skip
    assert a.session_id == b.session_id
    with store.read() as db:
        rows = db.scalars(select(SetRow).order_by(SetRow.position)).all()
        assert [(r.position, r.load, r.reps, r.pain) for r in rows] == [
            (1, 40, 12, False),
            (2, 40, 12, False),
            (3, 42.5, 10, True),
        ]
        assert rows[0].rpe == 7.5
        assert rows[0].clean_reps is None
        assert rows[0].source == "manual"
        assert [f.mistake_id for f in rows[2].fault_rows] == ["momentum"]
    (summary,) = load_history(store)
    assert summary.day == day
    assert summary.pain
    assert summary.faults == ("momentum",)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"reps": -1}, "reps must be between 0 and 200"),
        ({"rpe": 11}, "RPE must be between 1 and 10"),
        ({"unit": "st"}, "unit must be kg or lb"),
        ({"sets": 0}, "sets must be between 1 and 20"),
        ({"load": 4000}, "load must be between 0 and 500 kg"),
    ],
)
def test_invalid_sets_are_refused_before_anything_is_written(
    tmp_path: Path, changes: dict[str, object], message: str
) -> None:
    args: dict[str, object] = {"day": date(2024, 5, 2), "load": 40, "unit": "kg", "reps": 10,
                               "variant": "roman_chair", **changes}  # fmt: skip
    with Store(tmp_path / "log.db") as store:
        with pytest.raises(ConfigError, match=message):
            log_sets(store, **args)  # type: ignore[arg-type]
        assert load_history(store) == []


def test_an_analysed_set_is_stored_with_every_rep_and_fault(store: Store) -> None:
    run = momentum_run()
    result = run.result
    saved = save_analysis(store, run, load=35, unit="kg", day=date(2024, 5, 3), rir=2)
    with store.read() as db:
        row = db.get_one(SetRow, saved.set_ids[0])
        assert row.source == "keypoints"  # synthetic motion counts as keypoints
        assert row.analysed_reps == len(result.reps) == len(row.rep_rows)
        assert row.reps == sum(r.complete for r in result.reps) == 12
        faulty = set(result.reps_with("momentum"))
        assert len(faulty) == 4
        assert row.clean_reps == 12 - len(faulty)
        assert {r.number for r in row.rep_rows if not r.clean} == faulty
        assert len(row.fault_rows) == len(result.faults)
        assert row.variant == "45_degree_bench"
        assert row.goal == "hypertrophy"
        assert row.time_under_tension_s == pytest.approx(result.metrics.time_under_tension_s)
        first = row.rep_rows[0]
        assert first.lift_s == pytest.approx(result.reps[0].lift_s)
    (summary,) = load_history(store)
    assert summary.sets[0].faults.count("momentum") == 4
    assert summary.clean_share == pytest.approx(8 / 12)
    assert store.check() == []


def test_save_analysis_accepts_overrides(store: Store) -> None:
    saved = save_analysis(store, momentum_run(), load=80, unit="lb", day=date(2024, 5, 3),
                          variant="roman_chair", goal="strength", source="video", pain=True,
                          note="filmed")  # fmt: skip
    with store.read() as db:
        row = db.get_one(SetRow, saved.set_ids[0])
        assert (row.variant, row.goal, row.source, row.unit, row.pain, row.note) == (
            "roman_chair", "strength", "video", "lb", True, "filmed")  # fmt: skip


def write_half_a_set_then_fail(store: Store) -> None:
    """Flush a set row and one of its reps inside a write, then fail before the end."""
    from extensor.store._log import _session_for

    with store.write() as db:
        session = _session_for(db, date(2024, 5, 4))
        row = SetRow(session=session, position=1, variant="v", load=1, unit="kg", reps=3,
                     source="manual", analysed_reps=3, created_at=session.created_at)  # fmt: skip
        row.rep_rows = [RepRow(number=1, complete=True, partial=False, clean=True, start_s=0,
                               end_s=1)]  # fmt: skip
        db.add(row)
        db.flush()
        raise RuntimeError("boom")


def test_an_exception_inside_a_write_leaves_nothing_behind(store: Store) -> None:
    """A write is all or nothing: a failure after the set row and some reps were flushed
    leaves no set, rep or session."""
    with pytest.raises(RuntimeError, match="boom"):
        write_half_a_set_then_fail(store)
    with store.read() as db:
        assert db.scalar(select(func.count(SetRow.id))) == 0
        assert db.scalar(select(func.count(RepRow.id))) == 0
    assert load_history(store) == []


def test_check_reports_a_set_missing_reps(store: Store) -> None:
    saved = save_analysis(store, momentum_run(), load=35, unit="kg", day=date(2024, 5, 3))
    with store.write() as db:
        victim = db.scalars(select(RepRow.id).where(RepRow.set_id == saved.set_ids[0])).first()
        db.execute(delete(RepRow).where(RepRow.id == victim))
    problems = store.check()
    assert len(problems) == 1
    assert "rep rows, expected" in problems[0]


def test_deleting_a_set_removes_its_reps_and_faults(store: Store) -> None:
    saved = save_analysis(store, momentum_run(), load=35, unit="kg", day=date(2024, 5, 3))
    with store.write() as db:
        db.delete(db.get_one(SetRow, saved.set_ids[0]))
    with store.read() as db:
        assert db.scalar(select(func.count(RepRow.id))) == 0
        assert db.scalar(select(func.count(FaultRow.id))) == 0


# -- reading ------------------------------------------------------------------------------


def test_history_is_oldest_first_and_can_be_limited(store: Store) -> None:
    for d in (5, 1, 3):
        log_sets(store, day=date(2024, 5, d), load=d, unit="kg", reps=10, variant="v")
    assert [s.day.day for s in load_history(store)] == [1, 3, 5]
    assert [s.day.day for s in load_history(store, last=2)] == [3, 5]
    assert [s.day.day for s in load_history(store, until=date(2024, 5, 4))] == [1, 3]


def test_recommendations_are_recorded_once_per_distinct_advice(store: Store) -> None:
    rec = Recommendation(rule_id="add_load", action="add_increment", message="Add 2.5 kg.",
                         reason="clean", load=42.5, unit="kg", previous_load=40.0, sets=3,
                         target_reps=10, focus=None, details=("a",), knowledge_rule="add_load",
                         as_of=date(2024, 5, 5), based_on=date(2024, 5, 3))  # fmt: skip
    first = record_recommendation(store, rec)
    assert record_recommendation(store, rec) == first
    stored = last_recommendation(store)
    assert stored is not None
    assert (stored["rule"], stored["load"], stored["details"]) == ("add_load", 42.5, ["a"])
