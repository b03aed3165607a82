"""A live session: frames in (camera, file or browser), pose, the live coach, events out.

:class:`LiveSession` owns the timing: every frame carries the monotonic time it reached
extensor, and each event is stamped when it leaves, so the session measures what a
lifter feels (``latency``: frame in to event out; ``cue_delay``: from the moment a rep's
last phase visibly stopped, on the camera's clock, to the cue starting to sound).
:meth:`LiveSession.run` puts a source's frames through a :class:`FrameSlot`, so when
pose cannot keep up frames are dropped, never queued into growing lag.
"""

from __future__ import annotations

import bisect
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from extensor.live._engine import Event, LiveCoach
from extensor.live._frames import FrameSlot, LiveFrame
from extensor.live._speech import Speaker
from extensor.live._stats import LatencyStats

__all__ = ["LiveSession", "LiveTiming"]

#: ``estimate(frame) -> points or None``: pose on one frame, points in full-size pixels.
PoseFn = Callable[[LiveFrame], "dict[str, tuple[float, float, float]] | None"]


@dataclass
class LiveTiming:
    """Timing of one live session (``to_dict`` is the ``live`` block of the JSON)."""

    latency: LatencyStats = field(default_factory=LatencyStats)
    cue_delay: LatencyStats = field(default_factory=LatencyStats)
    frames_in: int = 0
    frames_analysed: int = 0
    frames_dropped: int = 0
    first_time: float | None = None
    last_time: float | None = None

    def to_dict(self) -> dict[str, Any]:
        span = (
            (self.last_time - self.first_time)
            if self.first_time is not None and self.last_time is not None
            else 0.0
        )
        return {
            "frames_in": self.frames_in,
            "frames_analysed": self.frames_analysed,
            "frames_dropped": self.frames_dropped,
            "analysed_rate_hz": round(self.frames_analysed / span, 2) if span > 0 else None,
            "frame_to_event_latency": self.latency.summary(),
            "rep_end_to_cue_delay": self.cue_delay.summary(),
        }


class LiveSession:
    """Runs frames through pose and the coach; hands each event to ``on_event``."""

    def __init__(
        self,
        *,
        coach: LiveCoach,
        pose: PoseFn,
        speaker: Speaker,
        on_event: Callable[[Event], None] | None = None,
        on_set_end: Callable[[Any], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.coach = coach
        self._pose = pose
        self._speaker = speaker
        self._on_event = on_event
        self._on_set_end = on_set_end
        self._clock = clock
        self.timing = LiveTiming()
        self.events: list[Event] = []
        self.last_points: dict[str, tuple[float, float, float]] | None = None
        self._frame_times: list[float] = []  # recording time of each analysed frame
        self._frame_walls: list[float] = []  # when it reached extensor (monotonic s)

    def process(self, frame: LiveFrame) -> list[Event]:
        """Pose and coach one frame; returns (and hands on) the events it caused."""
        points = self._pose(frame)
        self.last_points = points
        events = self.coach.push(frame.time, points)
        now = self._clock()
        self.timing.frames_analysed += 1
        self.timing.first_time = (
            frame.time if self.timing.first_time is None else self.timing.first_time
        )
        self.timing.last_time = frame.time
        self.timing.latency.add(now - frame.captured)
        self._frame_times.append(frame.time)
        self._frame_walls.append(frame.captured)
        for e in events:
            e["emitted_after_ms"] = round(1000.0 * (now - frame.captured), 1)
            if e["type"] == "cue":
                self._speak(e, now)
            self.events.append(e)
            if self._on_event is not None:
                self._on_event(e)
        return events

    def _speak(self, cue: Event, now: float) -> None:
        self._speaker.say(str(cue["phrase"]))
        ended = cue.get("rep_ended_at")
        if isinstance(ended, float):
            wall = self._wall_at(ended)
            if wall is not None:
                self.timing.cue_delay.add(max(0.0, now - wall))

    def _wall_at(self, t: float) -> float | None:
        """When the frame at recording time ``t`` reached extensor (nearest analysed one)."""
        if not self._frame_times:
            return None
        k = bisect.bisect_left(self._frame_times, t)
        k = min(max(k, 0), len(self._frame_times) - 1)
        return self._frame_walls[k]

    def run(
        self,
        frames: Iterable[LiveFrame],
        *,
        block: bool = False,
        stop: threading.Event | None = None,
        handle: Callable[[LiveFrame], object] | None = None,
    ) -> None:
        """Feed a source's frames through a one-frame slot (dropping unless ``block``) to
        ``handle`` (default :meth:`process`)."""
        handle = handle or self.process
        stop = stop or threading.Event()
        slot = FrameSlot(block=block, clock=self._clock)
        failure: list[BaseException] = []

        def produce() -> None:
            try:
                for f in frames:
                    if stop.is_set():
                        break
                    slot.put(f)
            except BaseException as err:  # noqa: BLE001 - re-raised on the calling thread
                failure.append(err)
            finally:
                slot.close()

        thread = threading.Thread(target=produce, name="extensor-live-source", daemon=True)
        thread.start()
        try:
            while not stop.is_set():
                frame = slot.get()
                if frame is None:
                    break
                handle(frame)
        finally:
            stop.set()
            slot.close()
            thread.join(timeout=5.0)
            self.timing.frames_in = slot.put_count
            self.timing.frames_dropped = slot.dropped
        if failure:
            raise failure[0]
