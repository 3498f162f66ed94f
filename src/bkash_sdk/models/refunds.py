"""Refund answers: one model for v1 and v2 refunds, and the refund status of a payment."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import AliasChoices, Field, field_validator

from ._base import BkashModel
from ._enums import RefundTransactionStatus
from ._types import Amount, BkashDateTime

__all__ = ["Refund", "RefundStatus"]


class Refund(BkashModel):
    """One refund, read from either generation of bKash's refund API.

    v1 sends ``originalTrxID``, ``refundTrxID``, ``transactionStatus``, ``amount`` and
    ``charge``; v2 sends ``originalTrxId``, ``refundTrxId``, ``refundTransactionStatus``,
    ``refundAmount``, ``originalTrxAmount``, ``sku`` and ``reason`` (and no ``statusCode``).
    ``amount`` is always the refunded amount.
    """

    refund_trx_id: str | None = None
    original_trx_id: str | None = None
    amount: Amount | None = Field(
        default=None,
        validation_alias=AliasChoices("refundAmount", "amount"),
        serialization_alias="refundAmount",
    )
    currency: str | None = None
    transaction_status: RefundTransactionStatus | None = Field(
        default=None,
        validation_alias=AliasChoices("refundTransactionStatus", "transactionStatus"),
        serialization_alias="refundTransactionStatus",
    )
    completed_time: BkashDateTime | None = None
    charge: Amount | None = None
    sku: str | None = None
    reason: str | None = None
    original_trx_amount: Amount | None = None
    reconciled: bool = False
    """True when read from refund status after the refund's own answer was lost."""

    @property
    def succeeded(self) -> bool:
        """Whether the money went back: only ``Completed`` means success."""
        return self.transaction_status is RefundTransactionStatus.COMPLETED


class RefundStatus(BkashModel):
    """The refunds made against one payment transaction (refund status, v2 shape).

    v1 answers a status request with a single refund record; build the same type from it with
    :meth:`from_refund`.
    """

    original_trx_id: str | None = None
    original_trx_amount: Amount | None = None
    original_trx_completed_time: BkashDateTime | None = None
    refunds: list[Refund] = Field(
        default_factory=list,
        validation_alias=AliasChoices("refundTransactions", "refunds"),
        serialization_alias="refundTransactions",
    )

    @field_validator("refunds", mode="before")
    @classmethod
    def _null_means_none(cls, value: Any) -> Any:
        return [] if value is None or value == "" else value

    @property
    def refunded_amount(self) -> Decimal:
        """The sum of the refunds that completed."""
        return sum(
            (r.amount for r in self.refunds if r.succeeded and r.amount is not None),
            Decimal(0),
        )

    @classmethod
    def from_refund(cls, refund: Refund) -> RefundStatus:
        """The status built from a v1 refund-status answer, which is one refund record."""
        return cls(
            original_trx_id=refund.original_trx_id,
            original_trx_amount=refund.original_trx_amount,
            refunds=[refund],
            status_code=refund.status_code,
            status_message=refund.status_message,
            request_id=refund.request_id,
        )
