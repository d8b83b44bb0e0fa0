"""An ASGI guard on request bodies: refuse what is too large before any of it is spooled."""

from __future__ import annotations

import json
from collections.abc import Callable

import anyio
from starlette.exceptions import HTTPException


def too_large(limit: int) -> HTTPException:
    """The 413 for a body over ``limit`` bytes."""
    return HTTPException(413, f"the upload is larger than the limit of {limit} bytes")


async def send_json(send, status: int, detail: str) -> None:
    """Answer a whole JSON error response ``{"detail": ...}`` straight on the ASGI channel."""
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """Wrap an ASGI app so no request body over ``limit`` bytes reaches it.

    A ``Content-Length`` over the limit is answered 413 before a byte of the body is read. A body
    without one (chunked) is counted as it streams: the read that passes the limit raises
    a 413 ``HTTPException``, which the app turns into its answer (or this guard, if nothing was answered).
    The multipart parser therefore never spools more than ``limit`` bytes.

    ``room()``, if given, says how many bytes the storage can still take: an upload (a POST to one
    of ``room_paths``) whose ``Content-Length`` is larger is answered 507 at once.
    """

    def __init__(self, app, limit: int, room: Callable[[], int] | None = None,
                 room_paths: tuple[str, ...] = ()) -> None:
        self.app, self.limit, self.room, self.room_paths = app, limit, room, room_paths

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None:
            if not length.isdigit():
                await send_json(send, 400, "Content-Length is not a number")
                return
            if int(length) > self.limit:
                await send_json(send, 413, too_large(self.limit).detail)
                return
            if self.room and scope["method"] == "POST" and scope["path"] in self.room_paths:
                room = await anyio.to_thread.run_sync(self.room)
                if int(length) > room:
                    await send_json(send, 507, f"the exhibition folder is full: room for {room} more bytes")
                    return
        received = 0
        started = False

        async def limited_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise too_large(self.limit)
            return message

        async def tracking_send(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except HTTPException as exc:
            if started or exc.status_code != 413:
                raise
            await send_json(send, 413, exc.detail)
