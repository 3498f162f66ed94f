"""Token lifecycle: one token per credential, single-flight, refresh first, 401 replay once."""

from __future__ import annotations

import asyncio
import json
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from bkash_sdk import AuthenticationError, BkashTimeoutError, InMemoryTokenStore
from bkash_sdk._operations import QUERY_PAYMENT
from bkash_sdk._tokens import store_key
from tests import canaries
from tests.client.stub import StubBkash, async_client, ok, sync_client, token_body


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def query_body(n: int = 0) -> dict[str, str]:
    return {"paymentID": f"TR0011test{n}"}


def test_token_is_granted_once_and_reused() -> None:
    stub = StubBkash()
    with sync_client(stub) as client:
        for n in range(5):
            client._call(QUERY_PAYMENT, query_body(n))
    assert stub.counts["token/grant"] == 1
    assert stub.counts["payment/status"] == 5
    assert client.token_stats.grants == 1


def test_grant_sends_credentials_as_headers_and_body() -> None:
    stub = StubBkash()
    with sync_client(stub) as client:
        client._call(QUERY_PAYMENT, query_body())
    grant, query = stub.requests
    assert grant.headers["username"] == canaries.USERNAME
    assert grant.headers["password"] == canaries.PASSWORD
    assert json.loads(grant.content) == {
        "app_key": canaries.APP_KEY,
        "app_secret": canaries.APP_SECRET,
    }
    assert query.headers["Authorization"] == canaries.ID_TOKEN  # raw, no "Bearer "
    assert query.headers["X-APP-Key"] == canaries.APP_KEY
    assert "username" not in query.headers
    assert "password" not in query.headers


def test_32_threads_on_a_cold_token_make_one_token_call() -> None:
    stub = StubBkash(delay=0.05)
    with sync_client(stub) as client, ThreadPoolExecutor(32) as pool:
        list(pool.map(lambda n: client._call(QUERY_PAYMENT, query_body(n)), range(32)))
    assert stub.token_calls == 1
    assert stub.counts["payment/status"] == 32


async def test_100_coroutines_on_a_cold_token_make_one_token_call() -> None:
    stub = StubBkash(delay=0.02)
    async with async_client(stub) as client:
        await asyncio.gather(*(client._call(QUERY_PAYMENT, query_body(n)) for n in range(100)))
    assert stub.token_calls == 1
    assert stub.counts["payment/status"] == 100


def test_32_threads_on_an_expired_token_make_one_refresh() -> None:
    stub, clock = StubBkash(delay=0.02), Clock()
    with sync_client(stub, clock=clock) as client, ThreadPoolExecutor(32) as pool:
        client._call(QUERY_PAYMENT, query_body())
        clock.now += 3600
        list(pool.map(lambda n: client._call(QUERY_PAYMENT, query_body(n)), range(32)))
    assert stub.counts["token/grant"] == 1
    assert stub.counts["token/refresh"] == 1
    refresh = next(r for r in stub.requests if r.url.path.endswith("token/refresh"))
    assert json.loads(refresh.content)["refresh_token"] == canaries.REFRESH_TOKEN
    assert refresh.headers["username"] == canaries.USERNAME


async def test_100_coroutines_on_an_expired_token_make_one_refresh() -> None:
    stub, clock = StubBkash(delay=0.01), Clock()
    async with async_client(stub, clock=clock) as client:
        await client._call(QUERY_PAYMENT, query_body())
        clock.now += 3600
        await asyncio.gather(*(client._call(QUERY_PAYMENT, query_body(n)) for n in range(100)))
    assert (stub.counts["token/grant"], stub.counts["token/refresh"]) == (1, 1)


def test_token_is_refreshed_before_expiry_with_a_safety_margin() -> None:
    stub, clock = StubBkash(), Clock()
    with sync_client(stub, clock=clock) as client:
        client._call(QUERY_PAYMENT, query_body())
        clock.now += 3600 - 301
        client._call(QUERY_PAYMENT, query_body())
        assert stub.token_calls == 1
        clock.now += 2
        client._call(QUERY_PAYMENT, query_body())
    assert stub.counts["token/refresh"] == 1


