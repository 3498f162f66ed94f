"""The typed envelope and the bKash payment notification inside it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from bkash_sdk import SignatureVerificationError
from bkash_sdk.webhooks import DHAKA, PaymentNotification

from ._support import aws_verifier, body, signer, vector

WALLET = "8801700000001"
PAYMENT = {
    "dateTime": "20180419122246",
    "debitMSISDN": WALLET,
    "creditOrganizationName": "Org 01",
    "creditShortCode": "01929918***",
    "trxID": "4J420ANOXC",
    "transactionStatus": "Completed",
    "transactionType": "10002294",
    "amount": "100.50",
    "currency": "BDT",
    "transactionReference": "Test_Payment",
    "merchantInvoiceNumber": "orderId1233",
    "newField": "kept",
}


def _payment(payload: object) -> PaymentNotification:
    envelope = signer().envelope(message=json.dumps(payload))
    return signer().verifier().verify(body(envelope)).payment()


def test_payment_fields_are_typed() -> None:
    payment = _payment(PAYMENT)
    assert payment.trx_id == "4J420ANOXC"
    assert payment.amount == Decimal("100.50")
    assert payment.currency == "BDT"
    assert payment.date_time == datetime(2018, 4, 19, 12, 22, 46, tzinfo=DHAKA)
    assert payment.date_time == datetime(2018, 4, 19, 6, 22, 46, tzinfo=UTC)
    assert payment.merchant_invoice_number == "orderId1233"
    assert payment.transaction_type == "10002294"
    assert payment.transaction_status == "Completed"
    assert payment.transaction_reference == "Test_Payment"
    assert payment.credit_short_code == "01929918***"
    assert payment.credit_organization_name == "Org 01"
    assert payment.debit_msisdn == "01700000001"  # normalised to the local form
    assert payment.coupon_amount is None
    assert payment.model_extra == {"newField": "kept"}


def test_coupon_fields_are_decimals() -> None:
    payment = _payment(
        PAYMENT | {"couponAmount": "10", "merchantShareAmount": "5", "saleAmount": "110.5"}
    )
    assert (payment.coupon_amount, payment.merchant_share_amount, payment.sale_amount) == (
        Decimal(10),
        Decimal(5),
        Decimal("110.5"),
    )


def test_wallet_number_never_appears_in_repr_or_str() -> None:
    envelope = signer().envelope(message=json.dumps(PAYMENT | {"otherWallet": "01712345678"}))
    message = signer().verifier().verify(body(envelope))
    payment = message.payment()
    for text in (repr(payment), str(payment), repr(message), str(message)):
        assert "01700000001" not in text
        assert "01712345678" not in text
    assert "*" * 8 + "001" in repr(payment)


def test_confirmation_token_is_not_in_repr() -> None:
    envelope = signer().envelope("SubscriptionConfirmation")
    message = signer().verifier().verify(body(envelope))
    assert envelope["Token"] not in repr(message)


@pytest.mark.parametrize(
    "payload",
    [
        "Hello world",
        [],
        {},
        PAYMENT | {"amount": "abc"},
        PAYMENT | {"amount": "NaN"},
        PAYMENT | {"amount": "Infinity"},
        PAYMENT | {"dateTime": "20181399122246"},
        PAYMENT | {"dateTime": 20180419122246},
        {k: v for k, v in PAYMENT.items() if k != "trxID"},
    ],
)
def test_a_message_that_is_not_a_payment_is_refused_clearly(payload: object) -> None:
    text = payload if isinstance(payload, str) else json.dumps(payload)
    message = signer().verifier().verify(body(signer().envelope(message=text)))
    with pytest.raises(SignatureVerificationError, match="not a bKash payment") as info:
        message.payment()
    assert WALLET not in str(info.value)


def test_a_confirmation_carries_no_payment() -> None:
    message = signer().verifier().verify(body(signer().envelope("SubscriptionConfirmation")))
    with pytest.raises(SignatureVerificationError, match="no payment"):
        message.payment()


def test_the_real_aws_vector_message_is_not_a_payment() -> None:
    data = vector("notification-sigv1.json")
    with pytest.raises(SignatureVerificationError):
        aws_verifier(data).verify(json.dumps(data)).payment()
