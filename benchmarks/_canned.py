"""Canned bKash answers behind an in-process httpx transport, and the table printer.

The answers are fixed bytes, so a benchmark measures the caller, not a simulator.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections import Counter
from collections.abc import Sequence

import httpx

from bkash_sdk import BkashConfig

APP_KEY = "bench-app-key"
BASE_URL = "https://tokenized.sandbox.bka.sh/v1.2.0-beta"
CALLBACK_URL = "https://shop.example/api/v1/payments/bkash/callback"
CONFIG = BkashConfig(
    app_key=APP_KEY,
    app_secret="bench-app-secret",
    username="bench-user",
    password="bench-password",
    base_url=BASE_URL,
    callback_url=CALLBACK_URL,
)
PAYMENT_ID = "TR0011RQ0RPxs1795721638096"
ID_TOKEN = "bench-id-token"
_TIME = "2024-05-01T18:00:00:096 GMT+0600"
_OK = {"statusCode": "0000", "statusMessage": "Successful"}

_TOKEN = {
    "id_token": ID_TOKEN,
    "token_type": "Bearer",
    "expires_in": 3600,
    "refresh_token": "bench-refresh-token",
    **_OK,
}
_ANSWERS: dict[str, dict[str, object]] = {
    "token/grant": _TOKEN,
    "token/refresh": _TOKEN,
    "create": {
        "paymentID": PAYMENT_ID,
        "bkashURL": f"https://sandbox.payment.bkash.com/?paymentId={PAYMENT_ID}&mode=0011",
        "callbackURL": CALLBACK_URL,
        "successCallbackURL": f"{CALLBACK_URL}?paymentID={PAYMENT_ID}&status=success",
        "failureCallbackURL": f"{CALLBACK_URL}?paymentID={PAYMENT_ID}&status=failure",
        "cancelledCallbackURL": f"{CALLBACK_URL}?paymentID={PAYMENT_ID}&status=cancel",
        "amount": "500.00",
        "intent": "sale",
        "currency": "BDT",
        "paymentCreateTime": _TIME,
        "transactionStatus": "Initiated",
        "merchantInvoiceNumber": "INV-1",
        **_OK,
    },
    "execute": {
        "paymentID": PAYMENT_ID,
        "trxID": "M8LHKVDZI2",
        "transactionStatus": "Completed",
        "amount": "500.00",
        "currency": "BDT",
        "intent": "sale",
        "paymentExecuteTime": _TIME,
        "merchantInvoiceNumber": "INV-1",
        "payerType": "Customer",
        "payerReference": "user-42",
        "customerMsisdn": "01770618575",
        "payerAccount": "01770618575",
        "maxRefundableAmount": "500.00",
        **_OK,
    },
    "payment/status": {
        "paymentID": PAYMENT_ID,
        "mode": "0011",
        "paymentCreateTime": _TIME,
        "paymentExecuteTime": _TIME,
        "amount": "500.00",
        "currency": "BDT",
        "intent": "sale",
        "merchantInvoice": "INV-1",
        "trxID": "M8LHKVDZI2",
        "transactionStatus": "Completed",
        "verificationStatus": "Complete",
        "payerReference": "user-42",
        "customerMsisdn": "01770618575",
        "maxRefundableAmount": "500.00",
        **_OK,
    },
}
_BODIES = {name: json.dumps(answer).encode() for name, answer in _ANSWERS.items()}
_PREFIX = "/v1.2.0-beta/tokenized/checkout/"
_HEADERS = {"Content-Type": "application/json"}


class CannedBkash:
    """Answers each endpoint with its fixed body; token calls can be slowed and are counted."""

    def __init__(self, token_delay: float = 0.0) -> None:
        self.token_delay = token_delay
        self.calls: Counter[str] = Counter()
        self._lock = threading.Lock()

    def _name(self, request: httpx.Request) -> str:
        name = request.url.path.removeprefix(_PREFIX)
        with self._lock:
            self.calls[name] += 1
        return name

    def _reply(self, name: str) -> httpx.Response:
        return httpx.Response(200, headers=_HEADERS, content=_BODIES[name])

    def handle(self, request: httpx.Request) -> httpx.Response:
        name = self._name(request)
        if name.startswith("token/") and self.token_delay:
            time.sleep(self.token_delay)
        return self._reply(name)

    async def ahandle(self, request: httpx.Request) -> httpx.Response:
        name = self._name(request)
        if name.startswith("token/") and self.token_delay:
            await asyncio.sleep(self.token_delay)
        return self._reply(name)

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self.handle))

    def async_client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self.ahandle))


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A plain, aligned text table."""
    cells = [[str(h) for h in headers], *([str(c) for c in row] for row in rows)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for index, row in enumerate(cells):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if index == 0:
            print("  ".join("-" * width for width in widths))
