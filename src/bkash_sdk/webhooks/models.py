"""Typed SNS envelopes and the bKash payment notification carried in their ``Message``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from .._exceptions import SignatureVerificationError
from .._masking import mask_msisdn, redact

DHAKA = timezone(timedelta(hours=6), "Asia/Dhaka")
"""Bangladesh time (UTC+06:00, no daylight saving), the zone of ``dateTime`` in an IPN."""

SnsMessageType = Literal["Notification", "SubscriptionConfirmation", "UnsubscribeConfirmation"]

_COMPACT_DATETIME = re.compile(r"[0-9]{14}")


class SnsMessage(BaseModel):
    """A verified Amazon SNS message (the JSON body SNS posts to the webhook URL).

    Only the fields in the string to sign are authenticated: ``message``, ``message_id``,
    ``timestamp``, ``topic_arn``, ``type``, and ``subject`` (notifications) or
    ``subscribe_url`` and ``token`` (confirmations). Unknown fields are kept, unverified.
    ``duplicate`` is true when this ``MessageId`` was already accepted (an SNS redelivery).
    """

    model_config = ConfigDict(extra="allow", frozen=True)

    type: SnsMessageType = Field(alias="Type")
    message_id: str = Field(alias="MessageId")
    topic_arn: str = Field(alias="TopicArn")
    subject: str | None = Field(default=None, alias="Subject")
    message: str = Field(alias="Message")
    timestamp: AwareDatetime = Field(alias="Timestamp")
    signature_version: Literal["1", "2"] = Field(alias="SignatureVersion")
    signature: str = Field(alias="Signature", repr=False)
    signing_cert_url: str = Field(alias="SigningCertURL")
    subscribe_url: str | None = Field(default=None, alias="SubscribeURL", repr=False)
    unsubscribe_url: str | None = Field(default=None, alias="UnsubscribeURL", repr=False)
    token: str | None = Field(default=None, alias="Token", repr=False)

    _duplicate: bool = PrivateAttr(default=False)
    _verified: bool = PrivateAttr(default=False)

    @property
    def duplicate(self) -> bool:
        """Whether this ``MessageId`` was seen before: answer 200 and do nothing else."""
        return self._duplicate

    @property
    def verified(self) -> bool:
        """Whether a verifier produced this message (only such messages can be confirmed)."""
        return self._verified

    def payment(self) -> PaymentNotification:
        """The bKash payment carried in ``Message``.

        Raises ``SignatureVerificationError`` if this is not a ``Notification`` or its
        ``Message`` is not a bKash payment notification (the message is then of no use).
        """
        if self.type != "Notification":
            raise SignatureVerificationError(f"an SNS {self.type} carries no payment")
        try:
            return PaymentNotification.model_validate_json(self.message)
        except ValueError:  # pydantic's ValidationError is a ValueError
            raise SignatureVerificationError(
                "Message is not a bKash payment notification"
            ) from None

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        for name, value in super().__repr_args__():
            yield name, redact(value)


class PaymentNotification(BaseModel):
    """The bKash Instant Payment Notification: a completed payment into the merchant wallet.

    ``debit_msisdn`` (the payer's wallet number) is masked in ``repr`` and ``str``.
    Unknown fields are kept.
    """

    model_config = ConfigDict(extra="allow", frozen=True)

    trx_id: str = Field(alias="trxID")
    amount: Decimal
    currency: str
    date_time: datetime = Field(alias="dateTime")
    transaction_status: str = Field(alias="transactionStatus")
    transaction_type: str | None = Field(default=None, alias="transactionType")
    merchant_invoice_number: str | None = Field(default=None, alias="merchantInvoiceNumber")
    transaction_reference: str | None = Field(default=None, alias="transactionReference")
    credit_short_code: str | None = Field(default=None, alias="creditShortCode")
    credit_organization_name: str | None = Field(default=None, alias="creditOrganizationName")
    debit_msisdn: str | None = Field(default=None, alias="debitMSISDN")
    coupon_amount: Decimal | None = Field(default=None, alias="couponAmount")
    merchant_share_amount: Decimal | None = Field(default=None, alias="merchantShareAmount")
    sale_amount: Decimal | None = Field(default=None, alias="saleAmount")

    @field_validator("date_time", mode="before")
    @classmethod
    def _parse_compact(cls, value: object) -> datetime:
        """``yyyyMMddHHmmss`` in Bangladesh time, as an aware datetime."""
        if not isinstance(value, str) or not _COMPACT_DATETIME.fullmatch(value):
            raise ValueError("dateTime must be yyyyMMddHHmmss")
        return datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=DHAKA)

    @field_validator("amount", "coupon_amount", "merchant_share_amount", "sale_amount")
    @classmethod
    def _finite(cls, value: Decimal | None) -> Decimal | None:
        if value is not None and not value.is_finite():
            raise ValueError("amounts must be finite")
        return value

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        for name, value in super().__repr_args__():
            if name == "debit_msisdn":
                yield name, mask_msisdn(value)
            else:
                yield name, redact(value)


_ALIASES = frozenset(f.alias for f in SnsMessage.model_fields.values() if f.alias)


def _keep(key: str) -> bool:
    """Envelope keys, and unknown keys that cannot shadow a name of the model."""
    if key in _ALIASES:
        return True
    return (
        not key.startswith("_")
        and key not in SnsMessage.model_fields
        and not hasattr(SnsMessage, key)
    )


def verified_message(fields: dict[str, Any]) -> SnsMessage:
    """Build the message a verifier accepted (only verifiers call this)."""
    try:
        message = SnsMessage.model_validate({k: v for k, v in fields.items() if _keep(k)})
    except ValueError:  # pydantic's ValidationError is a ValueError
        raise SignatureVerificationError("SNS message refused: malformed envelope") from None
    message._verified = True
    return message
