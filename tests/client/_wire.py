"""respx-backed bKash for the operation tests: realistic bodies, both clients, one harness."""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx
import respx

from bkash_sdk import SANDBOX_BASE_URL, AsyncBkashClient, BkashClient, BkashConfig
from bkash_sdk.models import DHAKA_TZ, format_bkash_datetime
from tests import canaries

V1 = SANDBOX_BASE_URL + "/tokenized/checkout"
V2 = "https://tokenized.sandbox.bka.sh/v2/tokenized-checkout"
CALLBACK = "https://shop.example/api/v1/payments/bkash/callback"
PAYMENT_ID = "TR0011aBcD3fG1762072142166"
TRX_ID = "CK250NROQ5"
AGREEMENT_ID = "TokenizedMerchant01L3IKB6H1565072174986"
HTML_503 = "<html><head><title>503 Service Temporarily Unavailable</title></head></html>"

PATHS = {
    "grant": V1 + "/token/grant",
    "refresh": V1 + "/token/refresh",
    "create": V1 + "/create",
    "execute": V1 + "/execute",
    "query": V1 + "/payment/status",
    "capture": V1 + "/payment/confirm/capture",
    "void": V1 + "/payment/confirm/void",
    "search": V1 + "/general/searchTransaction",
    "refund_v1": V1 + "/payment/refund",
    "refund_v2": V2 + "/refund/payment/transaction",
    "refund_status_v2": V2 + "/refund/payment/status",
    "agreement_status": V1 + "/agreement/status",
    "agreement_cancel": V1 + "/agreement/cancel",
}


def ok(**fields: Any) -> httpx.Response:
    return httpx.Response(200, json={**fields, "statusCode": "0000", "statusMessage": "Successful"})


def business(code: str, message: str = "Error") -> httpx.Response:
    return httpx.Response(200, json={"statusCode": code, "statusMessage": message})


def now_bkash() -> str:
    return format_bkash_datetime(datetime.now(DHAKA_TZ))


def created(**overrides: Any) -> httpx.Response:
    links = f"{CALLBACK}?paymentID={PAYMENT_ID}&signature=Xy12AbCdEf&status="
    return ok(
        paymentID=PAYMENT_ID,
        bkashURL=f"https://sandbox.payment.bkash.com/?paymentId={PAYMENT_ID}&hash=x&mode=0011",
        callbackURL=CALLBACK,
        successCallbackURL=links + "success",
        failureCallbackURL=links + "failure",
        cancelledCallbackURL=links + "cancel",
        amount="599.00",
        intent="sale",
        currency="BDT",
        paymentCreateTime="2025-11-02T14:29:02:166 GMT+0600",
        transactionStatus="Initiated",
        merchantInvoiceNumber="INV-42-1",
        **overrides,
    )


def executed(**overrides: Any) -> httpx.Response:
    fields: dict[str, Any] = {
        "paymentID": PAYMENT_ID,
        "trxID": TRX_ID,
        "transactionStatus": "Completed",
        "amount": "599.00",
        "currency": "BDT",
        "intent": "sale",
        "paymentExecuteTime": "2025-11-02T14:30:12:378 GMT+0600",
        "merchantInvoiceNumber": "INV-42-1",
        "payerReference": "cust-42",
        "customerMsisdn": "01619777283",
    }
    return ok(**{**fields, **overrides})


def queried(**overrides: Any) -> httpx.Response:
    fields: dict[str, Any] = {
        "paymentID": PAYMENT_ID,
        "mode": "0011",
        "paymentCreateTime": "2025-11-02T14:29:02:166 GMT+0600",
        "paymentExecuteTime": "2025-11-02T14:30:12:378 GMT+0600",
        "amount": "599.00",
        "currency": "BDT",
        "intent": "sale",
        "merchantInvoice": "INV-42-1",
        "trxID": TRX_ID,
        "transactionStatus": "Completed",
        "verificationStatus": "Complete",
        "payerReference": "cust-42",
    }
    return ok(**{**fields, **overrides})


def refund_record(amount: str = "100.00", completed: str | None = None) -> dict[str, Any]:
    return {
        "refundTrxId": "BFD90JRLST",
        "refundTransactionStatus": "Completed",
        "refundAmount": amount,
        "completedTime": completed or now_bkash(),
    }


def config(**overrides: Any) -> BkashConfig:
    """A configuration with the canary credentials."""
    settings: dict[str, Any] = {**canaries.CREDENTIALS, **overrides}
    return BkashConfig(**settings)


def body(request: httpx.Request) -> Any:
    return json.loads(request.content)


class Wire:
    """A respx router standing in for bKash, with a client of either flavour on top."""

    def __init__(self, flavour: str, **settings: Any) -> None:
        self.flavour = flavour
        self.router = respx.MockRouter(assert_all_called=False)
        self.routes = {name: self.router.post(url) for name, url in PATHS.items()}
        self.routes["grant"].mock(
            return_value=ok(
                id_token=canaries.ID_TOKEN,
                token_type="Bearer",
                expires_in=3600,
                refresh_token=canaries.REFRESH_TOKEN,
            )
        )
        self.routes["refresh"].mock(
            return_value=ok(
                id_token=canaries.ID_TOKEN_2,
                token_type="Bearer",
                expires_in=3600,
                refresh_token=canaries.REFRESH_TOKEN,
            )
        )
        options: dict[str, Any] = {
            "callback_url": CALLBACK,
            "timeout": 2.0,
            "max_retries": 1,
            "retry_backoff": 0.0,
            **settings,
        }
        clock = options.pop("clock", None)
        store = options.pop("outcome_store", None)
        settings_ = config(**options)
        self.client: BkashClient | AsyncBkashClient
        if flavour == "sync":
            http = httpx.Client(transport=httpx.MockTransport(self.router.handler))
            self.client = BkashClient(settings_, http_client=http, clock=clock, outcome_store=store)
        else:
            ahttp = httpx.AsyncClient(transport=httpx.MockTransport(self.router.async_handler))
            self.client = AsyncBkashClient(
                settings_, http_client=ahttp, clock=clock, outcome_store=store
            )

    def __getitem__(self, name: str) -> respx.Route:
        return self.routes[name]

    def call(self, invoke: Callable[[Any], Any]) -> Any:
        """``invoke(client)``, awaited for the async client."""
        result = invoke(self.client)
        if inspect.isawaitable(result):
            return asyncio.run(_wait(result))
        return result

    @property
    def calls(self) -> int:
        """API calls made, token calls excluded."""
        tokens = ("grant", "refresh")
        return sum(route.call_count for name, route in self.routes.items() if name not in tokens)

    @property
    def total_calls(self) -> int:
        return sum(route.call_count for route in self.routes.values())


async def _wait(awaitable: Any) -> Any:
    return await awaitable
