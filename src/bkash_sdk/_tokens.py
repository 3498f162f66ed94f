"""The token lifecycle: one token for its whole life, fetched by exactly one caller.

A token is reused until ``margin`` seconds before it expires, then refreshed with the refresh
token (a grant is the fallback), never more than ``refresh_limit`` times in a rolling hour.
Concurrent callers wait for the one fetch in flight: across threads (a lock), coroutines (an
``asyncio.Lock`` per event loop) and, with a shared store, processes (the store's lock).
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import math
import threading
import time
import weakref
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import attrs

from ._config import BkashConfig
from ._exceptions import (
    AuthenticationError,
    BkashError,
    BkashServerError,
    BkashTimeoutError,
)
from ._operations import GRANT_TOKEN, REFRESH_TOKEN, Operation
from ._pipeline import Blocking, Flow, Reply
from ._stores import LockWaitTimeout, TokenRecord, TokenStore, single_flight

REFRESH_WINDOW = 3600.0
DEFAULT_LIFETIME = 3600.0
LIFETIME_BOUNDS = (600.0, 86400.0)
"""Token lifetimes bKash may announce are clamped to this range (longer than the margin)."""
BACKOFF_ALLOWANCE = 8.0
STILL_VALID = 30.0
"""A token with less life than this is not used, even while waiting for a refresh."""
FREE_GRANTS = 2
MAX_GRANT_SPACING = 300.0


@attrs.define
class TokenStats:
    """Token calls made by this client: evidence that it does not over-grant."""

    grants: int = 0
    refreshes: int = 0
    failed_refreshes: int = 0


def store_key(config: BkashConfig) -> str:
    """A stable, non-secret key for one credential on one bKash host."""
    raw = "\n".join((config.base_url, config.app_key, config.username))
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


class TokenManager:
    """Caches, refreshes and shares the id_token of one credential."""

    def __init__(
        self,
        config: BkashConfig,
        call: Callable[[Operation, dict[str, Any]], Flow[Reply]],
        store: TokenStore,
        *,
        clock: Callable[[], float] = time.time,
        margin: float = 300.0,
        refresh_limit: int = 2,
        lock_timeout: float | None = None,
        poll_interval: float = 0.05,
    ) -> None:
        self._config = config
        self._call = call
        self._store = store
        self._clock = clock
        self._margin = margin
        self._refresh_limit = refresh_limit
        self._lock_timeout = lock_timeout or longest_fetch(config)
        self._poll = poll_interval
        self._key = store_key(config)
        self._local: TokenRecord | None = None
        self._fetches = 0
        self._last_failure: BkashError | None = None
        self._thread_lock = threading.Lock()
        self._async_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )
        self.stats = TokenStats()

    def _usable(self, record: TokenRecord | None, rejected: str | None) -> TokenRecord | None:
        if record is None or record.id_token == rejected:
            return None
        return record if record.expires_at - self._margin > self._clock() else None

    def get_sync(
        self, run: Callable[[Flow[TokenRecord]], TokenRecord], rejected: str | None = None
    ) -> TokenRecord:
        """A usable token; ``rejected`` is one bKash just refused."""
        usable = self._usable(self._local, rejected)
        if usable is not None:
            return usable
        seen = self._fetches
        with self._thread_lock:
            return self._settled(seen, rejected) or run(self._obtain(rejected))

    async def get_async(
        self,
        run: Callable[[Flow[TokenRecord]], Awaitable[TokenRecord]],
        rejected: str | None = None,
    ) -> TokenRecord:
        """A usable token, without blocking the event loop."""
        usable = self._usable(self._local, rejected)
        if usable is not None:
            return usable
        loop = asyncio.get_running_loop()
        lock = self._async_locks.setdefault(loop, asyncio.Lock())
        seen = self._fetches
        async with lock:
            return self._settled(seen, rejected) or await run(self._obtain(rejected))

    def _settled(self, seen: int, rejected: str | None) -> TokenRecord | None:
        """After waiting for the lock: the token just fetched, or that fetch's error.

        Callers that queued behind a failed fetch share its error instead of each making
        their own token call in turn.
        """
        usable = self._usable(self._local, rejected)
        failure = self._last_failure
        if usable is None and self._fetches != seen and failure is not None:
            raise copy.copy(failure) from failure
        return usable

    def _obtain(self, rejected: str | None) -> Flow[TokenRecord]:
        try:
            if rejected is not None:
                yield Blocking(partial(self._store.invalidate, self._key, rejected))
            record = yield from single_flight(
                self._store,
                self._key,
                accept=lambda stored: self._usable(stored, rejected),
                compute=self._fetch,
                lock_timeout=self._lock_timeout,
                poll_interval=self._poll,
                accept_while_waiting=lambda stored: self._still_valid(stored, rejected),
                max_wait=self._config.timeout + self._config.connect_timeout,
            )
        except LockWaitTimeout as exc:
            raise BkashTimeoutError(
                f"another worker has been fetching the bKash token for too long ({exc})",
                operation=GRANT_TOKEN.name,
                request_sent=False,
            ) from None
        except BkashError as exc:
            self._last_failure = exc
            if self._local is not None and self._local.id_token == rejected:
                self._local = None  # never offer a token bKash refused again
            raise
        finally:
            self._fetches += 1
        self._last_failure = None
        self._local = record
        return record

    def _still_valid(self, record: TokenRecord | None, rejected: str | None) -> TokenRecord | None:
        """A token that has not expired yet, for callers waiting on another's refresh."""
        if record is None or record.id_token == rejected:
            return None
        return record if record.expires_at - STILL_VALID > self._clock() else None

    def _fetch(self, previous: TokenRecord | None) -> Flow[TokenRecord]:
        now = self._clock()
        refreshes = _within_hour(previous.refreshed_at if previous else (), now)
        grants = _within_hour(previous.granted_at if previous else (), now)
        credentials = {"app_key": self._config.app_key, "app_secret": self._config.app_secret}
        if previous is not None and previous.refresh_token and len(refreshes) < self._refresh_limit:
            # recorded before it is sent: a refresh whose answer is lost still counts for bKash
            refreshes = (*refreshes, now)
            previous = attrs.evolve(previous, refreshed_at=refreshes, granted_at=grants)
            yield Blocking(partial(self._store.save, self._key, previous))
            try:
                reply = yield from self._call(
                    REFRESH_TOKEN, {**credentials, "refresh_token": previous.refresh_token}
                )
            except BkashError:
                self.stats.failed_refreshes += 1
                if self._still_valid(previous, None) is not None:
                    return previous  # keep the current token; refresh again later
            else:
                self.stats.refreshes += 1
                return _record(reply, now, refreshes, grants, previous.refresh_token)
        current = self._still_valid(previous, None)
        wait = _grant_delay(grants, now)
        if wait > 0:
            if current is not None:
                return current
            raise AuthenticationError(
                f"{len(grants)} token grants in the last hour; the next may be made in "
                f"{wait:.0f} s (bKash keeps refusing the token: check the app key and credentials)"
            )
        grants = (*grants, now)
        # recorded before it is sent, like a refresh (on a cold start, in an expired record)
        previous = (
            attrs.evolve(previous, refreshed_at=refreshes, granted_at=grants)
            if previous is not None
            else TokenRecord(id_token="", refresh_token=None, expires_at=0.0, granted_at=grants)
        )
        yield Blocking(partial(self._store.save, self._key, previous))
        try:
            reply = yield from self._call(GRANT_TOKEN, credentials)
        except BkashError:
            if current is not None:
                return previous  # keep the current token; try again later
            raise
        self.stats.grants += 1
        return _record(reply, now, refreshes, grants, None)


