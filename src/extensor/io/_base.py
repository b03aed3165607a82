"""One contract for every input: video, keypoint files, encoder, IMU, synthetic.

An adapter subclasses :class:`Adapter`, sets ``name`` and ``kind`` and writes
``_read(path, **options) -> TimeSeries``. The public :meth:`Adapter.read` checks that
the path exists, calls ``_read`` and validates what came back:

* time strictly increasing (the :class:`TimeSeries` constructor checks that);
* ``info["kind"]`` equals the adapter's ``kind`` and ``info["source"]`` names the file;
* every channel is known for that kind, with its expected unit and shape
  (:data:`CHANNEL_SPECS`);
* at least two samples;
* every value finite or missing (NaN) and within its channel's physical bound, keypoint
  confidences within [0, 1] (:mod:`extensor.io._bounds`).

Kinds and their channels:

* ``keypoints``: one (n, 3) channel per point name (x, y, confidence), unit px or normalized;
* ``angle``: ``angle`` (n,) in deg, a lever encoder or goniometer, 0 = neutral when calibrated;
* ``imu``: ``acc`` (n, 3) m/s^2, ``gyr`` (n, 3) rad/s, optional ``mag`` (n, 3) a.u.;
* ``motion``: ``extension`` (n,) deg, the analysis input (see ``extensor.core``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from extensor._errors import ConfigError, EmptyInputError, InputFormatError
from extensor.core import KEYPOINT_UNITS, POINT_NAMES, TimeSeries, world_channel
from extensor.io._bounds import check_bounds
from extensor.io._tables import DEFAULT_MAX_INPUT_BYTES, require_regular

__all__ = ["CHANNEL_SPECS", "Adapter", "validate_recording"]

#: kind -> channel -> (allowed units, trailing shape). ``None`` as channel name = any point name.
CHANNEL_SPECS: dict[str, dict[str, tuple[tuple[str, ...], tuple[int, ...]]]] = {
    "keypoints": {
        **dict.fromkeys(POINT_NAMES, (KEYPOINT_UNITS, (3,))),
        **{world_channel(n): (("m",), (3,)) for n in POINT_NAMES},  # 3D world landmarks
    },
    "angle": {"angle": (("deg",), ())},
    "imu": {
        "acc": (("m/s^2",), (3,)),
        "gyr": (("rad/s",), (3,)),
        "mag": (("a.u.", "uT"), (3,)),
    },
    "motion": {
        "extension": (("deg",), ()),
        "head_deviation": (("deg",), ()),
        "hip_flexion": (("deg",), ()),
        "trunk_inclination": (("deg",), ()),
        "quality": (("fraction",), ()),
    },
}

#: Channels that must be present for each kind.
REQUIRED_CHANNELS: dict[str, tuple[str, ...]] = {
    "keypoints": (),
    "angle": ("angle",),
    "imu": ("acc", "gyr"),
    "motion": ("extension",),
}


def validate_recording(ts: TimeSeries, *, kind: str, source: str | None = None) -> TimeSeries:
    """Check ``ts`` against the contract of ``kind``; return it unchanged or raise."""
    src = source or ts.info.get("source")
    if len(ts) < 2:
        raise EmptyInputError(f"a recording needs at least 2 samples, got {len(ts)}", source=src)
    if ts.info.get("kind") != kind:
        raise InputFormatError(
            f"info['kind'] must be {kind!r}, got {ts.info.get('kind')!r}", source=src
        )
    specs = CHANNEL_SPECS[kind]
    required = REQUIRED_CHANNELS[kind]
    units_named = list(ts.info.get("imu_units") or []) if kind == "imu" else []
    if units_named:  # several units: ``acc@<unit>``, ``gyr@<unit>`` for each
        required = tuple(f"{c}@{u}" for u in units_named for c in REQUIRED_CHANNELS[kind])
    for name in required:
        if name not in ts.data:
            raise InputFormatError(
                f"channel {name!r} is required, got {sorted(ts.data)}", source=src
            )
    if kind == "keypoints" and not ts.data:
        raise InputFormatError("a keypoint recording needs at least one point", source=src)
    for name, values in ts.data.items():
        base, _, unit_name = name.partition("@")
        if base not in specs or (unit_name and unit_name not in units_named):
            raise InputFormatError(f"channel {name!r} is not known for {kind} input", source=src)
        units, shape = specs[base]
        unit = ts.units.get(name)
        if unit not in units:
            raise InputFormatError(
                f"channel {name!r} must be in {'/'.join(units)}, got {unit!r}", source=src
            )
        if values.shape[1:] != shape:
            raise InputFormatError(
                f"channel {name!r} must have shape (n, {', '.join(map(str, shape))}), got {values.shape}",
                source=src,
            )
    check_bounds(ts, kind=kind, source=src)
    return ts


class Adapter(ABC):
    """Base class of every input adapter; see the module docstring for the contract."""

    #: Short id used by ``--input-type``.
    name: ClassVar[str]
    #: The kind of series it returns (a key of :data:`CHANNEL_SPECS`).
    kind: ClassVar[str]
    #: File suffixes it usually reads (for detection; content still decides).
    suffixes: ClassVar[tuple[str, ...]] = ()
    #: Tag: ``read`` takes an ``exercise=`` option (thresholds of the exercise data file,
    #: e.g. the video adapter's camera checks and stride); :func:`read_recording` passes the
    #: loaded exercise only to adapters that set it.
    uses_exercise: ClassVar[bool] = False

    #: bytes. The cap on one text input this adapter reads (set by :meth:`read`).
    max_bytes: int = DEFAULT_MAX_INPUT_BYTES

    def read(self, path: str | Path, *, max_bytes: int | None = None, **options: Any) -> TimeSeries:
        """Read ``path`` and return a validated series with ``info['source']`` set.

        Only a regular file or a folder is opened (a named pipe or a device is refused);
        ``max_bytes`` caps each text file read (default :data:`DEFAULT_MAX_INPUT_BYTES`,
        the ``max_input_bytes`` setting). Overflowing arithmetic on absurd values is not
        reported as a numpy warning: the values are refused by the bounds check.
        """
        p = Path(path)
        if not p.exists():
            raise InputFormatError("no such file or folder", source=p)
        require_regular(p)
        if max_bytes is not None:
            if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes <= 0:
                raise ConfigError(
                    f"max_bytes must be a positive whole number of bytes, got {max_bytes!r}",
                    source=p,
                )
            self.max_bytes = max_bytes
        with np.errstate(over="ignore", invalid="ignore"):
            ts = self._read(p, **options)
        if "source" not in ts.info:
            ts = ts.copy(info={**ts.info, "source": str(p)})
        return validate_recording(ts, kind=self.kind, source=str(p))

    @abstractmethod
    def _read(self, path: Path, **options: Any) -> TimeSeries:
        """Read the file; plug-ins write this."""

    @classmethod
    def sniff(cls, path: Path) -> bool:
        """Whether ``path`` looks like this adapter's input (cheap; default: by suffix)."""
        return path.suffix.lower() in cls.suffixes
