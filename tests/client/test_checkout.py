"""``checkout.finalize``: callbacks become settled outcomes, and execute is never doubled."""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest

from bkash_sdk import (
    AuthenticationError,
    BkashValidationError,
    CheckoutRecord,
    FinalizeOutcome,
    MemoryOutcomeStore,
    PaymentOutcomeUnknown,
    PaymentState,
)
from tests.client._wire import PAYMENT_ID, TRX_ID, Wire, business, executed, queried

SUCCESS = {"paymentID": PAYMENT_ID, "status": "success", "signature": "Xy12AbCdEf"}


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def finalize(
    params: dict[str, str], amount: str = "599.00", invoice: str = "INV-42-1", **options: Any
) -> Callable[[Any], Any]:
    return lambda c: c.checkout.finalize(
        params, expected_amount=Decimal(amount), merchant_invoice_number=invoice, **options
    )


def timeout(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("injected", request=request)


@pytest.mark.parametrize(("status", "reason"), [("failure", "failed"), ("cancel", "cancelled")])
def test_failure_and_cancel_make_no_call(wire: Wire, status: str, reason: str) -> None:
    outcome = wire.call(finalize({"paymentID": PAYMENT_ID, "status": status}))
    assert outcome == FinalizeOutcome(PaymentState.FAILED, PAYMENT_ID, reason=reason)
    assert wire.total_calls == 0


def test_success_and_match_confirms_with_one_execute(wire: Wire) -> None:
    wire["execute"].mock(return_value=executed())
    outcome = wire.call(finalize(SUCCESS))
    assert outcome.state is PaymentState.CONFIRMED
    assert outcome.confirmed
    assert (outcome.trx_id, outcome.amount, outcome.reason) == (TRX_ID, Decimal("599.00"), None)
    assert outcome.transaction_status == "Completed"
    assert outcome.execution is not None
    assert not outcome.reconciled
    assert (wire["execute"].call_count, wire["query"].call_count) == (1, 0)


def test_finalize_is_idempotent(wire: Wire) -> None:
    wire["execute"].mock(return_value=executed())
    first = wire.call(finalize(SUCCESS))
    again = wire.call(finalize(SUCCESS))
    late_cancel = wire.call(finalize({"paymentID": PAYMENT_ID, "status": "cancel"}))
    assert first == again == late_cancel  # a confirmed payment is never downgraded
    assert wire.calls == 1


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ({"amount": "1.00"}, "amount_mismatch"),
        ({"currency": "USD"}, "currency_mismatch"),
        ({"merchantInvoiceNumber": "INV-OTHER"}, "invoice_mismatch"),
    ],
)
def test_mismatch_on_moved_money_needs_a_refund(
    wire: Wire, answer: dict[str, Any], reason: str
) -> None:
    wire["execute"].mock(return_value=executed(**answer))
    outcome = wire.call(finalize(SUCCESS))
    assert outcome.state is PaymentState.EXECUTED
    assert outcome.reason == reason
    assert outcome.needs_refund
    assert outcome.trx_id == TRX_ID


@pytest.mark.parametrize(
    ("missing", "reason"),
    [("merchantInvoiceNumber", "invoice_unverifiable"), ("amount", "amount_unverifiable")],
)
def test_a_field_bkash_left_out_is_unverifiable_not_a_refund(
    wire: Wire, missing: str, reason: str
) -> None:
    wire["execute"].mock(return_value=executed(**{missing: None}))
    outcome = wire.call(finalize(SUCCESS))
    assert outcome.state is PaymentState.EXECUTED
    assert outcome.reason == reason
    assert not outcome.needs_refund
    assert wire["query"].call_count == 0  # never a query after a normal execute answer


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ({"merchantInvoiceNumber": None, "amount": "1.00"}, "amount_mismatch"),
        ({"merchantInvoiceNumber": None, "currency": "USD"}, "currency_mismatch"),
        ({"amount": None, "merchantInvoiceNumber": "INV-OTHER"}, "invoice_mismatch"),
        ({"amount": None, "currency": "USD"}, "currency_mismatch"),
    ],
)
def test_a_missing_field_never_hides_a_mismatch(
    wire: Wire, answer: dict[str, Any], reason: str
) -> None:
    wire["execute"].mock(return_value=executed(**answer))
    outcome = wire.call(finalize(SUCCESS))
    assert (outcome.state, outcome.reason) == (PaymentState.EXECUTED, reason)
    assert outcome.needs_refund


