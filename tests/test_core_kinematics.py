"""Kinematics: mount-independent IMU angle, signs, and the 'another movement' notices."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from extensor._analysis import run_analysis, to_motion
from extensor.core import TimeSeries, imu_to_motion, keypoint_series, point_xy
from extensor.core._synthetic import RepSpec, synthetic_set
from extensor.io import read_recording
from extensor.knowledge import load_exercise

EX = load_exercise()
SHARED = Path(__file__).resolve().parents[2] / "shared" / "sensors" / "yurtman-barshan-e2-s1"


def _rotated(ts: TimeSeries, rot: Rotation) -> TimeSeries:
    m = rot.as_matrix()
    return ts.copy(data={name: values @ m.T for name, values in ts.data.items()})


@pytest.mark.shared
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_imu_angle_does_not_depend_on_how_the_unit_is_mounted(seed):
    """The same real recording turned into a random sensor orientation gives the same angle
    (within 1 deg at every sample) and the same 30 reps."""
    ts = read_recording(SHARED / "u4" / "test.txt")
    base = to_motion(ts, exercise=EX, variant="seated_lever_machine").channel("extension")
    rot = Rotation.random(random_state=seed)
    turned = to_motion(_rotated(ts, rot), exercise=EX, variant="seated_lever_machine")
    assert np.max(np.abs(turned.channel("extension") - base)) < 1.0
    run = run_analysis(_rotated(ts, rot), goal="strength", variant="seated_lever_machine")
    assert run.result.metrics.rep_count == 30


@pytest.mark.shared
def test_unit_not_on_the_torso_is_flagged_as_possibly_another_movement():
    """Unit u1 does not follow the trunk (its tilt is spread over axes): a notice, no fake reps."""
    run = run_analysis(read_recording(SHARED / "u1" / "test.txt"), goal="strength",
                       variant="seated_lever_machine")  # fmt: skip
    assert "not_one_axis" in {n.code for n in run.result.notices}
    assert run.result.metrics.rep_count == 0


def test_hips_travelling_are_flagged_as_possibly_another_movement():
    """Keypoints whose hips slide a whole thigh length back and forth get a 'hips_travel' notice."""
    s = synthetic_set([RepSpec()] * 3, noise_deg=0.0, keypoints=True)
    assert s.keypoints is not None
    kp = s.keypoints
    shift = 200.0 * np.sin(kp.time)[:, None]  # about one thigh length (180 px)
    points = {}
    for name in kp.data:
        arr = kp.channel(name).copy()
        arr[:, 0] += shift[:, 0]
        if name in ("left_hip", "left_knee", "left_ankle", "left_heel", "left_foot_index"):
            arr[:, 0] += shift[:, 0]
        points[name] = arr
    moved = keypoint_series(kp.time, points, unit="px", info=kp.info)
    run = run_analysis(moved, goal="hypertrophy", variant="45_degree_bench")
    assert "hips_travel" in {n.code for n in run.result.notices}
    calm = run_analysis(kp, goal="hypertrophy", variant="45_degree_bench")
    assert "hips_travel" not in {n.code for n in calm.result.notices}
    assert point_xy(moved, "left_hip").shape == (len(kp), 2)


def test_seated_variant_measures_the_trunk_against_vertical():
    """Seated machine: neutral is an upright trunk; a trunk leaning 30 deg forward reads -30."""
    t = np.arange(3) * 0.1
    hip = np.array([[500.0, 500.0, 1.0]] * 3)
    knee = np.array([[700.0, 500.0, 1.0]] * 3)  # thighs point forward (+x): front is +x
    lean = np.radians(30.0)
    shoulder = np.array([[500.0 + 200 * np.sin(lean), 500.0 - 200 * np.cos(lean), 1.0]] * 3)
    kp = keypoint_series(
        t, {"left_hip": hip, "left_knee": knee, "left_shoulder": shoulder}, unit="px"
    )
    motion = to_motion(kp, exercise=EX, variant="seated_lever_machine")
    np.testing.assert_allclose(motion.channel("extension"), -30.0, atol=1e-9)
    np.testing.assert_allclose(motion.channel("trunk_inclination"), 30.0, atol=1e-9)
    # sitting upright is 90 deg of hip flexion; leaning 30 deg forward makes it 120
    np.testing.assert_allclose(motion.channel("hip_flexion"), 120.0, atol=1e-9)
    assert motion.info["front_cue"] == "thighs"


@pytest.mark.parametrize("facing", ["left", "right"])
def test_hip_flexion_is_signed_and_reads_negative_past_the_line(facing):
    """45-degree bench: hip flexion = -extension (70 at the bottom, -15 when 15 deg past neutral);
    the trunk inclination adds the bench's 45 deg."""
    s = synthetic_set([RepSpec(top_deg=15.0)], noise_deg=0.0, keypoints=True, facing=facing)
    assert s.keypoints is not None
    motion = to_motion(s.keypoints, exercise=EX, variant="45_degree_bench")
    ext = s.motion.channel("extension")
    np.testing.assert_allclose(motion.channel("hip_flexion"), -ext, atol=1e-6)
    np.testing.assert_allclose(motion.channel("trunk_inclination"), 45.0 - ext, atol=1e-6)


def _swinging_imu() -> TimeSeries:
    """A unit tilting 0 -> 60 -> 0 degrees about its y axis every 2.5 s, peak rate 75 deg/s."""
    t = np.arange(0.0, 10.0, 0.01)
    angle = np.radians(60.0) * (1 - np.cos(2 * np.pi * t / 2.5)) / 2
    g = 9.80665
    acc = np.stack([g * np.sin(angle), np.zeros_like(t), g * np.cos(angle)], axis=1)
    gyr = np.stack([np.zeros_like(t), -np.gradient(angle, t), np.zeros_like(t)], axis=1)
    return TimeSeries(
        t, {"acc": acc, "gyr": gyr}, units={"acc": "m/s^2", "gyr": "rad/s"}, info={"kind": "imu"}
    )


def test_the_gyroscope_range_is_a_sensor_option_that_reaches_the_filter() -> None:
    """The range comes from the keyword, else the series' info (the IMU adapter's option), else
    the named 2000 deg/s default; a range below the 75 deg/s peak changes the angle."""
    from extensor.core import DEFAULT_GYROSCOPE_RANGE_DPS

    ts = _swinging_imu()
    default = imu_to_motion(ts, min_axis_share=0.5).channel("extension")
    assert np.ptp(default) == pytest.approx(60.0, abs=5.0)
    explicit = imu_to_motion(
        ts, min_axis_share=0.5, gyroscope_range_dps=DEFAULT_GYROSCOPE_RANGE_DPS
    ).channel("extension")
    np.testing.assert_array_equal(default, explicit)
    narrow_info = ts.copy(info={**ts.info, "gyroscope_range_dps": 20.0})
    from_info = imu_to_motion(narrow_info, min_axis_share=0.5).channel("extension")
    from_keyword = imu_to_motion(ts, min_axis_share=0.5, gyroscope_range_dps=20.0)
    np.testing.assert_array_equal(from_info, from_keyword.channel("extension"))
    assert np.max(np.abs(from_info - default)) > 1.0
