"""The live coach: one keypoint sample at a time in, coaching events out.

:class:`LiveCoach` is not a second analysis. Each sample goes through the same
kinematics (:func:`extensor.core.keypoints_to_motion`, with the side and facing fixed
once the first ``live_warmup_s`` of the set is seen) and the same
:class:`~extensor.core.StreamingAnalyzer` as the offline path. As soon as a rep's last
movement phase has stopped, the rep is judged *provisionally* with the same mistake
plug-ins, against the reps so far (mistakes that need the next rep, such as the bottom
settle, follow when it starts), and at most one cue is chosen for it, safety first.
When the set ends, :meth:`LiveCoach.finish_set` returns the keypoints of the whole set:
the application service analyses them offline, and :func:`live_differences` states where
the live verdicts differ from that full analysis.

Events are plain dicts (they go to the terminal, a WebSocket and the JSON document
alike): ``{"type": "rep" | "fault" | "cue" | "status" | "set_end" | "notice", ...}``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from extensor.core import (
    POINT_NAMES,
    AnalysisParams,
    Fault,
    Rep,
    SetAnalysis,
    StreamingAnalyzer,
    TimeSeries,
    keypoint_series,
    keypoints_to_motion,
)

__all__ = ["LiveCoach", "LiveSettings", "live_differences"]

Event = dict[str, Any]
Point = tuple[float, float, float]


@dataclass(frozen=True, slots=True)
class LiveSettings:
    """What the live coach needs from the exercise data file (units in the names)."""

    warmup_s: float
    set_rest_s: float
    idle_timeout_s: float
    still_speed_dps: float
    still_s: float
    speed_window_s: float
    neutral_reference: str
    min_confidence: float
    face_line_offset_deg: float
    #: mistake id -> (tier index, rank) in cue order; lower is more urgent
    cue_rank: Mapping[str, tuple[int, int, int]] = field(default_factory=dict)
    #: mistake id -> the short phrase to say
    phrases: Mapping[str, str] = field(default_factory=dict)
    #: mistake id -> the written cue
    cues: Mapping[str, str] = field(default_factory=dict)
    #: findings below this confidence are not cued
    min_cue_confidence: float = 0.0


class LiveCoach:
    """Feed ``push(t, points)`` for every analysed frame; read the events it returns."""

    def __init__(self, *, params: AnalysisParams, settings: LiveSettings) -> None:
        self._params = params
        self._s = settings
        self._set = 0
        self._new_set()

    # -- public ------------------------------------------------------------------------
    @property
    def set_number(self) -> int:
        return self._set

    @property
    def rep_count(self) -> int:
        """Reps of the current set seen so far (provisional ones included)."""
        return len(self._judged)

    @property
    def still_for_s(self) -> float:
        """How long the trunk has been still (s, recording time); 0 while it moves."""
        if not self._times:
            return 0.0
        since = self._last_move_t if self._last_move_t == self._last_move_t else self._times[0]
        return self._times[-1] - since

    def push(self, t: float, points: Mapping[str, Point] | None) -> list[Event]:
        """One frame's keypoints (pixels, confidence) at recording time ``t`` (s)."""
        events: list[Event] = []
        self._times.append(t)
        self._points.append(dict(points) if points else {})
        if self._side is None:
            if t - self._times[0] >= self._s.warmup_s:
                events += self._fix_side()
            return events
        events += self._feed(len(self._times) - 1)
        if self.rep_count and self.still_for_s >= self._s.set_rest_s:
            events.append({"type": "set_end", "set": self._set, "reps": self.rep_count,
                           "reason": f"still for {self.still_for_s:.0f} s"})  # fmt: skip
        return events

    def flush(self) -> list[Event]:
        """The set is over: the reps the stream still held (the last one ends with the
        recording), judged like the others."""
        if self._side is None:
            return []
        events: list[Event] = []
        for rep in self._stream.finish().reps:
            if rep.number not in self._judged:
                events += self._on_rep(rep, provisional=False)
        return events

    def finish_set(self) -> TimeSeries | None:
        """End the current set: its keypoints (for the offline analysis), or None if empty."""
        ts = self._keypoints()
        self._new_set()
        return ts

    # -- internals ---------------------------------------------------------------------
    def _new_set(self) -> None:
        self._set += 1
        self._times: list[float] = []
        self._points: list[dict[str, Point]] = []
        self._side: str | None = None
        self._sign: float | None = None
        self._stream = StreamingAnalyzer(
            params=self._params, neutral_known=True, input_kind="keypoints"
        )
        self._reps: list[Rep] = []
        self._judged: set[int] = set()
        self._faults_said: set[tuple[int, str]] = set()
        self._cued: set[int] = set()
        self._phase = "setup"
        self._recent: list[tuple[float, float]] = []
        self._last_move_t = float("nan")

    def _keypoints(self, start: int = 0, stop: int | None = None) -> TimeSeries | None:
        times = self._times[start:stop]
        rows = self._points[start:stop]
        if not times:
            return None
        names = [n for n in POINT_NAMES if any(n in r for r in rows)]
        if not names:
            return None
        data = {n: np.full((len(rows), 3), np.nan) for n in names}
        for i, r in enumerate(rows):
            for n, xyc in r.items():
                if n in data:
                    data[n][i] = xyc
        return keypoint_series(times, data, unit="px", info={"source": "live", "kind": "keypoints"})

    def _motion(self, start: int, stop: int | None) -> TimeSeries | None:
        ts = self._keypoints(start, stop)
        if ts is None:
            return None
        s = self._s
        try:
            return keypoints_to_motion(
                ts,
                neutral_reference=s.neutral_reference,  # type: ignore[arg-type]
                min_confidence=s.min_confidence,
                face_line_offset_deg=s.face_line_offset_deg,
                side=self._side,  # type: ignore[arg-type]
                front_sign=self._sign,
            )
        except Exception:  # noqa: BLE001 - a frame without a usable body is simply skipped
            return None

    def _fix_side(self) -> list[Event]:
        motion = self._motion(0, None)
        if motion is None:
            # nobody usable yet: slide the warm-up window forward
            del self._times[0], self._points[0]
            return []
        self._side = str(motion.info["side"])
        self._sign = float(motion.info["front_sign"])
        events: list[Event] = [
            {"type": "notice", "code": "tracking", "message": f"tracking the {self._side} side"}
        ]
        events += self._push_motion(motion)
        return events

    def _feed(self, i: int) -> list[Event]:
        motion = self._motion(i, i + 1)
        if motion is None:
            return [self._status(self._times[i], None)]
        return self._push_motion(motion)

    def _push_motion(self, motion: TimeSeries) -> list[Event]:
        events: list[Event] = []
        x = motion.channel("extension")
        head = motion.data.get("head_deviation")
        incline = motion.data.get("trunk_inclination")  # times the phases, as offline
        for k, t in enumerate(motion.time):
            h = None if head is None else float(head[k])
            g = None if incline is None else -float(incline[k])
            confirmed = self._stream.push(float(t), float(x[k]), head=h, timing=g)
            for rep in confirmed:
                events += self._on_rep(rep, provisional=False)
            prov = self._stream.provisional_rep(
                still_speed_dps=self._s.still_speed_dps, still_s=self._s.still_s
            )
            if prov is not None and prov.number not in self._judged:
                events += self._on_rep(prov, provisional=True)
            events.append(self._status(float(t), float(x[k])))
        return events

    def _status(self, t: float, x: float | None) -> Event:
        """Where the lifter is now: the phase from the slope of the last ``speed_window_s``."""
        phase = self._phase
        if x is not None and x == x:
            self._recent.append((t, x))
            # the last speed_window_s of samples, and at least the two newest (a slow camera)
            while len(self._recent) > 2 and self._recent[0][0] < t - self._s.speed_window_s:
                self._recent.pop(0)
            if len(self._recent) >= 2:
                tt = np.array([p[0] for p in self._recent])
                xx = np.array([p[1] for p in self._recent])
                speed = float(np.polyfit(tt - tt[-1], xx, 1)[0])
                if abs(speed) >= self._s.still_speed_dps:
                    phase = "lift" if speed > 0 else "lower"
                    self._last_move_t = t
                elif phase in ("lift", "lower", "setup"):
                    phase = "top" if phase == "lift" else "bottom"
        self._phase = phase
        return {"type": "status", "set": self._set, "time": round(t, 3), "phase": phase,
                "extension_deg": None if x is None or x != x else round(x, 1),
                "reps": self.rep_count}  # fmt: skip

    def _on_rep(self, rep: Rep, *, provisional: bool) -> list[Event]:
        """Judge a rep against the reps so far; a cue for it at most once."""
        reps = [r for r in self._reps if r.number != rep.number] + [rep]
        if not provisional:
            self._reps = reps
        analysis = self._stream.judge(reps)
        faults = [f for f in analysis.faults if f.rep == rep.number]
        events: list[Event] = []
        if rep.number not in self._judged:
            events.append(_rep_event(self._set, rep, provisional=provisional))
            self._judged.add(rep.number)
        # faults of earlier reps that needed this one (e.g. the bottom settle) come now too
        for f in analysis.faults:
            key = (f.rep or 0, f.id)
            if f.rep is not None and f.rep <= rep.number and key not in self._faults_said:
                self._faults_said.add(key)
                events.append({"type": "fault", "set": self._set, "rep": f.rep, "id": f.id,
                               "detail": f.detail, "confidence": f.confidence,
                               "provisional": provisional})  # fmt: skip
        if rep.number not in self._cued:
            cue = self._pick_cue(faults)
            if cue is not None:
                self._cued.add(rep.number)
                ended = rep.lower_end if rep.order == "lift_first" else rep.lift_end
                events.append({"type": "cue", "set": self._set, "rep": rep.number,
                               "rep_ended_at": ended, **cue})  # fmt: skip
        return events

    def _pick_cue(self, faults: Sequence[Fault]) -> dict[str, Any] | None:
        ranked = sorted(
            (
                f
                for f in faults
                if f.id in self._s.cue_rank and f.confidence >= self._s.min_cue_confidence
            ),
            key=lambda f: self._s.cue_rank[f.id],
        )
        if not ranked:
            return None
        f = ranked[0]
        return {"mistake": f.id, "text": self._s.cues.get(f.id, f.detail),
                "phrase": self._s.phrases.get(f.id, self._s.cues.get(f.id, f.detail))}  # fmt: skip


