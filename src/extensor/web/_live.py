"""The live page (``/live``) and its WebSocket (``/api/live/ws``).

The browser sends one message per frame: 8 bytes of little-endian float64 (the frame's
time in seconds since Start) followed by a JPEG. The server runs pose and the same
:class:`~extensor.live.LiveRun` as ``extensor live`` in a worker thread and answers
``{"type": "frame_done", "events": [...]}``; the page sends the next frame only then, so a
slow computer drops frames instead of falling behind. A text message ``{"type": "stop"}``
ends the set: it is analysed in full by the application service (and saved when the page
asked for it) and ``{"type": "set_end", ...}`` comes back.

The socket follows the rules of the pages: the Origin must be this server's, the first
message carries the page's CSRF token, and in multi-user mode the session must be logged
in. Frames are decoded in memory and never written to disk.
"""

from __future__ import annotations

import asyncio
import json
import struct
import time
from typing import Any

from fastapi import APIRouter, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import Response

from extensor.web._live_session import LiveConnection, refuse_reason
from extensor.web._service import choices, profile_for
from extensor.web._state import get_state, identity_of, render

__all__ = ["LIVE_PERMISSIONS", "MAX_FRAME_BYTES", "router"]

router = APIRouter()

#: The live page may use the camera (every other page forbids it).
LIVE_PERMISSIONS = "camera=(self), microphone=(), geolocation=()"

#: Largest frame message accepted (bytes): a 480 px JPEG is 20-60 KB.
MAX_FRAME_BYTES = 2_000_000

_HEADER = struct.Struct("<d")


@router.get("/live", include_in_schema=False)
def live_page(request: Request) -> Response:
    """The live coach page."""
    me = identity_of(request)
    st = get_state(request)
    profile, stored = profile_for(st.store(me), st.settings)
    page = render(
        request, "live.html", identity=me, choices=choices(st.exercise),
        goal=profile.goal if stored else st.settings.goal,
        variant=profile.variant if stored else st.settings.variant,
    )  # fmt: skip
    page.headers["permissions-policy"] = LIVE_PERMISSIONS
    return page


@router.websocket("/api/live/ws")
async def live_socket(ws: WebSocket) -> None:
    """Frames in, coaching events out (see the module docstring)."""
    reason = refuse_reason(ws)
    if reason is not None:
        await ws.close(code=1008, reason=reason)
        return
    await ws.accept()
    try:
        first = json.loads(await ws.receive_text())
        live = await asyncio.to_thread(LiveConnection.open, ws, first)
    except WebSocketDisconnect:
        return
    except Exception as err:  # noqa: BLE001 - any failure to start is told to the page
        await ws.send_json({"type": "error", "message": str(err)})
        await ws.close(code=1008)
        return
    await ws.send_json({"type": "ready", "voice": "browser"})
    try:
        while True:
            msg = await ws.receive()
            if msg.get("type") == "websocket.disconnect":
                break
            data = msg.get("bytes")
            if data is not None:
                await ws.send_json(await _frame(live, data))
                continue
            text = msg.get("text")
            if text and _kind(text) == "stop":
                for event in await asyncio.to_thread(live.end_set):
                    await ws.send_json(event)
    except WebSocketDisconnect:
        pass
    finally:
        await asyncio.to_thread(live.close)


async def _frame(live: LiveConnection, data: bytes) -> dict[str, Any]:
    if len(data) > MAX_FRAME_BYTES or len(data) <= _HEADER.size:
        return {"type": "frame_done", "events": [
            {"type": "error", "message": f"a frame must be 1 to {MAX_FRAME_BYTES} bytes"}]}  # fmt: skip
    (t,) = _HEADER.unpack_from(data)
    arrived = time.monotonic()
    events = await asyncio.to_thread(live.frame, t, data[_HEADER.size :], arrived)
    return {"type": "frame_done", "events": events}


def _kind(text: str) -> str | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value.get("type") if isinstance(value, dict) else None
