"""Request ids on every call, one structured log record per attempt, and no secret anywhere."""

from __future__ import annotations

import logging
import traceback

import httpx
import pytest

from bkash_sdk import (
    AuthenticationError,
    BkashAPIError,
    BkashClient,
    BkashTimeoutError,
    __version__,
)
from bkash_sdk._operations import EXECUTE_PAYMENT, QUERY_PAYMENT
from tests import canaries
from tests.client.stub import StubBkash, config, sync_client
from tests.conftest import find_leaks


def test_every_outbound_call_carries_a_fresh_request_id() -> None:
    stub = StubBkash()
    with sync_client(stub) as client:
        replies = [client._call(QUERY_PAYMENT, {"paymentID": "TR1"}) for _ in range(3)]
    sent = [r.headers["X-Request-ID"] for r in stub.requests]
    assert len(set(sent)) == len(sent) == 4  # grant + three queries
    assert [r.request_id for r in replies] == sent[1:]


def test_errors_carry_the_request_id_that_was_sent() -> None:
    stub = StubBkash()
    stub.routes["execute"] = lambda _: httpx.Response(
        200, json={"statusCode": "2023", "statusMessage": "Insufficient Balance"}
    )
    with sync_client(stub) as client, pytest.raises(BkashAPIError) as caught:
        client._call(EXECUTE_PAYMENT, {"paymentID": "TR1"})
    assert caught.value.request_id == stub.requests[-1].headers["X-Request-ID"]
    assert caught.value.request_id in str(caught.value)


def test_one_structured_record_per_attempt(log_records: list[logging.LogRecord]) -> None:
    stub = StubBkash()
    stub.routes["payment/status"] = lambda _: httpx.Response(
        200,
        json={"statusCode": "0000", "paymentID": "TR1", "trxID": "CK250NROQ5"},
    )
    with sync_client(stub) as client:
        client._call(QUERY_PAYMENT, {"paymentID": "TR1"})
    fields = [r.bkash for r in log_records if hasattr(r, "bkash")]
    assert [f["operation"] for f in fields] == ["token.grant", "payments.query"]
    query = fields[1]
    assert query["payment_id"] == "TR1"
    assert query["trx_id"] == "CK250NROQ5"
    assert query["code"] == "0000"
    assert query["http_status"] == 200
    assert query["attempt"] == 1
    assert query["request_id"] == stub.requests[-1].headers["X-Request-ID"]
    assert query["latency_ms"] >= 0


def test_failed_attempts_are_logged_as_warnings(log_records: list[logging.LogRecord]) -> None:
    stub = StubBkash()

    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("stalled", request=request)

    stub.routes["payment/status"] = timeout
    with sync_client(stub) as client, pytest.raises(BkashTimeoutError):
        client._call(QUERY_PAYMENT, {"paymentID": "TR1"})
    warnings = [r for r in log_records if r.levelno == logging.WARNING]
    assert [r.bkash["attempt"] for r in warnings] == [1, 2, 3]  # type: ignore[attr-defined]
    assert {r.bkash["error"] for r in warnings} == {"ReadTimeout"}  # type: ignore[attr-defined]


def test_reprs_strings_and_tracebacks_hold_no_secret() -> None:
    stub = StubBkash()
    stub.routes["token/grant"] = lambda _: httpx.Response(
        401, json={"message": "Unauthorized", "echo": canaries.PASSWORD}
    )
    with sync_client(stub) as client:
        with pytest.raises(AuthenticationError) as caught:
            client._call(QUERY_PAYMENT, {"paymentID": "TR1"})
        texts = [
            repr(client),
            repr(client.config),
            str(client.config),
            repr(client._pipeline),
            repr(client._pipeline.token_auth),
            repr(client._pipeline.credentials_auth),
            str(caught.value),
            repr(caught.value),
            str(caught.value.raw_body),
            "".join(traceback.format_exception(caught.value)),
        ]
    for text in texts:
        assert find_leaks(text) == [], text


def test_a_cached_token_record_repr_hides_tokens() -> None:
    stub = StubBkash()
    with sync_client(stub) as client:
        client._call(QUERY_PAYMENT, {"paymentID": "TR1"})
        record = client._tokens._local
    assert record is not None
    assert canaries.ID_TOKEN not in repr(record)
    assert canaries.REFRESH_TOKEN not in repr(record)


def test_a_user_supplied_clients_headers_are_sent_with_ours_taking_precedence() -> None:
    stub = StubBkash()
    http = httpx.Client(
        transport=httpx.MockTransport(stub.handle),
        headers={"X-Tenant": "shop-7", "Accept": "text/html"},
    )
    with BkashClient(config(), http_client=http) as client:
        client._call(QUERY_PAYMENT, {"paymentID": "TR1"})
    query = stub.requests[-1]
    assert query.headers["X-Tenant"] == "shop-7"
    assert query.headers["Accept"] == "application/json"
    assert query.headers["User-Agent"] == f"bkash-sdk/{__version__}"
