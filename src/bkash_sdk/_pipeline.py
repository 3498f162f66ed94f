"""The request pipeline, written once for both clients.

Protocol logic is a generator ("flow") that yields I/O commands: :class:`Send` an HTTP request,
:class:`Sleep`, or run a :class:`Blocking` call (token store access). :func:`run_sync` and
:func:`run_async` are the only places where sync and async differ. Results and exceptions of a
command are sent back into the flow, so a flow reads like ordinary code.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Generator, Mapping
from typing import Any, TypeVar

import attrs
import httpx

from ._config import BkashConfig
from ._exceptions import (
    BkashConnectionError,
    BkashServerError,
    BkashTimeoutError,
    BkashTransportError,
    Outcome,
)
from ._logging import log_attempt
from ._masking import conceal_tokens
from ._operations import Api, Auth, Operation
from ._responses import interpret, parse_body
from ._retry import RetryPolicy, never_sent
from ._version import __version__

T = TypeVar("T")
REQUEST_ID_HEADER = "X-Request-ID"
USER_AGENT = f"bkash-sdk/{__version__}"


@attrs.frozen
class Send:
    """Send ``request`` (through ``auth``); the flow receives the ``httpx.Response``."""

    request: httpx.Request
    auth: httpx.Auth | None


@attrs.frozen
class Sleep:
    seconds: float


@attrs.frozen
class Blocking:
    """Run a blocking call (in a worker thread on the async client)."""

    function: Callable[[], Any]


Command = Send | Sleep | Blocking
Flow = Generator[Command, Any, T]


def _with_client_headers(request: httpx.Request, http: httpx.Client | httpx.AsyncClient) -> None:
    """Add the client's default headers (those of a user-supplied client too) not already set."""
    for name, value in http.headers.items():
        if name not in request.headers:
            request.headers[name] = value


def run_sync(flow: Flow[T], http: httpx.Client) -> T:
    """Drive ``flow`` with blocking I/O."""
    value: Any = None
    error: BaseException | None = None
    while True:
        try:
            command = flow.throw(error) if error is not None else flow.send(value)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]
        value, error = None, None
        try:
            if isinstance(command, Send):
                _with_client_headers(command.request, http)
                value = http.send(command.request, auth=command.auth or httpx.USE_CLIENT_DEFAULT)
            elif isinstance(command, Sleep):
                time.sleep(command.seconds)
            else:
                value = command.function()
        except Exception as exc:  # handed to the flow, which decides
            error = exc


async def run_async(flow: Flow[T], http: httpx.AsyncClient) -> T:
    """Drive ``flow`` with asyncio I/O."""
    value: Any = None
    error: BaseException | None = None
    while True:
        try:
            command = flow.throw(error) if error is not None else flow.send(value)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]
        value, error = None, None
        try:
            if isinstance(command, Send):
                _with_client_headers(command.request, http)
                auth = command.auth or httpx.USE_CLIENT_DEFAULT
                value = await http.send(command.request, auth=auth)
            elif isinstance(command, Sleep):
                await asyncio.sleep(command.seconds)
            else:
                value = await asyncio.to_thread(command.function)
        except Exception as exc:  # handed to the flow, which decides
            error = exc


@attrs.frozen
class Reply:
    """A successful bKash answer."""

    data: dict[str, Any] = attrs.field(repr=False)
    request_id: str
    http_status: int