def test_a_missing_currency_is_bdt(wire: Wire) -> None:
    wire["execute"].mock(return_value=executed(currency=None))
    assert wire.call(finalize(SUCCESS)).state is PaymentState.CONFIRMED


def test_authorized_payment_is_confirmed_as_held(wire: Wire) -> None:
    wire["execute"].mock(
        return_value=executed(transactionStatus="Authorized", intent="authorization")
    )
    outcome = wire.call(finalize(SUCCESS))
    assert outcome.state is PaymentState.CONFIRMED
    assert outcome.transaction_status == "Authorized"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("2023", "insufficient_balance"),
        ("2029", "duplicate"),
        ("2014", "wrong_pin"),
        ("2038", "account_restricted"),
        ("2002", "invalid_payment"),
        ("2047", "declined"),
    ],
)
def test_declined_execute_is_failed_with_a_reason(wire: Wire, code: str, reason: str) -> None:
    wire["execute"].mock(return_value=business(code))
    outcome = wire.call(finalize(SUCCESS))
    assert outcome == FinalizeOutcome(PaymentState.FAILED, PAYMENT_ID, reason=reason, code=code)
    assert wire.call(finalize(SUCCESS)) == outcome
    assert (wire["execute"].call_count, wire["query"].call_count) == (1, 0)


@pytest.mark.parametrize("code", ["2056", "2060"])
def test_a_callback_before_approval_does_not_block_the_genuine_one(flavour: str, code: str) -> None:
    clock = Clock()
    wire = Wire(flavour, clock=clock)
    wire["execute"].mock(return_value=business(code))
    wire["query"].mock(return_value=queried(transactionStatus="Initiated", trxID=None))
    early = wire.call(finalize(SUCCESS))
    assert early == FinalizeOutcome(
        PaymentState.FAILED, PAYMENT_ID, reason="not_approved", code=code
    )
    assert wire.call(finalize(SUCCESS)) == early  # shared while fresh: no new call
    assert (wire["execute"].call_count, wire["query"].call_count) == (1, 1)

    clock.now += 60  # the customer approves; their success callback executes
    wire["execute"].mock(return_value=executed())
    assert wire.call(finalize(SUCCESS)).state is PaymentState.CONFIRMED
    assert (wire["execute"].call_count, wire["query"].call_count) == (2, 1)


@pytest.mark.parametrize(("status", "reason"), [("failure", "failed"), ("cancel", "cancelled")])
def test_failure_or_cancel_after_a_refusal_before_approval(
    wire: Wire, status: str, reason: str
) -> None:
    wire["execute"].mock(return_value=business("2056"))
    wire["query"].mock(return_value=queried(transactionStatus="Initiated", trxID=None))
    wire.call(finalize(SUCCESS))
    outcome = wire.call(finalize({"paymentID": PAYMENT_ID, "status": status}))
    assert outcome == FinalizeOutcome(PaymentState.FAILED, PAYMENT_ID, reason=reason)
    assert (wire["execute"].call_count, wire["query"].call_count) == (1, 1)


def test_a_state_refusal_after_payment_stays_settled(flavour: str) -> None:
    clock = Clock()
    wire = Wire(flavour, clock=clock)
    wire["execute"].mock(return_value=business("2056"))
    wire["query"].mock(return_value=queried())  # another execute of the payment completed it
    assert wire.call(finalize(SUCCESS)).state is PaymentState.CONFIRMED
    clock.now += 60
    assert wire.call(finalize(SUCCESS)).state is PaymentState.CONFIRMED
    assert (wire["execute"].call_count, wire["query"].call_count) == (1, 1)


