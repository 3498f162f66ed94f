"""The operations of the clients: ``payments``, ``transactions``, ``refunds``, ``agreements``
and ``checkout``. Each operation is one flow (see ``bkash_sdk._pipeline``) shared by a sync
and an async resource class."""

from ._base import Context
from ._outcome import DECLINE_REASONS, FinalizeOutcome, PaymentState
from ._outcome_store import CheckoutRecord, MemoryOutcomeStore, OutcomeStore, RedisOutcomeStore
from .agreements import Agreements, AsyncAgreements
from .checkout import AsyncCheckout, Checkout
from .payments import AsyncPayments, Intent, Payments
from .refunds import AsyncRefunds, RefundApi, Refunds
from .transactions import AsyncTransactions, Transactions

__all__ = [
    "DECLINE_REASONS",
    "Agreements",
    "AsyncAgreements",
    "AsyncCheckout",
    "AsyncPayments",
    "AsyncRefunds",
    "AsyncTransactions",
    "Checkout",
    "CheckoutRecord",
    "Context",
    "FinalizeOutcome",
    "Intent",
    "MemoryOutcomeStore",
    "OutcomeStore",
    "PaymentState",
    "Payments",
    "RedisOutcomeStore",
    "RefundApi",
    "Refunds",
    "Transactions",
]
