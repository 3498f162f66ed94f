"""Typed answers from bKash Tokenized Checkout, and the field types they are built from."""

from ._base import BkashModel, wire_name
from ._enums import AgreementStatus, RefundTransactionStatus, TransactionStatus, VerificationStatus
from ._types import (
    DHAKA_TZ,
    Amount,
    BkashDateTime,
    ExpiresIn,
    Msisdn,
    format_amount,
    format_bkash_datetime,
    normalize_msisdn,
    parse_amount,
    parse_bkash_datetime,
)
from .agreements import Agreement, AgreementCancellation, AgreementDetails, AgreementExecution
from .payments import CheckoutLinks, Payment, PaymentConfirmation, PaymentExecution, PaymentStatus
from .refunds import Refund, RefundStatus
from .transactions import Transaction

__all__ = [
    "DHAKA_TZ",
    "Agreement",
    "AgreementCancellation",
    "AgreementDetails",
    "AgreementExecution",
    "AgreementStatus",
    "Amount",
    "BkashDateTime",
    "BkashModel",
    "CheckoutLinks",
    "ExpiresIn",
    "Msisdn",
    "Payment",
    "PaymentConfirmation",
    "PaymentExecution",
    "PaymentStatus",
    "Refund",
    "RefundStatus",
    "RefundTransactionStatus",
    "Transaction",
    "TransactionStatus",
    "VerificationStatus",
    "format_amount",
    "format_bkash_datetime",
    "normalize_msisdn",
    "parse_amount",
    "parse_bkash_datetime",
    "wire_name",
]
