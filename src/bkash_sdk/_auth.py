"""httpx authentication: credentials for token calls, the id_token for everything else.

Secrets are attached to the outgoing request here and nowhere else, so they never sit in a
dict that could be logged. :class:`TokenAuth` also replays a request once, with a new token,
when bKash refuses the token (gateway 401 or an invalid-token code); never in a loop.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable, Generator

import httpx

from ._pipeline import REQUEST_ID_HEADER, Flow
from ._responses import is_token_rejection, parse_body
from ._stores import TokenRecord
from ._tokens import TokenManager


class CredentialsAuth(httpx.Auth):
    """The ``username``/``password`` headers of the token calls."""

    def __init__(self, username: str, password: str) -> None:
        self._username = username
        self._password = password

    def __repr__(self) -> str:
        return "CredentialsAuth(username=[redacted], password=[redacted])"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["username"] = self._username
        request.headers["password"] = self._password
        yield request


def _rejected(response: httpx.Response) -> bool:
    if response.status_code == 401:
        return True
    return b"2079" in response.content and is_token_rejection(
        response.status_code, parse_body(response.content)
    )


class TokenAuth(httpx.Auth):
    """``Authorization: <raw id_token>`` and ``X-APP-Key``, with one replay on rejection."""

    def __init__(
        self,
        tokens: TokenManager,
        app_key: str,
        new_request_id: Callable[[], str],
        *,
        run: Callable[[Flow[TokenRecord]], TokenRecord] | None = None,
        run_async: Callable[[Flow[TokenRecord]], Awaitable[TokenRecord]] | None = None,
    ) -> None:
        self._tokens = tokens
        self._app_key = app_key
        self._new_request_id = new_request_id
        self._run = run
        self._run_async = run_async

    def __repr__(self) -> str:
        return "TokenAuth(id_token=[redacted])"

    def _apply(self, request: httpx.Request, token: TokenRecord) -> None:
        request.headers["Authorization"] = token.id_token
        request.headers["X-APP-Key"] = self._app_key

    def _replay(self, request: httpx.Request, token: TokenRecord) -> None:
        self._apply(request, token)
        request.headers[REQUEST_ID_HEADER] = self._new_request_id()

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        if self._run is None:
            raise RuntimeError("TokenAuth was built for the async client")
        token = self._tokens.get_sync(self._run)
        self._apply(request, token)
        response = yield request
        response.read()
        if _rejected(response):
            self._replay(request, self._tokens.get_sync(self._run, rejected=token.id_token))
            yield request

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        if self._run_async is None:
            raise RuntimeError("TokenAuth was built for the sync client")
        token = await self._tokens.get_async(self._run_async)
        self._apply(request, token)
        response = yield request
        await response.aread()
        if _rejected(response):
            replacement = await self._tokens.get_async(self._run_async, rejected=token.id_token)
            self._replay(request, replacement)
            yield request
