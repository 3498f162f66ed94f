"""Validation of create requests, with the codes of bkash-api.md sections 4 and 14."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from urllib.parse import urlsplit

import attrs

from ._wire import BusinessError

_AMOUNT = re.compile(r"[0-9]+(?:\.[0-9]{1,2})?")
_TLV_LENGTH = re.compile(r"[0-9]{2}")
# Printable ASCII without spaces: a callback URL goes into the Location header verbatim.
_URL_CHARACTERS = re.compile(r"[!-~]+")
_REQUIRED = {
    "0011": (
        "payerReference",
        "callbackURL",
        "amount",
        "currency",
        "intent",
        "merchantInvoiceNumber",
    ),
    "0001": ("agreementID", "callbackURL", "amount", "currency", "intent", "merchantInvoiceNumber"),
    "0000": ("payerReference", "callbackURL"),
}
MAX_TEXT = 255


@attrs.frozen
class CreateRequest:
    """A validated ``/create`` body."""

    mode: str
    callback_url: str
    payer_reference: str | None
    amount: str | None
    currency: str | None
    intent: str | None
    merchant_invoice_number: str | None
    agreement_id: str | None


def parse_amount(value: object) -> Decimal | None:
    """A positive amount string with at most two decimals, else ``None``."""
    if not isinstance(value, str) or not _AMOUNT.fullmatch(value):
        return None
    amount = Decimal(value)
    return amount if amount > 0 else None


def text(body: Mapping[str, object], key: str) -> str | None:
    """A field as text; absent, null and empty all count as missing."""
    value = body.get(key)
    return None if value is None or value == "" else str(value)


def create_request(body: Mapping[str, object]) -> CreateRequest:
    """Check a create body field by field; raise the first applicable business error."""
    mode = text(body, "mode")
    if mode is None:
        raise BusinessError("2065")
    if mode not in _REQUIRED:
        raise BusinessError("2063")
    if any(text(body, key) is None for key in _REQUIRED[mode]):
        raise BusinessError("2065")
    callback = str(body["callbackURL"])
    if not _valid_callback(callback):
        raise BusinessError("2049")
    payer_reference = text(body, "payerReference")
    if payer_reference is not None and len(payer_reference) > MAX_TEXT:
        raise BusinessError("2048")
    amount = body.get("amount")
    if amount is not None and parse_amount(amount) is None:
        raise BusinessError("2006")
    currency, intent = text(body, "currency"), text(body, "intent")
    if currency is not None and currency != "BDT":
        raise BusinessError("2007")
    if intent is not None and intent not in ("sale", "authorization"):
        raise BusinessError("2008")
    invoice = text(body, "merchantInvoiceNumber")
    if invoice is not None and (len(invoice) > MAX_TEXT or any(c in invoice for c in "<>&")):
        raise BusinessError("2031")
    if not _valid_tlv(text(body, "merchantAssociationInfo") or ""):
        raise BusinessError("2047")
    return CreateRequest(
        mode=mode,
        callback_url=callback,
        payer_reference=payer_reference,
        amount=None if amount is None else str(amount),
        currency=currency,
        intent=intent,
        merchant_invoice_number=invoice,
        agreement_id=text(body, "agreementID"),
    )


def _valid_callback(url: str) -> bool:
    """An absolute http(s) URL of printable ASCII: no spaces, control characters or Unicode."""
    if not _URL_CHARACTERS.fullmatch(url):
        return False
    try:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
    except ValueError:  # a malformed port or IPv6 literal
        return False


def _valid_tlv(value: str) -> bool:
    """``merchantAssociationInfo``: repeated 2-char tag, 2-digit (ASCII) length, value."""
    index = 0
    while index < len(value):
        size = value[index + 2 : index + 4]
        if not _TLV_LENGTH.fullmatch(size):
            return False
        index += 4 + int(size)
        if index > len(value):
            return False
    return True
