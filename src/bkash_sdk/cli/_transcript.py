"""The go-live validation transcript: recorded exchanges as JSON and as Markdown."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ._recording import Exchange

_APIS: tuple[tuple[str, str, str], ...] = (
    (
        "/token/grant",
        "Grant Token",
        "Called once per run: the id_token is cached for its lifetime and refreshed before "
        "expiry (at most twice an hour), never granted per request. HTTP 401 (wrong app key or "
        "secret) and statusCode 9999 (unknown username, wrong password) raise "
        "AuthenticationError without retry; timeouts, connection errors and 5xx are retried "
        "with backoff.",
    ),
    (
        "/token/refresh",
        "Refresh Token",
        "Refreshes the cached id_token before it expires, at most twice an hour; a refused "
        "refresh falls back to one new grant.",
    ),
    (
        "/checkout/create",
        "Create Payment",
        "Success is HTTP 200 with statusCode 0000; any other statusCode (also inside HTTP 200) "
        "raises BkashAPIError with the code. Never re-sent once the request may have reached "
        "bKash: only connection failures are retried. A gateway 401 drops the token and "
        "replays the request once with a new one.",
    ),
    (
        "/checkout/execute",
        "Execute Payment",
        "Sent once, after the customer approved (callback status=success). With no usable "
        "answer within the timeout (timeout, 5xx, gateway body) or an 'already completed' code "
        "(2062, 2117) the SDK queries the payment and adopts its state instead of executing "
        "again; only if that query fails too it raises PaymentOutcomeUnknown. A business code "
        "(2056, 2023, ...) marks the payment failed. checkout.finalize then compares amount, "
        "currency and invoice with the order before confirming it.",
    ),
    (
        "/payment/status",
        "Query Payment",
        "Read-only, retried on transient failures. In production code it is called only when "
        "execute gave no answer; here it runs once on the same paymentID, as bKash asks.",
    ),
    (
        "/general/searchTransaction",
        "Search Transaction",
        "Read-only, retried on transient failures; an unknown trxID answers 2033 "
        "(InvalidRequestError).",
    ),
    (
        "/refund/payment/transaction",
        "Refund Transaction",
        "Refund v2, sent once. With no usable answer the SDK asks refund status and adopts the "
        "single matching refund, else raises PaymentOutcomeUnknown; it never refunds twice. "
        "v2 errors arrive as HTTP 400 with externalCode.",
    ),
    (
        "/refund/payment/status",
        "Refund Status",
        "Read-only, retried on transient failures; also used to settle a refund whose answer "
        "was lost.",
    ),
    (
        "/checkout/payment/refund",
        "Refund (v1)",
        "Refund v1, sent once; a lost answer is settled through refund status.",
    ),
)
MASKING_NOTE = (
    "App secret, username, password, tokens and the webhook secret are shown as [redacted]; "
    "wallet numbers keep only their last three digits."
)
POLL_STEP = "customer approval"


def api_of(url: str) -> tuple[str, str]:
    """The API title and error-handling note for a request URL."""
    matches = [
        (len(suffix), title, notes) for suffix, title, notes in _APIS if url.endswith(suffix)
    ]
    if not matches:
        return "Other", ""
    _, title, notes = max(matches)
    return title, notes


def build(
    exchanges: Sequence[Exchange], header: dict[str, Any], outcome: dict[str, Any]
) -> dict[str, Any]:
    """The transcript document: ``header`` facts, the steps, then the ``outcome``."""
    steps = []
    shown = [e for e in exchanges if e.step != POLL_STEP]
    for number, exchange in enumerate(shown, start=1):
        title, notes = api_of(exchange.url)
        steps.append(
            {
                "number": number,
                "api": title,
                "request": {
                    "method": exchange.method,
                    "url": exchange.url,
                    "headers": exchange.headers,
                    "body": exchange.body,
                },
                "response": {
                    "http_status": exchange.status,
                    "body": exchange.response,
                    "error": exchange.error,
                    "elapsed_ms": exchange.elapsed_ms,
                },
                "error_handling": notes,
            }
        )
    polls = len(exchanges) - len(shown)
    return {
        **header,
        "masking": MASKING_NOTE,
        **outcome,
        "status_polls_while_waiting_for_customer": polls,
        "steps": steps,
    }


def _block(value: Any) -> list[str]:
    return ["```json", json.dumps(value, indent=2, ensure_ascii=False), "```", ""]


def to_markdown(document: dict[str, Any]) -> str:
    """The transcript as a Markdown page, one section per API call."""
    facts = [
        ("Generated", document.get("generated_at")),
        ("SDK", document.get("sdk")),
        ("Environment", document.get("environment")),
        ("Base URL", document.get("base_url")),
        ("paymentID (create, execute, query)", document.get("payment_id")),
        ("trxID", document.get("trx_id")),
        ("refundTrxID", document.get("refund_trx_id")),
        ("Result", document.get("result")),
    ]
    lines = [f"# {document['title']}", "", "| | |", "|---|---|"]
    lines += [f"| {name} | {value} |" for name, value in facts if value is not None]
    lines += ["", f"Masking: {document['masking']}", ""]
    for step in document["steps"]:
        request, response = step["request"], step["response"]
        status = (
            f"HTTP {response['http_status']}"
            if response["http_status"] is not None
            else f"no answer ({response['error']})"
        )
        lines += [f"## {step['number']}. {step['api']}", ""]
        lines += [
            f"`{request['method']} {request['url']}`: {status} in {response['elapsed_ms']} ms"
        ]
        lines += ["", "Request headers:", "", *_block(request["headers"])]
        lines += ["Request body:", "", *_block(request["body"])]
        lines += ["Response body:", "", *_block(response["body"])]
        if step["error_handling"]:
            lines += [f"Error handling: {step['error_handling']}", ""]
    return "\n".join(lines)
