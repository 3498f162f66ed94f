"""Key-value stores with a fetch lock: in this process, or in Redis across workers and hosts.

They hold tokens (one per credential) and checkout outcomes (one per payment), so that a
value is computed by exactly one caller while the others wait for it (:func:`single_flight`).
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

import attrs

from ._exceptions import ConfigurationError
from ._masking import Secret, conceal
from ._pipeline import Blocking, Flow, Sleep

if TYPE_CHECKING:
    import redis

logger = logging.getLogger("bkash_sdk")
T = TypeVar("T")
V = TypeVar("V")


class LockingStore(Protocol[V]):
    """Storage of one value per key, with a lock so one caller computes it at a time."""

    def load(self, key: str) -> V | None: ...

    def save(self, key: str, value: V) -> None: ...

    def acquire(self, key: str, owner: str, timeout: float) -> bool:
        """Take the key's lock without waiting; it expires by itself after ``timeout`` s."""

    def release(self, key: str, owner: str) -> None:
        """Give the lock back, only if ``owner`` still holds it."""


class LockWaitTimeout(Exception):
    """Another caller held the lock for longer than this caller may wait."""


def single_flight(
    store: LockingStore[V],
    key: str,
    *,
    accept: Callable[[V | None], V | None],
    compute: Callable[[V | None], Flow[V]],
    lock_timeout: float,
    poll_interval: float = 0.05,
    accept_while_waiting: Callable[[V | None], V | None] | None = None,
    max_wait: float | None = None,
) -> Flow[V]:
    """The stored value if ``accept`` takes it, else one caller computes and saves it.

    Callers that do not get the lock poll the store until the value appears (or one that
    ``accept_while_waiting`` takes) or the lock expires (its holder died), then try again.
    After ``max_wait`` seconds of waiting, :class:`LockWaitTimeout` is raised.
    """
    found = accept((yield Blocking(partial(store.load, key))))
    if found is not None:
        return found
    owner = uuid.uuid4().hex
    waited = 0.0
    while not (yield Blocking(partial(store.acquire, key, owner, lock_timeout))):
        if max_wait is not None and waited >= max_wait:
            raise LockWaitTimeout(f"waited {waited:.1f} s for another caller to finish")
        yield Sleep(poll_interval)
        waited += poll_interval
        stored = yield Blocking(partial(store.load, key))
        found = accept(stored)
        if found is None and accept_while_waiting is not None:
            found = accept_while_waiting(stored)
        if found is not None:
            return found
    try:
        current = yield Blocking(partial(store.load, key))
        found = accept(current)
        if found is None:
            found = yield from compute(current)
            yield Blocking(partial(store.save, key, found))
    except GeneratorExit:  # the flow was abandoned (a cancelled task): no more I/O commands
        store.release(key, owner)
        raise
    except BaseException:
        yield Blocking(partial(store.release, key, owner))
        raise
    yield Blocking(partial(store.release, key, owner))
    return found


