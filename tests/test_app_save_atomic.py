"""Saving a recording of several sets is all or nothing: a failure at set k keeps no set."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import extensor.app._pipeline as pipeline
from extensor.app import LogEntry, analyze_session
from extensor.core._synthetic import RepSpec, synthetic_set
from extensor.store import Store, forget_sets, load_history, log_sets

DAY = date(2026, 3, 2)


@pytest.fixture
def three_sets():
    specs = ([RepSpec()] * 3 + [RepSpec(bottom_s=40.0)]) * 2 + [RepSpec()] * 4
    return synthetic_set(specs, noise_deg=0.3, keypoints=True, seed=2).keypoints


def _sets(store: Store) -> list[tuple[date, int]]:
    return [(s.day, st.reps) for s in load_history(store) for st in s.sets]


def test_a_failure_at_the_third_set_removes_the_two_saved_before(
    tmp_path: Path, three_sets, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store(tmp_path / "log.db") as store:
        log_sets(store, day=DAY, load=30, unit="kg", reps=10, sets=1, variant="45_degree_bench")
        real = pipeline.coach_set
        calls = []

        def coach_then_fail(*args, **kwargs):
            calls.append(1)
            if len(calls) == 3:
                raise RuntimeError("the disk went away")
            return real(*args, **kwargs)

        monkeypatch.setattr(pipeline, "coach_set", coach_then_fail)
        entry = LogEntry(load=40, unit="kg", day=DAY)
        with pytest.raises(RuntimeError, match="the disk went away"):
            analyze_session(three_sets, goal="hypertrophy", variant="45_degree_bench",
                            log=entry, store=store)  # fmt: skip
        assert len(calls) == 3
        assert _sets(store) == [(DAY, 10)]  # the set typed in before is kept
        monkeypatch.setattr(pipeline, "coach_set", real)
        done = analyze_session(three_sets, goal="hypertrophy", variant="45_degree_bench",
                               log=entry, store=store)  # fmt: skip
        assert [s.result.complete_rep_count for s in done.sets] == [4, 4, 4]
        assert _sets(store) == [(DAY, 10), (DAY, 4), (DAY, 4), (DAY, 4)]


def test_forget_sets_removes_a_day_it_leaves_empty_and_never_a_set_found_stored(
    tmp_path: Path, three_sets
) -> None:
    with Store(tmp_path / "log.db") as store:
        entry = LogEntry(load=40, unit="kg", day=DAY, result_key="k" * 64)
        first = analyze_session(three_sets, goal="hypertrophy", variant="45_degree_bench",
                                log=entry, store=store)  # fmt: skip
        again = analyze_session(three_sets, goal="hypertrophy", variant="45_degree_bench",
                                log=entry, store=store)  # fmt: skip
        assert [s.logged.stored for s in first.sets if s.logged] == [True] * 3
        assert [s.logged.stored for s in again.sets if s.logged] == [False] * 3
        assert forget_sets(store, [s.logged for s in again.sets if s.logged]) == 0
        assert len(_sets(store)) == 3
        assert forget_sets(store, [s.logged for s in first.sets if s.logged]) == 3
        assert _sets(store) == []
        assert load_history(store) == []
