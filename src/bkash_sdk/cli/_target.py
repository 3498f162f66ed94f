"""Where a command runs: the bKash configured in ``BKASH_*``, or an embedded offline sandbox."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

import attrs
import httpx

from .._client import BkashClient
from .._config import SANDBOX_BASE_URL, BkashConfig, Environment
from .._exceptions import ConfigurationError
from .._stores import RedisTokenStore, TokenStore
from ..testing import PUBLIC_SANDBOX_CREDENTIALS, Credentials, FakeBkash
from ._exit import CommandFailed, ExitCode

CREDENTIAL_VARIABLES = ("BKASH_APP_KEY", "BKASH_APP_SECRET", "BKASH_USERNAME", "BKASH_PASSWORD")
DEMO_CALLBACK_URL = "https://merchant.example/bkash/callback"
"""Callback URL used when ``BKASH_CALLBACK_URL`` is not set (only the browser ever visits it)."""
DEMO_WALLET = "01770618575"
"""The sandbox test wallet the embedded customer pays with (OTP 123456, PIN 12121)."""

TransportWrapper = Callable[[httpx.BaseTransport], httpx.BaseTransport]


def _environ(environ: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if environ is None else environ


def credentials_configured(environ: Mapping[str, str] | None = None) -> bool:
    """Whether any of the four ``BKASH_*`` credential variables is set."""
    env = _environ(environ)
    return any(env.get(name, "").strip() for name in CREDENTIAL_VARIABLES)


def env_credentials(environ: Mapping[str, str] | None = None) -> Credentials:
    """The credential set in ``BKASH_*``; a missing variable is named."""
    env = _environ(environ)
    values = []
    for name in CREDENTIAL_VARIABLES:
        if not env.get(name, "").strip():
            raise ConfigurationError(f"{name} is not set")
        values.append(env[name])
    return Credentials(*values)


def token_store(
    redis_url: str | None, environ: Mapping[str, str] | None = None
) -> TokenStore | None:
    """A Redis token store for ``--redis-url`` (else ``BKASH_REDIS_URL``); ``None`` if neither.

    It shares the token between invocations, and with apps using ``RedisTokenStore()`` with
    the default prefix. Needs ``bkash-sdk[redis]``.
    """
    source = "--redis-url"
    if not redis_url:
        redis_url, source = _environ(environ).get("BKASH_REDIS_URL", "").strip(), "BKASH_REDIS_URL"
    if not redis_url:
        return None
    try:
        return RedisTokenStore(url=redis_url)
    except ValueError:
        raise ConfigurationError(
            f"{source} is not a Redis URL (redis://, rediss:// or unix://)"
        ) from None


def configured_client(
    *,
    callback_url: str | None = None,
    transport: httpx.BaseTransport | None = None,
    store: TokenStore | None = None,
    environ: Mapping[str, str] | None = None,
) -> tuple[BkashClient, httpx.Client]:
    """A client for the configured bKash, and the HTTP client it uses (close both)."""
    config = BkashConfig.from_env(environ)
    if callback_url is not None:
        config = attrs.evolve(config, callback_url=callback_url)
    http = httpx.Client(transport=transport or httpx.HTTPTransport())
    return BkashClient(config, http_client=http, token_store=store), http


@attrs.define
class Target:
    """A client plus how the customer step happens there."""

    client: BkashClient
    http: httpx.Client
    description: str
    approve: Callable[[str], str] | None
    """Pays on the checkout page without a browser (embedded only); ``None``: a person pays."""

    def close(self) -> None:
        """Close the client and its HTTP connections."""
        self.client.close()
        self.http.close()


def embedded_target(wrap: TransportWrapper | None = None) -> Target:
    """A fresh in-process FakeBkash, reached with the public sandbox credential set T2."""
    fake = FakeBkash()
    transport: httpx.BaseTransport = fake.transport()
    http = httpx.Client(transport=wrap(transport) if wrap else transport)
    creds = PUBLIC_SANDBOX_CREDENTIALS[0]
    client = BkashClient(
        app_key=creds.app_key,
        app_secret=creds.app_secret,
        username=creds.username,
        password=creds.password,
        base_url=SANDBOX_BASE_URL,
        callback_url=_environ(None).get("BKASH_CALLBACK_URL", "").strip() or DEMO_CALLBACK_URL,
        http_client=http,
    )
    return Target(
        client,
        http,
        "embedded offline sandbox (FakeBkash): nothing leaves this machine",
        lambda payment_id: fake.approve(payment_id, wallet=DEMO_WALLET),
    )


def open_target(*, offline: bool, wrap: TransportWrapper | None = None) -> Target:
    """The embedded sandbox when asked or when no credentials are set; else ``BKASH_*``.

    Production is refused: these flows move money and refund only part of it.
    """
    if offline or not credentials_configured():
        return embedded_target(wrap)
    config = BkashConfig.from_env()
    if config.environment is Environment.PRODUCTION:
        raise CommandFailed(
            "this command runs on the sandbox only (BKASH_BASE_URL points at production)",
            ExitCode.USAGE,
        )
    transport: httpx.BaseTransport = httpx.HTTPTransport()
    client, http = configured_client(
        callback_url=None if config.callback_url else DEMO_CALLBACK_URL,
        transport=wrap(transport) if wrap else transport,
    )
    where = "bKash sandbox" if config.environment is Environment.SANDBOX else "custom bKash"
    return Target(client, http, f"{where} at {config.base_url} (from BKASH_*)", None)
