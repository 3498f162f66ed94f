"""A small SNS signer for benchmarks: its own RSA key and a self-signed certificate."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

TOPIC_ARN = "arn:aws:sns:ap-southeast-1:123456789012:bpt_bench_merchant"
CERT_URL = (
    "https://sns.ap-southeast-1.amazonaws.com/"
    "SimpleNotificationService-0123456789abcdef0123456789abcdef.pem"
)
_SIGNED = ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")


class Signer:
    """Signs SNS notifications the way SNS does (RSA PKCS#1 v1.5, SHA-1 or SHA-256)."""

    def __init__(self) -> None:
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        now = datetime.now(UTC)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self._key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=30))
            .sign(self._key, hashes.SHA256())
        )
        self.pem = certificate.public_bytes(serialization.Encoding.PEM)

    def notification(self, trx_id: str, version: str = "2") -> bytes:
        """The raw body of a signed notification carrying one bKash payment."""
        payment = {
            "dateTime": "20240501180000",
            "debitMSISDN": "01770618575",
            "creditOrganizationName": "Bench Shop",
            "creditShortCode": "01770618575",
            "trxID": trx_id,
            "transactionStatus": "Completed",
            "transactionType": "1003",
            "amount": "500.00",
            "currency": "BDT",
            "merchantInvoiceNumber": "INV-1",
        }
        envelope = {
            "Type": "Notification",
            "MessageId": str(uuid.uuid4()),
            "TopicArn": TOPIC_ARN,
            "Message": json.dumps(payment),
            "Timestamp": datetime.now(UTC).isoformat(timespec="milliseconds")[:-6] + "Z",
            "SignatureVersion": version,
            "SigningCertURL": CERT_URL,
        }
        text = "".join(f"{key}\n{envelope[key]}\n" for key in _SIGNED if key in envelope)
        algorithm = hashes.SHA1() if version == "1" else hashes.SHA256()  # noqa: S303 - SNS v1
        signature = self._key.sign(text.encode(), padding.PKCS1v15(), algorithm)
        envelope["Signature"] = base64.b64encode(signature).decode()
        return json.dumps(envelope).encode()
