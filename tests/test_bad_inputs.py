"""The bad-input corpus (issue 12): every input kind, hostile or broken, gives a typed
error naming the file or an honest 0-rep result with a notice saying why, and a failed
run leaves no file behind. The files are generated here; nothing binary is committed."""

from __future__ import annotations

import json
import math
import os
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import extensor
from extensor import ExtensorError, InputFormatError
from extensor.app import analyze_and_coach
from extensor.cli import app
from extensor.core import RepSpec, synthetic_set
from extensor.io import write_extensor_csv

GOAL = {"goal": "hypertrophy", "variant": "45_degree_bench"}
U4 = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "sensors"
    / "yurtman-barshan-e2-s1"
    / "u4"
    / "test.txt"
)
RNG_SEED = 12
PHYPHOX_ACC = (
    '"Time (s)","Acceleration x (m/s^2)","Acceleration y (m/s^2)","Acceleration z (m/s^2)"'
)
PHYPHOX_GYR = '"Time (s)","Gyroscope x (rad/s)","Gyroscope y (rad/s)","Gyroscope z (rad/s)"'


def _rows(header: str, table: np.ndarray) -> str:
    return header + "\n" + "".join(",".join(repr(float(v)) for v in row) + "\n" for row in table)


def _encoder(path: Path, angle: np.ndarray, rate: float = 60.0) -> Path:
    t = np.arange(angle.size) / rate
    path.write_text(_rows("time,angle_deg", np.column_stack([t, angle])))
    return path


def _imu(path: Path, acc: np.ndarray, gyr: np.ndarray, rate: float = 25.0) -> Path:
    t = np.arange(acc.shape[0]) / rate
    header = "time,acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z"
    path.write_text(_rows(header, np.column_stack([t, acc, gyr])))
    return path


def _keypoints(path: Path, mutate: Callable[[str], str] | None = None) -> Path:
    s = synthetic_set([RepSpec()] * 4, noise_deg=0.3, keypoints=True, seed=2)
    assert s.keypoints is not None
    write_extensor_csv(s.keypoints, path)
    if mutate is not None:
        path.write_text(mutate(path.read_text()))
    return path


def _random_keypoints(path: Path) -> Path:
    """An extensor CSV of 30 s of uniformly random points (the issue's 9 made-up reps)."""
    s = synthetic_set([RepSpec()] * 4, noise_deg=0.3, keypoints=True, seed=2)
    assert s.keypoints is not None
    rng = np.random.default_rng(RNG_SEED)
    n = 1800
    names = sorted(s.keypoints.data)
    data = {
        k: np.column_stack([rng.uniform(0, 1000, (n, 2)), rng.uniform(0.5, 1, n)]) for k in names
    }
    ts = extensor.TimeSeries(np.arange(n) / 60.0, data, units=dict.fromkeys(names, "px"),
                             info={"kind": "keypoints"})  # fmt: skip
    return write_extensor_csv(ts, path)


