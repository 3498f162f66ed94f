"""``checkout.finalize``: turn bKash's browser callback into a settled, never-doubled payment.

1. With a callback secret configured, the signed callback URL is verified first.
2. ``status=failure`` / ``cancel`` never call bKash.
3. ``status=success`` executes once per payment id across every caller sharing the outcome
   store (:func:`~bkash_sdk._stores.single_flight`); an open answer is settled by one query.
   An attempt interrupted before it recorded execute's answer is resumed by the next one: a
   query, then execute only if nothing was paid. A state refusal with nothing paid (a callback
   before the customer approved) is not final: a later callback may execute again.
4. The answer is judged against the order: confirmed only if invoice, currency and amount match.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from functools import partial
from typing import TypeGuard

import attrs

from .._checkout_signing import conceal_secrets, verify_callback
from .._config import BkashConfig
from .._exceptions import (
    AuthenticationError,
    BkashAPIError,
    BkashError,
    BkashValidationError,
    PaymentOutcomeUnknown,
)
from .._operations import EXECUTE_PAYMENT
from .._pipeline import Blocking, Flow
from .._stores import single_flight
from .._tokens import BACKOFF_ALLOWANCE, longest_fetch
from .._validation import validate_amount, validate_id, validate_reference
from ..models import PaymentExecution
from ._base import AsyncRun, Context, SyncRun
from ._outcome import ENDED, MOVED, Expectation, FinalizeOutcome, PaymentState, declined, judge
from ._outcome_store import CheckoutRecord, OutcomeStore
from ._reconcile import describe, is_state_refusal
from .payments import execute_flow, query_flow

CALLBACK_STATUSES = ("success", "failure", "cancel")
RECHECK_INTERVAL = 5.0
"""Seconds during which an unsettled result (pending, unknown, or a refusal before anything
was paid) is shared with concurrent callers as is."""
_NOT_PAID = {"failure": "failed", "cancel": "cancelled"}


def read_callback(params: Mapping[str, str]) -> tuple[str, str]:
    """The ``paymentID`` and ``status`` of a callback, or a clear validation error."""
    payment_id = params.get("paymentID") or params.get("paymentId")
    if not isinstance(payment_id, str) or not payment_id.strip():
        raise BkashValidationError("the callback has no paymentID parameter", field="paymentID")
    status = params.get("status")
    if not isinstance(status, str) or status.strip().lower() not in CALLBACK_STATUSES:
        raise BkashValidationError(
            "the callback status must be 'success', 'failure' or 'cancel'", field="status"
        )
    return validate_id(payment_id, "paymentID"), status.strip().lower()


def _expectation(amount: Decimal, invoice: str, currency: str) -> Expectation:
    if not isinstance(currency, str) or not currency.strip():
        raise BkashValidationError(
            "expected_currency must be a currency code", field="expected_currency"
        )
    return Expectation(
        amount=validate_amount(amount, "expected_amount"),
        invoice=validate_reference(invoice, "merchant_invoice_number"),
        currency=currency.strip().upper(),
    )


def settle(payment_id: str, record: CheckoutRecord, expected: Expectation) -> FinalizeOutcome:
    """The outcome a stored record means for this order; raises if it is unknown."""
    if record.unknown is not None:
        raise PaymentOutcomeUnknown(
            record.unknown,
            payment_id=payment_id,
            operation="checkout.finalize",
            request_id=record.request_id,
        )
    if record.decline_code is not None:
        return declined(payment_id, record.decline_code)
    if record.execution is None:
        return FinalizeOutcome(PaymentState.PENDING, payment_id, reason="not_completed")
    return judge(payment_id, record.execution, expected)


def finalize_flow(
    ctx: Context,
    store: OutcomeStore,
    params: Mapping[str, str],
    *,
    expected_amount: Decimal,
    merchant_invoice_number: str,
    expected_currency: str,
    callback_secrets: Sequence[str] | None,
) -> Flow[FinalizeOutcome]:
    """Verify, then settle the callback's payment (see the module docstring).

    The public methods pass ``callback_secrets`` already concealed (see ``conceal_secrets``).
    """
    if not isinstance(params, Mapping):
        raise BkashValidationError(
            "callback_params must be the callback's query parameters as a mapping",
            field="callback_params",
        )
    expected = _expectation(expected_amount, merchant_invoice_number, expected_currency)
    if callback_secrets is None and ctx.config.webhook_secret is not None:
        callback_secrets = [ctx.config.webhook_secret]
    if callback_secrets is not None:
        verify_callback(params, callback_secrets, reference=expected.invoice, now=ctx.clock())
    payment_id, status = read_callback(params)
    if status != "success":
        record: CheckoutRecord | None = yield Blocking(partial(store.load, payment_id))
        if record is not None and record.final:
            return settle(payment_id, record, expected)
        if record is not None and record.execute_sent:
            return FinalizeOutcome(PaymentState.PENDING, payment_id, reason="outcome_unknown")
        return FinalizeOutcome(PaymentState.FAILED, payment_id, reason=_NOT_PAID[status])

    def accept(stored: CheckoutRecord | None) -> CheckoutRecord | None:
        if stored is None or stored.final:
            return stored
        fresh = stored.checked_at is not None and ctx.clock() - stored.checked_at < RECHECK_INTERVAL
        return stored if fresh else None

    def compute(current: CheckoutRecord | None) -> Flow[CheckoutRecord]:
        # runs under the lock: a record still in flight past the longest an attempt can take
        # belongs to an interrupted attempt; younger, its holder may still be at work
        if current is not None and current.execute_sent:
            # execute's own answer was never recorded: its attempt is in flight or interrupted
            in_flight = current.checked_at is None or current.sent_at is not None
            if not in_flight or not _abandoned(ctx, current):
                seen = yield from _query(ctx, payment_id)
                if seen.final or not in_flight:
                    return seen
                return attrs.evolve(seen, sent_at=current.sent_at)  # still to be resumed
            settled = yield from _resume(ctx, payment_id)
            if settled is not None:
                return settled
        marker = CheckoutRecord(execute_sent=True, sent_at=ctx.clock())
        yield Blocking(partial(store.save, payment_id, marker))
        return (yield from _execute(ctx, store, payment_id, current))

    record = yield from single_flight(
        store,
        payment_id,
        accept=accept,
        compute=compute,
        lock_timeout=longest_attempt(ctx.config),
    )
    return settle(payment_id, record, expected)


def longest_attempt(config: BkashConfig) -> float:
    """How long one finalize attempt may take: token fetches, execute and its query."""
    attempts = config.max_retries + 1
    one_call = config.timeout + config.connect_timeout + BACKOFF_ALLOWANCE
    return 2 * longest_fetch(config) + 2 * attempts * one_call + 10.0


def _abandoned(ctx: Context, record: CheckoutRecord) -> bool:
    """Whether the attempt that marked execute as sent can no longer be at work."""
    started = record.sent_at
    return started is None or ctx.clock() - started > longest_attempt(ctx.config)


def _execute(
    ctx: Context, store: OutcomeStore, payment_id: str, earlier: CheckoutRecord | None
) -> Flow[CheckoutRecord]:
    """Execute once; ``earlier`` is the record of an interrupted attempt this one resumes."""
    try:
        execution = yield from execute_flow(ctx, payment_id)
    except PaymentOutcomeUnknown as error:
        return CheckoutRecord(
            execute_sent=True,
            unknown=error.message,
            request_id=error.request_id,
            checked_at=ctx.clock(),
        )
    except BkashError as error:
        if _reached_payment(error):
            # a state refusal gets here only after a query showed nothing paid: bKash refused
            # before anything could be paid, and a later callback may execute again
            return CheckoutRecord(
                execute_sent=not is_state_refusal(EXECUTE_PAYMENT, error),
                decline_code=error.code,
                request_id=error.request_id,
                checked_at=ctx.clock(),
            )
        # this execute never reached bKash (no connection, no token, refused at the gateway):
        # a later finalize may execute; an interrupted earlier attempt's mark is kept
        reset = earlier if earlier is not None and earlier.execute_sent else CheckoutRecord()
        yield Blocking(partial(store.save, payment_id, reset))
        raise
    return CheckoutRecord(execute_sent=True, execution=execution, checked_at=ctx.clock())


def _reached_payment(error: BkashError) -> TypeGuard[BkashAPIError]:
    """Whether bKash's payment logic answered execute with this (definite) refusal."""
    return (
        isinstance(error, BkashAPIError)
        and error.operation == EXECUTE_PAYMENT.name
        and error.code is not None
        and not isinstance(error, AuthenticationError)
    )