@pytest.mark.parametrize("code", ["2062", "2117"])
def test_already_completed_execute_is_confirmed_from_the_query(wire: Wire, code: str) -> None:
    wire["execute"].mock(return_value=business(code))
    wire["query"].mock(return_value=queried())
    outcome = wire.call(finalize(SUCCESS))
    assert outcome.state is PaymentState.CONFIRMED
    assert outcome.reconciled
    assert (wire["execute"].call_count, wire["query"].call_count) == (1, 1)


def test_lost_execute_then_not_completed_is_pending_and_never_re_executed(flavour: str) -> None:
    clock = Clock()
    wire = Wire(flavour, clock=clock)
    wire["execute"].mock(side_effect=timeout)
    wire["query"].mock(return_value=queried(transactionStatus="Initiated", trxID=None))

    first = wire.call(finalize(SUCCESS))
    assert (first.state, first.reason) == (PaymentState.PENDING, "not_completed")
    assert wire.call(finalize(SUCCESS)) == first  # shared while fresh: no new call
    assert wire["query"].call_count == 1

    clock.now += 60
    wire["query"].mock(return_value=queried())
    later = wire.call(finalize(SUCCESS))
    assert later.state is PaymentState.CONFIRMED
    assert later.reconciled
    assert (wire["execute"].call_count, wire["query"].call_count) == (1, 2)


def test_unknown_outcome_is_not_final_and_later_only_queries(flavour: str) -> None:
    clock = Clock()
    wire = Wire(flavour, clock=clock)
    wire["execute"].mock(side_effect=timeout)
    wire["query"].mock(side_effect=timeout)

    with pytest.raises(PaymentOutcomeUnknown) as caught:
        wire.call(finalize(SUCCESS))
    assert caught.value.payment_id == PAYMENT_ID
    cancel = wire.call(finalize({"paymentID": PAYMENT_ID, "status": "cancel"}))
    assert (cancel.state, cancel.reason) == (PaymentState.PENDING, "outcome_unknown")

    clock.now += 60
    wire["query"].mock(return_value=queried())
    outcome = wire.call(finalize(SUCCESS))
    assert outcome.state is PaymentState.CONFIRMED
    assert wire["execute"].call_count == 1


def _closed_client(request: httpx.Request) -> httpx.Response:
    raise RuntimeError("Cannot send a request, as the client has been closed.")


def _interrupted(flavour: str) -> tuple[Wire, Clock]:
    """A client whose first finalize was interrupted after marking execute as sent."""
    clock = Clock()
    wire = Wire(flavour, clock=clock)
    wire["execute"].mock(side_effect=_closed_client)
    with pytest.raises(RuntimeError):
        wire.call(finalize(SUCCESS))
    return wire, clock


def test_an_attempt_that_may_still_be_at_work_is_only_queried(flavour: str) -> None:
    wire, clock = _interrupted(flavour)
    wire["execute"].mock(return_value=executed())
    wire["query"].mock(return_value=queried(transactionStatus="Initiated", trxID=None))
    clock.now += 60  # its holder's lock may have expired while it still works
    assert wire.call(finalize(SUCCESS)).state is PaymentState.PENDING
    assert (wire["execute"].call_count, wire["query"].call_count) == (1, 1)
    clock.now += 3600  # and once it cannot be at work any more, it is resumed
    assert wire.call(finalize(SUCCESS)).state is PaymentState.CONFIRMED
    assert (wire["execute"].call_count, wire["query"].call_count) == (2, 2)


def test_an_interrupted_finalize_is_resumed_by_the_next_one(flavour: str) -> None:
    wire, clock = _interrupted(flavour)
    clock.now += 3600  # longer than any attempt can take
    wire["execute"].mock(return_value=executed())
    wire["query"].mock(return_value=queried(transactionStatus="Initiated", trxID=None))
    outcome = wire.call(finalize(SUCCESS))
    assert outcome.state is PaymentState.CONFIRMED
    assert not outcome.reconciled
    assert (wire["execute"].call_count, wire["query"].call_count) == (2, 1)
    assert wire.call(finalize(SUCCESS)) == outcome
    assert wire.calls == 3


