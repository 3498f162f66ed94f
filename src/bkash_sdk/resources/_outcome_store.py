"""Where ``checkout.finalize`` keeps what bKash said about each payment, one record per id.

The record is written *before* execute is sent (``execute_sent``), so that a later attempt, in
this process or another, queries instead of sending execute again. Only an attempt interrupted
before execute's answer was recorded (``checked_at`` still ``None``) is resumed: one query, and
execute again only if bKash shows nothing paid (execute is single-use at bKash, which answers a
repeat "already completed").
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, TypeAlias

import attrs

from .._stores import LockingStore, MemoryStore, RedisStore
from ..models import PaymentExecution
from ._outcome import ENDED, MOVED


@attrs.frozen
class CheckoutRecord:
    """What is known about one payment's execution."""

    execute_sent: bool = False
    """Execute may have reached bKash: later attempts query first."""
    execution: PaymentExecution | None = None
    """bKash's execute answer, or the query answer adopted in its place."""
    decline_code: str | None = None
    """The code of an execute that bKash refused (nothing moved). With ``execute_sent=False``
    bKash refused before anything could be paid: a later callback may execute again."""
    unknown: str | None = None
    """Why the result could not be established (set with ``PaymentOutcomeUnknown``)."""
    request_id: str | None = None
    checked_at: float | None = None
    """When bKash was last asked (epoch seconds); ``None`` while execute is in flight, or after
    an attempt that was interrupted before it recorded execute's answer."""
    sent_at: float | None = None
    """When the attempt in flight marked execute as sent (epoch seconds)."""

    @property
    def final(self) -> bool:
        """Whether nothing can change any more: declined, or the money moved or ended."""
        if self.decline_code is not None:
            return self.execute_sent
        status = None if self.execution is None else self.execution.transaction_status
        return status is not None and (status in MOVED or status in ENDED)


OutcomeStore: TypeAlias = LockingStore[CheckoutRecord]
"""Any :class:`~bkash_sdk._stores.LockingStore` of :class:`CheckoutRecord` values."""


class MemoryOutcomeStore(MemoryStore[CheckoutRecord]):
    """Records in this process (the default): shared by the clients given the same store.

    The oldest records are dropped beyond ``max_entries``.
    """

    def __init__(
        self, max_entries: int = 100_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__(clock)
        self._max_entries = max_entries

    def save(self, key: str, value: CheckoutRecord) -> None:
        with self._mutex:
            self._values.pop(key, None)
            self._values[key] = value
            while len(self._values) > self._max_entries:
                del self._values[next(iter(self._values))]


def _seconds(value: object) -> float | None:
    """An epoch-seconds field read back from JSON; anything else is refused."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError("not a number of seconds")
    return float(value)


class RedisOutcomeStore(RedisStore[CheckoutRecord]):
    """Records shared through Redis by every worker and host (``bkash-sdk[redis]``).

    A record that cannot be read back is taken as an interrupted attempt: bKash is queried
    before anything else, and execute is sent again only if nothing was paid.
    """

    namespace = "checkout"

    def encode(self, value: CheckoutRecord) -> str:
        data: dict[str, Any] = attrs.asdict(value, recurse=False)
        if value.execution is not None:
            data["execution"] = value.execution.model_dump(mode="json")
        return json.dumps(data)

    def decode(self, raw: str | bytes) -> CheckoutRecord | None:
        try:
            data = json.loads(raw)
            execution = data.get("execution")
            return CheckoutRecord(
                execute_sent=bool(data["execute_sent"]),
                execution=None if execution is None else PaymentExecution.model_validate(execution),
                decline_code=data.get("decline_code"),
                unknown=data.get("unknown"),
                request_id=data.get("request_id"),
                checked_at=_seconds(data.get("checked_at")),
                sent_at=_seconds(data.get("sent_at")),
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            return CheckoutRecord(execute_sent=True)
