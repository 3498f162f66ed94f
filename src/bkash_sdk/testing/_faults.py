"""Fault injection: what the next N calls of an endpoint get instead of a normal answer."""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Mapping
from typing import Literal

import attrs

from ._wire import JSON, MESSAGES, Reply

FaultKind = Literal["respond", "delay", "stall", "reset", "malformed", "truncated", "empty"]
HTML_503 = (
    b"<html><head><title>503 Service Temporarily Unavailable</title></head>"
    b"<body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>"
)


@attrs.frozen
class Fault:
    """One kind of misbehaviour. Build with the class methods.

    ``applied`` says whether the sandbox still performs the call (the state change happens and
    only the answer is lost or mangled) or the call never reaches bKash.
    """

    kind: FaultKind
    applied: bool
    status: int = 200
    body: bytes = b""
    content_type: str = JSON
    seconds: float = 0.0

    @classmethod
    def respond(
        cls, status: int, body: bytes | str | Mapping[str, object], content_type: str = JSON
    ) -> Fault:
        """Answer with this status and body; the call is not performed."""
        if isinstance(body, Mapping):
            body = json.dumps(body)
        raw = body.encode() if isinstance(body, str) else body
        return cls("respond", applied=False, status=status, body=raw, content_type=content_type)

    @classmethod
    def html_503(cls) -> Fault:
        """The gateway's HTML "503 Service Temporarily Unavailable" page."""
        return cls.respond(503, HTML_503, "text/html")

    @classmethod
    def unauthorized(cls) -> Fault:
        """The gateway's HTTP 401 ``{"message":"Unauthorized"}``."""
        return cls.respond(401, {"message": "Unauthorized"})

    @classmethod
    def business(cls, code: str, message: str | None = None) -> Fault:
        """A business error in HTTP 200 (``statusCode``/``statusMessage``)."""
        text = message if message is not None else MESSAGES.get(code, "System Error.")
        return cls.respond(200, {"statusCode": code, "statusMessage": text})

    @classmethod
    def delay(cls, seconds: float) -> Fault:
        """Perform the call, then answer after *seconds* (the client may time out first)."""
        return cls("delay", applied=True, seconds=seconds)

    @classmethod
    def stall(cls, *, applied: bool = False) -> Fault:
        """Accept the request and never answer."""
        return cls("stall", applied=applied)

    @classmethod
    def reset(cls, *, applied: bool = False) -> Fault:
        """Drop the connection without an answer (httpx raises ``RemoteProtocolError``)."""
        return cls("reset", applied=applied)

    @classmethod
    def malformed(cls) -> Fault:
        """Perform the call; answer its body with a raw newline inside the last string."""
        return cls("malformed", applied=True)

    @classmethod
    def truncated(cls) -> Fault:
        """Perform the call; answer only the first half of its body."""
        return cls("truncated", applied=True)

    @classmethod
    def empty(cls, status: int = 200) -> Fault:
        """Perform the call; answer *status* with an empty body."""
        return cls("empty", applied=True, status=status)

    def shape(self, real: Reply | None) -> Reply:
        """The reply delivered instead of *real* (``None`` when the call was not performed)."""
        if self.kind == "respond":
            return Reply(self.status, self.body, self.content_type)
        if self.kind in ("stall", "reset") or real is None:
            return Reply(0, b"", stall=self.kind == "stall", reset=self.kind == "reset")
        if self.kind == "delay":
            return attrs.evolve(real, delay=self.seconds)
        if self.kind == "malformed":
            cut = real.body.rfind(b'"')
            return attrs.evolve(real, body=real.body[:cut] + b"\n" + real.body[cut:])
        if self.kind == "truncated":
            return attrs.evolve(real, body=real.body[: len(real.body) // 2])
        return attrs.evolve(real, status=self.status, body=b"")


@attrs.define
class _Queued:
    fault: Fault
    left: int


class FaultPlan:
    """Queued faults per endpoint key, each for a number of calls."""

    def __init__(self) -> None:
        self._queues: dict[str, deque[_Queued]] = {}
        self._lock = threading.Lock()

    def add(self, endpoint: str, fault: Fault, times: int) -> None:
        """Queue *fault* for the next *times* calls of *endpoint* (after earlier faults)."""
        if times < 1:
            raise ValueError("times must be at least 1")
        with self._lock:
            self._queues.setdefault(endpoint, deque()).append(_Queued(fault, times))

    def take(self, endpoint: str) -> Fault | None:
        """The fault for this call of *endpoint*, if any."""
        with self._lock:
            queue = self._queues.get(endpoint)
            if not queue:
                return None
            head = queue[0]
            head.left -= 1
            if head.left == 0:
                queue.popleft()
            return head.fault

    def clear(self) -> None:
        """Drop every queued fault."""
        with self._lock:
            self._queues.clear()
