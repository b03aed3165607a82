"""Format-specific rules of the file adapters: name mappings, tracking, conversions, detection.

The shared contract (valid reads, typed errors for spoiled files) is in
``test_io_conformance.py``; here each test states one rule of one format.
"""

from __future__ import annotations

import json
import math
import sys
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import extensor.io
from extensor._errors import (
    ConfigError,
    EmptyInputError,
    ExtensorError,
    InputFormatError,
    MissingExtraError,
)
from extensor.core import keypoint_series
from extensor.io import (
    ADAPTERS,
    COCO_17,
    OPENPOSE_BODY_25,
    OPENPOSE_COCO_18,
    detect_input_type,
    get_adapter,
    read_recording,
    validate_recording,
    write_extensor_csv,
)

SHARED = Path(__file__).resolve().parents[2] / "shared"
YURTMAN_U4 = SHARED / "sensors" / "yurtman-barshan-e2-s1" / "u4" / "test.txt"


# -- helpers ---------------------------------------------------------------------------------


def _openpose_folder(tmp: Path, frames: list[list[list[float]]], name: str = "op") -> Path:
    """Write ``frames[f][person]`` = flat pose_keypoints_2d lists as OpenPose files."""
    folder = tmp / name
    folder.mkdir()
    for f, people in enumerate(frames):
        body = {"version": 1.3, "people": [{"pose_keypoints_2d": p} for p in people]}
        (folder / f"video_{f:012d}_keypoints.json").write_text(json.dumps(body))
    return folder


def _layout_person(layout: tuple[str, ...], shift: float = 0.0, conf: float = 0.9) -> list[float]:
    """Point k at x = 100 + 10 k + shift, y = 200 + k: each point recognisable by value."""
    flat: list[float] = []
    for k in range(len(layout)):
        flat += [100.0 + 10 * k + shift, 200.0 + k, conf]
    return flat


def _write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


# -- OpenPose --------------------------------------------------------------------------------


def test_openpose_body25_points_are_mapped_by_name(tmp_path: Path) -> None:
    """BODY_25 names map to extensor names (MidHip -> mid_hip, LBigToe -> left_foot_index)."""
    person = _layout_person(OPENPOSE_BODY_25)
    folder = _openpose_folder(tmp_path, [[person], [person]])
    ts = get_adapter("openpose").read(folder, fps=25)
    expect = {
        "nose": "Nose", "neck": "Neck", "mid_hip": "MidHip", "right_shoulder": "RShoulder",
        "left_foot_index": "LBigToe", "right_foot_index": "RBigToe", "left_heel": "LHeel",
        "right_eye": "REye", "left_ear": "LEar", "left_ankle": "LAnkle",
    }  # fmt: skip
    for ours, theirs in expect.items():
        k = OPENPOSE_BODY_25.index(theirs)
        assert ts.data[ours][0].tolist() == [100.0 + 10 * k, 200.0 + k, 0.9], ours
    assert len(ts.data) == 23  # 25 minus the two small toes, which have no extensor name
    assert ts.info["layout"] == "BODY_25"
    assert ts.time.tolist() == [0.0, 0.04]


def test_openpose_coco18_points_are_mapped_by_name(tmp_path: Path) -> None:
    """COCO-18 has no MidHip and its hips sit at other positions than in BODY_25."""
    person = _layout_person(OPENPOSE_COCO_18)
    ts = get_adapter("openpose").read(_openpose_folder(tmp_path, [[person], [person]]), fps=30)
    k = OPENPOSE_COCO_18.index("RHip")
    assert k == 8
    assert ts.data["right_hip"][0, 0] == 100.0 + 10 * k
    assert "mid_hip" not in ts.data
    assert "left_heel" not in ts.data
    assert ts.info["layout"] == "COCO_18"


def test_openpose_zero_point_is_missing(tmp_path: Path) -> None:
    """OpenPose writes 0, 0, 0 for an undetected point: NaN coordinates, confidence 0."""
    person = _layout_person(OPENPOSE_BODY_25)
    k = OPENPOSE_BODY_25.index("LWrist")
    person[3 * k : 3 * k + 3] = [0.0, 0.0, 0.0]
    ts = get_adapter("openpose").read(_openpose_folder(tmp_path, [[person], [person]]), fps=30)
    assert np.isnan(ts.data["left_wrist"][:, :2]).all()
    assert (ts.data["left_wrist"][:, 2] == 0).all()


def test_openpose_picks_the_most_confident_person_then_tracks_it(tmp_path: Path) -> None:
    """Frame 0: the most confident person; later frames: the one nearest to the last pick."""
    lifter = [
        _layout_person(OPENPOSE_BODY_25, shift=s, conf=c) for s, c in ((0, 0.9), (5, 0.4), (9, 0.5))
    ]
    spectator = [_layout_person(OPENPOSE_BODY_25, shift=800, conf=c) for c in (0.5, 0.95, 0.9)]
    frames = [[spectator[0], lifter[0]], [spectator[1], lifter[1]], [lifter[2], spectator[2]]]
    ts = get_adapter("openpose").read(_openpose_folder(tmp_path, frames), fps=30)
    assert ts.data["nose"][:, 0].tolist() == [100.0, 105.0, 109.0]
    assert ts.info["people_max"] == 2


