"""The in-process face: an httpx transport for both ``httpx.Client`` and ``httpx.AsyncClient``."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

import httpx

from ._wire import Reply, WireRequest

Handler = Callable[[WireRequest], Reply]


def _wire(request: httpx.Request, body: bytes) -> WireRequest:
    headers = {name.lower(): value for name, value in request.headers.items()}
    query = request.url.query.decode("ascii", "replace")
    return WireRequest(request.method, request.url.path, query, headers, body)


def _read_timeout(request: httpx.Request) -> float | None:
    timeout = request.extensions.get("timeout", {})
    value = timeout.get("read") if isinstance(timeout, dict) else None
    return float(value) if value is not None else None


def _wait(reply: Reply, read_timeout: float | None) -> tuple[float | None, bool]:
    """How long to wait (``None``: until closed) and whether the client then times out."""
    if reply.stall:
        return read_timeout, True
    if read_timeout is not None and reply.delay > read_timeout:
        return read_timeout, True
    return reply.delay, False


def _response(request: httpx.Request, reply: Reply) -> httpx.Response:
    if reply.reset:
        raise httpx.RemoteProtocolError(
            "Server disconnected without sending a response.", request=request
        )
    return httpx.Response(reply.status, headers=reply.headers, content=reply.body, request=request)


class FakeTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Hands each request to the sandbox; delays and stalls honour the request's read timeout.

    A delayed call has already changed the sandbox's state when the client times out, as a
    real slow execute has. A stall without a read timeout waits until the transport closes
    (sync) or the task is cancelled (async).
    """

    def __init__(self, handler: Handler) -> None:
        self._handler = handler
        self._closed = threading.Event()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Synchronous path (``httpx.Client``)."""
        reply = self._handler(_wire(request, request.read()))
        seconds, times_out = _wait(reply, _read_timeout(request))
        if seconds is None:
            self._closed.wait()
        elif seconds > 0:
            time.sleep(seconds)
        if times_out:
            raise httpx.ReadTimeout("The sandbox did not answer in time.", request=request)
        return _response(request, reply)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Asynchronous path (``httpx.AsyncClient``); waits never block the event loop."""
        reply = self._handler(_wire(request, await request.aread()))
        seconds, times_out = _wait(reply, _read_timeout(request))
        if seconds is None:
            await asyncio.get_running_loop().create_future()  # until the task is cancelled
        elif seconds > 0:
            await asyncio.sleep(seconds)
        if times_out:
            raise httpx.ReadTimeout("The sandbox did not answer in time.", request=request)
        return _response(request, reply)

    def close(self) -> None:
        """Release stalled synchronous requests."""
        self._closed.set()

    async def aclose(self) -> None:
        """Nothing to release: async stalls end when their task is cancelled."""
