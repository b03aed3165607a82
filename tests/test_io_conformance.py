"""The one input contract, checked against every file adapter (STYLE habit 7).

Each adapter has a sample factory below that writes a small valid file from known arrays
(the truth), and the same file spoiled in each typical way. The tests check that a valid
file reads back to the truth, and that every bad file raises a typed extensor error whose
message names the file; nothing like a bare ``ValueError`` or ``JSONDecodeError`` escapes.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extensor._errors import EmptyInputError, InputError, InputFormatError
from extensor.io import (
    ADAPTERS,
    COCO_17,
    OPENPOSE_BODY_25,
    OPENPOSE_TO_EXTENSOR,
    detect_input_type,
    get_adapter,
    validate_recording,
)

#: Spoiled inputs that must raise InputFormatError.
FORMAT_CASES = ("truncated", "non_numeric", "wrong_delimiter", "unsorted", "duplicated")
#: Spoiled inputs that must raise EmptyInputError.
EMPTY_CASES = ("empty", "header_only", "single_frame", "all_zero_conf", "all_nan")
#: Rows (0-based) blanked in the "nan_run" sample.
NAN_ROWS = slice(2, 5)
N_FRAMES = 12


class NotApplicableError(Exception):
    """This spoiled input makes no sense for this format (the reason is the message)."""


@dataclass
class Written:
    """A sample on disk, with the truth a reader must return and where a bad value sits."""

    path: Path
    options: dict[str, Any]
    time: np.ndarray | None = None
    data: dict[str, np.ndarray] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    bad_row: str = "row 3"
    bad_column: str = ""


def _num(value: float) -> str:
    return "" if np.isnan(value) else repr(float(value))


def _rng() -> np.random.Generator:
    return np.random.default_rng(20240611)


def _blank_keypoints(data: dict[str, np.ndarray], rows: slice) -> dict[str, np.ndarray]:
    out = {k: v.copy() for k, v in data.items()}
    for v in out.values():
        v[rows, :2] = np.nan
        v[rows, 2] = 0.0
    return out


def _blank_values(data: dict[str, np.ndarray], rows: slice) -> dict[str, np.ndarray]:
    out = {k: v.copy() for k, v in data.items()}
    for v in out.values():
        v[rows] = np.nan
    return out


# -- delimited-text samples ------------------------------------------------------------------


class CsvSample:
    """A delimited text sample: a numeric matrix (time first) rendered and spoiled by rows."""

    id = ""
    adapter = ""
    delimiter = ","
    wrong_delimiter = ";"
    filename = "recording.csv"
    comments: tuple[str, ...] = ()
    options: dict[str, Any] = {}  # noqa: RUF012 - read only
    keypoints = False
    #: Channels the blanked rows belong to (``None``: all).
    blanked: tuple[str, ...] | None = None

    def build(self) -> tuple[list[str], np.ndarray, Written, list[int]]:
        """Header, matrix (rows, columns), the truth, and the confidence columns."""
        raise NotImplementedError

    def place(self, tmp: Path, text: str) -> Path:
        path = tmp / self.filename
        path.write_text(text, encoding="utf-8")
        return path

    def write(self, tmp: Path, case: str) -> Written:
        header, matrix, truth, conf_cols = self.build()
        cells = [[_num(v) for v in row] for row in matrix]
        delimiter = self.delimiter
        if case == "all_zero_conf":
            if not conf_cols:
                raise NotApplicableError("sensor data has no confidence; see the all_nan case")
            for row in cells:
                for j in conf_cols:
                    row[j] = "0"
        elif case in ("nan_run", "all_nan"):
            rows = NAN_ROWS if case == "nan_run" else slice(None)
            for row in cells[rows]:
                row[1:] = [""] * (len(row) - 1)
            blank = _blank_keypoints if self.keypoints else _blank_values
            chosen = {k: v for k, v in truth.data.items() if k in (self.blanked or truth.data)}
            truth.data = {**truth.data, **blank(chosen, rows)}
        elif case == "non_numeric":
            cells[2][1] = "abc"
        elif case == "wrong_delimiter":
            delimiter = self.wrong_delimiter
        elif case == "unsorted":
            cells[2][0], cells[3][0] = cells[3][0], cells[2][0]
        elif case == "duplicated":
            cells[3][0] = cells[2][0]
        elif case == "single_frame":
            cells = cells[:1]
        elif case == "header_only":
            cells = []
        lines = [*self.comments, delimiter.join(header), *(delimiter.join(r) for r in cells)]
        if case == "truncated":
            fields = lines[-1].split(delimiter)
            lines[-1] = delimiter.join(fields[: len(fields) // 2])
        text = "" if case == "empty" else "\n".join(lines) + "\n"
        truth.path = self.place(tmp, text)
        truth.bad_column = header[1].strip('"')
        return truth


def _keypoint_truth(
    names: tuple[str, ...], *, scale: float
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    rng = _rng()
    data = {}
    for name in names:
        xy = rng.uniform(0.05, 0.95, size=(N_FRAMES, 2)) * scale
        conf = rng.uniform(0.3, 1.0, size=(N_FRAMES, 1))
        data[name] = np.hstack([xy, conf])
    return np.arange(N_FRAMES) / 30.0, data


class ExtensorCsvSample(CsvSample):
    id = adapter = "extensor_csv"
    comments = ("# extensor keypoints", "# unit: px", "# image_size: 1280x720")
    keypoints = True

    def build(self) -> tuple[list[str], np.ndarray, Written, list[int]]:
        names = ("nose", "neck", "left_shoulder", "left_hip", "left_knee")
        time, data = _keypoint_truth(names, scale=1000.0)
        header = ["time", *(f"{n}_{s}" for n in names for s in ("x", "y", "conf"))]
        matrix = np.column_stack([time, *data.values()])
        conf_cols = [3 + 3 * k for k in range(len(names))]
        truth = Written(Path(), {}, time, data, dict.fromkeys(names, "px"))
        return header, matrix, truth, conf_cols


class MediaPipeCsvSample(CsvSample):
    id = adapter = "mediapipe_csv"
    keypoints = True

    def build(self) -> tuple[list[str], np.ndarray, Written, list[int]]:
        names = ("nose", "left_shoulder", "left_hip", "left_knee", "left_ankle")
        _, data = _keypoint_truth(names, scale=1.0)
        millis = np.round(np.arange(N_FRAMES) * 1000 / 30)
        z = _rng().normal(size=(N_FRAMES, len(names)))
        header = ["timestamp_ms"]
        columns = [millis]
        for k, name in enumerate(names):
            header += [f"{name}_x", f"{name}_y", f"{name}_z", f"{name}_visibility"]
            columns += [data[name][:, 0], data[name][:, 1], z[:, k], data[name][:, 2]]
        conf_cols = [4 + 4 * k for k in range(len(names))]
        truth = Written(Path(), {}, millis / 1000.0, data, dict.fromkeys(names, "normalized"))
        return header, np.column_stack(columns), truth, conf_cols


class EncoderSample(CsvSample):
    """Radians with a neutral offset and a flipped sign: the documented conversion."""

    id = adapter = "encoder"
    options = {"angle_zero": 0.1, "angle_sign": -1}  # noqa: RUF012 - read only
    wrong_delimiter = "|"

    def build(self) -> tuple[list[str], np.ndarray, Written, list[int]]:
        time = np.arange(N_FRAMES) / 50.0
        rad = 0.1 + 0.6 * np.sin(time * 3.0)
        truth = Written(
            Path(),
            dict(self.options),
            time,
            {"angle": -(rad - 0.1) * 180.0 / np.pi},
            {"angle": "deg"},
        )
        return ["time", "angle_rad"], np.column_stack([time, rad]), truth, []


def _imu_values(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = _rng()
    return rng.normal(size=(n, 3)), rng.normal(size=(n, 3)), rng.normal(size=(n, 3))


class ImuGenericSample(CsvSample):
    """Semicolons, time in ms, acc in g and gyro in deg/s: conversions on the way in."""

    id = "imu-generic"
    adapter = "imu"
    delimiter = ";"
    wrong_delimiter = "|"
    options = {"acc_unit": "g", "gyr_unit": "deg/s"}  # noqa: RUF012 - read only

    def build(self) -> tuple[list[str], np.ndarray, Written, list[int]]:
        millis = np.arange(N_FRAMES) * 10.0 + 3.0
        acc, gyr, _ = _imu_values(N_FRAMES)
        header = ["time_ms", "ax", "ay", "az", "gx", "gy", "gz"]
        data = {"acc": acc * 9.80665, "gyr": gyr * np.pi / 180.0}
        truth = Written(
            Path(), dict(self.options), millis / 1000.0, data, {"acc": "m/s^2", "gyr": "rad/s"}
        )
        return header, np.column_stack([millis, acc, gyr]), truth, []


class ImuYurtmanSample(CsvSample):
    id = "imu-yurtman-barshan"
    adapter = "imu"
    delimiter = ";"
    wrong_delimiter = "|"
    filename = "test.txt"

    def build(self) -> tuple[list[str], np.ndarray, Written, list[int]]:
        index = np.arange(1, N_FRAMES + 1, dtype=float)
        acc, gyr, mag = _imu_values(N_FRAMES)
        header = ["time index", *(f"{s}_{a}" for s in ("acc", "gyr", "mag") for a in "xyz")]
        units = {"acc": "m/s^2", "gyr": "rad/s", "mag": "a.u."}
        truth = Written(Path(), {}, index / 25.0, {"acc": acc, "gyr": gyr, "mag": mag}, units)
        return header, np.column_stack([index, acc, gyr, mag]), truth, []


#: The gyroscope of the phyphox sample: linear in time, so interpolation is exact.
def _phyphox_gyr(t: np.ndarray) -> np.ndarray:
    return np.column_stack([0.5 + 2.0 * t, -1.0 * t, 0.25 - 0.5 * t])


class PhyphoxSample(CsvSample):
    """A phyphox export folder; the accelerometer file is the one spoiled."""

    id = "imu-phyphox"
    adapter = "imu"
    blanked = ("acc",)
    wrong_delimiter = "|"

    def build(self) -> tuple[list[str], np.ndarray, Written, list[int]]:
        time = 0.01 + np.arange(N_FRAMES) / 100.0
        acc, _, _ = _imu_values(N_FRAMES)
        header = ['"Time (s)"', *(f'"Acceleration {a} (m/s^2)"' for a in "xyz")]
        data = {"acc": acc, "gyr": _phyphox_gyr(time)}
        truth = Written(Path(), {}, time, data, {"acc": "m/s^2", "gyr": "rad/s"})
        return header, np.column_stack([time, acc]), truth, []

    def place(self, tmp: Path, text: str) -> Path:
        folder = tmp / "phyphox export"
        folder.mkdir()
        (folder / "Accelerometer.csv").write_text(text, encoding="utf-8")
        t_gyr = np.arange(0.0, 0.2, 1 / 60.0)  # spans the accelerometer, another rate
        rows = [
            ",".join(_num(v) for v in (t, *g))
            for t, g in zip(t_gyr, _phyphox_gyr(t_gyr), strict=True)
        ]
        head = ",".join(['"Time (s)"', *(f'"Gyroscope {a} (rad/s)"' for a in "xyz")])
        (folder / "Gyroscope.csv").write_text("\n".join([head, *rows]) + "\n", encoding="utf-8")
        return folder


# -- JSON samples ----------------------------------------------------------------------------


class OpenPoseSample:
    """A folder of BODY_25 frame files, one person; frame 1 misses LWrist (0, 0, 0)."""

    id = adapter = "openpose"
    options = {"fps": 30}  # noqa: RUF012 - read only

    def write(self, tmp: Path, case: str) -> Written:
        if case == "unsorted":
            raise NotApplicableError("time comes from the frame numbers in the sorted file names")
        rng = _rng()
        folder = tmp / "openpose_out"
        folder.mkdir()
        n = 1 if case == "single_frame" else N_FRAMES
        people = rng.uniform(50, 1000, size=(n, len(OPENPOSE_BODY_25), 3))
        people[..., 2] = rng.uniform(0.3, 1.0, size=(n, len(OPENPOSE_BODY_25)))
        wrist = OPENPOSE_BODY_25.index("LWrist")
        people[min(1, n - 1), wrist] = 0.0
        if case == "all_zero_conf":
            people[..., 2] = 0.0
        blank = {"nan_run": range(2, 5), "all_nan": range(n), "header_only": range(n)}.get(case, ())
        truth = Written(folder, dict(self.options), np.arange(n) / 30.0)
        for k, name in enumerate(OPENPOSE_BODY_25):
            if name in OPENPOSE_TO_EXTENSOR:
                values = people[:, k].copy()
                missing = values[:, 2] == 0
                values[missing, :2] = np.nan
                values[list(blank), :2] = np.nan
                values[list(blank), 2] = 0.0
                truth.data[OPENPOSE_TO_EXTENSOR[name]] = values
                truth.units[OPENPOSE_TO_EXTENSOR[name]] = "px"
        if case == "empty":
            return truth
        for f in range(n):
            flat: list[Any] = [float(v) for v in people[f].ravel()]
            if case == "non_numeric" and f == 2:
                flat[3 * wrist] = "abc"
            found = [] if f in blank else [{"person_id": [-1], "pose_keypoints_2d": flat}]
            text = json.dumps({"version": 1.3, "people": found})
            if f == n - 1 and case == "truncated":
                text = text[: len(text) // 2]
            if f == n - 1 and case == "wrong_delimiter":
                text = "x;y;c\n1;2;3\n"
            (folder / f"clip_{f:012d}_keypoints.json").write_text(text)
        if case == "duplicated":
            (folder / f"other_{3:012d}_keypoints.json").write_text(
                json.dumps({"version": 1.3, "people": []})
            )
        truth.bad_row = f"clip_{2:012d}_keypoints.json"
        truth.bad_column = "LWrist"
        return truth


class Coco17Sample:
    """An MMPose-style list of frames with timestamps; one instance per frame."""

    id = adapter = "coco17"
    options: dict[str, Any] = {}  # noqa: RUF012 - read only

    def write(self, tmp: Path, case: str) -> Written:
        rng = _rng()
        n = 1 if case == "single_frame" else N_FRAMES
        xy = rng.uniform(20, 600, size=(n, len(COCO_17), 2))
        scores = rng.uniform(0.3, 1.0, size=(n, len(COCO_17)))
        if case == "all_zero_conf":
            scores[:] = 0.0
        stamps = [0.25 + f / 25.0 for f in range(n)]
        if case == "unsorted":
            stamps[2], stamps[3] = stamps[3], stamps[2]
        if case == "duplicated":
            stamps[3] = stamps[2]
        blank = {"nan_run": range(2, 5), "all_nan": range(n)}.get(case, ())
        frames: list[dict[str, Any]] = []
        for f in range(n):
            keypoints: list[list[Any]] = xy[f].tolist()
            if case == "non_numeric" and f == 2:
                keypoints[3][0] = "abc"
            instances = (
                []
                if f in blank
                else [
                    {
                        "keypoints": keypoints,
                        "keypoint_scores": scores[f].tolist(),
                        "bbox": [[0, 0, 1, 1]],
                    }
                ]
            )
            frames.append({"frame_id": f, "timestamp": stamps[f], "instances": instances})
        text = json.dumps(frames)
        if case == "header_only":
            text = "[]"
        elif case == "empty":
            text = ""
        elif case == "truncated":
            text = text[: len(text) // 2]
        elif case == "wrong_delimiter":
            text = "frame_id;nose_x;nose_y\n0;1;2\n"
        path = tmp / "poses.json"
        path.write_text(text)
        truth = Written(path, {}, np.asarray(stamps))
        for k, name in enumerate(COCO_17):
            values = np.column_stack([xy[:, k], scores[:, k]])
            values[list(blank), :2] = np.nan
            values[list(blank), 2] = 0.0
            truth.data[name] = values
            truth.units[name] = "px"
        truth.bad_column = COCO_17[3]
        return truth


Factory = CsvSample | OpenPoseSample | Coco17Sample
FACTORIES: list[Factory] = [
    OpenPoseSample(),
    Coco17Sample(),
    MediaPipeCsvSample(),
    ExtensorCsvSample(),
    EncoderSample(),
    ImuGenericSample(),
    ImuYurtmanSample(),
    PhyphoxSample(),
]
IDS = [f.id for f in FACTORIES]


def _write(factory: Factory, tmp: Path, case: str) -> Written:
    try:
        return factory.write(tmp, case)
    except NotApplicableError as reason:
        pytest.skip(f"{factory.id}: {reason}")


# -- the tests -------------------------------------------------------------------------------


def test_every_adapter_has_a_sample_factory() -> None:
    """A new adapter cannot be registered without joining this conformance suite."""
    covered = {f.adapter for f in FACTORIES}
    # The video adapter needs the [video] extra and a real clip; it is tested with extensor.video.
    assert covered == set(ADAPTERS) - {"video"}


@pytest.mark.parametrize("factory", FACTORIES, ids=IDS)
def test_valid_sample_reads_back_to_the_known_truth(factory: Factory, tmp_path: Path) -> None:
    """read() returns a validated series of the adapter's kind, equal to the truth (1e-6)."""
    sample = _write(factory, tmp_path, "valid")
    adapter = get_adapter(factory.adapter)
    ts = adapter.read(sample.path, **sample.options)
    assert validate_recording(ts, kind=adapter.kind) is ts
    assert np.all(np.diff(ts.time) > 0)
    assert ts.info["kind"] == adapter.kind
    assert ts.info["source"] == str(sample.path)
    assert sample.time is not None
    np.testing.assert_allclose(ts.time, sample.time, rtol=0, atol=1e-6)
    assert set(ts.data) == set(sample.data)
    for name, expected in sample.data.items():
        np.testing.assert_allclose(ts.data[name], expected, rtol=0, atol=1e-6, err_msg=name)
    assert ts.units == sample.units