class MemoryStore(Generic[V]):
    """A :class:`LockingStore` shared by the clients of one process."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._values: dict[str, V] = {}
        self._locks: dict[str, tuple[str, float]] = {}
        self._mutex = threading.Lock()
        self._clock = clock

    def load(self, key: str) -> V | None:
        with self._mutex:
            return self._values.get(key)

    def save(self, key: str, value: V) -> None:
        with self._mutex:
            self._values[key] = value

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


_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class RedisStore(Generic[V]):
    """A :class:`LockingStore` in Redis (install ``bkash-sdk[redis]``).

    If Redis cannot be reached it falls back to this process's memory and logs a warning, so
    payments keep working (each process then computes its own values).
    """

    namespace = "value"

    def __init__(
        self,
        client: redis.Redis | None = None,
        *,
        url: str = "redis://127.0.0.1:6379/0",
        prefix: str = "bkash-sdk:",
        ttl: int = 7 * 24 * 3600,
    ) -> None:
        if client is None:
            try:
                import redis as redis_module  # noqa: PLC0415 - optional extra
            except ImportError:
                raise ConfigurationError(
                    f"{type(self).__name__} needs the redis extra: pip install 'bkash-sdk[redis]'"
                ) from None
            client = redis_module.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._redis = client
        self._prefix = prefix
        self._ttl = ttl
        self._fallback: MemoryStore[V] = MemoryStore()
        self._degraded = False

    def encode(self, value: V) -> str:
        raise NotImplementedError

    def decode(self, raw: str | bytes) -> V | None:
        raise NotImplementedError

    def _guard(self, action: Callable[[], T], fallback: Callable[[MemoryStore[V]], T]) -> T:
        import redis as redis_module  # noqa: PLC0415 - present whenever this store exists

        try:
            result = action()
        except redis_module.RedisError as exc:
            if not self._degraded:
                logger.warning(
                    "Redis store unavailable (%s); using this process's memory", type(exc).__name__
                )
            self._degraded = True
            return fallback(self._fallback)
        if self._degraded:
            logger.warning("Redis store reachable again")
            self._degraded = False
        return result

    def _key(self, key: str) -> str:
        return f"{self._prefix}{self.namespace}:{key}"

    def load(self, key: str) -> V | None:
        def action() -> V | None:
            raw: Any = self._redis.get(self._key(key))
            return None if raw is None else self.decode(raw)

        return self._guard(action, lambda local: local.load(key))

    def save(self, key: str, value: V) -> None:
        self._guard(
            lambda: self._redis.set(self._key(key), self.encode(value), ex=self._ttl),
            lambda local: local.save(key, value),
        )

    def acquire(self, key: str, owner: str, timeout: float) -> bool:
        return self._guard(
            lambda: bool(
                self._redis.set(self._key(key) + ":lock", owner, nx=True, px=int(timeout * 1000))
            ),
            lambda local: local.acquire(key, owner, timeout),
        )

    def release(self, key: str, owner: str) -> None:
        self._guard(
            lambda: self._redis.eval(_RELEASE, 1, self._key(key) + ":lock", owner),
            lambda local: local.release(key, owner),
        )


@attrs.frozen
class TokenRecord:
    """A token as stored, with the refresh history needed for bKash's hourly limit."""

    id_token: str = attrs.field(repr=False, converter=Secret)
    refresh_token: str | None = attrs.field(repr=False, converter=conceal)
    expires_at: float
    """Wall-clock expiry (epoch seconds)."""
    refreshed_at: tuple[float, ...] = ()
    """When refreshes were made (epoch seconds), pruned to the last hour."""
    granted_at: tuple[float, ...] = ()
    """When grants were made (epoch seconds), pruned to the last hour."""


class TokenStore(LockingStore[TokenRecord], Protocol):
    """Where tokens live; pass one to share a token between clients, workers or hosts."""

    def invalidate(self, key: str, id_token: str) -> None:
        """Mark the stored token expired, only if it is still ``id_token``."""


class InMemoryTokenStore(MemoryStore[TokenRecord]):
    """Tokens kept in this process (the default: one store per client).

    Pass one instance to several clients of the same credential to share their token.
    """

    def invalidate(self, key: str, id_token: str) -> None:
        with self._mutex:
            record = self._values.get(key)
            if record is not None and record.id_token == id_token:
                self._values[key] = attrs.evolve(record, expires_at=0.0)


_INVALIDATE = """
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local record = cjson.decode(raw)
if record['id_token'] ~= ARGV[1] then return 0 end
record['expires_at'] = 0
redis.call('SET', KEYS[1], cjson.encode(record), 'KEEPTTL')
return 1
"""


class RedisTokenStore(RedisStore[TokenRecord]):
    """One token per credential shared through Redis by every worker and host."""

    namespace = "token"

    def __init__(self, client: redis.Redis | None = None, **options: Any) -> None:
        super().__init__(client, **options)
        self._fallback = self._token_fallback = InMemoryTokenStore()

    def encode(self, value: TokenRecord) -> str:
        return json.dumps(attrs.asdict(value))

    def decode(self, raw: str | bytes) -> TokenRecord | None:
        try:
            data = json.loads(raw)
            return TokenRecord(
                id_token=str(data["id_token"]),
                refresh_token=data.get("refresh_token"),
                expires_at=float(data["expires_at"]),
                refreshed_at=tuple(float(t) for t in data.get("refreshed_at") or ()),
                granted_at=tuple(float(t) for t in data.get("granted_at") or ()),
            )
        except (ValueError, KeyError, TypeError):
            return None

    def invalidate(self, key: str, id_token: str) -> None:
        self._guard(
            lambda: self._redis.eval(_INVALIDATE, 1, self._key(key), id_token),
            lambda _: self._token_fallback.invalidate(key, id_token),
        )
