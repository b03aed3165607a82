"""The movement check: a back extension is the trunk turning about a hip held on the pad."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from extensor._analysis import movement_limits, run_analysis
from extensor.coach import coach_set
from extensor.core import TimeSeries, keypoint_series
from extensor.core._movement import judge_movement
from extensor.core._synthetic import RepSpec, synthetic_set
from extensor.knowledge import load_exercise

EX = load_exercise()
LIMITS = movement_limits(EX)
BE = "45_degree_bench"


def _keypoints() -> TimeSeries:
    s = synthetic_set([RepSpec()] * 3, noise_deg=0.0, keypoints=True)
    assert s.keypoints is not None
    return s.keypoints


def _moved(kp: TimeSeries, shift: dict[str, Any]) -> TimeSeries:
    """A copy with each named point moved by ``shift[name]`` ((n, 2) px)."""
    points = {}
    for name in kp.data:
        arr = kp.channel(name).copy()
        if name in shift:
            arr[:, :2] += shift[name]
        points[name] = arr
    return keypoint_series(kp.time, points, unit="px", info=kp.info)


def _measures(**changes: float) -> dict[str, float]:
    base = {"hip_travel_trunks": 0.12, "pivot_ratio": 0.08, "thigh_rotation_share": 0.08,
            "thigh_rotation_deg": 8.0, "trunk_rotation_deg": 95.0}  # fmt: skip
    return {**base, **changes}


def test_one_failed_check_alone_is_not_another_movement() -> None:
    """A knee mis-tracked behind the pad makes the thigh seem to turn: one check, no alarm."""
    check = judge_movement(_measures(thigh_rotation_share=0.6), limits=LIMITS)
    assert check.verdict == "back_extension"
    assert check.failed == ("thigh_moves",)


def test_two_failed_checks_make_another_movement_with_each_reason() -> None:
    check = judge_movement(_measures(hip_travel_trunks=0.5, pivot_ratio=0.9), limits=LIMITS)
    assert check.verdict == "another_movement"
    assert check.failed == ("hips_travel", "pivot_not_at_hip")
    assert (
        check.reasons[0]
        == "the hips travel 0.50 trunk lengths (on the pad or seat they stay within 0.35)"
    )


def test_hardly_any_trunk_rotation_or_an_untrusted_view_is_undetermined() -> None:
    assert (
        judge_movement(_measures(trunk_rotation_deg=5.0), limits=LIMITS).verdict == "undetermined"
    )
    check = judge_movement(
        _measures(pivot_ratio=3, hip_travel_trunks=2), limits=LIMITS, trusted_view=False
    )
    assert check.verdict == "undetermined"


def test_synthetic_back_extension_passes_every_check() -> None:
    run = run_analysis(_keypoints(), goal="hypertrophy", variant=BE)
    m = run.result.movement
    assert m is not None
    assert m.verdict == "back_extension"
    assert m.failed == ()
    assert m.measures["pivot_ratio"] < 0.05
    assert m.measures["thigh_rotation_share"] < 0.05


def test_trunk_turning_about_the_shoulders_is_a_hip_thrust_not_a_back_extension() -> None:
    """The same trunk rotation with the shoulders held still (on a bench) and the hips
    swinging instead, knees in place: the pivot is not the hip."""
    kp = _keypoints()
    shoulder = kp.channel("left_shoulder")[:, :2]
    hold = shoulder[:1] - shoulder  # moves the upper body so the shoulder stays put
    upper = ("shoulder", "hip", "nose", "ear", "eye", "mouth", "elbow", "wrist")
    thrust = _moved(kp, {n: hold for n in kp.data if any(p in n for p in upper)})
    run = run_analysis(thrust, goal="hypertrophy", variant=BE)
    m = run.result.movement
    assert m is not None
    assert m.verdict == "another_movement"
    assert {"pivot_not_at_hip", "hips_travel", "thigh_moves"} <= set(m.failed)
    notice = next(n for n in run.result.notices if n.code == "another_movement")
    assert "times as far as the shoulders" in notice.message
    assert run.result.faults == ()
    c = coach_set(run.result, exercise=EX)
    assert c.cues == ()
    assert c.also_seen == ()
    assert c.went_well == ()
    assert c.withheld is not None
    assert c.withheld.startswith("This does not look like a back extension")
    assert c.verdict.decision == "keep"


def test_a_pad_hiding_the_knees_does_not_raise_a_false_alarm() -> None:
    """Knees drawn 60% toward the hips (a short-looking thigh) with 3 px jitter: still a back
    extension (the old thigh-length rule fired here)."""
    kp = _keypoints()
    rng = np.random.default_rng(4)
    knee_to_hip = kp.channel("left_hip")[:, :2] - kp.channel("left_knee")[:, :2]
    knee = 0.6 * knee_to_hip + rng.normal(0, 3.0, knee_to_hip.shape)
    run = run_analysis(_moved(kp, {"left_knee": knee}), goal="hypertrophy", variant=BE)
    assert run.result.movement is not None
    assert run.result.movement.verdict == "back_extension"
    assert "another_movement" not in {n.code for n in run.result.notices}


# -- real clips ----------------------------------------------------------------------------------

OTHER = {
    "other-hip-thrust-side-2reps.mp4": {"pivot_not_at_hip", "thigh_moves"},
    "other-hip-hinge-slow-lowering.webm": {"hips_travel", "pivot_not_at_hip"},
    "other-deadlift-side-2reps.mp4": {"hips_travel", "pivot_not_at_hip", "thigh_moves"},
}
BACK_EXTENSIONS = ("hyperextension-45deg-6reps.mp4", "rendered-hyperextension-1rep.mp4")


@pytest.mark.shared
@pytest.mark.video
@pytest.mark.parametrize("clip", sorted(OTHER))
def test_real_other_movements_get_a_notice_naming_the_reason(real_pose: Any, clip: str) -> None:
    run = run_analysis(real_pose(clip), goal="hypertrophy", variant=BE)
    m = run.result.movement
    assert m is not None
    assert m.verdict == "another_movement"
    assert OTHER[clip] <= set(m.failed)
    notice = next(n for n in run.result.notices if n.code == "another_movement")
    assert notice.message.startswith("this does not look like a back extension: ")
    assert run.result.faults == ()
    c = coach_set(run.result, exercise=EX)
    assert c.cues == ()
    assert c.withheld is not None


@pytest.mark.shared
@pytest.mark.video
@pytest.mark.parametrize("clip", BACK_EXTENSIONS)
def test_real_back_extensions_raise_no_movement_alarm(real_pose: Any, clip: str) -> None:
    run = run_analysis(real_pose(clip), goal="hypertrophy", variant=BE)
    m = run.result.movement
    assert m is not None
    assert m.verdict == "back_extension", m
    assert m.measures["pivot_ratio"] < 0.2
    assert m.measures["hip_travel_trunks"] < 0.2
    assert "another_movement" not in {n.code for n in run.result.notices}