@attrs.frozen
class Pipeline:
    """Builds, sends, retries and interprets calls for one client."""

    config: BkashConfig
    retry: RetryPolicy
    token_auth: httpx.Auth
    credentials_auth: httpx.Auth
    new_request_id: Callable[[], str] = attrs.field(default=lambda: uuid.uuid4().hex)
    _timeouts: dict[str, float | None] = attrs.field(
        init=False,
        repr=False,
        eq=False,
        default=attrs.Factory(lambda self: _request_timeouts(self.config), takes_self=True),
    )
    """The per-request timeouts, worked out once from the (immutable) config."""

    @property
    def secrets(self) -> tuple[str, ...]:
        """The configured secret values, scrubbed from anything bKash echoes back."""
        config = self.config
        values = (config.app_secret, config.username, config.password, config.webhook_secret)
        return tuple(v for v in values if v)

    def url(self, operation: Operation) -> str:
        root = self.config.base_url if operation.api is Api.V1 else self.config.refund_v2_url
        return root + operation.path

    def build(self, operation: Operation, body: Mapping[str, Any]) -> httpx.Request:
        return httpx.Request(
            "POST",
            self.url(operation),
            json=dict(body),
            headers={
                "Accept": "application/json",
                "User-Agent": USER_AGENT,
                REQUEST_ID_HEADER: self.new_request_id(),
            },
            extensions={"timeout": dict(self._timeouts)},
        )

    def call(self, operation: Operation, body: Mapping[str, Any]) -> Flow[Reply]:
        """One operation, with retries per its policy; returns the data or raises."""
        auth = self.credentials_auth if operation.auth is Auth.CREDENTIALS else self.token_auth
        attempt = 0
        may_have_arrived = False
        while True:
            attempt += 1
            request = self.build(operation, body)
            started = time.perf_counter()
            try:
                response: httpx.Response = yield Send(request, auth)
            except httpx.TransportError as exc:
                request_id = request.headers[REQUEST_ID_HEADER]
                log_attempt(operation, body, attempt, request_id, started, error=exc)
                may_have_arrived = may_have_arrived or not never_sent(exc)
                wait = (
                    self.retry.delay(attempt)
                    if self.retry.may_retry_error(operation, exc)
                    else None
                )
                if wait is None:
                    raise _transport_error(exc, operation, request_id, may_have_arrived) from exc
                yield Sleep(wait)
                continue
            except httpx.HTTPError as exc:  # an answer arrived but could not be decoded
                request_id = request.headers[REQUEST_ID_HEADER]
                log_attempt(operation, body, attempt, request_id, started, error=exc)
                raise BkashServerError(
                    f"bKash's answer to {operation.name} could not be read ({type(exc).__name__})",
                    request_id=request_id,
                    operation=operation.name,
                    outcome=Outcome.UNKNOWN,
                ) from exc
            request_id = response.request.headers.get(REQUEST_ID_HEADER, "")
            data = parse_body(response.content)
            if data is not None and operation.auth is Auth.CREDENTIALS:
                data = conceal_tokens(data)
            log_attempt(operation, body, attempt, request_id, started, response=response, data=data)
            if self.retry.may_retry_status(operation, response.status_code):
                wait = self.retry.delay(attempt, response.headers.get("Retry-After"))
                if wait is not None:
                    yield Sleep(wait)
                    continue
            result = interpret(
                operation,
                response.status_code,
                response.content,
                data,
                request_id,
                self.secrets,
            )
            return Reply(result, request_id, response.status_code)


def http_timeout(config: BkashConfig) -> httpx.Timeout:
    """Each attempt's timeouts: ``timeout``, with a connect timeout no longer than it."""
    return httpx.Timeout(config.timeout, connect=min(config.connect_timeout, config.timeout))


def _request_timeouts(config: BkashConfig) -> dict[str, float | None]:
    return http_timeout(config).as_dict()


def _transport_error(
    exc: httpx.TransportError, operation: Operation, request_id: str, may_have_arrived: bool
) -> BkashTransportError:
    kind = type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        return BkashTimeoutError(
            f"bKash did not answer {operation.name} in time ({kind})",
            request_id=request_id,
            operation=operation.name,
            request_sent=may_have_arrived,
        )
    return BkashConnectionError(
        f"could not reach bKash for {operation.name} ({kind})",
        request_id=request_id,
        operation=operation.name,
        request_sent=may_have_arrived,
    )