def _query(ctx: Context, payment_id: str) -> Flow[CheckoutRecord]:
    try:
        status = yield from query_flow(ctx, payment_id)
    except BkashError as error:
        return CheckoutRecord(
            execute_sent=True,
            unknown=f"execute of {payment_id} may have been sent and querying it failed ({error})",
            request_id=error.request_id,
            checked_at=ctx.clock(),
        )
    execution = PaymentExecution.from_status(status)
    return CheckoutRecord(execute_sent=True, execution=execution, checked_at=ctx.clock())


def _resume(ctx: Context, payment_id: str) -> Flow[CheckoutRecord | None]:
    """After an interrupted attempt: the payment as bKash shows it if it was executed or ended,
    else ``None`` (execute again: bKash answers a repeat "already completed")."""
    try:
        status = yield from query_flow(ctx, payment_id)
    except BkashError as error:
        raise PaymentOutcomeUnknown(
            f"an earlier execute of {payment_id} was interrupted and querying it failed with "
            f"{describe(error)}; call finalize again later",
            payment_id=payment_id,
            operation="checkout.finalize",
            request_id=error.request_id,
        ) from error
    if status.trx_id is None and status.transaction_status not in MOVED | ENDED:
        return None
    execution = PaymentExecution.from_status(status)
    return CheckoutRecord(execute_sent=True, execution=execution, checked_at=ctx.clock())


