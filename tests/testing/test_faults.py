"""Fault injection: each kind, for the next N calls only, through both faces."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

import httpx
import pytest

from bkash_sdk.testing import FakeBkash, Fault
from bkash_sdk.testing._faults import HTML_503

from ._driver import PATHS, SANDBOX_ORIGIN
from ._merchant import FACES, Merchant, in_process

Face = Callable[[FakeBkash], AbstractContextManager[Merchant]]


@pytest.fixture(params=sorted(FACES))
def face(request: pytest.FixtureRequest) -> Face:
    chosen: Face = FACES[request.param]
    return chosen


@pytest.fixture
def shop(face: Face) -> Iterator[tuple[FakeBkash, Merchant]]:
    fake = FakeBkash()
    with face(fake) as merchant:
        yield fake, merchant


def approved(fake: FakeBkash, merchant: Merchant, amount: str = "100") -> str:
    payment_id = str(merchant.create(amount=amount)["paymentID"])
    fake.approve(payment_id)
    return payment_id


def status_of(merchant: Merchant, payment_id: str) -> str:
    return str(merchant.call("query", {"paymentID": payment_id}).json["transactionStatus"])


def test_html_503_for_the_next_two_calls_only(shop: tuple[FakeBkash, Merchant]) -> None:
    fake, merchant = shop
    payment_id = approved(fake, merchant)
    fake.inject("query", Fault.html_503(), times=2)
    for _ in range(2):
        answer = merchant.call("query", {"paymentID": payment_id})
        assert (answer.status, answer.text.encode()) == (503, HTML_503)
    assert merchant.call("query", {"paymentID": payment_id}).code() == "0000"
    assert fake.count("query") == 3


def test_gateway_401_does_not_reach_bkash(shop: tuple[FakeBkash, Merchant]) -> None:
    fake, merchant = shop
    payment_id = approved(fake, merchant)
    fake.inject("execute", Fault.unauthorized())
    answer = merchant.call("execute", {"paymentID": payment_id})
    assert (answer.status, answer.json) == (401, {"message": "Unauthorized"})
    assert status_of(merchant, payment_id) == "Initiated"
    assert merchant.call("execute", {"paymentID": payment_id}).json["transactionStatus"] == (
        "Completed"
    )


def test_business_error_in_http_200(shop: tuple[FakeBkash, Merchant]) -> None:
    fake, merchant = shop
    fake.inject("create", Fault.business("503"))
    answer = merchant.call("create", {"mode": "0011"})
    expected = {
        "statusCode": "503",
        "statusMessage": "System is undergoing maintenance. Please try again later",
    }
    assert (answer.status, answer.json) == (200, expected)


def test_delay_past_the_client_timeout_still_completes(shop: tuple[FakeBkash, Merchant]) -> None:
    fake, merchant = shop
    payment_id = approved(fake, merchant)
    fake.inject("execute", Fault.delay(30))
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        merchant.call("execute", {"paymentID": payment_id}, timeout=0.2)
    assert time.monotonic() - started < 10  # the client's timeout ended it, not the delay
    assert status_of(merchant, payment_id) == "Completed"


def test_short_delay_answers_normally(shop: tuple[FakeBkash, Merchant]) -> None:
    fake, merchant = shop
    fake.inject("query", Fault.delay(0.15))
    started = time.monotonic()
    answer = merchant.call("query", {"paymentID": "TR0011none"}, timeout=2)
    assert answer.code() == "2002"
    assert time.monotonic() - started >= 0.15


def test_stall_makes_the_client_time_out(shop: tuple[FakeBkash, Merchant]) -> None:
    fake, merchant = shop
    payment_id = approved(fake, merchant)
    fake.inject("execute", Fault.stall())
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        merchant.call("execute", {"paymentID": payment_id}, timeout=0.3)
    assert 0.3 <= time.monotonic() - started < 10  # ended by the client's timeout
    assert status_of(merchant, payment_id) == "Initiated"  # a stall is not performed


def test_stalled_server_still_stops_promptly() -> None:
    fake = FakeBkash()
    fake.inject("query", Fault.stall(), times=5)
    with fake.serve() as server:
        body = json.dumps({"paymentID": "x"})
        with pytest.raises(httpx.ReadTimeout):
            httpx.post(server.origin + PATHS["query"], content=body, timeout=0.2)
        held = socket.create_connection((server.host, server.port))
        request = (
            f"POST {PATHS['query']} HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        held.sendall(request.encode() + body.encode())
        time.sleep(0.1)  # the server now holds this connection without answering
        started = time.monotonic()
    assert time.monotonic() - started < 4  # not held until the client leaves
    assert held.recv(100) == b""  # closed without an answer
    held.close()


def test_reset(shop: tuple[FakeBkash, Merchant]) -> None:
    fake, merchant = shop
    first, second = approved(fake, merchant, "100"), approved(fake, merchant, "200")
    fake.inject("execute", Fault.reset())
    with pytest.raises(httpx.RemoteProtocolError):
        merchant.call("execute", {"paymentID": first})
    assert status_of(merchant, first) == "Initiated"
    fake.inject("execute", Fault.reset(applied=True))
    with pytest.raises(httpx.RemoteProtocolError):
        merchant.call("execute", {"paymentID": second})
    assert status_of(merchant, second) == "Completed"


def test_malformed_body_has_a_raw_newline(shop: tuple[FakeBkash, Merchant]) -> None:
    fake, merchant = shop
    payment_id = approved(fake, merchant)
    fake.inject("execute", Fault.malformed())
    answer = merchant.call("execute", {"paymentID": payment_id})
    with pytest.raises(json.JSONDecodeError):
        json.loads(answer.text)
    assert answer.json["statusMessage"] == "Successful\n"  # parsed leniently
    assert answer.json["transactionStatus"] == "Completed"


def test_truncated_and_empty_bodies_after_the_work_is_done(
    shop: tuple[FakeBkash, Merchant],
) -> None:
    fake, merchant = shop
    first, second = approved(fake, merchant, "100"), approved(fake, merchant, "200")
    fake.inject("execute", Fault.truncated())
    cut = merchant.call("execute", {"paymentID": first})
    assert cut.status == 200
    assert cut.json is None
    assert cut.text.startswith('{"paymentID"')
    fake.inject("execute", Fault.empty(502))
    empty = merchant.call("execute", {"paymentID": second})
    assert (empty.status, empty.text) == (502, "")
    assert status_of(merchant, first) == status_of(merchant, second) == "Completed"


def test_faults_on_token_and_refund_status_keys(shop: tuple[FakeBkash, Merchant]) -> None:
    fake, merchant = shop
    fake.inject("grant", Fault.html_503())
    grant = merchant.client.post(PATHS["grant"], json={})
    assert grant.status_code == 503
    assert fake.count("grant") == 2
    fake.inject("refund_status", Fault.business("2003", "Process failed"))
    answer = merchant.call("refund_status", {"paymentID": "p", "trxID": "t"})
    assert answer.json == {"statusCode": "2003", "statusMessage": "Process failed"}
    assert merchant.call("refund", {"paymentID": "p", "trxID": "t", "amount": "1"}).code() == (
        "2002"
    )


def test_inject_checks_its_arguments_and_clear_forgets() -> None:
    fake = FakeBkash()
    with pytest.raises(ValueError, match="unknown endpoint"):
        fake.inject("payment", Fault.stall())
    with pytest.raises(ValueError, match="times"):
        fake.inject("query", Fault.stall(), times=0)
    fake.inject("query", Fault.html_503(), times=3)
    fake.clear_faults()
    with in_process(fake) as merchant:
        assert merchant.call("query", {"paymentID": "x"}).code() == "2002"


async def test_async_delay_and_stall_do_not_block_the_loop() -> None:
    fake = FakeBkash()
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.02)
            ticks += 1

    with in_process(fake) as merchant:
        payment_id = approved(fake, merchant)
    headers = merchant.headers
    fake.inject("execute", Fault.delay(0.5))
    fake.inject("query", Fault.stall())
    task = asyncio.create_task(ticker())
    async with httpx.AsyncClient(transport=fake.transport(), base_url=SANDBOX_ORIGIN) as client:
        with pytest.raises(httpx.ReadTimeout):
            await client.post(
                PATHS["execute"], json={"paymentID": payment_id}, headers=headers, timeout=0.2
            )
        with pytest.raises(httpx.ReadTimeout):
            await client.post(
                PATHS["query"], json={"paymentID": payment_id}, headers=headers, timeout=0.2
            )
        query = await client.post(PATHS["query"], json={"paymentID": payment_id}, headers=headers)
    task.cancel()
    assert query.json()["transactionStatus"] == "Completed"
    assert ticks >= 10