def test_an_interrupted_execute_that_went_through_is_adopted(flavour: str) -> None:
    wire, clock = _interrupted(flavour)
    clock.now += 3600
    wire["query"].mock(return_value=queried())
    outcome = wire.call(finalize(SUCCESS))
    assert outcome.state is PaymentState.CONFIRMED
    assert outcome.reconciled
    assert (wire["execute"].call_count, wire["query"].call_count) == (1, 1)


def test_a_crash_after_execute_was_sent_is_settled_by_the_repeat(flavour: str) -> None:
    store = MemoryOutcomeStore()
    store.save(PAYMENT_ID, CheckoutRecord(execute_sent=True))  # what the crashed worker left
    wire = Wire(flavour, outcome_store=store)
    answers = iter([queried(transactionStatus="Initiated", trxID=None), queried()])
    wire["query"].mock(side_effect=lambda _: next(answers))
    wire["execute"].mock(return_value=business("2062"))  # it had completed meanwhile
    outcome = wire.call(finalize(SUCCESS))
    assert outcome.state is PaymentState.CONFIRMED
    assert outcome.reconciled
    assert (wire["execute"].call_count, wire["query"].call_count) == (1, 2)


def test_an_interrupted_finalize_whose_query_fails_is_unknown(flavour: str) -> None:
    wire, clock = _interrupted(flavour)
    clock.now += 3600
    wire["query"].mock(side_effect=timeout)
    with pytest.raises(PaymentOutcomeUnknown, match="interrupted"):
        wire.call(finalize(SUCCESS))
    wire["query"].mock(return_value=queried(transactionStatus="Initiated", trxID=None))
    wire["execute"].mock(return_value=executed())
    assert wire.call(finalize(SUCCESS)).state is PaymentState.CONFIRMED
    assert wire["execute"].call_count == 2


def test_refused_credentials_leave_the_payment_executable(wire: Wire) -> None:
    wire["execute"].mock(return_value=httpx.Response(403, json={"message": "Forbidden"}))
    with pytest.raises(AuthenticationError):
        wire.call(finalize(SUCCESS))
    wire["execute"].mock(return_value=executed())
    assert wire.call(finalize(SUCCESS)).state is PaymentState.CONFIRMED
    assert wire["execute"].call_count == 2


@pytest.mark.parametrize(
    "params",
    [
        {"status": "success"},
        {"paymentID": "", "status": "success"},
        {"paymentID": "TR 1", "status": "success"},
        {"paymentID": PAYMENT_ID},
        {"paymentID": PAYMENT_ID, "status": "paid"},
    ],
)
def test_malformed_callback_is_a_validation_error(wire: Wire, params: dict[str, str]) -> None:
    with pytest.raises(BkashValidationError):
        wire.call(finalize(params))
    assert wire.total_calls == 0


@pytest.mark.parametrize(
    ("amount", "invoice", "currency"),
    [("0", "INV", "BDT"), ("1.001", "INV", "BDT"), ("5", "", "BDT"), ("5", "INV", " ")],
)
def test_bad_expectations_are_validation_errors(
    wire: Wire, amount: str, invoice: str, currency: str
) -> None:
    with pytest.raises(BkashValidationError):
        wire.call(finalize(SUCCESS, amount, invoice, expected_currency=currency))
    assert wire.total_calls == 0


def test_status_and_currency_are_read_leniently(wire: Wire) -> None:
    wire["execute"].mock(return_value=executed(currency="bdt"))
    params = {"paymentID": PAYMENT_ID, "status": " Success "}
    outcome = wire.call(finalize(params, expected_currency="BDT"))
    assert outcome.state is PaymentState.CONFIRMED