def _zip(path: Path, members: dict[str, str], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return path


def _phyphox_members(n: int = 200) -> dict[str, str]:
    t = np.arange(n) / 100.0
    acc = np.column_stack([t, np.zeros(n), np.zeros(n), np.full(n, 9.81)])
    gyr = np.column_stack([t, np.zeros((n, 3))])
    return {"Accelerometer.csv": _rows(PHYPHOX_ACC, acc), "Gyroscope.csv": _rows(PHYPHOX_GYR, gyr)}


def _patch_zip(path: Path, *, flag: int | None = None, method: int | None = None) -> Path:
    """Rewrite the flag bits / compression method of every header (local and central)."""
    raw = bytearray(path.read_bytes())
    for sig, flag_at, method_at in ((b"PK\x03\x04", 6, 8), (b"PK\x01\x02", 8, 10)):
        start = 0
        while (i := raw.find(sig, start)) >= 0:
            if flag is not None:
                struct.pack_into("<H", raw, i + flag_at, flag)
            if method is not None:
                struct.pack_into("<H", raw, i + method_at, method)
            start = i + 4
    path.write_bytes(bytes(raw))
    return path


def _assert_no_outputs(out: Path) -> None:
    assert sorted(p.name for p in out.iterdir()) == []


def _run_with_outputs(path: Path, out: Path, **options: object) -> None:
    """analyze_and_coach writing a report and a pose trace into ``out``."""
    analyze_and_coach(path, **GOAL, report=out / "r.html", read_options=dict(options))  # type: ignore[arg-type]


# -- typed errors naming the file ------------------------------------------------------------

ERROR_CASES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "encoder constant 1e308": (
        lambda d: _encoder(d / "enc.csv", np.full(600, 1e308)),
        r"channel 'angle' must stay within \+-3600 deg \(a physical bound\), got 1e\+308",
    ),
    "encoder constant 1e200": (
        lambda d: _encoder(d / "enc.csv", np.full(600, 1e200)),
        r"physical bound\), got 1e\+200",
    ),
    "encoder constant with jitter at 1e293": (
        lambda d: _encoder(d / "enc.csv", 1e293 * (1 + 0.1 * np.sin(np.arange(600.0)))),
        r"channel 'angle' must stay within",
    ),
    "encoder infinite value": (
        lambda d: _encoder(d / "enc.csv", np.r_[np.zeros(300), math.inf, np.zeros(299)]),
        r"got inf at sample 301",
    ),
    "encoder time steps of 1e-150 s": (
        lambda d: _encoder(d / "enc.csv", 30 * np.sin(np.arange(600) / 60.0), rate=1e152),
        r"time steps must be at least 1e-06 s \(the median; a physical bound\), got 1e-152 s",
    ),
    "imu one cell 1e308": (
        lambda d: _imu(
            d / "imu.csv", np.r_[np.full((99, 3), 9.0), [[1e308, 0, 0]]], np.zeros((100, 3))
        ),
        r"channel 'acc' must stay within \+-1961.33 m/s\^2 .* at sample 100",
    ),
    "imu gyroscope beyond 4000 deg/s": (
        lambda d: _imu(d / "imu.csv", np.full((100, 3), 5.0), np.full((100, 3), 80.0)),
        r"channel 'gyr' must stay within \+-69.8132 rad/s",
    ),
    "extensor csv confidence 7.5": (
        lambda d: _keypoints(d / "kp.csv", lambda s: _set_cell(s, row=2, column=3, value="7.5")),
        r"point '\w+': confidence \(its _conf, _visibility or score column\) must be within"
        r" \[0, 1\], got 7.5",
    ),
    "mediapipe csv x of 1e300": (
        lambda d: _write(d / "mp.csv", _MEDIAPIPE),
        r"point 'left_shoulder' coordinates must stay within \+-100000 px",
    ),
    "coco json coordinate 1e300": (
        lambda d: _write(
            d / "coco.json",
            json.dumps(
                [
                    {
                        "frame_id": i,
                        "instances": [
                            {
                                "keypoints": [[1e300 if i == 1 else 10.0, 10.0]] * 17,
                                "keypoint_scores": [0.9] * 17,
                            }
                        ],
                    }
                    for i in range(5)
                ]
            ),
        ),
        r"coordinates must stay within",
    ),
    "openpose folder with a truncated frame": (
        lambda d: _openpose(d),
        r"must be valid JSON",
    ),
    "phyphox zip encrypted": (
        lambda d: _patch_zip(_zip(d / "p.zip", _phyphox_members(), zipfile.ZIP_STORED), flag=1),
        r"must not be encrypted",
    ),
    "phyphox zip unknown compression": (
        lambda d: _patch_zip(_zip(d / "p.zip", _phyphox_members(), zipfile.ZIP_STORED), method=9),
        r"must use a standard compression method",
    ),
    "phyphox zip not a zip": (
        lambda d: _write_bytes(d / "p.zip", b"PK\x03\x04" + b"\x00" * 100),
        r"input type must be recognisable|unreadable archive",
    ),
    "binary garbage": (
        lambda d: _write_bytes(d / "x.bin", bytes(range(256)) * 10),
        r"input type must be recognisable: .* got binary content",
    ),
    "empty file": (lambda d: _write(d / "e.csv", ""), r"file is empty"),
    "empty folder": (lambda d: _mkdir(d / "folder"), r"folder must hold OpenPose"),
    "named pipe": (
        lambda d: _fifo(d / "pipe.csv"),
        r"must be a regular file or a folder, got a named pipe",
    ),
}


