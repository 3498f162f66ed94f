"""Shared test helpers: the AWS vectors, a signer with its own key, fetchers that count."""

from __future__ import annotations

import base64
import functools
import json
import os
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from bkash_sdk.webhooks import SnsVerifier, StaticCertificates

DATA = Path(__file__).parent / "data"
AWS_PEM = (DATA / "SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem").read_bytes()
AWS_CERT_URL = "https://sns.us-east-2.amazonaws.com/SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem"
VECTOR_FILES = (
    "notification-sigv1.json",
    "notification-sigv2.json",
    "notification-sigv1-subject.json",
    "notification-sigv2-subject.json",
)

TOPIC = "arn:aws:sns:ap-southeast-1:123456789012:bpt_test_merchant"
CERT_URL = (
    "https://sns.ap-southeast-1.amazonaws.com/"
    "SimpleNotificationService-0123456789abcdef0123456789abcdef.pem"
)
NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)

_IN_CI = os.environ.get("CI", "").lower() == "true"
TOTALITY_EXAMPLES = 10_000 if _IN_CI else 300
"""Examples per totality property: 10,000 in CI (``CI=true``), a quick run locally."""
PROPERTY_EXAMPLES = 1_000 if _IN_CI else 150

_SIGNED = {
    "Notification": ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"),
    "SubscriptionConfirmation": (
        "Message",
        "MessageId",
        "SubscribeURL",
        "Timestamp",
        "Token",
        "TopicArn",
        "Type",
    ),
}
_SIGNED["UnsubscribeConfirmation"] = _SIGNED["SubscriptionConfirmation"]


def vector(name: str) -> dict[str, str]:
    """One AWS-signed vector, as a dict of its JSON fields."""
    data: dict[str, str] = json.loads((DATA / name).read_text())
    return data


def vector_clock(data: dict[str, str]) -> datetime:
    """A time one minute after the vector was signed."""
    return datetime.fromisoformat(data["Timestamp"]) + timedelta(minutes=1)


class CountingFetcher:
    """Serves one body for every URL (sync and async) and counts the calls."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.calls = 0
        self._lock = threading.Lock()

    def fetch(self, url: str) -> bytes:
        with self._lock:
            self.calls += 1
        return self.body

    async def afetch(self, url: str) -> bytes:
        return self.fetch(url)


class FailingFetcher:
    """A fetcher that fails the test if it is ever called."""

    def fetch(self, url: str) -> bytes:
        raise AssertionError(f"unexpected certificate fetch: {url!r}")

    async def afetch(self, url: str) -> bytes:
        return self.fetch(url)


def aws_verifier(data: dict[str, str], fetcher: Any = None) -> SnsVerifier:
    """A verifier for one AWS vector: its topic allowed, its time, the real AWS certificate."""
    return SnsVerifier(
        allowed_topic_arns=[data["TopicArn"]],
        fetcher=fetcher or CountingFetcher(AWS_PEM),
        clock=lambda: vector_clock(data),
    )


def string_to_sign(envelope: dict[str, str]) -> bytes:
    """The SNS string to sign, written out independently of the library."""
    keys = _SIGNED.get(envelope["Type"], _SIGNED["Notification"])
    return "".join(f"{k}\n{envelope[k]}\n" for k in keys if k in envelope).encode()


@dataclass(frozen=True)
class Signer:
    """Signs SNS envelopes with its own RSA key and self-signed certificate."""

    key: rsa.RSAPrivateKey
    certificate: x509.Certificate
    cert_url: str = CERT_URL

    @property
    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def static(self) -> StaticCertificates:
        return StaticCertificates({self.cert_url: self.pem})

    def verifier(self, **kwargs: Any) -> SnsVerifier:
        certs = self.static()
        options: dict[str, Any] = {
            "allowed_topic_arns": [TOPIC],
            "fetcher": certs,
            "trust": certs.trust,
            "clock": lambda: NOW,
        }
        return SnsVerifier(**(options | kwargs))

    def envelope(
        self,
        message_type: str = "Notification",
        *,
        message: str = "hello",
        version: str = "1",
        timestamp: datetime = NOW,
        topic_arn: str = TOPIC,
        **extra: str,
    ) -> dict[str, str]:
        """A signed envelope; ``extra`` adds or overrides fields before signing."""
        envelope = {
            "Type": message_type,
            "MessageId": str(uuid.uuid4()),
            "TopicArn": topic_arn,
            "Message": message,
            "Timestamp": timestamp.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "SignatureVersion": version,
            "SigningCertURL": self.cert_url,
        }
        if message_type != "Notification":
            token = "2336412f37fb687f5d51e6e2425c464d"
            envelope["Token"] = token
            envelope["SubscribeURL"] = (
                f"https://sns.ap-southeast-1.amazonaws.com/?Action=ConfirmSubscription"
                f"&TopicArn={topic_arn}&Token={token}"
            )
        envelope |= extra
        return self.sign(envelope)

    def sign(self, envelope: dict[str, str]) -> dict[str, str]:
        version_1 = envelope["SignatureVersion"] == "1"
        algorithm = hashes.SHA1() if version_1 else hashes.SHA256()  # noqa: S303 - SNS v1 is SHA1
        raw = self.key.sign(string_to_sign(envelope), padding.PKCS1v15(), algorithm)
        return envelope | {"Signature": base64.b64encode(raw).decode()}


def make_certificate(
    key: rsa.RSAPrivateKey,
    *,
    common_name: str = "sns.amazonaws.com",
    organization: str = "Amazon",
    not_before: datetime = NOW - timedelta(days=1),
    not_after: datetime = NOW + timedelta(days=365),
) -> x509.Certificate:
    """A self-signed certificate for ``key`` with the given subject CN and issuer O."""
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    issuer = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization)])
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .sign(key, hashes.SHA256())
    )


@functools.cache
def shared_key() -> rsa.RSAPrivateKey:
    """One RSA key for the whole run (generating keys is slow)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@functools.cache
def signer() -> Signer:
    """The shared test signer."""
    return Signer(shared_key(), make_certificate(shared_key()))


def body(envelope: Mapping[str, Any]) -> bytes:
    """The raw HTTP body SNS would post."""
    return json.dumps(envelope).encode()