def test_openpose_frame_number_from_file_name_sets_time(tmp_path: Path) -> None:
    """time = frame number / fps, so a dropped frame leaves a gap rather than shifting time."""
    folder = tmp_path / "gaps"
    folder.mkdir()
    body = json.dumps({"people": [{"pose_keypoints_2d": _layout_person(OPENPOSE_BODY_25)}]})
    for frame in (10, 11, 13):
        (folder / f"x_{frame:012d}_keypoints.json").write_text(body)
    ts = get_adapter("openpose").read(folder, fps=10)
    np.testing.assert_allclose(ts.time, [1.0, 1.1, 1.3])


def test_openpose_without_fps_asks_for_it(tmp_path: Path) -> None:
    """The frame rate cannot be known from OpenPose files: the error says to pass --fps."""
    person = _layout_person(OPENPOSE_BODY_25)
    folder = _openpose_folder(tmp_path, [[person], [person]])
    with pytest.raises(InputFormatError, match="frame rate unknown: pass --fps"):
        get_adapter("openpose").read(folder)


def test_openpose_single_file_asks_for_the_folder(tmp_path: Path) -> None:
    """A lone frame file is detected as OpenPose and the reader asks for its folder."""
    folder = _openpose_folder(tmp_path, [[_layout_person(OPENPOSE_BODY_25)]])
    file = next(folder.iterdir())
    assert detect_input_type(file) == "openpose"
    with pytest.raises(InputFormatError, match="must be a folder"):
        read_recording(file, fps=30)


def test_openpose_unknown_layout_length_is_rejected(tmp_path: Path) -> None:
    """Only BODY_25 (75 numbers) and COCO-18 (54) are known."""
    folder = _openpose_folder(tmp_path, [[[1.0] * 45], [[1.0] * 45]])
    with pytest.raises(InputFormatError, match=r"75 .* or 54 .* got 45"):
        get_adapter("openpose").read(folder, fps=30)


def test_openpose_empty_frame_file_names_that_frame(tmp_path: Path) -> None:
    """A zero-byte frame file is an error naming that file."""
    person = _layout_person(OPENPOSE_BODY_25)
    folder = _openpose_folder(tmp_path, [[person], [person], [person]])
    bad = folder / "video_000000000001_keypoints.json"
    bad.write_text("")
    with pytest.raises(EmptyInputError, match=bad.name):
        get_adapter("openpose").read(folder, fps=30)


# -- COCO-17 ---------------------------------------------------------------------------------


def _coco_points(shift: float) -> list[list[float]]:
    return [[10.0 * k + shift, 5.0 * k + 300.0] for k in range(17)]


def test_coco_results_format_groups_people_by_image_and_reads_flags(tmp_path: Path) -> None:
    """COCO results: one entry per person; v in {0, 1, 2} are flags (0 = missing)."""
    entries: list[dict[str, Any]] = []
    for image_id in (0, 1, 2):
        for shift, score in ((0.0, 0.9), (600.0, 0.3)):
            flat: list[float] = []
            for k, (x, y) in enumerate(_coco_points(shift + image_id)):
                flat += [x, y, 0 if k == 9 else (1 if k == 0 else 2)]
            entries.append(
                {"image_id": image_id, "category_id": 1, "keypoints": flat, "score": score}
            )
    path = _write(tmp_path, "results.json", json.dumps(entries))
    assert detect_input_type(path) == "coco17"
    ts = get_adapter("coco17").read(path, fps=10)
    np.testing.assert_allclose(ts.time, [0.0, 0.1, 0.2])
    assert ts.data["nose"][:, 0].tolist() == [0.0, 1.0, 2.0]  # the first person, tracked
    assert ts.data["nose"][:, 2].tolist() == [1.0, 1.0, 1.0]  # occluded but labelled
    assert np.isnan(ts.data[COCO_17[9]][:, :2]).all()
    assert ts.info["format"] == "coco_results"
    assert ts.info["visibility_flags"] is True


def test_coco_results_scores_are_kept_as_confidence(tmp_path: Path) -> None:
    """When v holds scores, they are the confidences."""
    entries = []
    for image_id in (4, 5):
        flat: list[float] = []
        for x, y in _coco_points(0.0):
            flat += [x, y, 0.75]
        entries.append({"image_id": image_id, "category_id": 1, "keypoints": flat, "score": 0.8})
    ts = get_adapter("coco17").read(_write(tmp_path, "r.json", json.dumps(entries)), fps=2)
    assert ts.data["left_hip"][:, 2].tolist() == [0.75, 0.75]
    np.testing.assert_allclose(ts.time, [2.0, 2.5])


