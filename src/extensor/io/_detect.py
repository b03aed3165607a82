"""Which adapter reads a path: content sniffing, the adapter registry and ``read_recording``.

:func:`detect_input_type` looks at what a file holds (its first
:data:`SNIFF_BYTES`), not at its name, in this order:

* a folder: ``*_keypoints.json`` files -> ``openpose``; phyphox CSV exports -> ``imu``;
  image files -> ``video`` (frames);
* JSON: ``pose_keypoints_2d`` -> ``openpose`` (which then asks for the folder);
  ``keypoint_scores``, ``category_id``, ``instance_info`` or ``keypoints`` -> ``coco17``;
* a delimited header: ``_visibility`` / ``_presence`` -> ``mediapipe_csv``; ``_conf`` ->
  ``extensor_csv``; ``time index`` -> ``imu``; phyphox sensor columns -> ``imu``; an
  ``angle`` column -> ``encoder``; accelerometer / gyroscope columns -> ``imu``;
* binary content: a video suffix (:data:`VIDEO_SUFFIXES`) -> ``video``; a zip of phyphox
  exports -> ``imu``.

Anything else raises :class:`~extensor.InputFormatError` naming the file and what was
expected; ``--input-type`` (``input_type=``) skips detection.

The registry :data:`ADAPTERS` holds the file adapters of this package. Adapters that live in
a higher layer plug in with :func:`register_adapter`: the package root
(``extensor/__init__.py``, the composition root) registers ``extensor.video.VideoAdapter``,
so this package never imports the video package, not even by name.

>>> sorted(ADAPTERS)
['coco17', 'encoder', 'extensor_csv', 'imu', 'mediapipe_csv', 'openpose', 'video']
"""

from __future__ import annotations

import lzma
import zipfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extensor._errors import ConfigError, EmptyInputError, InputFormatError, MissingExtraError
from extensor.core import TimeSeries
from extensor.io._base import Adapter
from extensor.io._coco17 import Coco17Adapter
from extensor.io._extensor_csv import ExtensorCsvAdapter
from extensor.io._mediapipe_csv import MediaPipeCsvAdapter
from extensor.io._openpose import OpenPoseAdapter
from extensor.io._tables import (
    first_header,
    header_fields,
    read_head,
    read_prefix,
    read_zip_member,
    require_regular,
)

if TYPE_CHECKING:
    from extensor.knowledge import Exercise

from extensor.io._sensor_files import (
    _IMU_ALIASES,
    _PHYPHOX_COLUMN,
    EncoderAdapter,
    ImuAdapter,
    is_phyphox_csv,
    unit_columns,
)
from extensor.io._suffixes import IMAGE_SUFFIXES, VIDEO_SUFFIXES

__all__ = [
    "ADAPTERS",
    "IMAGE_SUFFIXES",
    "PLUGIN_EXTRAS",
    "SNIFF_BYTES",
    "VIDEO_SUFFIXES",
    "detect_input_type",
    "get_adapter",
    "read_recording",
    "register_adapter",
]

#: Bytes read from the start of a file to tell its type (MMPose puts up to a few KB of
#: ``meta_info`` before the keypoints, hence more than one block).
SNIFF_BYTES = 65536
#: The first four bytes of a zip archive (a local file header, or an empty archive's end
#: record): checked before ``zipfile`` looks at the file.
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_EXPECTED = (
    "an OpenPose folder of *_keypoints.json, COCO-17 JSON (MMPose, rtmlib, COCO results),"
    " MediaPipe landmark CSV (<name>_visibility), extensor CSV (<point>_conf), encoder CSV"
    " (angle column), IMU CSV (acc/gyr columns, phyphox export, 'time index') or a video"
)


#: Adapter name (``--input-type``) -> adapter class.
ADAPTERS: dict[str, type[Adapter]] = {
    cls.name: cls
    for cls in (
        OpenPoseAdapter,
        Coco17Adapter,
        MediaPipeCsvAdapter,
        ExtensorCsvAdapter,
        EncoderAdapter,
        ImuAdapter,
    )
}


#: Input types whose adapter a plug-in registers, and the extra that installs what it needs.
PLUGIN_EXTRAS: dict[str, tuple[str, str]] = {"video": ("video", "mediapipe")}


def register_adapter(cls: type[Adapter]) -> type[Adapter]:
    """Add an adapter defined outside this package to :data:`ADAPTERS` (under ``cls.name``).

    Called by the package root for the video adapter; usable as a class decorator by a
    third-party plug-in. Registering the same class twice is harmless; another class under
    a taken name raises :class:`~extensor.ConfigError`.

    >>> register_adapter(ADAPTERS["encoder"]).name
    'encoder'
    """
    taken = ADAPTERS.get(cls.name)
    if taken is not None and taken is not cls:
        raise ConfigError(
            f"input type {cls.name!r} must be registered once, got {cls.__qualname__}"
            f" while {taken.__qualname__} holds it"
        )
    ADAPTERS[cls.name] = cls
    return cls


