"""What makes ``extensor analyze`` on a video start fast and stay small (``bench/bench_speed.py``
measures the speed itself; these check the mechanisms, without the shared clips)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from extensor.core import POINT_NAMES
from extensor.video._pipeline import _packed
from extensor.video._pose import Person

_IMPORT_CHECK = """
import sys
from extensor.video._pose import _import_mediapipe
mp, mp_pose = _import_mediapipe()
left = [m for m in ("matplotlib", "matplotlib.pyplot", "mediapipe.tasks.python") if m in sys.modules]
assert left == [], left
assert mp_pose.PoseLandmark.LEFT_HIP.value == 23
import matplotlib.pyplot as plt  # the real module, not the stand-in
assert type(plt).__name__ == "module" and callable(plt.figure)
from mediapipe.python.solutions import drawing_utils
assert drawing_utils.plt.figure is plt.figure  # mediapipe's reference reaches it
assert mp.tasks.vision.PoseLandmarker.__name__ == "PoseLandmarker"
print("ok")
"""


@pytest.mark.video
def test_mediapipe_is_imported_without_matplotlib_and_tasks_which_still_work_later() -> None:
    """The stand-ins are gone after the import; the real modules load on first use."""
    pytest.importorskip("mediapipe", reason="the video extra (mediapipe) is not installed")
    proc = subprocess.run(
        [sys.executable, "-c", _IMPORT_CHECK], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "ok"


def test_a_packed_frame_holds_every_point_in_order_and_nan_where_absent() -> None:
    """(x, y, confidence, world x, y, z) rows in POINT_NAMES order: 48 bytes per point,
    nothing per name."""
    person = Person(
        {"left_hip": (10.0, 20.0, 0.9), "nose": (1.0, 2.0, 0.5)},
        world={"left_hip": (0.1, 0.0, -0.2)},
    )
    row = _packed(person)
    assert row is not None
    assert row.shape == (len(POINT_NAMES), 6)
    assert row.nbytes == 48 * len(POINT_NAMES)
    assert row[POINT_NAMES.index("left_hip")].tolist() == [10.0, 20.0, 0.9, 0.1, 0.0, -0.2]
    assert row[POINT_NAMES.index("nose")][:3].tolist() == [1.0, 2.0, 0.5]
    assert np.isnan(row[POINT_NAMES.index("nose")][3:]).all()
    assert int(np.isnan(row[:, :3]).all(axis=1).sum()) == len(POINT_NAMES) - 2
    assert _packed(None) is None