class Checkout:
    """``client.checkout``: settle the callback of a payment created with ``payments.create``."""

    def __init__(self, run: SyncRun, ctx: Context, store: OutcomeStore) -> None:
        self._run = run
        self._ctx = ctx
        self.store = store

    def finalize(
        self,
        callback_params: Mapping[str, str],
        *,
        expected_amount: Decimal,
        merchant_invoice_number: str,
        expected_currency: str = "BDT",
        callback_secrets: Sequence[str] | None = None,
    ) -> FinalizeOutcome:
        """Settle the payment named by bKash's callback; fulfil only if ``.confirmed``.

        Idempotent per payment id: repeated and concurrent calls execute at most once and
        return the same outcome. ``callback_secrets`` overrides the configured
        ``webhook_secret`` (list the current secret first while rotating).
        """
        if callback_secrets is not None:
            callback_secrets = conceal_secrets(callback_secrets)
        return self._run(
            finalize_flow(
                self._ctx,
                self.store,
                callback_params,
                expected_amount=expected_amount,
                merchant_invoice_number=merchant_invoice_number,
                expected_currency=expected_currency,
                callback_secrets=callback_secrets,
            )
        )


class AsyncCheckout:
    """``client.checkout`` of the async client."""

    def __init__(self, run: AsyncRun, ctx: Context, store: OutcomeStore) -> None:
        self._run = run
        self._ctx = ctx
        self.store = store

    async def finalize(
        self,
        callback_params: Mapping[str, str],
        *,
        expected_amount: Decimal,
        merchant_invoice_number: str,
        expected_currency: str = "BDT",
        callback_secrets: Sequence[str] | None = None,
    ) -> FinalizeOutcome:
        """Settle the payment named by bKash's callback; see :meth:`Checkout.finalize`."""
        if callback_secrets is not None:
            callback_secrets = conceal_secrets(callback_secrets)
        return await self._run(
            finalize_flow(
                self._ctx,
                self.store,
                callback_params,
                expected_amount=expected_amount,
                merchant_invoice_number=merchant_invoice_number,
                expected_currency=expected_currency,
                callback_secrets=callback_secrets,
            )
        )
