"""Live coaching: cues during the set, from a camera, a video file or a browser.

The pieces: :class:`FrameSlot` (frames dropped, never queued into lag), the
:class:`LiveCoach` (keypoints in, rep / fault / cue events out, the same kinematics and
streaming analyser as the offline path), the :class:`LiveSession` (pose, timing,
speech) and the speakers (:func:`open_speaker`).
"""

from extensor.live._engine import LiveCoach, LiveSettings, live_differences
from extensor.live._frames import FrameSlot, LiveFrame, camera_frames, replay_frames
from extensor.live._pose import tracked_pose
from extensor.live._run import LiveRun, LiveSet
from extensor.live._session import LiveSession, LiveTiming
from extensor.live._settings import live_settings
from extensor.live._speech import (
    EspeakSpeaker,
    RecordingSpeaker,
    SilentSpeaker,
    Speaker,
    open_speaker,
)
from extensor.live._stats import LatencyStats

__all__ = [
    "EspeakSpeaker",
    "FrameSlot",
    "LatencyStats",
    "LiveCoach",
    "LiveFrame",
    "LiveRun",
    "LiveSession",
    "LiveSet",
    "LiveSettings",
    "LiveTiming",
    "RecordingSpeaker",
    "SilentSpeaker",
    "Speaker",
    "camera_frames",
    "live_differences",
    "live_settings",
    "open_speaker",
    "replay_frames",
    "tracked_pose",
]
