"""What makes ``extensor analyze`` on a video start fast and stay small (``bench/bench_speed.py``
measures the speed itself; these check the mechanisms, without the shared clips)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import numpy as np
import pytest

from extensor.cli._analysis_cmds import _Background, _CancelledError
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
    """(x, y, confidence) rows in POINT_NAMES order: 24 bytes per point, nothing per name."""
    person = Person({"left_hip": (10.0, 20.0, 0.9), "nose": (1.0, 2.0, 0.5)})
    row = _packed(person)
    assert row is not None
    assert row.shape == (len(POINT_NAMES), 3)
    assert row.nbytes == 24 * len(POINT_NAMES)
    assert row[POINT_NAMES.index("left_hip")].tolist() == [10.0, 20.0, 0.9]
    assert row[POINT_NAMES.index("nose")].tolist() == [1.0, 2.0, 0.5]
    assert int(np.isnan(row).all(axis=1).sum()) == len(POINT_NAMES) - 2
    assert _packed(None) is None


def test_background_work_returns_its_value_or_raises_its_error() -> None:
    ok = _Background()
    ok.start(lambda a, b: a + b, 2, b=3)
    assert ok.result() == 5
    bad = _Background()
    bad.start(lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        bad.result()


def test_cancel_stops_a_pass_at_its_next_progress_report() -> None:
    """The pipeline calls progress every 0.1 s; after cancel() that call raises and ends it."""
    calls: list[int] = []
    started = threading.Event()
    job = _Background()
    report = job.progress(lambda done, total: calls.append(done))

    def long_pass() -> str:
        for k in range(1000):
            started.set()
            report(k, 1000)
            time.sleep(0.01)
        return "finished"

    job.start(long_pass)
    started.wait(5)
    t0 = time.perf_counter()
    job.cancel()
    assert time.perf_counter() - t0 < 1.0
    with pytest.raises(_CancelledError):
        job.result()
    assert 0 < len(calls) < 1000
