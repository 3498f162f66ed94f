"""``bkash-sdk sandbox``: serves FakeBkash over HTTP, prints only what is safe, stops cleanly."""

from __future__ import annotations

import socket

import httpx

from bkash_sdk.testing import PUBLIC_SANDBOX_CREDENTIALS

from ._harness import CANARY, assert_clean_failure, environment, run, sandbox


def test_serves_the_api_prints_only_the_app_key_and_stops_on_ctrl_c() -> None:
    with sandbox() as base_url:
        assert base_url.startswith("http://127.0.0.1:")
        creds = PUBLIC_SANDBOX_CREDENTIALS[0]
        answer = httpx.post(
            f"{base_url}/tokenized/checkout/token/grant",
            headers={"username": creds.username, "password": creds.password},
            json={"app_key": creds.app_key, "app_secret": creds.app_secret},
        )
        assert answer.json()["statusCode"] == "0000"


def test_accepts_the_env_credentials_only_when_asked() -> None:
    env = environment(base_url="http://127.0.0.1:1/v1.2.0-beta")
    body = {"app_key": CANARY.app_key, "app_secret": CANARY.app_secret}
    headers = {"username": CANARY.username, "password": CANARY.password}
    with sandbox(env=env) as base_url:
        refused = httpx.post(
            f"{base_url}/tokenized/checkout/token/grant", json=body, headers=headers
        )
    with sandbox("--accept-env-credentials", env=env) as base_url:
        granted = httpx.post(
            f"{base_url}/tokenized/checkout/token/grant", json=body, headers=headers
        )
    assert refused.status_code == 401
    assert granted.json()["statusCode"] == "0000"


def test_a_busy_port_is_a_usage_error() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run("sandbox", "--port", str(port), env=environment())
    line = assert_clean_failure(result, 2)
    assert f"127.0.0.1:{port}" in line
