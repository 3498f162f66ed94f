"""Access to the real services some tests need (Redis).

A missing service skips the test with a reason, unless ``BKASH_REQUIRE_SERVICES=1`` (set by
``.ci/run``), which turns the skip into a failure.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

REDIS_URL = os.environ.get("BKASH_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def unavailable(reason: str) -> None:
    """Skip, or fail when services are required."""
    if os.environ.get("BKASH_REQUIRE_SERVICES") == "1":
        pytest.fail(f"required service unavailable: {reason}")
    pytest.skip(reason)


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A unique key prefix on the real Redis; its keys are deleted afterwards."""
    redis = pytest.importorskip("redis")
    where = urlsplit(REDIS_URL)
    host, port = where.hostname or "127.0.0.1", where.port or 6379
    if not _reachable(host, port):
        unavailable(f"Redis is not running on {host}:{port} (BKASH_TEST_REDIS_URL)")
    prefix = f"bkash-sdk-test:{uuid.uuid4().hex}:"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    client.close()
