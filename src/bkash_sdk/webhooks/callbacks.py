"""Signed callback URLs: HMAC-SHA256 over the invoice reference and a timestamp.

When ``webhook_secret`` is configured, ``payments.create`` signs the callback URL and
``checkout.finalize`` verifies it before anything else. Use these helpers directly to sign or
verify URLs yourself::

    url = sign_callback_url("https://shop.example/bkash/callback", "INV-1", secret)
    verify_callback(request.query_params, [new_secret, old_secret], reference="INV-1")

The signature is ``v1,<base64>`` in ``bk_sig``, over ``"<bk_ref>.<bk_ts>"``. Verification is
total: any input either verifies or raises :class:`~bkash_sdk.SignatureVerificationError`.
"""

from .._checkout_signing import (
    DEFAULT_TOLERANCE,
    FUTURE_SKEW,
    REFERENCE_PARAM,
    SIGNATURE_PARAM,
    TIMESTAMP_PARAM,
    VerifiedCallback,
    callback_signature,
    sign_callback_url,
    verify_callback,
)

__all__ = [
    "DEFAULT_TOLERANCE",
    "FUTURE_SKEW",
    "REFERENCE_PARAM",
    "SIGNATURE_PARAM",
    "TIMESTAMP_PARAM",
    "VerifiedCallback",
    "callback_signature",
    "sign_callback_url",
    "verify_callback",
]
