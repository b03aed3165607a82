"""IMU recordings of several units (one file or a folder per unit) and the neutral hold."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from extensor._analysis import run_analysis, run_sets
from extensor._errors import ConfigError, InputFormatError
from extensor.core import STANDARD_GRAVITY
from extensor.io import detect_input_type, read_recording, unit_columns

RATE = 50.0
AXES = ("x", "y", "z")


def _trunk_angle(t: np.ndarray, *, reps: int = 6, period: float = 6.0, lead: float = 3.0):
    """Degrees: still for ``lead`` s, then ``reps`` reps of 40 degrees (1.5 s up, 1 s hold,
    2.5 s down, 1 s rest), still after."""
    angle = np.zeros_like(t)
    for k in range(reps):
        t0 = lead + k * period
        up = (t >= t0) & (t < t0 + 1.5)
        angle[up] = 40.0 * (1 - np.cos(np.pi * (t[up] - t0) / 1.5)) / 2
        angle[(t >= t0 + 1.5) & (t < t0 + 2.5)] = 40.0
        down = (t >= t0 + 2.5) & (t < t0 + 5.0)
        angle[down] = 40.0 * (1 + np.cos(np.pi * (t[down] - t0 - 2.5) / 2.5)) / 2
    return angle


def _unit(angle_deg: np.ndarray, t: np.ndarray, axis: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(acc m/s^2, gyr rad/s) of a unit turning by ``angle_deg`` about its sensor ``axis``."""
    th = np.radians(angle_deg)
    acc = np.zeros((t.size, 3))
    gyr = np.zeros((t.size, 3))
    b, c = [k for k in range(3) if k != axis]
    acc[:, b], acc[:, c] = STANDARD_GRAVITY * np.sin(th), STANDARD_GRAVITY * np.cos(th)
    gyr[:, axis] = np.gradient(th, t)
    return acc, gyr


def _session(t: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """A trunk unit doing reps, a thigh unit lying still, a wrist twitching on three axes."""
    rng = np.random.default_rng(3)
    wrist = rng.normal(0.0, 1.0, (t.size, 3)).cumsum(axis=0) * 0.02
    wrist_acc = STANDARD_GRAVITY * np.column_stack(
        [np.sin(wrist[:, 0]), np.sin(wrist[:, 1]), np.cos(wrist[:, 0]) * np.cos(wrist[:, 1])]
    )
    wrist_gyr = np.gradient(wrist, t, axis=0)
    thigh = np.zeros_like(t)
    return {
        "thigh": _unit(thigh, t, axis=1),
        "trunk": _unit(_trunk_angle(t), t, axis=0),
        "wrist": (wrist_acc, wrist_gyr),
    }


def _csv(path: Path, t: np.ndarray, units: dict[str, tuple[np.ndarray, np.ndarray]]) -> Path:
    header = ["time"] + [f"{u}_{s}_{a}" for u in units for s in ("acc", "gyr") for a in AXES]
    cols = [t] + [m[:, k] for acc, gyr in units.values() for m in (acc, gyr) for k in range(3)]
    rows = np.column_stack(cols)
    path.write_text(
        ",".join(header) + "\n" + "\n".join(",".join(f"{v:.6f}" for v in r) for r in rows)
    )
    return path


def _single_csv(path: Path, t: np.ndarray, acc: np.ndarray, gyr: np.ndarray) -> Path:
    header = "time," + ",".join(f"{s}_{a}" for s in ("acc", "gyr") for a in AXES)
    rows = np.column_stack([t, acc, gyr])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + "\n" + "\n".join(",".join(f"{v:.6f}" for v in r) for r in rows))
    return path


T = np.arange(0.0, 42.0, 1 / RATE)


def test_unit_columns_needs_every_axis_of_both_sensors():
    cols = ["time", *[f"trunk.{s}{a}" for s in ("acc", "gyro") for a in AXES], "arm_acc_x"]
    assert list(unit_columns(cols)) == ["trunk"]
    assert unit_columns(cols)["trunk"]["gyr_z"] == "trunk.gyroz"


