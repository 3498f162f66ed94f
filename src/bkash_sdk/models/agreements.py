"""Agreement answers: create (mode ``0000``), execute, status and cancel."""

from __future__ import annotations

from ._base import BkashModel
from ._enums import AgreementStatus
from ._types import BkashDateTime, Msisdn
from .payments import CheckoutLinks, PaymentStatus, status_fields

__all__ = ["Agreement", "AgreementCancellation", "AgreementDetails", "AgreementExecution"]


class Agreement(CheckoutLinks):
    """Answer to create agreement: where to send the customer to approve it."""

    payer_reference: str | None = None
    agreement_status: AgreementStatus | None = None
    agreement_create_time: BkashDateTime | None = None


class AgreementExecution(BkashModel):
    """Answer to execute of an agreement's payment id: store ``agreement_id`` for later payments.

    ``reconciled`` is true when it was read from a query of the payment id (see
    :meth:`from_status`).
    """

    payment_id: str
    agreement_id: str | None = None
    payer_reference: str | None = None
    customer_msisdn: Msisdn | None = None
    agreement_execute_time: BkashDateTime | None = None
    agreement_status: AgreementStatus | None = None
    reconciled: bool = False

    @classmethod
    def from_status(cls, status: PaymentStatus) -> AgreementExecution:
        """An agreement execution read from a query answer, marked ``reconciled=True``."""
        return cls(**status_fields(status, cls), reconciled=True)


class AgreementDetails(BkashModel):
    """Answer to agreement status; ``agreement_void_time`` is set once it was cancelled."""

    agreement_id: str
    payment_id: str | None = None
    agreement_status: AgreementStatus | None = None
    agreement_create_time: BkashDateTime | None = None
    agreement_execute_time: BkashDateTime | None = None
    agreement_void_time: BkashDateTime | None = None
    payer_reference: str | None = None
    customer_msisdn: Msisdn | None = None


class AgreementCancellation(BkashModel):
    """Answer to agreement cancel (``agreement_status`` is ``Cancelled``)."""

    agreement_id: str | None = None
    payment_id: str | None = None
    payer_reference: str | None = None
    agreement_status: AgreementStatus | None = None
    agreement_void_time: BkashDateTime | None = None
