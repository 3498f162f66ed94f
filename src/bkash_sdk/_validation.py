"""Checks applied to caller input before any request is sent to bKash.

Every function returns the normalised value or raises ``BkashValidationError`` naming the
field. Messages never carry secrets; where they show the offending value it is short,
truncated and has wallet numbers masked.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from ._exceptions import BkashValidationError
from ._masking import redact_text

__all__ = [
    "MAX_AMOUNT",
    "validate_amount",
    "validate_callback_url",
    "validate_id",
    "validate_intent",
    "validate_merchant_association_info",
    "validate_reference",
    "validate_text",
]

MAX_AMOUNT = Decimal(10) ** 9
"""Amounts above this are rejected as a certain mistake (bKash's own limits are far lower)."""
MAX_TEXT_CHARS = 255
MAX_ID_CHARS = 100
MAX_URL_CHARS = 2048
INTENTS = ("sale", "authorization")

_PLAIN_DECIMAL = re.compile(r"\+?[0-9]+(?:\.[0-9]+)?|\+?\.[0-9]+", re.ASCII)
_CENT = Decimal("0.01")
_SHOWN_CHARS = 24


def _shown(value: object) -> str:
    """A short, masked rendering of a non-secret value for an error message."""
    text = value if isinstance(value, str) else type(value).__name__
    text = redact_text(text)
    return repr(text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + "…")


_CONTROL_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})


def _has_control(text: str) -> bool:
    """Whether ``text`` holds a control character, surrogate, or line/paragraph separator."""
    if text.isascii():
        # The only such ASCII characters are the Cc ones, U+0000-U+001F and U+007F: exactly
        # the ASCII characters str.isprintable() refuses.
        return not text.isprintable()
    return any(unicodedata.category(ch) in _CONTROL_CATEGORIES for ch in text)


def _has_space_or_control(text: str) -> bool:
    """Whether ``text`` holds whitespace, a control character or anything unprintable."""
    if text.isascii():
        # ASCII whitespace other than the space is made of control characters.
        return " " in text or not text.isprintable()
    return any(ch.isspace() for ch in text) or _has_control(text) or not text.isprintable()


def _require_str(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise BkashValidationError(
            f"{field} must be a string, got {type(value).__name__}", field=field
        )
    return value


def validate_amount(value: object, field: str = "amount") -> Decimal:
    """A positive amount with at most 2 decimals, as ``Decimal`` quantised to cents.

    Accepts ``Decimal``, ``int`` and numeric ``str`` (``"500"``, ``"599.50"``); rejects
    ``float`` (binary rounding), ``bool``, non-finite values, zero or less, and more than
    ``MAX_AMOUNT``.
    """
    if isinstance(value, bool):
        raise BkashValidationError(f"{field} must be a Decimal, int or str, not bool", field=field)
    if isinstance(value, float):
        raise BkashValidationError(
            f"{field} must not be a float (it cannot hold cents exactly); "
            'pass a Decimal or a string such as "500.00"',
            field=field,
        )
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, str):
        text = value.strip()
        if len(text) > 32 or not _PLAIN_DECIMAL.fullmatch(text):
            raise BkashValidationError(
                f"{field} must be a plain decimal number such as '500.00', got {_shown(value)}",
                field=field,
            )
        try:
            amount = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
            raise BkashValidationError(f"{field} is not a number", field=field) from None
    else:
        raise BkashValidationError(
            f"{field} must be a Decimal, int or str, got {type(value).__name__}", field=field
        )
    if not amount.is_finite():
        raise BkashValidationError(f"{field} must be a finite number", field=field)
    if amount <= 0:
        raise BkashValidationError(f"{field} must be greater than zero", field=field)
    if amount > MAX_AMOUNT:
        raise BkashValidationError(f"{field} must not exceed {MAX_AMOUNT:,}", field=field)
    quantised = amount.quantize(_CENT)
    if quantised != amount:
        raise BkashValidationError(f"{field} must have at most 2 decimal places", field=field)
    return quantised


def _stripped(value: object, field: str, limit: int) -> str:
    """``value`` as a stripped, non-empty string of at most ``limit`` characters."""
    text = _require_str(value, field).strip()
    if not text:
        raise BkashValidationError(f"{field} must not be empty", field=field)
    if len(text) > limit:
        raise BkashValidationError(f"{field} must be at most {limit} characters", field=field)
    return text


def validate_reference(value: object, field: str) -> str:
    """A merchant invoice number or payer reference: stripped, 1-255 chars, no ``<``, ``>``,
    ``&`` or control characters."""
    text = _stripped(value, field, MAX_TEXT_CHARS)
    if "<" in text or ">" in text or "&" in text:
        raise BkashValidationError(f"{field} must not contain '<', '>' or '&'", field=field)
    if _has_control(text):
        raise BkashValidationError(f"{field} must not contain control characters", field=field)
    return text


def validate_text(value: object, field: str) -> str:
    """A refund ``sku`` or ``reason``: stripped, 1-255 chars, no control characters."""
    text = _stripped(value, field, MAX_TEXT_CHARS)
    if _has_control(text):
        raise BkashValidationError(f"{field} must not contain control characters", field=field)
    return text


def validate_callback_url(value: object, field: str = "callback_url") -> str:
    """An absolute ``http``/``https`` URL with a host, no whitespace, credentials or fragment.

    It may carry a query string (bKash appends its parameters with ``&``).
    """
    url = _stripped(value, field, MAX_URL_CHARS)
    if _has_space_or_control(url):
        raise BkashValidationError(
            f"{field} must not contain whitespace or control characters", field=field
        )
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        raise BkashValidationError(f"{field} is not a valid URL", field=field) from None
    if parts.scheme.lower() not in ("http", "https"):
        raise BkashValidationError(f"{field} must be an http or https URL", field=field)
    if not host:
        raise BkashValidationError(f"{field} must be an absolute URL with a host", field=field)
    if parts.username is not None or parts.password is not None:
        raise BkashValidationError(f"{field} must not contain credentials", field=field)
    if parts.fragment or url.endswith("#"):
        raise BkashValidationError(f"{field} must not contain a fragment ('#')", field=field)
    return url


def validate_id(value: object, field: str) -> str:
    """A payment, transaction or agreement id: stripped, 1-100 printable chars, no spaces."""
    text = _stripped(value, field, MAX_ID_CHARS)
    if _has_space_or_control(text):
        raise BkashValidationError(
            f"{field} must not contain whitespace or control characters, got {_shown(text)}",
            field=field,
        )
    return text


def validate_intent(value: object) -> str:
    """``"sale"`` or ``"authorization"`` (any case), returned in lower case."""
    text = _require_str(value, "intent").strip().lower()
    if text not in INTENTS:
        raise BkashValidationError(
            f"intent must be 'sale' or 'authorization', got {_shown(value)}", field="intent"
        )
    return text


def validate_merchant_association_info(value: object) -> str:
    """The aggregator TLV string (``MI05MID54RF09123456One``): at most 255 printable chars.

    Returned unchanged (an empty string is allowed; spaces may be part of a TLV value).
    """
    field = "merchant_association_info"
    text = _require_str(value, field=field)
    if len(text) > MAX_TEXT_CHARS:
        raise BkashValidationError(
            f"{field} must be at most {MAX_TEXT_CHARS} characters", field=field
        )
    if not text.isprintable() or _has_control(text):
        raise BkashValidationError(f"{field} must contain printable characters only", field=field)
    return text
