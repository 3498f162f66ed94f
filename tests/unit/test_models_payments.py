"""Payment answers: create, execute, query, capture and void."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from bkash_sdk.models import (
    DHAKA_TZ,
    AgreementStatus,
    Payment,
    PaymentConfirmation,
    PaymentExecution,
    PaymentStatus,
    TransactionStatus,
    VerificationStatus,
)

SIX = timedelta(hours=6)
CREATE_2025: dict[str, Any] = {
    "paymentID": "TR0011aBcD3fG1762072142166",
    "bkashURL": "https://sandbox.payment.bkash.com/?paymentId=TR0011aBcD3fG1762072142166&hash=<opaque>&mode=0011&apiVersion=v1.2.0-beta/",
    "callbackURL": "https://shop.example/bkash/cb?order=42",
    "successCallbackURL": "https://shop.example/bkash/cb?order=42&paymentID=TR0011aBcD3fG1762072142166&status=success&signature=Xy12AbCdEf",
    "failureCallbackURL": "https://shop.example/bkash/cb?order=42&paymentID=TR0011aBcD3fG1762072142166&status=failure&signature=Xy12AbCdEf",
    "cancelledCallbackURL": "https://shop.example/bkash/cb?order=42&paymentID=TR0011aBcD3fG1762072142166&status=cancel&signature=Xy12AbCdEf",
    "amount": "599.00",
    "intent": "sale",
    "currency": "BDT",
    "paymentCreateTime": "2025-11-02T14:29:02:166 GMT+0600",
    "transactionStatus": "Initiated",
    "merchantInvoiceNumber": "INV-42-1",
    "statusCode": "0000",
    "statusMessage": "Successful",
}

CREATE_0001_2021: dict[str, Any] = {
    "paymentID": "TR0001xt7mXxG1718274354990",
    "agreementID": "TokenizedMerchant01L3IKB6H1565072174986",
    "bkashURL": "https://sandbox.payment.bkash.com/redirect/tokenized/?paymentID=TR0001xt7mXxG1718274354990&hash=abc&mode=0001&apiVersion=v1.2.0-beta",
    "callbackURL": "https://shop.example/cb",
    "successCallbackURL": "https://shop.example/cb?paymentID=TR0001xt7mXxG1718274354990&status=success",
    "failureCallbackURL": "https://shop.example/cb?paymentID=TR0001xt7mXxG1718274354990&status=failure",
    "cancelledCallbackURL": "https://shop.example/cb?paymentID=TR0001xt7mXxG1718274354990&status=cancel",
    "amount": "100",
    "intent": "sale",
    "currency": "BDT",
    "paymentCreateTime": "2021-11-19T17:58:58:123 GMT+0600",
    "transactionStatus": "Initiated",
    "merchantInvoiceNumber": "Inv0124",
    "statusCode": "0000",
    "statusMessage": "Successful",
}

EXECUTE_2025: dict[str, Any] = {
    "paymentID": "TR0011aBcD3fG1762072142166",
    "trxID": "CK250NROQ5",
    "transactionStatus": "Completed",
    "amount": "599.00",
    "currency": "BDT",
    "intent": "sale",
    "paymentExecuteTime": "2025-11-02T14:30:12:378 GMT+0600",
    "merchantInvoiceNumber": "INV-42-1",
    "payerType": "Customer",
    "payerReference": "cust-42",
    "customerMsisdn": "01619777283",
    "payerAccount": "01619777283",
    "maxRefundableAmount": "599.00",
    "statusCode": "0000",
    "statusMessage": "Successful",
}

EXECUTE_0001_2021: dict[str, Any] = {
    "paymentID": "TR0001xt7mXxG1718274354990",
    "agreementID": "TokenizedMerchant01L3IKB6H1565072174986",
    "payerReference": "01770618575",
    "customerMsisdn": "8801770618575",
    "trxID": "8KO0056S9W",
    "amount": "100",
    "transactionStatus": "Completed",
    "paymentExecuteTime": "2021-11-19T18:44:02:000 GMT+0600",
    "currency": "BDT",
    "intent": "sale",
    "merchantInvoiceNumber": "Inv0124",
    "statusCode": "0000",
    "statusMessage": "Successful",
}

QUERY: dict[str, Any] = {
    "paymentID": "TR0011Ab1700000000123",
    "mode": "0011",
    "paymentCreateTime": "2024-03-10T10:00:01:123 GMT+0600",
    "paymentExecuteTime": "2024-03-10T10:02:40:456 GMT+0600",
    "amount": "250",
    "currency": "BDT",
    "intent": "sale",
    "merchantInvoice": "INV-7781",
    "trxID": "BCD12EFG34",
    "transactionStatus": "Completed",
    "verificationStatus": "Complete",
    "statusCode": "0000",
    "statusMessage": "Successful",
    "payerReference": "cust-7781",
}

QUERY_VERIFIED_NOT_EXECUTED_2021: dict[str, Any] = {
    "paymentID": "TR0011QO1637322534482",
    "mode": "0011",
    "paymentCreateTime": "2021-11-19T17:58:58:000 GMT+0600",
    "amount": "10",
    "currency": "BDT",
    "intent": "sale",
    "merchantInvoice": "Inv0117",
    "transactionStatus": "Initiated",
    "verificationStatus": "Complete",
    "payerReference": "01770618575",
    "statusCode": "0000",
    "statusMessage": "Successful",
}

QUERY_AGREEMENT_MODE: dict[str, Any] = {
    "paymentID": "TR0000YT1637238277429",
    "agreementID": "TokenizedMerchant01L3IKB6H1565072174986",
    "payerReference": "01770618575",
    "payerAccount": "8801770618575",
    "payerType": "Customer",
    "agreementStatus": "Completed",
    "agreementCreateTime": "2021-11-18T18:24:37:429 GMT+0600",
    "agreementExecuteTime": "2021-11-18T18:25:40:001 GMT+0600",
    "mode": "0000",
    "userVerificationStatus": "Complete",
    "statusCode": "0000",
    "statusMessage": "Successful",
}

CAPTURE: dict[str, Any] = {
    "statusCode": "0000",
    "statusMessage": "Successful",
    "paymentId": "TR0011aBcD3fG1762072142166",
    "createTime": "2025-11-02T14:29:02:166 GMT+0600",
    "updateTime": "2025-11-02T15:00:00:000 GMT+0600",
    "trxID": "CK250NROQ5",
    "transactionStatus": "Completed",
    "amount": "599.00",
    "currency": "BDT",
    "intent": "authorization",
    "merchantInvoiceNumber": "INV-42-1",
}


def bkash_time(text: str) -> datetime:
    """The Dhaka-time datetime of a zone-less timestamp like ``2025-11-02T14:29:02:166``."""
    day, time = text.split("T")
    hms, ms = time.rsplit(":", 1)
    return datetime.fromisoformat(f"{day}T{hms}.{ms}").replace(tzinfo=DHAKA_TZ)


def test_payment_create_2025() -> None:
    payment = Payment.model_validate(CREATE_2025)
    assert payment.payment_id == "TR0011aBcD3fG1762072142166"
    assert payment.bkash_url == CREATE_2025["bkashURL"]
    assert payment.callback_url == "https://shop.example/bkash/cb?order=42"
    assert payment.success_callback_url == CREATE_2025["successCallbackURL"]
    assert payment.failure_callback_url == CREATE_2025["failureCallbackURL"]
    assert payment.cancelled_callback_url == CREATE_2025["cancelledCallbackURL"]
    assert payment.amount == Decimal("599.00")
    assert isinstance(payment.amount, Decimal)
    assert payment.currency == "BDT"
    assert payment.intent == "sale"
    assert payment.payment_create_time == bkash_time("2025-11-02T14:29:02:166")
    assert payment.payment_create_time is not None
    assert payment.payment_create_time.utcoffset() == SIX
    assert payment.transaction_status is TransactionStatus.INITIATED
    assert payment.merchant_invoice_number == "INV-42-1"
    assert payment.agreement_id is None
    assert payment.status_code == "0000"
    assert payment.status_message == "Successful"
    assert payment.request_id is None
    assert payment.model_extra == {}


def test_payment_create_with_agreement() -> None:
    payment = Payment.model_validate(CREATE_0001_2021)
    assert payment.agreement_id == "TokenizedMerchant01L3IKB6H1565072174986"
    assert payment.amount == Decimal(100)


def test_payment_execution_2025() -> None:
    done = PaymentExecution.model_validate(EXECUTE_2025)
    assert done.payment_id == "TR0011aBcD3fG1762072142166"
    assert done.trx_id == "CK250NROQ5"
    assert done.transaction_status is TransactionStatus.COMPLETED
    assert done.amount == Decimal("599.00")
    assert done.currency == "BDT"
    assert done.intent == "sale"
    assert done.payment_execute_time == bkash_time("2025-11-02T14:30:12:378")
    assert done.merchant_invoice_number == "INV-42-1"
    assert done.payer_type == "Customer"
    assert done.payer_reference == "cust-42"
    assert done.customer_msisdn == "01619777283"
    assert done.payer_account == "01619777283"
    assert done.max_refundable_amount == Decimal("599.00")
    assert done.reconciled is False


def test_payment_execution_2021_with_agreement_normalises_msisdn() -> None:
    done = PaymentExecution.model_validate(EXECUTE_0001_2021)
    assert done.customer_msisdn == "01770618575"
    assert done.agreement_id == "TokenizedMerchant01L3IKB6H1565072174986"
    assert done.trx_id == "8KO0056S9W"


def test_payment_status_query() -> None:
    state = PaymentStatus.model_validate(QUERY)
    assert state.payment_id == "TR0011Ab1700000000123"
    assert state.mode == "0011"
    assert state.payment_create_time == bkash_time("2024-03-10T10:00:01:123")
    assert state.payment_execute_time == bkash_time("2024-03-10T10:02:40:456")
    assert state.amount == Decimal(250)
    assert state.merchant_invoice_number == "INV-7781"
    assert state.trx_id == "BCD12EFG34"
    assert state.transaction_status is TransactionStatus.COMPLETED
    assert state.verification_status is VerificationStatus.COMPLETE
    assert state.payer_reference == "cust-7781"
    assert state.model_extra == {}


def test_payment_status_before_execute_lacks_trx_id() -> None:
    state = PaymentStatus.model_validate(QUERY_VERIFIED_NOT_EXECUTED_2021)
    assert state.trx_id is None
    assert state.payment_execute_time is None
    assert state.transaction_status is TransactionStatus.INITIATED
    assert state.verification_status is VerificationStatus.COMPLETE


def test_payment_status_of_an_agreement_payment_id() -> None:
    state = PaymentStatus.model_validate(QUERY_AGREEMENT_MODE)
    assert state.agreement_status is AgreementStatus.COMPLETED
    assert state.verification_status is VerificationStatus.COMPLETE
    assert state.payer_account == "01770618575"
    assert state.agreement_execute_time == bkash_time("2021-11-18T18:25:40:001")
    assert state.transaction_status is None


def test_merchant_invoice_number_accepts_both_names() -> None:
    body = {**QUERY, "merchantInvoiceNumber": "INV-2"}
    del body["merchantInvoice"]
    assert PaymentStatus.model_validate(body).merchant_invoice_number == "INV-2"
    dumped = PaymentStatus.model_validate(QUERY).model_dump(by_alias=True, exclude_none=True)
    assert dumped["merchantInvoice"] == "INV-7781"


def test_execution_reconciled_from_status() -> None:
    state = PaymentStatus.model_validate(QUERY).model_copy(update={"request_id": "req-1"})
    done = PaymentExecution.from_status(state)
    assert isinstance(done, PaymentExecution)
    assert done.reconciled is True
    assert done.payment_id == state.payment_id
    assert done.trx_id == "BCD12EFG34"
    assert done.transaction_status is TransactionStatus.COMPLETED
    assert done.amount == Decimal(250)
    assert done.merchant_invoice_number == "INV-7781"
    assert done.payment_execute_time == state.payment_execute_time
    assert done.request_id == "req-1"
    assert done.status_code == "0000"


def test_capture_accepts_lower_case_payment_id() -> None:
    confirmation = PaymentConfirmation.model_validate(CAPTURE)
    assert confirmation.payment_id == "TR0011aBcD3fG1762072142166"
    assert confirmation.create_time == bkash_time("2025-11-02T14:29:02:166")
    assert confirmation.update_time == bkash_time("2025-11-02T15:00:00:000")
    assert confirmation.trx_id == "CK250NROQ5"
    assert confirmation.transaction_status is TransactionStatus.COMPLETED
    assert confirmation.amount == Decimal("599.00")
    assert confirmation.intent == "authorization"
    assert confirmation.merchant_invoice_number == "INV-42-1"
    upper = PaymentConfirmation.model_validate({"paymentID": "TR1", "transactionStatus": "x"})
    assert upper.payment_id == "TR1"


def test_confirmation_reconciled_from_status() -> None:
    state = PaymentStatus.model_validate({**QUERY, "transactionStatus": "Cancelled"})
    confirmation = PaymentConfirmation.from_status(state)
    assert confirmation.reconciled is True
    assert confirmation.transaction_status is TransactionStatus.CANCELLED
    assert confirmation.create_time == state.payment_create_time
    assert confirmation.payment_id == state.payment_id
