"""Signal conditioning on irregularly sampled data: gaps, smoothing, velocity.

All windows are in seconds and use the timestamps, so variable frame rates are
handled without resampling.

>>> import numpy as np
>>> t = np.arange(5) * 0.1
>>> moving_average(t, np.array([0.0, 0.0, 3.0, 0.0, 0.0]), window_s=0.25).round(2).tolist()
[0.0, 1.0, 1.0, 1.0, 0.0]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from extensor.core._timeseries import FloatArray

__all__ = ["Gap", "bridge_gaps", "find_gaps", "moving_average", "smooth", "velocity"]


@dataclass(frozen=True, slots=True)
class Gap:
    """A stretch with no usable sample: from the last good sample to the next good one."""

    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


def find_gaps(time: FloatArray, values: FloatArray, *, min_gap_s: float) -> list[Gap]:
    """Stretches longer than ``min_gap_s`` between consecutive finite samples.

    Both missing values (NaN) and missing samples (a jump in time) count.

    >>> import numpy as np
    >>> find_gaps(np.array([0.0, 0.1, 0.2, 0.9]), np.array([1.0, np.nan, 1.0, 1.0]), min_gap_s=0.5)
    [Gap(start=0.2, end=0.9)]
    """
    good = np.isfinite(values)
    tg = time[good]
    if tg.size < 2:
        return []
    steps = np.diff(tg)
    idx = np.flatnonzero(steps > min_gap_s)
    return [Gap(float(tg[i]), float(tg[i + 1])) for i in idx]


def bridge_gaps(time: FloatArray, values: FloatArray) -> FloatArray:
    """Fill NaNs by linear interpolation between finite neighbours (edges hold their value).

    Callers split the series at long gaps first; this only bridges what remains.
    """
    good = np.isfinite(values)
    if good.all() or not good.any():
        return values.copy()
    return np.interp(time, time[good], values[good])


def moving_average(time: FloatArray, values: FloatArray, *, window_s: float) -> FloatArray:
    """Centred mean over ``[t - window_s/2, t + window_s/2]`` using timestamps (NaN-free input)."""
    if window_s <= 0 or values.size < 3:
        return values.copy()
    half = window_s / 2.0
    csum = np.concatenate(([0.0], np.cumsum(values)))
    lo = np.searchsorted(time, time - half, side="left")
    hi = np.searchsorted(time, time + half, side="right")
    out: FloatArray = (csum[hi] - csum[lo]) / (hi - lo)
    return out


def smooth(time: FloatArray, values: FloatArray, *, window_s: float) -> FloatArray:
    """Triangular-kernel regression in time: each sample becomes the weighted mean of its
    neighbours within ``window_s / 2`` seconds, weight falling linearly with time distance.

    On evenly spaced samples this is the usual triangle filter; on jittered or variable
    frame rates the weights follow the real timestamps, so no ripple appears. It keeps
    plateau levels (no overshoot).

    >>> import numpy as np
    >>> t = np.array([0.0, 0.1, 0.2, 0.3, 0.4])
    >>> smooth(t, np.array([0.0, 0.0, 4.0, 0.0, 0.0]), window_s=0.4).round(2).tolist()
    [0.0, 1.0, 2.0, 1.0, 0.0]
    """
    half = window_s / 2.0
    n = values.size
    if half <= 0 or n < 3:
        return values.copy()
    steps = np.diff(time)
    k_max = int(min(n - 1, max(1, np.ceil(half / max(float(steps.min()), 1e-9)))))
    num = values.copy()
    den = np.ones_like(values)
    for k in range(1, k_max + 1):
        for a, b in ((slice(k, None), slice(None, -k)), (slice(None, -k), slice(k, None))):
            w = 1.0 - np.abs(time[b] - time[a]) / half
            np.clip(w, 0.0, None, out=w)
            num[a] += w * values[b]
            den[a] += w
    return num / den


def velocity(time: FloatArray, values: FloatArray) -> FloatArray:
    """First derivative by central differences on the actual timestamps (unit per second)."""
    if values.size < 2:
        return np.zeros_like(values)
    out: FloatArray = np.gradient(values, time)
    return out


def despike(
    time: FloatArray, values: FloatArray, *, window_s: float, threshold: float
) -> FloatArray:
    """Replace samples that stand more than ``threshold`` off their running median (a Hampel filter).

    The median runs over about ``window_s`` seconds (in samples at the median rate), so
    brief glitches (a sensor knock, a pose estimate that jumps for a few frames) go,
    while a movement lasting longer than half the window is kept as it is.

    >>> import numpy as np
    >>> t = np.arange(9) * 0.1
    >>> despike(t, np.array([0, 0, 0, 0, 9.0, 0, 0, 0, 0]), window_s=0.5, threshold=3.0).tolist()
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    """
    from scipy.ndimage import median_filter

    if values.size < 3 or window_s <= 0:
        return values.copy()
    step = float(np.median(np.diff(time)))
    size = max(3, round(window_s / step) | 1)
    med = median_filter(values, size=size, mode="nearest")
    return np.where(np.abs(values - med) > threshold, med, values)


def local_slope(time: FloatArray, values: FloatArray, *, window_s: float) -> FloatArray:
    """Velocity as the slope of a triangular-weighted straight-line fit over ``window_s`` seconds.

    A local regression (like a Savitzky-Golay derivative, but on the real timestamps)
    averages the noise over the whole window instead of differencing neighbours, so the
    speed is far steadier on noisy pose or sensor data.

    >>> import numpy as np
    >>> t = np.linspace(0.0, 1.0, 11)
    >>> local_slope(t, 3.0 * t + 1.0, window_s=0.4).round(6).tolist()[:3]
    [3.0, 3.0, 3.0]
    """
    half = window_s / 2.0
    n = values.size
    if half <= 0 or n < 3:
        return velocity(time, values)
    steps = np.diff(time)
    k_max = int(min(n - 1, max(1, np.ceil(half / max(float(steps.min()), 1e-9)))))
    s0 = np.ones_like(values)
    st = np.zeros_like(values)
    stt = np.zeros_like(values)
    sx = values.copy()
    stx = np.zeros_like(values)
    for k in range(1, k_max + 1):
        for a, b in ((slice(k, None), slice(None, -k)), (slice(None, -k), slice(k, None))):
            dt = time[b] - time[a]
            w = 1.0 - np.abs(dt) / half
            np.clip(w, 0.0, None, out=w)
            s0[a] += w
            st[a] += w * dt
            stt[a] += w * dt * dt
            sx[a] += w * values[b]
            stx[a] += w * dt * values[b]
    den = s0 * stt - st * st
    out: FloatArray = np.where(den > 0, (s0 * stx - st * sx) / np.where(den > 0, den, 1.0), 0.0)
    return out
