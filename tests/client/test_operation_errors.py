"""Every endpoint's error envelopes map to the right exception and code; bad input never
reaches the network."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest

from bkash_sdk import (
    AuthenticationError,
    BkashAPIError,
    BkashServerError,
    BkashValidationError,
    InvalidRequestError,
    InvalidStateError,
    PaymentDeclinedError,
)
from tests.client._wire import AGREEMENT_ID, HTML_503, PAYMENT_ID, TRX_ID, Wire

# name -> (invoke, route, api generation, moves money)
Op = tuple[Callable[[Any], Any], str, str, bool]
OPERATIONS: dict[str, Op] = {
    "payments.create": (
        lambda c: c.payments.create(
            amount=Decimal(5), merchant_invoice_number="INV-1", payer_reference="p"
        ),
        "create",
        "v1",
        False,
    ),
    "payments.execute": (lambda c: c.payments.execute(PAYMENT_ID), "execute", "v1", True),
    "payments.query": (lambda c: c.payments.query(PAYMENT_ID), "query", "v1", False),
    "payments.capture": (lambda c: c.payments.capture(PAYMENT_ID), "capture", "v1", True),
    "payments.void": (lambda c: c.payments.void(PAYMENT_ID), "void", "v1", True),
    "transactions.search": (lambda c: c.transactions.search(TRX_ID), "search", "v1", False),
    "refunds.create": (
        lambda c: c.refunds.create(
            payment_id=PAYMENT_ID, trx_id=TRX_ID, amount=Decimal(1), sku="s", reason="r"
        ),
        "refund_v2",
        "v2",
        True,
    ),
    "refunds.create v1": (
        lambda c: c.refunds.create(
            payment_id=PAYMENT_ID, trx_id=TRX_ID, amount=Decimal(1), sku="s", reason="r", api="v1"
        ),
        "refund_v1",
        "v1",
        True,
    ),
    "refunds.status": (
        lambda c: c.refunds.status(payment_id=PAYMENT_ID, trx_id=TRX_ID),
        "refund_status_v2",
        "v2",
        False,
    ),
    "refunds.status v1": (
        lambda c: c.refunds.status(payment_id=PAYMENT_ID, trx_id=TRX_ID, api="v1"),
        "refund_v1",
        "v1",
        False,
    ),
    "agreements.create": (
        lambda c: c.agreements.create(payer_reference="01770618575"),
        "create",
        "v1",
        False,
    ),
    "agreements.execute": (lambda c: c.agreements.execute(PAYMENT_ID), "execute", "v1", True),
    "agreements.query": (
        lambda c: c.agreements.query(AGREEMENT_ID),
        "agreement_status",
        "v1",
        False,
    ),
    "agreements.cancel": (
        lambda c: c.agreements.cancel(AGREEMENT_ID),
        "agreement_cancel",
        "v1",
        False,
    ),
}

# A definite refusal in each envelope: (answer, expected class, expected code)
V1_REFUSALS: dict[str, tuple[httpx.Response, type[BkashAPIError], str | None]] = {
    "statusCode in HTTP 200": (
        httpx.Response(200, json={"statusCode": "2002", "statusMessage": "Invalid Payment ID"}),
        InvalidRequestError,
        "2002",
    ),
    "legacy errorCode": (
        httpx.Response(200, json={"errorCode": "2006", "errorMessage": "Invalid amount."}),
        InvalidRequestError,
        "2006",
    ),
    "customer decline": (
        httpx.Response(200, json={"statusCode": "2023", "statusMessage": "Insufficient Balance"}),
        PaymentDeclinedError,
        "2023",
    ),
    "wrong state": (
        httpx.Response(200, json={"statusCode": "2056", "statusMessage": "Invalid Payment State"}),
        InvalidStateError,
        "2056",
    ),
    "gateway 403": (httpx.Response(403, json={"message": "Forbidden"}), AuthenticationError, None),
    "gateway 401": (
        httpx.Response(401, json={"message": "Unauthorized"}),
        AuthenticationError,
        None,
    ),
}
V2_REFUSALS: dict[str, tuple[httpx.Response, type[BkashAPIError], str | None]] = {
    "externalCode in HTTP 400": (
        httpx.Response(
            400,
            json={
                "internalCode": "refund_amount_exceed_payment_amount",
                "externalCode": "2072",
                "errorMessageEn": "Refund amount not valid",
                "errorMessageBn": "...",
            },
        ),
        InvalidRequestError,
        "2072",
    ),
    "gateway 400": (
        httpx.Response(400, json={"message": "Invalid request body"}),
        InvalidRequestError,
        None,
    ),
    "gateway 403": (httpx.Response(403, json={"message": "Forbidden"}), AuthenticationError, None),
}
CASES = [
    (op, envelope)
    for op, (_, _, api, _) in OPERATIONS.items()
    for envelope in (V2_REFUSALS if api == "v2" else V1_REFUSALS)
    # a state refusal of execute is checked with one query (tests/client/test_reconcile.py)
    if (op, envelope) != ("payments.execute", "wrong state")
]


@pytest.mark.parametrize(("op", "envelope"), CASES)
def test_refusals_raise_typed_errors_and_are_never_reconciled(
    wire: Wire, op: str, envelope: str
) -> None:
    invoke, route, api, _ = OPERATIONS[op]
    answer, error, code = (V2_REFUSALS if api == "v2" else V1_REFUSALS)[envelope]
    wire[route].mock(return_value=answer)

    with pytest.raises(error) as caught:
        wire.call(invoke)

    assert caught.value.code == code
    assert caught.value.request_id
    assert wire.calls == wire[route].call_count  # no query or refund status followed
    if envelope != "gateway 401":
        assert wire[route].call_count == 1


@pytest.mark.parametrize("op", [op for op, spec in OPERATIONS.items() if not spec[3]])
@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(503, text=HTML_503, headers={"Content-Type": "text/html"}),
        httpx.Response(504, json={"message": "Endpoint request timed out"}),
        httpx.Response(200, json={"message": "Internal server error"}),
        httpx.Response(200, content=b""),
    ],
    ids=["html-503", "gateway-504", "gateway-body-200", "empty-200"],
)
def test_unreadable_answers_are_server_errors(wire: Wire, op: str, answer: httpx.Response) -> None:
    invoke, route, _, _ = OPERATIONS[op]
    wire[route].mock(return_value=answer)
    with pytest.raises(BkashServerError):
        wire.call(invoke)


def test_unexpected_shape_is_a_server_error(wire: Wire) -> None:
    wire["query"].mock(return_value=httpx.Response(200, json={"statusCode": "0000"}))
    with pytest.raises(BkashServerError, match="unexpected shape"):
        wire.call(lambda c: c.payments.query(PAYMENT_ID))


INVALID: dict[str, Callable[[Any], Any]] = {
    "float amount": lambda c: c.payments.create(
        amount=5.5, merchant_invoice_number="I", payer_reference="p"
    ),
    "three decimals": lambda c: c.payments.create(
        amount=Decimal("5.555"), merchant_invoice_number="I", payer_reference="p"
    ),
    "zero amount": lambda c: c.payments.create(
        amount=Decimal(0), merchant_invoice_number="I", payer_reference="p"
    ),
    "invoice with &": lambda c: c.payments.create(
        amount=Decimal(5), merchant_invoice_number="A&B", payer_reference="p"
    ),
    "no payer reference": lambda c: c.payments.create(
        amount=Decimal(5), merchant_invoice_number="I"
    ),
    "bad intent": lambda c: c.payments.create(
        amount=Decimal(5), merchant_invoice_number="I", payer_reference="p", intent="capture"
    ),
    "bad callback": lambda c: c.payments.create(
        amount=Decimal(5), merchant_invoice_number="I", payer_reference="p", callback_url="ftp://x"
    ),
    "long association info": lambda c: c.payments.create(
        amount=Decimal(5),
        merchant_invoice_number="I",
        payer_reference="p",
        merchant_association_info="x" * 256,
    ),
    "empty payment id": lambda c: c.payments.execute(""),
    "payment id with space": lambda c: c.payments.query("TR 1"),
    "capture id": lambda c: c.payments.capture("\n"),
    "void id": lambda c: c.payments.void(" "),
    "trx id": lambda c: c.transactions.search(""),
    "refund sku": lambda c: c.refunds.create(
        payment_id=PAYMENT_ID, trx_id=TRX_ID, amount=Decimal(1), sku="", reason="r"
    ),
    "refund reason": lambda c: c.refunds.create(
        payment_id=PAYMENT_ID, trx_id=TRX_ID, amount=Decimal(1), sku="s", reason="r" * 256
    ),
    "refund api": lambda c: c.refunds.create(
        payment_id=PAYMENT_ID, trx_id=TRX_ID, amount=Decimal(1), sku="s", reason="r", api="v3"
    ),
    "refund status ids": lambda c: c.refunds.status(payment_id="", trx_id=TRX_ID),
    "agreement reference": lambda c: c.agreements.create(payer_reference=""),
    "agreement id": lambda c: c.agreements.cancel(""),
    "agreement query": lambda c: c.agreements.query(" "),
    "agreement execute": lambda c: c.agreements.execute(""),
}


@pytest.mark.parametrize("invoke", INVALID.values(), ids=INVALID.keys())
def test_invalid_input_makes_no_network_call(wire: Wire, invoke: Callable[[Any], Any]) -> None:
    with pytest.raises(BkashValidationError):
        wire.call(invoke)
    assert wire.total_calls == 0  # not even a token call


def test_missing_callback_url_is_a_validation_error(flavour: str) -> None:
    wire = Wire(flavour, callback_url=None)
    with pytest.raises(BkashValidationError, match="callback_url"):
        wire.call(
            lambda c: c.payments.create(
                amount=Decimal(5), merchant_invoice_number="I", payer_reference="p"
            )
        )
    assert wire.total_calls == 0
