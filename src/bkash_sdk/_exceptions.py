"""Every error the SDK raises, in one tree.

::

    BkashError
    ├── ConfigurationError            settings are missing or unsafe (also a ValueError)
    ├── BkashValidationError          input rejected before any network call (also a ValueError)
    ├── SignatureVerificationError    a webhook or callback failed verification
    │   └── CertificateUnavailableError   the SNS certificate could not be fetched (retry)
    ├── BkashTransportError           no usable answer from bKash
    │   ├── BkashConnectionError      the connection failed
    │   └── BkashTimeoutError         an attempt ran out of time
    ├── BkashAPIError                 bKash answered, and said no
    │   ├── AuthenticationError       credentials, token or app key refused
    │   ├── InvalidRequestError       the request was invalid; nothing happened
    │   ├── PaymentDeclinedError      the customer's side failed; no money moved
    │   ├── InvalidStateError         the payment or agreement is in the wrong state
    │   ├── AlreadyCompletedError     the action already happened earlier
    │   ├── RateLimitError            bKash throttled the caller (HTTP 429)
    │   └── BkashServerError          bKash failed or its answer was unreadable
    └── PaymentOutcomeUnknown         a money-moving call whose result could not be established

Every error's ``str`` carries the request id and never a secret; ``raw_body`` is masked.
"""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    """What an error means for the money: the basis for reconciling a failed call."""

    FAILED = "failed"
    """Nothing happened; safe to treat as a definite failure."""
    UNKNOWN = "unknown"
    """It may or may not have happened; query before deciding."""
    DONE = "done"
    """It already happened earlier; query to read the result."""


class BkashError(Exception):
    """Root of every error raised by ``bkash_sdk``."""

    def __init__(self, message: str, *, request_id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.request_id = request_id

    def __str__(self) -> str:
        if self.request_id:
            return f"{self.message} (request_id={self.request_id})"
        return self.message


class ConfigurationError(BkashError, ValueError):
    """A setting is missing, malformed or unsafe; names the setting, never its value."""


class BkashValidationError(BkashError, ValueError):
    """An argument was rejected before any network call."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class SignatureVerificationError(BkashError):
    """A webhook or a callback could not be verified and must be ignored."""


class CertificateUnavailableError(SignatureVerificationError):
    """The SNS signing certificate could not be fetched now (timeout, connection, HTTP 5xx).

    The message is not verified, but may be genuine: answer 5xx (e.g. 503) so SNS redelivers
    it. A refused URL, a body that is not one PEM certificate, or a failed trust check raise
    plain :class:`SignatureVerificationError` instead.
    """


class BkashTransportError(BkashError):
    """No usable answer: the request may or may not have reached bKash.

    ``request_sent`` is false only when every attempt provably failed before the request
    left this machine (the connection was never made); nothing happened at bKash then.
    """

    def __init__(
        self,
        message: str,
        *,
        request_id: str | None = None,
        operation: str | None = None,
        request_sent: bool = True,
    ) -> None:
        super().__init__(message, request_id=request_id)
        self.operation = operation
        self.request_sent = request_sent

    @property
    def outcome(self) -> Outcome:
        """``UNKNOWN`` when the request may have arrived, ``FAILED`` when it never left."""
        return Outcome.UNKNOWN if self.request_sent else Outcome.FAILED


class BkashConnectionError(BkashTransportError):
    """The connection to bKash failed."""


class BkashTimeoutError(BkashTransportError):
    """An attempt did not complete within its timeout."""


class BkashAPIError(BkashError):
    """bKash answered with an error: a business code, a gateway refusal or a server failure."""

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        http_status: int | None = None,
        request_id: str | None = None,
        raw_body: str | None = None,
        operation: str | None = None,
        outcome: Outcome = Outcome.FAILED,
    ) -> None:
        super().__init__(message, request_id=request_id)
        self.code = code
        self.http_status = http_status
        self.raw_body = raw_body
        self.operation = operation
        self.outcome = outcome

    def __str__(self) -> str:
        parts = [f"code={self.code}" if self.code else None]
        parts.append(f"http_status={self.http_status}" if self.http_status else None)
        parts.append(f"request_id={self.request_id}" if self.request_id else None)
        detail = ", ".join(p for p in parts if p)
        return f"{self.message} ({detail})" if detail else self.message

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(code={self.code!r}, message={self.message!r}, "
            f"http_status={self.http_status!r}, request_id={self.request_id!r})"
        )


class AuthenticationError(BkashAPIError):
    """Credentials, the token or the app key were refused."""


class InvalidRequestError(BkashAPIError):
    """bKash rejected the request as invalid; nothing happened."""


class PaymentDeclinedError(BkashAPIError):
    """The customer's side failed (balance, PIN, wallet state); no money moved."""


class InvalidStateError(BkashAPIError):
    """The payment or agreement is not in a state that allows this action."""


class AlreadyCompletedError(BkashAPIError):
    """The action already happened; the current state has to be read back."""


class RateLimitError(BkashAPIError):
    """bKash throttled the caller."""


class BkashServerError(BkashAPIError):
    """bKash failed (5xx, maintenance) or answered with something unreadable."""


class PaymentOutcomeUnknown(BkashError):
    """A money-moving call whose result could not be established, even by asking bKash again.

    The payment may have been charged. Reconcile later with ``payments.query`` (or
    ``refunds.status``); never repeat the call blindly.
    """

    def __init__(
        self,
        message: str,
        *,
        payment_id: str | None = None,
        operation: str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, request_id=request_id)
        self.payment_id = payment_id
        self.operation = operation
