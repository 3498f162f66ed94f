"""Every call fails within its timeout against a server that accepts and never answers."""

from __future__ import annotations

import asyncio
import json
import socket
import socketserver
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest

from bkash_sdk import AsyncBkashClient, BkashClient, BkashConnectionError, BkashTimeoutError
from bkash_sdk._operations import ALL_OPERATIONS, QUERY_PAYMENT, Operation
from tests.client.stub import config

TIMEOUT = 0.4


class StallingServer(socketserver.ThreadingTCPServer):
    """Answers token grants; accepts every other request and never answers it."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64  # every operation connects at once

    def __init__(self, stall_tokens: bool) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.stall_tokens = stall_tokens
        self.released = threading.Event()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1.2.0-beta"


class _Handler(socketserver.StreamRequestHandler):
    server: StallingServer

    def handle(self) -> None:
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.request.recv(4096)
            if not chunk:
                return
            head += chunk
        if b"token/grant" in head.split(b"\r\n", 1)[0] and not self.server.stall_tokens:
            payload = json.dumps(
                {"statusCode": "0000", "id_token": "stall-token", "expires_in": 3600}
            ).encode()
            self.wfile.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                + f"Content-Length: {len(payload)}\r\n\r\n".encode()
                + payload
            )
            return
        self.server.released.wait(30)


@contextmanager
def _running(stall_tokens: bool) -> Iterator[StallingServer]:
    stalling = StallingServer(stall_tokens=stall_tokens)
    thread = threading.Thread(target=stalling.serve_forever, daemon=True)
    thread.start()
    try:
        yield stalling
    finally:
        stalling.released.set()
        stalling.shutdown()
        stalling.server_close()


@pytest.fixture(params=[False, True], ids=["answers-tokens", "stalls-everything"])
def server(request: pytest.FixtureRequest) -> Iterator[StallingServer]:
    with _running(stall_tokens=request.param) as stalling:
        yield stalling


def _client_settings(server: StallingServer, retries: int) -> dict[str, object]:
    return {"base_url": server.base_url, "timeout": TIMEOUT, "max_retries": retries}


def _operations(server: StallingServer) -> list[Operation]:
    """Token calls themselves stall only when the server stalls them."""
    return [op for op in ALL_OPERATIONS if server.stall_tokens or not op.name.startswith("token")]


def _timed_sync(client: BkashClient, operation: Operation) -> float:
    started = time.monotonic()
    with pytest.raises(BkashTimeoutError):
        client._call(operation, {"paymentID": "TR0011stall"})
    return time.monotonic() - started


def test_sync_calls_fail_within_their_timeout(server: StallingServer) -> None:
    with (
        BkashClient(config(**_client_settings(server, 0))) as client,
        ThreadPoolExecutor(16) as pool,
    ):
        elapsed = list(pool.map(lambda op: _timed_sync(client, op), _operations(server)))
    # a stalled token call adds its own timeout before the operation is even sent
    budget = TIMEOUT * (2 if server.stall_tokens else 1) + 1
    assert max(elapsed) < budget, elapsed


async def test_async_calls_fail_within_their_timeout(server: StallingServer) -> None:
    async with AsyncBkashClient(config(**_client_settings(server, 0))) as client:

        async def timed(operation: Operation) -> float:
            started = time.monotonic()
            with pytest.raises(BkashTimeoutError):
                await client._call(operation, {"paymentID": "TR0011stall"})
            return time.monotonic() - started

        elapsed = await asyncio.gather(*(timed(op) for op in _operations(server)))
    budget = TIMEOUT * (2 if server.stall_tokens else 1) + 1
    assert max(elapsed) < budget, elapsed


def test_a_retried_read_is_bounded_by_its_attempts() -> None:
    with (
        _running(stall_tokens=False) as server,
        BkashClient(config(**_client_settings(server, 2))) as client,
    ):
        elapsed = _timed_sync(client, QUERY_PAYMENT)
    assert 3 * TIMEOUT <= elapsed < 3 * TIMEOUT + 1


def test_connect_timeout_is_shorter_than_read_timeout() -> None:
    settings = config(timeout=30.0, connect_timeout=2.0)
    with BkashClient(settings) as client:
        timeout = client._pipeline.build(QUERY_PAYMENT, {}).extensions["timeout"]
    assert timeout == {"connect": 2.0, "read": 30.0, "write": 30.0, "pool": 30.0}


def test_a_refused_connection_is_a_connection_error_quickly() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1.2.0-beta"
    with BkashClient(config(base_url=url, max_retries=0)) as client:
        started = time.monotonic()
        with pytest.raises(BkashConnectionError):
            client._call(QUERY_PAYMENT, {"paymentID": "TR1"})
    assert time.monotonic() - started < 2
