"""BkashConfig: defaults, validation, environment variables, and secrets kept out of sight."""

from __future__ import annotations

import pytest

from bkash_sdk import (
    PRODUCTION_BASE_URL,
    SANDBOX_BASE_URL,
    BkashClient,
    BkashConfig,
    ConfigurationError,
    Environment,
)
from bkash_sdk._public_sandbox import PUBLIC_SANDBOX_CREDENTIALS
from tests import canaries

ENV = {
    "BKASH_APP_KEY": canaries.APP_KEY,
    "BKASH_APP_SECRET": canaries.APP_SECRET,
    "BKASH_USERNAME": canaries.USERNAME,
    "BKASH_PASSWORD": canaries.PASSWORD,
}


def test_defaults_to_the_sandbox_with_bkash_timeouts() -> None:
    config = BkashConfig(**canaries.CREDENTIALS)
    assert config.base_url == SANDBOX_BASE_URL
    assert config.environment is Environment.SANDBOX
    assert config.timeout == 30.0
    assert config.max_retries == 2
    assert config.refund_v2_url == "https://tokenized.sandbox.bka.sh/v2/tokenized-checkout"


def test_from_env_reads_every_variable() -> None:
    env = {
        **ENV,
        "BKASH_BASE_URL": "production",
        "BKASH_CALLBACK_URL": "https://shop.example/bkash/callback?order=1",
        "BKASH_WEBHOOK_SECRET": canaries.WEBHOOK_SECRET,
        "BKASH_TIMEOUT_SECONDS": "12.5",
    }
    config = BkashConfig.from_env(env)
    assert (config.app_key, config.app_secret) == (canaries.APP_KEY, canaries.APP_SECRET)
    assert (config.username, config.password) == (canaries.USERNAME, canaries.PASSWORD)
    assert config.base_url == PRODUCTION_BASE_URL
    assert config.environment is Environment.PRODUCTION
    assert config.refund_v2_url == "https://tokenized.pay.bka.sh/v2/tokenized-checkout"
    assert config.callback_url == "https://shop.example/bkash/callback?order=1"
    assert config.webhook_secret == canaries.WEBHOOK_SECRET
    assert config.timeout == 12.5


def test_client_from_env_builds_a_configured_client() -> None:
    with BkashClient.from_env(ENV) as client:
        assert client.config.app_key == canaries.APP_KEY


@pytest.mark.parametrize("missing", sorted(ENV))
def test_a_missing_variable_is_named(missing: str) -> None:
    env = {k: v for k, v in ENV.items() if k != missing}
    with pytest.raises(ConfigurationError, match=missing):
        BkashConfig.from_env(env)


@pytest.mark.parametrize("value", ["soon", "0", "-1", "301", "nan"])
def test_an_invalid_timeout_is_named_without_echoing_secrets(value: str) -> None:
    with pytest.raises(ConfigurationError, match="BKASH_TIMEOUT_SECONDS") as caught:
        BkashConfig.from_env({**ENV, "BKASH_TIMEOUT_SECONDS": value})
    assert not any(secret in str(caught.value) for secret in canaries.SECRETS)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://tokenized.sandbox.bka.sh/v1.2.0-beta",
        "tokenized.sandbox.bka.sh/v1.2.0-beta",
        "http://tokenized.sandbox.bka.sh/v1.2.0-beta",
        "https://user:pw@tokenized.sandbox.bka.sh/v1.2.0-beta",
        "https://tokenized.sandbox.bka.sh/v1.2.0-beta?x=1",
    ],
)
def test_unsafe_base_urls_are_refused(url: str) -> None:
    with pytest.raises(ConfigurationError, match="BKASH_BASE_URL"):
        BkashConfig(**canaries.CREDENTIALS, base_url=url)


def test_plain_http_is_allowed_on_loopback_for_the_local_sandbox() -> None:
    config = BkashConfig(**canaries.CREDENTIALS, base_url="http://127.0.0.1:8765/v1.2.0-beta/")
    assert config.base_url == "http://127.0.0.1:8765/v1.2.0-beta"
    assert config.environment is Environment.CUSTOM
    assert config.refund_v2_url == "http://127.0.0.1:8765/v2/tokenized-checkout"


@pytest.mark.parametrize(
    "url", ["/callback", "shop.example/cb", "javascript:alert(1)", " https://a.b"]
)
def test_callback_url_must_be_absolute_http(url: str) -> None:
    with pytest.raises(ConfigurationError, match="BKASH_CALLBACK_URL"):
        BkashConfig(**canaries.CREDENTIALS, callback_url=url)


@pytest.mark.parametrize("field", ["app_key", "app_secret", "username", "password"])
def test_empty_credentials_are_refused(field: str) -> None:
    with pytest.raises(ConfigurationError, match=field):
        BkashConfig(**{**canaries.CREDENTIALS, field: "  "})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("timeout", 0),
        ("timeout", True),
        ("max_retries", -1),
        ("max_retries", 11),
        ("retry_backoff", -1),
    ],
)
def test_out_of_range_numbers_are_refused(field: str, value: object) -> None:
    with pytest.raises(ConfigurationError, match=field):
        BkashConfig(**canaries.CREDENTIALS, **{field: value})  # type: ignore[arg-type]


@pytest.mark.parametrize("published", PUBLIC_SANDBOX_CREDENTIALS, ids=lambda c: c.name)
def test_public_sandbox_credentials_are_refused_on_production(published: object) -> None:
    creds = {k: getattr(published, k) for k in ("app_key", "app_secret", "username", "password")}
    assert BkashConfig(**creds).uses_public_sandbox_credentials
    with pytest.raises(ConfigurationError, match="production"):
        BkashConfig(**creds, base_url=PRODUCTION_BASE_URL)


def test_repr_keeps_secrets_out() -> None:
    config = BkashConfig(**canaries.CREDENTIALS, webhook_secret=canaries.WEBHOOK_SECRET)
    with BkashClient(config) as client:
        text = repr(config) + str(config) + repr(client)
    assert canaries.APP_KEY in text
    assert not any(secret in text for secret in canaries.SECRETS)


def test_config_is_immutable() -> None:
    config = BkashConfig(**canaries.CREDENTIALS)
    with pytest.raises(AttributeError):
        config.timeout = 5  # type: ignore[misc]


def test_keyword_settings_and_a_config_object_are_exclusive() -> None:
    with pytest.raises(TypeError):
        BkashClient(BkashConfig(**canaries.CREDENTIALS), timeout=5)