def _within_hour(times: tuple[float, ...], now: float) -> tuple[float, ...]:
    return tuple(t for t in times if now - t < REFRESH_WINDOW)


def _grant_delay(grants: tuple[float, ...], now: float) -> float:
    """Seconds until another grant may be made: two an hour freely, then doubling spacing."""
    if len(grants) < FREE_GRANTS:
        return 0.0
    spacing = min(MAX_GRANT_SPACING, 2.0 ** (len(grants) - FREE_GRANTS))
    return max(0.0, grants[-1] + spacing - now)


def longest_fetch(config: BkashConfig) -> float:
    """How long one token fetch may take with every retry: the shared lock outlives it."""
    attempts = config.max_retries + 1
    per_attempt = config.timeout + config.connect_timeout + BACKOFF_ALLOWANCE
    return attempts * per_attempt + 5.0


def _record(
    reply: Reply,
    now: float,
    refreshed_at: tuple[float, ...],
    granted_at: tuple[float, ...],
    old_refresh: str | None,
) -> TokenRecord:
    data = reply.data
    id_token = data.get("id_token")
    if not isinstance(id_token, str) or not id_token:
        raise BkashServerError(
            "bKash answered the token call without an id_token",
            request_id=reply.request_id,
            http_status=reply.http_status,
        )
    try:
        lifetime = float(data.get("expires_in", DEFAULT_LIFETIME))
    except (TypeError, ValueError):
        lifetime = DEFAULT_LIFETIME
    if not math.isfinite(lifetime):
        lifetime = DEFAULT_LIFETIME
    lifetime = min(max(lifetime, LIFETIME_BOUNDS[0]), LIFETIME_BOUNDS[1])
    refresh = data.get("refresh_token")
    return TokenRecord(
        id_token=id_token,
        refresh_token=refresh if isinstance(refresh, str) and refresh else old_refresh,
        expires_at=now + lifetime,
        refreshed_at=refreshed_at,
        granted_at=granted_at,
    )
