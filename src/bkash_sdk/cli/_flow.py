"""The full checkout flow on one payment, shared by ``demo`` and ``uat``.

grant token, create, customer approval, execute, query, search, refund, refund status.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal

import attrs

from .._masking import mask_msisdn
from ..models import TransactionStatus, VerificationStatus
from ._exit import CommandFailed
from ._output import Console
from ._target import Target

STEPS = (
    "grant token",
    "create payment",
    "customer approval",
    "execute payment",
    "query payment",
    "search transaction",
    "refund",
    "refund status",
)
POLL_INTERVALS = (0.5, 1.0, 2.0, 3.0)
"""Seconds between status polls while a person approves; the last one repeats."""


@attrs.frozen
class FlowResult:
    """What the flow did, for the summary."""

    payment_id: str
    invoice: str
    amount: Decimal
    trx_id: str
    wallet: str | None
    refund_trx_id: str | None
    refund_amount: Decimal
    refund_status: str
    refunded_total: Decimal
    grants: int
    seconds: float


@attrs.define
class CheckoutFlow:
    """Runs the steps on one payment id, printing one progress line per step."""

    target: Target
    console: Console
    amount: Decimal
    refund_amount: Decimal
    invoice: str
    wait: float
    on_step: Callable[[str], None] = lambda step: None
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic

    def _done(self, name: str, detail: str) -> None:
        number = STEPS.index(name) + 1
        self.console.line(f"[{number}/{len(STEPS)}] {name:<19} {detail}")

    def run(self) -> FlowResult:
        """Run every step; a step that does not succeed raises."""
        started = self.clock()
        client = self.target.client
        self.on_step("create payment")
        payment = client.payments.create(
            amount=self.amount,
            merchant_invoice_number=self.invoice,
            payer_reference=self.invoice,
        )
        grants = client.token_stats.grants
        self._done("grant token", f"ok: one id_token, cached for every call ({grants} grant)")
        self._done("create payment", f"{payment.payment_id} for {self.amount} BDT ({self.invoice})")
        self.on_step("customer approval")
        self._approve(payment.payment_id, payment.bkash_url or "")
        self.on_step("execute payment")
        done = client.payments.execute(payment.payment_id)
        if done.transaction_status is not TransactionStatus.COMPLETED or not done.trx_id:
            raise CommandFailed(f"execute answered {done.transaction_status}, not Completed")
        self._done("execute payment", f"Completed: trxID {done.trx_id}")
        self.on_step("query payment")
        state = client.payments.query(payment.payment_id)
        self._done("query payment", f"{state.transaction_status}, trxID {state.trx_id}")
        self.on_step("search transaction")
        found = client.transactions.search(done.trx_id)
        self._done("search transaction", f"{found.transaction_status}: {found.transaction_type}")
        self.on_step("refund")
        refund = client.refunds.create(
            payment_id=payment.payment_id,
            trx_id=done.trx_id,
            amount=self.refund_amount,
            sku="bkash-sdk-demo",
            reason="bkash-sdk flow check",
        )
        status_text = str(refund.transaction_status or "unknown")
        self._done("refund", f"{self.refund_amount} BDT: {status_text}, {refund.refund_trx_id}")
        self.on_step("refund status")
        refunds = client.refunds.status(payment_id=payment.payment_id, trx_id=done.trx_id)
        self._done(
            "refund status",
            f"{len(refunds.refunds)} refund(s), {refunds.refunded_amount} BDT refunded",
        )
        return FlowResult(
            payment_id=payment.payment_id,
            invoice=self.invoice,
            amount=self.amount,
            trx_id=done.trx_id,
            wallet=mask_msisdn(done.customer_msisdn),
            refund_trx_id=refund.refund_trx_id,
            refund_amount=self.refund_amount,
            refund_status=status_text,
            refunded_total=refunds.refunded_amount,
            grants=client.token_stats.grants,
            seconds=self.clock() - started,
        )

    def _approve(self, payment_id: str, bkash_url: str) -> None:
        if self.target.approve is not None:
            self.target.approve(payment_id)
            self._done("customer approval", "paid on the sandbox checkout page (test wallet)")
            return
        self.console.line(f"      open this page and pay: {bkash_url}")
        self.console.line(
            "      with a sandbox test wallet (docs/sandbox.md), OTP 123456, PIN 12121"
        )
        self.console.line(f"      waiting up to {self.wait:g} s (polling the payment status)")
        deadline = self.clock() + self.wait
        polls = 0
        while True:
            state = self.target.client.payments.query(payment_id)
            if state.verification_status is VerificationStatus.COMPLETE:
                self._done("customer approval", "the customer completed the checkout page")
                return
            pause = POLL_INTERVALS[min(polls, len(POLL_INTERVALS) - 1)]
            polls += 1
            if self.clock() + pause > deadline:
                raise CommandFailed(
                    f"the customer did not complete payment {payment_id} within {self.wait:g} s;"
                    " it was not executed (rerun with a longer --wait)"
                )
            self.sleep(pause)
