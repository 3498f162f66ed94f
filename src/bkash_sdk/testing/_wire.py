"""Wire formatting: replies, envelopes, error codes, timestamps and callback URLs."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

import attrs

DHAKA = timezone(timedelta(hours=6))
JSON = "application/json;charset=UTF-8"
CALLBACK_API_VERSION = "1.2.0-beta/"

MESSAGES: dict[str, str] = {
    "0000": "Successful",
    "2002": "Invalid Payment ID",
    "2006": "Invalid amount.",
    "2007": "Invalid currency",
    "2008": "Invalid intent",
    "2025": "Invalid request body",
    "2029": "Duplicate for All Transactions",
    "2031": "Invalid merchant invoice number",
    "2033": "Transaction Not Found",
    "2038": "Debit party identity tag prohibits execution of this transaction.",
    "2047": "TLV Data Format Error",
    "2048": "Invalid Payer Reference",
    "2049": "Invalid Merchant Callback URL",
    "2050": "Agreement already exists between payer and merchant",
    "2051": "Invalid Agreement ID",
    "2053": "Agreement has already been cancelled",
    "2054": "Agreement execution pre-requisite hasn't been met",
    "2056": "Invalid Payment State",
    "2062": "The payment has already been completed",
    "2063": "Mode is not valid as per request data",
    "2065": "Mendatory field missing",
    "2066": "Agreement is not shared with other merchant",
    "2072": "Refund amount not valid",
    "2074": "The transaction cannot be reversed",
    "2075": "SKU Character Limit Exceeded",
    "2076": "Reason Character Limit Exceeded",
    "2077": "Invalid TrxID",
    "2116": "The agreement execution has already been completed",
    "2117": "The payment execution has already been completed",
    "2119": "The authorized payment has already been processed",
    "2127": "Transaction not yet completed",
    "503": "System is undergoing maintenance. Please try again later",
    "9999": "System Error.",
}

# Refund v2 errors: (internalCode, Bangla message). Only the 2072 internalCode is attested.
_V2_INTERNAL: dict[str, str] = {
    "2002": "invalid_payment_id",
    "2072": "refund_amount_exceed_payment_amount",
    "2074": "refund_limit_exceeded",
    "2075": "sku_character_limit_exceeded",
    "2076": "reason_character_limit_exceeded",
    "2077": "invalid_trx_id",
    "2127": "transaction_not_completed",
}
_BANGLA_FAILURE = "অনুরোধটি সম্পন্ন করা যায়নি"


@attrs.frozen
class Reply:
    """What one request gets back, plus how the face should deliver it."""

    status: int
    body: bytes
    content_type: str = JSON
    delay: float = 0.0
    stall: bool = False
    reset: bool = False
    location: str | None = None

    @property
    def headers(self) -> list[tuple[str, str]]:
        """Response headers (Content-Length is left to the face)."""
        headers = [("Content-Type", self.content_type)]
        if self.location is not None:
            headers.append(("Location", self.location))
        return headers


class BusinessError(Exception):
    """A bKash business error: ``statusCode`` in HTTP 200 (v1) or ``externalCode`` (v2)."""

    def __init__(self, code: str, message: str | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.message = message if message is not None else MESSAGES[code]


class WireError(Exception):
    """A request answered with a fixed reply (gateway 401, invalid body, bad credentials)."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.status)
        self.reply = reply


def json_reply(payload: Mapping[str, object], status: int = 200) -> Reply:
    """A JSON reply, fields kept in the given order."""
    return Reply(status, json.dumps(payload, ensure_ascii=False).encode())


def ok(payload: Mapping[str, object]) -> Reply:
    """A v1 success envelope: the fields, then ``statusCode`` and ``statusMessage``."""
    return json_reply({**payload, "statusCode": "0000", "statusMessage": MESSAGES["0000"]})


def business(error: BusinessError) -> Reply:
    """A v1 business error: HTTP 200 with ``statusCode``/``statusMessage``."""
    return json_reply({"statusCode": error.code, "statusMessage": error.message})


def v2_error(error: BusinessError) -> Reply:
    """A refund v2 error: HTTP 400 with internal and external codes."""
    payload = {
        "internalCode": _V2_INTERNAL.get(error.code, "request_failed"),
        "externalCode": error.code,
        "errorMessageEn": error.message,
        "errorMessageBn": _BANGLA_FAILURE,
    }
    return json_reply(payload, status=400)


def gateway(status: int = 401, message: str = "Unauthorized") -> Reply:
    """The API-gateway envelope ``{"message": ...}``."""
    return json_reply({"message": message}, status=status)


MAX_BODY = 1024 * 1024
"""The largest request body the sandbox reads (bytes); a larger one gets :data:`TOO_LARGE`."""
TOO_LARGE = gateway(413, "Request Entity Too Large")
INTERNAL_ERROR = gateway(500, "Internal server error")
"""The answer to a request the sandbox failed on, instead of an exception or a dropped line."""


def timestamp(epoch: float, *, zone: bool = True, millis: bool = True) -> str:
    """bKash time: ``2025-11-02T14:29:02:166 GMT+0600`` (colon before the milliseconds)."""
    moment = datetime.fromtimestamp(epoch, DHAKA)
    ms = f"{moment.microsecond // 1000:03d}" if millis else "000"
    text = f"{moment:%Y-%m-%dT%H:%M:%S}:{ms}"
    return f"{text} GMT+0600" if zone else text


def with_query(url: str, params: list[tuple[str, str]]) -> str:
    """Append query parameters with ``?`` or ``&``, as bKash does for callback URLs."""
    separator = "&" if "?" in url else "?"
    return url + separator + urlencode(params, safe="/")


@attrs.frozen
class WireRequest:
    """One HTTP request as both faces hand it to the shared handler."""

    method: str
    path: str
    query: str
    headers: Mapping[str, str]  # names in lower case
    body: bytes
    page_url: str | None = None  # where bkashURL should point; None means the fake's default
