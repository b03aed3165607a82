"""Live analysis: samples in one at a time, reps out with a bounded delay.

:class:`StreamingAnalyzer` runs the same pieces as the offline
:func:`~extensor.core._analyze.analyze_motion`: the same filters (applied to the
buffered tail in chunks, with a margin wider than every filter window, so each
finished sample gets the value the offline filters give it), the same
:class:`~extensor.core._segment.TurningPointDetector`, the same per-rep phase code
and the same fault stage at :meth:`finish`. A rep is reported once the signal has
turned back ``min_rep_range_deg`` after the rep's closing end plus the filter lag;
memory holds only the samples since the previous rep.

>>> from extensor.core._synthetic import RepSpec, synthetic_set
>>> from extensor._analysis import analysis_params
>>> from extensor.knowledge import load_exercise
>>> params = analysis_params(load_exercise(), variant="45_degree_bench", goal="hypertrophy")
>>> s = synthetic_set([RepSpec()] * 3, noise_deg=0.0)
>>> live = StreamingAnalyzer(params=params, neutral_known=True)
>>> n = sum(len(live.push(t, x)) for t, x in zip(s.motion.time, s.motion.channel("extension")))
>>> n, live.finish().metrics.rep_count
(2, 3)
"""

from __future__ import annotations

import math

import numpy as np

from extensor.core._analyze import filter_stretch, finalize_analysis
from extensor.core._filters import bridge_gaps, smooth
from extensor.core._params import AnalysisParams
from extensor.core._phases import reps_from_turns
from extensor.core._results import Rep, SetAnalysis
from extensor.core._segment import Extremum, TurningPointDetector
from extensor.core._timeseries import FloatArray

__all__ = ["StreamingAnalyzer"]


