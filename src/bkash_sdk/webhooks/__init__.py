"""Webhooks: Amazon SNS verification for bKash Instant Payment Notifications (IPNs).

::

    verifier = SnsVerifier(allowed_topic_arns=["arn:aws:sns:ap-southeast-1:...:bpt_..."])
    message = verifier.verify(request_body, headers=request_headers)
    if not message.duplicate:
        if message.type == "SubscriptionConfirmation":
            verifier.confirm_subscription(message)
        elif message.type == "Notification":
            handle_payment(message.payment())   # idempotent on trx_id
        verifier.mark_processed(message)        # only after it was handled

Every ``verify``/``averify`` returns a verified :class:`SnsMessage` or raises
:class:`~bkash_sdk.SignatureVerificationError`; :class:`CertificateUnavailableError` (a
subclass) means "try again later" (answer 503). See ``docs/webhooks.md``.
"""

from .._exceptions import CertificateUnavailableError
from ._certificates import (
    AsyncCertificateFetcher,
    AsyncHttpxCertificateFetcher,
    CertificateCache,
    CertificateFetcher,
    CertificateTrust,
    HttpxCertificateFetcher,
    StaticCertificates,
    amazon_sns_trust,
    load_certificate,
)
from ._envelope import Headers
from ._seen import (
    AsyncRedisSeenStore,
    AsyncSeenStore,
    MemorySeenStore,
    RedisSeenStore,
    SeenStore,
)
from .callbacks import VerifiedCallback, sign_callback_url, verify_callback
from .models import DHAKA, PaymentNotification, SnsMessage, SnsMessageType
from .sns import DEFAULT_CLOCK_SKEW, SNS_RETRY_WINDOW, AsyncSnsVerifier, Clock, SnsVerifier

__all__ = [
    "DEFAULT_CLOCK_SKEW",
    "DHAKA",
    "SNS_RETRY_WINDOW",
    "AsyncCertificateFetcher",
    "AsyncHttpxCertificateFetcher",
    "AsyncRedisSeenStore",
    "AsyncSeenStore",
    "AsyncSnsVerifier",
    "CertificateCache",
    "CertificateFetcher",
    "CertificateTrust",
    "CertificateUnavailableError",
    "Clock",
    "Headers",
    "HttpxCertificateFetcher",
    "MemorySeenStore",
    "PaymentNotification",
    "RedisSeenStore",
    "SeenStore",
    "SnsMessage",
    "SnsMessageType",
    "SnsVerifier",
    "StaticCertificates",
    "VerifiedCallback",
    "amazon_sns_trust",
    "load_certificate",
    "sign_callback_url",
    "verify_callback",
]