def test_a_file_of_three_units_is_read_and_the_trunk_chosen(tmp_path: Path):
    path = _csv(tmp_path / "session.csv", T, _session(T))
    assert detect_input_type(path) == "imu"
    ts = read_recording(path)
    assert ts.info["imu_units"] == ["thigh", "trunk", "wrist"]
    run = run_analysis(ts, goal="hypertrophy", variant="seated_lever_machine")
    assert run.motion.info["imu_unit"] == "trunk"
    notice = next(n for n in run.result.notices if n.code == "trunk_unit")
    assert notice.message.startswith("unit trunk taken as the trunk: it turns 40 deg")
    assert run.result.metrics.rep_count == 6
    ranges = [r.range_deg for r in run.result.reps]
    assert ranges == pytest.approx([40.0] * 6, abs=2.0)


def test_sensor_option_picks_a_unit_and_names_the_choices(tmp_path: Path):
    path = _csv(tmp_path / "session.csv", T, _session(T))
    ts = read_recording(path, sensor="thigh")
    assert "imu_units" not in ts.info
    assert ts.info["imu_unit"] == "thigh"
    assert set(ts.data) == {"acc", "gyr"}
    with pytest.raises(ConfigError) as err:
        read_recording(path, sensor="ankle")
    assert (
        "sensor must be one of the recording's units ['thigh', 'trunk', 'wrist'], got 'ankle'"
        in str(err.value)
    )


def test_a_folder_of_unit_folders_is_one_session(tmp_path: Path):
    session = tmp_path / "session"
    for name, (acc, gyr) in _session(T).items():
        _single_csv(session / name / "take.csv", T, acc, gyr)
    assert detect_input_type(session) == "imu"
    ts = read_recording(session)
    assert ts.info["imu_units"] == ["thigh", "trunk", "wrist"]
    run = run_analysis(ts, goal="hypertrophy", variant="seated_lever_machine")
    assert run.motion.info["imu_unit"] == "trunk"
    assert run.result.metrics.rep_count == 6


def test_unit_folders_sharing_two_names_need_member(tmp_path: Path):
    session = tmp_path / "session"
    for name, (acc, gyr) in _session(T).items():
        _single_csv(session / name / "take.csv", T, acc, gyr)
        _single_csv(session / name / "warmup.csv", T, acc, gyr)
    with pytest.raises(ConfigError) as err:
        read_recording(session)
    assert "share exactly one file name, or pass member=NAME" in str(err.value)
    assert "['take.csv', 'warmup.csv']" in str(err.value)
    assert read_recording(session, member="warmup.csv").info["imu_units"] == [
        "thigh", "trunk", "wrist",
    ]  # fmt: skip


def test_unprefixed_columns_beside_prefixed_units_are_a_unit_of_their_own(tmp_path: Path):
    """A phone's own acc_x... beside a strapped-on unit's thigh_acc_x...: both are units."""
    units = _session(T)
    path = _csv(tmp_path / "mixed.csv", T, {"thigh": units["thigh"], "trunk": units["trunk"]})
    lines = path.read_text().splitlines()
    lines[0] = lines[0].replace("trunk_", "")
    path.write_text("\n".join(lines))
    assert detect_input_type(path) == "imu"
    ts = read_recording(path)
    assert ts.info["imu_units"] == ["unprefixed", "thigh"]
    run = run_analysis(ts, goal="hypertrophy", variant="seated_lever_machine")
    assert run.motion.info["imu_unit"] == "unprefixed"
    assert run.result.metrics.rep_count == 6


def test_sensor_option_on_a_file_of_one_named_unit(tmp_path: Path):
    path = _csv(tmp_path / "one.csv", T, {"trunk": _session(T)["trunk"]})
    ts = read_recording(path, sensor="trunk")
    assert ts.info["imu_unit"] == "trunk"
    assert set(ts.data) == {"acc", "gyr"}
    with pytest.raises(ConfigError) as err:
        read_recording(path, sensor="thigh")
    assert "got 'thigh': the recording holds one unit, 'trunk'" in str(err.value)


