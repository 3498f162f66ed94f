"""``BkashClient`` and ``AsyncBkashClient``: one shared core, two thin I/O edges."""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx

from ._auth import CredentialsAuth, TokenAuth
from ._config import BkashConfig
from ._operations import Operation
from ._pipeline import Flow, Pipeline, Reply, http_timeout, run_async, run_sync
from ._retry import RetryPolicy
from ._stores import InMemoryTokenStore, TokenStore
from ._tokens import TokenManager, TokenStats
from .resources import (
    Agreements,
    AsyncAgreements,
    AsyncCheckout,
    AsyncPayments,
    AsyncRefunds,
    AsyncTransactions,
    Checkout,
    Context,
    MemoryOutcomeStore,
    OutcomeStore,
    Payments,
    Refunds,
    Transactions,
)

T = TypeVar("T")
_POOL_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)


class _ClientCore:
    """Configuration, token manager and pipeline shared by both clients."""

    def __init__(
        self,
        config: BkashConfig | None,
        settings: Mapping[str, Any],
        token_store: TokenStore | None,
        clock: Callable[[], float] | None,
        rng: Callable[[], float] | None,
    ) -> None:
        given = {k: v for k, v in settings.items() if v is not None}
        if config is None:
            config = BkashConfig(**given)
        elif given:
            raise TypeError("pass either a BkashConfig or keyword settings, not both")
        self.config = config
        self._new_request_id: Callable[[], str] = lambda: uuid.uuid4().hex
        self._tokens = TokenManager(
            config,
            self._call_flow,
            token_store or InMemoryTokenStore(),
            clock=clock or time.time,
        )
        self._pipeline = Pipeline(
            config=config,
            retry=RetryPolicy(
                config.max_retries, base_delay=config.retry_backoff, rng=rng or random.random
            ),
            token_auth=self._token_auth(),
            credentials_auth=CredentialsAuth(config.username, config.password),
            new_request_id=self._new_request_id,
        )
        self._context = Context(self._pipeline, config, clock or time.time)

    def _token_auth(self) -> TokenAuth:
        raise NotImplementedError

    def _call_flow(self, operation: Operation, body: dict[str, Any]) -> Flow[Reply]:
        return self._pipeline.call(operation, body)

    @property
    def token_stats(self) -> TokenStats:
        """Grants and refreshes made by this client."""
        return self._tokens.stats

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.config.base_url!r})"


class BkashClient(_ClientCore):
    """Synchronous bKash Tokenized Checkout client. Close it, or use it in ``with``."""

    def __init__(
        self,
        config: BkashConfig | None = None,
        *,
        app_key: str | None = None,
        app_secret: str | None = None,
        username: str | None = None,
        password: str | None = None,
        base_url: str | None = None,
        callback_url: str | None = None,
        webhook_secret: str | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        http_client: httpx.Client | None = None,
        token_store: TokenStore | None = None,
        outcome_store: OutcomeStore | None = None,
        clock: Callable[[], float] | None = None,
        rng: Callable[[], float] | None = None,
    ) -> None:
        self._owns_http = http_client is None
        self._http = http_client
        settings = {
            "app_key": app_key, "app_secret": app_secret, "username": username,
            "password": password, "base_url": base_url, "callback_url": callback_url,
            "webhook_secret": webhook_secret, "timeout": timeout, "max_retries": max_retries,
        }  # fmt: skip
        super().__init__(config, settings, token_store, clock, rng)
        if self._http is None:
            self._http = httpx.Client(timeout=http_timeout(self.config), limits=_POOL_LIMITS)
        store = MemoryOutcomeStore() if outcome_store is None else outcome_store
        self.payments = Payments(self._run, self._context)
        self.transactions = Transactions(self._run, self._context)
        self.refunds = Refunds(self._run, self._context)
        self.agreements = Agreements(self._run, self._context)
        self.checkout = Checkout(self._run, self._context, store)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **options: Any) -> Self:
        """A client configured from the ``BKASH_*`` environment variables."""
        return cls(BkashConfig.from_env(environ), **options)

    def _token_auth(self) -> TokenAuth:
        return TokenAuth(self._tokens, self.config.app_key, self._new_request_id, run=self._run)

    def _run(self, flow: Flow[T]) -> T:
        assert self._http is not None
        return run_sync(flow, self._http)

    def _call(self, operation: Operation, body: Mapping[str, Any]) -> Reply:
        return self._run(self._pipeline.call(operation, body))

    def close(self) -> None:
        """Close the connection pool (only if this client created it)."""
        if self._owns_http and self._http is not None:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncBkashClient(_ClientCore):
    """Asynchronous bKash Tokenized Checkout client. ``aclose()`` it, or use ``async with``."""

    def __init__(
        self,
        config: BkashConfig | None = None,
        *,
        app_key: str | None = None,
        app_secret: str | None = None,
        username: str | None = None,
        password: str | None = None,
        base_url: str | None = None,
        callback_url: str | None = None,
        webhook_secret: str | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        http_client: httpx.AsyncClient | None = None,
        token_store: TokenStore | None = None,
        outcome_store: OutcomeStore | None = None,
        clock: Callable[[], float] | None = None,
        rng: Callable[[], float] | None = None,
    ) -> None:
        self._owns_http = http_client is None
        self._http = http_client
        settings = {
            "app_key": app_key, "app_secret": app_secret, "username": username,
            "password": password, "base_url": base_url, "callback_url": callback_url,
            "webhook_secret": webhook_secret, "timeout": timeout, "max_retries": max_retries,
        }  # fmt: skip
        super().__init__(config, settings, token_store, clock, rng)
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=http_timeout(self.config), limits=_POOL_LIMITS)
        store = MemoryOutcomeStore() if outcome_store is None else outcome_store
        self.payments = AsyncPayments(self._run, self._context)
        self.transactions = AsyncTransactions(self._run, self._context)
        self.refunds = AsyncRefunds(self._run, self._context)
        self.agreements = AsyncAgreements(self._run, self._context)
        self.checkout = AsyncCheckout(self._run, self._context, store)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **options: Any) -> Self:
        """A client configured from the ``BKASH_*`` environment variables."""
        return cls(BkashConfig.from_env(environ), **options)

    def _token_auth(self) -> TokenAuth:
        return TokenAuth(
            self._tokens, self.config.app_key, self._new_request_id, run_async=self._run
        )

    async def _run(self, flow: Flow[T]) -> T:
        assert self._http is not None
        return await run_async(flow, self._http)

    async def _call(self, operation: Operation, body: Mapping[str, Any]) -> Reply:
        return await self._run(self._pipeline.call(operation, body))

    async def aclose(self) -> None:
        """Close the connection pool (only if this client created it)."""
        if self._owns_http and self._http is not None:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
