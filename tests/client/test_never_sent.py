"""A money-moving call that provably never reached bKash is not treated as possibly sent."""

from __future__ import annotations

import gzip
import traceback
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from bkash_sdk import (
    BkashConnectionError,
    BkashServerError,
    BkashValidationError,
    PaymentState,
)
from tests import canaries
from tests.client._wire import PAYMENT_ID, Wire, executed, queried
from tests.conftest import find_leaks

SUCCESS = {"paymentID": PAYMENT_ID, "status": "success", "signature": "Xy12AbCdEf"}


def _refused(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


def finalize(params: Any) -> Callable[[Any], Any]:
    return lambda client: client.checkout.finalize(
        params, expected_amount="599.00", merchant_invoice_number="INV-42-1"
    )


def test_an_execute_that_never_connected_raises_and_is_not_queried(wire: Wire) -> None:
    wire["execute"].mock(side_effect=_refused)
    with pytest.raises(BkashConnectionError) as caught:
        wire.call(lambda c: c.payments.execute(PAYMENT_ID))
    assert caught.value.request_sent is False
    assert wire["execute"].call_count == 2  # connect failures are retried (max_retries=1)
    assert wire["query"].call_count == 0


def test_finalize_executes_later_when_execute_never_connected(wire: Wire) -> None:
    refusals = iter([_refused, _refused])  # both attempts of the first finalize

    def answer(request: httpx.Request) -> httpx.Response:
        return next(refusals, lambda _: executed())(request)

    wire["execute"].mock(side_effect=answer)
    with pytest.raises(BkashConnectionError):
        wire.call(finalize(SUCCESS))
    outcome = wire.call(finalize(SUCCESS))
    assert outcome.state is PaymentState.CONFIRMED
    assert outcome.reconciled is False
    assert wire["query"].call_count == 0


def test_finalize_executes_later_when_the_token_could_not_be_had(wire: Wire) -> None:
    grant = wire["grant"]
    working = grant.return_value
    grant.mock(return_value=httpx.Response(503, text="<html>maintenance</html>"))
    wire["execute"].mock(return_value=executed())
    with pytest.raises(BkashServerError) as caught:
        wire.call(finalize(SUCCESS))
    assert caught.value.operation == "token.grant"
    assert wire["execute"].call_count == 0
    grant.mock(return_value=working)
    assert wire.call(finalize(SUCCESS)).state is PaymentState.CONFIRMED
    assert (wire["execute"].call_count, wire["query"].call_count) == (1, 0)


def test_an_undecodable_execute_answer_is_reconciled(wire: Wire) -> None:
    wire["execute"].mock(
        side_effect=lambda _: httpx.Response(
            200,
            headers={"Content-Encoding": "gzip"},
            stream=httpx.ByteStream(b"not gzip at all"),
        )
    )
    wire["query"].mock(return_value=queried())
    result = wire.call(lambda c: c.payments.execute(PAYMENT_ID))
    assert result.reconciled is True
    assert (wire["execute"].call_count, wire["query"].call_count) == (1, 1)


def test_a_readable_gzip_answer_is_read(wire: Wire) -> None:
    plain = executed()
    wire["execute"].mock(
        return_value=httpx.Response(
            200, content=gzip.compress(plain.content), headers={"Content-Encoding": "gzip"}
        )
    )
    assert wire.call(lambda c: c.payments.execute(PAYMENT_ID)).reconciled is False


@pytest.mark.parametrize("params", [None, [("paymentID", PAYMENT_ID)], "paymentID=TR1"])
def test_finalize_refuses_params_that_are_not_a_mapping(wire: Wire, params: Any) -> None:
    with pytest.raises(BkashValidationError, match="mapping"):
        wire.call(finalize(params))
    assert wire.total_calls == 0


def test_frame_locals_of_a_failed_token_call_hold_no_secret(wire: Wire) -> None:
    wire["grant"].mock(return_value=httpx.Response(503, text="<html>maintenance</html>"))
    with pytest.raises(BkashServerError) as caught:
        wire.call(lambda c: c.payments.query(PAYMENT_ID))
    rendered = "".join(
        traceback.TracebackException.from_exception(caught.value, capture_locals=True).format()
    )
    assert "app_secret" in rendered  # the locals were captured...
    assert find_leaks(rendered) == []  # ...and every secret in them is redacted
    assert canaries.APP_KEY in rendered