_MP_POINTS = ("left_shoulder", "left_hip", "left_knee")
_MEDIAPIPE = (
    "time," + ",".join(f"{p}_x,{p}_y,{p}_visibility" for p in _MP_POINTS) + "\n"
    "0,1e300,1,0.9,1,2,0.9,1,3,0.9\n0.1,1,1,0.9,1,2,0.9,1,3,0.9\n0.2,1,1,0.9,1,2,0.9,1,3,0.9\n"
)


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def _write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _mkdir(path: Path) -> Path:
    path.mkdir()
    return path


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _openpose(folder: Path) -> Path:
    frames = folder / "openpose"
    frames.mkdir()
    person = {"people": [{"pose_keypoints_2d": [10.0, 10.0, 0.9] * 25}]}
    for i in range(5):
        text = json.dumps(person)
        (frames / f"clip_{i:012d}_keypoints.json").write_text(
            text[: len(text) // 2] if i == 3 else text
        )
    return frames


def _set_cell(text: str, *, row: int, column: int, value: str) -> str:
    """``text`` (an extensor CSV) with data row ``row`` (0-based), field ``column`` set."""
    lines = text.splitlines()
    data_at = next(i for i, line in enumerate(lines) if line.startswith("time,")) + 1
    cells = lines[data_at + row].split(",")
    cells[column] = value
    lines[data_at + row] = ",".join(cells)
    return "\n".join(lines) + "\n"


def _big_coordinate(text: str) -> str:
    return _set_cell(text, row=5, column=1, value="1e300")


ERROR_CASES["extensor csv coordinate 1e300"] = (
    lambda d: _keypoints(d / "kp.csv", _big_coordinate),
    r"coordinates must stay within \+-100000 px \(a physical bound\), got 1e\+300 at sample 6",
)


#: Read options a case needs to reach its fault (keypoint JSON has no timestamps).
OPTIONS: dict[str, dict[str, object]] = {
    "coco json coordinate 1e300": {"fps": 30.0},
    "openpose folder with a truncated frame": {"fps": 30.0},
}


@pytest.mark.parametrize("case", sorted(ERROR_CASES))
def test_bad_file_gives_a_typed_error_naming_it_and_no_leftover_files(
    case: str, tmp_path: Path
) -> None:
    make, pattern = ERROR_CASES[case]
    src = tmp_path / "in"
    src.mkdir()
    path = make(src)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ExtensorError, match=pattern) as info:
        _run_with_outputs(path, out, **OPTIONS.get(case, {}))
    assert str(path) in str(info.value) or path.name in str(info.value)
    _assert_no_outputs(out)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_devices_are_refused_before_reading(device: str) -> None:
    """The issue's 23 GB: zipfile.is_zipfile read /dev/zero to the end."""
    if not Path(device).exists():
        pytest.skip(f"{device} is absent")
    with pytest.raises(
        InputFormatError,
        match=f"{device}: must be a regular file or a folder, got a character device",
    ):
        extensor.analyze(device, **GOAL)
    for adapter in ("encoder", "imu", "extensor_csv"):
        with pytest.raises(InputFormatError, match="character device"):
            extensor.analyze(device, **GOAL, input_type=adapter)


def _yurtman_barshan(path: Path, n: int = 200, bad_row: int = 50) -> Path:
    """A ``time index;acc_x;...`` file (the Yurtman-Barshan dataset's format), one cell 1e308."""
    rows = [f"{i + 1};9.0;1.0;3.0;0.01;0.0;0.0;-0.5;-0.3;-0.5" for i in range(n)]
    rows[bad_row] = rows[bad_row].replace(";9.0;", ";1e308;", 1)
    header = "time index;acc_x;acc_y;acc_z;gyr_x;gyr_y;gyr_z;mag_x;mag_y;mag_z"
    path.write_text(header + "\n" + "\n".join(rows) + "\n")
    return path


def test_yurtman_barshan_cell_of_1e308_is_refused(tmp_path: Path) -> None:
    """The issue's LinAlgError (SVD did not converge) on one IMU cell of 1e308."""
    path = _yurtman_barshan(tmp_path / "test.txt")
    with pytest.raises(
        InputFormatError,
        match=r"test.txt: channel 'acc' must stay within .* got 1e\+308 at sample 51 \(t=2.04 s\)",
    ):
        extensor.analyze(path, **GOAL)


@pytest.mark.shared
def test_real_imu_file_with_one_cell_of_1e308_is_refused(tmp_path: Path) -> None:
    lines = U4.read_text().splitlines()
    cells = lines[101].split(";")
    cells[2] = "1e308"
    lines[101] = ";".join(cells)
    path = tmp_path / "u4.txt"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(
        InputFormatError, match=r"u4.txt: channel 'acc' must stay within .* at sample 101"
    ):
        extensor.analyze(path, goal="strength", variant="seated_lever_machine")


