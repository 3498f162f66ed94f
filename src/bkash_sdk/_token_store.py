"""Where tokens live: in this process (default) or in Redis, shared by every worker and host."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

import attrs

from ._exceptions import ConfigurationError

if TYPE_CHECKING:
    import redis

logger = logging.getLogger("bkash_sdk")
T = TypeVar("T")


@attrs.frozen
class TokenRecord:
    """A token as stored, with the refresh history needed for bKash's hourly limit."""

    id_token: str = attrs.field(repr=False)
    refresh_token: str | None = attrs.field(repr=False)
    expires_at: float
    """Wall-clock expiry (epoch seconds)."""
    refreshed_at: tuple[float, ...] = ()
    """When refreshes were made (epoch seconds), pruned to the last hour."""

    def to_json(self) -> str:
        return json.dumps(attrs.asdict(self))

    @classmethod
    def from_json(cls, raw: str | bytes) -> TokenRecord | None:
        try:
            data = json.loads(raw)
            return cls(
                id_token=str(data["id_token"]),
                refresh_token=data.get("refresh_token"),
                expires_at=float(data["expires_at"]),
                refreshed_at=tuple(float(t) for t in data.get("refreshed_at", ())),
            )
        except (ValueError, KeyError, TypeError):
            return None


@runtime_checkable
class TokenStore(Protocol):
    """Storage for one token per credential, with a lock so one caller fetches at a time."""

    def load(self, key: str) -> TokenRecord | None: ...

    def save(self, key: str, record: TokenRecord) -> None: ...

    def invalidate(self, key: str, id_token: str) -> None:
        """Mark the stored token expired, only if it is still ``id_token``."""

    def acquire(self, key: str, owner: str, timeout: float) -> bool:
        """Take the fetch lock without waiting; it expires by itself after ``timeout`` s."""

    def release(self, key: str, owner: str) -> None:
        """Give the lock back, only if ``owner`` still holds it."""


class InMemoryTokenStore:
    """Tokens shared by the clients of one process (the default)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._records: dict[str, TokenRecord] = {}
        self._locks: dict[str, tuple[str, float]] = {}
        self._mutex = threading.Lock()
        self._clock = clock

    def load(self, key: str) -> TokenRecord | None:
        with self._mutex:
            return self._records.get(key)

    def save(self, key: str, record: TokenRecord) -> None:
        with self._mutex:
            self._records[key] = record

    def invalidate(self, key: str, id_token: str) -> None:
        with self._mutex:
            record = self._records.get(key)
            if record is not None and record.id_token == id_token:
                self._records[key] = attrs.evolve(record, expires_at=0.0)

    def acquire(self, key: str, owner: str, timeout: float) -> bool:
        with self._mutex:
            held = self._locks.get(key)
            if held is not None and held[1] > self._clock():
                return False
            self._locks[key] = (owner, self._clock() + timeout)
            return True

    def release(self, key: str, owner: str) -> None:
        with self._mutex:
            if self._locks.get(key, ("", 0.0))[0] == owner:
                del self._locks[key]


_INVALIDATE = """
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local record = cjson.decode(raw)
if record['id_token'] ~= ARGV[1] then return 0 end
record['expires_at'] = 0
redis.call('SET', KEYS[1], cjson.encode(record), 'KEEPTTL')
return 1
"""

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class RedisTokenStore:
    """One token per credential shared through Redis (install ``bkash-sdk[redis]``).

    If Redis cannot be reached, the store falls back to this process's memory and logs a
    warning, so payments keep working (each process then holds its own token).
    """

    def __init__(
        self,
        client: redis.Redis | None = None,
        *,
        url: str = "redis://127.0.0.1:6379/0",
        prefix: str = "bkash-sdk:",
        record_ttl: int = 7 * 24 * 3600,
    ) -> None:
        if client is None:
            try:
                import redis as redis_module  # noqa: PLC0415 - optional extra
            except ImportError:
                raise ConfigurationError(
                    "RedisTokenStore needs the redis extra: pip install 'bkash-sdk[redis]'"
                ) from None
            client = redis_module.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._redis = client
        self._prefix = prefix
        self._record_ttl = record_ttl
        self._fallback = InMemoryTokenStore(clock=time.monotonic)
        self._degraded = False

    def _guard(self, action: Callable[[], T], fallback: Callable[[InMemoryTokenStore], T]) -> T:
        import redis as redis_module  # noqa: PLC0415 - present whenever this store exists

        try:
            result = action()
        except redis_module.RedisError as exc:
            if not self._degraded:
                logger.warning(
                    "Redis token store unavailable (%s); using this process's memory",
                    type(exc).__name__,
                )
            self._degraded = True
            return fallback(self._fallback)
        if self._degraded:
            logger.warning("Redis token store reachable again")
            self._degraded = False
        return result

    def _key(self, key: str) -> str:
        return f"{self._prefix}token:{key}"

    def _lock_key(self, key: str) -> str:
        return f"{self._prefix}lock:{key}"

    def load(self, key: str) -> TokenRecord | None:
        def action() -> TokenRecord | None:
            raw: Any = self._redis.get(self._key(key))
            return None if raw is None else TokenRecord.from_json(raw)

        return self._guard(action, lambda local: local.load(key))

    def save(self, key: str, record: TokenRecord) -> None:
        self._guard(
            lambda: self._redis.set(self._key(key), record.to_json(), ex=self._record_ttl),
            lambda local: local.save(key, record),
        )

    def invalidate(self, key: str, id_token: str) -> None:
        self._guard(
            lambda: self._redis.eval(_INVALIDATE, 1, self._key(key), id_token),
            lambda local: local.invalidate(key, id_token),
        )

    def acquire(self, key: str, owner: str, timeout: float) -> bool:
        return self._guard(
            lambda: bool(
                self._redis.set(self._lock_key(key), owner, nx=True, px=int(timeout * 1000))
            ),
            lambda local: local.acquire(key, owner, timeout),
        )

    def release(self, key: str, owner: str) -> None:
        self._guard(
            lambda: self._redis.eval(_RELEASE, 1, self._lock_key(key), owner),
            lambda local: local.release(key, owner),
        )
