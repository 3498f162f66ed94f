"""Payment answers: create, execute, query, and capture/void of an authorization."""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, Field

from ._base import BkashModel
from ._enums import AgreementStatus, TransactionStatus, VerificationStatus
from ._types import Amount, BkashDateTime, Msisdn

__all__ = [
    "CheckoutLinks",
    "Payment",
    "PaymentConfirmation",
    "PaymentExecution",
    "PaymentStatus",
]


class CheckoutLinks(BkashModel):
    """The page to send the customer to, and the callback URLs bKash will redirect to."""

    payment_id: str
    bkash_url: str | None = None
    callback_url: str | None = None
    success_callback_url: str | None = None
    failure_callback_url: str | None = None
    cancelled_callback_url: str | None = None


class Payment(CheckoutLinks):
    """Answer to create payment (modes ``0011`` and ``0001``): where to send the customer."""

    amount: Amount | None = None
    currency: str | None = None
    intent: str | None = None
    payment_create_time: BkashDateTime | None = None
    transaction_status: TransactionStatus | None = None
    merchant_invoice_number: str | None = None
    agreement_id: str | None = None


class PaymentStatus(BkashModel):
    """Answer to query payment.

    ``transaction_status`` stays ``Initiated`` for payments that failed, were cancelled or
    were not executed yet; ``verification_status`` tells whether the customer finished.
    """

    payment_id: str
    mode: str | None = None
    payment_create_time: BkashDateTime | None = None
    payment_execute_time: BkashDateTime | None = None
    amount: Amount | None = None
    currency: str | None = None
    intent: str | None = None
    merchant_invoice_number: str | None = Field(
        default=None,
        validation_alias=AliasChoices("merchantInvoice", "merchantInvoiceNumber"),
        serialization_alias="merchantInvoice",
    )
    trx_id: str | None = None
    transaction_status: TransactionStatus | None = None
    verification_status: VerificationStatus | None = Field(
        default=None,
        validation_alias=AliasChoices("verificationStatus", "userVerificationStatus"),
        serialization_alias="verificationStatus",
    )
    payer_reference: str | None = None
    customer_msisdn: Msisdn | None = None
    payer_account: Msisdn | None = None
    payer_type: str | None = None
    max_refundable_amount: Amount | None = None
    agreement_id: str | None = None
    agreement_status: AgreementStatus | None = None
    agreement_create_time: BkashDateTime | None = None
    agreement_execute_time: BkashDateTime | None = None


def status_fields(status: PaymentStatus, target: type[BkashModel]) -> dict[str, Any]:
    """The fields of a query answer that ``target`` also has, where they are set."""
    shared = target.model_fields.keys() & PaymentStatus.model_fields.keys()
    return {name: getattr(status, name) for name in shared if getattr(status, name) is not None}


class PaymentExecution(BkashModel):
    """Answer to execute payment: the money moved (``Completed``) or is held (``Authorized``).

    ``reconciled`` is true when the SDK built this from a query after an execute whose answer
    was lost or said "already completed" (see :meth:`from_status`).
    """

    payment_id: str
    trx_id: str | None = None
    transaction_status: TransactionStatus | None = None
    amount: Amount | None = None
    currency: str | None = None
    intent: str | None = None
    payment_execute_time: BkashDateTime | None = None
    merchant_invoice_number: str | None = None
    payer_reference: str | None = None
    customer_msisdn: Msisdn | None = None
    payer_account: Msisdn | None = None
    payer_type: str | None = None
    max_refundable_amount: Amount | None = None
    agreement_id: str | None = None
    reconciled: bool = False

    @classmethod
    def from_status(cls, status: PaymentStatus) -> PaymentExecution:
        """An execution result read from a query answer, marked ``reconciled=True``."""
        return cls(**status_fields(status, cls), reconciled=True)


class PaymentConfirmation(BkashModel):
    """Answer to capture (``Completed``) or void (``Cancelled``) of an authorized payment.

    ``reconciled`` is true when it was built from a query answer (see :meth:`from_status`).
    """

    payment_id: str | None = None
    trx_id: str | None = None
    transaction_status: TransactionStatus | None = None
    amount: Amount | None = None
    currency: str | None = None
    intent: str | None = None
    merchant_invoice_number: str | None = None
    create_time: BkashDateTime | None = None
    update_time: BkashDateTime | None = None
    reconciled: bool = False

    @classmethod
    def from_status(cls, status: PaymentStatus) -> PaymentConfirmation:
        """A capture/void result read from a query answer, marked ``reconciled=True``."""
        fields = status_fields(status, cls)
        if status.payment_create_time is not None:
            fields["create_time"] = status.payment_create_time
        return cls(**fields, reconciled=True)