def get_adapter(name: str) -> Adapter:
    """A new adapter for ``name``; an unknown name raises an error listing the valid ones.

    >>> get_adapter("encoder").kind
    'angle'
    """
    try:
        return ADAPTERS[name]()
    except KeyError:
        if name in PLUGIN_EXTRAS:
            raise MissingExtraError.for_extra(*PLUGIN_EXTRAS[name]) from None
        valid = ", ".join(sorted(ADAPTERS))
        raise ConfigError(f"input type must be one of {valid}, got {name!r}") from None


def read_recording(
    path: str | Path,
    *,
    input_type: str | None = None,
    exercise: Exercise | None = None,
    **options: Any,
) -> TimeSeries:
    """Read ``path`` with the adapter ``input_type`` (detected from the content when None).

    ``exercise`` (the loaded exercise data file) reaches the adapters tagged
    ``uses_exercise``; without it they use the bundled file.
    """
    name = input_type or detect_input_type(path)
    adapter = get_adapter(name)
    if exercise is not None and adapter.uses_exercise:
        options["exercise"] = exercise
    return adapter.read(path, **options)


def detect_input_type(path: str | Path) -> str:
    """The adapter name for ``path``, from its content (see the module docstring)."""
    p = Path(path)
    if not p.exists():
        raise InputFormatError("no such file or folder", source=p)
    if p.is_dir():
        return _detect_folder(p)
    require_regular(p)
    head = read_head(p, SNIFF_BYTES)
    if head is None:
        if p.suffix.lower() in VIDEO_SUFFIXES:
            return "video"
        if read_prefix(p, 4) in _ZIP_MAGIC and zipfile.is_zipfile(p) and _zip_is_phyphox(p):
            return "imu"
        raise _unknown(p, "binary content")
    text = head.lstrip()
    if not text:
        if p.suffix.lower() in VIDEO_SUFFIXES:
            return "video"
        raise EmptyInputError(f"file is empty, expected {_EXPECTED}", source=p)
    if text[0] in "[{":
        return _detect_json(p, text)
    header = first_header(text)
    found = _detect_header(header)
    if found is not None:
        return found
    if p.suffix.lower() in VIDEO_SUFFIXES:
        return "video"
    raise _unknown(p, f"a header {header[:60]!r}")


def _unknown(path: Path, got: str) -> InputFormatError:
    return InputFormatError(
        f"input type must be recognisable: expected {_EXPECTED}; got {got}."
        f" Pass --input-type (one of {', '.join(sorted(ADAPTERS))})",
        source=path,
    )


def _detect_json(path: Path, text: str) -> str:
    if '"pose_keypoints_2d"' in text:
        return "openpose"
    if any(
        f'"{key}"' in text
        for key in ("keypoint_scores", "category_id", "instance_info", "keypoints")
    ):
        return "coco17"
    raise _unknown(path, "JSON without keypoints")


def _detect_header(header: str) -> str | None:
    lower = header.lower()
    fields = header_fields(header)
    if "_visibility" in lower or "_presence" in lower:
        return "mediapipe_csv"
    if "_conf" in lower:
        return "extensor_csv"
    if fields and fields[0] == "time index":
        return "imu"
    if any(_PHYPHOX_COLUMN.match(f) for f in fields):
        return "imu"
    if any(f in ("angle", "angle_deg", "angle_rad") for f in fields):
        return "encoder"
    aliases = {a for key, names in _IMU_ALIASES.items() if key[:3] in ("acc", "gyr") for a in names}
    if any(f in aliases for f in fields) or unit_columns(fields):
        return "imu"
    return None


def _detect_folder(path: Path) -> str:
    if next(path.glob("*_keypoints.json"), None) is not None:
        return "openpose"
    if any(is_phyphox_csv(file) for file in sorted(path.glob("*"))):
        return "imu"
    if any(f.suffix.lower() in IMAGE_SUFFIXES for f in path.iterdir() if f.is_file()):
        return "video"
    if _is_unit_folders(path):
        return "imu"
    raise InputFormatError(
        "folder must hold OpenPose *_keypoints.json files, phyphox CSV exports"
        f" (Accelerometer.csv, Gyroscope.csv), one subfolder per IMU unit (u1/test.txt, ...)"
        f" or video frames ({', '.join(IMAGE_SUFFIXES)}),"
        f" got none. Pass --input-type (one of {', '.join(sorted(ADAPTERS))})",
        source=path,
    )


def _is_unit_folders(path: Path) -> bool:
    """True when the first subfolder's first file is an IMU recording (a session folder
    with one subfolder per unit)."""
    folders = sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith("."))
    files = (
        sorted(f for f in folders[0].iterdir() if f.is_file() and not f.name.startswith("."))
        if folders
        else []
    )
    head = read_head(files[0], SNIFF_BYTES) if files else None
    return bool(head) and _detect_header(first_header(head or "")) == "imu"


def _zip_is_phyphox(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            for member in archive.namelist():
                if member.lower().endswith(".csv"):
                    where = f"{path}/{member}"
                    raw = read_zip_member(
                        archive, member, max_bytes=SNIFF_BYTES, source=where, limit=SNIFF_BYTES
                    )
                    header = first_header(raw.decode("utf-8-sig", errors="replace"))
                    if any(_PHYPHOX_COLUMN.match(f) for f in header_fields(header)):
                        return True
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, lzma.LZMAError):
        return False
    return False
