"""Pure checks of a raw SNS body: everything except the certificate and the signature math.

``prepare`` turns untrusted bytes into a :class:`Prepared` message (the string to sign, the
decoded signature, the certificate URL) or raises ``SignatureVerificationError``. It does no
I/O, so the sync and async verifiers share it unchanged.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import attrs
from cryptography.hazmat.primitives import hashes

from .._exceptions import SignatureVerificationError
from ._urls import check_certificate_url, topic_region

MAX_BODY_BYTES = 2 * 1024 * 1024
MAX_SIGNATURE_CHARS = 4096

_CONFIRMATION_KEYS = (
    "Message",
    "MessageId",
    "SubscribeURL",
    "Timestamp",
    "Token",
    "TopicArn",
    "Type",
)
SIGNED_KEYS: dict[str, tuple[str, ...]] = {
    "Notification": ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"),
    "SubscriptionConfirmation": _CONFIRMATION_KEYS,
    "UnsubscribeConfirmation": _CONFIRMATION_KEYS,
}
_OPTIONAL_SIGNED = frozenset({"Subject"})
_REQUIRED_UNSIGNED = ("SignatureVersion", "Signature", "SigningCertURL")
_OPTIONAL_UNSIGNED = ("UnsubscribeURL",)
_SIGNABLE = frozenset(k for keys in SIGNED_KEYS.values() for k in keys)
_HASHES: dict[str, type[hashes.HashAlgorithm]] = {"1": hashes.SHA1, "2": hashes.SHA256}
Headers = Mapping[str, str] | Mapping[bytes, bytes] | Iterable[tuple[str | bytes, str | bytes]]
"""Request headers: a mapping, or ``(name, value)`` pairs such as ASGI's raw headers.

``bytes`` names and values are read as Latin-1, as HTTP (and ASGI) defines them.
"""
_HEADERS = {
    "x-amz-sns-message-type": "Type",
    "x-amz-sns-message-id": "MessageId",
    "x-amz-sns-topic-arn": "TopicArn",
}


@attrs.frozen
class Freshness:
    """How old (or how far ahead) an SNS ``Timestamp`` may be, in seconds."""

    max_age: float
    skew: float

    @property
    def seen_ttl(self) -> float:
        """How long a MessageId must be remembered: the whole span a timestamp is accepted."""
        return self.max_age + 2 * self.skew


@attrs.frozen
class Prepared:
    """A body that passed every check except the certificate and the signature."""

    fields: dict[str, Any] = attrs.field(repr=False)
    string_to_sign: bytes = attrs.field(repr=False)
    signature: bytes = attrs.field(repr=False)
    hash_algorithm: hashes.HashAlgorithm
    certificate_url: str
    message_id: str
    now: datetime


def _refuse(reason: str) -> SignatureVerificationError:
    return SignatureVerificationError(f"SNS message refused: {reason}")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate key")
    return result


def _load(body: bytes | str) -> dict[str, Any]:
    if isinstance(body, bytes | bytearray | memoryview):
        raw = bytes(body)
        if len(raw) > MAX_BODY_BYTES:
            raise _refuse("body is too large")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _refuse("body is not UTF-8") from None
    elif isinstance(body, str):
        if len(body) > MAX_BODY_BYTES:
            raise _refuse("body is too large")
        text = body
    else:
        raise _refuse("body must be bytes or str")
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except (ValueError, RecursionError):
        raise _refuse("body is not a JSON object") from None
    if not isinstance(data, dict):
        raise _refuse("body is not a JSON object")
    return data


def _string(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise _refuse(f"{key} is missing or not a string")
    return value


def _text(value: object) -> str | None:
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("latin-1")
    return value if isinstance(value, str) else None


def _header_pairs(headers: Headers) -> Iterable[object]:
    if isinstance(headers, Mapping):
        return headers.items()
    if isinstance(headers, str | bytes | bytearray) or not isinstance(headers, Iterable):
        raise _refuse("headers must be a mapping or (name, value) pairs")
    return headers


def _check_headers(headers: Headers, data: Mapping[str, Any]) -> None:
    for pair in _header_pairs(headers):
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise _refuse("headers must be a mapping or (name, value) pairs")
        name = (_text(pair[0]) or "").lower()
        key = _HEADERS.get(name)
        if key is not None and _text(pair[1]) != data[key]:
            raise _refuse(f"header {name} does not match the body")


def parse_timestamp(value: str) -> datetime:
    """An SNS ``Timestamp`` (ISO-8601 with an offset, usually ``Z``) as an aware UTC datetime."""
    try:
        parsed = datetime.fromisoformat(value) if len(value) <= 64 else None
        if parsed is None or parsed.tzinfo is None:
            raise ValueError("no offset")
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        raise _refuse("Timestamp is not an ISO-8601 time with an offset") from None


def _check_fresh(timestamp: datetime, now: datetime, freshness: Freshness) -> None:
    age = (now - timestamp).total_seconds()
    if age > freshness.max_age + freshness.skew:
        raise _refuse("Timestamp is too old")
    if age < -freshness.skew:
        raise _refuse("Timestamp is in the future")


def _decode_signature(value: str) -> bytes:
    try:
        if len(value) > MAX_SIGNATURE_CHARS:
            raise ValueError("too long")
        return base64.b64decode(value.encode("ascii"), validate=True)
    except (ValueError, binascii.Error):
        raise _refuse("Signature is not base64") from None


def prepare(
    body: bytes | str,
    headers: Headers | None,
    *,
    allowed_topic_arns: frozenset[str],
    region: str | None,
    now: datetime,
    freshness: Freshness,
) -> Prepared:
    """Parse and check ``body`` up to (not including) the certificate and signature."""
    data = _load(body)
    message_type = _string(data, "Type")
    keys = SIGNED_KEYS.get(message_type)
    if keys is None:
        raise _refuse("unknown Type")
    version = _string(data, "SignatureVersion")
    hash_type = _HASHES.get(version)
    if hash_type is None:
        raise _refuse("unsupported SignatureVersion")
    signed = {k: _string(data, k) for k in keys if k not in _OPTIONAL_SIGNED or k in data}
    unsigned = {k: _string(data, k) for k in _REQUIRED_UNSIGNED}
    unsigned |= {k: _string(data, k) for k in _OPTIONAL_UNSIGNED if k in data}
    if headers is not None:
        _check_headers(headers, data)
    if signed["TopicArn"] not in allowed_topic_arns:
        raise _refuse("TopicArn is not allowed")
    topic_in = topic_region(signed["TopicArn"])
    if region is not None and topic_in != region:
        raise _refuse("TopicArn is not in the configured region")
    check_certificate_url(unsigned["SigningCertURL"], region=topic_in)
    timestamp = parse_timestamp(signed["Timestamp"])
    _check_fresh(timestamp, now, freshness)
    signature = _decode_signature(unsigned["Signature"])
    try:
        string_to_sign = "".join(f"{k}\n{v}\n" for k, v in signed.items()).encode("utf-8")
    except UnicodeEncodeError:
        raise _refuse("a signed field is not valid Unicode") from None
    extra = {k: v for k, v in data.items() if k not in _SIGNABLE and k not in unsigned}
    return Prepared(
        fields={**extra, **unsigned, **signed, "Timestamp": timestamp},
        string_to_sign=string_to_sign,
        signature=signature,
        hash_algorithm=hash_type(),
        certificate_url=unsigned["SigningCertURL"],
        message_id=signed["MessageId"],
        now=now,
    )