@pytest.mark.parametrize("factory", FACTORIES, ids=IDS)
def test_valid_sample_is_detected_as_its_adapter(factory: Factory, tmp_path: Path) -> None:
    """Content sniffing names the adapter that wrote the sample."""
    sample = _write(factory, tmp_path, "valid")
    assert detect_input_type(sample.path) == factory.adapter


@pytest.mark.parametrize("factory", FACTORIES, ids=IDS)
def test_nan_runs_read_as_missing_values_not_errors(factory: Factory, tmp_path: Path) -> None:
    """A run of empty values becomes NaN (keypoints: NaN coordinates, confidence 0)."""
    sample = _write(factory, tmp_path, "nan_run")
    ts = get_adapter(factory.adapter).read(sample.path, **sample.options)
    for name, expected in sample.data.items():
        np.testing.assert_allclose(ts.data[name], expected, rtol=0, atol=1e-6, err_msg=name)
    assert any(np.isnan(v[NAN_ROWS]).all() for v in sample.data.values() if v.ndim == 1) or any(
        np.isnan(v[NAN_ROWS, :2]).all() for v in sample.data.values() if v.ndim > 1
    )


@pytest.mark.parametrize("case", FORMAT_CASES + EMPTY_CASES)
@pytest.mark.parametrize("factory", FACTORIES, ids=IDS)
def test_bad_input_raises_a_typed_error_naming_the_file(
    factory: Factory, case: str, tmp_path: Path
) -> None:
    """Spoiled files raise InputFormatError / EmptyInputError with the file in the message."""
    sample = _write(factory, tmp_path, case)
    expected = EmptyInputError if case in EMPTY_CASES else InputFormatError
    with pytest.raises(expected) as caught:
        get_adapter(factory.adapter).read(sample.path, **sample.options)
    message = str(caught.value)
    assert sample.path.name in message
    assert caught.value.source is not None
    assert sample.path.name in caught.value.source
    if case == "non_numeric":
        assert sample.bad_row in message
        assert sample.bad_column in message
        assert "'abc'" in message


