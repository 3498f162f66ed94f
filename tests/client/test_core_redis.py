"""The Redis token store: one token across processes, recovery from a dead holder, fallback."""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import time
from collections.abc import Iterator
from multiprocessing.synchronize import Barrier

import pytest
import redis

from bkash_sdk import BkashAPIError, BkashClient, RedisTokenStore
from bkash_sdk._operations import QUERY_PAYMENT
from bkash_sdk._tokens import store_key
from bkash_sdk.testing import Credentials, FakeBkash, SandboxServer
from tests import canaries
from tests.client.stub import config
from tests.services import REDIS_URL

WORKERS = 4


@pytest.fixture
def server() -> Iterator[tuple[FakeBkash, SandboxServer]]:
    fake = FakeBkash(credentials=[Credentials(**canaries.CREDENTIALS)])
    with fake.serve() as running:
        yield fake, running


def _query_once(base_url: str, prefix: str, barrier: Barrier | None = None) -> None:
    store = RedisTokenStore(url=REDIS_URL, prefix=prefix)
    with BkashClient(config(base_url=base_url), token_store=store) as client:
        if barrier is not None:
            barrier.wait(timeout=30)
        # an unknown payment: only the token call matters here
        with contextlib.suppress(BkashAPIError):
            client._call(QUERY_PAYMENT, {"paymentID": "TR0011unknown1700000000000"})


def test_four_processes_make_one_token_call(
    server: tuple[FakeBkash, SandboxServer], redis_prefix: str
) -> None:
    fake, running = server
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(WORKERS)
    workers = [
        context.Process(target=_query_once, args=(running.base_url, redis_prefix, barrier))
        for _ in range(WORKERS)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert [w.exitcode for w in workers] == [0] * WORKERS
    assert fake.count("grant") + fake.count("refresh") == 1
    assert fake.count("query") == WORKERS


def test_a_dead_lock_holder_is_outlived_within_the_lock_timeout(
    server: tuple[FakeBkash, SandboxServer], redis_prefix: str
) -> None:
    fake, running = server
    key = store_key(config(base_url=running.base_url))
    holder = redis.Redis.from_url(REDIS_URL)
    # a worker that took the lock and died mid-refresh; the lock expires after 1 s
    holder.set(f"{redis_prefix}token:{key}:lock", "dead-worker", px=1000)
    started = time.monotonic()
    _query_once(running.base_url, redis_prefix)
    elapsed = time.monotonic() - started
    holder.close()
    assert 0.8 <= elapsed < 3
    assert fake.count("grant") == 1


def test_the_token_is_reused_by_a_second_client(
    server: tuple[FakeBkash, SandboxServer], redis_prefix: str
) -> None:
    fake, running = server
    _query_once(running.base_url, redis_prefix)
    _query_once(running.base_url, redis_prefix)
    assert fake.count("grant") == 1


def test_redis_down_falls_back_to_memory_with_a_warning(
    server: tuple[FakeBkash, SandboxServer], caplog: pytest.LogCaptureFixture
) -> None:
    fake, running = server
    store = RedisTokenStore(url="redis://127.0.0.1:1/0")  # nothing listens there
    caplog.set_level(logging.WARNING, logger="bkash_sdk")
    with BkashClient(config(base_url=running.base_url), token_store=store) as client:
        for _ in range(3):
            with pytest.raises(BkashAPIError):
                client._call(QUERY_PAYMENT, {"paymentID": "TR0011unknown1700000000000"})
    assert fake.count("grant") == 1
    warnings = [r for r in caplog.records if "Redis store unavailable" in r.getMessage()]
    assert len(warnings) == 1
