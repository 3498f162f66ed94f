"""The public API as a user types it: mypy --strict checks every ``assert_type`` here, and
pytest runs the same code offline against ``FakeBkash``."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import assert_type

import httpx
import pytest

from bkash_sdk import (
    SANDBOX_BASE_URL,
    AsyncBkashClient,
    AuthenticationError,
    BkashAPIError,
    BkashClient,
    BkashConfig,
    BkashError,
    BkashTimeoutError,
    BkashValidationError,
    ConfigurationError,
    Environment,
    FinalizeOutcome,
    InMemoryTokenStore,
    Outcome,
    PaymentOutcomeUnknown,
    PaymentState,
    TokenStats,
)
from bkash_sdk.models import (
    Payment,
    PaymentExecution,
    PaymentStatus,
    Refund,
    RefundStatus,
    Transaction,
    TransactionStatus,
)
from bkash_sdk.testing import PUBLIC_SANDBOX_CREDENTIALS, FakeBkash, FakeTransport, IpnMessage
from bkash_sdk.webhooks import AsyncSnsVerifier, PaymentNotification, SnsMessage, SnsVerifier
from bkash_sdk.webhooks.callbacks import VerifiedCallback, sign_callback_url, verify_callback

CREDENTIALS = PUBLIC_SANDBOX_CREDENTIALS[0]
CALLBACK_URL = "https://shop.example/api/v1/payments/bkash/callback"
ENVIRON = {
    "BKASH_APP_KEY": CREDENTIALS.app_key,
    "BKASH_APP_SECRET": CREDENTIALS.app_secret,
    "BKASH_USERNAME": CREDENTIALS.username,
    "BKASH_PASSWORD": CREDENTIALS.password,
    "BKASH_CALLBACK_URL": CALLBACK_URL,
    "BKASH_TIMEOUT_SECONDS": "12.5",
}


def config() -> BkashConfig:
    return BkashConfig(
        app_key=CREDENTIALS.app_key,
        app_secret=CREDENTIALS.app_secret,
        username=CREDENTIALS.username,
        password=CREDENTIALS.password,
        callback_url=CALLBACK_URL,
    )


def callback_params(redirect: str) -> dict[str, str]:
    """The query parameters of the URL bKash redirects the browser to."""
    return dict(httpx.URL(redirect).params)


def test_config_fields_and_defaults() -> None:
    settings = config()
    assert_type(settings.app_key, str)
    assert_type(settings.base_url, str)
    assert_type(settings.callback_url, str | None)
    assert_type(settings.webhook_secret, str | None)
    assert_type(settings.timeout, float)
    assert_type(settings.connect_timeout, float)
    assert_type(settings.max_retries, int)
    assert_type(settings.retry_backoff, float)
    assert_type(settings.environment, Environment)
    assert_type(settings.refund_v2_url, str)
    assert settings.base_url == SANDBOX_BASE_URL
    assert settings.environment is Environment.SANDBOX
    assert (settings.timeout, settings.max_retries) == (30.0, 2)
    assert settings.refund_v2_url == "https://tokenized.sandbox.bka.sh/v2/tokenized-checkout"
    assert CREDENTIALS.app_secret not in repr(settings)


def test_sync_client_constructors_and_context_manager() -> None:
    by_keywords = BkashClient(
        app_key="key",
        app_secret="secret",
        username="user",
        password="password",
        timeout=10.0,
        max_retries=0,
        token_store=InMemoryTokenStore(),
    )
    assert_type(by_keywords, BkashClient)
    assert (by_keywords.config.timeout, by_keywords.config.max_retries) == (10.0, 0)
    by_keywords.close()
    with BkashClient(config(), http_client=httpx.Client()) as client:
        assert_type(client, BkashClient)
        assert_type(client.config, BkashConfig)
        assert_type(client.token_stats, TokenStats)
        assert_type(client.token_stats.grants, int)
        assert client.token_stats == TokenStats(grants=0, refreshes=0, failed_refreshes=0)


def test_from_env_reads_the_bkash_variables() -> None:
    client = BkashClient.from_env(ENVIRON)
    assert_type(client, BkashClient)
    assert client.config.timeout == 12.5
    assert client.config.callback_url == CALLBACK_URL
    client.close()
    assert_type(BkashConfig.from_env(ENVIRON), BkashConfig)
    with pytest.raises(ConfigurationError, match="BKASH_APP_KEY"):
        BkashConfig.from_env({})


async def test_async_client_constructors_and_context_manager() -> None:
    async with AsyncBkashClient(config()) as client:
        assert_type(client, AsyncBkashClient)
        assert_type(client.token_stats, TokenStats)
    from_env = AsyncBkashClient.from_env(ENVIRON)
    assert_type(from_env, AsyncBkashClient)
    await from_env.aclose()


def test_exception_attributes() -> None:
    error = AuthenticationError("refused", code="2001", http_status=200, request_id="r-1")
    assert_type(error.code, str | None)
    assert_type(error.message, str)
    assert_type(error.http_status, int | None)
    assert_type(error.request_id, str | None)
    assert_type(error.raw_body, str | None)
    assert_type(error.operation, str | None)
    assert_type(error.outcome, Outcome)
    assert isinstance(error, BkashAPIError)
    assert str(error) == "refused (code=2001, http_status=200, request_id=r-1)"
    unknown = PaymentOutcomeUnknown("lost", payment_id="TR001", operation="payments.execute")
    assert_type(unknown.payment_id, str | None)
    assert_type(unknown.operation, str | None)
    timeout = BkashTimeoutError("late", operation="payments.query")
    assert_type(timeout.operation, str | None)
    assert timeout.outcome is Outcome.UNKNOWN
    invalid = BkashValidationError("bad amount", field="amount")
    assert_type(invalid.field, str | None)
    for exc in (error, unknown, timeout, invalid, ConfigurationError("x")):
        assert isinstance(exc, BkashError)


def test_sync_payment_lifecycle_types() -> None:
    fake = FakeBkash()
    assert_type(fake.transport(), FakeTransport)
    with BkashClient(config(), http_client=httpx.Client(transport=fake.transport())) as client:
        payment = client.payments.create(
            amount=Decimal("500.00"), merchant_invoice_number="INV-1", payer_reference="user-42"
        )
        assert_type(payment, Payment)
        assert_type(payment.payment_id, str)
        assert_type(payment.bkash_url, str | None)
        assert_type(payment.transaction_status, TransactionStatus | None)
        redirect = fake.approve(payment.payment_id)
        assert_type(redirect, str)
        outcome = client.checkout.finalize(
            callback_params(redirect),
            expected_amount=Decimal("500.00"),
            merchant_invoice_number="INV-1",
        )
        assert_type(outcome, FinalizeOutcome)
        assert_type(outcome.state, PaymentState)
        assert_type(outcome.reason, str | None)
        assert_type(outcome.confirmed, bool)
        assert outcome.state is PaymentState.CONFIRMED
        state = client.payments.query(payment.payment_id)
        assert_type(state, PaymentStatus)
        assert state.transaction_status == TransactionStatus.COMPLETED
        assert state.trx_id is not None
        found = client.transactions.search(state.trx_id)
        assert_type(found, Transaction)
        refund = client.refunds.create(
            payment_id=payment.payment_id,
            trx_id=state.trx_id,
            amount=Decimal("100"),
            sku="plus",
            reason="goodwill",
        )
        assert_type(refund, Refund)
        assert_type(refund.amount, Decimal | None)
        listed = client.refunds.status(payment_id=payment.payment_id, trx_id=state.trx_id)
        assert_type(listed, RefundStatus)
        assert_type(listed.refunds, list[Refund])
        assert client.token_stats.grants == 1
    assert fake.count("execute") == 1


async def test_async_payment_lifecycle_types() -> None:
    fake = FakeBkash()
    http = httpx.AsyncClient(transport=fake.transport())
    async with AsyncBkashClient(config(), http_client=http) as client, http:
        payment = await client.payments.create(
            amount=Decimal("500.00"), merchant_invoice_number="INV-2", payer_reference="user-42"
        )
        assert_type(payment, Payment)
        fake.approve(payment.payment_id)
        done = await client.payments.execute(payment.payment_id)
        assert_type(done, PaymentExecution)
        assert_type(done.trx_id, str | None)
        assert_type(done.amount, Decimal | None)
        assert_type(done.reconciled, bool)
        assert (done.amount, done.reconciled) == (Decimal("500.00"), False)
        state = await client.payments.query(payment.payment_id)
        assert_type(state, PaymentStatus)


def test_callback_signing_types() -> None:
    url = sign_callback_url(CALLBACK_URL, "INV-1", "secret-1", timestamp=1_700_000_000)
    assert_type(url, str)
    verified = verify_callback(
        callback_params(url), ["secret-1"], reference="INV-1", now=1_700_000_060
    )
    assert_type(verified, VerifiedCallback)
    assert verified == VerifiedCallback(reference="INV-1", timestamp=1_700_000_000)


def _paid_ipn(fake: FakeBkash) -> IpnMessage:
    with BkashClient(config(), http_client=httpx.Client(transport=fake.transport())) as client:
        payment = client.payments.create(
            amount=Decimal("75.50"), merchant_invoice_number="INV-3", payer_reference="user-42"
        )
        fake.approve(payment.payment_id)
        client.payments.execute(payment.payment_id)
    (message,) = fake.ipn.take()
    return message


def test_sync_webhook_verifier_types() -> None:
    fake = FakeBkash()
    ipn = _paid_ipn(fake)
    verifier = fake.ipn.verifier()
    assert_type(verifier, SnsVerifier)
    message = verifier.verify(ipn.body, headers=ipn.headers)
    assert_type(message, SnsMessage)
    assert_type(message.duplicate, bool)
    payment = message.payment()
    assert_type(payment, PaymentNotification)
    assert_type(payment.amount, Decimal)
    assert_type(payment.date_time, datetime)
    assert payment.amount == Decimal("75.50")
    assert_type(verifier.mark_processed(message), None)
    assert verifier.verify(ipn.body).duplicate


async def test_async_webhook_verifier_types() -> None:
    fake = FakeBkash()
    ipn = _paid_ipn(fake)
    verifier = fake.ipn.async_verifier()
    assert_type(verifier, AsyncSnsVerifier)
    message = await verifier.averify(ipn.body, headers=ipn.headers)
    assert_type(message, SnsMessage)
    assert not message.duplicate
