"""Physical bounds of every channel an adapter returns: refuse impossible values at the door.

A reading outside these bounds is not a measurement of a person on a back-extension
bench but a unit mix-up, a corrupt file or an overflow (``1e308``); infinite values are
never readings. The adapters' contract (:func:`extensor.io.validate_recording`) refuses
both with an :class:`~extensor.InputFormatError` naming the file, the channel and the
first bad sample, instead of letting them reach the analysis. Empty cells (NaN) stay
allowed: they mean "missing" and the analysis bridges or splits at them.

Each bound is generous (well above any sensor's full-scale range) so that no real
recording is refused:

>>> MAX_ABS_ACCELERATION_M_S2, MAX_ABS_ANGULAR_RATE_RAD_S < 70.0
(1961.33, True)
"""

from __future__ import annotations

import math

import numpy as np

from extensor._errors import InputFormatError
from extensor.core import STANDARD_GRAVITY, FloatArray, TimeSeries

__all__ = [
    "CONFIDENCE_RANGE",
    "MAX_ABS_ACCELERATION_M_S2",
    "MAX_ABS_ANGLE_DEG",
    "MAX_ABS_ANGULAR_RATE_RAD_S",
    "MAX_ABS_MAGNETIC",
    "MAX_ABS_NORMALIZED",
    "MAX_ABS_PIXELS",
    "MAX_ABS_TIME_S",
    "MIN_MEDIAN_STEP_S",
    "check_bounds",
]

#: deg. An angle channel (encoder, goniometer, motion ``extension``): ten full turns. A lever
#: moves through less than one turn; a larger reading is a wrong unit or a corrupt file.
MAX_ABS_ANGLE_DEG = 3600.0
#: m/s^2. Acceleration: 200 g, the top of the range of consumer high-g accelerometers
#: (typical IMUs saturate at 16 g); a trunk on a bench stays within 2 g.
MAX_ABS_ACCELERATION_M_S2 = round(200.0 * STANDARD_GRAVITY, 2)
#: rad/s. Angular rate: 4000 deg/s, the largest full-scale range of MEMS gyroscopes
#: (a lifted trunk turns at a few hundred deg/s at most).
MAX_ABS_ANGULAR_RATE_RAD_S = math.radians(4000.0)
#: a.u. or uT. Magnetometer: 10 mT, a hundred times the strongest field near a magnet a
#: phone senses; Earth's field is about 50 uT.
MAX_ABS_MAGNETIC = 1e4
#: px. Keypoint coordinates in pixels: 100,000 px, ten times the width of an 8K frame
#: (a point may be estimated a little outside the frame, never this far).
MAX_ABS_PIXELS = 1e5
#: Normalized keypoint coordinates (0..1 across the frame): 100 frame widths.
MAX_ABS_NORMALIZED = 100.0
#: s. Timestamps: about 300 years, so Unix-epoch times are accepted and 1e300 is not.
MAX_ABS_TIME_S = 1e10
#: s. Shortest median time step: 1 us (a 1 MHz sample rate, far above any motion sensor
#: or camera); a smaller step is a time column in the wrong unit.
MIN_MEDIAN_STEP_S = 1e-6
#: Keypoint confidence (visibility, score): a probability, documented range [0, 1].
CONFIDENCE_RANGE = (0.0, 1.0)
#: m. 3D world landmarks (``world:<point>``, metres from the hips): 100 m, fifty body
#: heights (a landmark is estimated within a body length of the hips).
MAX_ABS_METRES = 100.0

_BOUNDS: dict[str, float] = {
    "deg": MAX_ABS_ANGLE_DEG,
    "m/s^2": MAX_ABS_ACCELERATION_M_S2,
    "rad/s": MAX_ABS_ANGULAR_RATE_RAD_S,
    "a.u.": MAX_ABS_MAGNETIC,
    "uT": MAX_ABS_MAGNETIC,
    "px": MAX_ABS_PIXELS,
    "normalized": MAX_ABS_NORMALIZED,
    "m": MAX_ABS_METRES,
}


def check_bounds(ts: TimeSeries, *, kind: str, source: str | None) -> None:
    """Raise :class:`~extensor.InputFormatError` at the first value out of its channel's bound.

    >>> ts = TimeSeries([0.0, 1.0], {"angle": [0.0, 1e308]}, units={"angle": "deg"})
    >>> check_bounds(ts, kind="angle", source="enc.csv")
    Traceback (most recent call last):
    ...
    extensor._errors.InputFormatError: enc.csv: channel 'angle' must stay within +-3600 deg (a physical bound), got 1e+308 at sample 2 (t=1 s)
    """
    if ts.time.size and not (np.abs(ts.time[[0, -1]]) <= MAX_ABS_TIME_S).all():
        got = ts.time[0] if not abs(ts.time[0]) <= MAX_ABS_TIME_S else ts.time[-1]
        raise InputFormatError(
            f"time must stay within +-{MAX_ABS_TIME_S:g} s (a physical bound), got {got:g} s",
            source=source,
        )
    if ts.time.size >= 2:
        step = float(np.median(np.diff(ts.time)))
        if not step >= MIN_MEDIAN_STEP_S:
            raise InputFormatError(
                f"time steps must be at least {MIN_MEDIAN_STEP_S:g} s (the median; a physical"
                f" bound), got {step:g} s: is the time column in another unit?",
                source=source,
            )
    for name, values in ts.data.items():
        unit = ts.units.get(name, "")
        if kind == "keypoints" and unit == "m":  # world landmarks: x, y, z, no confidence
            _check(ts, name, values, unit, MAX_ABS_METRES, source, what="coordinates")
        elif kind == "keypoints":
            _check(ts, name, values[:, :2], unit, _BOUNDS.get(unit), source, what="coordinates")
            conf = values[:, 2]
            lo, hi = CONFIDENCE_RANGE
            with np.errstate(invalid="ignore"):
                bad = ~np.isnan(conf) & ~((conf >= lo) & (conf <= hi))
            if bad.any():
                i = int(np.argmax(bad))
                raise InputFormatError(
                    f"point {name!r}: confidence (its _conf, _visibility or score column) must be"
                    f" within [{lo:g}, {hi:g}], got {conf[i]:g} at sample {i + 1}"
                    f" (t={ts.time[i]:g} s)",
                    source=source,
                )
        elif unit in _BOUNDS:
            _check(ts, name, values, unit, _BOUNDS[unit], source, what=None)


def _check(
    ts: TimeSeries,
    name: str,
    values: FloatArray,
    unit: str,
    bound: float | None,
    source: str | None,
    *,
    what: str | None,
) -> None:
    limit = math.inf if bound is None else bound
    with np.errstate(invalid="ignore"):
        bad = ~np.isnan(values) & ~(np.abs(values) <= limit)
    if not bad.any():
        return
    flat = bad.reshape(bad.shape[0], -1).any(axis=1)
    i = int(np.argmax(flat))
    got = values[i][bad[i]][0] if values.ndim > 1 else values[i]
    label = f"point {name!r} {what}" if what else f"channel {name!r}"
    rule = "be finite" if bound is None else f"stay within +-{limit:g} {unit} (a physical bound)"
    raise InputFormatError(
        f"{label} must {rule}, got {got:g} at sample {i + 1} (t={ts.time[i]:g} s)", source=source
    )