def test_a_refused_refresh_falls_back_to_a_grant() -> None:
    stub, clock = StubBkash(), Clock()
    stub.routes["token/refresh"] = lambda _: httpx.Response(
        200, json={"statusCode": "9999", "statusMessage": "System Error."}
    )
    with sync_client(stub, clock=clock) as client:
        client._call(QUERY_PAYMENT, query_body())
        clock.now += 3600
        client._call(QUERY_PAYMENT, query_body())
    assert stub.counts["token/refresh"] == 1
    assert stub.counts["token/grant"] == 2
    assert client.token_stats.failed_refreshes == 1


def test_never_more_than_two_refreshes_in_a_rolling_hour() -> None:
    stub, clock = StubBkash(), Clock()
    with sync_client(stub, clock=clock) as client:
        client._call(QUERY_PAYMENT, query_body())
        for _ in range(4):  # four forced renewals within twenty minutes
            clock.now += 300
            stub.valid_tokens.clear()
            client._call(QUERY_PAYMENT, query_body())
        assert stub.counts["token/refresh"] == 2
        assert stub.counts["token/grant"] == 3
        clock.now += 3600  # the window has rolled: refreshing is allowed again
        client._call(QUERY_PAYMENT, query_body())
    assert stub.counts["token/refresh"] == 3
    assert client.token_stats.refreshes == 3


def test_a_401_is_replayed_once_with_a_new_token_and_a_new_request_id() -> None:
    stub = StubBkash()
    with sync_client(stub) as client:
        client._call(QUERY_PAYMENT, query_body())
        stub.valid_tokens.clear()  # bKash no longer accepts the cached token
        reply = client._call(QUERY_PAYMENT, query_body())
    queries = [r for r in stub.requests if r.url.path.endswith("payment/status")]
    assert len(queries) == 3
    assert queries[1].headers["Authorization"] == canaries.ID_TOKEN
    assert queries[2].headers["Authorization"] == canaries.ID_TOKEN_2
    assert queries[1].headers["X-Request-ID"] != queries[2].headers["X-Request-ID"]
    assert reply.request_id == queries[2].headers["X-Request-ID"]


@pytest.mark.parametrize("status", [401])
def test_a_second_401_raises_authentication_error(status: int) -> None:
    stub = StubBkash()
    stub.routes["payment/status"] = lambda _: httpx.Response(
        status, json={"message": "Unauthorized"}
    )
    with sync_client(stub) as client, pytest.raises(AuthenticationError) as caught:
        client._call(QUERY_PAYMENT, query_body())
    assert stub.counts["payment/status"] == 2
    assert caught.value.http_status == 401
    assert caught.value.request_id


def test_an_invalid_token_code_is_replayed_once() -> None:
    stub = StubBkash()
    answers = iter(
        [
            httpx.Response(200, json={"statusCode": "2079", "statusMessage": "Invalid app Token"}),
            ok(paymentID="TR0011test0"),
        ]
    )
    stub.routes["payment/status"] = lambda _: next(answers)
    with sync_client(stub) as client:
        reply = client._call(QUERY_PAYMENT, query_body())
    assert reply.data["paymentID"] == "TR0011test0"
    assert stub.counts["payment/status"] == 2
    assert stub.token_calls == 2


async def test_async_401_replay_once_then_authentication_error() -> None:
    stub = StubBkash()
    stub.routes["payment/status"] = lambda _: httpx.Response(401, json={"message": "Unauthorized"})
    async with async_client(stub) as client:
        with pytest.raises(AuthenticationError):
            await client._call(QUERY_PAYMENT, query_body())
    assert stub.counts["payment/status"] == 2


