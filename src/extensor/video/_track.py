"""Keep one lifter across frames and count the frames where nobody was found.

MediaPipe's legacy pose returns at most one person, but a multi-person backend
(MediaPipe Tasks, RTMPose) may also see a spotter or someone walking past. The
:class:`LifterTracker` keeps the person nearest (hip centre, in pixels) to the
previous pick; the first pick is the person with the highest score, ties broken by
the largest spread of points (the person nearest the camera).

>>> from extensor.video._pose import Person
>>> tracker = LifterTracker()
>>> a = Person({"left_hip": (100.0, 100.0, 0.9)})
>>> b = Person({"left_hip": (400.0, 100.0, 0.9)})
>>> tracker.pick([a]) is a, tracker.pick([b, Person({"left_hip": (110.0, 100.0, 0.9)})]).points
(True, {'left_hip': (110.0, 100.0, 0.9)})
>>> tracker.pick([]) is None, tracker.frames, tracker.frames_without_person
(True, 3, 1)
"""

from __future__ import annotations

import math

from extensor.knowledge import Exercise
from extensor.video._decode import VideoWarning
from extensor.video._limits import exercise_or_default, limit
from extensor.video._pose import Person

__all__ = ["LifterTracker", "missing_person_warnings"]


def _spread(person: Person) -> float:
    xs = [p[0] for p in person.points.values() if p[2] > 0 and math.isfinite(p[0])]
    ys = [p[1] for p in person.points.values() if p[2] > 0 and math.isfinite(p[1])]
    if not xs:
        return 0.0
    return (max(xs) - min(xs)) + (max(ys) - min(ys))


class LifterTracker:
    """Pick the lifter among the people found in each frame; count empty frames."""

    def __init__(self) -> None:
        self.frames = 0
        self.frames_without_person = 0
        self.frames_with_several = 0
        self._last: tuple[float, float] | None = None

    def pick(self, people: list[Person]) -> Person | None:
        """The lifter in this frame, or ``None`` when nobody was found."""
        self.frames += 1
        if not people:
            self.frames_without_person += 1
            return None
        if len(people) > 1:
            self.frames_with_several += 1
        if self._last is None or len(people) == 1:
            chosen = (
                people[0] if len(people) == 1 else max(people, key=lambda p: (p.score, _spread(p)))
            )
        else:
            lx, ly = self._last

            def distance(p: Person) -> float:
                cx, cy = p.center()
                d = math.hypot(cx - lx, cy - ly)
                return d if math.isfinite(d) else math.inf

            chosen = min(people, key=distance)
        cx, cy = chosen.center()
        if math.isfinite(cx) and math.isfinite(cy):
            self._last = (cx, cy)
        return chosen

    def merge(self, other: LifterTracker) -> None:
        """Add the counts of a tracker that followed another part of the same clip."""
        self.frames += other.frames
        self.frames_without_person += other.frames_without_person
        self.frames_with_several += other.frames_with_several

    def warnings(
        self, *, max_missing_share: float | None = None, exercise: Exercise | None = None
    ) -> list[VideoWarning]:
        """Warnings about missing or extra people; see :func:`missing_person_warnings`.

        ``max_missing_share`` defaults to ``exercise``'s ``analysis.max_unusable_share``
        (the bundled data file when no exercise is given).
        """
        allowed = limit(exercise_or_default(exercise), "max_unusable_share", max_missing_share)
        found = missing_person_warnings(
            self.frames, self.frames_without_person, max_missing_share=allowed
        )
        if self.frames_with_several:
            found.append(
                VideoWarning(
                    "several_people",
                    f"{self.frames_with_several} of {self.frames} frames show more than one person; "
                    "the one nearest the previous pick was kept as the lifter.",
                )
            )
        return found


def missing_person_warnings(
    frames: int, frames_without_person: int, *, max_missing_share: float
) -> list[VideoWarning]:
    """A ``no_person`` warning when more than ``max_missing_share`` of the frames show nobody.

    >>> [w.code for w in missing_person_warnings(10, 3, max_missing_share=0.2)]
    ['no_person']
    >>> missing_person_warnings(10, 1, max_missing_share=0.2)
    []
    """
    if frames <= 0 or frames_without_person <= max_missing_share * frames:
        return []
    share = frames_without_person / frames
    if frames_without_person == frames:
        text = f"No person was found in any of the {frames} frames analysed."
    else:
        text = (
            f"No person was found in {frames_without_person} of {frames} frames ({share:.0%}); "
            "keep the whole lifter in view."
        )
    return [VideoWarning("no_person", text)]
