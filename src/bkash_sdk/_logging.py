"""One structured log record per outbound call, on the ``bkash_sdk`` logger.

Records carry only non-secret facts (operation, ids, code, status, latency, attempt, request
id) in ``record.bkash``; bodies and headers are never logged.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

import httpx

from ._operations import Operation

logger = logging.getLogger("bkash_sdk")
logger.addHandler(logging.NullHandler())


def _first(data: Mapping[str, Any] | None, *keys: str) -> Any:
    if not data:
        return None
    for key in keys:
        value = data.get(key)
        if value not in (None, ""):
            return value
    return None


def log_attempt(
    operation: Operation,
    body: Mapping[str, Any],
    attempt: int,
    request_id: str,
    started: float,
    *,
    response: httpx.Response | None = None,
    data: Mapping[str, Any] | None = None,
    error: Exception | None = None,
) -> None:
    """Log one attempt of ``operation``."""
    if not logger.isEnabledFor(logging.INFO):
        return
    fields = {
        "operation": operation.name,
        "payment_id": _first(body, "paymentID", "paymentId")
        or _first(data, "paymentID", "paymentId"),
        "trx_id": _first(data, "trxID", "trxId") or _first(body, "trxID", "trxId"),
        "code": _first(data, "statusCode", "errorCode", "externalCode"),
        "http_status": response.status_code if response is not None else None,
        "latency_ms": round((time.perf_counter() - started) * 1000, 1),
        "attempt": attempt,
        "request_id": request_id,
        "error": type(error).__name__ if error is not None else None,
    }
    level = logging.WARNING if error is not None else logging.INFO
    logger.log(
        level,
        "bkash %(operation)s attempt=%(attempt)s status=%(http_status)s code=%(code)s "
        "latency_ms=%(latency_ms)s request_id=%(request_id)s error=%(error)s",
        fields,
        extra={"bkash": fields},
    )
