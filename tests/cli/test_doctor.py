"""``bkash-sdk doctor``: healthy on good credentials, one useful line on each usual mistake."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from bkash_sdk.cli import main
from bkash_sdk.testing import PUBLIC_SANDBOX_CREDENTIALS, FakeBkash

from ._harness import CANARY, assert_clean_failure, environment, leaks, run


@pytest.fixture
def base_url() -> Iterator[str]:
    fake = FakeBkash(credentials=[CANARY], public_sandbox_credentials=False)
    with fake.serve() as server:
        yield server.base_url


def test_healthy_configuration_exits_0(base_url: str) -> None:
    result = run("doctor", env=environment(base_url))
    assert result.returncode == 0, result.stderr
    assert "token granted by bKash and accepted" in result.stdout
    assert "healthy" in result.stdout
    assert not leaks(result.stdout + result.stderr)


@pytest.mark.parametrize(
    ("variables", "code", "named"),
    [
        ({"BKASH_APP_SECRET": "CANARYwrongSecret"}, 1, "BKASH_APP_SECRET"),
        ({"BKASH_USERNAME": "CANARYnobody"}, 1, "BKASH_USERNAME"),
        ({"BKASH_APP_KEY": ""}, 2, "BKASH_APP_KEY is not set"),
        ({"BKASH_BASE_URL": "http://127.0.0.1:9/v1.2.0-beta"}, 3, "could not connect"),
    ],
    ids=["wrong-app-secret", "unknown-username", "missing-variable", "connection-refused"],
)
def test_usual_mistakes_are_explained(
    base_url: str, variables: dict[str, str], code: int, named: str
) -> None:
    result = run("doctor", env=environment(base_url, **variables))
    line = assert_clean_failure(result, code)
    assert named in line
    assert "CANARY" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("variables", "code", "named"),
    [
        ({"BKASH_PASSWORD": "CANARYwrongPassword"}, 1, "BKASH_PASSWORD"),
        ({"BKASH_APP_SECRET": f"Bearer {CANARY.app_secret}"}, 2, "BKASH_APP_SECRET starts with"),
        ({"BKASH_PASSWORD": f" {CANARY.password}"}, 2, "BKASH_PASSWORD has leading"),
        ({"BKASH_CALLBACK_URL": "/bkash/callback"}, 2, "BKASH_CALLBACK_URL"),
        ({"BKASH_BASE_URL": "http://bkash.example/v1.2.0-beta"}, 2, "plain http"),
        ({"BKASH_TIMEOUT_SECONDS": "soon"}, 2, "BKASH_TIMEOUT_SECONDS"),
    ],
    ids=[
        "wrong-password",
        "bearer-prefix",
        "spaces",
        "relative-callback",
        "http-off-loopback",
        "bad-timeout",
    ],
)
def test_more_mistakes_in_process(
    base_url: str,
    variables: dict[str, str],
    code: int,
    named: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in [n for n in os.environ if n.startswith("BKASH_")]:
        monkeypatch.delenv(name)
    for name, value in environment(base_url, **variables).items():
        if name.startswith("BKASH_"):
            monkeypatch.setenv(name, value)
    assert main(["doctor"]) == code
    out, err = capsys.readouterr()
    assert named in err
    assert len(err.strip().splitlines()) == 1
    assert "CANARY" not in out + err


def test_public_sandbox_credentials_on_production_are_refused() -> None:
    creds = PUBLIC_SANDBOX_CREDENTIALS[0]
    env = environment(
        "production",
        BKASH_APP_KEY=creds.app_key,
        BKASH_APP_SECRET=creds.app_secret,
        BKASH_USERNAME=creds.username,
        BKASH_PASSWORD=creds.password,
    )
    line = assert_clean_failure(run("doctor", env=env), 2)
    assert "only work on the sandbox" in line


def test_without_any_credentials_it_points_at_the_demo() -> None:
    line = assert_clean_failure(run("doctor", env=environment()), 2)
    assert "BKASH_APP_KEY is not set" in line
    assert "bkash-sdk demo" in line