def test_mmpose_instance_info_without_timestamps_uses_frame_ids(tmp_path: Path) -> None:
    """MMPose demo output ({"meta_info", "instance_info"}), frame ids from 1: time = id / fps."""
    frames = [
        {
            "frame_id": i,
            "instances": [
                {
                    "keypoints": _coco_points(i),
                    "keypoint_scores": [0.8] * 17,
                    "bbox": [[0, 0, 9, 9]],
                }
            ],
        }
        for i in (1, 2, 3)
    ]
    doc = {
        "meta_info": {
            "dataset_name": "coco",
            "keypoint_id2name": {str(k): n for k, n in enumerate(COCO_17)},
        },
        "instance_info": frames,
    }
    path = _write(tmp_path, "mmpose.json", json.dumps(doc))
    assert detect_input_type(path) == "coco17"
    ts = read_recording(path, fps=20)
    np.testing.assert_allclose(ts.time, [0.05, 0.1, 0.15])
    assert ts.data["right_ankle"][0, :2].tolist() == [161.0, 380.0]
    with pytest.raises(InputFormatError, match="frame rate unknown: pass --fps"):
        read_recording(path)


def test_rtmlib_style_keypoint_arrays_with_scores(tmp_path: Path) -> None:
    """Frame-level "keypoints" (people, 17, 2) with "scores" (people, 17) are accepted."""
    frames = [
        {
            "frame_idx": i,
            "timestamp": i / 30,
            "keypoints": [_coco_points(i), _coco_points(500)],
            "scores": [[0.9] * 17, [0.2] * 17],
        }
        for i in range(3)
    ]
    ts = get_adapter("coco17").read(_write(tmp_path, "rtm.json", json.dumps(frames)))
    assert ts.data["nose"][:, 0].tolist() == [0.0, 1.0, 2.0]
    assert ts.units["nose"] == "px"


def test_coco_duplicate_frame_ids_are_rejected(tmp_path: Path) -> None:
    """Two frames with one frame_id are an error naming both rows."""
    inst = [{"keypoints": _coco_points(0), "keypoint_scores": [0.5] * 17}]
    frames = [{"frame_id": i, "instances": inst} for i in (0, 1, 1, 2)]
    path = _write(tmp_path, "dup.json", json.dumps(frames))
    with pytest.raises(InputFormatError, match="frame_id must be unique, got 1 at rows 2 and 3"):
        get_adapter("coco17").read(path, fps=30)


# -- MediaPipe CSV ---------------------------------------------------------------------------


def test_mediapipe_presence_is_the_confidence_when_visibility_is_absent(tmp_path: Path) -> None:
    """``<name>_presence`` stands in for ``_visibility``; ``frame`` with fps gives time."""
    text = "frame,nose_x,nose_y,nose_presence\n0,0.5,0.4,0.9\n1,0.52,0.41,0.8\n"
    path = _write(tmp_path, "mp.csv", text)
    assert detect_input_type(path) == "mediapipe_csv"
    ts = get_adapter("mediapipe_csv").read(path, fps=50)
    assert ts.data["nose"][:, 2].tolist() == [0.9, 0.8]
    np.testing.assert_allclose(ts.time, [0.0, 0.02])
    assert ts.units["nose"] == "normalized"
    assert ts.info["unit_inferred"] is True


def test_mediapipe_point_without_confidence_is_an_error(tmp_path: Path) -> None:
    """x and y without visibility or presence cannot be used."""
    path = _write(tmp_path, "mp.csv", "time,nose_x,nose_y\n0,0.5,0.4\n1,0.5,0.4\n")
    with pytest.raises(InputFormatError, match="'nose_visibility' is required"):
        get_adapter("mediapipe_csv").read(path)


# -- units of keypoints ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("comment", "option", "values", "unit"),
    [
        ("", None, (0.2, 0.9), "normalized"),
        ("", None, (-0.4, 1.4), "normalized"),
        ("", None, (0.2, 1.6), "px"),
        ("", None, (300.0, 720.0), "px"),
        ("# unit: px\n", None, (0.2, 0.9), "px"),
        ("# unit: px\n", "normalized", (0.2, 0.9), "normalized"),
    ],
)
def test_keypoint_unit_from_option_then_comment_then_range(
    tmp_path: Path, comment: str, option: str | None, values: tuple[float, float], unit: str
) -> None:
    """unit option > '# unit:' line > normalized iff all coordinates within [-0.5, 1.5]."""
    a, b = values
    text = f"{comment}time,nose_x,nose_y,nose_conf\n0,{a},{b},0.9\n0.1,{b},{a},0.9\n"
    ts = get_adapter("extensor_csv").read(_write(tmp_path, "k.csv", text), unit=option)
    assert ts.units["nose"] == unit
    assert ts.info["unit_inferred"] is (not comment and option is None)


