"""Stores of SNS ``MessageId`` values already processed, so redeliveries are recognised.

The verifier asks ``contains`` while verifying (``duplicate=True`` on a hit) and the
application calls ``add``, through ``mark_processed``, once it has handled the message. An id
needs to be kept only as long as SNS could redeliver it and the verifier would still accept
it (the timestamp window), which is the ``ttl`` the verifier passes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from cachetools import TLRUCache

if TYPE_CHECKING:
    import redis
    import redis.asyncio


@runtime_checkable
class SeenStore(Protocol):
    """Processed message ids, for the sync verifier."""

    def contains(self, message_id: str) -> bool:
        """Whether ``message_id`` is recorded (and not expired)."""
        ...

    def add(self, message_id: str, ttl: float) -> bool:
        """Record ``message_id`` for ``ttl`` seconds; ``True`` if it was not already there."""
        ...


@runtime_checkable
class AsyncSeenStore(Protocol):
    """Processed message ids, for the async verifier."""

    async def acontains(self, message_id: str) -> bool:
        """Whether ``message_id`` is recorded (and not expired)."""
        ...

    async def aadd(self, message_id: str, ttl: float) -> bool:
        """Record ``message_id`` for ``ttl`` seconds; ``True`` if it was not already there."""
        ...


class MemorySeenStore:
    """In-process store (bounded LRU with per-entry expiry); thread- and coroutine-safe.

    Fits a single process. With several workers, use :class:`RedisSeenStore`. When more than
    ``maxsize`` ids arrive within the window, the oldest are forgotten first.
    """

    def __init__(
        self, *, maxsize: int = 100_000, timer: Callable[[], float] = time.monotonic
    ) -> None:
        self._cache: TLRUCache[str, float] = TLRUCache(
            maxsize=maxsize, ttu=lambda _key, ttl, now: now + ttl, timer=timer
        )
        self._lock = threading.Lock()

    def contains(self, message_id: str) -> bool:
        """Whether ``message_id`` was added less than its ``ttl`` ago."""
        with self._lock:
            return message_id in self._cache

    def add(self, message_id: str, ttl: float) -> bool:
        """Record ``message_id``; ``True`` the first time within ``ttl`` seconds."""
        with self._lock:
            if message_id in self._cache:
                return False
            self._cache[message_id] = ttl
            return True

    async def acontains(self, message_id: str) -> bool:
        """Async form of :meth:`contains` (never blocks on I/O)."""
        return self.contains(message_id)

    async def aadd(self, message_id: str, ttl: float) -> bool:
        """Async form of :meth:`add` (never blocks on I/O)."""
        return self.add(message_id, ttl)


def _redis_key(prefix: str, message_id: str) -> str:
    return f"{prefix}{message_id}"


def _seconds(ttl: float) -> int:
    return max(1, int(ttl + 0.999))


class RedisSeenStore:
    """Shared store on Redis (``EXISTS key``; ``SET key 1 NX EX ttl``), for several processes.

    Needs the ``redis`` extra: ``pip install "bkash-sdk[redis]"``.
    """

    def __init__(self, client: redis.Redis, *, key_prefix: str = "bkash_sdk:sns:seen:") -> None:
        self._client = client
        self._prefix = key_prefix

    @classmethod
    def from_url(cls, url: str, *, key_prefix: str = "bkash_sdk:sns:seen:") -> RedisSeenStore:
        """Connect to Redis at ``url`` (for example ``redis://127.0.0.1:6379/0``)."""
        import redis  # noqa: PLC0415 - optional extra

        return cls(redis.Redis.from_url(url), key_prefix=key_prefix)

    def contains(self, message_id: str) -> bool:
        """Whether any process recorded ``message_id`` within its ``ttl``."""
        return bool(self._client.exists(_redis_key(self._prefix, message_id)))

    def add(self, message_id: str, ttl: float) -> bool:
        """Record ``message_id``; ``True`` if this process is the first to record it."""
        key = _redis_key(self._prefix, message_id)
        return bool(self._client.set(key, b"1", nx=True, ex=_seconds(ttl)))


class AsyncRedisSeenStore:
    """Async :class:`RedisSeenStore` on ``redis.asyncio.Redis``."""

    def __init__(
        self, client: redis.asyncio.Redis, *, key_prefix: str = "bkash_sdk:sns:seen:"
    ) -> None:
        self._client = client
        self._prefix = key_prefix

    @classmethod
    def from_url(cls, url: str, *, key_prefix: str = "bkash_sdk:sns:seen:") -> AsyncRedisSeenStore:
        """Connect to Redis at ``url`` (for example ``redis://127.0.0.1:6379/0``)."""
        import redis.asyncio  # noqa: PLC0415 - optional extra

        return cls(redis.asyncio.Redis.from_url(url), key_prefix=key_prefix)

    async def acontains(self, message_id: str) -> bool:
        """Whether any process recorded ``message_id`` within its ``ttl``."""
        return bool(await self._client.exists(_redis_key(self._prefix, message_id)))

    async def aadd(self, message_id: str, ttl: float) -> bool:
        """Record ``message_id``; ``True`` if this process is the first to record it."""
        key = _redis_key(self._prefix, message_id)
        return bool(await self._client.set(key, b"1", nx=True, ex=_seconds(ttl)))
