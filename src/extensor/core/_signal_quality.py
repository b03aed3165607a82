"""Is this signal a person moving at all? The check before any rep is counted.

Pure noise (random keypoints, an IMU shaking at random, an encoder reading jitter) has
no rep structure, yet a turning-point finder cuts "reps" out of it. A human rep is a
smooth excursion lasting a second or more, so the power of the angular *velocity* sits
at low frequencies; in noise it spreads evenly up to the Nyquist frequency (white
velocity: a random walk) or rises with frequency (white angle). Two measures, both
needed to call a signal noise:

* ``rep_band_enrichment``: the share of velocity power below
  ``max_rep_frequency_hz``, divided by the share white noise would put there
  (``max_rep_frequency_hz / nyquist``). Real sets give 2 to 8; noise 1 or less.
* ``roughness``: RMS of the angle minus its smoothed self, over the smoothed angle's
  spread (5th to 95th percentile). Real footage gives under 0.05; noise 0.15 and more.

A signal is noise when its enrichment is below ``min_rep_band_enrichment`` and its
roughness above ``max_roughness`` scaled by how far below (``enrichment /
min_rep_band_enrichment``): the less rep-band power, the less jitter it takes.

An IMU must also sense gravity: an accelerometer whose median magnitude is far from
1 g is not worn by a person on Earth (an all-zero column, a unit mix-up).

Every threshold comes from the exercise data file (:class:`SignalQualityParams`).

>>> import numpy as np
>>> p = SignalQualityParams(max_rep_frequency_hz=1.5, min_rep_band_enrichment=1.5,
...     max_roughness=0.05, min_samples=50, smoothing_window_s=0.5,
...     gravity_range_m_s2=(4.9, 14.7))
>>> t = np.arange(0, 30, 1 / 30)
>>> signal_problems(t, 30 * np.sin(2 * np.pi * t / 5), params=p)
[]
>>> noise = np.random.default_rng(0).normal(0, 30, t.size)
>>> [n.code for n in signal_problems(t, noise, params=p)]
['noise']
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from extensor.core._filters import bridge_gaps, smooth
from extensor.core._results import Notice
from extensor.core._timeseries import FloatArray

__all__ = ["SignalQualityParams", "gravity_problem", "signal_measures", "signal_problems"]


@dataclass(frozen=True, slots=True)
class SignalQualityParams:
    """Thresholds of the signal-quality check (units in the names; see the data file)."""

    max_rep_frequency_hz: float
    min_rep_band_enrichment: float
    max_roughness: float
    min_samples: int
    smoothing_window_s: float
    gravity_range_m_s2: tuple[float, float]


def signal_measures(
    t: FloatArray, x: FloatArray, *, params: SignalQualityParams
) -> tuple[float, float] | None:
    """(rep-band enrichment, roughness) of an angle series, or None when too short to tell."""
    good = np.isfinite(x)
    if int(good.sum()) < params.min_samples:
        return None
    tg, xg = t[good], bridge_gaps(t, x)[good]
    dt = float(np.median(np.diff(tg)))
    if not dt > 0:
        return None
    xs = smooth(tg, xg, window_s=params.smoothing_window_s)
    spread = float(np.percentile(xs, 95) - np.percentile(xs, 5))
    rough = float(np.sqrt(np.mean((xg - xs) ** 2)))
    roughness = rough / spread if spread > 0 else (0.0 if rough == 0 else float("inf"))
    v = np.diff(xg) / np.diff(tg)
    v = v - v.mean()
    peak = float(np.abs(v).max())
    # the shares are scale-free: normalise so that squaring cannot overflow
    power = np.abs(np.fft.rfft(v / peak if peak > 0 else v)) ** 2
    freq = np.fft.rfftfreq(v.size, dt)
    total = float(power.sum())
    nyquist = 0.5 / dt
    if total <= 0 or nyquist <= params.max_rep_frequency_hz:
        return float("inf"), roughness  # no velocity at all, or no band above the rep band
    share = float(power[freq < params.max_rep_frequency_hz].sum()) / total
    return share / (params.max_rep_frequency_hz / nyquist), roughness


def signal_problems(t: FloatArray, x: FloatArray, *, params: SignalQualityParams) -> list[Notice]:
    """A ``noise`` notice when ``x`` (deg) has neither a rep's band nor a rep's smoothness."""
    measures = signal_measures(t, x, params=params)
    if measures is None:
        return []
    enrichment, roughness = measures
    ratio = enrichment / params.min_rep_band_enrichment
    if ratio < 1.0 and roughness > params.max_roughness * ratio:
        return [
            Notice(
                "noise",
                f"the signal looks like noise, not reps: {enrichment:.1f}x the rep-band"
                f" (below {params.max_rep_frequency_hz:g} Hz) power of white noise (a set"
                f" gives over {params.min_rep_band_enrichment:g}x) and jitter of"
                f" {roughness:.0%} of its range (a set stays under {params.max_roughness * ratio:.0%});"
                " no rep is counted",
            )
        ]
    return []


def gravity_problem(median_acc_m_s2: float | None, *, params: SignalQualityParams) -> list[Notice]:
    """A ``no_gravity`` notice when an IMU's median acceleration is far from 1 g.

    >>> p = SignalQualityParams(1.5, 1.5, 0.05, 50, 0.5, (4.9, 14.7))
    >>> [n.code for n in gravity_problem(0.0, params=p)], gravity_problem(9.8, params=p)
    (['no_gravity'], [])
    """
    if median_acc_m_s2 is None:
        return []
    lo, hi = params.gravity_range_m_s2
    if lo <= median_acc_m_s2 <= hi:
        return []
    return [
        Notice(
            "no_gravity",
            f"the accelerometer's median reading is {median_acc_m_s2:.2f} m/s^2, not about"
            f" 9.8 (expected {lo:g} to {hi:g}): it cannot be a worn sensor on Earth (an empty"
            " or zero column, a wrong unit?); no rep is counted",
        )
    ]
