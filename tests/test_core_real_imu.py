"""The analysis on the real Yurtman-Barshan IMU recording (skipped when ../shared is absent)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from extensor._analysis import analyze_file

SHARED = Path(__file__).resolve().parents[2] / "shared" / "sensors" / "yurtman-barshan-e2-s1"
pytestmark = pytest.mark.shared


def _labels() -> list[tuple[int, float, float]]:
    with (SHARED / "test_times.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    return [(int(r["execution.type"]), int(r["start"]) / 25, int(r["end"]) / 25) for r in rows]


@pytest.fixture(scope="module")
def u4():
    run = analyze_file(SHARED / "u4" / "test.txt", goal="strength", variant="seated_lever_machine")
    return run.result


def test_all_30_reps_are_found(u4):
    """10 correct + 10 fast + 10 low-amplitude reps: 30 reps, no extra."""
    assert u4.metrics.rep_count == 30


def test_rep_boundaries_match_the_labels(u4):
    """28 of 30 reps start and end within 0.5 s of the hand labels (worst 0.56 s); none beyond 0.6 s."""
    errors = [
        max(abs(r.start - start), abs(r.end - end))
        for r, (_, start, end) in zip(u4.reps, _labels(), strict=True)
    ]
    assert sum(e <= 0.5 for e in errors) >= 28
    assert max(errors) <= 0.6


def test_faults_separate_the_three_execution_types(u4):
    """Fast reps lack the top pause, low-amplitude reps are partial, correct reps are clean of both."""
    kinds = [k for k, _, _ in _labels()]
    no_pause = set(u4.reps_with("no_top_pause"))
    partial = set(u4.reps_with("partial_range"))
    for number, kind in enumerate(kinds, start=1):
        if kind == 1:
            assert number not in no_pause, number
            assert number not in partial, number
        if kind == 2:
            assert number in no_pause, number
        if kind == 3:
            assert number in partial, number


def test_uncalibrated_sensor_reports_past_neutral_as_not_observable(u4):
    """No absolute neutral on a raw IMU: past_neutral is listed as not observable."""
    assert "past_neutral" in u4.not_observable
    assert not u4.neutral_known
