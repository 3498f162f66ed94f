"""Exit codes, and the one-line explanation of an SDK error."""

from __future__ import annotations

from enum import IntEnum

from .._exceptions import (
    AuthenticationError,
    BkashAPIError,
    BkashError,
    BkashTimeoutError,
    BkashTransportError,
    BkashValidationError,
    ConfigurationError,
    PaymentOutcomeUnknown,
)


class ExitCode(IntEnum):
    """What the process exit status means."""

    OK = 0
    REFUSED = 1
    """bKash said no (a business or authentication error), or the payment did not complete."""
    USAGE = 2
    """Bad arguments or configuration; nothing was sent."""
    TRANSPORT = 3
    """No usable answer from bKash: connection failure or timeout."""
    OUTCOME_UNKNOWN = 4
    """A money-moving call whose result could not be established; reconcile before retrying."""
    INTERNAL = 70
    """An unexpected error inside the command (rerun with ``--debug``)."""
    INTERRUPTED = 130
    """Stopped with Ctrl+C."""


class CommandFailed(Exception):
    """A command's own failure: a message for stderr and an exit code."""

    def __init__(self, message: str, code: ExitCode = ExitCode.REFUSED) -> None:
        super().__init__(message)
        self.code = code


def exit_code(error: BkashError) -> ExitCode:
    """The exit code for an SDK error."""
    if isinstance(error, ConfigurationError | BkashValidationError):
        return ExitCode.USAGE
    if isinstance(error, PaymentOutcomeUnknown):
        return ExitCode.OUTCOME_UNKNOWN
    if isinstance(error, BkashTransportError):
        return ExitCode.TRANSPORT
    return ExitCode.REFUSED


def explain(error: BkashError) -> str:
    """One line: what went wrong, and what to do next when that is clear."""
    if isinstance(error, ConfigurationError):
        return f"configuration error: {error}"
    if isinstance(error, BkashValidationError):
        return f"invalid input: {error}"
    if isinstance(error, PaymentOutcomeUnknown):
        return f"outcome unknown: {error}"
    if isinstance(error, BkashTimeoutError):
        return f"timed out: {error}; check BKASH_BASE_URL and BKASH_TIMEOUT_SECONDS"
    if isinstance(error, BkashTransportError):
        return f"no answer from bKash: {error}; check BKASH_BASE_URL and the network"
    if isinstance(error, AuthenticationError):
        return f"bKash refused the credentials: {error}; run `bkash-sdk doctor`"
    if isinstance(error, BkashAPIError):
        return f"bKash said no: {error}"
    return f"error: {error}"
