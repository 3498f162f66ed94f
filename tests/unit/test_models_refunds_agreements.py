"""Search, refund and agreement answers."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest

from bkash_sdk.models import (
    DHAKA_TZ,
    Agreement,
    AgreementCancellation,
    AgreementDetails,
    AgreementExecution,
    AgreementStatus,
    Refund,
    RefundStatus,
    RefundTransactionStatus,
    Transaction,
)
from tests.unit.test_models_payments import bkash_time

SEARCH_PAYMENT_2021: dict[str, Any] = {
    "trxID": "8KN0056RMK",
    "initiationTime": "2021-11-24T00:12:05:000 GMT+0600",
    "completedTime": "2021-11-24T00:12:05:000 GMT+0600",
    "transactionType": "bKash Tokenized Checkout via API",
    "customerMsisdn": "8801770618575",
    "transactionStatus": "Completed",
    "amount": "20",
    "currency": "BDT",
    "organizationShortCode": "50011",
    "statusCode": "0000",
    "statusMessage": "Successful",
}

SEARCH_REFUND_2021: dict[str, Any] = {
    "trxID": "8KO0056S9W",
    "initiationTime": "2021-11-25T15:01:00:000 GMT+0600",
    "completedTime": "2021-11-25T15:01:00:000 GMT+0600",
    "transactionType": "bKash Checkout Reversal via API",
    "customerMsisdn": "01770618575",
    "transactionStatus": "Completed",
    "amount": "5",
    "currency": "BDT",
    "organizationShortCode": "50011",
    "originalTrxAmount": "20",
    "statusCode": "0000",
    "statusMessage": "Successful",
}

SEARCH_FULL: dict[str, Any] = {
    "trxID": "CK250NROQ5",
    "initiationTime": "2025-11-02T14:30:11:000 GMT+0600",
    "completedTime": "2025-11-02T14:30:12:000 GMT+0600",
    "transactionType": "bKash Tokenized Checkout via API",
    "customerMsisdn": "01619777283",
    "payerAccount": "01619777283",
    "payerType": "Customer",
    "transactionStatus": "Completed",
    "amount": "599.00",
    "currency": "BDT",
    "organizationShortCode": "50022",
    "serviceFee": "8.39",
    "creditedAmount": "590.61",
    "maxRefundableAmount": "599.00",
    "transactionReference": "cust-42",
    "saleAmount": "650.00",
    "couponAmount": "51.00",
    "merchantShareAmount": "0.00",
    "statusCode": "0000",
    "statusMessage": "Successful",
}

REFUND_V1: dict[str, Any] = {
    "statusCode": "0000",
    "statusMessage": "Successful",
    "originalTrxID": "8KN0056RMK",
    "refundTrxID": "8KO0056S9W",
    "transactionStatus": "Completed",
    "amount": "5",
    "currency": "BDT",
    "charge": "0.00",
    "completedTime": "2021-11-24T00:20:11:000 GMT+0600",
}

REFUND_V2: dict[str, Any] = {
    "originalTrxId": "CK250NROQ5",
    "refundTrxId": "BFD90JRLST",
    "refundTransactionStatus": "Completed",
    "originalTrxAmount": "599.00",
    "refundAmount": "100.00",
    "currency": "BDT",
    "completedTime": "2024-06-13T16:27:24:000",
    "sku": "plus",
    "reason": "customer request",
}

REFUND_STATUS_V2: dict[str, Any] = {
    "originalTrxId": "CK250NROQ5",
    "originalTrxAmount": "599.00",
    "originalTrxCompletedTime": "2025-11-02T14:30:12:378 GMT+0600",
    "refundTransactions": [
        {
            "refundTrxId": "BFD90JRLST",
            "refundTransactionStatus": "Completed",
            "refundAmount": "100.00",
            "completedTime": "2024-06-13T16:27:24:000",
        },
        {
            "refundTrxId": "6H7801QFYM",
            "refundTransactionStatus": "Pending",
            "refundAmount": "50",
            "completedTime": "2024-06-13T16:30:00:000",
        },
    ],
}

AGREEMENT_CREATE: dict[str, Any] = {
    "statusCode": "0000",
    "statusMessage": "Successful",
    "paymentID": "TR0000YT1637238277429",
    "bkashURL": "https://sandbox.payment.bkash.com/?paymentId=TR0000YT1637238277429&hash=x&mode=0000&apiVersion=v1.2.0-beta/",
    "callbackURL": "https://shop.example/agreement",
    "successCallbackURL": "https://shop.example/agreement?paymentID=TR0000YT1637238277429&status=success",
    "failureCallbackURL": "https://shop.example/agreement?paymentID=TR0000YT1637238277429&status=failure",
    "cancelledCallbackURL": "https://shop.example/agreement?paymentID=TR0000YT1637238277429&status=cancel",
    "payerReference": "01770618575",
    "agreementStatus": "Initiated",
    "agreementCreateTime": "2021-11-18T18:24:37:429 GMT+0600",
}

AGREEMENT_EXECUTE: dict[str, Any] = {
    "paymentID": "TR0000YT1637238277429",
    "agreementID": "TokenizedMerchant01L3IKB6H1565072174986",
    "payerReference": "01770618575",
    "customerMsisdn": "8801770618575",
    "agreementExecuteTime": "2021-11-18T18:25:40:001 GMT+0600",
    "agreementStatus": "Completed",
    "statusCode": "0000",
    "statusMessage": "Successful",
}

AGREEMENT_STATUS_2021: dict[str, Any] = {
    "paymentID": "TR0000YT1637238277429",
    "agreementID": "TokenizedMerchant01L3IKB6H1565072174986",
    "payerReference": "01770618575",
    "customerMsisdn": "01770618575",
    "agreementCreateTime": "2021-11-18T18:24:37:429 GMT+0600",
    "agreementExecuteTime": "2021-11-18T18:25:40:001 GMT+0600",
    "agreementStatus": "Completed",
    "statusMessage": "Successful",
    "statusCode": "0000",
}

AGREEMENT_CANCEL: dict[str, Any] = {
    "statusCode": "0000",
    "statusMessage": "Successful",
    "paymentID": "TR0000YT1637238277429",
    "agreementID": "TokenizedMerchant01L3IKB6H1565072174986",
    "payerReference": "01770618575",
    "agreementVoidTime": "2021-11-25T10:00:00:000 GMT+0600",
    "agreementStatus": "Cancelled",
}


def test_search_payment_2021_shape() -> None:
    trx = Transaction.model_validate(SEARCH_PAYMENT_2021)
    assert trx.trx_id == "8KN0056RMK"
    assert trx.customer_msisdn == "01770618575"
    assert trx.initiation_time == bkash_time("2021-11-24T00:12:05:000")
    assert trx.completed_time == trx.initiation_time
    assert trx.transaction_type == "bKash Tokenized Checkout via API"
    assert trx.organization_short_code == "50011"
    assert trx.amount == Decimal(20)
    assert trx.service_fee is None


def test_search_refund_transaction() -> None:
    trx = Transaction.model_validate(SEARCH_REFUND_2021)
    assert trx.transaction_type == "bKash Checkout Reversal via API"
    assert trx.original_trx_amount == Decimal(20)
    assert trx.amount == Decimal(5)


def test_search_every_optional_field() -> None:
    trx = Transaction.model_validate(SEARCH_FULL)
    assert trx.payer_account == "01619777283"
    assert trx.payer_type == "Customer"
    assert trx.service_fee == Decimal("8.39")
    assert trx.credited_amount == Decimal("590.61")
    assert trx.max_refundable_amount == Decimal("599.00")
    assert trx.transaction_reference == "cust-42"
    assert trx.sale_amount == Decimal("650.00")
    assert trx.coupon_amount == Decimal("51.00")
    assert trx.merchant_share_amount == Decimal("0.00")
    assert (
        Transaction.model_validate({**SEARCH_FULL, "organizationShortCode": 50022}).model_dump()[
            "organization_short_code"
        ]
        == "50022"
    )


def test_refund_v1() -> None:
    refund = Refund.model_validate(REFUND_V1)
    assert refund.refund_trx_id == "8KO0056S9W"
    assert refund.original_trx_id == "8KN0056RMK"
    assert refund.transaction_status is RefundTransactionStatus.COMPLETED
    assert refund.amount == Decimal(5)
    assert refund.currency == "BDT"
    assert refund.charge == Decimal("0.00")
    assert refund.completed_time == bkash_time("2021-11-24T00:20:11:000")
    assert refund.sku is None
    assert refund.succeeded


def test_refund_v2_without_status_code() -> None:
    refund = Refund.model_validate(REFUND_V2)
    assert refund.status_code is None
    assert refund.refund_trx_id == "BFD90JRLST"
    assert refund.original_trx_id == "CK250NROQ5"
    assert refund.transaction_status is RefundTransactionStatus.COMPLETED
    assert refund.original_trx_amount == Decimal("599.00")
    assert refund.amount == Decimal("100.00")
    assert refund.completed_time == datetime(2024, 6, 13, 16, 27, 24, tzinfo=DHAKA_TZ)
    assert refund.sku == "plus"
    assert refund.reason == "customer request"
    assert refund.succeeded


@pytest.mark.parametrize("status", ["Pending", "Failed", "Initiated", "Reversal Queued"])
def test_refund_succeeds_only_when_completed(status: str) -> None:
    assert not Refund.model_validate({**REFUND_V2, "refundTransactionStatus": status}).succeeded
    assert not Refund.model_validate(
        {k: v for k, v in REFUND_V2.items() if "Status" not in k}
    ).succeeded


def test_refund_status_v2() -> None:
    state = RefundStatus.model_validate(REFUND_STATUS_V2)
    assert state.original_trx_id == "CK250NROQ5"
    assert state.original_trx_amount == Decimal("599.00")
    assert state.original_trx_completed_time == bkash_time("2025-11-02T14:30:12:378")
    assert [r.refund_trx_id for r in state.refunds] == ["BFD90JRLST", "6H7801QFYM"]
    assert all(isinstance(r, Refund) for r in state.refunds)
    assert state.refunds[0].succeeded
    assert state.refunds[1].transaction_status is RefundTransactionStatus.PENDING
    assert state.refunds[1].amount == Decimal(50)
    assert state.refunded_amount == Decimal("100.00")


def test_refund_status_without_refunds() -> None:
    assert (
        RefundStatus.model_validate({"originalTrxId": "A", "refundTransactions": None}).refunds
        == []
    )
    assert RefundStatus.model_validate({"originalTrxId": "A"}).refunds == []


def test_refund_status_from_v1_record() -> None:
    refund = Refund.model_validate(REFUND_V1).model_copy(update={"request_id": "req-9"})
    state = RefundStatus.from_refund(refund)
    assert state.refunds == [refund]
    assert state.original_trx_id == "8KN0056RMK"
    assert state.status_code == "0000"
    assert state.request_id == "req-9"
    assert state.refunded_amount == Decimal(5)


def test_agreement_create() -> None:
    agreement = Agreement.model_validate(AGREEMENT_CREATE)
    assert agreement.payment_id == "TR0000YT1637238277429"
    assert agreement.bkash_url == AGREEMENT_CREATE["bkashURL"]
    assert agreement.callback_url == "https://shop.example/agreement"
    assert agreement.success_callback_url == AGREEMENT_CREATE["successCallbackURL"]
    assert agreement.payer_reference == "01770618575"
    assert agreement.agreement_status is AgreementStatus.INITIATED
    assert agreement.agreement_create_time == bkash_time("2021-11-18T18:24:37:429")


def test_agreement_execute() -> None:
    execution = AgreementExecution.model_validate(AGREEMENT_EXECUTE)
    assert execution.payment_id == "TR0000YT1637238277429"
    assert execution.agreement_id == "TokenizedMerchant01L3IKB6H1565072174986"
    assert execution.customer_msisdn == "01770618575"
    assert execution.agreement_execute_time == bkash_time("2021-11-18T18:25:40:001")
    assert execution.agreement_status is AgreementStatus.COMPLETED


def test_agreement_status_2021_with_status_code_last() -> None:
    details = AgreementDetails.model_validate(AGREEMENT_STATUS_2021)
    assert details.agreement_id == "TokenizedMerchant01L3IKB6H1565072174986"
    assert details.payment_id == "TR0000YT1637238277429"
    assert details.agreement_status is AgreementStatus.COMPLETED
    assert details.agreement_void_time is None
    assert details.customer_msisdn == "01770618575"
    assert details.status_code == "0000"


def test_agreement_cancel() -> None:
    cancelled = AgreementCancellation.model_validate(AGREEMENT_CANCEL)
    assert cancelled.agreement_status is AgreementStatus.CANCELLED
    assert cancelled.agreement_void_time == bkash_time("2021-11-25T10:00:00:000")
    assert cancelled.agreement_id == "TokenizedMerchant01L3IKB6H1565072174986"
    assert cancelled.payment_id == "TR0000YT1637238277429"