def test_bad_unit_option_is_a_config_error(tmp_path: Path) -> None:
    """An option value outside px / normalized is a ConfigError naming the file."""
    path = _write(tmp_path, "k.csv", "time,nose_x,nose_y,nose_conf\n0,1,2,1\n1,1,2,1\n")
    with pytest.raises(ConfigError, match=r"k\.csv: unit must be one of"):
        get_adapter("extensor_csv").read(path, unit="mm")


# -- extensor CSV ----------------------------------------------------------------------------


def test_extensor_csv_round_trip_is_exact_to_1e6(tmp_path: Path) -> None:
    """write_extensor_csv then read gives the same series (NaN where missing) within 1e-6."""
    rng = np.random.default_rng(7)
    time = np.cumsum(rng.uniform(0.01, 0.05, 200)) + 3600.123456789
    points = {}
    for name in ("nose", "left_hip", "mid_hip", "right_foot_index"):
        values = np.column_stack([rng.uniform(0, 4000, (200, 2)), rng.uniform(0.01, 1, 200)])
        values[50:60] = np.nan
        points[name] = values
    ts = keypoint_series(time, points, unit="px", info={"image_size": (1920, 1080), "fps": 29.97})
    path = write_extensor_csv(ts, tmp_path / "trace.csv")
    back = get_adapter("extensor_csv").read(path)
    np.testing.assert_allclose(back.time, ts.time, rtol=0, atol=1e-6)
    for name in points:
        np.testing.assert_allclose(back.data[name], ts.data[name], rtol=0, atol=1e-6)
    assert back.units == ts.units
    assert back.info["image_size"] == (1920, 1080)
    assert back.info["fps"] == 29.97
    assert back.info["unit_inferred"] is False


def test_extensor_csv_write_is_atomic_and_replaces(tmp_path: Path) -> None:
    """The file is replaced whole; no temporary file is left behind."""
    path = tmp_path / "trace.csv"
    path.write_text("old")
    ts = keypoint_series([0.0, 1.0], {"nose": [[1, 2, 1], [3, 4, 1]]}, unit="normalized")
    write_extensor_csv(ts, path)
    assert [p.name for p in tmp_path.iterdir()] == ["trace.csv"]
    assert path.read_text().startswith("# extensor keypoints\n# unit: normalized\n")


def test_extensor_csv_write_rejects_other_kinds(tmp_path: Path) -> None:
    """Only keypoint series can be written as extensor CSV."""
    from extensor.core import TimeSeries

    ts = TimeSeries(
        [0.0, 1.0], {"angle": [0.0, 1.0]}, units={"angle": "deg"}, info={"kind": "angle"}
    )
    with pytest.raises(InputFormatError, match="keypoint series"):
        write_extensor_csv(ts, tmp_path / "x.csv")


def test_bad_cell_deep_in_a_long_file_names_its_row_and_line(tmp_path: Path) -> None:
    """Row and line numbers stay right far from the start, after comments and blank lines."""
    rows = [f"{i / 60!r},{i}.5,{i}.25,0.9" for i in range(5000)]
    rows[4321] = rows[4321].replace(".25,", ".25x,")
    text = "# unit: px\n\ntime,nose_x,nose_y,nose_conf\n" + "\n".join(rows) + "\n"
    path = _write(tmp_path, "long.csv", text)
    with pytest.raises(
        InputFormatError,
        match=r"'nose_y' must be a number, got '4321.25x' at row 4322 \(line 4325\)",
    ):
        get_adapter("extensor_csv").read(path)
    rows[4321] = rows[4321].replace(".25x,", ".25,")
    rows[-1] = rows[-1][:6]
    path.write_text("time,nose_x,nose_y,nose_conf\n" + "\n".join(rows) + "\n")
    with pytest.raises(InputFormatError, match=r"row 5000 \(line 5001\) must have 4 fields"):
        get_adapter("extensor_csv").read(path)


def test_empty_and_blank_fields_are_missing_values(tmp_path: Path) -> None:
    """Empty fields, blank fields and 'nan' all read as NaN, at any position in a row."""
    text = "time,acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z\n0,,1,2,3,4,\n1, ,1,2,nan,4,5\n2,0,1,2,3,4,5\n"
    ts = get_adapter("imu").read(_write(tmp_path, "gaps.csv", text))
    assert np.isnan(ts.data["acc"][:2, 0]).all()
    assert np.isnan(ts.data["gyr"][0, 2])
    assert np.isnan(ts.data["gyr"][1, 0])
    assert ts.data["gyr"][2].tolist() == [3.0, 4.0, 5.0]