def test_expires_in_as_a_string_is_honoured() -> None:
    stub, clock = StubBkash(), Clock()
    stub.routes["token/grant"] = lambda _: ok(
        id_token=canaries.ID_TOKEN, expires_in="600", refresh_token=canaries.REFRESH_TOKEN
    )
    stub.valid_tokens.add(canaries.ID_TOKEN)
    with sync_client(stub, clock=clock) as client:
        client._call(QUERY_PAYMENT, query_body())
        clock.now += 301  # 600 s life minus the 300 s margin has passed
        client._call(QUERY_PAYMENT, query_body())
    assert stub.counts["token/refresh"] == 1


def test_bad_credentials_raise_authentication_error_without_echoing_them() -> None:
    stub = StubBkash()
    stub.routes["token/grant"] = lambda _: httpx.Response(
        200, content=b'{"statusCode":"9999","statusMessage":"Invalid credentials.\n"}'
    )
    with sync_client(stub) as client, pytest.raises(AuthenticationError) as caught:
        client._call(QUERY_PAYMENT, query_body())
    assert caught.value.code == "9999"
    assert stub.counts["payment/status"] == 0
    text = f"{caught.value!s} {caught.value!r} {caught.value.raw_body}"
    assert not any(secret in text for secret in canaries.SECRETS)


def test_a_failed_token_fetch_releases_its_lock_at_once() -> None:
    stub = StubBkash()
    answers = iter([httpx.Response(401, json={"message": "Unauthorized"})])
    stub.routes["token/grant"] = lambda request: next(answers, None) or _grant(stub, request)
    with sync_client(stub) as client:
        with pytest.raises(AuthenticationError):
            client._call(QUERY_PAYMENT, query_body())
        started = time.monotonic()
        client._call(QUERY_PAYMENT, query_body())
    assert time.monotonic() - started < 1  # not the 15 s lock timeout
    assert stub.counts["token/grant"] == 2


def _grant(stub: StubBkash, request: httpx.Request) -> httpx.Response:
    stub.valid_tokens.add(canaries.ID_TOKEN)
    return token_body(canaries.ID_TOKEN)


@pytest.mark.parametrize("expires_in", ["-5", "nan", "0", "1e309", "soon"])
def test_nonsense_lifetimes_do_not_cause_a_grant_per_request(expires_in: str) -> None:
    stub = StubBkash()
    stub.routes["token/grant"] = lambda _: ok(
        id_token=canaries.ID_TOKEN, expires_in=expires_in, refresh_token=canaries.REFRESH_TOKEN
    )
    stub.valid_tokens.add(canaries.ID_TOKEN)
    clock = Clock()
    with sync_client(stub, clock=clock) as client:
        for _ in range(3):
            client._call(QUERY_PAYMENT, query_body())
        assert stub.token_calls == 1
        clock.now += 86400  # and no token lives forever
        client._call(QUERY_PAYMENT, query_body())
    assert stub.token_calls == 2


def test_a_token_rejected_on_every_call_does_not_mean_a_grant_per_request() -> None:
    stub = StubBkash()
    stub.routes["payment/status"] = lambda _: httpx.Response(401, json={"message": "Unauthorized"})
    with sync_client(stub) as client:
        for _ in range(20):
            with pytest.raises(AuthenticationError):
                client._call(QUERY_PAYMENT, query_body())
    assert stub.counts["token/refresh"] <= 2
    assert stub.counts["token/grant"] <= 10
    assert stub.counts["payment/status"] < 40


def test_a_lost_refresh_answer_is_not_sent_again() -> None:
    stub, clock = StubBkash(), Clock()
    stub.routes["token/refresh"] = lambda _: httpx.Response(504, json={"message": "timeout"})
    with sync_client(stub, clock=clock) as client:
        client._call(QUERY_PAYMENT, query_body())
        clock.now += 3600
        client._call(QUERY_PAYMENT, query_body())
    assert stub.counts["token/refresh"] == 1  # it counts against bKash's hourly limit
    assert stub.counts["token/grant"] == 2


