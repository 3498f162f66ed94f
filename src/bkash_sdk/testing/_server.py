"""The HTTP face: a stdlib threading server on loopback, sharing the one protocol handler."""

from __future__ import annotations

import select
import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from ._wire import Reply, WireRequest

_Handler = Callable[[WireRequest], Reply]
_POLL = 0.1


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = False
    block_on_close = True

    def __init__(self, address: tuple[str, int], handler: _Handler) -> None:
        super().__init__(address, _RequestHandler)
        self.handler = handler
        self.stopping = threading.Event()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet: the sandbox prints nothing (clients hanging up are routine)."""


class _RequestHandler(BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

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
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
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

    def _send(self, reply: Reply) -> None:
        try:
            self.send_response(reply.status)
            for name, value in reply.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
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
            except OSError:
                return
            self.connection.recv(65536)


class SandboxServer:
    """A running sandbox: ``base_url`` is the v1.2.0-beta root to configure a client with."""

    def __init__(self, handler: _Handler, host: str, port: int) -> None:
        self._httpd = _HTTPServer((host, port), handler)
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
        """Serve in this thread until :meth:`stop` (or Ctrl+C)."""
        try:
            self._httpd.serve_forever(poll_interval=_POLL)
        finally:
            self._close()

    def stop(self) -> None:
        """Stop serving, release held connections and join every thread."""
        self._httpd.stopping.set()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._close()

    def _close(self) -> None:
        self._httpd.stopping.set()
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