def test_extensor_csv_rejects_unknown_points_and_partial_triplets(tmp_path: Path) -> None:
    """Columns must be <known point>_x/_y/_conf, all three for each point."""
    unknown = _write(tmp_path, "a.csv", "time,elbow_x,elbow_y,elbow_conf\n0,1,1,1\n1,1,1,1\n")
    with pytest.raises(InputFormatError, match="must name a known point"):
        get_adapter("extensor_csv").read(unknown)
    partial = _write(tmp_path, "b.csv", "time,nose_x,nose_y\n0,1,1\n1,1,1\n")
    with pytest.raises(InputFormatError, match="'nose_conf' is required"):
        get_adapter("extensor_csv").read(partial)
    no_time = _write(tmp_path, "c.csv", "t,nose_x,nose_y,nose_conf\n0,1,1,1\n1,1,1,1\n")
    with pytest.raises(InputFormatError, match="first column must be 'time'"):
        get_adapter("extensor_csv").read(no_time)


# -- encoder ---------------------------------------------------------------------------------


def test_encoder_degrees_radians_zero_and_sign(tmp_path: Path) -> None:
    """angle = sign * (reading - zero) in degrees; neutral_known only when zero is given."""
    deg = _write(tmp_path, "deg.csv", "time_ms,angle_deg\n0,10\n20,30\n")
    ts = get_adapter("encoder").read(deg)
    assert ts.data["angle"].tolist() == [10.0, 30.0]
    assert ts.time.tolist() == [0.0, 0.02]
    assert ts.info["neutral_known"] is False
    ts = get_adapter("encoder").read(deg, angle_zero=10, angle_sign=-1)
    assert ts.data["angle"].tolist() == [0.0, -20.0]
    assert ts.info["neutral_known"] is True
    rad = _write(tmp_path, "rad.csv", f"time;angle_rad\n0;0\n0.5;{math.pi / 2}\n")
    np.testing.assert_allclose(get_adapter("encoder").read(rad).data["angle"], [0.0, 90.0])


def test_encoder_plain_angle_needs_a_unit(tmp_path: Path) -> None:
    """A plain 'angle' column needs angle_unit (option or '# angle_unit:' line)."""
    plain = _write(tmp_path, "p.csv", "t\tangle\n0\t1\n1\t2\n")
    with pytest.raises(InputFormatError, match="angle unit unknown"):
        get_adapter("encoder").read(plain)
    assert get_adapter("encoder").read(plain, angle_unit="rad").data["angle"][1] == pytest.approx(
        2 * 180 / math.pi
    )
    commented = _write(tmp_path, "c.csv", "# angle_unit: deg\ntime,angle\n0,1\n1,2\n")
    assert get_adapter("encoder").read(commented).data["angle"].tolist() == [1.0, 2.0]


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"angle_sign": 2}, "angle_sign must be \\+1 or -1"),
        ({"angle_zero": "x"}, "angle_zero must be a finite number"),
        ({"angle_unit": "grad"}, "angle_unit must be one of"),
        ({"fps": -1}, "fps must be a positive number"),
        ({"colour": "red"}, "options for encoder input must be among"),
    ],
)
def test_encoder_bad_options_are_config_errors(
    tmp_path: Path, options: dict[str, Any], error: str
) -> None:
    """Invalid option values raise ConfigError naming the option and the file."""
    path = _write(tmp_path, "e.csv", "time,angle_deg\n0,1\n1,2\n")
    with pytest.raises(ConfigError, match=error):
        get_adapter("encoder").read(path, **options)


# -- IMU -------------------------------------------------------------------------------------


def test_imu_generic_units_and_column_mapping(tmp_path: Path) -> None:
    """acc in g and gyro in deg/s are converted; columns= maps other header names."""
    text = "Zeit\tAX\tAY\tAZ\tGX\tGY\tGZ\n0\t0\t0\t1\t90\t0\t0\n0.01\t0\t1\t0\t0\t180\t0\n"
    path = _write(tmp_path, "imu.tsv", text)
    columns = {
        "time": "Zeit",
        "acc_x": "AX",
        "acc_y": "AY",
        "acc_z": "AZ",
        "gyr_x": "GX",
        "gyr_y": "GY",
        "gyr_z": "GZ",
    }
    ts = get_adapter("imu").read(path, columns=columns, acc_unit="g", gyr_unit="deg/s")
    np.testing.assert_allclose(ts.data["acc"][0], [0, 0, 9.80665])
    np.testing.assert_allclose(ts.data["gyr"][:, :2], [[math.pi / 2, 0], [0, math.pi]])
    assert ts.units == {"acc": "m/s^2", "gyr": "rad/s"}


def test_imu_decimal_comma_with_semicolons(tmp_path: Path) -> None:
    """Semicolon files with decimal commas (European spreadsheets, phyphox) are read."""
    text = "time;acc_x;acc_y;acc_z;gyr_x;gyr_y;gyr_z\n0,5;1,5;0;9,75;0;0;0,25\n1,5;0;0;9,8;0;0;0\n"
    ts = get_adapter("imu").read(_write(tmp_path, "dc.csv", text))
    assert ts.time.tolist() == [0.5, 1.5]
    assert ts.data["acc"][0].tolist() == [1.5, 0.0, 9.75]


