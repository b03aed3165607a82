"""Advice that fits the input: a sensor set is never told to record "side on"."""

from __future__ import annotations

import numpy as np
import pytest

from extensor.app import analyze_and_coach
from extensor.core import TimeSeries
from extensor.progression import load_rules


def flat_series(kind: str) -> TimeSeries:
    """Ten still seconds: no rep at all, so the load cannot be judged."""
    t = np.arange(0.0, 10.0, 0.02)
    return TimeSeries(
        time=t, data={"angle": np.full_like(t, 5.0)}, units={"angle": "deg"},
        info={"kind": "angle", "input_kind": kind, "neutral_known": True},
    )  # fmt: skip


@pytest.mark.parametrize("kind", ["encoder", "imu"])
def test_unjudged_sensor_set_is_not_told_to_film_side_on(kind: str) -> None:
    done = analyze_and_coach(flat_series(kind), goal="hypertrophy", variant="45_degree_bench",
                             input_type=kind)  # fmt: skip
    verdict = done.coaching.verdict
    assert verdict.rule == "no_complete_rep"
    assert "side on" not in verdict.action
    assert "sensor" in verdict.action


@pytest.mark.parametrize(
    ("kind", "words"),
    [("keypoints", "side on"), ("video", "side on"), ("imu", "sensor"), ("encoder", "sensor"),
     ("manual", "side-on video, or the encoder or IMU")],
)  # fmt: skip
def test_recording_advice_by_input_kind(kind: str, words: str) -> None:
    assert words in load_rules().verdict.recording_advice(kind)
