"""Payments: create, execute, query, and capture or void an authorization.

Each operation is one flow, shared by :class:`Payments` and :class:`AsyncPayments`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from .._checkout_signing import sign_callback_url
from .._exceptions import BkashError, BkashValidationError
from .._operations import (
    CAPTURE_PAYMENT,
    CREATE_PAYMENT,
    EXECUTE_PAYMENT,
    QUERY_PAYMENT,
    VOID_PAYMENT,
    Operation,
)
from .._pipeline import Flow
from .._validation import (
    validate_amount,
    validate_callback_url,
    validate_id,
    validate_intent,
    validate_merchant_association_info,
    validate_reference,
)
from ..models import Payment, PaymentConfirmation, PaymentExecution, PaymentStatus, format_amount
from ._base import AsyncRun, Context, SyncRun, parse
from ._reconcile import call_or_reconcile, is_state_refusal, query_after

Intent = Literal["sale", "authorization"]
MODE_CHECKOUT = "0011"
MODE_WITH_AGREEMENT = "0001"


def resolve_callback_url(ctx: Context, callback_url: str | None) -> str:
    """The given callback URL, else the configured one; one of them is required."""
    url = callback_url if callback_url is not None else ctx.config.callback_url
    if url is None:
        raise BkashValidationError(
            "callback_url is required: pass it or configure it (BKASH_CALLBACK_URL)",
            field="callback_url",
        )
    return validate_callback_url(url)


def create_flow(
    ctx: Context,
    *,
    amount: Decimal,
    merchant_invoice_number: str,
    payer_reference: str | None,
    callback_url: str | None,
    intent: str,
    agreement_id: str | None,
    merchant_association_info: str | None,
) -> Flow[Payment]:
    """Create a payment: mode ``0011``, or ``0001`` with ``agreement_id``."""
    if payer_reference is None and agreement_id is None:
        raise BkashValidationError(
            "payer_reference is required for a payment without an agreement",
            field="payer_reference",
        )
    invoice = validate_reference(merchant_invoice_number, "merchant_invoice_number")
    body: dict[str, Any] = {"mode": MODE_CHECKOUT if agreement_id is None else MODE_WITH_AGREEMENT}
    if payer_reference is not None:
        body["payerReference"] = validate_reference(payer_reference, "payer_reference")
    body.update(
        callbackURL=resolve_callback_url(ctx, callback_url),
        amount=format_amount(validate_amount(amount)),
        currency="BDT",
        intent=validate_intent(intent),
        merchantInvoiceNumber=invoice,
    )
    if agreement_id is not None:
        body["agreementID"] = validate_id(agreement_id, "agreement_id")
    if merchant_association_info is not None:
        body["merchantAssociationInfo"] = validate_merchant_association_info(
            merchant_association_info
        )
    if ctx.config.webhook_secret is not None:
        body["callbackURL"] = sign_callback_url(
            body["callbackURL"], invoice, ctx.config.webhook_secret, timestamp=int(ctx.clock())
        )
    reply = yield from ctx.call(CREATE_PAYMENT, body)
    return parse(Payment, reply, CREATE_PAYMENT)


def execute_flow(ctx: Context, payment_id: str) -> Flow[PaymentExecution]:
    """Execute once; an open answer is settled by one query (``reconciled=True``)."""
    payment_id = validate_id(payment_id, "payment_id")

    def recover(error: BkashError) -> Flow[PaymentExecution]:
        status = yield from query_after(ctx, EXECUTE_PAYMENT, payment_id, error)
        if is_state_refusal(EXECUTE_PAYMENT, error) and status.trx_id is None:
            raise error  # the query confirms it: nothing was paid
        return PaymentExecution.from_status(status)

    return (
        yield from call_or_reconcile(
            ctx,
            EXECUTE_PAYMENT,
            {"paymentID": payment_id},
            read=lambda reply: parse(PaymentExecution, reply, EXECUTE_PAYMENT),
            recover=recover,
        )
    )


def query_flow(ctx: Context, payment_id: str) -> Flow[PaymentStatus]:
    """The payment's current state."""
    body = {"paymentID": validate_id(payment_id, "payment_id")}
    reply = yield from ctx.call(QUERY_PAYMENT, body)
    return parse(PaymentStatus, reply, QUERY_PAYMENT)


