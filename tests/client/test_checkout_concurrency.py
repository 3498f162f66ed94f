"""Concurrent finalize calls for one payment: at most one execute, one shared outcome."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import httpx
import pytest

from bkash_sdk import (
    AsyncBkashClient,
    BkashClient,
    CheckoutRecord,
    FinalizeOutcome,
    MemoryOutcomeStore,
    PaymentOutcomeUnknown,
    PaymentState,
    RedisOutcomeStore,
)
from bkash_sdk.models import PaymentExecution
from tests import canaries
from tests.client._wire import PAYMENT_ID, business, config, executed, ok, queried
from tests.services import REDIS_URL

CALLBACK = {"paymentID": PAYMENT_ID, "status": "success"}
CALLERS = 20
DELAY = 0.2


class SlowBkash:
    """Tokens, then slow execute (or whatever ``execute`` says) and query answers.

    ``execute`` is ``ok``, ``timeout``, ``lost`` (query fails too) or a bKash code; the query
    shows the payment completed when ``paid``, else still ``Initiated``.
    """

    def __init__(self, execute: str = "ok", *, paid: bool = True) -> None:
        self.execute = execute
        self.paid = paid
        self.counts: Counter[str] = Counter()
        self.executing = asyncio.Event()
        self._lock = threading.Lock()

    def _count(self, request: httpx.Request) -> str:
        name = request.url.path.rsplit("/", 1)[-1]
        with self._lock:
            self.counts[name] += 1
        return name

    def _answer(self, name: str, request: httpx.Request) -> httpx.Response:
        if name == "grant":
            return ok(id_token=canaries.ID_TOKEN, expires_in=3600)
        if name == "execute" and self.execute == "ok":
            return executed()
        if name == "execute" and self.execute.isdigit():
            return business(self.execute)
        if name == "execute" or self.execute == "lost":
            raise httpx.ReadTimeout("injected", request=request)
        return queried() if self.paid else queried(transactionStatus="Initiated", trxID=None)

    def handle(self, request: httpx.Request) -> httpx.Response:
        name = self._count(request)
        time.sleep(DELAY)
        return self._answer(name, request)

    async def handle_async(self, request: httpx.Request) -> httpx.Response:
        name = self._count(request)
        if name == "execute":
            self.executing.set()
        await asyncio.sleep(DELAY)
        return self._answer(name, request)


def sync_client(bkash: SlowBkash, **options: Any) -> BkashClient:
    http = httpx.Client(transport=httpx.MockTransport(bkash.handle))
    return BkashClient(config(max_retries=0, timeout=5.0), http_client=http, **options)


def async_client(bkash: SlowBkash, **options: Any) -> AsyncBkashClient:
    http = httpx.AsyncClient(transport=httpx.MockTransport(bkash.handle_async))
    return AsyncBkashClient(config(max_retries=0, timeout=5.0), http_client=http, **options)


def finalize_sync(client: BkashClient) -> FinalizeOutcome | Exception:
    try:
        return client.checkout.finalize(
            CALLBACK, expected_amount=Decimal("599.00"), merchant_invoice_number="INV-42-1"
        )
    except PaymentOutcomeUnknown as error:
        return error


async def finalize_async(client: AsyncBkashClient) -> FinalizeOutcome:
    return await client.checkout.finalize(
        CALLBACK, expected_amount=Decimal("599.00"), merchant_invoice_number="INV-42-1"
    )


def test_threads_share_one_execute() -> None:
    bkash = SlowBkash()
    with sync_client(bkash) as client, ThreadPoolExecutor(CALLERS) as pool:
        outcomes = list(pool.map(lambda _: finalize_sync(client), range(CALLERS)))
    assert bkash.counts["execute"] == 1
    assert bkash.counts["status"] == 0
    assert all(outcome == outcomes[0] for outcome in outcomes)
    assert isinstance(outcomes[0], FinalizeOutcome)
    assert outcomes[0].state is PaymentState.CONFIRMED


async def test_coroutines_share_one_execute() -> None:
    bkash = SlowBkash()
    async with async_client(bkash) as client:
        outcomes = await asyncio.gather(*(finalize_async(client) for _ in range(CALLERS)))
    assert bkash.counts["execute"] == 1
    assert all(outcome == outcomes[0] for outcome in outcomes)
    assert outcomes[0].state is PaymentState.CONFIRMED


async def test_coroutines_share_one_reconciliation() -> None:
    bkash = SlowBkash(execute="timeout")
    async with async_client(bkash) as client:
        outcomes = await asyncio.gather(*(finalize_async(client) for _ in range(CALLERS)))
    assert (bkash.counts["execute"], bkash.counts["status"]) == (1, 1)
    assert all(outcome == outcomes[0] for outcome in outcomes)
    assert outcomes[0].reconciled


def test_threads_share_one_unknown_outcome() -> None:
    bkash = SlowBkash(execute="lost")
    with sync_client(bkash) as client, ThreadPoolExecutor(CALLERS) as pool:
        results = list(pool.map(lambda _: finalize_sync(client), range(CALLERS)))
    assert (bkash.counts["execute"], bkash.counts["status"]) == (1, 1)
    assert all(isinstance(result, PaymentOutcomeUnknown) for result in results)


async def test_a_cancelled_finalize_is_resumed_once_it_cannot_be_at_work() -> None:
    bkash = SlowBkash(paid=False)
    now = [time.time()]
    async with async_client(bkash, clock=lambda: now[0]) as client:
        first = asyncio.create_task(finalize_async(client))
        await bkash.executing.wait()
        first.cancel()  # the browser disconnects while execute is in flight
        with pytest.raises(asyncio.CancelledError):
            await first
        soon = await finalize_async(client)  # bKash may still be working on that execute
        assert soon.state is PaymentState.PENDING
        assert (bkash.counts["execute"], bkash.counts["status"]) == (1, 1)
        now[0] += 3600  # longer than any attempt can take
        outcome = await finalize_async(client)
    assert outcome.state is PaymentState.CONFIRMED
    assert (bkash.counts["execute"], bkash.counts["status"]) == (2, 2)


def test_threads_resume_an_interrupted_attempt_once() -> None:
    store = MemoryOutcomeStore()
    store.save(PAYMENT_ID, CheckoutRecord(execute_sent=True))  # left by an interrupted attempt
    bkash = SlowBkash(paid=False)
    with sync_client(bkash, outcome_store=store) as client, ThreadPoolExecutor(CALLERS) as pool:
        outcomes = list(pool.map(lambda _: finalize_sync(client), range(CALLERS)))
    assert (bkash.counts["execute"], bkash.counts["status"]) == (1, 1)
    assert all(outcome == outcomes[0] for outcome in outcomes)
    assert isinstance(outcomes[0], FinalizeOutcome)
    assert outcomes[0].state is PaymentState.CONFIRMED


async def test_coroutines_share_one_refusal_before_approval() -> None:
    bkash = SlowBkash(execute="2056", paid=False)
    async with async_client(bkash) as client:
        outcomes = await asyncio.gather(*(finalize_async(client) for _ in range(CALLERS)))
    assert (bkash.counts["execute"], bkash.counts["status"]) == (1, 1)
    assert all(outcome == outcomes[0] for outcome in outcomes)
    assert (outcomes[0].state, outcomes[0].reason) == (PaymentState.FAILED, "not_approved")


def test_memory_store_shared_by_two_clients() -> None:
    store = MemoryOutcomeStore()
    first, second = SlowBkash(), SlowBkash()
    with (
        sync_client(first, outcome_store=store) as a,
        sync_client(second, outcome_store=store) as b,
    ):
        assert finalize_sync(a) == finalize_sync(b)
    assert (first.counts["execute"], second.counts["execute"]) == (1, 0)


def test_memory_store_drops_the_oldest_records() -> None:
    store = MemoryOutcomeStore(max_entries=2)
    for key in ("a", "b", "c"):
        store.save(key, CheckoutRecord(execute_sent=True))
    assert store.load("a") is None
    assert store.load("c") == CheckoutRecord(execute_sent=True)


# -- Redis -------------------------------------------------------------------------------------


@pytest.fixture
def redis_store(redis_prefix: str) -> RedisOutcomeStore:
    return RedisOutcomeStore(url=REDIS_URL, prefix=redis_prefix)


@pytest.mark.redis
def test_redis_store_shares_outcomes_across_clients(redis_store: RedisOutcomeStore) -> None:
    first, second = SlowBkash(), SlowBkash()
    with (
        sync_client(first, outcome_store=redis_store) as a,
        sync_client(second, outcome_store=redis_store) as b,
        ThreadPoolExecutor(CALLERS) as pool,
    ):
        outcomes = list(pool.map(lambda i: finalize_sync(a if i % 2 else b), range(CALLERS)))
    assert first.counts["execute"] + second.counts["execute"] == 1
    assert all(outcome == outcomes[0] for outcome in outcomes)
    assert isinstance(outcomes[0], FinalizeOutcome)
    assert outcomes[0].state is PaymentState.CONFIRMED


@pytest.mark.redis
async def test_redis_store_shares_outcomes_with_the_async_client(
    redis_store: RedisOutcomeStore,
) -> None:
    first, second = SlowBkash(), SlowBkash()
    with sync_client(first, outcome_store=redis_store) as a:
        expected = finalize_sync(a)
    async with async_client(second, outcome_store=redis_store) as b:
        assert await finalize_async(b) == expected
    assert second.counts["execute"] == second.counts["status"] == 0


@pytest.mark.redis
def test_redis_record_round_trip(redis_store: RedisOutcomeStore) -> None:
    execution = PaymentExecution.model_validate(json.loads(executed().content))
    record = CheckoutRecord(execute_sent=True, execution=execution, checked_at=12.5)
    redis_store.save(PAYMENT_ID, record)
    assert redis_store.load(PAYMENT_ID) == record


def test_unreadable_redis_record_means_execute_may_have_been_sent() -> None:
    store = RedisOutcomeStore(client=object())  # type: ignore[arg-type]
    assert store.decode(b"{not json") == CheckoutRecord(execute_sent=True)
    assert store.decode(json.dumps({"execute_sent": False, "execution": 5})) == CheckoutRecord(
        execute_sent=True
    )


def test_an_unreadable_time_in_a_redis_record_counts_as_an_interrupted_attempt() -> None:
    store = RedisOutcomeStore(url=REDIS_URL)
    raw = json.dumps({"execute_sent": True, "sent_at": "soon", "checked_at": None})
    assert store.decode(raw) == CheckoutRecord(execute_sent=True)
