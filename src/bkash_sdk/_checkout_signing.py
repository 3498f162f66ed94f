"""Signed callback URLs: proof that a bKash redirect comes back to a URL this merchant issued.

bKash's own ``signature`` parameter has no published verification scheme, so the SDK adds its
own, modelled on Standard Webhooks: ``v1,<base64 HMAC-SHA256>`` over ``"<reference>.<timestamp>"``
(the reference is the merchant invoice number), carried as query parameters. bKash keeps
every parameter of the callback URL when it redirects, so they come back with the callback.
The public home of these helpers is :mod:`bkash_sdk.webhooks.callbacks`.

Secrets are held as :class:`~bkash_sdk._masking.Secret` from the top of every public function,
and the raw key bytes exist only inside :func:`_digest`, so no frame captured in a traceback
shows them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time
from collections.abc import Mapping, Sequence
from urllib.parse import urlencode, urlsplit, urlunsplit

import attrs

from ._exceptions import BkashValidationError, ConfigurationError, SignatureVerificationError
from ._masking import Secret

REFERENCE_PARAM = "bk_ref"
TIMESTAMP_PARAM = "bk_ts"
SIGNATURE_PARAM = "bk_sig"
SIGNED_PARAMS = (REFERENCE_PARAM, TIMESTAMP_PARAM, SIGNATURE_PARAM)
DEFAULT_TOLERANCE = 24 * 3600.0
"""How long a signed callback stays valid: the life of a bKash payment id (24 h)."""
FUTURE_SKEW = 300.0
"""How far in the future a timestamp may be (clock drift between servers)."""
_VERSION = "v1"
_MAX_TIMESTAMP_DIGITS = 12


@attrs.frozen
class VerifiedCallback:
    """A callback whose signature checked out."""

    reference: str
    """The signed reference (the merchant invoice number given to ``payments.create``)."""
    timestamp: int
    """When the URL was signed (seconds since the epoch)."""


def _conceal(secret: str) -> str:
    return Secret(secret) if isinstance(secret, str) else secret


def conceal_secrets(secrets: str | Sequence[str]) -> tuple[str, ...]:
    """``secrets`` as a tuple of :class:`~bkash_sdk._masking.Secret` (values that are not
    strings are kept, to be refused where they are used)."""
    return (_conceal(secrets),) if isinstance(secrets, str) else tuple(map(_conceal, secrets))


def _check(secret: str) -> None:
    if not isinstance(secret, str) or not secret:
        raise ConfigurationError("a callback signing secret must be a non-empty string")


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _digest(secret: str, reference: str, timestamp: str) -> bytes:
    """The HMAC-SHA256; the key bytes never outlive this call."""
    return hmac.new(
        secret.encode("utf-8"), _utf8(f"{reference}.{timestamp}"), hashlib.sha256
    ).digest()


def callback_signature(reference: str, timestamp: int, secret: str) -> str:
    """The ``bk_sig`` value for ``reference`` signed at ``timestamp`` with ``secret``."""
    secret = _conceal(secret)
    _check(secret)
    digest = _digest(secret, reference, str(timestamp))
    return f"{_VERSION},{base64.b64encode(digest).decode('ascii')}"


def sign_callback_url(
    url: str, reference: str, secret: str, *, timestamp: int | None = None
) -> str:
    """``url`` with ``bk_ref``, ``bk_ts`` and ``bk_sig`` appended; its own query is kept as is.

    ``timestamp`` defaults to now (whole seconds since the epoch).
    """
    secret = _conceal(secret)
    parts = urlsplit(url)
    present = {name.split("=", 1)[0] for name in parts.query.split("&")}
    if present.intersection(SIGNED_PARAMS):
        raise BkashValidationError(
            f"callback_url must not already carry {', '.join(SIGNED_PARAMS)}", field="callback_url"
        )
    signed_at = int(time.time()) if timestamp is None else int(timestamp)
    added = urlencode(
        {
            REFERENCE_PARAM: reference,
            TIMESTAMP_PARAM: str(signed_at),
            SIGNATURE_PARAM: callback_signature(reference, signed_at, secret),
        }
    )
    query = f"{parts.query}&{added}" if parts.query else added
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def _param(params: Mapping[str, str], name: str) -> str:
    value = params.get(name)
    if not isinstance(value, str) or not value:
        raise SignatureVerificationError(f"the callback is not signed (no {name})")
    return value


def _matches(signatures: str, expected: Sequence[bytes]) -> bool:
    found = False
    for candidate in signatures.split(" "):
        version, _, encoded = candidate.partition(",")
        if version != _VERSION:
            continue
        try:
            given = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            continue
        for digest in expected:
            found |= hmac.compare_digest(digest, given)
    return found


def verify_callback(
    params: Mapping[str, str],
    secrets: str | Sequence[str],
    *,
    reference: str | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> VerifiedCallback:
    """Check the signature of a callback's query parameters, before trusting anything in them.

    ``secrets`` may list several secrets (the current one first) so that URLs signed before a
    rotation still verify. Raises :class:`~bkash_sdk.SignatureVerificationError` when the
    parameters are missing or malformed, the signature matches no secret, the URL was signed
    more than ``tolerance`` seconds ago (or in the future), or its reference is not
    ``reference``.
    """
    secrets = conceal_secrets(secrets)
    if not secrets:
        raise ConfigurationError("verify_callback needs at least one secret")
    for secret in secrets:
        _check(secret)
    signed_reference = _param(params, REFERENCE_PARAM)
    stamp = _param(params, TIMESTAMP_PARAM)
    signatures = _param(params, SIGNATURE_PARAM)
    if not (stamp.isascii() and stamp.isdigit()) or len(stamp) > _MAX_TIMESTAMP_DIGITS:
        raise SignatureVerificationError("the callback timestamp is malformed")
    if not _matches(signatures, [_digest(s, signed_reference, stamp) for s in secrets]):
        raise SignatureVerificationError("the callback signature does not match")
    signed_at = int(stamp)
    current = time.time() if now is None else now
    if current - signed_at > tolerance:
        raise SignatureVerificationError("the signed callback has expired")
    if signed_at - current > FUTURE_SKEW:
        raise SignatureVerificationError("the callback timestamp is in the future")
    if reference is not None and not hmac.compare_digest(
        signed_reference.encode("utf-8", "surrogatepass"),
        reference.encode("utf-8", "surrogatepass"),
    ):
        raise SignatureVerificationError("the callback belongs to another invoice")
    return VerifiedCallback(reference=signed_reference, timestamp=signed_at)
