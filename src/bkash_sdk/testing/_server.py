"""The HTTP face: a stdlib threading server on loopback, sharing the one protocol handler."""

from __future__ import annotations

import contextlib
import re
import select
import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from ._wire import MAX_BODY, TOO_LARGE, Reply, WireRequest, gateway

_Handler = Callable[[WireRequest], Reply]
_POLL = 0.1
_DIGITS = re.compile(r"[0-9]+")
REQUEST_TIMEOUT = 5.0
"""Seconds a connection may stall while sending a request before it is closed."""


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = False
    block_on_close = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], handler: _Handler, timeout: float) -> None:
        super().__init__(address, _RequestHandler)
        self.handler = handler
        self.request_timeout = timeout
        self.stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet: the sandbox prints nothing (clients hanging up are routine)."""

    def track(self, connection: socket.socket, open_: bool) -> None:
        """Register (or forget) a connection a handler thread is serving."""
        with self._lock:
            if open_:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def release(self) -> None:
        """Stop for good: wake every handler blocked on a socket, so threads end now."""
        self.stopping.set()
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class _RequestHandler(BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def setup(self) -> None:
        """Apply the request timeout and let :meth:`_HTTPServer.release` find this socket."""
        super().setup()
        self.connection.settimeout(self.server.request_timeout)
        self.server.track(self.connection, True)

    def finish(self) -> None:
        """Forget the socket once the connection is done."""
        self.server.track(self.connection, False)
        super().finish()

    def handle(self) -> None:
        """Serve keep-alive requests until the client leaves or the server stops."""
        self.close_connection = False
        while not self.close_connection and self._readable():
            self.handle_one_request()

    def do_GET(self) -> None:
        """Checkout page (and 403 for API paths, as the gateway does)."""
        self._dispatch()

    def do_POST(self) -> None:
        """Merchant API and checkout page form."""
        self._dispatch()

    def log_message(self, format: str, *args: Any) -> None:
        """No access log: nothing leaves the sandbox."""

    def _dispatch(self) -> None:
        length = self._content_length()
        if length is None:
            return
        try:
            body = self.rfile.read(length)
        except OSError:  # a timeout, or the server stopping: the request is abandoned
            body = b""
        if len(body) < length:
            self.close_connection = True
            return
        url = urlsplit(self.path)
        host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
        headers = {name.lower(): value for name, value in self.headers.items()}
        request = WireRequest(self.command, url.path, url.query, headers, body, f"http://{host}")
        reply = self.server.handler(request)
        if reply.reset:
            self.close_connection = True
        elif reply.stall:
            self._hold()
        elif reply.delay and self.server.stopping.wait(reply.delay):
            self.close_connection = True
        else:
            self._send(reply)

    def _content_length(self) -> int | None:
        """The body size; ``None`` after refusing a body that cannot or should not be read."""
        values = self.headers.get_all("Content-Length") or []
        if self.headers.get("Transfer-Encoding"):
            self._send(gateway(411, "Length Required"), close=True)
        elif len(set(values)) > 1 or not all(_DIGITS.fullmatch(v.strip()) for v in values):
            self._send(gateway(400, "Invalid Content-Length"), close=True)
        elif values and int(values[0]) > MAX_BODY:
            self._send(TOO_LARGE, close=True)
        else:
            return int(values[0]) if values else 0
        return None

    def _send(self, reply: Reply, *, close: bool = False) -> None:
        try:
            self.send_response(reply.status)
            for name, value in reply.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            if close:
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(reply.body)
        except OSError:
            self.close_connection = True

    def _readable(self) -> bool:
        """Wait for the next request; ``False`` once the server is stopping."""
        while not self.server.stopping.is_set():
            ready, _, _ = select.select([self.connection], [], [], _POLL)
            if ready:
                return True
        return False

    def _hold(self) -> None:
        """Never answer: keep the socket until the client hangs up or the server stops."""
        self.close_connection = True
        while self._readable():
            try:
                if not self.connection.recv(1, socket.MSG_PEEK):
                    return
                self.connection.recv(65536)
            except OSError:
                return


class SandboxServer:
    """A running sandbox: ``base_url`` is the v1.2.0-beta root to configure a client with.

    A connection that stalls for *request_timeout* seconds while sending a request is closed.
    """

    def __init__(
        self, handler: _Handler, host: str, port: int, request_timeout: float = REQUEST_TIMEOUT
    ) -> None:
        if not request_timeout > 0:
            raise ValueError("request_timeout must be a positive number of seconds")
        self._httpd = _HTTPServer((host, port), handler, request_timeout)
        self.host = str(self._httpd.server_address[0])
        self.port = int(self._httpd.server_address[1])
        self._thread: threading.Thread | None = None

    @property
    def origin(self) -> str:
        """``http://host:port``: the checkout page lives at its root."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The v1.2.0-beta root, e.g. ``http://127.0.0.1:8765/v1.2.0-beta``."""
        return f"{self.origin}/v1.2.0-beta"

    @property
    def refund_v2_url(self) -> str:
        """The refund v2 root, ``http://host:port/v2/tokenized-checkout``."""
        return f"{self.origin}/v2/tokenized-checkout"

    def start(self) -> None:
        """Serve in a background thread."""
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": _POLL}, daemon=True
        )
        self._thread.start()

    def serve_forever(self) -> None:
        """Block until :meth:`stop` (from another thread) or Ctrl+C, then stop.

        The serving itself runs in a background thread, so a signal handled in this thread
        never interrupts the server half-way through accepting a connection.
        """
        self.start()
        thread = self._thread
        try:
            while thread is not None and thread.is_alive():
                thread.join(_POLL)
        finally:
            self.stop()

    def stop(self) -> None:
        """Stop serving, drop open connections (half-sent requests included), join threads."""
        self._httpd.release()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._close()

    def _close(self) -> None:
        self._httpd.release()
        self._httpd.server_close()

    def __enter__(self) -> SandboxServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
