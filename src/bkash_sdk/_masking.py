"""Redaction used everywhere text leaves the SDK: logs, reprs, error strings and the CLI.

Secrets (app secret, password, username, tokens, webhook secret) are replaced whole; wallet
numbers keep only their last three digits; anything shaped like a JWT/JWE is replaced.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

REDACTED = "[redacted]"
MAX_BODY_CHARS = 2048

SENSITIVE_KEYS = frozenset(
    {
        "app_secret",
        "appsecret",
        "password",
        "username",
        "id_token",
        "idtoken",
        "refresh_token",
        "refreshtoken",
        "access_token",
        "authorization",
        "token",
        "webhook_secret",
        "secret",
    }
)

_WALLET = re.compile(r"(?<![0-9])(?:\+?88)?01[3-9][0-9]{8}(?![0-9])")
_SECRET_ASSIGNMENT = re.compile(
    r'("?(?:' + "|".join(sorted(SENSITIVE_KEYS)) + r')"?\s*[:=]\s*)("[^"]*"|[^\s,&}]+)',
    re.IGNORECASE,
)
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*){1,4}")


class Secret(str):
    """A string that never shows itself in ``repr`` (it still serialises as itself).

    Credentials and tokens are held as ``Secret`` so that containers, frame locals captured by
    error trackers, and debugger views print ``'[redacted]'``.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return "'[redacted]'"


def conceal(value: str | None) -> str | None:
    """``value`` as a :class:`Secret` (``None`` stays ``None``)."""
    return None if value is None else Secret(value)


def conceal_tokens(data: dict[str, Any]) -> dict[str, Any]:
    """A token answer with its tokens held as :class:`Secret`."""
    return {
        key: Secret(value) if isinstance(value, str) and is_sensitive_key(key) else value
        for key, value in data.items()
    }


def mask_msisdn(value: str | None) -> str | None:
    """Mask a wallet number, keeping only its last three digits: ``********575``."""
    if value is None:
        return None
    digits = value.strip()
    if len(digits) <= 3:
        return "*" * len(digits)
    return "*" * (len(digits) - 3) + digits[-3:]


def redact_text(text: str) -> str:
    """Mask wallet numbers and token-shaped strings inside free text."""
    text = _JWT.sub(REDACTED, text)
    return _WALLET.sub(lambda m: mask_msisdn(m.group(0)) or "", text)


def is_sensitive_key(key: str) -> bool:
    """Whether a field or header of this name holds a secret."""
    return key.lower().replace("-", "_") in SENSITIVE_KEYS


def redact(value: Any) -> Any:
    """A copy of a JSON-like value with secrets replaced and wallet numbers masked."""
    if isinstance(value, Mapping):
        return {
            k: REDACTED if is_sensitive_key(str(k)) and v not in (None, "") else redact(v)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    if isinstance(value, str):
        return redact_text(value)
    return value


def loads_lenient(text: str) -> Any:
    """Parse JSON, tolerating raw control characters inside strings (bKash sends them)."""
    return json.loads(text, strict=False)


def scrub(text: str, known: Iterable[str]) -> str:
    """``text`` with every occurrence of the ``known`` secret values replaced."""
    for secret in known:
        if len(secret) >= 4:
            text = text.replace(secret, REDACTED)
    return text


def redact_body(body: str | bytes | None, known: Iterable[str] = ()) -> str:
    """A masked, length-capped rendering of a response body for errors and logs.

    ``known`` are secret values (the configured credentials) removed wherever they appear.
    """
    if not body:
        return ""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    try:
        rendered = json.dumps(redact(loads_lenient(text)), ensure_ascii=False, sort_keys=True)
    except ValueError:
        rendered = redact_text(text)
        rendered = _SECRET_ASSIGNMENT.sub(lambda m: m.group(1) + REDACTED, rendered)
    rendered = scrub(rendered, known)
    if len(rendered) > MAX_BODY_CHARS:
        return rendered[:MAX_BODY_CHARS] + "…"
    return rendered
