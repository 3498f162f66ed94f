"""Refunds: v2 (bKash's current refund API, the default) or v1, and refund status.

A refund is never sent twice. When its answer is open (timeout, 5xx, an unreadable answer)
or says the transaction was already reversed, the SDK asks refund status once and adopts the
matching refund record: the only record of the requested amount that completed at most
:data:`CLOCK_SKEW` seconds before the request was sent (or later); an earlier refund of the
same amount is never mistaken for it, with v1 as with v2 (an older v1 record is not this
refund's answer). No such record, or several, raise :class:`~bkash_sdk.PaymentOutcomeUnknown`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from .._exceptions import BkashError, BkashValidationError, PaymentOutcomeUnknown
from .._operations import REFUND_STATUS_V1, REFUND_STATUS_V2, REFUND_V1, REFUND_V2, Operation
from .._pipeline import Flow
from .._validation import validate_amount, validate_id, validate_text
from ..models import Refund, RefundStatus, format_amount
from ._base import AsyncRun, Context, SyncRun, parse
from ._reconcile import call_or_reconcile, describe, outcome_unknown

RefundApi = Literal["v1", "v2"]
CLOCK_SKEW = 60.0
"""Seconds of clock difference between bKash and this machine tolerated when matching."""


def _api(api: str) -> RefundApi:
    for version in ("v2", "v1"):
        if api == version:
            return version
    raise BkashValidationError("api must be 'v1' or 'v2'", field="api")


def matching_refund(status: RefundStatus, amount: Decimal, since: float) -> Refund | None:
    """The only refund of ``amount`` completed at or after ``since`` (epoch seconds)."""
    found = [
        refund
        for refund in status.refunds
        if refund.amount == amount
        and refund.completed_time is not None
        and refund.completed_time.timestamp() >= since
    ]
    return found[0] if len(found) == 1 else None


def create_flow(
    ctx: Context,
    *,
    payment_id: str,
    trx_id: str,
    amount: Decimal,
    sku: str,
    reason: str,
    api: str,
) -> Flow[Refund]:
    """Refund ``amount`` of a completed payment, once."""
    version = _api(api)
    payment_id = validate_id(payment_id, "payment_id")
    trx_id = validate_id(trx_id, "trx_id")
    value = validate_amount(amount)
    sku = validate_text(sku, "sku")
    reason = validate_text(reason, "reason")
    operation: Operation
    if version == "v2":
        operation = REFUND_V2
        body = {"paymentId": payment_id, "trxId": trx_id, "refundAmount": format_amount(value)}
    else:
        operation = REFUND_V1
        body = {"paymentID": payment_id, "trxID": trx_id, "amount": format_amount(value)}
    body.update(sku=sku, reason=reason)
    sent_at = ctx.clock()

    def recover(error: BkashError) -> Flow[Refund]:
        try:
            status = yield from status_flow(ctx, payment_id=payment_id, trx_id=trx_id, api=version)
        except BkashError as follow_up:
            raise outcome_unknown(operation, payment_id, error, follow_up) from follow_up
        match = matching_refund(status, value, sent_at - CLOCK_SKEW)
        if match is None:
            raise PaymentOutcomeUnknown(
                f"the result of {operation.name} for {payment_id} is unknown: it failed with "
                f"{describe(error)} and refund status shows no single matching refund; "
                "check refund status later and never repeat the refund blindly",
                payment_id=payment_id,
                operation=operation.name,
                request_id=error.request_id,
            )
        return match.model_copy(update={"reconciled": True, "request_id": status.request_id})

    return (
        yield from call_or_reconcile(
            ctx,
            operation,
            body,
            read=lambda reply: parse(Refund, reply, operation),
            recover=recover,
        )
    )


def status_flow(ctx: Context, *, payment_id: str, trx_id: str, api: str) -> Flow[RefundStatus]:
    """The refunds made against a payment transaction."""
    version = _api(api)
    payment_id = validate_id(payment_id, "payment_id")
    trx_id = validate_id(trx_id, "trx_id")
    if version == "v2":
        reply = yield from ctx.call(REFUND_STATUS_V2, {"paymentId": payment_id, "trxId": trx_id})
        return parse(RefundStatus, reply, REFUND_STATUS_V2)
    reply = yield from ctx.call(REFUND_STATUS_V1, {"paymentID": payment_id, "trxID": trx_id})
    return RefundStatus.from_refund(parse(Refund, reply, REFUND_STATUS_V1))


class Refunds:
    """``client.refunds``: ``api="v2"`` (default) or ``api="v1"``."""

    def __init__(self, run: SyncRun, ctx: Context) -> None:
        self._run = run
        self._ctx = ctx

    def create(
        self,
        *,
        payment_id: str,
        trx_id: str,
        amount: Decimal,
        sku: str,
        reason: str,
        api: RefundApi = "v2",
    ) -> Refund:
        """Refund ``amount`` (partial refunds allowed on v2); check ``refund.succeeded``."""
        return self._run(
            create_flow(
                self._ctx,
                payment_id=payment_id,
                trx_id=trx_id,
                amount=amount,
                sku=sku,
                reason=reason,
                api=api,
            )
        )

    def status(self, *, payment_id: str, trx_id: str, api: RefundApi = "v2") -> RefundStatus:
        """The refunds made against the transaction (``.refunds``)."""
        return self._run(status_flow(self._ctx, payment_id=payment_id, trx_id=trx_id, api=api))


class AsyncRefunds:
    """``client.refunds`` of the async client."""

    def __init__(self, run: AsyncRun, ctx: Context) -> None:
        self._run = run
        self._ctx = ctx

    async def create(
        self,
        *,
        payment_id: str,
        trx_id: str,
        amount: Decimal,
        sku: str,
        reason: str,
        api: RefundApi = "v2",
    ) -> Refund:
        """Refund ``amount``; see :meth:`Refunds.create`."""
        return await self._run(
            create_flow(
                self._ctx,
                payment_id=payment_id,
                trx_id=trx_id,
                amount=amount,
                sku=sku,
                reason=reason,
                api=api,
            )
        )

    async def status(self, *, payment_id: str, trx_id: str, api: RefundApi = "v2") -> RefundStatus:
        """The refunds made against the transaction."""
        return await self._run(
            status_flow(self._ctx, payment_id=payment_id, trx_id=trx_id, api=api)
        )