def test_a_dot_file_does_not_hide_a_session_of_unit_folders(tmp_path: Path):
    session = tmp_path / "session"
    for name, (acc, gyr) in _session(T).items():
        _single_csv(session / name / "take.csv", T, acc, gyr)
    (session / "thigh" / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    (session / "notes.csv").write_text("")  # an empty file beside the unit folders
    assert detect_input_type(session) == "imu"
    assert read_recording(session).info["imu_units"] == ["thigh", "trunk", "wrist"]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_a_phyphox_export_with_a_meta_folder_is_no_session_of_units(tmp_path: Path, delimiter: str):
    """phyphox exports hold a meta/ subfolder; with any delimiter it is one phone's export."""
    folder = tmp_path / "export"
    (folder / "meta").mkdir(parents=True)
    (folder / "meta" / "device.csv").write_text('"property","value"\n"model","phone"\n')
    t = np.arange(0.0, 8.0, 0.02)
    acc, gyr = _unit(_trunk_angle(t, reps=1, lead=1.0), t)
    for name, sensor, unit, values in (
        ("Accelerometer.csv", "Acceleration", "m/s^2", acc),
        ("Gyroscope.csv", "Gyroscope", "rad/s", gyr),
    ):
        head = delimiter.join(['"Time (s)"', *(f'"{sensor} {a} ({unit})"' for a in AXES)])
        rows = [
            delimiter.join(f"{v:.6f}" for v in (ti, *row))
            for ti, row in zip(t, values, strict=True)
        ]
        (folder / name).write_text("\n".join([head, *rows]) + "\n")
    assert detect_input_type(folder) == "imu"
    ts = read_recording(folder)
    assert ts.info["dialect"] == "phyphox"
    np.testing.assert_allclose(ts.data["gyr"][:, 0], gyr[:, 0], atol=1e-5)


def test_units_on_other_clocks_are_put_on_the_first_units_time(tmp_path: Path):
    session = tmp_path / "session"
    units = _session(T)
    late = T + 0.5
    _single_csv(session / "a_trunk" / "take.csv", T, *units["trunk"])
    _single_csv(session / "b_thigh" / "take.csv", late, *units["thigh"])
    ts = read_recording(session)
    assert ts.time[0] == pytest.approx(0.5)
    assert ts.time[-1] == pytest.approx(T[-1])


def _calibrated(tmp_path: Path, *, lead: float = 3.0, top: float = 14.0, mount: float = 1.0):
    """One trunk unit that holds neutral (0) until half a second before ``lead``, then
    settles into its forward-lean start 40 degrees below ``top`` and does 6 reps up to
    ``top`` (degrees past neutral). ``mount`` -1 turns the unit round on the body."""
    t = T
    start = top - 40.0
    angle = _trunk_angle(t, lead=lead) + start
    angle[t < lead - 0.5] = 0.0
    angle[(t >= lead - 0.5) & (t < lead)] = start
    return _single_csv(tmp_path / "trunk.csv", t, *_unit(mount * angle, t))


@pytest.mark.parametrize("mount", [1.0, -1.0])
def test_neutral_hold_calibrates_the_zero_so_past_neutral_is_judged(tmp_path: Path, mount: float):
    path = _calibrated(tmp_path, mount=mount)
    plain = run_analysis(read_recording(path), goal="hypertrophy", variant="seated_lever_machine")
    assert not plain.result.neutral_known
    assert "past_neutral" in plain.result.not_observable
    ts = read_recording(path, neutral_hold_s=2.0)
    run = run_analysis(ts, goal="hypertrophy", variant="seated_lever_machine")
    assert run.result.neutral_known
    assert run.motion.info["neutral_hold_s"] == 2.0
    tops = [r.top_extension_deg for r in run.result.reps]
    assert tops == pytest.approx([14.0] * 6, abs=2.0)
    bottoms = [r.bottom_extension_deg for r in run.result.reps]
    assert bottoms == pytest.approx([-26.0] * 6, abs=2.0)
    assert run.result.reps_with("past_neutral") == [1, 2, 3, 4, 5, 6]


def test_reps_that_stop_at_neutral_are_not_past_it(tmp_path: Path):
    ts = read_recording(_calibrated(tmp_path, top=-2.0), neutral_hold_s=2.0)
    run = run_analysis(ts, goal="hypertrophy", variant="seated_lever_machine")
    assert run.result.neutral_known
    assert run.result.metrics.rep_count == 6
    assert run.result.reps_with("past_neutral") == []


def _from_the_top(tmp_path: Path, *, mount: float, idle_s: float = 0.0) -> Path:
    """Holds neutral 5 s, idles there ``idle_s`` more, then 6 reps that lower 40 degrees
    from neutral and return, resting at the top between them (1 s hold, 1 s rest): the
    same data as reps leaning 40 degrees back from neutral with the unit turned round."""
    t = np.arange(0.0, 42.0 + idle_s, 1 / RATE)
    angle = -_trunk_angle(t, lead=5.0 + idle_s)
    return _single_csv(tmp_path / "top.csv", t, *_unit(mount * angle, t))


@pytest.mark.parametrize("mount", [1.0, -1.0])
def test_reps_that_lower_from_the_hold_and_rest_at_the_top_are_below_neutral(
    tmp_path: Path, mount: float
):
    """Most of the time at the top: the rest is no guide to the sign, the hold is. A back
    extension works below neutral, so the reps lower from the hold and come back to it."""
    ts = read_recording(_from_the_top(tmp_path, mount=mount), neutral_hold_s=4.0)
    run = run_analysis(ts, goal="hypertrophy", variant="seated_lever_machine")
    assert run.result.neutral_known
    assert run.result.metrics.rep_count == 6
    tops = [r.top_extension_deg for r in run.result.reps]
    assert tops == pytest.approx([0.0] * 6, abs=2.0)
    bottoms = [r.bottom_extension_deg for r in run.result.reps]
    assert bottoms == pytest.approx([-40.0] * 6, abs=2.0)
    assert run.result.reps_with("past_neutral") == []
    # the lift is the 2.5 s way back up (2.0 s of visible motion), the lowering the 1.5 s
    # way down (1.3 s): read the other way round they would swap
    lifts = [r.lift_s or 0.0 for r in run.result.reps]
    lowers = [r.lower_s or 0.0 for r in run.result.reps]
    assert lifts == pytest.approx([2.0] * 6, abs=0.15)
    assert lowers == pytest.approx([1.3] * 6, abs=0.15)


@pytest.mark.parametrize("mount", [1.0, -1.0])
def test_idling_at_the_hold_leaves_the_side_of_neutral_unknown(tmp_path: Path, mount: float):
    """Idle at the hold between sets (16 s): the hold is where the lifter rests, and the
    reps may lean back from it; nothing is called past neutral and a notice says why."""
    ts = read_recording(_from_the_top(tmp_path, mount=mount, idle_s=16.0), neutral_hold_s=4.0)
    run = run_analysis(ts, goal="hypertrophy", variant="seated_lever_machine")
    assert run.result.metrics.rep_count == 6
    assert not run.result.neutral_known
    assert "past_neutral" in run.result.not_observable
    notice = next(n for n in run.result.notices if n.code == "neutral_side_unknown")
    assert notice.message.startswith("the lifter idles at the neutral hold (+0 deg)")


def test_a_neutral_hold_that_moves_is_refused(tmp_path: Path):
    path = _calibrated(tmp_path)
    ts = read_recording(path, neutral_hold_s=4.0)  # runs into the first lift
    with pytest.raises(InputFormatError) as err:
        run_analysis(ts, goal="hypertrophy", variant="seated_lever_machine")
    assert "the neutral hold (the first 4 s) must be still, got" in str(err.value)
    assert str(path) in str(err.value)


@pytest.mark.parametrize("hold", [0.0, -1.0])
def test_neutral_hold_must_be_positive(tmp_path: Path, hold: float):
    path = _calibrated(tmp_path)
    with pytest.raises(ConfigError, match="neutral_hold_s must be above 0 s"):
        read_recording(path, neutral_hold_s=hold)


def test_a_hold_longer_than_the_recording_is_refused(tmp_path: Path):
    path = _calibrated(tmp_path)
    with pytest.raises(InputFormatError, match="shorter than the recording"):
        run_analysis(read_recording(path, neutral_hold_s=100.0), goal="hypertrophy",
                     variant="seated_lever_machine")  # fmt: skip


def test_an_imu_session_of_two_sets_splits(tmp_path: Path):
    t = np.arange(0.0, 90.0, 1 / RATE)
    angle = _trunk_angle(t, reps=4, lead=2.0) + _trunk_angle(t, reps=4, lead=55.0)
    path = _single_csv(tmp_path / "two.csv", t, *_unit(angle, t))
    runs = run_sets(read_recording(path), goal="hypertrophy", variant="seated_lever_machine")
    assert [r.result.metrics.rep_count for r in runs] == [4, 4]
    assert runs[1].result.reps[0].start == pytest.approx(55.0, abs=0.3)
