"""Identifiers and tokens shaped like bKash's (see bkash-api.md section 2.4)."""

from __future__ import annotations

import base64
import json
import secrets
import string
import uuid

_MIXED = string.ascii_letters + string.digits
_UPPER = string.ascii_uppercase + string.digits
COGNITO_ISSUER = "https://cognito-idp.ap-southeast-1.amazonaws.com/ap-southeast-1_ra3nPY3JS"


def _pick(alphabet: str, length: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def _millis(epoch: float) -> str:
    return str(int(epoch * 1000))


def payment_id(mode: str, epoch: float) -> str:
    """``TR`` + mode + 7 alphanumerics + epoch milliseconds: ``TR0011mqN0nOK1762072142166``."""
    return f"TR{mode}{_pick(_MIXED, 7)}{_millis(epoch)}"


def agreement_id(epoch: float) -> str:
    """Prefix + random + epoch milliseconds: ``TokenizedMerchant01L3IKB6H1565072174986``."""
    return f"TokenizedMerchant01{_pick(_UPPER, 8)}{_millis(epoch)}"


def trx_id() -> str:
    """Ten upper-case alphanumerics, as for ``trxID`` and ``refundTrxID``."""
    return _pick(_UPPER, 10)


def signature() -> str:
    """The ten-character callback ``signature``."""
    return _pick(_MIXED, 10)


def page_hash() -> str:
    """The opaque ``hash`` of a ``bkashURL``."""
    return secrets.token_urlsafe(36)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64_json(value: dict[str, object]) -> str:
    return _b64(json.dumps(value, separators=(",", ":")).encode())


def id_token(app_key: str, username: str, issued_at: int, auth_time: int, ttl: int) -> str:
    """A Cognito ID-token look-alike JWT; the signature part is random bytes."""
    header: dict[str, object] = {"kid": _b64(secrets.token_bytes(30)), "alg": "RS256"}
    payload: dict[str, object] = {
        "sub": str(uuid.uuid4()),
        "aud": app_key,
        "event_id": str(uuid.uuid4()),
        "token_use": "id",
        "auth_time": auth_time,
        "iss": COGNITO_ISSUER,
        "cognito:username": username,
        "exp": issued_at + ttl,
        "iat": issued_at,
    }
    return f"{_b64_json(header)}.{_b64_json(payload)}.{_b64(secrets.token_bytes(256))}"


def refresh_token() -> str:
    """A Cognito refresh-token look-alike JWE (five parts)."""
    header: dict[str, object] = {"cty": "JWT", "enc": "A256GCM", "alg": "RSA-OAEP"}
    parts = (secrets.token_bytes(256), secrets.token_bytes(12), secrets.token_bytes(600))
    body = ".".join(_b64(part) for part in parts)
    return f"{_b64_json(header)}.{body}.{_b64(secrets.token_bytes(16))}"
