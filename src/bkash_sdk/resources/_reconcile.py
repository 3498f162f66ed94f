"""Reading back the result of a money-moving call whose answer was lost (design rule 5).

A call is reconciled when it raised a transport error after its request may have left this
machine, or an API error whose outcome is ``UNKNOWN`` (5xx, a gateway body, an unreadable or
unexpected answer, an unknown code) or ``DONE`` (bKash says it already happened), or a state
refusal that a concurrent call could explain (:data:`STATE_REFUSALS`). A normal answer, a
definite ``FAILED`` error, a failure to connect, or a failure before the call was made (such
as fetching the token) is never followed by a query. Reconciliation asks bKash exactly once;
when that fails too, :class:`~bkash_sdk.PaymentOutcomeUnknown` is raised.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from .._exceptions import (
    BkashAPIError,
    BkashError,
    BkashTransportError,
    Outcome,
    PaymentOutcomeUnknown,
)
from .._operations import EXECUTE_AGREEMENT, EXECUTE_PAYMENT, QUERY_PAYMENT, Operation
from .._pipeline import Flow, Reply
from ..models import PaymentStatus
from ._base import Context, parse

T = TypeVar("T")


STATE_REFUSALS: dict[str, frozenset[str]] = {
    EXECUTE_PAYMENT.name: frozenset({"2056", "2060"}),
    EXECUTE_AGREEMENT.name: frozenset({"2050"}),
}
"""Refusals that mean "not in a state to do this": checked once, in case it was just done."""


def is_state_refusal(operation: Operation, error: BkashError) -> bool:
    """Whether ``error`` is a state refusal of ``operation`` worth one query."""
    return getattr(error, "code", None) in STATE_REFUSALS.get(operation.name, frozenset())


def needs_reconciliation(operation: Operation, error: BkashError) -> bool:
    """Whether ``error`` leaves the result of ``operation`` (a money-moving call) open."""
    if getattr(error, "operation", None) != operation.name:
        return False  # raised before the call was made, e.g. while fetching the token
    if isinstance(error, BkashTransportError):
        return error.request_sent
    if not isinstance(error, BkashAPIError):
        return False
    return error.outcome in (Outcome.UNKNOWN, Outcome.DONE) or is_state_refusal(operation, error)


def call_or_reconcile(
    ctx: Context,
    operation: Operation,
    body: Mapping[str, Any],
    *,
    read: Callable[[Reply], T],
    recover: Callable[[BkashError], Flow[T]],
) -> Flow[T]:
    """Send ``operation`` once; ``read`` a normal answer, ``recover`` an open one."""
    try:
        reply = yield from ctx.call(operation, body)
        return read(reply)
    except BkashError as error:
        if not needs_reconciliation(operation, error):
            raise
        return (yield from recover(error))


def query_after(
    ctx: Context, operation: Operation, payment_id: str, original: BkashError
) -> Flow[PaymentStatus]:
    """The one query that settles ``operation`` on ``payment_id``."""
    try:
        reply = yield from ctx.call(QUERY_PAYMENT, {"paymentID": payment_id})
        return parse(PaymentStatus, reply, QUERY_PAYMENT)
    except BkashError as error:
        raise outcome_unknown(operation, payment_id, original, error) from error


def outcome_unknown(
    operation: Operation, payment_id: str, original: BkashError, follow_up: BkashError
) -> PaymentOutcomeUnknown:
    """The error for a call whose result even the follow-up request could not establish."""
    return PaymentOutcomeUnknown(
        f"the result of {operation.name} for {payment_id} is unknown: it failed with "
        f"{describe(original)} and the follow-up check failed with {describe(follow_up)}; "
        "check it later and never repeat the call blindly",
        payment_id=payment_id,
        operation=operation.name,
        request_id=original.request_id,
    )


def describe(error: BkashError) -> str:
    """A short, secret-free name for ``error``: its class and bKash code."""
    code = getattr(error, "code", None)
    return f"{type(error).__name__} {code}" if code else type(error).__name__