def _rep_event(set_number: int, rep: Rep, *, provisional: bool) -> Event:
    def r(v: float | None) -> float | None:
        return None if v is None else round(v, 2)

    return {
        "type": "rep", "set": set_number, "rep": rep.number, "provisional": provisional,
        "time": r(rep.end), "ended_at": r(rep.lower_end if rep.order == "lift_first" else rep.lift_end),
        "lift_s": r(rep.lift_s), "top_hold_s": r(rep.top_hold_s),
        "lower_s": r(rep.lower_s), "range_deg": r(rep.range_deg),
        "top_vs_neutral_deg": None if rep.top_deviation_deg is None else r(-rep.top_deviation_deg),
    }  # fmt: skip


def live_differences(live_events: Sequence[Event], offline: SetAnalysis) -> list[str]:
    """Where the verdicts given live differ from the full analysis of the set."""
    live_reps = {e["rep"] for e in live_events if e["type"] == "rep"}
    live = {(e["rep"], e["id"]) for e in live_events if e["type"] == "fault"}
    full = {(f.rep, f.id) for f in offline.faults if f.rep is not None}
    out: list[str] = []
    if len(live_reps) != offline.metrics.rep_count:
        out.append(
            f"live counted {len(live_reps)} reps, the full analysis {offline.metrics.rep_count}"
        )
    for rep, fid in sorted(full - live):
        out.append(f"rep {rep}: {fid} found by the full analysis, not live")
    for rep, fid in sorted(live - full):
        out.append(f"rep {rep}: {fid} said live, not confirmed by the full analysis")
    return out
