"""Token grant and refresh, the two-refreshes-an-hour limit, and request authentication."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping

import attrs

from . import _ids
from ._clock import Clock
from ._credentials import Credentials
from ._wire import BusinessError, Reply, WireError, gateway

ID_TOKEN_TTL = 3600
REFRESH_TOKEN_TTL = 30 * 24 * 3600
REFRESH_LIMIT = 2
REFRESH_WINDOW = 3600.0
REFRESH_BLOCKED = BusinessError("9999", "Too many refresh requests; try again after an hour")
INVALID_REFRESH_TOKEN = BusinessError("9999", "Invalid refresh token")
# bKash answers a wrong password with a raw newline inside a JSON string (not valid JSON).
INVALID_CREDENTIALS = Reply(200, b'{"statusCode":"9999","statusMessage":"Invalid credentials.\n"}')


def _same(given: str, expected: str) -> bool:
    return secrets.compare_digest(given.encode(), expected.encode())


@attrs.frozen
class _Session:
    app_key: str
    username: str
    auth_time: int
    expires_at: float


class TokenAuthority:
    """Mints look-alike Cognito tokens and checks the ``Authorization``/``X-APP-Key`` pair."""

    def __init__(self, credentials: Iterable[Credentials], clock: Clock) -> None:
        self._credentials = {c.app_key: c for c in credentials}
        self._clock = clock
        self._id_tokens: dict[str, _Session] = {}
        self._refresh_tokens: dict[str, _Session] = {}
        self._refreshes: dict[str, list[float]] = {}
        self._blocked_until: dict[str, float] = {}
        self.issued: list[str] = []

    def grant(self, headers: Mapping[str, str], body: Mapping[str, object]) -> dict[str, object]:
        """``token/grant``: check all four credentials, then mint both tokens."""
        creds = self._check(headers, body, require_user=True)
        now = int(self._clock.now())
        refresh = _ids.refresh_token()
        self._refresh_tokens[refresh] = _Session(
            creds.app_key, creds.username, now, now + REFRESH_TOKEN_TTL
        )
        self.issued.append(refresh)
        return self._answer(creds, now, now, refresh)

    def refresh(self, headers: Mapping[str, str], body: Mapping[str, object]) -> dict[str, object]:
        """``token/refresh``: a new id_token, the same (unrotated) refresh_token."""
        creds = self._check(headers, body, require_user=False)
        now = self._clock.now()
        token = str(body.get("refresh_token") or "")
        session = self._refresh_tokens.get(token)
        if session is None or session.app_key != creds.app_key or session.expires_at <= now:
            raise INVALID_REFRESH_TOKEN
        if self._blocked_until.get(creds.app_key, 0.0) > now:
            raise REFRESH_BLOCKED
        recent = [t for t in self._refreshes.get(creds.app_key, []) if t > now - REFRESH_WINDOW]
        if len(recent) >= REFRESH_LIMIT:
            self._blocked_until[creds.app_key] = now + REFRESH_WINDOW
            raise REFRESH_BLOCKED
        self._refreshes[creds.app_key] = [*recent, now]
        return self._answer(creds, int(now), session.auth_time, token)

    def authenticate(self, headers: Mapping[str, str]) -> str:
        """The app key of a valid ``Authorization`` + matching ``X-APP-Key``, else gateway 401."""
        raw = headers.get("authorization", "")
        token = raw[len("Bearer ") :] if raw.startswith("Bearer ") else raw
        session = self._id_tokens.get(token)
        valid = (
            session is not None
            and session.expires_at > self._clock.now()
            and headers.get("x-app-key") == session.app_key
        )
        if not valid or session is None:
            raise WireError(gateway())
        return session.app_key

    def _check(
        self, headers: Mapping[str, str], body: Mapping[str, object], *, require_user: bool
    ) -> Credentials:
        creds = self._credentials.get(str(body.get("app_key", "")))
        secret = str(body.get("app_secret", ""))
        if creds is None or not _same(secret, creds.app_secret):
            raise WireError(gateway())
        username, password = headers.get("username"), headers.get("password")
        if username is None and password is None and not require_user:
            return creds
        if username != creds.username:
            raise BusinessError("9999", "Username does not exist")
        if not _same(password or "", creds.password):
            raise WireError(INVALID_CREDENTIALS)
        return creds

    def _answer(
        self, creds: Credentials, now: int, auth_time: int, refresh: str
    ) -> dict[str, object]:
        token = _ids.id_token(creds.app_key, creds.username, now, auth_time, ID_TOKEN_TTL)
        self._id_tokens[token] = _Session(
            creds.app_key, creds.username, auth_time, now + ID_TOKEN_TTL
        )
        self.issued.append(token)
        return {
            "id_token": token,
            "token_type": "Bearer",
            "expires_in": ID_TOKEN_TTL,
            "refresh_token": refresh,
        }
