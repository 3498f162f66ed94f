"""Inspection, events, masking, thread safety, the clock and the blocking server entry point."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from bkash_sdk.testing import Clock, Credentials, FakeBkash, PaymentCompleted, Stage
from tests import canaries

from ._driver import PATHS, SANDBOX_ORIGIN
from ._merchant import in_process

CANARY = Credentials(**canaries.CREDENTIALS)


def _grant_and_refresh(client: httpx.Client) -> None:
    body = {"app_key": canaries.APP_KEY, "app_secret": canaries.APP_SECRET}
    headers = {"username": canaries.USERNAME, "password": canaries.PASSWORD}
    granted = client.post(PATHS["grant"], json=body, headers=headers).json()
    refresh = {**body, "refresh_token": granted["refresh_token"]}
    client.post(PATHS["refresh"], json=refresh, headers=headers)
    auth = {"Authorization": granted["id_token"], "X-APP-Key": canaries.APP_KEY}
    client.post(PATHS["query"], json={"paymentID": "x"}, headers=auth)


def test_requests_are_recorded_with_secrets_masked(capfd: pytest.CaptureFixture[str]) -> None:
    fake = FakeBkash(credentials=[CANARY])
    with fake.serve() as server, httpx.Client(base_url=server.origin) as client:
        _grant_and_refresh(client)
    assert [r.endpoint for r in fake.requests] == ["grant", "refresh", "query"]
    assert (fake.count("grant"), fake.count("refresh"), fake.count("query")) == (1, 1, 1)
    grant = fake.requests[0]
    assert (grant.method, grant.path, grant.status) == ("POST", PATHS["grant"], 200)
    assert grant.headers["username"] == grant.headers["password"] == "[redacted]"
    assert grant.body == {"app_key": canaries.APP_KEY, "app_secret": "[redacted]"}
    assert fake.requests[2].headers["authorization"] == "[redacted]"
    assert len(fake.issued_tokens) == 3  # refresh token, id_token, refreshed id_token
    recorded = repr(fake.requests)
    for secret in (*canaries.SECRETS, *fake.issued_tokens):
        assert secret not in recorded
    out, err = capfd.readouterr()
    assert out == err == ""


def test_events_and_listeners_for_money_reaching_the_merchant() -> None:
    fake = FakeBkash()
    seen: list[PaymentCompleted] = []
    fake.subscribe(seen.append)
    with in_process(fake) as merchant:
        sale = merchant.create(amount="10", merchantInvoiceNumber="INV-S")["paymentID"]
        fake.approve(sale, wallet="01929918378")
        trx = merchant.call("execute", {"paymentID": sale}).json["trxID"]
        held = merchant.create(amount="20", intent="authorization")["paymentID"]
        fake.approve(held)
        merchant.call("execute", {"paymentID": held})
        assert len(fake.events) == 1
        merchant.call("capture", {"paymentID": held})
    events = fake.events
    assert len(events) == 2
    assert events == tuple(seen)
    first = events[0]
    assert (first.payment_id, first.trx_id, first.amount) == (sale, trx, "10")
    assert (first.wallet, first.merchant_invoice_number) == ("01929918378", "INV-S")
    assert events[1].payment_id == held
    record = fake.payment(sale)
    assert (record.stage, record.wallet, record.trx_id) == (Stage.COMPLETED, "01929918378", trx)
    with pytest.raises(KeyError):
        fake.payment("TR0011none")
    with pytest.raises(KeyError):
        fake.agreement("none")


def test_concurrent_threads_share_one_consistent_state() -> None:
    fake = FakeBkash()
    with in_process(fake) as merchant:

        def buy(index: int) -> str:
            payment_id = merchant.create(amount=str(100 + index))["paymentID"]
            fake.approve(payment_id, wallet="01770618575")
            return str(merchant.call("execute", {"paymentID": payment_id}).json["trxID"])

        with ThreadPoolExecutor(max_workers=16) as pool:
            trx_ids = list(pool.map(buy, range(32)))
    assert len(set(trx_ids)) == 32
    assert fake.count("execute") == 32


def test_clock() -> None:
    clock = Clock(start=1_700_000_000.0)
    clock.advance(1.5)
    assert clock.now() == 1_700_000_001.5
    with pytest.raises(ValueError, match="forward"):
        clock.advance(-1)
    fake = FakeBkash(clock=clock)
    with in_process(fake) as merchant:
        created = merchant.create()
    assert created["paymentID"].endswith("1700000001500")
    assert created["paymentCreateTime"] == "2023-11-15T04:13:21:500 GMT+0600"


def test_run_server_prints_urls_only_and_stops_on_ctrl_c() -> None:
    code = "from bkash_sdk.testing import run_server; run_server(port=0)"
    process = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        base_url = first.rsplit(" ", 1)[1].strip()
        assert base_url.startswith("http://127.0.0.1:")
        assert base_url.endswith("/v1.2.0-beta")
        origin = base_url.removesuffix("/v1.2.0-beta")
        answer = httpx.post(origin + PATHS["grant"], json={}, timeout=5)
        assert answer.status_code == 401
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=5)
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
    printed = first + out + err
    assert "bKash sandbox stopped" in out
    assert "Traceback" not in err
    for secret in (
        "sandboxTokenizedUser02@12345",
        "2is7hdktrekvrbljjh44ll3d9l1dtjo4pasmjvs5vl5qr3fug4b",
    ):
        assert secret not in printed


def test_transport_answers_full_sandbox_urls() -> None:
    fake = FakeBkash()
    with httpx.Client(transport=fake.transport()) as client:
        response = client.post(SANDBOX_ORIGIN + PATHS["grant"], json={})
    assert response.status_code == 401
