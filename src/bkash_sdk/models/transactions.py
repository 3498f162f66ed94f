"""Answer to search transaction: one payment or refund transaction looked up by ``trxID``."""

from __future__ import annotations

from ._base import BkashModel
from ._enums import TransactionStatus
from ._types import Amount, BkashDateTime, Msisdn

__all__ = ["Transaction"]


class Transaction(BkashModel):
    """A transaction as bKash's search returns it.

    ``transaction_type`` tells payments (``"bKash Tokenized Checkout via API"``) from refunds
    (``"bKash Checkout Reversal via API"``); refunds carry ``original_trx_amount`` and lack the
    fee and refundable fields. Coupon payments add the sale, coupon and merchant-share amounts.
    """

    trx_id: str
    initiation_time: BkashDateTime | None = None
    completed_time: BkashDateTime | None = None
    transaction_type: str | None = None
    customer_msisdn: Msisdn | None = None
    payer_account: Msisdn | None = None
    payer_type: str | None = None
    transaction_status: TransactionStatus | None = None
    amount: Amount | None = None
    currency: str | None = None
    organization_short_code: str | None = None
    service_fee: Amount | None = None
    credited_amount: Amount | None = None
    max_refundable_amount: Amount | None = None
    transaction_reference: str | None = None
    original_trx_amount: Amount | None = None
    sale_amount: Amount | None = None
    coupon_amount: Amount | None = None
    merchant_share_amount: Amount | None = None
