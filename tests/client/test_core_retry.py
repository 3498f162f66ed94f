"""The retry matrix: every operation x every failure gives exactly the promised attempts."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from bkash_sdk import (
    BkashAPIError,
    BkashConnectionError,
    BkashServerError,
    BkashTimeoutError,
    InvalidRequestError,
    RateLimitError,
)
from bkash_sdk._operations import ALL_OPERATIONS, QUERY_PAYMENT, Api, Operation, Retry
from bkash_sdk._retry import RetryPolicy
from tests.client.stub import StubBkash, async_client, endpoint, ok, sync_client

MAX_RETRIES = 2


def _raise(kind: type[httpx.TransportError]) -> Callable[[httpx.Request], httpx.Response]:
    def answer(request: httpx.Request) -> httpx.Response:
        raise kind("injected", request=request)

    return answer


def _status(code: int) -> Callable[[httpx.Request], httpx.Response]:
    return lambda _: httpx.Response(code, text=f"<html><body>{code}</body></html>")


# failure name -> (answer, retried for unsafe operations, expected error class)
FAILURES: dict[str, tuple[Callable[[httpx.Request], httpx.Response], bool, type[Exception]]] = {
    "connect-error": (_raise(httpx.ConnectError), True, BkashConnectionError),
    "connect-timeout": (_raise(httpx.ConnectTimeout), True, BkashTimeoutError),
    "read-timeout": (_raise(httpx.ReadTimeout), False, BkashTimeoutError),
    "write-timeout": (_raise(httpx.WriteTimeout), False, BkashTimeoutError),
    "protocol-error": (_raise(httpx.RemoteProtocolError), False, BkashConnectionError),
    "read-error": (_raise(httpx.ReadError), False, BkashConnectionError),
    "429": (_status(429), False, RateLimitError),
    "500": (_status(500), False, BkashServerError),
    "502": (_status(502), False, BkashServerError),
    "503": (_status(503), False, BkashServerError),
    "504": (_status(504), False, BkashServerError),
    "400": (_status(400), False, InvalidRequestError),
    "404": (_status(404), False, InvalidRequestError),
}
NOT_RETRIED_EVEN_IF_SAFE = {"400", "404"}


def expected_attempts(operation: Operation, failure: str) -> int:
    _, unsafe_retried, _ = FAILURES[failure]
    if failure in NOT_RETRIED_EVEN_IF_SAFE:
        return 1
    if operation.retry is Retry.SAFE or unsafe_retried:
        return MAX_RETRIES + 1
    return 1


def body_for(operation: Operation) -> dict[str, str]:
    return {"paymentID": "TR0011matrix1", "trxID": "ABC123XYZ0"}


def route_of(operation: Operation) -> str:
    root = "/v1.2.0-beta" if operation.api is Api.V1 else "/v2/tokenized-checkout"
    return endpoint(httpx.Request("POST", "https://bkash.test" + root + operation.path))


CASES = [(op, failure) for op in ALL_OPERATIONS for failure in FAILURES]


def _ids(case: object) -> str:
    return case.name if isinstance(case, Operation) else str(case)


@pytest.mark.parametrize(("operation", "failure"), CASES, ids=_ids)
def test_sync_attempts_follow_the_policy(operation: Operation, failure: str) -> None:
    stub = StubBkash()
    route = route_of(operation)
    answer, _, error = FAILURES[failure]
    stub.routes[route] = answer
    with sync_client(stub) as client, pytest.raises(error) as caught:
        client._call(operation, body_for(operation))
    assert stub.counts[route] == expected_attempts(operation, failure)
    assert caught.value.request_id  # type: ignore[attr-defined]


@pytest.mark.parametrize(("operation", "failure"), CASES, ids=_ids)
async def test_async_attempts_follow_the_policy(operation: Operation, failure: str) -> None:
    stub = StubBkash()
    route = route_of(operation)
    answer, _, error = FAILURES[failure]
    stub.routes[route] = answer
    async with async_client(stub) as client:
        with pytest.raises(error):
            await client._call(operation, body_for(operation))
    assert stub.counts[route] == expected_attempts(operation, failure)


def test_a_retry_succeeds_when_the_failure_clears() -> None:
    stub = StubBkash()
    answers = iter([httpx.Response(503, text="<html>maintenance</html>"), ok(paymentID="TR1")])
    stub.routes["payment/status"] = lambda _: next(answers)
    with sync_client(stub) as client:
        reply = client._call(QUERY_PAYMENT, body_for(QUERY_PAYMENT))
    assert reply.data["paymentID"] == "TR1"
    assert stub.counts["payment/status"] == 2


def test_max_retries_zero_means_one_attempt() -> None:
    stub = StubBkash()
    stub.routes["payment/status"] = _status(503)
    with sync_client(stub, settings={"max_retries": 0}) as client, pytest.raises(BkashAPIError):
        client._call(QUERY_PAYMENT, body_for(QUERY_PAYMENT))
    assert stub.counts["payment/status"] == 1


def test_backoff_is_exponential_with_jitter_and_capped() -> None:
    low = RetryPolicy(5, base_delay=0.5, max_delay=4.0, rng=lambda: 0.0)
    high = RetryPolicy(5, base_delay=0.5, max_delay=4.0, rng=lambda: 1.0)
    assert [low.delay(n) for n in range(1, 6)] == [0.25, 0.5, 1.0, 2.0, 2.0]
    assert [high.delay(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 4.0, 4.0]
    assert low.delay(6) is None


def test_retry_after_is_honoured_within_a_cap() -> None:
    policy = RetryPolicy(2, base_delay=0.5, max_retry_after=30.0, rng=lambda: 0.0)
    assert policy.delay(1, "7") == 7.0
    assert policy.delay(1, "120") is None
    assert policy.delay(1, "soon") == 0.25
