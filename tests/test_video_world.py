"""The pose adapter carries MediaPipe's 3D world landmarks, and keeps its native logs quiet."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from extensor.core import has_world, point_world, world_channel
from extensor.video._pose import Person

SRC = Path(__file__).resolve().parents[1] / "src"


def test_a_person_keeps_its_world_points_when_rescaled() -> None:
    p = Person({"left_hip": (100.0, 50.0, 0.9)}, world={"left_hip": (0.1, 0.0, -0.05)})
    q = p.scaled(0.5)
    assert q.points["left_hip"] == (200.0, 100.0, 0.9)
    assert q.world == {"left_hip": (0.1, 0.0, -0.05)}


@pytest.mark.shared
@pytest.mark.video
def test_real_clip_keypoints_carry_world_landmarks_in_metres(real_pose: Any) -> None:
    kp = real_pose("hyperextension-45deg-6reps.mp4")
    assert kp.units[world_channel("left_hip")] == "m"
    assert has_world(kp, ["left_shoulder", "right_shoulder", "left_hip", "right_hip"])
    trunk = np.linalg.norm(point_world(kp, "left_shoulder") - point_world(kp, "left_hip"), axis=1)
    # an adult's shoulder-to-hip distance
    assert 0.35 < float(np.nanmedian(trunk)) < 0.65
    mid_hip = (point_world(kp, "left_hip") + point_world(kp, "right_hip")) / 2
    assert float(np.nanmax(np.abs(mid_hip))) < 0.05  # origin between the hips


@pytest.mark.video
def test_mediapipe_start_up_lines_do_not_reach_stderr() -> None:
    """TFLite/absl print their start-up lines to the C stderr; none may reach the terminal
    (they would break the progress bar), while Python's own stderr still does."""
    pytest.importorskip("mediapipe", reason="the video extra (mediapipe) is not installed")
    code = (
        "import sys, numpy as np\n"
        "from extensor.video._pose import MediaPipePoseEstimator\n"
        "e = MediaPipePoseEstimator()\n"
        "img = np.zeros((240, 320, 3), np.uint8)\n"
        "for k in range(3):\n"
        "    e.estimate(img, k / 30)\n"
        "e.close()\n"
        "print('after', file=sys.stderr)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         timeout=120, check=True)  # fmt: skip
    assert "XNNPACK" not in out.stderr
    assert "absl" not in out.stderr
    assert "W0000" not in out.stderr
    assert out.stderr.strip().splitlines()[-1] == "after"


@pytest.mark.shared
@pytest.mark.video
def test_a_saved_pose_trace_keeps_the_world_landmarks(real_pose: Any, tmp_path: Path) -> None:
    """``--keypoints`` writes the 3D world landmarks too: the re-read trace measures the same
    view-independent angles, so re-analysing it gives the same reps, faults and angle source."""
    from extensor._analysis import run_analysis
    from extensor.io import read_recording, write_extensor_csv

    kp = real_pose("hyperextension-45deg-6reps.mp4")
    back = read_recording(write_extensor_csv(kp, tmp_path / "trace.csv"))
    name = world_channel("left_hip")
    assert back.units[name] == "m"
    assert np.allclose(back.channel(name), kp.channel(name), atol=1e-6, equal_nan=True)
    first = run_analysis(kp, goal="hypertrophy", variant="45_degree_bench")
    again = run_analysis(back, goal="hypertrophy", variant="45_degree_bench")
    assert again.result.info["angle_source"] == first.result.info["angle_source"]
    assert [(f.id, f.rep) for f in again.result.faults] == [
        (f.id, f.rep) for f in first.result.faults
    ]
    assert (
        np.nanmax(np.abs(again.motion.channel("extension") - first.motion.channel("extension")))
        < 0.01
    )
