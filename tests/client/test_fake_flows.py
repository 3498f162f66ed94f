"""End to end through FakeBkash's in-process transport: the flows a merchant runs."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from bkash_sdk import AsyncBkashClient, BkashClient, PaymentState
from bkash_sdk.models import RefundTransactionStatus, TransactionStatus
from bkash_sdk.testing import Credentials, FakeBkash, Fault
from tests import canaries
from tests.client._wire import config

CALLBACK = "https://shop.example/bkash/callback?order=42"


def callback(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


@pytest.fixture
def fake() -> FakeBkash:
    return FakeBkash(
        credentials=[
            Credentials(canaries.APP_KEY, canaries.APP_SECRET, canaries.USERNAME, canaries.PASSWORD)
        ]
    )


@pytest.fixture
def client(fake: FakeBkash) -> BkashClient:
    settings = config(callback_url=CALLBACK, webhook_secret=canaries.WEBHOOK_SECRET, timeout=2.0)
    return BkashClient(settings, http_client=httpx.Client(transport=fake.transport()))


def pay(client: BkashClient, fake: FakeBkash, invoice: str, amount: str = "500") -> str:
    payment = client.payments.create(
        amount=Decimal(amount), merchant_invoice_number=invoice, payer_reference="01770618575"
    )
    assert payment.transaction_status is TransactionStatus.INITIATED
    return fake.approve(payment.payment_id)


def test_create_approve_finalize_confirms(client: BkashClient, fake: FakeBkash) -> None:
    redirect = pay(client, fake, "INV-1")
    params = callback(redirect)
    assert params["order"] == "42"  # the merchant's own parameters come back
    outcome = client.checkout.finalize(
        params, expected_amount=Decimal("500.00"), merchant_invoice_number="INV-1"
    )
    assert outcome.state is PaymentState.CONFIRMED
    again = client.checkout.finalize(
        params, expected_amount=Decimal("500.00"), merchant_invoice_number="INV-1"
    )
    assert again == outcome
    assert fake.count("execute") == 1
    assert fake.count("query") == 0
    assert outcome.trx_id is not None
    assert client.transactions.search(outcome.trx_id).amount == Decimal("500.00")


def test_failed_and_cancelled_pages_never_execute(client: BkashClient, fake: FakeBkash) -> None:
    for end, reason in ((fake.fail, "failed"), (fake.cancel, "cancelled")):
        payment = client.payments.create(
            amount=Decimal(10), merchant_invoice_number=f"INV-{reason}", payer_reference="p"
        )
        outcome = client.checkout.finalize(
            callback(end(payment.payment_id)),
            expected_amount=Decimal(10),
            merchant_invoice_number=f"INV-{reason}",
        )
        assert (outcome.state, outcome.reason) == (PaymentState.FAILED, reason)
    assert fake.count("execute") == 0


def test_insufficient_balance_wallet(client: BkashClient, fake: FakeBkash) -> None:
    payment = client.payments.create(
        amount=Decimal(10), merchant_invoice_number="INV-poor", payer_reference="p"
    )
    redirect = fake.approve(payment.payment_id, wallet="01823074817")
    outcome = client.checkout.finalize(
        callback(redirect), expected_amount=Decimal(10), merchant_invoice_number="INV-poor"
    )
    assert outcome.state is PaymentState.FAILED
    assert fake.count("execute") == 0  # the page itself failed


def test_forged_success_for_an_unapproved_payment(client: BkashClient, fake: FakeBkash) -> None:
    payment = client.payments.create(
        amount=Decimal(10), merchant_invoice_number="INV-forged", payer_reference="p"
    )
    params = callback(payment.success_callback_url or "")
    outcome = client.checkout.finalize(
        params, expected_amount=Decimal(10), merchant_invoice_number="INV-forged"
    )
    assert (outcome.state, outcome.reason, outcome.code) == (
        PaymentState.FAILED,
        "not_approved",
        "2056",
    )


def test_execute_answer_lost_is_reconciled(client: BkashClient, fake: FakeBkash) -> None:
    params = callback(pay(client, fake, "INV-lost"))
    fake.inject("execute", Fault.reset(applied=True))
    outcome = client.checkout.finalize(
        params, expected_amount=Decimal(500), merchant_invoice_number="INV-lost"
    )
    assert outcome.state is PaymentState.CONFIRMED
    assert outcome.reconciled
    assert (fake.count("execute"), fake.count("query")) == (1, 1)


def test_repeat_execute_is_reconciled(client: BkashClient, fake: FakeBkash) -> None:
    payment_id = callback(pay(client, fake, "INV-twice"))["paymentID"]
    first = client.payments.execute(payment_id)
    second = client.payments.execute(payment_id)  # bKash answers 2117
    assert second.reconciled
    assert not first.reconciled
    assert second.trx_id == first.trx_id


def test_refunds_v2_and_status(client: BkashClient, fake: FakeBkash) -> None:
    params = callback(pay(client, fake, "INV-refund"))
    outcome = client.checkout.finalize(
        params, expected_amount=Decimal(500), merchant_invoice_number="INV-refund"
    )
    assert outcome.trx_id is not None
    refund = client.refunds.create(
        payment_id=outcome.payment_id,
        trx_id=outcome.trx_id,
        amount=Decimal(100),
        sku="plus",
        reason="customer request",
    )
    assert refund.transaction_status is RefundTransactionStatus.COMPLETED
    status = client.refunds.status(payment_id=outcome.payment_id, trx_id=outcome.trx_id)
    assert [r.refund_trx_id for r in status.refunds] == [refund.refund_trx_id]


def test_refund_answer_lost_adopts_the_record(client: BkashClient, fake: FakeBkash) -> None:
    params = callback(pay(client, fake, "INV-refund-lost"))
    outcome = client.checkout.finalize(
        params, expected_amount=Decimal(500), merchant_invoice_number="INV-refund-lost"
    )
    assert outcome.trx_id is not None
    fake.inject("refund_v2", Fault.reset(applied=True))
    refund = client.refunds.create(
        payment_id=outcome.payment_id,
        trx_id=outcome.trx_id,
        amount=Decimal(50),
        sku="s",
        reason="r",
    )
    assert refund.amount == Decimal(50)
    assert (fake.count("refund_v2"), fake.count("refund_status_v2")) == (1, 1)


def test_authorize_then_capture_or_void(client: BkashClient, fake: FakeBkash) -> None:
    statuses = []
    plans = (("INV-cap", 20, client.payments.capture), ("INV-void", 21, client.payments.void))
    for invoice, amount, settle in plans:  # distinct amounts: bKash refuses quick duplicates
        payment = client.payments.create(
            amount=Decimal(amount),
            merchant_invoice_number=invoice,
            payer_reference="p",
            intent="authorization",
        )
        outcome = client.checkout.finalize(
            callback(fake.approve(payment.payment_id)),
            expected_amount=Decimal(amount),
            merchant_invoice_number=invoice,
        )
        assert outcome.transaction_status == "Authorized"
        statuses.append(settle(payment.payment_id).transaction_status)
    assert statuses == [TransactionStatus.COMPLETED, TransactionStatus.CANCELLED]


def test_agreement_lifecycle_and_payment_with_it(client: BkashClient, fake: FakeBkash) -> None:
    agreement = client.agreements.create(payer_reference="01770618575")
    fake.approve(agreement.payment_id)
    executed = client.agreements.execute(agreement.payment_id)
    assert executed.agreement_id is not None
    assert client.agreements.query(executed.agreement_id).agreement_status == "Completed"
    payment = client.payments.create(
        amount=Decimal(30), merchant_invoice_number="INV-agr", agreement_id=executed.agreement_id
    )
    outcome = client.checkout.finalize(
        callback(fake.approve(payment.payment_id)),
        expected_amount=Decimal(30),
        merchant_invoice_number="INV-agr",
    )
    assert outcome.confirmed
    assert client.agreements.cancel(executed.agreement_id).agreement_status == "Cancelled"


def test_async_client_end_to_end(fake: FakeBkash) -> None:
    async def flow() -> PaymentState:
        async with AsyncBkashClient(
            config(callback_url=CALLBACK),
            http_client=httpx.AsyncClient(transport=fake.transport()),
        ) as client:
            payment = await client.payments.create(
                amount=Decimal(70), merchant_invoice_number="INV-async", payer_reference="p"
            )
            params = callback(fake.approve(payment.payment_id))
            outcomes = await asyncio.gather(
                *(
                    client.checkout.finalize(
                        params, expected_amount=Decimal(70), merchant_invoice_number="INV-async"
                    )
                    for _ in range(10)
                )
            )
            assert len(set(map(repr, outcomes))) == 1
            return outcomes[0].state

    assert asyncio.run(flow()) is PaymentState.CONFIRMED
    assert fake.count("execute") == 1
