"""One browser's live session behind the WebSocket: checks, pose, the live run.

:func:`refuse_reason` applies the page rules before the socket is accepted (same-site
Origin, a login in multi-user mode); :meth:`LiveConnection.open` checks the first message
(the page's CSRF token, goal and variant) and builds the same :class:`~extensor.live.LiveRun`
as ``extensor live``, with the browser speaking the cues.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from fastapi import WebSocket

from extensor._errors import ConfigError, InputFormatError
from extensor.app import LogEntry
from extensor.live import LiveFrame, LiveRun, SilentSpeaker, tracked_pose
from extensor.progression import parse_load
from extensor.web._security import SESSION_COOKIE, csrf_valid, origin_allowed
from extensor.web._service import profile_for
from extensor.web._state import NotLoggedInError, get_state, identity_of

__all__ = ["LiveConnection", "refuse_reason"]

#: The points the page draws (both sides; it picks the tracked one).
DRAWN_POINTS = tuple(
    f"{side}_{part}"
    for side in ("left", "right")
    for part in ("ear", "shoulder", "elbow", "wrist", "hip", "knee", "ankle")
)


def refuse_reason(ws: WebSocket) -> str | None:
    """Why this socket may not open (None: it may)."""
    if not origin_allowed(ws.headers.get("origin"), ws.headers.get("host")):
        return "connection from another site refused"
    try:
        identity_of(ws)
    except NotLoggedInError:
        return "log in first"
    return None


class LiveConnection:
    """Frames of one browser through pose and the live coach."""

    def __init__(self, run: LiveRun, estimator: Any, *, min_confidence: float) -> None:
        self.run = run
        self._estimator = estimator
        self._min_confidence = min_confidence
        self._index = 0
        self._last_t = -1.0

    @classmethod
    def open(cls, ws: WebSocket, first: Any) -> LiveConnection:
        """Check the first message (``{"type": "start", "csrf", "goal", "variant", "load"?}``)
        and start a live run; raises ExtensorError (told to the page) when it is wrong."""
        st = get_state(ws)
        if not isinstance(first, dict) or first.get("type") != "start":
            raise InputFormatError('the first message must be {"type": "start", ...}')
        if not csrf_valid(st.secret, ws.cookies.get(SESSION_COOKIE), first.get("csrf")):
            raise ConfigError("missing or invalid CSRF token: reload the page")
        me = identity_of(ws)
        profile, stored = profile_for(st.store(me), st.settings)
        goal = str(first.get("goal") or (profile.goal if stored else st.settings.goal))
        variant = str(first.get("variant") or (profile.variant if stored else st.settings.variant))
        st.exercise.goal(goal)  # unknown names raise with the valid choices
        st.exercise.variant(variant)
        log = None
        if first.get("load"):
            value, unit = parse_load(str(first["load"]), default_unit=profile.unit)
            log = LogEntry(load=value, unit=unit)
        from extensor.video import MediaPipePoseEstimator  # the video extra

        estimator = MediaPipePoseEstimator()
        run = LiveRun(
            exercise=st.exercise, goal=goal, variant=variant, pose=tracked_pose(estimator),
            speaker=SilentSpeaker(reason="the browser speaks the cues"), log=log,
            store=st.store(me) if log is not None else None,
        )  # fmt: skip
        return cls(
            run, estimator, min_confidence=st.exercise.analysis_param("min_keypoint_confidence")
        )

    def frame(self, t: float, jpeg: bytes, arrived: float) -> list[dict[str, Any]]:
        """One JPEG frame at page time ``t`` (s): the events it caused, newest status last."""
        from extensor.video import import_cv2

        cv2 = import_cv2()
        bgr = cv2.imdecode(np.frombuffer(jpeg, dtype=np.uint8), cv2.IMREAD_COLOR)
        if bgr is None:
            return [{"type": "error", "message": "a frame could not be decoded as JPEG"}]
        rgb = np.ascontiguousarray(bgr[:, :, ::-1])
        t = max(t, self._last_t + 1e-3)
        self._last_t = t
        frame = LiveFrame(self._index, t, rgb, arrived)
        self._index += 1
        events = self.run.frame(frame)
        out = [e for e in events if e["type"] != "status"]
        status = [e for e in events if e["type"] == "status"]
        if status:
            out.append(status[-1])
        points = self.run.session.last_points
        if points:
            h, w = rgb.shape[:2]
            out.append({"type": "pose", "points": {
                n: [round(points[n][0] / w, 4), round(points[n][1] / h, 4)]
                for n in DRAWN_POINTS if n in points and points[n][2] >= self._min_confidence}})  # fmt: skip
        return out

    def end_set(self) -> list[dict[str, Any]]:
        """End the set now: the full analysis' summary."""
        return self.run.end_set()

    def close(self) -> None:
        self._estimator.close()
