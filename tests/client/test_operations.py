"""Every operation, sync and async: the exact request bKash receives and the typed answer."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest

from bkash_sdk.models import (
    Agreement,
    AgreementCancellation,
    AgreementDetails,
    AgreementExecution,
    BkashModel,
    Payment,
    PaymentConfirmation,
    PaymentExecution,
    PaymentStatus,
    Refund,
    RefundStatus,
    Transaction,
    TransactionStatus,
)
from tests import canaries
from tests.client._wire import (
    AGREEMENT_ID,
    CALLBACK,
    PAYMENT_ID,
    TRX_ID,
    Wire,
    body,
    created,
    executed,
    now_bkash,
    ok,
    queried,
    refund_record,
)

AGREEMENT_LINKS = {
    "paymentID": "TR0000YT1637238277429",
    "bkashURL": "https://sandbox.payment.bkash.com/?paymentId=TR0000YT1637238277429&mode=0000",
    "callbackURL": CALLBACK,
    "payerReference": "01770618575",
    "agreementStatus": "Initiated",
    "agreementCreateTime": "2021-11-18T18:24:37:429 GMT+0600",
}
REFUND_V1 = {
    "originalTrxID": TRX_ID,
    "refundTrxID": "8KN0056RMK",
    "transactionStatus": "Completed",
    "amount": "100.00",
    "currency": "BDT",
    "charge": "0.00",
    "completedTime": "2021-11-24T00:41:23:000 GMT+0600",
}

# name, invoke, route, expected request body, answer, expected result type
Case = tuple[str, Callable[[Any], Any], str, dict[str, Any], httpx.Response, type[BkashModel]]
CASES: list[Case] = [
    (
        "payments.create",
        lambda c: c.payments.create(
            amount=Decimal("599"), merchant_invoice_number="INV-42-1", payer_reference="cust-42"
        ),
        "create",
        {
            "mode": "0011",
            "payerReference": "cust-42",
            "callbackURL": CALLBACK,
            "amount": "599.00",
            "currency": "BDT",
            "intent": "sale",
            "merchantInvoiceNumber": "INV-42-1",
        },
        created(),
        Payment,
    ),
    (
        "payments.create with an agreement",
        lambda c: c.payments.create(
            amount=Decimal("10.5"),
            merchant_invoice_number="INV-7",
            agreement_id=AGREEMENT_ID,
            intent="authorization",
            callback_url="https://shop.example/cb?order=7",
            merchant_association_info="MI05MID54RF09123456One",
        ),
        "create",
        {
            "mode": "0001",
            "callbackURL": "https://shop.example/cb?order=7",
            "amount": "10.50",
            "currency": "BDT",
            "intent": "authorization",
            "merchantInvoiceNumber": "INV-7",
            "agreementID": AGREEMENT_ID,
            "merchantAssociationInfo": "MI05MID54RF09123456One",
        },
        created(agreementID=AGREEMENT_ID),
        Payment,
    ),
    (
        "payments.execute",
        lambda c: c.payments.execute(PAYMENT_ID),
        "execute",
        {"paymentID": PAYMENT_ID},
        executed(),
        PaymentExecution,
    ),
    (
        "payments.query",
        lambda c: c.payments.query(PAYMENT_ID),
        "query",
        {"paymentID": PAYMENT_ID},
        queried(),
        PaymentStatus,
    ),
    (
        "payments.capture",
        lambda c: c.payments.capture(PAYMENT_ID),
        "capture",
        {"paymentID": PAYMENT_ID},
        ok(paymentId=PAYMENT_ID, trxID=TRX_ID, transactionStatus="Completed"),
        PaymentConfirmation,
    ),
    (
        "payments.void",
        lambda c: c.payments.void(PAYMENT_ID),
        "void",
        {"paymentID": PAYMENT_ID},
        ok(paymentId=PAYMENT_ID, trxID=TRX_ID, transactionStatus="Cancelled"),
        PaymentConfirmation,
    ),
    (
        "transactions.search",
        lambda c: c.transactions.search(TRX_ID),
        "search",
        {"trxID": TRX_ID},
        ok(
            trxID=TRX_ID,
            initiationTime="2021-11-24T23:10:02:000 GMT+0600",
            completedTime="2021-11-24T23:10:02:000 GMT+0600",
            transactionType="bKash Tokenized Checkout via API",
            customerMsisdn="8801770618575",
            transactionStatus="Completed",
            amount="15",
            currency="BDT",
            organizationShortCode="50011",
        ),
        Transaction,
    ),
    (
        "refunds.create (v2)",
        lambda c: c.refunds.create(
            payment_id=PAYMENT_ID, trx_id=TRX_ID, amount=Decimal("100"), sku="plus", reason="r"
        ),
        "refund_v2",
        {
            "paymentId": PAYMENT_ID,
            "trxId": TRX_ID,
            "refundAmount": "100.00",
            "sku": "plus",
            "reason": "r",
        },
        httpx.Response(
            200,
            json={
                "originalTrxId": TRX_ID,
                "refundTrxId": "BFD90JRLST",
                "refundTransactionStatus": "Completed",
                "originalTrxAmount": "599.00",
                "refundAmount": "100.00",
                "currency": "BDT",
                "completedTime": now_bkash(),
                "sku": "plus",
                "reason": "r",
            },
        ),
        Refund,
    ),
    (
        "refunds.create (v1)",
        lambda c: c.refunds.create(
            payment_id=PAYMENT_ID,
            trx_id=TRX_ID,
            amount=Decimal("100"),
            sku="plus",
            reason="r",
            api="v1",
        ),
        "refund_v1",
        {
            "paymentID": PAYMENT_ID,
            "trxID": TRX_ID,
            "amount": "100.00",
            "sku": "plus",
            "reason": "r",
        },
        ok(**REFUND_V1),
        Refund,
    ),
    (
        "refunds.status (v2)",
        lambda c: c.refunds.status(payment_id=PAYMENT_ID, trx_id=TRX_ID),
        "refund_status_v2",
        {"paymentId": PAYMENT_ID, "trxId": TRX_ID},
        httpx.Response(
            200,
            json={
                "originalTrxId": TRX_ID,
                "originalTrxAmount": "599.00",
                "originalTrxCompletedTime": "2024-06-13T16:20:00:000",
                "refundTransactions": [refund_record()],
            },
        ),
        RefundStatus,
    ),
    (
        "refunds.status (v1)",
        lambda c: c.refunds.status(payment_id=PAYMENT_ID, trx_id=TRX_ID, api="v1"),
        "refund_v1",
        {"paymentID": PAYMENT_ID, "trxID": TRX_ID},
        ok(**REFUND_V1),
        RefundStatus,
    ),
    (
        "agreements.create",
        lambda c: c.agreements.create(payer_reference="01770618575"),
        "create",
        {"mode": "0000", "payerReference": "01770618575", "callbackURL": CALLBACK},
        ok(**AGREEMENT_LINKS),
        Agreement,
    ),
    (
        "agreements.execute",
        lambda c: c.agreements.execute("TR0000YT1637238277429"),
        "execute",
        {"paymentID": "TR0000YT1637238277429"},
        ok(
            paymentID="TR0000YT1637238277429",
            agreementID=AGREEMENT_ID,
            payerReference="01770618575",
            customerMsisdn="01770618575",
            agreementExecuteTime="2021-11-18T18:25:01:000 GMT+0600",
            agreementStatus="Completed",
        ),
        AgreementExecution,
    ),
    (
        "agreements.query",
        lambda c: c.agreements.query(AGREEMENT_ID),
        "agreement_status",
        {"agreementID": AGREEMENT_ID},
        ok(
            agreementID=AGREEMENT_ID, paymentID="TR0000YT1637238277429", agreementStatus="Completed"
        ),
        AgreementDetails,
    ),
    (
        "agreements.cancel",
        lambda c: c.agreements.cancel(AGREEMENT_ID),
        "agreement_cancel",
        {"agreementID": AGREEMENT_ID},
        ok(
            agreementID=AGREEMENT_ID,
            paymentID="TR0000YT1637238277429",
            agreementStatus="Cancelled",
            agreementVoidTime="2021-11-19T10:00:00:000 GMT+0600",
        ),
        AgreementCancellation,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_request_and_answer(wire: Wire, case: Case) -> None:
    _, invoke, route, expected_body, answer, result_type = case
    wire[route].mock(return_value=answer)

    result = wire.call(invoke)

    assert wire[route].call_count == 1
    assert wire.calls == 1  # never a query or anything else after a normal answer
    request = wire[route].calls.last.request
    assert body(request) == expected_body
    assert request.headers["Authorization"] == canaries.ID_TOKEN  # raw, no "Bearer"
    assert request.headers["X-APP-Key"] == canaries.APP_KEY
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Accept"] == "application/json"
    assert isinstance(result, result_type)
    assert result.request_id == request.headers["X-Request-ID"]


def test_created_payment_fields(wire: Wire) -> None:
    wire["create"].mock(return_value=created())
    payment = wire.call(
        lambda c: c.payments.create(
            amount=Decimal("599.00"), merchant_invoice_number="INV-42-1", payer_reference="cust-42"
        )
    )
    assert payment.payment_id == PAYMENT_ID
    assert payment.bkash_url.startswith("https://sandbox.payment.bkash.com/")
    assert payment.transaction_status is TransactionStatus.INITIATED
    assert payment.amount == Decimal("599.00")


def test_executed_payment_fields(wire: Wire) -> None:
    wire["execute"].mock(return_value=executed())
    done = wire.call(lambda c: c.payments.execute(PAYMENT_ID))
    assert (done.trx_id, done.transaction_status, done.amount) == (
        TRX_ID,
        TransactionStatus.COMPLETED,
        Decimal("599.00"),
    )
    assert done.reconciled is False


def test_refund_status_lists_records(wire: Wire) -> None:
    wire["refund_status_v2"].mock(
        return_value=httpx.Response(
            200,
            json={
                "originalTrxId": TRX_ID,
                "refundTransactions": [refund_record("100.00"), refund_record("50.00")],
            },
        )
    )
    status = wire.call(lambda c: c.refunds.status(payment_id=PAYMENT_ID, trx_id=TRX_ID))
    assert [r.amount for r in status.refunds] == [Decimal("100.00"), Decimal("50.00")]
    assert status.refunded_amount == Decimal("150.00")


def test_configured_callback_url_is_used_and_explicit_one_wins(wire: Wire) -> None:
    wire["create"].mock(return_value=created())
    wire.call(
        lambda c: c.payments.create(
            amount=Decimal(1), merchant_invoice_number="I", payer_reference="p"
        )
    )
    assert body(wire["create"].calls.last.request)["callbackURL"] == CALLBACK
    wire.call(
        lambda c: c.payments.create(
            amount=Decimal(1),
            merchant_invoice_number="I",
            payer_reference="p",
            callback_url="https://other.example/cb",
        )
    )
    assert body(wire["create"].calls.last.request)["callbackURL"] == "https://other.example/cb"
