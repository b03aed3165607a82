"""The extensor CSV carries 3D world landmarks (``<point>_wx, _wy, _wz`` in metres)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from extensor._errors import InputFormatError
from extensor.core import keypoint_series, world_channel
from extensor.io import read_recording, write_extensor_csv


def _series() -> object:
    t = np.arange(5) / 30.0
    img = {"left_hip": np.column_stack([100 + t, 200 + t, np.full(5, 0.9)])}
    world = {"left_hip": np.column_stack([0.1 + t, -0.2 * t, np.full(5, 0.05)])}
    world["left_hip"][2] = np.nan
    return keypoint_series(t, img, unit="px", world=world)


def test_world_landmarks_round_trip(tmp_path: Path) -> None:
    ts = _series()
    path = write_extensor_csv(ts, tmp_path / "trace.csv")  # type: ignore[arg-type]
    header = next(line for line in path.read_text().splitlines() if line.startswith("time"))
    assert header.endswith("left_hip_wx,left_hip_wy,left_hip_wz")
    back = read_recording(path)
    name = world_channel("left_hip")
    assert back.units[name] == "m"
    assert np.allclose(back.channel(name), ts.channel(name), atol=1e-9, equal_nan=True)  # type: ignore[attr-defined]
    assert np.isnan(back.channel(name)[2]).all()


def test_a_world_axis_missing_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(
        "time,left_hip_x,left_hip_y,left_hip_conf,left_hip_wx,left_hip_wy\n0,1,2,0.9,0,0\n"
    )
    with pytest.raises(InputFormatError, match="column 'left_hip_wz' is required with"):
        read_recording(path)
