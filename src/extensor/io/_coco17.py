"""The ``coco17`` adapter: COCO-17 keypoints as written by MMPose / rtmlib-style tools.

A list of frames ``{"frame_id" | "frame_idx" | "image_id", "timestamp"?, "instances" |
"predictions" | "keypoints"}`` (also MMPose's ``{"instance_info": [...]}``), or COCO results
``[{"image_id", "category_id", "keypoints": [x, y, v] * 17, "score"}]``. Time from
``timestamp`` (seconds) when present, else frame / ``fps``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from extensor._errors import EmptyInputError, InputFormatError
from extensor.core import (
    FloatArray,
    TimeSeries,
)
from extensor.io._base import Adapter
from extensor.io._keypoint_tools import (
    finish_keypoints,
    int_field,
    json_floats,
    mark_missing,
    track_person,
)
from extensor.io._layouts import COCO_17
from extensor.io._tables import (
    check_options,
    check_time,
    fps_option,
    image_size_for,
    read_json,
    unit_choice,
)

__all__ = [
    "Coco17Adapter",
]

# -- COCO-17 (MMPose, rtmlib, COCO results) ---------------------------------------------------


class Coco17Adapter(Adapter):
    """COCO-17 keypoint JSON: MMPose / rtmlib per-frame lists or COCO results.

    Options: ``fps`` (required unless every frame has a ``timestamp``), ``unit``.
    """

    name = "coco17"
    kind = "keypoints"
    suffixes = (".json",)

    def _read(self, path: Path, **options: Any) -> TimeSeries:
        src = str(path)
        check_options(options, ("fps", "unit", "image_size"), adapter=self.name, source=src)
        fps = fps_option(options.get("fps"), source=src)
        unit = unit_choice(options.get("unit"), {}, source=src)
        data = read_json(path, source=src, max_bytes=self.max_bytes)
        if isinstance(data, dict):
            key = next((k for k in ("instance_info", "annotations", "frames") if k in data), None)
            if key is None:
                raise InputFormatError(
                    "must be a list of frames or of COCO results (or an object with"
                    f" 'instance_info'), got an object with keys {sorted(data)[:8]}",
                    source=src,
                )
            data = data[key]
        if not isinstance(data, list):
            raise InputFormatError(
                f"must be a list of frames or of COCO results, got {type(data).__name__}",
                source=src,
            )
        if not data:
            raise EmptyInputError("must hold at least 2 frames, got an empty list", source=src)
        if _is_coco_results(data[0]):
            time, people, layout_info = _coco_results(data, fps=fps, source=src)
        else:
            time, people, layout_info = _coco_frames(data, fps=fps, source=src)
        picked = track_person(people, len(COCO_17))
        points = {name: picked[:, k] for k, name in enumerate(COCO_17)}
        info = {
            "adapter": self.name,
            "people_max": max((p.shape[0] for p in people), default=0),
            **layout_info,
        }
        if fps is not None:
            info["fps"] = fps
        size = image_size_for(options.get("image_size"), {}, source=src)
        if size is not None:
            info["image_size"] = size
        return finish_keypoints(time, points, unit=unit, source=src, info=info)


def _is_coco_results(first: Any) -> bool:
    if not isinstance(first, dict):
        return False
    if "category_id" in first:
        return True
    kps = first.get("keypoints")
    flat = isinstance(kps, list) and bool(kps) and not isinstance(kps[0], list | dict)
    return "image_id" in first and flat and not ({"instances", "predictions"} & set(first))


def _frame_rate_needed(fps: float | None, source: str) -> float:
    if fps is None:
        raise InputFormatError("frame rate unknown: pass --fps", source=source)
    return fps


def _coco_results(
    entries: list[Any], *, fps: float | None, source: str
) -> tuple[FloatArray, list[FloatArray], dict[str, Any]]:
    """COCO results: one entry per detected person, grouped by ``image_id``."""
    groups: dict[int, list[FloatArray]] = {}
    for r, entry in enumerate(entries):
        where = f"row {r + 1}"
        if not isinstance(entry, dict) or "image_id" not in entry or "keypoints" not in entry:
            raise InputFormatError(
                "each COCO result must be an object with 'image_id' and 'keypoints',"
                f" got {entry!r:.60} at {where}",
                source=source,
            )
        image_id = int_field(entry, "image_id", where=where, source=source)
        kps = json_floats(
            entry["keypoints"], what=f"keypoints at {where}", source=source, names=COCO_17
        )
        if kps.shape != (3 * len(COCO_17),):
            raise InputFormatError(
                "keypoints must hold 51 numbers (17 x [x, y, v]),"
                f" got shape {kps.shape} at {where}",
                source=source,
            )
        groups.setdefault(image_id, []).append(kps.reshape(len(COCO_17), 3).copy())
    ids = sorted(groups)
    people = [np.stack(groups[i]) for i in ids]
    v = np.concatenate([p[..., 2].ravel() for p in people])
    v = v[np.isfinite(v)]
    # Ground-truth style visibility flags (0 absent, 1 occluded, 2 visible) vs scores.
    flags = bool(v.size) and bool(np.isin(v, (0.0, 1.0, 2.0)).all()) and bool((v == 2.0).any())
    for p in people:
        if flags:
            p[..., 2] = (p[..., 2] > 0).astype(np.float64)
        mark_missing(p)
    time = np.asarray(ids, dtype=np.float64) / _frame_rate_needed(fps, source)
    return time, people, {"layout": "COCO_17", "format": "coco_results", "visibility_flags": flags}


def _coco_frames(
    frames: list[Any], *, fps: float | None, source: str
) -> tuple[FloatArray, list[FloatArray], dict[str, Any]]:
    """MMPose / rtmlib per-frame objects."""
    ids: list[int | None] = []
    stamps: list[float | None] = []
    people: list[FloatArray] = []
    for r, frame in enumerate(frames):
        where = f"row {r + 1}"
        if not isinstance(frame, dict):
            raise InputFormatError(
                f"each frame must be an object, got {type(frame).__name__} at {where}",
                source=source,
            )
        id_key = next((k for k in ("frame_id", "frame_idx", "image_id") if k in frame), None)
        fid = None if id_key is None else int_field(frame, id_key, where=where, source=source)
        where = f"frame {fid} ({where})" if fid is not None else where
        stamp = frame.get("timestamp")
        if stamp is not None:
            stamp_arr = json_floats(stamp, what=f"timestamp at {where}", source=source)
            if stamp_arr.ndim != 0:
                raise InputFormatError(
                    f"timestamp must be a number of seconds, got {stamp!r} at {where}",
                    source=source,
                )
            stamp = float(stamp_arr)
        ids.append(fid)
        stamps.append(stamp)
        people.append(_coco_frame_people(frame, where=where, source=source))
    rows = np.arange(len(frames))
    has_ids = [i is not None for i in ids]
    if any(has_ids) and not all(has_ids):
        r = has_ids.index(False)
        raise InputFormatError(
            f"frame_id must be given for every frame or none, got none at row {r + 1}",
            source=source,
        )
    if all(has_ids):
        fids = np.asarray(ids, dtype=np.float64)
        order = np.argsort(fids, kind="stable")
        sorted_ids = fids[order]
        dup = np.flatnonzero(np.diff(sorted_ids) == 0)
        if dup.size:
            a, b = sorted(order[dup[0] : dup[0] + 2])
            raise InputFormatError(
                f"frame_id must be unique, got {int(sorted_ids[dup[0]])}"
                f" at rows {a + 1} and {b + 1}",
                source=source,
            )
        rows = order
    else:
        fids = rows.astype(np.float64)
    people = [people[i] for i in rows]

    def frame_where(i: int) -> str:
        return f"frame {int(fids[rows[i]])} (row {int(rows[i]) + 1})"

    has_stamps = [s is not None for s in stamps]
    if any(has_stamps):
        if not all(has_stamps):
            r = has_stamps.index(False)
            raise InputFormatError(
                f"timestamp must be given for every frame or none, got none at row {r + 1}",
                source=source,
            )
        time = np.asarray([stamps[i] for i in rows], dtype=np.float64)
        check_time(time, name="timestamp", where=frame_where, source=source, label="timestamp")
        return time, people, {"layout": "COCO_17", "format": "frames", "time_from": "timestamp"}
    time = check_time(
        fids[rows], name="frame_id", where=frame_where, source=source, label="frame_id"
    )
    return (
        time / _frame_rate_needed(fps, source),
        people,
        {
            "layout": "COCO_17",
            "format": "frames",
            "time_from": "frame",
        },
    )


def _coco_frame_people(frame: Mapping[str, Any], *, where: str, source: str) -> FloatArray:
    """(people, 17, 3) from one MMPose / rtmlib frame object."""
    key = next((k for k in ("instances", "predictions", "keypoints") if k in frame), None)
    if key is None:
        raise InputFormatError(
            f"each frame must hold 'instances', 'predictions' or 'keypoints', got keys"
            f" {sorted(frame)} at {where}",
            source=source,
        )
    value = frame[key]
    found: list[FloatArray] = []
    if key == "keypoints":  # rtmlib-style arrays: (people, 17, 2|3) or (17, 2|3)
        kps = json_floats(value, what=f"keypoints at {where}", source=source, names=COCO_17)
        if kps.size == 0:
            return np.empty((0, len(COCO_17), 3))
        score_key = next((k for k in ("keypoint_scores", "scores") if k in frame), None)
        scores = None
        if score_key is not None:
            scores = json_floats(frame[score_key], what=f"{score_key} at {where}", source=source)
        if kps.ndim == 2 or (kps.ndim == 1 and kps.size in (34, 51)):
            kps, scores = kps[None], None if scores is None else scores.reshape(1, -1)
        for p in range(kps.shape[0]):
            person_scores = None if scores is None or scores.ndim < 2 else scores[p]
            found.append(
                _coco_person(kps[p], person_scores, where=f"person {p} of {where}", source=source)
            )
    else:
        if not isinstance(value, list):
            raise InputFormatError(
                f"{key!r} must be a list of instances, got {type(value).__name__} at {where}",
                source=source,
            )
        if value and all(isinstance(v, list) for v in value):  # batched predictions
            value = [item for batch in value for item in batch]
        for p, inst in enumerate(value):
            at = f"instance {p} of {where}"
            if not isinstance(inst, dict) or "keypoints" not in inst:
                raise InputFormatError(
                    f"each instance must be an object with 'keypoints', got {inst!r:.60} at {at}",
                    source=source,
                )
            kps = json_floats(
                inst["keypoints"], what=f"keypoints at {at}", source=source, names=COCO_17
            )
            score_key = next((k for k in ("keypoint_scores", "scores") if k in inst), None)
            scores = None
            if score_key is not None:
                scores = json_floats(inst[score_key], what=f"{score_key} at {at}", source=source)
            found.append(_coco_person(kps, scores, where=at, source=source))
    if not found:
        return np.empty((0, len(COCO_17), 3))
    return np.stack(found)


def _coco_person(
    kps: FloatArray, scores: FloatArray | None, *, where: str, source: str
) -> FloatArray:
    n = len(COCO_17)
    if kps.ndim == 1 and kps.size in (2 * n, 3 * n):
        kps = kps.reshape(n, -1)
    if kps.shape not in ((n, 2), (n, 3)):
        raise InputFormatError(
            "keypoints must be 17 points of [x, y] or [x, y, score],"
            f" got shape {kps.shape} at {where}",
            source=source,
        )
    width = int(kps.shape[1])
    out = np.empty((n, 3))
    out[:, :2] = kps[:, :2]
    if scores is not None:
        if scores.shape != (n,):
            raise InputFormatError(
                f"keypoint_scores must hold 17 numbers, got shape {scores.shape} at {where}",
                source=source,
            )
        out[:, 2] = scores
    elif width == 3:
        out[:, 2] = kps[:, 2]
    else:
        raise InputFormatError(
            f"keypoint_scores must be given with [x, y] keypoints, got none at {where}",
            source=source,
        )
    return mark_missing(out)
