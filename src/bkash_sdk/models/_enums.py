"""Status vocabularies that tolerate values bKash may add later.

Each enum is a ``StrEnum``: known values map to their member (matching ignores case and
surrounding spaces), and an unknown value becomes a pseudo-member of the same type that
compares equal to its text, so a new status from bKash never breaks parsing::

    TransactionStatus("Completed") is TransactionStatus.COMPLETED   # True
    TransactionStatus("Reversed") == "Reversed"                     # True
    TransactionStatus("Reversed").is_known                          # False
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

__all__ = [
    "AgreementStatus",
    "RefundTransactionStatus",
    "TransactionStatus",
    "VerificationStatus",
]

_MAX_STATUS_CHARS = 64


class _TolerantStrEnum(StrEnum):
    """A ``StrEnum`` that keeps unknown string values as pseudo-members."""

    @classmethod
    def _missing_(cls, value: object) -> Self | None:
        if not isinstance(value, str):
            return None
        text = value.strip()
        if not text or len(text) > _MAX_STATUS_CHARS:
            return None
        folded = text.casefold()
        for member in cls:
            if member.value.casefold() == folded:
                return member
        pseudo = str.__new__(cls, text)
        pseudo._name_ = text.upper().replace(" ", "_")
        pseudo._value_ = text
        return pseudo

    @property
    def is_known(self) -> bool:
        """Whether this is one of the documented values rather than one kept as sent."""
        return type(self)._value2member_map_.get(self._value_) is self


class TransactionStatus(_TolerantStrEnum):
    """``transactionStatus`` of a payment (create, execute, query, capture, void, search)."""

    INITIATED = "Initiated"
    COMPLETED = "Completed"
    AUTHORIZED = "Authorized"
    PENDING_AUTHORIZED = "Pending Authorized"
    CANCELLED = "Cancelled"
    FAILED = "Failed"
    EXPIRED = "Expired"
    DECLINED = "Declined"


class VerificationStatus(_TolerantStrEnum):
    """``verificationStatus`` / ``userVerificationStatus``: did the customer finish the page."""

    COMPLETE = "Complete"
    INCOMPLETE = "Incomplete"


class AgreementStatus(_TolerantStrEnum):
    """``agreementStatus`` of a tokenized agreement."""

    INITIATED = "Initiated"
    COMPLETED = "Completed"
    CANCELLED = "Cancelled"


class RefundTransactionStatus(_TolerantStrEnum):
    """Status of one refund (``refundTransactionStatus`` in v2, ``transactionStatus`` in v1).

    Only ``Completed`` means the money went back; anything else is not yet, or failed.
    """

    COMPLETED = "Completed"
    INITIATED = "Initiated"
    PENDING = "Pending"
    FAILED = "Failed"
