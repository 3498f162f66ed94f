"""Money-moving calls are sent once; an open answer is settled by exactly one read-back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from bkash_sdk import (
    InvalidRequestError,
    InvalidStateError,
    PaymentDeclinedError,
    PaymentOutcomeUnknown,
)
from bkash_sdk.models import (
    DHAKA_TZ,
    AgreementExecution,
    PaymentConfirmation,
    PaymentExecution,
    TransactionStatus,
    format_bkash_datetime,
)
from tests.client._wire import (
    AGREEMENT_ID,
    HTML_503,
    PAYMENT_ID,
    TRX_ID,
    Wire,
    body,
    business,
    executed,
    now_bkash,
    ok,
    queried,
    refund_record,
)


def _raise(kind: type[httpx.TransportError]) -> Callable[[httpx.Request], httpx.Response]:
    def answer(request: httpx.Request) -> httpx.Response:
        raise kind("injected", request=request)

    return answer


OPEN_ANSWERS: dict[str, Any] = {
    "read-timeout": _raise(httpx.ReadTimeout),
    "connection-reset": _raise(httpx.RemoteProtocolError),
    "html-503": httpx.Response(503, text=HTML_503),
    "gateway-504": httpx.Response(504, json={"message": "Endpoint request timed out"}),
    "gateway-body-200": httpx.Response(200, json={"message": "Internal server error"}),
    "maintenance-503-code": business("503", "System is undergoing maintenance"),
    "unknown-code": business("2099", "Something new"),
}
ALREADY_DONE = ["2062", "2068", "2117"]


def _answer(route: Any, answer: Any) -> None:
    if callable(answer):
        route.mock(side_effect=answer)
    else:
        route.mock(return_value=answer)


@pytest.mark.parametrize("answer", OPEN_ANSWERS.values(), ids=OPEN_ANSWERS.keys())
def test_open_execute_is_sent_once_then_queried_once(wire: Wire, answer: Any) -> None:
    _answer(wire["execute"], answer)
    wire["query"].mock(return_value=queried())

    result = wire.call(lambda c: c.payments.execute(PAYMENT_ID))

    assert wire["execute"].call_count == 1
    assert wire["query"].call_count == 1
    assert body(wire["query"].calls.last.request) == {"paymentID": PAYMENT_ID}
    assert isinstance(result, PaymentExecution)
    assert result.reconciled is True
    assert (result.trx_id, result.transaction_status, result.amount) == (
        TRX_ID,
        TransactionStatus.COMPLETED,
        Decimal("599.00"),
    )
    assert result.merchant_invoice_number == "INV-42-1"


@pytest.mark.parametrize("code", ALREADY_DONE)
def test_already_completed_execute_adopts_the_query(wire: Wire, code: str) -> None:
    wire["execute"].mock(return_value=business(code, "already completed"))
    wire["query"].mock(return_value=queried())
    result = wire.call(lambda c: c.payments.execute(PAYMENT_ID))
    assert (wire["execute"].call_count, wire["query"].call_count) == (1, 1)
    assert result.reconciled is True
    assert result.transaction_status is TransactionStatus.COMPLETED


def test_reconciled_execute_can_report_not_completed(wire: Wire) -> None:
    wire["execute"].mock(side_effect=_raise(httpx.ReadTimeout))
    wire["query"].mock(
        return_value=queried(transactionStatus="Initiated", trxID=None, paymentExecuteTime=None)
    )
    result = wire.call(lambda c: c.payments.execute(PAYMENT_ID))
    assert result.reconciled is True
    assert result.transaction_status is TransactionStatus.INITIATED
    assert result.trx_id is None


@pytest.mark.parametrize("code", ["2056", "2060"])
def test_a_state_refusal_is_checked_once_and_raised_when_nothing_was_paid(
    wire: Wire, code: str
) -> None:
    wire["execute"].mock(return_value=business(code))
    wire["query"].mock(return_value=queried(transactionStatus="Initiated", trxID=None))
    with pytest.raises(InvalidStateError) as caught:
        wire.call(lambda c: c.payments.execute(PAYMENT_ID))
    assert caught.value.code == code
    assert (wire["execute"].call_count, wire["query"].call_count) == (1, 1)


def test_a_state_refusal_while_another_execute_completed_adopts_the_payment(wire: Wire) -> None:
    wire["execute"].mock(return_value=business("2056"))
    wire["query"].mock(return_value=queried())
    result = wire.call(lambda c: c.payments.execute(PAYMENT_ID))
    assert result.reconciled is True
    assert result.transaction_status is TransactionStatus.COMPLETED


@pytest.mark.parametrize(
    ("code", "error"), [("2023", PaymentDeclinedError), ("2029", PaymentDeclinedError)]
)
def test_definite_refusal_is_raised_without_query(
    wire: Wire, code: str, error: type[Exception]
) -> None:
    wire["execute"].mock(return_value=business(code))
    with pytest.raises(error):
        wire.call(lambda c: c.payments.execute(PAYMENT_ID))
    assert (wire["execute"].call_count, wire["query"].call_count) == (1, 0)


def test_normal_execute_is_never_followed_by_a_query(wire: Wire) -> None:
    wire["execute"].mock(return_value=executed())
    wire.call(lambda c: c.payments.execute(PAYMENT_ID))
    assert wire["query"].call_count == 0


@pytest.mark.parametrize(
    "query_answer",
    [
        _raise(httpx.ReadTimeout),
        httpx.Response(500, text="<html>500</html>"),
        business("2002", "Invalid Payment ID"),
    ],
    ids=["query-timeout", "query-500", "query-refused"],
)
def test_unknown_only_when_the_query_fails_too(wire: Wire, query_answer: Any) -> None:
    wire["execute"].mock(side_effect=_raise(httpx.ReadTimeout))
    _answer(wire["query"], query_answer)

    with pytest.raises(PaymentOutcomeUnknown) as caught:
        wire.call(lambda c: c.payments.execute(PAYMENT_ID))

    assert wire["execute"].call_count == 1  # never re-sent
    assert caught.value.payment_id == PAYMENT_ID
    assert caught.value.operation == "payments.execute"
    assert caught.value.request_id == wire["execute"].calls.last.request.headers["X-Request-ID"]


CONFIRMS = {
    "capture": (lambda c: c.payments.capture(PAYMENT_ID), "Completed"),
    "void": (lambda c: c.payments.void(PAYMENT_ID), "Cancelled"),
}


@pytest.mark.parametrize("name", CONFIRMS)
@pytest.mark.parametrize(
    "answer",
    [_raise(httpx.ReadTimeout), httpx.Response(502, text="bad gateway"), business("2119")],
    ids=["timeout", "502", "2119"],
)
def test_open_capture_or_void_is_queried_once(wire: Wire, name: str, answer: Any) -> None:
    invoke, status = CONFIRMS[name]
    _answer(wire[name], answer)
    wire["query"].mock(return_value=queried(transactionStatus=status))
    result = wire.call(invoke)
    assert (wire[name].call_count, wire["query"].call_count) == (1, 1)
    assert isinstance(result, PaymentConfirmation)
    assert result.reconciled is True
    assert result.transaction_status == status


@pytest.mark.parametrize("name", CONFIRMS)
def test_normal_capture_or_void_is_not_queried(wire: Wire, name: str) -> None:
    invoke, status = CONFIRMS[name]
    wire[name].mock(return_value=ok(paymentID=PAYMENT_ID, transactionStatus=status))
    result = wire.call(invoke)
    assert wire["query"].call_count == 0
    assert result.reconciled is False


@pytest.mark.parametrize("name", CONFIRMS)
def test_capture_or_void_unknown_when_query_fails(wire: Wire, name: str) -> None:
    invoke, _ = CONFIRMS[name]
    wire[name].mock(side_effect=_raise(httpx.ReadTimeout))
    wire["query"].mock(side_effect=_raise(httpx.ConnectError))
    with pytest.raises(PaymentOutcomeUnknown):
        wire.call(invoke)
    assert wire[name].call_count == 1


def test_agreement_execute_already_done_reads_the_agreement_back(wire: Wire) -> None:
    wire["execute"].mock(return_value=business("2116", "already completed"))
    wire["query"].mock(
        return_value=ok(
            paymentID="TR0000YT1637238277429",
            agreementID=AGREEMENT_ID,
            payerReference="01770618575",
            agreementStatus="Completed",
            mode="0000",
            verificationStatus="Complete",
        )
    )
    result = wire.call(lambda c: c.agreements.execute("TR0000YT1637238277429"))
    assert isinstance(result, AgreementExecution)
    assert result.agreement_id == AGREEMENT_ID
    assert result.reconciled is True
    assert (wire["execute"].call_count, wire["query"].call_count) == (1, 1)


# -- refunds ---------------------------------------------------------------------------------

REFUND_ROUTES = {"v2": ("refund_v2", "refund_status_v2"), "v1": ("refund_v1", "refund_v1")}


def _refund(api: str) -> Callable[[Any], Any]:
    return lambda c: c.refunds.create(
        payment_id=PAYMENT_ID, trx_id=TRX_ID, amount=Decimal(100), sku="plus", reason="r", api=api
    )


def _status_answer(api: str, *records: dict[str, Any]) -> httpx.Response:
    if api == "v2":
        return httpx.Response(200, json={"originalTrxId": TRX_ID, "refundTransactions": records})
    record = records[0]
    return ok(
        originalTrxID=TRX_ID,
        refundTrxID=record["refundTrxId"],
        transactionStatus=record["refundTransactionStatus"],
        amount=record["refundAmount"],
        completedTime=record["completedTime"],
    )


def _mock_refund(wire: Wire, api: str, first: Any, status: Any) -> tuple[list[int], list[int]]:
    """Refund POSTs and status calls, counted apart (v1 shares one path for both)."""
    posts: list[int] = []
    asks: list[int] = []

    def answer(request: httpx.Request) -> httpx.Response:
        is_status = "sku" not in body(request)
        (asks if is_status else posts).append(1)
        reply = status if is_status else first
        if callable(reply):
            return reply(request)  # type: ignore[no-any-return]
        return reply  # type: ignore[no-any-return]

    post_route, status_route = REFUND_ROUTES[api]
    wire[post_route].mock(side_effect=answer)
    wire[status_route].mock(side_effect=answer)
    return posts, asks


@pytest.mark.parametrize("api", ["v2", "v1"])
def test_refund_timeout_asks_status_and_adopts_the_match(wire: Wire, api: str) -> None:
    posts, asks = _mock_refund(
        wire, api, _raise(httpx.ReadTimeout), _status_answer(api, refund_record("100.00"))
    )
    refund = wire.call(_refund(api))
    assert (len(posts), len(asks)) == (1, 1)
    assert refund.refund_trx_id == "BFD90JRLST"
    assert refund.amount == Decimal("100.00")
    assert refund.reconciled is True


def _minutes_ago(minutes: int) -> str:
    return format_bkash_datetime(datetime.now(DHAKA_TZ) - timedelta(minutes=minutes))


@pytest.mark.parametrize(
    ("api", "records"),
    [
        ("v2", [refund_record("50.00")]),
        ("v1", [refund_record("50.00")]),
        ("v2", [refund_record("100.00", "2020-01-01T10:00:00:000 GMT+0600")]),
        ("v2", [refund_record("100.00", _minutes_ago(4))]),
        ("v1", [refund_record("100.00", _minutes_ago(4))]),
    ],
    ids=[
        "v2-other-amount",
        "v1-other-amount",
        "v2-long-ago",
        "v2-an-earlier-partial",
        "v1-an-earlier-refund",
    ],
)
def test_refund_timeout_without_match_is_unknown(
    wire: Wire, api: str, records: list[dict[str, Any]]
) -> None:
    posts, asks = _mock_refund(wire, api, _raise(httpx.ReadTimeout), _status_answer(api, *records))
    with pytest.raises(PaymentOutcomeUnknown) as caught:
        wire.call(_refund(api))
    assert (len(posts), len(asks)) == (1, 1)
    assert caught.value.payment_id == PAYMENT_ID


def test_a_lost_v1_refund_never_adopts_an_older_refund(wire: Wire) -> None:
    earlier = refund_record("100.00", "2020-01-01T10:00:00:000 GMT+0600")
    posts, asks = _mock_refund(wire, "v1", _raise(httpx.ReadTimeout), _status_answer("v1", earlier))
    with pytest.raises(PaymentOutcomeUnknown):  # a months-old refund is not this one's answer
        wire.call(_refund("v1"))
    assert (len(posts), len(asks)) == (1, 1)


def test_refund_with_two_candidate_records_is_unknown(wire: Wire) -> None:
    posts, _ = _mock_refund(
        wire,
        "v2",
        httpx.Response(503, text=HTML_503),
        _status_answer("v2", refund_record("100.00"), refund_record("100.00")),
    )
    with pytest.raises(PaymentOutcomeUnknown):
        wire.call(_refund("v2"))
    assert len(posts) == 1


@pytest.mark.parametrize("api", ["v2", "v1"])
def test_refund_status_failing_too_is_unknown_and_never_reposts(wire: Wire, api: str) -> None:
    posts, asks = _mock_refund(
        wire, api, _raise(httpx.ReadTimeout), httpx.Response(500, text="<html>")
    )
    with pytest.raises(PaymentOutcomeUnknown):
        wire.call(_refund(api))
    assert len(posts) == 1
    assert len(asks) == 2  # refund status is safe: retried per policy (max_retries=1)


def test_refused_refund_is_not_followed_by_status(wire: Wire) -> None:
    posts, asks = _mock_refund(
        wire,
        "v2",
        httpx.Response(400, json={"externalCode": "2072", "errorMessageEn": "not valid"}),
        _status_answer("v2", refund_record()),
    )
    with pytest.raises(InvalidRequestError):
        wire.call(_refund("v2"))
    assert (len(posts), len(asks)) == (1, 0)


def test_refund_v1_replay_returns_the_same_record_without_status(wire: Wire) -> None:
    record = _status_answer("v1", refund_record(completed=now_bkash()))
    posts, asks = _mock_refund(wire, "v1", record, record)
    first = wire.call(_refund("v1"))
    second = wire.call(_refund("v1"))
    assert first.refund_trx_id == second.refund_trx_id
    assert (len(posts), len(asks)) == (2, 0)