def _fuzz_targets() -> list[tuple[str, Callable[[Path, bytes], Path]]]:
    def as_file(suffix: str) -> Callable[[Path, bytes], Path]:
        def write(folder: Path, raw: bytes) -> Path:
            path = folder / f"fuzz{suffix}"
            path.write_bytes(raw)
            return path

        return write

    def as_frame(folder: Path, raw: bytes) -> Path:
        (folder / "f_000000000000_keypoints.json").write_bytes(raw)
        (folder / "f_000000000001_keypoints.json").write_bytes(raw)
        return folder

    def as_phyphox(folder: Path, raw: bytes) -> Path:
        (folder / "Accelerometer.csv").write_bytes(raw)
        (folder / "Gyroscope.csv").write_bytes(b'"Time (s)","Gyroscope x (rad/s)"\n0,1\n')
        return folder

    return [
        ("openpose", as_frame),
        ("coco17", as_file(".json")),
        ("mediapipe_csv", as_file(".csv")),
        ("extensor_csv", as_file(".csv")),
        ("encoder", as_file(".csv")),
        ("imu", as_file(".csv")),
        ("imu", as_phyphox),
    ]


_CSVISH = st.lists(
    st.sampled_from(
        ["time", "time_ms", ",", ";", "\n", "#", " unit: px", "nose_x", "nose_y", "nose_conf",
         "acc_x", "ax", "gx", "angle", "angle_deg", "_visibility", "1", "0", "-2.5", "nan", "",
         "abc", '"', "[", "{", "}", "]", '"people"', '"keypoints"', ":", "1e400", "\x00", "é"]
    ),
    max_size=40,
).map(lambda parts: "".join(parts).encode("utf-8"))  # fmt: skip


@pytest.mark.parametrize(
    ("adapter", "writer"), _fuzz_targets(), ids=lambda v: getattr(v, "__name__", v)
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.one_of(_CSVISH, st.binary(max_size=200)))
def test_garbage_never_escapes_as_a_bare_exception(
    adapter: str, writer: Callable[[Path, bytes], Path], raw: bytes
) -> None:
    """Whatever the bytes, a reader returns a valid series or raises an InputError."""
    with tempfile.TemporaryDirectory() as tmp:
        path = writer(Path(tmp), raw)
        try:
            get_adapter(adapter).read(path, fps=30)
        except InputError as err:
            source = err.source
        else:
            source = str(path)
        assert source
