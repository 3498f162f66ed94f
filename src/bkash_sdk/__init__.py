"""bkash-sdk: typed sync and async client for bKash Tokenized Checkout."""

from __future__ import annotations

from ._client import AsyncBkashClient, BkashClient
from ._config import PRODUCTION_BASE_URL, SANDBOX_BASE_URL, BkashConfig, Environment
from ._exceptions import (
    AlreadyCompletedError,
    AuthenticationError,
    BkashAPIError,
    BkashConnectionError,
    BkashError,
    BkashServerError,
    BkashTimeoutError,
    BkashTransportError,
    BkashValidationError,
    CertificateUnavailableError,
    ConfigurationError,
    InvalidRequestError,
    InvalidStateError,
    Outcome,
    PaymentDeclinedError,
    PaymentOutcomeUnknown,
    RateLimitError,
    SignatureVerificationError,
)
from ._stores import InMemoryTokenStore, RedisTokenStore, TokenRecord, TokenStore
from ._tokens import TokenStats
from ._version import __version__
from .resources import (
    CheckoutRecord,
    FinalizeOutcome,
    MemoryOutcomeStore,
    OutcomeStore,
    PaymentState,
    RedisOutcomeStore,
)

__all__ = [
    "PRODUCTION_BASE_URL",
    "SANDBOX_BASE_URL",
    "AlreadyCompletedError",
    "AsyncBkashClient",
    "AuthenticationError",
    "BkashAPIError",
    "BkashClient",
    "BkashConfig",
    "BkashConnectionError",
    "BkashError",
    "BkashServerError",
    "BkashTimeoutError",
    "BkashTransportError",
    "BkashValidationError",
    "CertificateUnavailableError",
    "CheckoutRecord",
    "ConfigurationError",
    "Environment",
    "FinalizeOutcome",
    "InMemoryTokenStore",
    "InvalidRequestError",
    "InvalidStateError",
    "MemoryOutcomeStore",
    "Outcome",
    "OutcomeStore",
    "PaymentDeclinedError",
    "PaymentOutcomeUnknown",
    "PaymentState",
    "RateLimitError",
    "RedisOutcomeStore",
    "RedisTokenStore",
    "SignatureVerificationError",
    "TokenRecord",
    "TokenStats",
    "TokenStore",
    "__version__",
]
