"""Migration 0002: a log made by the old schema moves to the default lifter, intact."""

from __future__ import annotations

from datetime import date

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text

from extensor.store import HEAD_REVISION, Store, get_profile, list_lifters, load_history, log_sets


def _old_log(url: str) -> None:
    """A database at revision 0001 with a profile, two days and three sets."""
    engine = create_engine(url)
    with engine.begin() as conn:
        config = Config()
        config.set_main_option("script_location", "extensor.store:migrations")
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        conn.execute(text(
            "INSERT INTO profile (id, level, goal, variant, increment, unit, updated_at) "
            "VALUES (1, 'beginner', 'strength', '45_degree_bench', 2.5, 'kg', '2026-01-01')"
        ))  # fmt: skip
        for sid, day in ((1, "2026-01-02"), (2, "2026-01-05")):
            conn.execute(
                text("INSERT INTO sessions (id, day, created_at) VALUES (:i, :d, '2026-01-01')"),
                {"i": sid, "d": day},
            )
        for pos, (sid, reps) in enumerate(((1, 10), (1, 9), (2, 12)), start=1):
            conn.execute(text(
                "INSERT INTO sets (session_id, position, variant, load, unit, reps, pain, "
                "source, analysed_reps, created_at) VALUES (:s, :p, '45_degree_bench', 40, "
                "'kg', :r, false, 'manual', 0, '2026-01-01')"
            ), {"s": sid, "p": pos, "r": reps})  # fmt: skip
    engine.dispose()


def test_an_old_log_moves_to_the_default_lifter(db_url: str) -> None:
    _old_log(db_url)
    with Store(db_url) as store:
        assert store.revision == HEAD_REVISION == "0002"
        assert list_lifters(store) == ["default"]
        history = load_history(store)
        assert [(s.day, [x.reps for x in s.sets]) for s in history] == [
            (date(2026, 1, 2), [10, 9]), (date(2026, 1, 5), [12]),
        ]  # fmt: skip
        profile = get_profile(store)
        assert profile is not None
        assert profile.goal == "strength"
        # the single-lifter API goes on writing to the default lifter, on the same days
        log_sets(store, day=date(2026, 1, 5), load=42, unit="kg", reps=8, variant="45_degree_bench")
        assert [x.reps for x in load_history(store)[-1].sets] == [12, 8]
        assert load_history(store, lifter="nobody") == []
        assert store.check() == []
    with Store(db_url) as again:  # opening again migrates nothing
        assert again.revision == "0002"
        assert len(load_history(again)) == 2
