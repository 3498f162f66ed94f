"""Turning a bKash HTTP answer into data or a typed error (design rule 1), in one place.

Success is HTTP 200 with ``statusCode == "0000"`` (or, for the v2 refund API, HTTP 200 with
no error fields). Everything else becomes a :class:`BkashAPIError` subclass chosen by code,
never by message text. Unreadable bodies (HTML, empty, broken JSON) never escape as decode
errors.
"""

from __future__ import annotations

from typing import Any

from ._errors_catalog import TOKEN_REJECTED_CODES, lookup
from ._exceptions import (
    AuthenticationError,
    BkashAPIError,
    BkashServerError,
    InvalidRequestError,
    Outcome,
    RateLimitError,
)
from ._masking import loads_lenient, redact_body, redact_text, scrub
from ._operations import Api, Auth, Operation

SUCCESS_CODE = "0000"


def parse_body(body: bytes) -> dict[str, Any] | None:
    """The JSON object in ``body``, or ``None`` when it is not one (raw newlines tolerated)."""
    if not body:
        return None
    try:
        data = loads_lenient(body.decode("utf-8", "replace"))
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def error_code(data: dict[str, Any] | None) -> str | None:
    """The bKash code an answer carries in any of its envelopes."""
    if data is None:
        return None
    for key in ("statusCode", "errorCode", "externalCode"):
        value = data.get(key)
        if value not in (None, ""):
            return str(value)
    return None


def is_token_rejection(status: int, data: dict[str, Any] | None) -> bool:
    """Whether bKash refused the id_token itself (gateway 401, or an invalid-token code)."""
    return status == 401 or error_code(data) in TOKEN_REJECTED_CODES


def interpret(
    operation: Operation,
    status: int,
    body: bytes,
    data: dict[str, Any] | None,
    request_id: str | None,
    secrets: tuple[str, ...] = (),
) -> dict[str, Any]:
    """The answer's data (``parse_body(body)``) on success; otherwise raise the matching error."""
    code = error_code(data)
    if status == 200 and data is not None:
        if code == SUCCESS_CODE:
            return data
        if code is None and operation.api is Api.V2 and "message" not in data:
            return data
    raise _error(
        operation=operation,
        status=status,
        body=body,
        data=data,
        code=code,
        request_id=request_id,
        secrets=secrets,
    )


def _error(
    *,
    operation: Operation,
    status: int,
    body: bytes,
    data: dict[str, Any] | None,
    code: str | None,
    request_id: str | None,
    secrets: tuple[str, ...],
) -> BkashAPIError:
    fields: dict[str, Any] = {
        "code": code,
        "http_status": status,
        "request_id": request_id,
        "raw_body": redact_body(body, secrets),
        "operation": operation.name,
    }
    if code is not None and code != SUCCESS_CODE:
        info = lookup(code, token_call=operation.auth is Auth.CREDENTIALS)
        message = _message(data, secrets) or info.message or f"bKash returned code {code}"
        return info.error(message, outcome=info.outcome, **fields)
    gateway_message = _message(data, secrets)
    if status in (401, 403):
        return AuthenticationError(
            f"bKash refused the credentials or token ({gateway_message or 'Unauthorized'})",
            **fields,
        )
    if status == 429:
        return RateLimitError("bKash is throttling requests", outcome=Outcome.UNKNOWN, **fields)
    if 400 <= status < 500 and status != 408:
        return InvalidRequestError(
            f"bKash rejected the request ({gateway_message or f'HTTP {status}'})", **fields
        )
    if status == 200 and data is not None:
        detail = gateway_message or "no statusCode"
        return BkashServerError(
            f"bKash answered without a result ({detail})", outcome=Outcome.UNKNOWN, **fields
        )
    detail = "an unreadable body" if data is None else (gateway_message or "no result")
    return BkashServerError(
        f"bKash answered HTTP {status} with {detail}", outcome=Outcome.UNKNOWN, **fields
    )


def _message(data: dict[str, Any] | None, secrets: tuple[str, ...]) -> str | None:
    if data is None:
        return None
    for key in ("statusMessage", "errorMessage", "errorMessageEn", "message"):
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return scrub(redact_text(value.strip()), secrets)
    return None
