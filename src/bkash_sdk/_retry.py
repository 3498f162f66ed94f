"""Which failures may be retried, and how long to wait (design rule 4)."""

from __future__ import annotations

import random
from collections.abc import Callable

import attrs
import httpx

from ._operations import Operation, Retry

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})

# The request never left this machine: safe to send again whatever the operation.
_NEVER_SENT: tuple[type[httpx.TransportError], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)
# The request may have reached bKash: only idempotent operations may be sent again.
_TRANSIENT: tuple[type[httpx.TransportError], ...] = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
)


def never_sent(error: httpx.TransportError) -> bool:
    """Whether this failure proves the request never left this machine."""
    return isinstance(error, _NEVER_SENT)


@attrs.frozen
class RetryPolicy:
    """Exponential backoff with jitter; ``max_retries`` extra attempts at most."""

    max_retries: int
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 30.0
    rng: Callable[[], float] = attrs.field(default=random.random, repr=False)

    def may_retry_error(self, operation: Operation, error: httpx.TransportError) -> bool:
        """Whether a transport failure allows another attempt of ``operation``."""
        if never_sent(error):
            return True
        return operation.retry is Retry.SAFE and isinstance(error, _TRANSIENT)

    def may_retry_status(self, operation: Operation, status: int) -> bool:
        """Whether an HTTP status allows another attempt; unsafe operations never re-send."""
        return operation.retry is Retry.SAFE and status in RETRYABLE_STATUSES

    def delay(self, attempt: int, retry_after: str | None = None) -> float | None:
        """Seconds to wait before attempt ``attempt + 1``; ``None`` when it must not happen."""
        if attempt > self.max_retries:
            return None
        backoff = min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1))
        wait = backoff * (0.5 + self.rng() / 2)
        hinted = _seconds(retry_after)
        if hinted is not None:
            if hinted > self.max_retry_after:
                return None
            wait = max(wait, hinted)
        return wait


def _seconds(header: str | None) -> float | None:
    if header is None:
        return None
    try:
        value = float(header)
    except ValueError:
        return None
    return value if value >= 0 else None