def test_a_refresh_whose_answer_is_lost_counts_and_the_current_token_is_kept() -> None:
    stub, clock = StubBkash(), Clock()

    def lost(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("no answer", request=request)

    stub.routes["token/refresh"] = lost
    with sync_client(stub, clock=clock) as client:
        client._call(QUERY_PAYMENT, query_body())
        clock.now += 3600 - 200  # inside the refresh margin, 200 s of life left
        for _ in range(6):
            client._call(QUERY_PAYMENT, query_body())
    assert stub.counts["token/refresh"] == 2  # the hourly limit holds although both were lost
    assert stub.counts["token/grant"] == 2
    assert stub.counts["payment/status"] == 7


def test_grants_are_spaced_out_not_refused_for_the_hour() -> None:
    stub, clock = StubBkash(), Clock()
    stub.routes["payment/status"] = lambda _: httpx.Response(401, json={"message": "Unauthorized"})
    with sync_client(stub, clock=clock) as client:
        for _ in range(10):
            with pytest.raises(AuthenticationError):
                client._call(QUERY_PAYMENT, query_body())
        grants = stub.counts["token/grant"]
        assert grants <= 3  # two free grants, then spacing
        del stub.routes["payment/status"]  # bKash accepts tokens again
        clock.now += 300  # the longest spacing
        client._call(QUERY_PAYMENT, query_body())
    assert stub.counts["token/grant"] == grants + 1


def test_waiters_use_a_still_valid_token_while_another_worker_refreshes() -> None:
    stub, clock = StubBkash(), Clock()
    store = InMemoryTokenStore()
    with sync_client(stub, clock=clock, token_store=store) as first:
        first._call(QUERY_PAYMENT, query_body())
    clock.now += 3600 - 200  # due for a refresh, still valid
    key = store_key(first.config)
    assert store.acquire(key, "busy-worker", 600)  # another worker is refreshing
    with sync_client(stub, clock=clock, token_store=store) as second:
        started = time.monotonic()
        second._call(QUERY_PAYMENT, query_body())
    assert time.monotonic() - started < 2  # not the 600 s the busy worker's lock could last
    assert stub.token_calls == 1


def test_waiting_for_a_stuck_worker_is_bounded() -> None:
    stub, clock = StubBkash(), Clock()
    store = InMemoryTokenStore()
    settings = {"timeout": 0.3, "connect_timeout": 0.2}
    with sync_client(stub, clock=clock, token_store=store, settings=settings) as client:
        assert store.acquire(store_key(client.config), "stuck-worker", 600)
        started = time.monotonic()
        with pytest.raises(BkashTimeoutError) as caught:
            client._call(QUERY_PAYMENT, query_body())
    assert 0.4 <= time.monotonic() - started < 3
    assert caught.value.request_sent is False
    assert stub.token_calls == 0


def test_a_still_valid_token_is_kept_while_bkash_cannot_issue_a_new_one() -> None:
    stub, clock = StubBkash(), Clock()
    with sync_client(stub, clock=clock) as client:
        client._call(QUERY_PAYMENT, query_body())

        def lost(request: httpx.Request) -> httpx.Response:
            raise httpx.ReadTimeout("no answer", request=request)

        stub.routes["token/refresh"] = stub.routes["token/grant"] = lost
        clock.now += 3600 - 200  # due for renewal, 200 s of life left
        for _ in range(10):
            client._call(QUERY_PAYMENT, query_body())  # served with the current token
    assert stub.counts["token/refresh"] == 2
    assert stub.counts["token/grant"] <= 1 + 3  # the first grant, then one retried attempt
    assert stub.counts["payment/status"] == 11


def test_lost_grant_answers_on_a_cold_start_are_counted_and_spaced() -> None:
    stub, clock = StubBkash(), Clock()

    def lost(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("no answer", request=request)

    stub.routes["token/grant"] = lost
    with sync_client(stub, clock=clock) as client:
        for _ in range(10):
            with pytest.raises((BkashTimeoutError, AuthenticationError)):
                client._call(QUERY_PAYMENT, query_body())
            clock.now += 1
    assert stub.counts["token/grant"] <= 5 * 3  # not a grant (three attempts) per request
    assert stub.counts["payment/status"] == 0
