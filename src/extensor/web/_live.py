"""The live page (``/live``) and its WebSocket (``/api/live/ws``).

The browser sends one message per frame: 8 bytes of little-endian float64 (the frame's
time in seconds since Start) followed by a JPEG. The server runs pose and the same
:class:`~extensor.live.LiveCoach` as ``extensor live`` in a worker thread and answers
``{"type": "frame_done", "events": [...]}``; the page sends the next frame only then, so a
slow computer drops frames instead of falling behind. A text message ``{"type": "stop"}``
ends the set: it is analysed in full (the same application service as an upload) and
``{"type": "set_end", ...}`` comes back.

The socket follows the rules of the pages: the Host and Origin must be this server's,
the first message carries the page's CSRF token, and in multi-user mode the session must
be logged in. Frames are decoded in memory and never written to disk.
"""

from __future__ import annotations

import asyncio
import json
import struct
import time
from typing import Any

from fastapi import APIRouter, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import HTMLResponse

__all__ = ["LIVE_PERMISSIONS", "router"]

router = APIRouter()

#: The live page may use the camera (every other page forbids it).
LIVE_PERMISSIONS = "camera=(self), microphone=(), geolocation=()"

#: Largest frame message accepted (bytes): a 480 px JPEG is 20-60 KB.
MAX_FRAME_BYTES = 2_000_000

_HEADER = struct.Struct("<d")


@router.get("/live", response_class=HTMLResponse, include_in_schema=False)
def live_page(request: Request) -> HTMLResponse:
    """The live coach page."""
    from extensor.web._app import get_state, identity_of, render
    from extensor.web._service import choices, profile_for

    me = identity_of(request)
    st = get_state(request)
    profile = profile_for(st, me)
    page = render(request, "live.html", identity=me, choices=choices(st),
                  goal=profile.goal, variant=profile.variant)  # fmt: skip
    page.headers["permissions-policy"] = LIVE_PERMISSIONS
    return page


@router.websocket("/api/live/ws")
async def live_socket(ws: WebSocket) -> None:
    """Frames in, coaching events out (see the module docstring)."""
    from extensor.web._live_session import open_live, refuse_reason

    reason = refuse_reason(ws)
    if reason is not None:
        await ws.close(code=1008, reason=reason)
        return
    await ws.accept()
    try:
        first = json.loads(await ws.receive_text())
    except (WebSocketDisconnect, ValueError):
        return
    try:
        live = await asyncio.to_thread(open_live, ws, first)
    except Exception as err:  # noqa: BLE001 - any failure to start is told to the page
        await ws.send_json({"type": "error", "message": str(err)})
        await ws.close(code=1011)
        return
    await ws.send_json({"type": "ready"})
    try:
        while True:
            msg = await ws.receive()
            if msg.get("type") == "websocket.disconnect":
                break
            data = msg.get("bytes")
            if data is not None:
                if len(data) > MAX_FRAME_BYTES or len(data) <= _HEADER.size:
                    await ws.send_json({"type": "error", "message": "frame too large or empty"})
                    continue
                (t,) = _HEADER.unpack_from(data)
                arrived = time.monotonic()
                events = await asyncio.to_thread(live.frame, t, data[_HEADER.size :], arrived)
                await ws.send_json({"type": "frame_done", "events": events})
                continue
            text = msg.get("text")
            if text and json.loads(text).get("type") == "stop":
                for event in await asyncio.to_thread(live.end_set):
                    await ws.send_json(event)
    except WebSocketDisconnect:
        pass
    finally:
        await asyncio.to_thread(live.close)


def _json_safe(event: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(event, default=str))  # type: ignore[no-any-return]
