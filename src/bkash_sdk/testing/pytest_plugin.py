"""pytest fixtures for testing code that uses ``bkash_sdk``, registered automatically.

Installing ``bkash-sdk`` makes these fixtures available in every test suite::

    def test_checkout(bkash_client, bkash_fake):
        payment = bkash_client.payments.create(
            amount=Decimal("500"), merchant_invoice_number="INV-1", payer_reference="user-1"
        )
        bkash_fake.approve(payment.payment_id)
        assert bkash_client.payments.execute(payment.payment_id).trx_id

- ``bkash_fake``: a fresh :class:`~bkash_sdk.testing.FakeBkash` for each test.
- ``bkash_credentials``: the credential set the clients use (the public sandbox set T2).
- ``bkash_client``: a :class:`~bkash_sdk.BkashClient` answered in process by ``bkash_fake``.
- ``async_bkash_client``: an :class:`~bkash_sdk.AsyncBkashClient`, likewise.

Both clients have ``BKASH_TEST_CALLBACK_URL`` as their callback URL, open no sockets and are
closed after the test.

**Two equal payments in one test fail with 2029**, as on bKash: the sandbox refuses a second
execute of the same amount from the same wallet within 120 seconds ("Duplicate for All
Transactions"), it runs on real time, and ``approve()`` pays with ``01770618575`` unless the
payer reference is a wallet number. To pay twice, use different amounts, different wallets
(``bkash_fake.approve(payment_id, wallet="01929918378")``), move the clock past the window
(``bkash_fake.clock.advance(121)``), or override the fixture with
``FakeBkash(duplicate_window=0)``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from .._client import AsyncBkashClient, BkashClient
from ._credentials import PUBLIC_SANDBOX_CREDENTIALS, Credentials
from ._fake import FakeBkash

BKASH_TEST_CALLBACK_URL = "https://merchant.example/bkash/callback"
"""The callback URL configured on the fixture clients."""


@pytest.fixture
def bkash_fake() -> FakeBkash:
    """A fresh offline bKash sandbox, on real time with bKash's 2029 rule.

    The same amount paid twice by one wallet within 120 s fails with 2029: vary the amount
    or ``approve(payment_id, wallet=...)``, or advance ``bkash_fake.clock`` by 121 s.
    """
    return FakeBkash()


@pytest.fixture
def bkash_credentials() -> Credentials:
    """The credential set ``bkash_client`` and ``async_bkash_client`` authenticate with."""
    return PUBLIC_SANDBOX_CREDENTIALS[0]


@pytest.fixture
def bkash_client(bkash_fake: FakeBkash, bkash_credentials: Credentials) -> Iterator[BkashClient]:
    """A ``BkashClient`` talking to ``bkash_fake`` in process; closed after the test."""
    http = httpx.Client(transport=bkash_fake.transport())
    client = BkashClient(
        app_key=bkash_credentials.app_key,
        app_secret=bkash_credentials.app_secret,
        username=bkash_credentials.username,
        password=bkash_credentials.password,
        callback_url=BKASH_TEST_CALLBACK_URL,
        http_client=http,
    )
    yield client
    client.close()
    http.close()


@pytest.fixture
def async_bkash_client(
    bkash_fake: FakeBkash, bkash_credentials: Credentials
) -> Iterator[AsyncBkashClient]:
    """An ``AsyncBkashClient`` talking to ``bkash_fake`` in process; closed after the test.

    A plain fixture, so it works with pytest-asyncio, anyio or a hand-made event loop.
    """
    http = httpx.AsyncClient(transport=bkash_fake.transport())
    client = AsyncBkashClient(
        app_key=bkash_credentials.app_key,
        app_secret=bkash_credentials.app_secret,
        username=bkash_credentials.username,
        password=bkash_credentials.password,
        callback_url=BKASH_TEST_CALLBACK_URL,
        http_client=http,
    )
    yield client
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(client.aclose())
        loop.run_until_complete(http.aclose())
    finally:
        loop.close()
