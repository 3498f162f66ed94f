"""The Redis seen-store against the real Redis on 127.0.0.1:6379.

Skipped with a reason when Redis is down, or failed when ``BKASH_REQUIRE_SERVICES=1``
(the shared ``redis_prefix`` fixture in ``tests/services.py``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
import redis
import redis.asyncio
from redis.backoff import NoBackoff
from redis.retry import Retry

from bkash_sdk.webhooks import AsyncRedisSeenStore, AsyncSnsVerifier, RedisSeenStore
from tests.services import REDIS_URL

from ._support import NOW, TOPIC, body, signer

pytestmark = pytest.mark.redis


@pytest.fixture
def client(redis_prefix: str) -> Iterator[redis.Redis]:
    """A client for the real Redis; ``redis_prefix`` skips (or fails) if it is down."""
    connection = redis.Redis.from_url(REDIS_URL)
    yield connection
    connection.close()


@pytest.fixture
def prefix(redis_prefix: str) -> str:
    """A unique key prefix whose keys the shared fixture deletes afterwards."""
    return redis_prefix


def test_first_add_wins_and_expires(client: redis.Redis, prefix: str) -> None:
    store = RedisSeenStore(client, key_prefix=prefix)
    assert not store.contains("m-1")
    assert store.add("m-1", 120)
    assert store.contains("m-1")
    assert not store.add("m-1", 120)
    assert store.add("m-2", 120)
    assert 0 < client.ttl(f"{prefix}m-1") <= 120


def test_redeliveries_across_processes_are_duplicates_once_processed(
    client: redis.Redis, prefix: str
) -> None:
    raw = body(signer().envelope())
    first = signer().verifier(seen_store=RedisSeenStore(client, key_prefix=prefix))
    second = signer().verifier(seen_store=RedisSeenStore.from_url(REDIS_URL, key_prefix=prefix))
    message = first.verify(raw)
    assert not message.duplicate
    assert not second.verify(raw).duplicate  # the first worker has not finished yet
    assert client.exists(f"{prefix}{message.message_id}") == 0
    first.mark_processed(message)
    assert second.verify(raw).duplicate
    ttl = client.ttl(f"{prefix}{message.message_id}")
    assert 3600 < ttl <= 3600 + 600


async def test_async_store_records_only_processed_messages(
    client: redis.Redis, prefix: str
) -> None:
    async_client = redis.asyncio.Redis.from_url(REDIS_URL)
    try:
        store = AsyncRedisSeenStore(async_client, key_prefix=prefix)
        certs = signer().static()
        verifier = AsyncSnsVerifier(
            allowed_topic_arns=[TOPIC],
            fetcher=certs,
            trust=certs.trust,
            clock=lambda: NOW,
            seen_store=store,
        )
        raw = body(signer().envelope())
        messages = await asyncio.gather(*(verifier.averify(raw) for _ in range(20)))
        assert not any(m.duplicate for m in messages)
        assert client.exists(f"{prefix}{messages[0].message_id}") == 0
        wins = await asyncio.gather(*(store.aadd(m.message_id, 120) for m in messages))
        assert sum(wins) == 1
        await verifier.amark_processed(messages[0])
        assert (await verifier.averify(raw)).duplicate
    finally:
        await async_client.aclose()


def test_redis_down_does_not_drop_verified_messages() -> None:
    dead = redis.Redis(
        host="127.0.0.1", port=1, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0)
    )
    verifier = signer().verifier(seen_store=RedisSeenStore(dead))
    message = verifier.verify(body(signer().envelope()))
    assert not message.duplicate
    verifier.mark_processed(message)
