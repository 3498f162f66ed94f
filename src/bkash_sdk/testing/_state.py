"""The sandbox's records: payments (all three modes), agreements, refunds and events."""

from __future__ import annotations

import enum
from decimal import Decimal

import attrs

from ._wire import CALLBACK_API_VERSION, with_query


class Stage(enum.Enum):
    """Where a paymentID is in its life (bkash-api.md section 20)."""

    AWAITING_CUSTOMER = "awaiting_customer"
    VERIFIED = "verified"
    FAILED_ON_PAGE = "failed_on_page"
    CANCELLED_ON_PAGE = "cancelled_on_page"
    FAILED_AT_EXECUTE = "failed_at_execute"
    COMPLETED = "completed"
    AUTHORIZED = "authorized"
    VOIDED = "voided"


_TRANSACTION_STATUS = {
    Stage.COMPLETED: "Completed",
    Stage.AUTHORIZED: "Authorized",
    Stage.VOIDED: "Cancelled",
}
_VERIFIED = frozenset(
    {Stage.VERIFIED, Stage.FAILED_AT_EXECUTE, Stage.COMPLETED, Stage.AUTHORIZED, Stage.VOIDED}
)


@attrs.define
class Refund:
    """One refund of a payment (v1 or v2)."""

    refund_trx_id: str
    amount: str
    sku: str | None
    reason: str | None
    completed_at: float


@attrs.define
class Payment:
    """A paymentID from create: a payment (modes 0011, 0001) or an agreement set-up (0000)."""

    payment_id: str
    mode: str
    app_key: str
    callback_url: str
    bkash_url: str
    signature: str
    page_hash: str
    created_at: float
    payer_reference: str | None
    amount: str | None
    currency: str | None
    intent: str | None
    merchant_invoice_number: str | None
    agreement_id: str | None = None
    stage: Stage = Stage.AWAITING_CUSTOMER
    wallet: str | None = None
    pin_failures: int = 0
    failure_code: str | None = None
    trx_id: str | None = None
    executed_at: float | None = None
    settled_at: float | None = None
    refunds: list[Refund] = attrs.Factory(list)

    @property
    def transaction_status(self) -> str:
        """``Completed``/``Authorized``/``Cancelled``; everything unfinished is ``Initiated``."""
        return _TRANSACTION_STATUS.get(self.stage, "Initiated")

    @property
    def verification_status(self) -> str:
        """``Complete`` once the customer passed the checkout page."""
        return "Complete" if self.stage in _VERIFIED else "Incomplete"

    def callback(self, status: str, *, redirect: bool = True) -> str:
        """The callback URL with ``paymentID``, ``status``, ``signature`` (and ``apiVersion``)."""
        params = [("paymentID", self.payment_id), ("status", status)]
        params.append(("signature", self.signature))
        if redirect:
            params.append(("apiVersion", CALLBACK_API_VERSION))
        return with_query(self.callback_url, params)

    def refunded(self) -> Decimal:
        """The sum refunded so far."""
        return sum((Decimal(r.amount) for r in self.refunds), Decimal(0))

    def max_refundable(self) -> str:
        """What may still be refunded, echoing the paid amount until a refund is made."""
        if not self.refunds or self.amount is None:
            return self.amount or "0"
        return f"{Decimal(self.amount) - self.refunded():.2f}"


@attrs.define
class Agreement:
    """An executed agreement between a wallet and a merchant (mode 0000)."""

    agreement_id: str
    app_key: str
    payment_id: str
    payer_reference: str | None
    wallet: str
    created_at: float
    executed_at: float
    voided_at: float | None = None

    @property
    def status(self) -> str:
        """``Completed`` while usable, ``Cancelled`` after cancel."""
        return "Cancelled" if self.voided_at is not None else "Completed"


@attrs.frozen
class PaymentCompleted:
    """Money reached the merchant (sale execute or capture): the future IPN's source."""

    app_key: str
    payment_id: str
    trx_id: str
    amount: str
    currency: str
    wallet: str
    merchant_invoice_number: str | None
    completed_at: float
