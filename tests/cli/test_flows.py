"""``demo`` and ``uat``: offline in about a second, and against the sandbox subprocess with a
person (the test) paying on the printed bkashURL. Nothing secret is ever printed or written."""

from __future__ import annotations

import json
import time
from decimal import Decimal
from pathlib import Path

import pytest

from bkash_sdk.cli._demo import flow_amount
from bkash_sdk.cli._uat import transcript_paths

from ._harness import assert_clean_failure, environment, leaks, run, run_paying_customer, sandbox

UAT_APIS = [
    "Grant Token",
    "Create Payment",
    "Execute Payment",
    "Query Payment",
    "Search Transaction",
    "Refund Transaction",
    "Refund Status",
]


def test_demo_runs_offline_without_configuration_in_seconds() -> None:
    started = time.monotonic()
    result = run("demo", env=environment())
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 10
    assert "embedded offline sandbox" in result.stdout
    assert "[8/8] refund status" in result.stdout
    assert "Summary: payment completed and partly refunded" in result.stdout
    assert "********575" in result.stdout
    assert result.stderr == ""
    assert not leaks(result.stdout)


def test_demo_offline_flag_ignores_configured_credentials() -> None:
    result = run("demo", "--offline", env=environment(base_url="https://tokenized.pay.bka.sh"))
    assert result.returncode == 0, result.stderr
    assert not leaks(result.stdout + result.stderr)


def test_demo_and_uat_refuse_production() -> None:
    env = environment(base_url="production")
    for args in (["demo"], ["uat", "--out", "never"]):
        line = assert_clean_failure(run(*args, env=env), 2)
        assert "sandbox only" in line


def test_demo_then_uat_back_to_back_against_one_sandbox(tmp_path: Path) -> None:
    """The same wallet pays both: equal amounts would fail with 2029 (bKash's 2-minute rule)."""
    out = tmp_path / "go-live"
    with sandbox("--accept-env-credentials", env=environment(base_url="http://127.0.0.1:1")) as url:
        demo = run_paying_customer("demo", env=environment(base_url=url))
        uat = run_paying_customer("uat", "--out", str(out), env=environment(base_url=url))
    assert demo.returncode == 0, demo.stderr
    assert "open this page and pay:" in demo.stdout
    assert "Summary: payment completed" in demo.stdout
    assert uat.returncode == 0, uat.stderr
    document = _check_transcript(tmp_path / "go-live.json", tmp_path / "go-live.md")
    assert url in str(document["base_url"])
    assert document["status_polls_while_waiting_for_customer"] >= 1  # type: ignore[operator]
    assert not leaks(demo.stdout + demo.stderr + uat.stdout + uat.stderr)


def test_flow_amounts_differ_for_runs_up_to_two_minutes_apart() -> None:
    start = 1_700_000_000.0
    amounts = [flow_amount(start + n / 8) for n in range(121 * 8)]
    assert len(set(amounts)) == len(amounts)
    assert min(amounts) >= Decimal("500.01")
    assert max(amounts) <= Decimal("509.99")
    assert all(amount == amount.quantize(Decimal("0.01")) for amount in amounts)


def test_demo_gives_up_when_nobody_pays() -> None:
    with sandbox() as url:
        env = environment(base_url=url)
        public = {
            "BKASH_APP_KEY": "4f6o0cjiki2rfm34kfdadl1eqq",
            "BKASH_APP_SECRET": "2is7hdktrekvrbljjh44ll3d9l1dtjo4pasmjvs5vl5qr3fug4b",
            "BKASH_USERNAME": "sandboxTokenizedUser02",
            "BKASH_PASSWORD": "sandboxTokenizedUser02@12345",
        }
        result = run("demo", "--wait", "0.4", env={**env, **public})
    line = assert_clean_failure(result, 1)
    assert "did not complete payment" in line


def _check_transcript(json_path: Path, md_path: Path) -> dict[str, object]:
    text = json_path.read_text("utf-8")
    markdown = md_path.read_text("utf-8")
    assert not leaks(text + markdown)
    document = json.loads(text)
    assert document["completed"] is True
    steps = document["steps"]
    assert [step["api"] for step in steps] == UAT_APIS
    payment_ids = [
        step["request"]["body"].get("paymentID")
        for step in steps
        if step["api"] in ("Execute Payment", "Query Payment")
    ]
    assert payment_ids == [document["payment_id"]] * 2
    assert steps[1]["response"]["body"]["paymentID"] == document["payment_id"]
    for step in steps:
        assert step["request"]["url"].startswith("http")
        assert step["response"]["http_status"] == 200
        assert step["error_handling"]
        assert step["request"]["headers"].get("authorization", "[redacted]") == "[redacted]"
    grant = steps[0]
    assert grant["request"]["headers"]["password"] == "[redacted]"
    assert grant["request"]["body"]["app_secret"] == "[redacted]"
    assert grant["response"]["body"]["id_token"] == "[redacted]"
    for api in UAT_APIS:
        assert f". {api}" in markdown
    return dict(document)


def test_uat_offline_writes_a_masked_json_and_markdown_transcript(tmp_path: Path) -> None:
    result = run("uat", "--out", "transcript.json", env=environment(), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    _check_transcript(tmp_path / "transcript.json", tmp_path / "transcript.md")
    assert not leaks(result.stdout + result.stderr)


def test_uat_needs_an_existing_directory(tmp_path: Path) -> None:
    result = run("uat", "--out", str(tmp_path / "missing" / "t"), env=environment())
    assert "no such directory" in assert_clean_failure(result, 2)


@pytest.mark.parametrize(
    ("out", "expected"),
    [("t", ("t.json", "t.md")), ("t.json", ("t.json", "t.md")), ("t.md", ("t.json", "t.md"))],
)
def test_transcript_file_names(out: str, expected: tuple[str, str]) -> None:
    assert tuple(p.name for p in transcript_paths(Path(out))) == expected
