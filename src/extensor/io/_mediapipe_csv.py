"""The ``mediapipe_csv`` adapter: BlazePose landmarks, columns ``time`` (s), ``timestamp_ms``
or ``frame`` (with ``fps``) and ``<name>_x, <name>_y, [<name>_z], <name>_visibility`` (or
``_presence``) for any of the 33 BlazePose names. ``z`` is not kept.

MediaPipe's coordinates are normalized: x is a share of the image's width, y of its
height. With the image size (option ``image_size="1280x720"`` or a ``# image_size:
1280x720`` line) they are put in px, so angles are true on any frame shape; without it a
``unknown_aspect_ratio`` warning says the angles assume a square frame.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from extensor._errors import InputFormatError
from extensor.core import (
    FloatArray,
    TimeSeries,
)
from extensor.io._base import Adapter
from extensor.io._keypoint_tools import finish_keypoints
from extensor.io._layouts import MEDIAPIPE_33
from extensor.io._tables import (
    check_options,
    fps_option,
    image_size_for,
    read_table,
    table_time,
    unit_choice,
)

__all__ = [
    "MediaPipeCsvAdapter",
]

# -- MediaPipe CSV ---------------------------------------------------------------------------


class MediaPipeCsvAdapter(Adapter):
    """MediaPipe BlazePose landmarks in a CSV: ``<name>_x, _y, [_z], _visibility | _presence``.

    Time from ``time`` (s), ``timestamp_ms``/``time_ms`` or ``frame`` / ``fps``.
    Options: ``fps``, ``unit``, ``image_size``. ``z`` is read but not kept (2D analysis).
    """

    name = "mediapipe_csv"
    kind = "keypoints"
    suffixes = (".csv",)

    def _read(self, path: Path, **options: Any) -> TimeSeries:
        src = str(path)
        check_options(options, ("fps", "unit", "image_size"), adapter=self.name, source=src)
        fps = fps_option(options.get("fps"), source=src)
        table = read_table(path, delimiters=(",",), source=src, max_bytes=self.max_bytes)
        unit = unit_choice(options.get("unit"), table.meta, source=src)
        time, time_col = table_time(
            table,
            fps=fps,
            seconds=("time", "time_s"),
            millis=("timestamp_ms", "time_ms"),
            frames=("frame", "frame_index", "frame_idx"),
        )
        used = {time_col}
        points: dict[str, FloatArray] = {}
        for name in MEDIAPIPE_33:
            x = table.find(f"{name}_x")
            if x is None:
                continue
            y = table.find(f"{name}_y")
            conf = table.find(f"{name}_visibility", f"{name}_presence")
            if y is None or conf is None:
                missing = f"{name}_y" if y is None else f"{name}_visibility"
                raise InputFormatError(
                    f"column {missing!r} is required with {x!r},"
                    f" got columns {list(table.columns)[:12]}",
                    source=src,
                )
            z = table.find(f"{name}_z")
            presence = table.find(f"{name}_presence")
            used.update(c for c in (x, y, conf, z, presence) if c is not None)
            points[name] = np.column_stack([table.column(x), table.column(y), table.column(conf)])
        if not points:
            raise InputFormatError(
                "columns must include <name>_x, <name>_y and <name>_visibility for at least one"
                f" BlazePose landmark (nose, left_hip, ...), got {list(table.columns)[:12]}",
                source=src,
            )
        info: dict[str, Any] = {
            "adapter": self.name,
            "ignored_columns": [c for c in table.columns if c not in used],
        }
        if fps is not None:
            info["fps"] = fps
        size = image_size_for(options.get("image_size"), table.meta, source=src)
        if size is not None:
            info["image_size"] = size
        return finish_keypoints(time, points, unit=unit, source=src, info=info)
