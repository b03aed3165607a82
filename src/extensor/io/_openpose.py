"""The ``openpose`` adapter: a folder of OpenPose ``*_keypoints.json`` files, one per frame,
BODY_25 (75 numbers per person) or COCO-18 (54). The frame number comes from the file name and
time = frame / ``fps`` (option, required). ``0, 0, 0`` (confidence 0) is a missing point.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np

from extensor._errors import EmptyInputError, InputFormatError
from extensor.core import (
    FloatArray,
    TimeSeries,
)
from extensor.io._base import Adapter
from extensor.io._keypoint_tools import finish_keypoints, json_floats, mark_missing, track_person
from extensor.io._layouts import OPENPOSE_BODY_25, OPENPOSE_COCO_18, OPENPOSE_TO_EXTENSOR
from extensor.io._tables import check_options, fps_option, image_size_for, read_json, unit_choice

__all__ = [
    "OpenPoseAdapter",
]

_FRAME_NUMBER = re.compile(r"(\d+)_keypoints\.json$")

# -- OpenPose --------------------------------------------------------------------------------


class OpenPoseAdapter(Adapter):
    """A folder of OpenPose ``*_keypoints.json`` files (BODY_25 or COCO-18), one per frame.

    Options: ``fps`` (required: time = frame number / fps), ``unit`` (px | normalized).
    """

    name = "openpose"
    kind = "keypoints"
    suffixes = ()

    def _read(self, path: Path, **options: Any) -> TimeSeries:
        src = str(path)
        check_options(options, ("fps", "unit", "image_size"), adapter=self.name, source=src)
        fps = fps_option(options.get("fps"), source=src)
        unit = unit_choice(options.get("unit"), {}, source=src)
        if not path.is_dir():
            raise InputFormatError(
                "must be a folder of OpenPose *_keypoints.json files (one per frame), got a file",
                source=src,
            )
        files = sorted(path.glob("*_keypoints.json"))
        if not files:
            raise EmptyInputError(
                "folder must hold OpenPose *_keypoints.json files, got none", source=src
            )
        if fps is None:
            raise InputFormatError("frame rate unknown: pass --fps", source=src)
        by_frame: dict[int, Path] = {}
        for file in files:
            match = _FRAME_NUMBER.search(file.name)
            if match is None:
                raise InputFormatError(
                    f"file names must end in <frame number>_keypoints.json, got {file.name!r}",
                    source=src,
                )
            frame = int(match.group(1))
            if frame in by_frame:
                raise InputFormatError(
                    f"frame numbers must be unique, got {frame} in both {by_frame[frame].name!r}"
                    f" and {file.name!r}",
                    source=src,
                )
            by_frame[frame] = file
        numbers = sorted(by_frame)
        layout: tuple[str, ...] | None = None
        people: list[FloatArray] = []
        for frame in numbers:
            found, layout = _openpose_people(by_frame[frame], layout, max_bytes=self.max_bytes)
            people.append(found)
        if layout is None:
            raise EmptyInputError(
                f"no person found in any of the {len(numbers)} frames", source=src
            )
        picked = track_person(
            [p if p.size else np.empty((0, len(layout), 3)) for p in people], len(layout)
        )
        points = {
            OPENPOSE_TO_EXTENSOR[name]: picked[:, k]
            for k, name in enumerate(layout)
            if name in OPENPOSE_TO_EXTENSOR
        }
        info = {
            "adapter": self.name,
            "fps": fps,
            "layout": "BODY_25" if layout is OPENPOSE_BODY_25 else "COCO_18",
            "people_max": max(p.shape[0] for p in people),
        }
        time = np.asarray(numbers, dtype=np.float64) / fps
        size = image_size_for(options.get("image_size"), {}, source=src)
        if size is not None:
            info["image_size"] = size
        return finish_keypoints(time, points, unit=unit, source=src, info=info)


def _openpose_people(
    file: Path, layout: tuple[str, ...] | None, *, max_bytes: int
) -> tuple[FloatArray, tuple[str, ...] | None]:
    """(people, points, 3) of one frame file, and the layout (fixed by the first person)."""
    src = str(file)
    data = read_json(file, source=src, max_bytes=max_bytes)
    if not isinstance(data, dict) or not isinstance(data.get("people"), list):
        got = f"keys {sorted(data)[:8]}" if isinstance(data, dict) else type(data).__name__
        raise InputFormatError(
            f"must be an OpenPose frame, an object with a 'people' list, got {got}", source=src
        )
    found: list[FloatArray] = []
    for p, person in enumerate(data["people"]):
        raw = person.get("pose_keypoints_2d") if isinstance(person, dict) else None
        if raw is None or raw == []:
            continue  # a person with only face or hand keypoints
        if not isinstance(raw, list):
            raise InputFormatError(
                f"pose_keypoints_2d of person {p} must be a list of numbers,"
                f" got {type(raw).__name__}",
                source=src,
            )
        sizes = {
            3 * len(OPENPOSE_BODY_25): OPENPOSE_BODY_25,
            3 * len(OPENPOSE_COCO_18): OPENPOSE_COCO_18,
        }
        this = sizes.get(len(raw))
        if this is None:
            raise InputFormatError(
                f"pose_keypoints_2d of person {p} must hold 75 (BODY_25) or 54 (COCO-18) numbers,"
                f" got {len(raw)}",
                source=src,
            )
        flat = json_floats(raw, what=f"pose_keypoints_2d of person {p}", source=src, names=this)
        if flat.ndim != 1:
            raise InputFormatError(
                f"pose_keypoints_2d of person {p} must be a flat list of numbers, got nested lists",
                source=src,
            )
        if layout is None:
            layout = this
        elif this is not layout:
            raise InputFormatError(
                f"pose_keypoints_2d of person {p} must hold {3 * len(layout)} numbers like the"
                f" earlier frames, got {len(raw)}",
                source=src,
            )
        found.append(mark_missing(flat.reshape(-1, 3).copy()))
    if not found:
        return np.empty((0, 0, 3)), layout
    return np.stack(found), layout
