"""The HTTP face under stress: half-sent requests, bad framing, big bodies, many clients."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from bkash_sdk.testing import FakeBkash, SandboxServer

from ._driver import PATHS

QUERY = PATHS["query"]


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with FakeBkash().serve() as running:
        yield running


def connect(server: SandboxServer) -> socket.socket:
    return socket.create_connection((server.host, server.port), timeout=10)


def read_all(connection: socket.socket) -> bytes:
    """Everything until the server closes the connection."""
    data = b""
    while chunk := connection.recv(65536):
        data += chunk
    return data


def send(server: SandboxServer, framing: str, body: str = "") -> socket.socket:
    """A connection that sent a query request with these framing headers."""
    connection = connect(server)
    request = f"POST {QUERY} HTTP/1.1\r\nHost: x\r\n{framing}\r\n\r\n{body}"
    connection.sendall(request.encode("latin-1"))
    return connection


def half_sent(server: SandboxServer) -> socket.socket:
    """A connection holding a request whose body is 1 byte of 100."""
    return send(server, "Content-Length: 100", "{")


def test_stop_does_not_wait_for_a_half_sent_request() -> None:
    server = FakeBkash().serve()
    connection = half_sent(server)
    time.sleep(0.2)  # the handler thread is now blocked reading the body
    stopper = threading.Thread(target=server.stop, daemon=True)
    stopper.start()
    stopper.join(timeout=4)  # the request timeout (5 s) must not be what ends it
    assert not stopper.is_alive()
    assert read_all(connection) == b""
    connection.close()


def test_a_stalled_request_is_dropped_after_the_request_timeout() -> None:
    with FakeBkash().serve(request_timeout=0.2) as server:
        connection = half_sent(server)
        assert read_all(connection) == b""  # closed without an answer, server still running
        connection.close()
        with send(server, "Content-Length: 2", "{}") as other:
            assert other.recv(12) == b"HTTP/1.1 401"


def test_the_request_timeout_must_be_positive() -> None:
    with pytest.raises(ValueError, match="request_timeout"):
        FakeBkash().serve(request_timeout=0)


@pytest.mark.parametrize(
    ("framing", "status"),
    [
        ("Content-Length: -1", b"400"),
        ("Content-Length: ten", b"400"),
        ("Content-Length: \xb2", b"400"),
        ("Content-Length: 2\r\nContent-Length: 3", b"400"),
        ("Transfer-Encoding: chunked", b"411"),
        (f"Content-Length: {1024 * 1024 + 1}", b"413"),
    ],
)
def test_bad_framing_and_big_bodies_are_refused_then_closed(
    server: SandboxServer, framing: str, status: bytes
) -> None:
    with send(server, framing) as connection:
        answer = read_all(connection)  # the body is never read: the server closes
    assert answer.startswith(b"HTTP/1.1 " + status)
    assert b"Connection: close" in answer
    assert answer.endswith(b'"}')


def test_a_big_body_in_process_is_413_too() -> None:
    fake = FakeBkash()
    with httpx.Client(transport=fake.transport()) as client:
        answer = client.post("https://x" + QUERY, content=b" " * (1024 * 1024 + 1))
    assert (answer.status_code, answer.json()) == (413, {"message": "Request Entity Too Large"})


def test_64_clients_at_once_are_all_answered(server: SandboxServer) -> None:
    request = (
        f"POST {QUERY} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}"
    ).encode()
    start = threading.Barrier(64)
    answers: list[bytes] = []
    errors: list[str] = []

    def client() -> None:
        start.wait()
        for _ in range(10):
            try:
                with socket.create_connection((server.host, server.port), timeout=5) as c:
                    c.sendall(request)
                    answers.append(read_all(c)[:12])
            except OSError as error:
                errors.append(repr(error))

    threads = [threading.Thread(target=client) for _ in range(64)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert answers == [b"HTTP/1.1 401"] * 640