def test_imu_without_time_uses_fps_or_asks_for_it(tmp_path: Path) -> None:
    """No time column: time = row / fps, and without fps the error asks for it."""
    path = _write(tmp_path, "nt.csv", "ax,ay,az,gx,gy,gz\n0,0,9.8,0,0,0\n0,0,9.8,0,0,0\n")
    with pytest.raises(InputFormatError, match="frame rate unknown: pass --fps"):
        get_adapter("imu").read(path)
    assert get_adapter("imu").read(path, fps=4).time.tolist() == [0.0, 0.25]


def test_imu_missing_gyro_is_an_error(tmp_path: Path) -> None:
    """An IMU recording needs both acc and gyr."""
    path = _write(tmp_path, "acc.csv", "time,acc_x,acc_y,acc_z\n0,0,0,9.8\n1,0,0,9.8\n")
    with pytest.raises(InputFormatError, match="gyr_x, gyr_y, gyr_z must be present"):
        get_adapter("imu").read(path)


def _phyphox_files(folder: Path) -> tuple[np.ndarray, np.ndarray]:
    """Accelerometer at 100 Hz from 0.013 s; gyroscope at 40 Hz from 0 s, a sine."""
    folder.mkdir(exist_ok=True)
    t_acc = 0.013 + np.arange(100) / 100.0
    t_gyr = np.arange(45) / 40.0
    acc = np.column_stack([np.sin(t_acc), np.cos(t_acc), 9.81 + 0 * t_acc])
    gyr = np.column_stack([np.sin(3 * t_gyr), 2 * t_gyr, -t_gyr])
    head_acc = ",".join(
        [
            '"Time (s)"',
            *(f'"Acceleration {a} (m/s^2)"' for a in "xyz"),
            '"Absolute acceleration (m/s^2)"',
        ]
    )
    rows = [
        f"{t!r},{a[0]!r},{a[1]!r},{a[2]!r},{float(np.linalg.norm(a))!r}"
        for t, a in zip(t_acc, acc, strict=True)
    ]
    (folder / "Accelerometer.csv").write_text("\n".join([head_acc, *rows]) + "\n")
    head_gyr = '"Time (s)","Gyroscope x (rad/s)","Gyroscope y (rad/s)","Gyroscope z (rad/s)"'
    rows = [f"{t!r},{g[0]!r},{g[1]!r},{g[2]!r}" for t, g in zip(t_gyr, gyr, strict=True)]
    (folder / "Gyroscope.csv").write_text("\n".join([head_gyr, *rows]) + "\n")
    return t_gyr, gyr


def test_phyphox_folder_resamples_gyro_onto_accelerometer_time(tmp_path: Path) -> None:
    """Gyro values are linearly interpolated at accelerometer times within the shared span."""
    folder = tmp_path / "phyphox"
    t_gyr, gyr = _phyphox_files(folder)
    assert detect_input_type(folder) == "imu"
    ts = read_recording(folder)
    assert ts.info["dialect"] == "phyphox"
    assert ts.time[-1] <= t_gyr[-1]
    assert ts.info["trimmed_samples"] == 100 - len(ts)
    for k in range(3):
        np.testing.assert_allclose(
            ts.data["gyr"][:, k], np.interp(ts.time, t_gyr, gyr[:, k]), atol=1e-12
        )
    np.testing.assert_allclose(ts.data["gyr"][:, 1], 2 * ts.time, atol=1e-12)  # linear: exact
    np.testing.assert_allclose(ts.data["acc"][:, 0], np.sin(ts.time), atol=1e-12)


def test_phyphox_zip_reads_like_the_folder(tmp_path: Path) -> None:
    """A zip of the export reads the same as the folder."""
    folder = tmp_path / "export"
    _phyphox_files(folder)
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for file in folder.iterdir():
            zf.write(file, f"Acceleration Gyro 2024-01-01/{file.name}")
    assert detect_input_type(archive) == "imu"
    a, b = read_recording(folder), read_recording(archive)
    np.testing.assert_array_equal(a.time, b.time)
    np.testing.assert_array_equal(a.data["gyr"], b.data["gyr"])


def test_phyphox_single_sensor_file_explains_what_is_missing(tmp_path: Path) -> None:
    """One phyphox CSV holds one sensor; the error asks for the export folder."""
    folder = tmp_path / "p"
    _phyphox_files(folder)
    with pytest.raises(InputFormatError, match=r"gyroscope.*Accelerometer\.csv and Gyroscope\.csv"):
        read_recording(folder / "Accelerometer.csv")


@pytest.mark.shared
def test_yurtman_barshan_real_recording() -> None:
    """The real u4 file: ~5887 samples at 25 Hz, gravity as the median |acc| (9.8 +- 0.5)."""
    assert detect_input_type(YURTMAN_U4) == "imu"
    ts = read_recording(YURTMAN_U4)
    assert ts.info["dialect"] == "yurtman-barshan"
    assert 5800 <= len(ts) <= 5950
    assert ts.sample_rate == pytest.approx(25.0, rel=1e-9)
    assert ts.time[0] == pytest.approx(1 / 25)
    assert float(np.median(np.linalg.norm(ts.data["acc"], axis=1))) == pytest.approx(9.8, abs=0.5)
    assert set(ts.data) == {"acc", "gyr", "mag"}