def test_text_input_over_the_cap_is_refused(tmp_path: Path) -> None:
    """A large file whose start is a valid CSV (the issue's 2 GB): refused by size, with
    a small cap here instead of a huge file."""
    path = _encoder(tmp_path / "enc.csv", 30 * np.sin(np.arange(6000) / 60.0))
    with pytest.raises(
        InputFormatError,
        match=r"must be at most 10,000 bytes \(the max_input_bytes setting\), got [\d,]+ bytes",
    ):
        extensor.analyze(path, **GOAL, max_bytes=10_000)
    assert extensor.analyze(path, **GOAL, max_bytes=path.stat().st_size).metrics.rep_count >= 0


def test_zip_member_inflating_past_the_cap_is_refused(tmp_path: Path) -> None:
    """A zip bomb: a small archive whose member inflates far past the cap."""
    members = _phyphox_members(30_000)
    path = _zip(tmp_path / "bomb.zip", members)
    assert path.stat().st_size < 200_000
    with pytest.raises(
        InputFormatError,
        match=r"bomb.zip/Accelerometer.csv: must be at most 100,000 bytes .* \(inflated\)",
    ):
        extensor.analyze(path, **GOAL, max_bytes=100_000)


def test_zip_member_lying_about_its_size_is_still_capped(tmp_path: Path) -> None:
    """The declared size says small; the inflated stream is counted anyway."""
    path = _zip(tmp_path / "lie.zip", _phyphox_members(5000))
    raw = bytearray(path.read_bytes())
    for sig, at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # uncompressed size fields
        start = 0
        while (i := raw.find(sig, start)) >= 0:
            struct.pack_into("<I", raw, i + at, 100)
            start = i + 4
    path.write_bytes(bytes(raw))
    with pytest.raises(
        InputFormatError,
        match=r"lie.zip/\w+.csv: (must be at most 20,000 bytes|must be a readable zip member)",
    ):
        extensor.analyze(path, **GOAL, max_bytes=20_000)


def test_cli_names_the_file_and_leaves_no_json_or_report(tmp_path: Path) -> None:
    """The issue's encoder of constant 1e308: a traceback, out.json and the guide left."""
    path = _encoder(tmp_path / "enc.csv", np.full(600, 1e308))
    out = tmp_path / "out"
    out.mkdir()
    result = CliRunner().invoke(app, ["analyze", str(path), "--goal", "hypertrophy",
        "--json", str(out / "out.json"), "--report", str(out / "r.html")])  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "enc.csv: channel 'angle' must stay within" in result.output
    assert "Traceback" not in result.output
    _assert_no_outputs(out)


def test_failed_json_write_removes_the_report(tmp_path: Path) -> None:
    """When the last step (the JSON) fails, the report written before it is removed too."""
    s = synthetic_set([RepSpec()] * 3, noise_deg=0.2, seed=1)
    path = _encoder(tmp_path / "enc.csv", s.motion.channel("extension"), rate=30.0)
    out = tmp_path / "out"
    (out / "taken.json").mkdir(parents=True)  # a folder where the JSON should go
    result = CliRunner().invoke(app, ["analyze", str(path), "--goal", "hypertrophy",
        "--json", str(out / "taken.json"), "--report", str(out / "r.html")])  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "cannot write the JSON result" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["taken.json"]


# -- honest 0-rep results -------------------------------------------------------------------

ZERO_REP_CASES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "random keypoints": (lambda d: _random_keypoints(d / "kp.csv"), "noise"),
    "random encoder angle": (
        lambda d: _encoder(d / "enc.csv", np.random.default_rng(RNG_SEED).normal(0, 30, 1800)),
        "noise",
    ),
    "random imu": (
        lambda d: _imu(d / "imu.csv", *np.random.default_rng(RNG_SEED).normal(0, 5, (2, 1500, 3))),
        "noise",
    ),
    "all-zero accelerometer": (
        lambda d: _imu(
            d / "imu.csv",
            np.zeros((1500, 3)),
            np.random.default_rng(RNG_SEED).normal(0, 0.3, (1500, 3)),
        ),
        "no_gravity",
    ),
    "constant encoder": (lambda d: _encoder(d / "enc.csv", np.full(600, 12.0)), "no_movement"),
}


@pytest.mark.parametrize("case", sorted(ZERO_REP_CASES))
def test_noise_and_impossible_signals_give_zero_reps_and_say_why(case: str, tmp_path: Path) -> None:
    make, code = ZERO_REP_CASES[case]
    path = make(tmp_path)
    done = analyze_and_coach(path, **GOAL)
    assert done.result.metrics.rep_count == 0
    assert code in [n.code for n in done.result.notices]
    assert "no_reps" not in [n.code for n in done.result.notices]
    doc = json.loads(json.dumps(done.to_dict(), allow_nan=False))
    assert doc["reps"] == []


