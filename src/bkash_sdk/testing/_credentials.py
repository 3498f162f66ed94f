"""Merchant credential sets the sandbox accepts."""

from __future__ import annotations

import attrs

from .._public_sandbox import PUBLIC_SANDBOX_CREDENTIALS as _PUBLISHED


@attrs.frozen
class Credentials:
    """One merchant's app key, app secret, username and password (only the app key in repr)."""

    app_key: str
    app_secret: str = attrs.field(repr=False)
    username: str = attrs.field(repr=False)
    password: str = attrs.field(repr=False)


PUBLIC_SANDBOX_CREDENTIALS: tuple[Credentials, ...] = tuple(
    Credentials(c.app_key, c.app_secret, c.username, c.password) for c in _PUBLISHED
)
"""bKash's published shared sandbox sets (T2, T1 and N), accepted by default."""
