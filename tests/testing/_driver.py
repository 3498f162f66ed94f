"""Scenario plumbing: scenarios are generators of API calls, driven by sync or async httpx."""

from __future__ import annotations

import json
import re
from collections.abc import Generator, Mapping
from typing import Any

import attrs
import httpx

from bkash_sdk.testing import PUBLIC_SANDBOX_CREDENTIALS, Credentials

SANDBOX_ORIGIN = "https://tokenized.sandbox.bka.sh"
V1 = "/v1.2.0-beta/tokenized/checkout"
PATHS = {
    "grant": f"{V1}/token/grant",
    "refresh": f"{V1}/token/refresh",
    "create": f"{V1}/create",
    "execute": f"{V1}/execute",
    "query": f"{V1}/payment/status",
    "search": f"{V1}/general/searchTransaction",
    "refund": f"{V1}/payment/refund",
    "refund_status": f"{V1}/payment/refund",
    "capture": f"{V1}/payment/confirm/capture",
    "void": f"{V1}/payment/confirm/void",
    "agreement_status": f"{V1}/agreement/status",
    "agreement_cancel": f"{V1}/agreement/cancel",
    "refund_v2": "/v2/tokenized-checkout/refund/payment/transaction",
    "refund_status_v2": "/v2/tokenized-checkout/refund/payment/status",
}
T2 = PUBLIC_SANDBOX_CREDENTIALS[0]

PAYMENT_ID = re.compile(r"TR(0011|0001|0000)[A-Za-z0-9]{7}\d{13}")
TRX_ID = re.compile(r"[A-Z0-9]{10}")
AGREEMENT_ID = re.compile(r"TokenizedMerchant01[A-Z0-9]{8}\d{13}")
TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d:\d{3}( GMT\+0600)?")
JWT = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
JWE = re.compile(r"[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+){4}")
_SHAPES = {
    "paymentID": PAYMENT_ID,
    "paymentId": PAYMENT_ID,
    "trxID": TRX_ID,
    "trxId": TRX_ID,
    "refundTrxID": TRX_ID,
    "refundTrxId": TRX_ID,
    "originalTrxID": TRX_ID,
    "originalTrxId": TRX_ID,
    "agreementID": AGREEMENT_ID,
    "id_token": JWT,
    "refresh_token": JWE,
}


@attrs.frozen
class Call:
    """One request a scenario wants made."""

    endpoint: str
    body: object
    headers: Mapping[str, str] = attrs.field(factory=dict)


@attrs.frozen
class Answer:
    """What came back."""

    status: int
    text: str
    json: Any

    @classmethod
    def of(cls, response: httpx.Response) -> Answer:
        """Parse leniently (bKash sends raw newlines inside strings)."""
        try:
            body = json.loads(response.text, strict=False) if response.text else None
        except ValueError:
            body = None
        return cls(response.status_code, response.text, body)

    def code(self) -> str | None:
        """``statusCode`` of a v1 body."""
        return self.json.get("statusCode") if isinstance(self.json, dict) else None


Scenario = Generator[Call, Answer, None]
Step = tuple[str, int, Any]


def token_headers(creds: Credentials = T2) -> dict[str, str]:
    """Grant/refresh headers."""
    return {"username": creds.username, "password": creds.password}


def grant(creds: Credentials = T2) -> Call:
    """A grant call for *creds*."""
    body = {"app_key": creds.app_key, "app_secret": creds.app_secret}
    return Call("grant", body, token_headers(creds))


def api(endpoint: str, body: object, token: str, app_key: str = T2.app_key) -> Call:
    """An authenticated call with the raw id_token (the canonical form)."""
    return Call(endpoint, body, {"Authorization": token, "X-APP-Key": app_key})


def normalise(value: Any, key: str = "") -> Any:
    """Replace ids, tokens, times and URLs (after checking their shape) with placeholders."""
    if isinstance(value, dict):
        return {k: normalise(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    if isinstance(value, str):
        shape = _SHAPES.get(key)
        if shape is not None:
            assert shape.fullmatch(value), (key, value)
            return f"<{key}>"
        if key.endswith("Time"):
            assert TIME.fullmatch(value), (key, value)
            return "<time>"
        if key.endswith("URL"):
            return "<url>"
    return value


def _send(call: Call) -> dict[str, Any]:
    body = call.body
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"Content-Type": "application/json", "Accept": "application/json", **call.headers}
    return {"content": content, "headers": headers}


def run_sync(client: httpx.Client, scenario: Scenario) -> list[Step]:
    """Drive *scenario* with a sync client; return its normalised transcript."""
    transcript: list[Step] = []
    try:
        call = next(scenario)
        while True:
            answer = Answer.of(client.post(PATHS[call.endpoint], **_send(call)))
            transcript.append((call.endpoint, answer.status, normalise(answer.json)))
            call = scenario.send(answer)
    except StopIteration:
        return transcript


async def run_async(client: httpx.AsyncClient, scenario: Scenario) -> list[Step]:
    """Drive *scenario* with an async client; return its normalised transcript."""
    transcript: list[Step] = []
    try:
        call = next(scenario)
        while True:
            answer = Answer.of(await client.post(PATHS[call.endpoint], **_send(call)))
            transcript.append((call.endpoint, answer.status, normalise(answer.json)))
            call = scenario.send(answer)
    except StopIteration:
        return transcript
