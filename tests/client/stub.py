"""A programmable stand-in for bKash at the transport edge, counting every call."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx

from bkash_sdk import AsyncBkashClient, BkashClient, BkashConfig
from tests import canaries

Responder = Callable[[httpx.Request], httpx.Response]


def ok(**fields: Any) -> httpx.Response:
    return httpx.Response(200, json={**fields, "statusCode": "0000", "statusMessage": "Successful"})


def token_body(id_token: str, expires_in: int | str = 3600) -> httpx.Response:
    return ok(
        id_token=id_token,
        token_type="Bearer",
        expires_in=expires_in,
        refresh_token=canaries.REFRESH_TOKEN,
    )


def endpoint(request: httpx.Request) -> str:
    """The last path segments that name a bKash endpoint, e.g. ``token/grant``."""
    path = request.url.path
    for prefix in ("/v1.2.0-beta/tokenized/checkout/", "/v2/tokenized-checkout/"):
        if path.startswith(prefix):
            return path[len(prefix) :]
    return path


class StubBkash:
    """Answers token calls with canary tokens and everything else from ``routes``.

    ``delay`` slows every answer (sync or async), widening races in concurrency tests.
    """

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.requests: list[httpx.Request] = []
        self.counts: Counter[str] = Counter()
        self.routes: dict[str, Responder] = {}
        self.tokens = [canaries.ID_TOKEN, canaries.ID_TOKEN_2]
        self.valid_tokens: set[str] = set()
        self._lock = threading.Lock()

    def _answer(self, request: httpx.Request) -> httpx.Response:
        name = endpoint(request)
        with self._lock:
            # a snapshot: a replayed request is the same object with new headers
            self.requests.append(
                httpx.Request(
                    request.method, request.url, headers=request.headers, content=request.content
                )
            )
            self.counts[name] += 1
            if name in self.routes:
                return self.routes[name](request)
            if name in ("token/grant", "token/refresh"):
                issued = self.tokens[min(self.token_calls - 1, len(self.tokens) - 1)]
                self.valid_tokens.add(issued)
                return token_body(issued)
        if request.headers.get("Authorization") not in self.valid_tokens:
            return httpx.Response(401, json={"message": "Unauthorized"})
        return ok(paymentID=json.loads(request.content).get("paymentID", "TR0011x"))

    @property
    def token_calls(self) -> int:
        return self.counts["token/grant"] + self.counts["token/refresh"]

    def handle(self, request: httpx.Request) -> httpx.Response:
        if self.delay:
            time.sleep(self.delay)
        return self._answer(request)

    async def handle_async(self, request: httpx.Request) -> httpx.Response:
        if self.delay:
            await asyncio.sleep(self.delay)
        return self._answer(request)


def config(**overrides: Any) -> BkashConfig:
    settings: dict[str, Any] = {**canaries.CREDENTIALS, "retry_backoff": 0.001}
    return BkashConfig(**{**settings, **overrides})


def sync_client(stub: StubBkash, **options: Any) -> BkashClient:
    settings = options.pop("settings", {})
    transport = httpx.MockTransport(stub.handle)
    return BkashClient(config(**settings), http_client=httpx.Client(transport=transport), **options)


def async_client(stub: StubBkash, **options: Any) -> AsyncBkashClient:
    settings = options.pop("settings", {})
    transport = httpx.MockTransport(stub.handle_async)
    http = httpx.AsyncClient(transport=transport)
    return AsyncBkashClient(config(**settings), http_client=http, **options)