def test_real_imu_keeps_its_reps_and_no_quality_notice() -> None:
    """The signal-quality check does not touch a real set (u4: 30 reps, baseline)."""
    if not U4.exists():
        pytest.skip("the real recordings are absent")
    result = extensor.analyze(U4, goal="strength", variant="seated_lever_machine")
    assert result.metrics.rep_count == 30
    assert not {"noise", "no_gravity"} & {n.code for n in result.notices}


def test_synthetic_set_passes_the_signal_check(tmp_path: Path) -> None:
    path = _keypoints(tmp_path / "kp.csv")
    result = extensor.analyze(path, **GOAL)
    assert result.metrics.rep_count == 4
    assert "noise" not in {n.code for n in result.notices}


def test_one_long_gap_with_stray_samples_is_one_notice(tmp_path: Path) -> None:
    """The issue's ~750 gap notices: stray samples inside one long gap."""
    s = synthetic_set([RepSpec()] * 6, noise_deg=0.2, seed=4)
    t, x = s.motion.time, s.motion.channel("extension").copy()
    inside = (t > 8.0) & (t < 20.0)
    stray = inside & (np.arange(t.size) % 20 != 0)
    x[stray] = np.nan
    path = tmp_path / "enc.csv"
    path.write_text(_rows("time,angle_deg", np.column_stack([t, x])).replace("nan", ""))
    result = extensor.analyze(path, **GOAL)
    gaps = [n for n in result.notices if n.code == "gap"]
    assert len(gaps) == 1, gaps
    assert "gaps with only stray samples between" in gaps[0].message


def test_json_output_is_strict(tmp_path: Path) -> None:
    """``--json -`` never holds NaN/Infinity tokens (null instead)."""
    path = _random_keypoints(tmp_path / "kp.csv")
    result = CliRunner().invoke(app, ["analyze", str(path), "--goal", "hypertrophy", "--json", "-"])
    assert result.exit_code == 0, result.output

    def refuse(token: str) -> float:
        raise AssertionError(f"non-strict JSON token {token}")

    doc = json.loads(result.stdout, parse_constant=refuse)
    assert doc["reps"] == []


@pytest.mark.video
def test_video_files_broken_in_three_ways(tmp_path: Path) -> None:
    """Zero-length, truncated and wrong-extension videos: typed errors naming the file."""
    cv2 = pytest.importorskip("cv2")
    pytest.importorskip("mediapipe")
    good = tmp_path / "clip.mp4"
    writer = cv2.VideoWriter(str(good), cv2.VideoWriter_fourcc(*"mp4v"), 10, (64, 48))
    for i in range(20):
        writer.write(np.full((48, 64, 3), i * 10, np.uint8))
    writer.release()
    raw = good.read_bytes()
    cases = {
        "empty.mp4": (b"", r"empty.mp4: the file is empty \(0 bytes\)"),
        "cut.mp4": (raw[: len(raw) // 2], r"cut.mp4: cannot be read as a video"),
        "clip.csv": (raw, r"clip.csv: input type must be recognisable"),
        "text.mp4": (b"hello\n", r"text.mp4: cannot be read as a video"),
    }
    for name, (data, pattern) in cases.items():
        path = _write_bytes(tmp_path / name, data)
        with pytest.raises(ExtensorError, match=pattern):
            extensor.analyze(path, **GOAL)


def test_world_landmarks_are_bounded_in_metres_not_read_as_confidence() -> None:
    """A video's 3D world landmarks (x, y, z in metres, z often negative) pass the bounds;
    a world point kilometres away does not."""
    from extensor.core import keypoint_series
    from extensor.io import validate_recording

    n = 4
    pts = {"left_hip": np.tile([100.0, 200.0, 0.9], (n, 1))}
    world = {"left_hip": np.tile([0.1, -0.2, -0.5], (n, 1))}
    ts = keypoint_series(
        np.arange(n) / 30.0, pts, unit="px", info={"kind": "keypoints"}, world=world
    )
    validate_recording(ts, kind="keypoints", source="clip.mp4")
    far = {"left_hip": np.tile([0.1, -0.2, -5000.0], (n, 1))}
    bad = keypoint_series(
        np.arange(n) / 30.0, pts, unit="px", info={"kind": "keypoints"}, world=far
    )
    with pytest.raises(InputFormatError, match=r"clip\.mp4: .*world:left_hip.*100 m"):
        validate_recording(bad, kind="keypoints", source="clip.mp4")
