"""A wrapping httpx transport that keeps a masked copy of every exchange, for transcripts."""

from __future__ import annotations

import time
from typing import Any

import attrs
import httpx

from .._masking import REDACTED, is_sensitive_key, loads_lenient, redact, redact_body, redact_text

SHOWN_HEADERS = ("content-type", "accept", "authorization", "x-app-key", "username", "password")
"""Request headers worth showing; the rest (host, user agent, lengths) are noise."""


@attrs.frozen
class Exchange:
    """One HTTP request and its answer (or the error instead), already masked."""

    step: str
    method: str
    url: str
    headers: dict[str, str]
    body: Any
    status: int | None
    response: Any
    error: str | None
    elapsed_ms: int


def _masked_headers(request: httpx.Request) -> dict[str, str]:
    shown = {}
    for name in SHOWN_HEADERS:
        value = request.headers.get(name)
        if value is not None:
            shown[name] = REDACTED if is_sensitive_key(name) else redact_text(value)
    return shown


def _masked_json(content: bytes) -> Any:
    if not content:
        return None
    try:
        return redact(loads_lenient(content.decode("utf-8", "replace")))
    except ValueError:
        return redact_body(content)


class RecordingTransport(httpx.BaseTransport):
    """Passes requests to ``inner`` and records them under the current :attr:`step`."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self._inner = inner
        self.step = "setup"
        self.exchanges: list[Exchange] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send, read the whole answer, record both."""
        started = time.perf_counter()
        try:
            response = self._inner.handle_request(request)
            response.read()
        except httpx.HTTPError as exc:
            self._record(request, None, type(exc).__name__, started)
            raise
        self._record(request, response, None, started)
        return response

    def _record(
        self,
        request: httpx.Request,
        response: httpx.Response | None,
        error: str | None,
        started: float,
    ) -> None:
        url = request.url.copy_with(query=None)
        self.exchanges.append(
            Exchange(
                step=self.step,
                method=request.method,
                url=redact_text(str(url)),
                headers=_masked_headers(request),
                body=_masked_json(request.read()),
                status=response.status_code if response is not None else None,
                response=_masked_json(response.content) if response is not None else None,
                error=error,
                elapsed_ms=round((time.perf_counter() - started) * 1000),
            )
        )

    def close(self) -> None:
        """Close the wrapped transport."""
        self._inner.close()
