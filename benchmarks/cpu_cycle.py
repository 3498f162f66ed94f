"""CPU cost of one create + execute + query cycle: the SDK against hand-written httpx calls.

Both sides send the same three requests through the same in-process transport with canned
bKash answers (the token is already cached), so the difference is the SDK's own work:
validation, request ids, the token auth, answer interpretation and the typed models.

Usage: .venv/bin/python benchmarks/cpu_cycle.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import time
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import httpx
from _canned import APP_KEY, BASE_URL, CALLBACK_URL, CONFIG, ID_TOKEN, CannedBkash, print_table

from bkash_sdk import AsyncBkashClient, BkashClient
from bkash_sdk._operations import CREATE_PAYMENT, EXECUTE_PAYMENT, QUERY_PAYMENT

TARGET = 1.15
ROOT = f"{BASE_URL}/tokenized/checkout"
CREATE_BODY = {
    "mode": "0011",
    "payerReference": "user-42",
    "callbackURL": CALLBACK_URL,
    "amount": "500.00",
    "currency": "BDT",
    "intent": "sale",
    "merchantInvoiceNumber": "INV-1",
}
HEADERS = {"Authorization": ID_TOKEN, "X-APP-Key": APP_KEY}


def _checked(response: httpx.Response) -> dict[str, Any]:
    data: dict[str, Any] = response.json()
    if data.get("statusCode") != "0000":
        raise RuntimeError(f"unexpected answer {data}")
    return data


def raw_cycle(http: httpx.Client) -> None:
    created = _checked(http.post(f"{ROOT}/create", headers=HEADERS, json=CREATE_BODY))
    body = {"paymentID": created["paymentID"]}
    _checked(http.post(f"{ROOT}/execute", headers=HEADERS, json=body))
    _checked(http.post(f"{ROOT}/payment/status", headers=HEADERS, json=body))


def core_cycle(client: BkashClient) -> None:
    """The same calls through the client's pipeline only: no input checks, no models."""
    created = client._call(CREATE_PAYMENT, CREATE_BODY)
    body = {"paymentID": created.data["paymentID"]}
    client._call(EXECUTE_PAYMENT, body)
    client._call(QUERY_PAYMENT, body)


def sdk_cycle(client: BkashClient) -> None:
    payment = client.payments.create(
        amount=Decimal("500.00"), merchant_invoice_number="INV-1", payer_reference="user-42"
    )
    client.payments.execute(payment.payment_id)
    client.payments.query(payment.payment_id)


async def araw_cycle(http: httpx.AsyncClient) -> None:
    created = _checked(await http.post(f"{ROOT}/create", headers=HEADERS, json=CREATE_BODY))
    body = {"paymentID": created["paymentID"]}
    _checked(await http.post(f"{ROOT}/execute", headers=HEADERS, json=body))
    _checked(await http.post(f"{ROOT}/payment/status", headers=HEADERS, json=body))


async def asdk_cycle(client: AsyncBkashClient) -> None:
    payment = await client.payments.create(
        amount=Decimal("500.00"), merchant_invoice_number="INV-1", payer_reference="user-42"
    )
    await client.payments.execute(payment.payment_id)
    await client.payments.query(payment.payment_id)


def _cpu_per_cycle(run: Callable[[], None], cycles: int) -> float:
    gc.collect()
    started = time.process_time()
    for _ in range(cycles):
        run()
    return (time.process_time() - started) / cycles


async def _acpu_per_cycle(run: Callable[[], Awaitable[None]], cycles: int) -> float:
    gc.collect()
    started = time.process_time()
    for _ in range(cycles):
        await run()
    return (time.process_time() - started) / cycles


def measure_sync(rounds: int, cycles: int) -> tuple[float, float, float]:
    """Median CPU seconds per cycle: (raw httpx, SDK core, SDK), rounds interleaved."""
    canned = CannedBkash()
    client = BkashClient(CONFIG, http_client=canned.client())
    with canned.client() as http, client:
        raw_cycle(http)
        sdk_cycle(client)  # grants and caches the token
        raw, core, sdk = [], [], []
        for _ in range(rounds):
            raw.append(_cpu_per_cycle(lambda: raw_cycle(http), cycles))
            core.append(_cpu_per_cycle(lambda: core_cycle(client), cycles))
            sdk.append(_cpu_per_cycle(lambda: sdk_cycle(client), cycles))
    return statistics.median(raw), statistics.median(core), statistics.median(sdk)


async def measure_async(rounds: int, cycles: int) -> tuple[float, float]:
    """The async client's median CPU seconds per cycle: (raw httpx, SDK)."""
    canned = CannedBkash()
    client = AsyncBkashClient(CONFIG, http_client=canned.async_client())
    async with canned.async_client() as http, client:
        await araw_cycle(http)
        await asdk_cycle(client)
        raw, sdk = [], []
        for _ in range(rounds):
            raw.append(await _acpu_per_cycle(lambda: araw_cycle(http), cycles))
            sdk.append(await _acpu_per_cycle(lambda: asdk_cycle(client), cycles))
    return statistics.median(raw), statistics.median(sdk)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run of a few seconds")
    args = parser.parse_args()
    rounds, cycles = (3, 50) if args.quick else (9, 2000)
    raw, core, sdk = measure_sync(rounds, cycles)
    results = {
        "sync, core pipeline only": (raw, core),
        "sync, client.payments": (raw, sdk),
        "async, client.payments": asyncio.run(measure_async(rounds, cycles)),
    }
    rows = []
    for name, (raw, sdk) in results.items():
        ratio = sdk / raw
        rows.append(
            (
                name,
                f"{raw * 1e6:.0f}",
                f"{sdk * 1e6:.0f}",
                f"{(sdk - raw) * 1e6:+.0f}",
                f"{ratio:.2f}",
                "within" if ratio <= TARGET else "over",
            )
        )
    print(f"CPU per create+execute+query cycle ({rounds} rounds x {cycles} cycles, median)")
    headers = ("client", "raw httpx µs", "SDK µs", "SDK extra µs", "ratio", f"{TARGET:.2f} target")
    print_table(headers, rows)


if __name__ == "__main__":
    main()
