"""The top level of ``main``: exit codes for the unexpected, and masked ``--debug`` output."""

from __future__ import annotations

import argparse

import pytest

from bkash_sdk import AuthenticationError
from bkash_sdk.cli import ExitCode, _demo, main
from bkash_sdk.cli._exit import CommandFailed
from bkash_sdk.cli._output import Console

_JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.c2lnbmF0dXJl"


def _explode(args: argparse.Namespace, console: Console) -> int:
    raise RuntimeError(f"boom {_JWT} wallet 01770618575")


def _interrupted(args: argparse.Namespace, console: Console) -> int:
    raise KeyboardInterrupt


def test_unexpected_errors_are_one_masked_line_with_a_hint(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(_demo, "run", _explode)
    assert main(["demo"]) == ExitCode.INTERNAL
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "RuntimeError" in err
    assert "--debug" in err
    assert _JWT[:12] not in err
    assert "01770618575" not in err


def test_debug_shows_the_traceback_masked(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(_demo, "run", _explode)
    assert main(["demo", "--debug"]) == 70
    err = capsys.readouterr().err
    assert "Traceback" in err
    assert "_explode" in err
    assert _JWT[:12] not in err
    assert "01770618575" not in err


def _refused(args: argparse.Namespace, console: Console) -> int:
    raise AuthenticationError(f"refused {_JWT}")


def _failed(args: argparse.Namespace, console: Console) -> int:
    raise CommandFailed("nobody paid", ExitCode.REFUSED)


@pytest.mark.parametrize(("handler", "line"), [(_refused, "refused"), (_failed, "nobody paid")])
def test_debug_shows_the_masked_traceback_of_any_error(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    handler: object,
    line: str,
) -> None:
    monkeypatch.setattr(_demo, "run", handler)
    assert main(["demo"]) == ExitCode.REFUSED
    quiet = capsys.readouterr().err
    assert quiet.count("\n") == 1
    assert line in quiet
    assert main(["--debug", "demo"]) == ExitCode.REFUSED
    err = capsys.readouterr().err
    assert "Traceback" in err
    assert handler.__name__ in err  # type: ignore[attr-defined]
    assert err.strip().splitlines()[-1].startswith("bkash-sdk: ")
    assert _JWT[:12] not in err


def test_ctrl_c_exits_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(_demo, "run", _interrupted)
    assert main(["demo"]) == ExitCode.INTERRUPTED
    assert capsys.readouterr().err == "bkash-sdk: interrupted\n"


def test_exit_codes_are_stable() -> None:
    assert [int(code) for code in ExitCode] == [0, 1, 2, 3, 4, 70, 130]


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    out = capsys.readouterr().out
    for command in ("sandbox", "doctor", "demo", "uat", "payment", "search", "refund"):
        assert command in out
