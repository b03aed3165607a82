"""One live session from start to end: sets cut at long rests, each analysed and coached in
full by the application service, with the live timing and the live-versus-full differences.

:func:`run_live` is what ``extensor live`` and the web page's socket both drive (the web
page feeds frames itself through :class:`LiveRun.frame`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from extensor._analysis import analysis_params
from extensor.app import CoachedSet, LogEntry, analyze_and_coach
from extensor.knowledge import Exercise
from extensor.live._engine import Event, LiveCoach, live_differences
from extensor.live._frames import LiveFrame
from extensor.live._session import LiveSession, PoseFn
from extensor.live._settings import live_settings
from extensor.live._speech import Speaker

__all__ = ["LiveRun", "LiveSet"]


@dataclass(frozen=True, slots=True)
class LiveSet:
    """One set of a live session: the full analysis and what live mode said during it."""

    coached: CoachedSet
    events: tuple[Event, ...]
    differences: tuple[str, ...]
    timing: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """``analyze --json``'s document plus a ``live`` block."""
        doc = self.coached.to_dict()
        doc["live"] = {
            **self.timing,
            "differences_from_full_analysis": list(self.differences),
            "events": [e for e in self.events if e["type"] != "status"],
        }
        return doc


@dataclass
class LiveRun:
    """A live session: frames in (``frame`` or ``run``), sets out (``sets``)."""

    exercise: Exercise
    goal: str
    variant: str
    pose: PoseFn
    speaker: Speaker
    log: LogEntry | None = None
    store: Any = None
    on_event: Callable[[Event], None] | None = None
    on_set: Callable[[LiveSet], None] | None = None
    sets: list[LiveSet] = field(default_factory=list)

    def __post_init__(self) -> None:
        params = analysis_params(self.exercise, variant=self.variant, goal=self.goal)
        self.settings = live_settings(self.exercise, variant=self.variant)
        self.session = LiveSession(
            coach=LiveCoach(params=params, settings=self.settings),
            pose=self.pose,
            speaker=self.speaker,
            on_event=self._event,
        )
        self._set_events: list[Event] = []
        self._ending = False

    @property
    def idle(self) -> bool:
        """True once nothing has moved for the data file's ``live_idle_timeout_s``."""
        return self.session.coach.still_for_s >= self.settings.idle_timeout_s

    def frame(self, frame: LiveFrame) -> list[Event]:
        """Process one frame; a set that a long rest ended is analysed before returning."""
        events = self.session.process(frame)
        if self._ending:
            self._ending = False
            events += self.end_set()
        return events

    def run(self, frames: Iterable[LiveFrame], *, block: bool, stop: Any = None) -> None:
        """Run a source to its end (or ``stop``, or the idle timeout), then end the set."""
        import threading

        stop = stop or threading.Event()

        def watched() -> Iterable[LiveFrame]:
            for f in frames:
                if self.idle:
                    stop.set()
                    return
                yield f

        self.session.run(watched(), block=block, stop=stop, handle=self.frame)
        self._ending = False
        self.end_set()

    def end_set(self) -> list[Event]:
        """Analyse the current set in full (if it has any frame), coach it, maybe save it."""
        for e in self.session.coach.flush():
            if e["type"] == "cue":
                self.speaker.say(str(e["phrase"]))
            self.session.events.append(e)
            self._event(e)
        keypoints = self.session.coach.finish_set()
        events, self._set_events = self._set_events, []
        if keypoints is None or not any(e["type"] == "rep" for e in events):
            return []
        coached = analyze_and_coach(
            keypoints, goal=self.goal, variant=self.variant, exercise=self.exercise,
            log=self.log, store=self.store if self.log is not None else None,
        )  # fmt: skip
        live_set = LiveSet(
            coached=coached,
            events=tuple(events),
            differences=tuple(live_differences(events, coached.result)),
            timing=self.session.timing.to_dict(),
        )
        self.sets.append(live_set)
        if self.on_set is not None:
            self.on_set(live_set)
        m = coached.result.metrics
        end: Event = {"type": "set_end", "set": len(self.sets), "reps": m.rep_count,
                      "summary": f"{m.rep_count} reps; {coached.coaching.verdict.headline}",
                      "differences": list(live_set.differences)}  # fmt: skip
        if self.on_event is not None:
            self.on_event(end)
        return [end]

    def _event(self, e: Event) -> None:
        if e["type"] == "set_end":
            self._ending = True
            return
        self._set_events.append(e)
        if self.on_event is not None:
            self.on_event(e)
