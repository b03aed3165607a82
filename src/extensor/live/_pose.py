"""Pose for live frames: the video package's estimator and lifter tracker, one frame at a time.

>>> class Still:  # a fake backend that always sees the same person
...     def estimate(self, image, t):
...         from extensor.video import Person
...         return [Person({"left_hip": (10.0, 20.0, 0.9)})]
>>> pose = tracked_pose(Still())
>>> pose(LiveFrame(0, 0.0, None, 0.0, scale=0.5))
{'left_hip': (20.0, 40.0, 0.9)}
"""

from __future__ import annotations

from typing import Any

from extensor.live._frames import LiveFrame
from extensor.video import LifterTracker

__all__ = ["tracked_pose"]

Points = dict[str, tuple[float, float, float]]


def tracked_pose(estimator: Any) -> Any:
    """``frame -> points | None``: the lifter's keypoints in full-size pixels."""
    tracker = LifterTracker()

    def pose(frame: LiveFrame) -> Points | None:
        person = tracker.pick(estimator.estimate(frame.image, frame.time))
        if person is None:
            return None
        return dict(person.scaled(frame.scale).points)

    return pose
