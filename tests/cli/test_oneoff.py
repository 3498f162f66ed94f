"""One-off commands: masked ``--json``, readable text, and exit codes for every kind of failure."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from bkash_sdk import BkashConfig
from bkash_sdk._tokens import store_key
from bkash_sdk.testing import FakeBkash, Fault
from tests.services import REDIS_URL

from ._harness import CANARY, TEST_WALLET, assert_clean_failure, environment, leaks, run


@pytest.fixture
def fake() -> FakeBkash:
    return FakeBkash(credentials=[CANARY])


@pytest.fixture
def env(fake: FakeBkash) -> Iterator[dict[str, str]]:
    with fake.serve() as server:
        yield environment(server.base_url, BKASH_TIMEOUT_SECONDS="0.3")


def json_of(*args: str, env: dict[str, str]) -> dict[str, Any]:
    result = run(*args, "--json", env=env)
    assert result.returncode == 0, result.stderr
    assert not leaks(result.stdout + result.stderr)
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_a_whole_payment_one_command_at_a_time(fake: FakeBkash, env: dict[str, str]) -> None:
    created = json_of(
        "payment", "create", "--amount", "500", "--invoice", "INV-1",
        "--payer-reference", TEST_WALLET, env=env,
    )  # fmt: skip
    payment_id = created["payment_id"]
    assert created["transaction_status"] == "Initiated"
    assert created["callback_url"].startswith("https://shop.example/bkash/callback")
    fake.approve(payment_id)
    executed = json_of("payment", "execute", payment_id, env=env)
    assert executed["transaction_status"] == "Completed"
    assert executed["customer_msisdn"] == executed["payer_reference"] == "********575"
    trx_id = executed["trx_id"]
    queried = run("payment", "query", payment_id, env=env)
    assert queried.returncode == 0
    assert "status:" in queried.stdout
    assert "Completed" in queried.stdout
    assert json_of("search", trx_id, env=env)["trx_id"] == trx_id
    ids = ["--payment-id", payment_id, "--trx-id", trx_id]
    refund = json_of(
        "refund", "create", *ids, "--amount", "100", "--sku", "plus", "--reason", "test", env=env
    )
    assert refund["transaction_status"] == "Completed"
    status = json_of("refund", "status", *ids, env=env)
    assert [r["refund_trx_id"] for r in status["refunds"]] == [refund["refund_trx_id"]]
    text = run("refund", "status", *ids, env=env)
    assert f"refund {refund['refund_trx_id']}: 100.00 BDT, Completed" in text.stdout


def test_bkash_saying_no_exits_1(env: dict[str, str]) -> None:
    line = assert_clean_failure(run("search", "NOSUCHTRX", "--json", env=env), 1)
    assert "2033" in line


def test_bad_arguments_and_missing_configuration_exit_2(env: dict[str, str]) -> None:
    bad_amount = run("payment", "create", "--amount", "lots", "--invoice", "I", env=env)
    assert bad_amount.returncode == 2
    assert "not an amount" in bad_amount.stderr
    unset = environment()
    line = assert_clean_failure(run("payment", "query", "TR001", env=unset), 2)
    assert "BKASH_APP_KEY is not set" in line


def test_a_stalled_endpoint_exits_3_without_a_traceback(
    fake: FakeBkash, env: dict[str, str]
) -> None:
    fake.inject("create", Fault.stall())
    create = ["payment", "create", "--amount", "10", "--invoice", "INV-3"]
    line = assert_clean_failure(run(*create, env=env), 3)
    assert "timed out" in line


def test_an_execute_nobody_can_settle_exits_4(fake: FakeBkash, env: dict[str, str]) -> None:
    created = json_of("payment", "create", "--amount", "10", "--invoice", "INV-2", env=env)
    fake.approve(created["payment_id"])
    fake.inject("execute", Fault.stall(applied=True))
    fake.inject("query", Fault.stall(), times=5)
    line = assert_clean_failure(run("payment", "execute", created["payment_id"], env=env), 4)
    assert "outcome unknown" in line


def test_a_bad_callback_url_flag_is_named(env: dict[str, str]) -> None:
    create = ["payment", "create", "--amount", "10", "--invoice", "I"]
    result = run(*create, "--callback-url", "javascript:alert(1)", env=env)
    assert result.returncode == 2
    assert "argument --callback-url: must be an absolute http(s) URL" in result.stderr
    assert "BKASH_CALLBACK_URL" not in result.stderr


def test_redis_url_reuses_one_token_across_invocations(
    fake: FakeBkash, env: dict[str, str], redis_prefix: str
) -> None:
    import redis  # noqa: PLC0415 - the redis extra; redis_prefix skips without it

    config = BkashConfig.from_env(env)
    key = f"bkash-sdk:token:{store_key(config)}"
    try:
        assert "2002" in assert_clean_failure(run("payment", "query", "TR1", env=env), 1)
        shared = {**env, "BKASH_REDIS_URL": REDIS_URL}
        for _ in range(2):
            assert_clean_failure(run("payment", "query", "TR1", env=shared), 1)
        assert run("payment", "query", "TR1", "--redis-url", REDIS_URL, env=env).returncode == 1
        assert fake.count("grant") == 2  # one without Redis, then one shared by three calls
    finally:
        redis.Redis.from_url(REDIS_URL).delete(key)


def test_a_bad_redis_url_names_its_source(env: dict[str, str]) -> None:
    line = assert_clean_failure(run("search", "X", env={**env, "BKASH_REDIS_URL": "x"}), 2)
    assert "BKASH_REDIS_URL is not a Redis URL" in line