# -- detection and the registry --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (
            "a.json",
            '[{"frame_id": 0, "instances": [{"keypoints": [[1, 2]], "keypoint_scores": [1]}]}]',
            "coco17",
        ),
        ("b.json", '[{"image_id": 1, "category_id": 1, "keypoints": [1, 2, 2]}]', "coco17"),
        ("c.csv", "time,nose_x,nose_y,nose_z,nose_visibility\n", "mediapipe_csv"),
        ("d.csv", "# unit: px\ntime,nose_x,nose_y,nose_conf\n", "extensor_csv"),
        ("e.txt", "time index;acc_x;acc_y;acc_z;gyr_x;gyr_y;gyr_z\n", "imu"),
        ("f.csv", "time,angle_deg\n0,1\n", "encoder"),
        ("g.csv", "t;ax;ay;az;gx;gy;gz\n", "imu"),
        (
            "h.csv",
            '"Time (s)","Gyroscope x (rad/s)","Gyroscope y (rad/s)","Gyroscope z (rad/s)"\n',
            "imu",
        ),
        ("i.data", "timestamp,acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z\n", "imu"),
    ],
)
def test_detection_by_content(tmp_path: Path, name: str, content: str, expected: str) -> None:
    """The content decides the adapter, whatever the suffix."""
    assert detect_input_type(_write(tmp_path, name, content)) == expected


@pytest.mark.parametrize("suffix", [".mp4", ".mov", ".avi", ".mkv", ".webm", ".gif"])
def test_detection_of_video_by_suffix(tmp_path: Path, suffix: str) -> None:
    """Binary content with a video suffix is a video."""
    path = tmp_path / f"clip{suffix}"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00")
    assert detect_input_type(path) == "video"


