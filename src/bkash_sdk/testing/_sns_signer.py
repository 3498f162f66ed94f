"""The sandbox's own SNS signing identity: an RSA key, a self-signed certificate, a cert URL.

The certificate names the sandbox, not Amazon, so the default verifier trust refuses it; only
a verifier that trusts it explicitly (``StaticCertificates``) accepts the sandbox's messages.
"""

from __future__ import annotations

import base64
import functools
import secrets
from datetime import datetime, timedelta
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from ..webhooks._envelope import SIGNED_KEYS

SignatureVersion = Literal["1", "2"]

_VALIDITY = timedelta(days=3650)


@functools.cache
def _process_key() -> rsa.RSAPrivateKey:
    """One 2048-bit key per process: generating keys is the slow part."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def string_to_sign(envelope: dict[str, str]) -> bytes:
    """``"Key\\nValue\\n"`` pairs of the signed keys of the envelope's ``Type``, in order."""
    keys = SIGNED_KEYS[envelope["Type"]]
    return "".join(f"{k}\n{envelope[k]}\n" for k in keys if k in envelope).encode("utf-8")


class SnsSigner:
    """Signs SNS envelopes as the topic's region would, with the sandbox's own certificate."""

    def __init__(self, region: str, now: datetime) -> None:
        self._key = _process_key()
        name = x509.Name(
            [
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "bkash-sdk FakeBkash"),
                x509.NameAttribute(NameOID.COMMON_NAME, "FakeBkash SNS signer"),
            ]
        )
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self._key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + _VALIDITY)
            .sign(self._key, hashes.SHA256())
        )
        self.certificate_pem = certificate.public_bytes(serialization.Encoding.PEM)
        self.certificate_url = (
            f"https://sns.{region}.amazonaws.com/"
            f"SimpleNotificationService-{secrets.token_hex(16)}.pem"
        )

    def sign(self, envelope: dict[str, str], version: SignatureVersion) -> dict[str, str]:
        """The envelope with ``SignatureVersion``, ``Signature`` and ``SigningCertURL`` added."""
        unsigned = envelope | {"SignatureVersion": version}
        algorithm = hashes.SHA1() if version == "1" else hashes.SHA256()  # noqa: S303 - SNS v1
        raw = self._key.sign(string_to_sign(unsigned), padding.PKCS1v15(), algorithm)
        return unsigned | {
            "Signature": base64.b64encode(raw).decode("ascii"),
            "SigningCertURL": self.certificate_url,
        }
