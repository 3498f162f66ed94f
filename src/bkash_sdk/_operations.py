"""Every bKash endpoint the SDK calls, with its explicit retry policy.

``retry`` follows design rule 4: ``SAFE`` operations (token calls and reads) are retried on any
transient failure; ``UNSAFE`` ones (anything that creates or moves money) are retried only when
the request provably never left this machine.
"""

from __future__ import annotations

from enum import Enum

import attrs


class Retry(Enum):
    """How an operation may be retried."""

    SAFE = "safe"
    """Idempotent: retry timeouts, connection failures, protocol errors, 429 and 5xx."""
    UNSAFE = "unsafe"
    """May move money or create state: retry only failures to connect."""


class Api(Enum):
    """Which bKash root an operation lives under."""

    V1 = "v1"
    """``{base_url}`` (``…/v1.2.0-beta``), statusCode envelope."""
    V2 = "v2"
    """``{scheme}://{host}/v2/tokenized-checkout``, no statusCode on success."""


class Auth(Enum):
    """Which credentials an operation sends."""

    CREDENTIALS = "credentials"
    TOKEN = "token"  # noqa: S105 - an enum label, not a secret


@attrs.frozen
class Operation:
    """One bKash endpoint."""

    name: str
    path: str
    retry: Retry
    api: Api = Api.V1
    auth: Auth = Auth.TOKEN


GRANT_TOKEN = Operation(
    "token.grant", "/tokenized/checkout/token/grant", Retry.SAFE, auth=Auth.CREDENTIALS
)
# A refresh counts against bKash's two-per-hour limit even when its answer is lost, so it is
# re-sent only when it never left this machine.
REFRESH_TOKEN = Operation(
    "token.refresh", "/tokenized/checkout/token/refresh", Retry.UNSAFE, auth=Auth.CREDENTIALS
)
CREATE_PAYMENT = Operation("payments.create", "/tokenized/checkout/create", Retry.UNSAFE)
EXECUTE_PAYMENT = Operation("payments.execute", "/tokenized/checkout/execute", Retry.UNSAFE)
QUERY_PAYMENT = Operation("payments.query", "/tokenized/checkout/payment/status", Retry.SAFE)
CAPTURE_PAYMENT = Operation(
    "payments.capture", "/tokenized/checkout/payment/confirm/capture", Retry.UNSAFE
)
VOID_PAYMENT = Operation("payments.void", "/tokenized/checkout/payment/confirm/void", Retry.UNSAFE)
SEARCH_TRANSACTION = Operation(
    "transactions.search", "/tokenized/checkout/general/searchTransaction", Retry.SAFE
)
REFUND_V1 = Operation("refunds.create_v1", "/tokenized/checkout/payment/refund", Retry.UNSAFE)
REFUND_STATUS_V1 = Operation("refunds.status_v1", "/tokenized/checkout/payment/refund", Retry.SAFE)
REFUND_V2 = Operation("refunds.create", "/refund/payment/transaction", Retry.UNSAFE, api=Api.V2)
REFUND_STATUS_V2 = Operation("refunds.status", "/refund/payment/status", Retry.SAFE, api=Api.V2)
CREATE_AGREEMENT = Operation("agreements.create", "/tokenized/checkout/create", Retry.UNSAFE)
EXECUTE_AGREEMENT = Operation("agreements.execute", "/tokenized/checkout/execute", Retry.UNSAFE)
QUERY_AGREEMENT = Operation("agreements.query", "/tokenized/checkout/agreement/status", Retry.SAFE)
CANCEL_AGREEMENT = Operation(
    "agreements.cancel", "/tokenized/checkout/agreement/cancel", Retry.UNSAFE
)

ALL_OPERATIONS: tuple[Operation, ...] = (
    GRANT_TOKEN,
    REFRESH_TOKEN,
    CREATE_PAYMENT,
    EXECUTE_PAYMENT,
    QUERY_PAYMENT,
    CAPTURE_PAYMENT,
    VOID_PAYMENT,
    SEARCH_TRANSACTION,
    REFUND_V1,
    REFUND_STATUS_V1,
    REFUND_V2,
    REFUND_STATUS_V2,
    CREATE_AGREEMENT,
    EXECUTE_AGREEMENT,
    QUERY_AGREEMENT,
    CANCEL_AGREEMENT,
)