def test_detection_of_image_folder_as_video(tmp_path: Path) -> None:
    """A folder of images is a video given frame by frame."""
    (tmp_path / "frame_0001.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    assert detect_input_type(tmp_path) == "video"


def test_detection_failure_names_the_file_and_what_was_expected(tmp_path: Path) -> None:
    """Unknown content raises InputFormatError naming the file and the known types."""
    path = _write(tmp_path, "notes.csv", "name,score\nann,3\n")
    with pytest.raises(
        InputFormatError, match=r"notes.csv: input type must be recognisable.*--input-type"
    ):
        detect_input_type(path)
    with pytest.raises(InputFormatError, match="no such file"):
        detect_input_type(tmp_path / "missing.csv")
    with pytest.raises(InputFormatError, match="folder must hold"):
        detect_input_type(tmp_path)
    empty = _write(tmp_path, "empty.csv", "")
    with pytest.raises(EmptyInputError, match=r"empty\.csv: file is empty"):
        detect_input_type(empty)


def test_get_adapter_unknown_name_lists_the_valid_ones() -> None:
    """An unknown --input-type is a ConfigError listing every adapter name."""
    with pytest.raises(
        ConfigError, match="coco17, encoder, extensor_csv, imu, mediapipe_csv, openpose, video"
    ):
        get_adapter("kinect")


def test_every_adapter_is_registered_under_its_name() -> None:
    """ADAPTERS maps each name to the class that declares it; kinds are contract kinds."""
    assert sorted(ADAPTERS) == [
        "coco17",
        "encoder",
        "extensor_csv",
        "imu",
        "mediapipe_csv",
        "openpose",
        "video",
    ]
    for name, cls in ADAPTERS.items():
        assert cls.name == name
        assert cls.kind in ("keypoints", "angle", "imu")


def test_video_without_the_extra_raises_missing_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading a video names the [video] extra when no video adapter is registered, and
    when the registered one cannot import OpenCV."""
    path = tmp_path / "clip.mp4"
    path.write_bytes(b"\x00")
    with monkeypatch.context() as m:
        m.delitem(extensor.io.ADAPTERS, "video")
        with pytest.raises(MissingExtraError, match=r"pip install 'extensor\[video\]'"):
            read_recording(path)
    monkeypatch.setitem(sys.modules, "cv2", None)  # makes `import cv2` fail
    with pytest.raises(
        MissingExtraError, match=r"'cv2 \(opencv-contrib-python\)'.*extensor\[video\]"
    ):
        read_recording(path)


def test_read_recording_passes_options_and_validates(tmp_path: Path) -> None:
    """read_recording detects, reads with the options and returns a validated series."""
    path = _write(tmp_path, "lever.csv", "time,angle\n0,0\n0.1,5\n0.2,10\n")
    ts = read_recording(path, angle_unit="deg", angle_zero=5)
    assert validate_recording(ts, kind="angle") is ts
    assert ts.data["angle"].tolist() == [-5.0, 0.0, 5.0]
    assert read_recording(path, input_type="encoder", angle_unit="deg").info["adapter"] == "encoder"


def test_errors_are_all_extensor_errors(tmp_path: Path) -> None:
    """A folder passed to a file adapter is a typed error, not IsADirectoryError."""
    with pytest.raises(ExtensorError, match="must be a file, got a folder"):
        get_adapter("extensor_csv").read(tmp_path)


def test_public_surface_is_pinned() -> None:
    """extensor.io exports exactly this list (STYLE habit 6)."""
    assert sorted(extensor.io.__all__) == sorted(
        [
            "ADAPTERS", "CHANNEL_SPECS", "COCO_17", "DEFAULT_MAX_INPUT_BYTES", "IMAGE_SUFFIXES",
            "MAX_MEMBER_BYTES", "MEDIAPIPE_33",
            "OPENPOSE_BODY_25", "OPENPOSE_COCO_18", "OPENPOSE_TO_EXTENSOR", "VIDEO_SUFFIXES", "Adapter",
            "Coco17Adapter", "EncoderAdapter", "ExtensorCsvAdapter", "ImuAdapter",
            "MediaPipeCsvAdapter", "OpenPoseAdapter", "detect_input_type", "get_adapter",
            "member_problem", "parse_image_size", "read_recording", "register_adapter",
            "unit_columns", "validate_recording", "write_extensor_csv",
        ]
    )  # fmt: skip
    for name in extensor.io.__all__:
        assert hasattr(extensor.io, name)


@pytest.mark.parametrize(
    "text",
    [
        '[{"image_id": 1' + "0" * 5000 + ', "category_id": 1, "keypoints": [1, 2, 1]}]',
        '[{"image_id": 1' + "0" * 400 + ', "category_id": 1, "keypoints": [1, 2, 1]}]',
        '[{"image_id": "١٢", "category_id": 1, "keypoints": [1, 2, 1]}]',
        '[{"image_id": 1, "category_id": 1, "keypoints": [1' + "0" * 400 + ", 2, 1]}]",
        '[{"frame_id": 1.5, "instances": []}]',
        '[{"frame_id": 1, "timestamp": [1], "instances": []}]',
        '{"people": 3}',
        "[1, 2, 3]",
    ],
)
def test_odd_json_values_are_typed_errors(tmp_path: Path, text: str) -> None:
    """Huge integers, non-integer ids and wrong shapes raise InputFormatError, never Overflow."""
    path = _write(tmp_path, "odd.json", text)
    with pytest.raises(InputFormatError, match=r"odd\.json"):
        get_adapter("coco17").read(path, fps=30)


def test_every_video_suffix_the_adapter_reads_is_detected(tmp_path: Path) -> None:
    """One list of suffixes: an .m4v clip (binary content) is detected as video, and so is a
    folder of .webp frames; both used to be refused while the video adapter read them."""
    clip = tmp_path / "clip.m4v"
    clip.write_bytes(b"\x00\x00\x00\x18ftypM4V \x00\x00\x00\x00")
    assert detect_input_type(clip) == "video"
    frames = tmp_path / "frames"
    frames.mkdir()
    for i in range(2):
        (frames / f"{i:03d}.webp").write_bytes(b"RIFF\x00\x00\x00\x00WEBPVP8 ")
    assert detect_input_type(frames) == "video"
    for suffix in (".mp4", ".mov", ".avi", ".mkv", ".webm", ".m4v", ".gif"):
        path = tmp_path / f"x{suffix}"
        path.write_bytes(b"\x00\x01")
        assert detect_input_type(path) == "video", suffix


def test_imu_sensor_properties_are_adapter_options(tmp_path: Path) -> None:
    """The gyroscope's range and the AHRS gain are options of the IMU adapter (defaults
    2000 deg/s and 0.5, named in extensor.core), kept in info for the orientation filter."""
    from extensor.core import DEFAULT_AHRS_GAIN, DEFAULT_GYROSCOPE_RANGE_DPS

    text = "time,acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z\n0,0,0,9.8,0,0,0\n0.1,0,0,9.8,0,0,0\n"
    path = _write(tmp_path, "imu.csv", text)
    ts = read_recording(path)
    assert (DEFAULT_GYROSCOPE_RANGE_DPS, DEFAULT_AHRS_GAIN) == (2000.0, 0.5)
    assert (ts.info["gyroscope_range_dps"], ts.info["ahrs_gain"]) == (2000.0, 0.5)
    ts = read_recording(path, gyroscope_range_dps=250, ahrs_gain=1.5)
    assert (ts.info["gyroscope_range_dps"], ts.info["ahrs_gain"]) == (250.0, 1.5)
    with pytest.raises(ConfigError, match=r"gyroscope_range_dps must be a positive number, got -1"):
        read_recording(path, gyroscope_range_dps=-1)
