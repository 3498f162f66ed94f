"""Typed SNS envelopes and the bKash payment notification carried in their ``Message``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, PrivateAttr

from .._exceptions import SignatureVerificationError
from .._masking import redact
from ..models._base import WireModel
from ..models._enums import TransactionStatus
from ..models._types import DHAKA_TZ, Amount, BkashDateTime, Msisdn

DHAKA = DHAKA_TZ
"""Bangladesh time (UTC+06:00, no daylight saving), the zone of ``dateTime`` in an IPN."""

SnsMessageType = Literal["Notification", "SubscriptionConfirmation", "UnsubscribeConfirmation"]


class SnsMessage(BaseModel):
    """A verified Amazon SNS message (the JSON body SNS posts to the webhook URL).

    Only the fields in the string to sign are authenticated: ``message``, ``message_id``,
    ``timestamp``, ``topic_arn``, ``type``, and ``subject`` (notifications) or
    ``subscribe_url`` and ``token`` (confirmations). Unknown fields are kept, unverified.
    ``duplicate`` is true when this ``MessageId`` was already marked processed
    (``mark_processed``): an SNS redelivery of a message you handled.
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


class PaymentNotification(WireModel):
    """The bKash Instant Payment Notification: a completed payment into the merchant wallet.

    ``date_time`` is read from bKash's compact ``yyyyMMddHHmmss`` (Bangladesh time);
    ``debit_msisdn`` (the payer's wallet number) is masked in ``repr`` and ``str``.
    Unknown fields are kept.
    """

    trx_id: str
    amount: Amount
    currency: str
    date_time: BkashDateTime
    transaction_status: TransactionStatus
    transaction_type: str | None = None
    merchant_invoice_number: str | None = None
    transaction_reference: str | None = None
    credit_short_code: str | None = None
    credit_organization_name: str | None = None
    debit_msisdn: Msisdn | None = Field(default=None, alias="debitMSISDN")
    coupon_amount: Amount | None = None
    merchant_share_amount: Amount | None = None
    sale_amount: Amount | None = None


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
