"""The merchant API: routing, authentication, body parsing and one handler per endpoint."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping

import attrs

from . import _render as render
from ._ledger import Ledger
from ._tokens import TokenAuthority
from ._validate import create_request, text
from ._wire import BusinessError, Reply, WireError, business, gateway, json_reply, ok, v2_error

V1_ROOT = "/v1.2.0-beta/tokenized/checkout"
V2_ROOT = "/v2/tokenized-checkout/refund/payment"
ROUTES: dict[str, str] = {
    f"{V1_ROOT}/token/grant": "grant",
    f"{V1_ROOT}/token/refresh": "refresh",
    f"{V1_ROOT}/create": "create",
    f"{V1_ROOT}/execute": "execute",
    f"{V1_ROOT}/payment/status": "query",
    f"{V1_ROOT}/general/searchTransaction": "search",
    f"{V1_ROOT}/payment/refund": "refund",
    f"{V1_ROOT}/payment/confirm/capture": "capture",
    f"{V1_ROOT}/payment/confirm/void": "void",
    f"{V1_ROOT}/agreement/status": "agreement_status",
    f"{V1_ROOT}/agreement/cancel": "agreement_cancel",
    f"{V2_ROOT}/transaction": "refund_v2",
    f"{V2_ROOT}/status": "refund_status_v2",
}
# "refund_status" shares the v1 refund path: a body with only paymentID and trxID.
ENDPOINTS: tuple[str, ...] = (*ROUTES.values(), "refund_status")
_V2 = frozenset({"refund_v2", "refund_status_v2"})
_REFUND_FIELDS = ("amount", "sku", "reason")
MISSING_ROUTE = gateway(403, "Missing Authentication Token")
INVALID_BODY_V2 = gateway(400, "Invalid request body")


def parse_body(raw: bytes) -> object:
    """The JSON body, or ``None`` when it is not JSON."""
    try:
        return json.loads(raw.decode("utf-8"), strict=False) if raw else None
    except ValueError:
        return None


def endpoint_key(path: str, body: object) -> str | None:
    """The short endpoint name of an API path, or ``None``."""
    key = ROUTES.get(path)
    if key == "refund" and isinstance(body, dict) and not any(k in body for k in _REFUND_FIELDS):
        return "refund_status"
    return key


@attrs.frozen
class Call:
    """One authenticated API call."""

    ledger: Ledger
    app_key: str
    body: Mapping[str, object]
    page_url: str

    def field(self, key: str) -> str:
        """A required field, as text ("" when missing)."""
        return text(self.body, key) or ""


class Api:
    """Answers merchant API calls: token endpoints first, then the gateway check, then bKash."""

    def __init__(self, tokens: TokenAuthority, ledger: Ledger) -> None:
        self._tokens = tokens
        self._ledger = ledger

    def answer(self, key: str, headers: Mapping[str, str], body: object, page_url: str) -> Reply:
        """The reply to one call of endpoint *key*."""
        try:
            if key in ("grant", "refresh"):
                fields = body if isinstance(body, dict) else {}
                issue = self._tokens.grant if key == "grant" else self._tokens.refresh
                answer = issue(headers, fields)
                return json_reply({"statusCode": "0000", "statusMessage": "Successful", **answer})
            app_key = self._tokens.authenticate(headers)
            if not isinstance(body, dict):
                raise WireError(INVALID_BODY_V2) if key in _V2 else BusinessError("2025")
            return _HANDLERS[key](Call(self._ledger, app_key, body, page_url))
        except WireError as error:
            return error.reply
        except BusinessError as error:
            return v2_error(error) if key in _V2 else business(error)


def _create(call: Call) -> Reply:
    payment = call.ledger.create(call.app_key, create_request(call.body), call.page_url)
    return ok(render.created(payment))


def _execute(call: Call) -> Reply:
    payment = call.ledger.execute(call.app_key, call.field("paymentID"))
    if payment.mode == "0000":
        agreement = call.ledger.agreements[payment.agreement_id or ""]
        return ok(render.agreement_executed(payment, agreement))
    return ok(render.executed(payment))


def _query(call: Call) -> Reply:
    payment = call.ledger.payment(call.app_key, call.field("paymentID"))
    agreement = call.ledger.agreements.get(payment.agreement_id or "")
    return ok(render.queried(payment, agreement))


def _search(call: Call) -> Reply:
    payment, refund = call.ledger.transaction(call.app_key, call.field("trxID"))
    return ok(render.searched(payment, refund))


def _refund(call: Call) -> Reply:
    payment = call.ledger.refunds(call.app_key, call.field("paymentID"), call.field("trxID"))
    if payment.refunds:  # one refund per transaction in v1; a replay returns the same record
        return ok(render.refunded_v1(payment, payment.refunds[0]))
    sku, reason = text(call.body, "sku"), text(call.body, "reason")
    refund = call.ledger.refund(payment, call.body.get("amount"), sku, reason)
    return ok(render.refunded_v1(payment, refund))


def _refund_status(call: Call) -> Reply:
    payment = call.ledger.refunds(call.app_key, call.field("paymentID"), call.field("trxID"))
    if not payment.refunds:
        raise BusinessError("2002")
    return ok(render.refunded_v1(payment, payment.refunds[0]))


def _capture(call: Call) -> Reply:
    return ok(render.settled(call.ledger.capture(call.app_key, call.field("paymentID"))))


def _void(call: Call) -> Reply:
    return ok(render.settled(call.ledger.void(call.app_key, call.field("paymentID"))))


def _agreement_status(call: Call) -> Reply:
    agreement = call.ledger.agreement(call.app_key, call.field("agreementID"))
    return ok(render.agreement_status(agreement))


def _agreement_cancel(call: Call) -> Reply:
    agreement = call.ledger.cancel_agreement(call.app_key, call.field("agreementID"))
    return ok(render.agreement_cancelled(agreement))


def _refund_v2(call: Call) -> Reply:
    required = ("paymentId", "trxId", "refundAmount", "sku", "reason")
    if any(text(call.body, key) is None for key in required):
        raise WireError(INVALID_BODY_V2)
    payment = call.ledger.refunds(call.app_key, call.field("paymentId"), call.field("trxId"))
    refund = call.ledger.refund(
        payment, call.body["refundAmount"], call.field("sku"), call.field("reason")
    )
    return json_reply(render.refunded_v2(payment, refund))


def _refund_status_v2(call: Call) -> Reply:
    if text(call.body, "paymentId") is None or text(call.body, "trxId") is None:
        raise WireError(INVALID_BODY_V2)
    payment = call.ledger.refunds(call.app_key, call.field("paymentId"), call.field("trxId"))
    return json_reply(render.refund_status_v2(payment))


_HANDLERS: dict[str, Callable[[Call], Reply]] = {
    "create": _create,
    "execute": _execute,
    "query": _query,
    "search": _search,
    "refund": _refund,
    "refund_status": _refund_status,
    "capture": _capture,
    "void": _void,
    "agreement_status": _agreement_status,
    "agreement_cancel": _agreement_cancel,
    "refund_v2": _refund_v2,
    "refund_status_v2": _refund_status_v2,
}
