"""Run the installed ``bkash-sdk`` console script as a subprocess, and act as the customer."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx

from bkash_sdk.testing import PUBLIC_SANDBOX_CREDENTIALS, Credentials
from tests import canaries
from tests.conftest import find_leaks

_SCRIPT = shutil.which("bkash-sdk", path=str(Path(sys.executable).parent)) or shutil.which(
    "bkash-sdk"
)
COMMAND = [_SCRIPT] if _SCRIPT else [sys.executable, "-m", "bkash_sdk.cli"]
CANARY = Credentials(**canaries.CREDENTIALS)
TEST_WALLET = "01770618575"
CALLBACK_URL = "https://shop.example/bkash/callback"
_FULL_WALLET = re.compile(r"(?<![0-9])(?:88)?01[3-9][0-9]{8}(?![0-9])")


def environment(base_url: str | None = None, **variables: str) -> dict[str, str]:
    """This process's environment without any ``BKASH_*``, plus the canary credentials
    when ``base_url`` is given, plus ``variables``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BKASH_")}
    if base_url is not None:
        env.update(
            BKASH_BASE_URL=base_url,
            BKASH_APP_KEY=CANARY.app_key,
            BKASH_APP_SECRET=CANARY.app_secret,
            BKASH_USERNAME=CANARY.username,
            BKASH_PASSWORD=CANARY.password,
            BKASH_CALLBACK_URL=CALLBACK_URL,
            BKASH_WEBHOOK_SECRET=canaries.WEBHOOK_SECRET,
        )
    env.update(variables)
    return env


def run(
    *args: str, env: Mapping[str, str], cwd: Path | None = None, timeout: float = 30
) -> subprocess.CompletedProcess[str]:
    """Run ``bkash-sdk *args`` to completion."""
    return subprocess.run(
        [*COMMAND, *args],
        env=dict(env),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def leaks(text: str) -> list[str]:
    """Canary secrets, token-shaped strings and full wallet numbers present in ``text``."""
    return find_leaks(text) + _FULL_WALLET.findall(text)


def assert_clean_failure(result: subprocess.CompletedProcess[str], code: int) -> str:
    """The exit code is ``code`` and stderr is one line, no traceback, no secret."""
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert not leaks(result.stdout + result.stderr)
    return lines[0]


@contextmanager
def sandbox(*extra: str, env: Mapping[str, str] | None = None) -> Iterator[str]:
    """``bkash-sdk sandbox --port 0`` in a subprocess; yields its BKASH_BASE_URL.

    On leaving, Ctrl+C (SIGINT) must stop it cleanly with exit status 0.
    """
    process = subprocess.Popen(
        [*COMMAND, "sandbox", "--port", "0", *extra],
        env=dict(env if env is not None else environment()),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    banner = []
    try:
        assert process.stdout is not None
        for line in process.stdout:
            banner.append(line)
            if "BKASH_BASE_URL=" in line:
                break
        base_url = banner[-1].split("BKASH_BASE_URL=", 1)[-1].strip() if banner else ""
        assert base_url.startswith("http://"), "".join(banner)
        yield base_url
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    assert "stopped" in out
    printed = "".join(banner) + out + err
    assert not leaks(printed)
    public = PUBLIC_SANDBOX_CREDENTIALS[0]
    assert public.app_key in printed
    for creds in PUBLIC_SANDBOX_CREDENTIALS:
        for secret in (creds.app_secret, creds.username, creds.password):
            assert secret not in printed


def pay(bkash_url: str, wallet: str = TEST_WALLET) -> None:
    """Be the customer: submit the sandbox checkout page with correct OTP and PIN."""
    form = {"wallet": wallet, "otp": "123456", "pin": "12121", "action": "confirm"}
    response = httpx.post(bkash_url, data=form)
    assert response.status_code == 303, response.text


def run_paying_customer(
    *args: str, env: Mapping[str, str], cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a flow command that prints a bkashURL and waits; pay on it as the customer."""
    process = subprocess.Popen(
        [*COMMAND, *args],
        env=dict(env),
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    seen = []
    for line in process.stdout:
        seen.append(line)
        if "open this page and pay:" in line:
            pay(line.split("pay:", 1)[1].strip())
            break
    out, err = process.communicate(timeout=30)
    return subprocess.CompletedProcess(process.args, process.returncode, "".join(seen) + out, err)
