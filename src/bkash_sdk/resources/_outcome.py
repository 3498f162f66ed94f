"""What a checkout ended in: the normalised :class:`PaymentState` and the rules that decide it."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

import attrs

from ..models import PaymentExecution, TransactionStatus

BKASH_CURRENCY = "BDT"


class PaymentState(StrEnum):
    """Where a payment stands after ``checkout.finalize``."""

    PENDING = "pending"
    """Not settled yet: bKash does not show it completed; ask again later."""
    EXECUTED = "executed"
    """The money moved but did not match the order (see ``reason``): refund or void it."""
    CONFIRMED = "confirmed"
    """The money moved and matched the order: fulfil it."""
    FAILED = "failed"
    """No money moved (see ``reason``)."""


@attrs.frozen
class Expectation:
    """What the merchant's order says the payment must be."""

    amount: Decimal
    invoice: str
    currency: str


@attrs.frozen
class FinalizeOutcome:
    """The result of ``checkout.finalize`` for one payment."""

    state: PaymentState
    payment_id: str
    reason: str | None = None
    """Why the state is not ``confirmed``: ``cancelled``, ``insufficient_balance``,
    ``amount_mismatch``... (see docs/checkout.md)."""
    trx_id: str | None = None
    amount: Decimal | None = None
    """The amount bKash reports as paid (not the expected one)."""
    transaction_status: str | None = None
    """bKash's ``transactionStatus``: ``Completed`` for a sale, ``Authorized`` for a hold."""
    code: str | None = None
    """bKash's code when execute declined the payment."""
    needs_refund: bool = False
    """Money moved for a payment that did not match: refund it (void an authorization)."""
    reconciled: bool = False
    """The result was read back with a query because execute gave no usable answer."""
    execution: PaymentExecution | None = None
    """bKash's execute (or reconciled query) answer, when there was one."""

    @property
    def confirmed(self) -> bool:
        """Whether the order may be fulfilled."""
        return self.state is PaymentState.CONFIRMED


DECLINE_REASONS: dict[str, str] = {
    "2023": "insufficient_balance",
    "2029": "duplicate",
    "2056": "not_approved",
    "2060": "not_approved",
    "2069": "cancelled",
    "2002": "invalid_payment",
    **dict.fromkeys(("2009", "2045", "2057", "2058"), "invalid_wallet"),
    **dict.fromkeys(("2011", "2014", "2015", "2043"), "wrong_pin"),
    **dict.fromkeys(("2010", "2013", "2016", "2017", "2018", "2019", "2059"), "not_verified"),
    **dict.fromkeys(("2037", "2038", "2044", "2046"), "account_restricted"),
}
"""``reason`` of a payment that execute declined, by bKash code (others: ``declined``)."""

MOVED = frozenset({TransactionStatus.COMPLETED, TransactionStatus.AUTHORIZED})
ENDED = frozenset(
    {
        TransactionStatus.CANCELLED,
        TransactionStatus.FAILED,
        TransactionStatus.EXPIRED,
        TransactionStatus.DECLINED,
    }
)
"""Statuses after which nothing more will happen to the payment."""


def declined(payment_id: str, code: str) -> FinalizeOutcome:
    """The outcome of an execute that bKash refused with ``code``."""
    reason = DECLINE_REASONS.get(code, "declined")
    return FinalizeOutcome(PaymentState.FAILED, payment_id, reason=reason, code=code)


def mismatch(execution: PaymentExecution, expected: Expectation) -> tuple[str, bool] | None:
    """Which of invoice, currency and amount differ from the order (in that order), if any.

    Returns the reason and whether the money should go back. Every field is checked: one that
    differs is a mismatch (refunded) even when another is missing; only when nothing differs
    does a value bKash left out make the payment ``*_unverifiable`` (not refunded). A missing
    currency is BDT, the only currency bKash has.
    """
    invoice = execution.merchant_invoice_number
    currency = (execution.currency or BKASH_CURRENCY).strip().upper()
    amount = execution.amount
    if invoice is not None and invoice.strip() != expected.invoice:
        return "invoice_mismatch", True
    if currency != expected.currency:
        return "currency_mismatch", True
    if amount is not None and amount != expected.amount:
        return "amount_mismatch", True
    if invoice is None:
        return "invoice_unverifiable", False
    if amount is None:
        return "amount_unverifiable", False
    return None


def judge(payment_id: str, execution: PaymentExecution, expected: Expectation) -> FinalizeOutcome:
    """The outcome of an execute (or reconciled query) answer against the order."""
    status = execution.transaction_status
    if status in MOVED:
        found = mismatch(execution, expected)
        if found is not None:
            reason, refund = found
            return _seen(PaymentState.EXECUTED, payment_id, execution, reason, needs_refund=refund)
        return _seen(PaymentState.CONFIRMED, payment_id, execution, None)
    if status is not None and status in ENDED:
        return _seen(PaymentState.FAILED, payment_id, execution, status.lower())
    return _seen(PaymentState.PENDING, payment_id, execution, "not_completed")


def _seen(
    state: PaymentState,
    payment_id: str,
    execution: PaymentExecution,
    reason: str | None,
    *,
    needs_refund: bool = False,
) -> FinalizeOutcome:
    status = execution.transaction_status
    return FinalizeOutcome(
        state,
        payment_id,
        reason=reason,
        trx_id=execution.trx_id,
        amount=execution.amount,
        transaction_status=None if status is None else status.value,
        needs_refund=needs_refund,
        reconciled=execution.reconciled,
        execution=execution,
    )
