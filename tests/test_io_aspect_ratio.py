"""Normalized keypoints (MediaPipe landmark CSVs) are put in pixels of the image's size."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from extensor._analysis import run_analysis
from extensor._errors import ConfigError, InputFormatError
from extensor.core._synthetic import RepSpec, synthetic_set
from extensor.io import read_recording

WIDTH, HEIGHT = 1280, 720


def _landmark_csv(path: Path, *, header: str = "") -> tuple[Path, np.ndarray]:
    """A MediaPipe landmark CSV (x of the width, y of the height) of a 1280x720 set, and
    the trunk angle of the pixel trace it came from."""
    s = synthetic_set([RepSpec()] * 4, noise_deg=0.2, keypoints=True, seed=7)
    kp = s.keypoints
    assert kp is not None
    names = list(kp.data)
    cols = ["time"] + [f"{n}_{c}" for n in names for c in ("x", "y", "visibility")]
    rows = [kp.time]
    for n in names:
        v = kp.data[n]
        rows += [v[:, 0] / WIDTH, v[:, 1] / HEIGHT, v[:, 2]]
    table = np.column_stack(rows)
    body = "\n".join(",".join(f"{x:.7f}" for x in r) for r in table)
    path.write_text(header + ",".join(cols) + "\n" + body + "\n")
    truth = run_analysis(kp, goal="hypertrophy", variant="45_degree_bench").motion
    return path, truth.channel("extension")


def _angle(ts) -> np.ndarray:
    return run_analysis(ts, goal="hypertrophy", variant="45_degree_bench").motion.channel(
        "extension"
    )


def test_an_image_size_option_gives_the_pixel_angles(tmp_path: Path) -> None:
    path, truth = _landmark_csv(tmp_path / "lm.csv")
    ts = read_recording(path, image_size="1280x720")
    assert ts.units["left_hip"] == "px"
    assert ts.info["scaled_from_normalized"] is True
    assert np.nanmax(np.abs(_angle(ts) - truth)) < 0.05


def test_an_image_size_line_in_the_file_does_the_same(tmp_path: Path) -> None:
    path, truth = _landmark_csv(tmp_path / "lm.csv", header="# image_size: 1280x720\n")
    ts = read_recording(path)
    assert ts.info["image_size"] == (WIDTH, HEIGHT)
    assert np.nanmax(np.abs(_angle(ts) - truth)) < 0.05


def test_without_the_size_the_angles_are_off_and_a_notice_says_why(tmp_path: Path) -> None:
    """The square-frame assumption distorts a 16:9 trace by degrees; the result says so."""
    path, truth = _landmark_csv(tmp_path / "lm.csv")
    ts = read_recording(path)
    assert ts.units["left_hip"] == "normalized"
    result = run_analysis(ts, goal="hypertrophy", variant="45_degree_bench").result
    assert np.nanmax(np.abs(_angle(ts) - truth)) > 3.0
    codes = [n.code for n in result.notices]
    assert "unknown_aspect_ratio" in codes
    assert "faults_not_judged" not in codes  # a warning, not a block


@pytest.mark.parametrize("bad", ["1280", "0x720", "1280x-1", (1280,), (True, 720)])
def test_a_bad_image_size_option_is_a_config_error(tmp_path: Path, bad: object) -> None:
    path, _ = _landmark_csv(tmp_path / "lm.csv")
    with pytest.raises(ConfigError, match=r"image_size must be <width>x<height> in px"):
        read_recording(path, image_size=bad)


def test_a_bad_image_size_line_names_the_file(tmp_path: Path) -> None:
    path, _ = _landmark_csv(tmp_path / "lm.csv", header="# image_size: wide\n")
    with pytest.raises(InputFormatError) as err:
        read_recording(path)
    assert str(path) in str(err.value)
    assert "'# image_size:' must be <width>x<height> in px, got 'wide'" in str(err.value)
