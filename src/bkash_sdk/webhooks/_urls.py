"""Strict rules for the Amazon SNS URLs a message carries: certificate, subscribe, topic ARN.

The rules match the raw string as received, in full, before any parsing or fetching: no
normalisation, no case folding, no percent-decoding, ASCII only.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

from .._exceptions import SignatureVerificationError

MAX_URL_LENGTH = 2048

_REGION = r"[a-z]{2}(?:-[a-z]+)+-[0-9]{1,2}"
REGION = re.compile(_REGION)
"""An AWS region name such as ``ap-southeast-1``."""
_HOST = rf"sns\.(?P<region>{_REGION})\.amazonaws\.com(?:\.cn)?"
_CERT_URL = re.compile(rf"https://{_HOST}/SimpleNotificationService-[0-9a-fA-F]{{8,128}}\.pem")
_SUBSCRIBE_URL = re.compile(rf"https://{_HOST}/\?(?P<query>[A-Za-z0-9=&%._~:+-]+)")
_TOPIC_ARN = re.compile(
    rf"arn:aws(?:-[a-z]+)*:sns:(?P<region>{_REGION}):[0-9]{{12}}:[A-Za-z0-9_.-]+"
)


def topic_region(topic_arn: str) -> str:
    """The region of an SNS topic ARN such as ``arn:aws:sns:ap-southeast-1:1234...:bpt_...``."""
    match = _TOPIC_ARN.fullmatch(topic_arn)
    if match is None:
        raise SignatureVerificationError("TopicArn is not an SNS topic ARN")
    return match["region"]


def check_certificate_url(url: str, *, region: str | None) -> None:
    """Refuse a ``SigningCertURL`` that is not an SNS certificate (of ``region``, if given)."""
    match = _CERT_URL.fullmatch(url) if len(url) <= MAX_URL_LENGTH else None
    if match is None:
        raise SignatureVerificationError("SigningCertURL is not an Amazon SNS certificate URL")
    if region is not None and match["region"] != region:
        raise SignatureVerificationError("SigningCertURL region does not match the topic region")


def check_subscribe_url(url: str, *, region: str, topic_arn: str, token: str) -> None:
    """Refuse a ``SubscribeURL`` other than SNS's ConfirmSubscription for this topic and token."""
    match = _SUBSCRIBE_URL.fullmatch(url) if len(url) <= MAX_URL_LENGTH else None
    if match is None:
        raise SignatureVerificationError("SubscribeURL is not an Amazon SNS URL")
    if match["region"] != region:
        raise SignatureVerificationError("SubscribeURL region does not match the topic region")
    try:
        pairs = parse_qsl(match["query"], keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise SignatureVerificationError("SubscribeURL query is malformed") from None
    params = dict(pairs)
    expected = {"Action": "ConfirmSubscription", "TopicArn": topic_arn, "Token": token}
    if len(params) != len(pairs) or params != expected:
        raise SignatureVerificationError(
            "SubscribeURL is not a ConfirmSubscription for this topic and token"
        )