class StreamingAnalyzer:
    """Feed ``push(t, x)`` (seconds, degrees of extension); call :meth:`finish` at the end."""

    def __init__(
        self, *, params: AnalysisParams, neutral_known: bool, input_kind: str = "synthetic"
    ) -> None:
        seg = params.segmentation
        self._params = params
        self._neutral_known = neutral_known
        self._input_kind = input_kind
        # every filter looks at most this far to either side of a sample
        self._lag = max(seg.despike_window_s, seg.smoothing_window_s, seg.velocity_window_s)
        self._t: list[float] = []
        self._x: list[float] = []
        self._h: list[float] = []  # head deviation (deg) beside each sample, NaN if unseen
        self._hs: list[float] = []  # finished smoothed head values, from self._offset
        self._has_head = False
        # the trunk's own rotation (deg, oriented like x), which times the phases when given
        self._g: list[float] = []
        self._gs: list[float] = []  # finished smoothed timing values, from self._offset
        self._gv: list[float] = []
        self._has_timing = False
        self._offset = 0  # global index of self._t[0]
        self._done = 0  # global index of the first sample not yet given to the detector
        self._xs: list[float] = []  # finished smoothed values, from self._offset
        self._v: list[float] = []
        self._detector = TurningPointDetector(delta=seg.min_rep_range_deg)
        self._turns: list[Extremum] = []
        self._reps: list[Rep] = []
        self._last_t = -math.inf
        self._t0 = math.nan
        self._lo = math.inf
        self._hi = -math.inf

    @property
    def reps(self) -> list[Rep]:
        """Reps reported so far (numbered from 1)."""
        return list(self._reps)

    def push(
        self, t: float, x: float, *, head: float | None = None, timing: float | None = None
    ) -> list[Rep]:
        """Add one sample; return the reps it completes (usually none).

        ``head``: the head's deviation (deg) when seen. ``timing``: the trunk's own
        rotation (deg, rising with ``x``; the offline analysis' ``-trunk_inclination``), which
        times the phase boundaries as offline when given (unwrapped here, sample by sample).
        """
        if not t > self._last_t:
            raise ValueError(f"time must be strictly increasing, got {t} after {self._last_t}")
        self._last_t = t
        if self._t0 != self._t0:
            self._t0 = t
        if x != x:
            return []
        self._lo, self._hi = min(self._lo, x), max(self._hi, x)
        self._t.append(t)
        self._x.append(x)
        self._h.append(math.nan if head is None else head)
        self._has_head = self._has_head or head is not None
        self._g.append(self._unwrap(timing))
        self._has_timing = self._has_timing or timing is not None
        if t - self._time_of(self._done) < 2.0 * self._lag:
            return []
        return self._advance(final=False)

    def finish(self) -> SetAnalysis:
        """Process what is left and return the whole set's analysis."""
        self._advance(final=True)
        for e in self._detector.flush():
            self._turns.append(e)
        self._cut(final=True)
        return finalize_analysis(
            self._reps,
            params=self._params,
            input_kind=self._input_kind,
            neutral_known=self._neutral_known,
            has_head=self._has_head,
            notices=[],
            duration_s=(self._last_t - self._t0) if self._t else 0.0,
            sample_rate=self._rate(),
            spread_deg=(self._hi - self._lo) if self._t else 0.0,
            source="stream",
            info={},
        )

    def judge(self, reps: list[Rep]) -> SetAnalysis:
        """The faults of ``reps`` (the reps so far) judged as if the set ended after them:
        live mode's provisional verdict, with the same plug-ins as the offline analysis."""
        return finalize_analysis(
            reps,
            params=self._params,
            input_kind=self._input_kind,
            neutral_known=self._neutral_known,
            has_head=self._has_head,
            notices=[],
            duration_s=(self._last_t - self._t0) if self._t else 0.0,
            sample_rate=self._rate(),
            spread_deg=(self._hi - self._lo) if self._t else 0.0,
            source="stream",
            info={},
        )

    def provisional_rep(self, *, still_speed_dps: float, still_s: float) -> Rep | None:
        """The rep in progress, as the offline analysis would cut it if the recording ended
        now, once its last movement has stopped (speed under ``still_speed_dps`` for
        ``still_s``) at the end it started from; else None.

        Unlike :meth:`push`, it reads the newest samples too (their filters see only one
        side), so it is known about ``still_s`` after the visible stop instead of a filter
        lag plus the next rep's start; the rep :meth:`push` confirms later is the final word.
        """
        if len(self._turns) < 1 or len(self._t) < 3:
            return None
        home = self._turns[0].kind
        last = self._turns[-1]
        if last.kind == home:
            return None
        t = np.asarray(self._t)
        xs, v = filter_stretch(t, np.asarray(self._x), self._params.segmentation)
        i_far = last.index - self._offset
        if i_far < 0 or i_far >= t.size - 2:
            return None
        tail = t >= t[-1] - still_s
        gs, gv = self._filtered_timing(t)
        moving = np.abs(v[tail]) >= still_speed_dps
        if gv is not None:  # the phases are timed on this one: it must be still too
            moving |= np.abs(gv[tail]) >= still_speed_dps
        if t[-1] - t[i_far] < still_s or np.any(moving):
            return None
        # the turning point lies before the still tail, so the rep ends at a visible stop
        # (a turning point on the newest sample would read as a phase the data cuts off)
        after = xs[i_far : max(i_far + 1, int(np.argmax(tail)))]
        k = int(np.argmin(after) if home == "bottom" else np.argmax(after))
        seg = self._params.segmentation
        if abs(float(after[k]) - float(xs[i_far])) < seg.min_rep_range_deg:
            return None
        local = [
            Extremum(e.kind, e.index - self._offset, e.time, e.value, e.final)
            for e in self._turns
            if 0 <= e.index - self._offset < t.size
        ]
        end = Extremum(home, i_far + k, float(t[i_far + k]), float(after[k]), True)
        reps = reps_from_turns(
            t, xs, v, [*local, end], params=seg,
            neutral_known=self._neutral_known, head=self._smoothed_head(t),
            timing=None if gs is None or gv is None else (gs, gv),
            first_number=len(self._reps) + 1,
        )  # fmt: skip
        rep = reps[-1] if reps else None
        if rep is None or not rep.complete or rep.number != len(self._reps) + 1:
            return None
        return rep

    # -- internals ---------------------------------------------------------------------
    def _smoothed_head(self, t: FloatArray) -> FloatArray | None:
        """The head channel over the buffer, filtered as the offline analysis does."""
        if not self._has_head:
            return None
        h = np.asarray(self._h)
        if not np.isfinite(h).any():
            return None
        out: FloatArray = smooth(
            t, bridge_gaps(t, h), window_s=self._params.segmentation.smoothing_window_s
        )
        return out

    def _unwrap(self, value: float | None) -> float:
        """``value`` moved by whole turns to follow the last timing sample (no 360 jumps)."""
        if value is None or value != value:
            return math.nan
        last = next((g for g in reversed(self._g) if g == g), None)
        if last is not None:
            value -= 360.0 * round((value - last) / 360.0)
        return value

    def _filtered_timing(self, t: FloatArray) -> tuple[FloatArray | None, FloatArray | None]:
        """(smoothed signal, velocity) of the timing channel over the buffer, as offline."""
        if not self._has_timing:
            return None, None
        g = np.asarray(self._g)
        if np.isfinite(g).sum() < 3:
            return None, None
        return filter_stretch(t, g, self._params.segmentation)

    def _timing_arrays(self, n: int) -> tuple[FloatArray, FloatArray] | None:
        if not self._has_timing:
            return None
        gs, gv = np.asarray(self._gs[:n]), np.asarray(self._gv[:n])
        return (gs, gv) if np.isfinite(gs).sum() >= 3 else None

    def _head_array(self, n: int) -> FloatArray | None:
        if not self._has_head:
            return None
        h = np.asarray(self._hs[:n])
        return h if np.isfinite(h).any() else None

    def _time_of(self, index: int) -> float:
        i = index - self._offset
        return self._t[i] if 0 <= i < len(self._t) else (self._t[0] if self._t else math.inf)

    def _rate(self) -> float:
        return 1.0 / float(np.median(np.diff(self._t))) if len(self._t) > 1 else math.nan

    def _advance(self, *, final: bool) -> list[Rep]:
        if len(self._t) < 3:
            return []
        t = np.asarray(self._t)
        x = np.asarray(self._x)
        xs, v = filter_stretch(t, x, self._params.segmentation)
        hs = self._smoothed_head(t)
        gs, gv = self._filtered_timing(t)
        # samples this far from the newest one have every neighbour their filters need
        ready_until = t.size if final else int(np.searchsorted(t, t[-1] - self._lag, side="right"))
        start = self._done - self._offset
        for i in range(start, ready_until):
            self._xs.append(float(xs[i]))
            self._v.append(float(v[i]))
            self._hs.append(float(hs[i]) if hs is not None else math.nan)
            self._gs.append(float(gs[i]) if gs is not None else math.nan)
            self._gv.append(float(gv[i]) if gv is not None else math.nan)
            self._turns += self._detector.push(float(t[i]), float(xs[i]))
        self._done = self._offset + max(start, ready_until)
        return self._cut(final=False)

    def _cut(self, *, final: bool) -> list[Rep]:
        """Report the reps whose every phase is known; drop samples no rep needs any more."""
        if len(self._turns) < 2:
            return []
        n = len(self._xs)
        local = [
            Extremum(e.kind, e.index - self._offset, e.time, e.value, e.final)
            for e in self._turns
            if e.index - self._offset < n
        ]
        seg = self._params.segmentation
        new = reps_from_turns(
            np.asarray(self._t[:n]), np.asarray(self._xs), np.asarray(self._v), local,
            params=seg, neutral_known=self._neutral_known, head=self._head_array(n),
            timing=self._timing_arrays(n), first_number=len(self._reps) + 1,
        )  # fmt: skip
        if not final:
            # a rep is known once the next one has started (that fixes its bottom settle)
            started_next = bool(new) and not new[-1].complete
            new = [r for r in new if r.complete]
            if not started_next:
                new = new[:-1]
        self._reps += new
        if new and not final:
            self._drop_before(new[-1].end)
        return new

    def _drop_before(self, end: float) -> None:
        """Forget turns before the rep that starts after ``end``, and samples no filter needs."""
        homes = [k for k, e in enumerate(self._turns) if e.kind == self._turns[0].kind]
        keep_turn = next((k for k in homes if self._turns[k].time >= end), homes[-1])
        self._turns = self._turns[keep_turn:]
        t_keep = self._turns[0].time - 2.0 * self._lag
        cut = int(np.searchsorted(np.asarray(self._t), t_keep))
        if cut <= 0:
            return
        del self._t[:cut], self._x[:cut], self._xs[:cut], self._v[:cut]
        del self._h[:cut], self._hs[:cut], self._g[:cut], self._gs[:cut], self._gv[:cut]
        self._offset += cut
