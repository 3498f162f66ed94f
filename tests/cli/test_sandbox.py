"""``bkash-sdk sandbox``: serves FakeBkash over HTTP, prints only what is safe, stops cleanly."""

from __future__ import annotations

import signal
import socket
import subprocess

import httpx
import pytest

from bkash_sdk.cli import main
from bkash_sdk.testing import PUBLIC_SANDBOX_CREDENTIALS

from ._harness import CANARY, COMMAND, assert_clean_failure, environment, run, sandbox


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
    assert line.endswith("pick another --port")


def test_sigterm_stops_it_while_a_client_holds_a_half_sent_request() -> None:
    process = subprocess.Popen(
        [*COMMAND, "sandbox", "--port", "0"],
        env=environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        origin = process.stdout.readline().split("listening on ", 1)[1].split()[0]
        host, port = origin.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as held:
            held.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nx")
            process.send_signal(signal.SIGTERM)
            out, err = process.communicate(timeout=4)  # the 5 s request timeout must not matter
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert "stopped" in out


@pytest.mark.parametrize("port", ["99999", "-1", "http"])
def test_a_bad_port_is_a_usage_error(port: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["sandbox", "--port", port])
    assert exited.value.code == 2
    assert "argument --port: not a port number" in capsys.readouterr().err


def test_an_address_not_on_this_machine_names_the_host(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sandbox", "--host", "192.0.2.1", "--port", "0"]) == 2  # TEST-NET-1
    err = capsys.readouterr().err
    assert "192.0.2.1" in err
    assert "check --host" in err
    assert "pick another --port" not in err
