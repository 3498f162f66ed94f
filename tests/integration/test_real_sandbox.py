"""Against bKash's real sandbox: opt in with ``BKASH_SANDBOX=1`` and the ``BKASH_*`` credentials.

    BKASH_SANDBOX=1 BKASH_APP_KEY=... BKASH_APP_SECRET=... BKASH_USERNAME=... \\
    BKASH_PASSWORD=... pytest -m integration tests/integration

Nothing here needs a customer: it covers the steps bKash's sandbox answers on its own.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from decimal import Decimal

import pytest

from bkash_sdk import (
    SANDBOX_BASE_URL,
    BkashClient,
    BkashConfig,
    InvalidRequestError,
    InvalidStateError,
)
from bkash_sdk.models import TransactionStatus

REQUIRED = ("BKASH_APP_KEY", "BKASH_APP_SECRET", "BKASH_USERNAME", "BKASH_PASSWORD")
CALLBACK = "https://merchant.example/bkash/callback"
UNKNOWN_TRX_ID = "ZZ00000000"


def _skip_reason() -> str | None:
    if os.environ.get("BKASH_SANDBOX") != "1":
        return "set BKASH_SANDBOX=1 (and the BKASH_* credentials) to run against bKash's sandbox"
    missing = [name for name in REQUIRED if not os.environ.get(name)]
    if missing:
        return f"BKASH_SANDBOX=1 but {', '.join(missing)} not set"
    return None


pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(_skip_reason() is not None, reason=_skip_reason() or ""),
]


@pytest.fixture(scope="module")
def client() -> Iterator[BkashClient]:
    config = BkashConfig.from_env()
    if config.base_url != SANDBOX_BASE_URL:
        pytest.skip("BKASH_BASE_URL must be the sandbox root for these tests")
    with BkashClient(config) as sandbox:
        yield sandbox


def test_grant_and_refresh(client: BkashClient) -> None:
    """One grant, then one refresh (bKash allows two refreshes an hour)."""
    with pytest.raises(InvalidRequestError):
        client.transactions.search(UNKNOWN_TRX_ID)  # the first call grants a token
    assert client.token_stats.grants == 1
    token = client._tokens.get_sync(client._run)
    refreshed = client._tokens.get_sync(client._run, rejected=token.id_token)
    assert refreshed.id_token != token.id_token
    assert client.token_stats.refreshes == 1


def test_create_query_and_early_execute(client: BkashClient) -> None:
    payment = client.payments.create(
        amount=Decimal("1.00"),
        merchant_invoice_number=f"SDK-IT-{uuid.uuid4().hex[:12]}",
        payer_reference="01770618575",
        callback_url=CALLBACK,
    )
    assert payment.payment_id
    assert payment.bkash_url
    status = client.payments.query(payment.payment_id)
    assert status.transaction_status is TransactionStatus.INITIATED
    with pytest.raises(InvalidStateError) as caught:
        client.payments.execute(payment.payment_id)  # the customer never approved it
    assert caught.value.code == "2056"


def test_search_of_an_unknown_transaction(client: BkashClient) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        client.transactions.search(UNKNOWN_TRX_ID)
    assert caught.value.code == "2033"
