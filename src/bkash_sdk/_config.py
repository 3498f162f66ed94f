"""Client configuration: credentials, environment, timeouts and retries."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

import attrs

from ._exceptions import BkashValidationError, ConfigurationError
from ._masking import conceal
from ._public_sandbox import PUBLIC_SANDBOX_CREDENTIALS
from ._validation import validate_callback_url

SANDBOX_BASE_URL = "https://tokenized.sandbox.bka.sh/v1.2.0-beta"
PRODUCTION_BASE_URL = "https://tokenized.pay.bka.sh/v1.2.0-beta"
_PRODUCTION_HOST = "tokenized.pay.bka.sh"
_SANDBOX_HOST = "tokenized.sandbox.bka.sh"
_BASE_URL_ALIASES = {"sandbox": SANDBOX_BASE_URL, "production": PRODUCTION_BASE_URL}

DEFAULT_TIMEOUT = 30.0
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_MAX_RETRIES = 2
MAX_TIMEOUT = 300.0
MAX_RETRIES_LIMIT = 10


class Environment(StrEnum):
    """Which bKash deployment a base URL points at."""

    SANDBOX = "sandbox"
    PRODUCTION = "production"
    CUSTOM = "custom"
    """Anything else, such as the offline sandbox on loopback."""


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_base_url(url: str) -> str:
    url = _BASE_URL_ALIASES.get(url.strip().lower(), url.strip())
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError("base_url must be an absolute http(s) URL (BKASH_BASE_URL)")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise ConfigurationError(
            "base_url must use https; plain http is only allowed on loopback (BKASH_BASE_URL)"
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ConfigurationError(
            "base_url must not carry a query, fragment or user info (BKASH_BASE_URL)"
        )
    return url.rstrip("/")


def _check_callback_url(url: str | None) -> str | None:
    if url is None:
        return None
    try:
        if not isinstance(url, str) or url != url.strip():
            raise BkashValidationError("callback_url must not start or end with spaces")
        return validate_callback_url(url)
    except BkashValidationError as error:
        raise ConfigurationError(f"{error.message} (BKASH_CALLBACK_URL)") from None


def _non_empty(name: str, env: str) -> Any:
    def check(_: object, __: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, str) or not value.strip():
            raise ConfigurationError(f"{name} is required and must be a non-empty string ({env})")

    return check


@attrs.frozen(kw_only=True)
class BkashConfig:
    """Immutable client settings. Secrets are kept out of ``repr``."""

    app_key: str = attrs.field(validator=_non_empty("app_key", "BKASH_APP_KEY"))
    app_secret: str = attrs.field(
        repr=False, converter=conceal, validator=_non_empty("app_secret", "BKASH_APP_SECRET")
    )
    username: str = attrs.field(
        repr=False, converter=conceal, validator=_non_empty("username", "BKASH_USERNAME")
    )
    password: str = attrs.field(
        repr=False, converter=conceal, validator=_non_empty("password", "BKASH_PASSWORD")
    )
    base_url: str = attrs.field(default=SANDBOX_BASE_URL, converter=_check_base_url)
    callback_url: str | None = attrs.field(default=None, converter=_check_callback_url)
    webhook_secret: str | None = attrs.field(default=None, repr=False, converter=conceal)
    timeout: float = DEFAULT_TIMEOUT
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    max_retries: int = DEFAULT_MAX_RETRIES
    retry_backoff: float = 0.5
    """Seconds before the first retry; doubles per retry, with jitter, up to 8 s."""

    def __attrs_post_init__(self) -> None:
        for name, value in (
            ("timeout", self.timeout),
            ("connect_timeout", self.connect_timeout),
            ("retry_backoff", self.retry_backoff),
        ):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ConfigurationError(f"{name} must be a number of seconds")
            if not 0 <= value <= MAX_TIMEOUT or (value == 0 and name != "retry_backoff"):
                raise ConfigurationError(f"{name} must be between 0 and {MAX_TIMEOUT:g} seconds")
        if isinstance(self.max_retries, bool) or not isinstance(self.max_retries, int):
            raise ConfigurationError("max_retries must be a whole number")
        if not 0 <= self.max_retries <= MAX_RETRIES_LIMIT:
            raise ConfigurationError(f"max_retries must be between 0 and {MAX_RETRIES_LIMIT}")
        if self.webhook_secret is not None and not self.webhook_secret.strip():
            raise ConfigurationError("webhook_secret must not be empty (BKASH_WEBHOOK_SECRET)")
        if self.environment is Environment.PRODUCTION and self.uses_public_sandbox_credentials:
            raise ConfigurationError(
                "the public bKash sandbox credentials only work on the sandbox; "
                "they must not be used with the production base_url"
            )

    @property
    def environment(self) -> Environment:
        """The bKash deployment ``base_url`` points at."""
        host = urlsplit(self.base_url).hostname
        if host == _PRODUCTION_HOST:
            return Environment.PRODUCTION
        if host == _SANDBOX_HOST:
            return Environment.SANDBOX
        return Environment.CUSTOM

    @property
    def uses_public_sandbox_credentials(self) -> bool:
        """Whether these are one of bKash's widely published sandbox credential sets."""
        return any(
            self.app_key == c.app_key or self.username == c.username
            for c in PUBLIC_SANDBOX_CREDENTIALS
        )

    @property
    def refund_v2_url(self) -> str:
        """The refund v2 root, on the same scheme and host as ``base_url``."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}/v2/tokenized-checkout"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> BkashConfig:
        """Read the ``BKASH_*`` variables; a missing or invalid one names the variable."""
        env = os.environ if environ is None else environ
        required: dict[str, Any] = {}
        for field, var in (
            ("app_key", "BKASH_APP_KEY"),
            ("app_secret", "BKASH_APP_SECRET"),
            ("username", "BKASH_USERNAME"),
            ("password", "BKASH_PASSWORD"),
        ):
            value = env.get(var, "")
            if not value.strip():
                raise ConfigurationError(f"{var} is not set")
            required[field] = value
        optional: dict[str, Any] = {}
        if env.get("BKASH_BASE_URL", "").strip():
            optional["base_url"] = env["BKASH_BASE_URL"]
        if env.get("BKASH_CALLBACK_URL", "").strip():
            optional["callback_url"] = env["BKASH_CALLBACK_URL"].strip()
        if env.get("BKASH_WEBHOOK_SECRET"):
            optional["webhook_secret"] = env["BKASH_WEBHOOK_SECRET"]
        if env.get("BKASH_TIMEOUT_SECONDS", "").strip():
            optional["timeout"] = _parse_seconds(env["BKASH_TIMEOUT_SECONDS"])
        return cls(**required, **optional)


def _parse_seconds(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ConfigurationError("BKASH_TIMEOUT_SECONDS must be a number of seconds") from None
    if not 0 < value <= MAX_TIMEOUT:
        raise ConfigurationError(
            f"BKASH_TIMEOUT_SECONDS must be between 0 and {MAX_TIMEOUT:g} seconds"
        )
    return value