def confirm_flow(ctx: Context, operation: Operation, payment_id: str) -> Flow[PaymentConfirmation]:
    """Capture or void an authorization, settled like execute when the answer is open."""
    payment_id = validate_id(payment_id, "payment_id")

    def recover(error: BkashError) -> Flow[PaymentConfirmation]:
        status = yield from query_after(ctx, operation, payment_id, error)
        return PaymentConfirmation.from_status(status)

    return (
        yield from call_or_reconcile(
            ctx,
            operation,
            {"paymentID": payment_id},
            read=lambda reply: parse(PaymentConfirmation, reply, operation),
            recover=recover,
        )
    )


class Payments:
    """``client.payments``: the payment lifecycle."""

    def __init__(self, run: SyncRun, ctx: Context) -> None:
        self._run = run
        self._ctx = ctx

    def create(
        self,
        *,
        amount: Decimal,
        merchant_invoice_number: str,
        payer_reference: str | None = None,
        callback_url: str | None = None,
        intent: Intent = "sale",
        agreement_id: str | None = None,
        merchant_association_info: str | None = None,
    ) -> Payment:
        """Create a payment and get the ``bkash_url`` to send the customer to.

        ``payer_reference`` is required unless ``agreement_id`` is given (mode ``0001``).
        ``callback_url`` defaults to the configured one; it is signed when a
        ``webhook_secret`` is configured.
        """
        return self._run(
            create_flow(
                self._ctx,
                amount=amount,
                merchant_invoice_number=merchant_invoice_number,
                payer_reference=payer_reference,
                callback_url=callback_url,
                intent=intent,
                agreement_id=agreement_id,
                merchant_association_info=merchant_association_info,
            )
        )

    def execute(self, payment_id: str) -> PaymentExecution:
        """Execute the approved payment: the money moves. Sent once, never retried."""
        return self._run(execute_flow(self._ctx, payment_id))

    def query(self, payment_id: str) -> PaymentStatus:
        """The payment's current state."""
        return self._run(query_flow(self._ctx, payment_id))

    def capture(self, payment_id: str) -> PaymentConfirmation:
        """Capture an authorized payment (``intent="authorization"``)."""
        return self._run(confirm_flow(self._ctx, CAPTURE_PAYMENT, payment_id))

    def void(self, payment_id: str) -> PaymentConfirmation:
        """Release an authorized payment's hold."""
        return self._run(confirm_flow(self._ctx, VOID_PAYMENT, payment_id))


class AsyncPayments:
    """``client.payments`` of the async client."""

    def __init__(self, run: AsyncRun, ctx: Context) -> None:
        self._run = run
        self._ctx = ctx

    async def create(
        self,
        *,
        amount: Decimal,
        merchant_invoice_number: str,
        payer_reference: str | None = None,
        callback_url: str | None = None,
        intent: Intent = "sale",
        agreement_id: str | None = None,
        merchant_association_info: str | None = None,
    ) -> Payment:
        """Create a payment; see :meth:`Payments.create`."""
        return await self._run(
            create_flow(
                self._ctx,
                amount=amount,
                merchant_invoice_number=merchant_invoice_number,
                payer_reference=payer_reference,
                callback_url=callback_url,
                intent=intent,
                agreement_id=agreement_id,
                merchant_association_info=merchant_association_info,
            )
        )

    async def execute(self, payment_id: str) -> PaymentExecution:
        """Execute the approved payment; see :meth:`Payments.execute`."""
        return await self._run(execute_flow(self._ctx, payment_id))

    async def query(self, payment_id: str) -> PaymentStatus:
        """The payment's current state."""
        return await self._run(query_flow(self._ctx, payment_id))

    async def capture(self, payment_id: str) -> PaymentConfirmation:
        """Capture an authorized payment."""
        return await self._run(confirm_flow(self._ctx, CAPTURE_PAYMENT, payment_id))

    async def void(self, payment_id: str) -> PaymentConfirmation:
        """Release an authorized payment's hold."""
        return await self._run(confirm_flow(self._ctx, VOID_PAYMENT, payment_id))
