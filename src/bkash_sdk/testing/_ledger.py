"""The state machine: merchant operations and customer actions on payments and agreements."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

import attrs

from . import _ids
from ._clock import Clock
from ._state import Agreement, Payment, PaymentCompleted, Refund, Stage
from ._validate import MAX_TEXT, CreateRequest, parse_amount
from ._wire import BusinessError

PAYMENT_TTL = 24 * 3600.0
MAX_REFUNDS = 10
WRONG_PIN_LIMIT = 3
OTP = "123456"
PIN = "12121"
INSUFFICIENT_BALANCE_WALLET = "01823074817"
DEBIT_BLOCK_WALLET = "01823074818"
DEFAULT_WALLET = "01770618575"
_WALLET = re.compile(r"01[3-9][0-9]{8}")


def wallet_hint(reference: str | None) -> str | None:
    """The payer reference when it is a wallet number (bKash pre-fills the page with it)."""
    return reference if reference is not None and _WALLET.fullmatch(reference) else None


class CheckoutError(ValueError):
    """The checkout page refuses an action (shown on the page, raised by customer helpers)."""


@attrs.frozen
class Settings:
    """Behaviour where bKash has drifted or is configurable in the sandbox."""

    repeat_execute_code: str = "2117"
    repeat_agreement_execute_code: str = "2050"
    debit_block_at_execute: bool = False
    duplicate_window: float = 120.0


class Ledger:
    """Payments, agreements and transactions, keyed as bKash keys them."""

    def __init__(
        self, clock: Clock, settings: Settings, on_completed: Callable[[PaymentCompleted], None]
    ) -> None:
        self._clock = clock
        self._settings = settings
        self._on_completed = on_completed
        self.payments: dict[str, Payment] = {}
        self.agreements: dict[str, Agreement] = {}
        self._transactions: dict[str, tuple[Payment, Refund | None]] = {}

    # -- merchant side ------------------------------------------------------------------

    def create(self, app_key: str, request: CreateRequest, page_url: str) -> Payment:
        """``/create`` in any mode; mode 0001 needs an active agreement of this merchant."""
        now = self._clock.now()
        payer_reference, wallet = request.payer_reference, None
        if request.mode == "0001":
            agreement = self.agreement(app_key, request.agreement_id or "")
            if agreement.voided_at is not None:
                raise BusinessError("2053")
            wallet = agreement.wallet
            payer_reference = payer_reference or agreement.payer_reference
        payment_id, page_hash = _ids.payment_id(request.mode, now), _ids.page_hash()
        url = f"{page_url.rstrip('/')}/?paymentId={payment_id}&hash={page_hash}"
        payment = Payment(
            payment_id=payment_id,
            mode=request.mode,
            app_key=app_key,
            callback_url=request.callback_url,
            bkash_url=f"{url}&mode={request.mode}&apiVersion=v1.2.0-beta/",
            signature=_ids.signature(),
            page_hash=page_hash,
            created_at=now,
            payer_reference=payer_reference,
            amount=request.amount,
            currency=request.currency,
            intent=request.intent,
            merchant_invoice_number=request.merchant_invoice_number,
            agreement_id=request.agreement_id,
            wallet=wallet,
        )
        self.payments[payment_id] = payment
        return payment

    def payment(self, app_key: str, payment_id: str) -> Payment:
        """This merchant's payment, else 2002."""
        payment = self.payments.get(payment_id)
        if payment is None or payment.app_key != app_key:
            raise BusinessError("2002")
        return payment

    def agreement(self, app_key: str, agreement_id: str) -> Agreement:
        """An agreement: 2051 if unknown, 2066 if another merchant's."""
        agreement = self.agreements.get(agreement_id)
        if agreement is None:
            raise BusinessError("2051")
        if agreement.app_key != app_key:
            raise BusinessError("2066")
        return agreement

    def execute(self, app_key: str, payment_id: str) -> Payment:
        """``/execute``: single use; money moves here, or an agreement comes into being."""
        payment = self.payment(app_key, payment_id)
        if payment.mode == "0000":
            return self._execute_agreement(payment)
        if payment.trx_id is not None:
            raise BusinessError(self._settings.repeat_execute_code)
        if payment.stage is not Stage.VERIFIED or self.expired(payment):
            raise BusinessError("2056")
        if payment.wallet == DEBIT_BLOCK_WALLET and self._settings.debit_block_at_execute:
            raise self._refuse(payment, "2038")
        if self._duplicate(payment):
            raise self._refuse(payment, "2029")
        now = self._clock.now()
        payment.trx_id, payment.executed_at = _ids.trx_id(), now
        self._transactions[payment.trx_id] = (payment, None)
        if payment.intent == "authorization":
            payment.stage = Stage.AUTHORIZED
        else:
            self._complete(payment, now)
        return payment

    def capture(self, app_key: str, payment_id: str) -> Payment:
        """Capture an authorized payment; anything else is 2119."""
        payment = self._authorized(app_key, payment_id)
        payment.settled_at = self._clock.now()
        self._complete(payment, payment.settled_at)
        return payment

    def void(self, app_key: str, payment_id: str) -> Payment:
        """Release an authorized payment's hold; anything else is 2119."""
        payment = self._authorized(app_key, payment_id)
        payment.stage, payment.settled_at = Stage.VOIDED, self._clock.now()
        return payment

    def refunds(self, app_key: str, payment_id: str, trx_id: str) -> Payment:
        """A refundable payment: completed (else 2127) and matching ``trx_id`` (else 2077)."""
        payment = self.payment(app_key, payment_id)
        if payment.mode == "0000" or payment.stage is not Stage.COMPLETED:
            raise BusinessError("2127")
        if payment.trx_id != trx_id:
            raise BusinessError("2077")
        return payment

    def refund(
        self, payment: Payment, amount: object, sku: str | None, reason: str | None
    ) -> Refund:
        """Add one refund: up to 10 per payment, never more than was paid."""
        value = parse_amount(amount)
        if value is None:
            raise BusinessError("2072")
        if sku is not None and len(sku) > MAX_TEXT:
            raise BusinessError("2075")
        if reason is not None and len(reason) > MAX_TEXT:
            raise BusinessError("2076")
        if len(payment.refunds) >= MAX_REFUNDS:
            raise BusinessError("2074")
        if payment.refunded() + value > Decimal(payment.amount or "0"):
            raise BusinessError("2072")
        refund = Refund(_ids.trx_id(), str(amount), sku, reason, self._clock.now())
        payment.refunds.append(refund)
        self._transactions[refund.refund_trx_id] = (payment, refund)
        return refund

    def transaction(self, app_key: str, trx_id: str) -> tuple[Payment, Refund | None]:
        """A payment or refund transaction of this merchant, else 2033."""
        found = self._transactions.get(trx_id)
        if found is None or found[0].app_key != app_key:
            raise BusinessError("2033")
        return found

    def cancel_agreement(self, app_key: str, agreement_id: str) -> Agreement:
        """Cancel an agreement; a second cancel is 2053."""
        agreement = self.agreement(app_key, agreement_id)
        if agreement.voided_at is not None:
            raise BusinessError("2053")
        agreement.voided_at = self._clock.now()
        return agreement

    def expired(self, payment: Payment) -> bool:
        """Whether 24 hours have passed since create."""
        return self._clock.now() >= payment.created_at + PAYMENT_TTL

    # -- customer side (the hosted checkout page) ----------------------------------------

    def checkout(self, payment_id: str, page_hash: str | None = None) -> Payment:
        """The payment a checkout page may act on."""
        payment = self.payments.get(payment_id)
        if payment is None or page_hash not in (None, payment.page_hash):
            raise CheckoutError("Invalid payment request")
        if payment.stage is not Stage.AWAITING_CUSTOMER or self.expired(payment):
            raise CheckoutError("This payment request is no longer active")
        return payment

    def submit(self, payment: Payment, wallet: str | None, otp: str | None, pin: str) -> str:
        """Wallet + OTP + PIN (PIN only for mode 0001); a redirect URL or CheckoutError."""
        if payment.mode != "0001":
            if wallet is None or not _WALLET.fullmatch(wallet):
                raise CheckoutError("Invalid Wallet (2009)")
            if otp != OTP:
                raise CheckoutError("Invalid OTP (2010)")
            payment.wallet = wallet
        if pin != PIN:
            payment.pin_failures += 1
            left = WRONG_PIN_LIMIT - payment.pin_failures
            if left <= 0:
                return self.fail(payment, "2015")
            raise CheckoutError(f"Wrong PIN (2014); {left} attempt(s) left")
        if payment.mode != "0000" and payment.wallet == INSUFFICIENT_BALANCE_WALLET:
            return self.fail(payment, "2023")
        blocked = payment.wallet == DEBIT_BLOCK_WALLET
        if payment.mode != "0000" and blocked and not self._settings.debit_block_at_execute:
            return self.fail(payment, "2038")
        payment.stage = Stage.VERIFIED
        return payment.callback("success")

    def fail(self, payment: Payment, code: str) -> str:
        """End the page in failure; execute will answer 2056."""
        payment.stage, payment.failure_code = Stage.FAILED_ON_PAGE, code
        return payment.callback("failure")

    def cancel(self, payment: Payment) -> str:
        """The customer pressed Cancel."""
        payment.stage = Stage.CANCELLED_ON_PAGE
        return payment.callback("cancel")

    # -- internals ------------------------------------------------------------------------

    def _execute_agreement(self, payment: Payment) -> Payment:
        if payment.stage is Stage.COMPLETED:
            raise BusinessError(self._settings.repeat_agreement_execute_code)
        if payment.stage is not Stage.VERIFIED or self.expired(payment) or not payment.wallet:
            raise BusinessError("2054")
        now = self._clock.now()
        agreement = Agreement(
            agreement_id=_ids.agreement_id(now),
            app_key=payment.app_key,
            payment_id=payment.payment_id,
            payer_reference=payment.payer_reference,
            wallet=payment.wallet,
            created_at=payment.created_at,
            executed_at=now,
        )
        self.agreements[agreement.agreement_id] = agreement
        payment.agreement_id, payment.executed_at = agreement.agreement_id, now
        payment.stage = Stage.COMPLETED
        return payment

    def _refuse(self, payment: Payment, code: str) -> BusinessError:
        payment.stage, payment.failure_code = Stage.FAILED_AT_EXECUTE, code
        return BusinessError(code)

    def _duplicate(self, payment: Payment) -> bool:
        if self._settings.duplicate_window <= 0:  # the rule is off
            return False
        since = self._clock.now() - self._settings.duplicate_window
        amount = Decimal(payment.amount or "0")
        return any(
            other.app_key == payment.app_key
            and other.wallet == payment.wallet
            and other.executed_at is not None
            and other.executed_at >= since
            and Decimal(other.amount or "0") == amount
            for other in self.payments.values()
            if other.mode != "0000"
        )

    def _authorized(self, app_key: str, payment_id: str) -> Payment:
        payment = self.payment(app_key, payment_id)
        if payment.stage is not Stage.AUTHORIZED:
            raise BusinessError("2119")
        return payment

    def _complete(self, payment: Payment, now: float) -> None:
        payment.stage = Stage.COMPLETED
        assert payment.trx_id is not None
        assert payment.wallet is not None
        self._on_completed(
            PaymentCompleted(
                app_key=payment.app_key,
                payment_id=payment.payment_id,
                trx_id=payment.trx_id,
                amount=payment.amount or "0",
                currency=payment.currency or "BDT",
                wallet=payment.wallet,
                merchant_invoice_number=payment.merchant_invoice_number,
                completed_at=now,
            )
        )
