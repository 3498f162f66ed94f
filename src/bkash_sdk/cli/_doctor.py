"""``bkash-sdk doctor``: check the ``BKASH_*`` configuration and the credentials, and explain.

The credential check grants a token and uses it once, on a read-only status query of a
made-up paymentID: bKash refusing that id proves the token works, and no money moves.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping

import attrs
import httpx

from .._client import BkashClient
from .._config import BkashConfig, Environment
from .._exceptions import (
    AuthenticationError,
    BkashAPIError,
    BkashConnectionError,
    BkashError,
    BkashTimeoutError,
    ConfigurationError,
)
from ._args import Commands
from ._exit import CommandFailed, ExitCode, explain
from ._output import Console
from ._target import CREDENTIAL_VARIABLES, credentials_configured

PROBE_PAYMENT_ID = "bkash-sdk-doctor-probe"
_GRANT = "token.grant"


def register(commands: Commands, common: argparse.ArgumentParser) -> None:
    """Add the ``doctor`` command."""
    parser = commands.add_parser(
        "doctor",
        parents=[common],
        help="check the BKASH_* configuration and credentials",
        description=(
            "Read the BKASH_* variables, grant a token against the configured bKash and use it "
            "once on a read-only query; explain what is wrong when something is."
        ),
    )
    parser.set_defaults(handler=run)


def _report(console: Console, verdict: str, text: str) -> None:
    console.line(f"  {verdict:<8} {text}")


def check_variables(environ: Mapping[str, str]) -> list[str]:
    """Copy-paste slips in ``BKASH_*`` values, by variable name (values are never shown)."""
    problems = []
    for name in sorted(n for n in environ if n.startswith("BKASH_")):
        value = environ[name]
        if value.strip().lower().startswith("bearer "):
            problems.append(
                f"{name} starts with 'Bearer ': bKash takes raw values (the SDK sends the raw "
                "id_token, without 'Bearer'); remove the prefix"
            )
        elif name in CREDENTIAL_VARIABLES and value and value != value.strip():
            problems.append(f"{name} has leading or trailing spaces; bKash will refuse it")
        elif len(value) > 1 and value[0] == value[-1] and value[0] in "'\"":
            problems.append(f"{name} is wrapped in quotes; remove them")
    return problems


def diagnose(error: BkashError, config: BkashConfig) -> tuple[str, ExitCode]:
    """What a failed probe means, in one line, and the exit code."""
    where = f"base URL {config.base_url} ({config.environment})"
    if isinstance(error, BkashTimeoutError):
        return (
            f"bKash did not answer within {config.timeout:g} s: check the network, proxy or "
            f"firewall, or raise BKASH_TIMEOUT_SECONDS; {where}",
            ExitCode.TRANSPORT,
        )
    if isinstance(error, BkashConnectionError):
        return (
            f"could not connect: check BKASH_BASE_URL, DNS and any proxy; {where}",
            ExitCode.TRANSPORT,
        )
    if isinstance(error, AuthenticationError) and error.operation == _GRANT:
        if error.code is None and error.http_status in (401, 403):
            return (
                f"bKash refused the app key or app secret (HTTP {error.http_status}): check "
                f"BKASH_APP_KEY and BKASH_APP_SECRET; sandbox and production keys differ; {where}",
                ExitCode.REFUSED,
            )
        return (
            f"bKash refused the username or password (code {error.code}: {error.message}): "
            "check BKASH_USERNAME and BKASH_PASSWORD; an unknown username answers "
            f"'Username does not exist'; {where}",
            ExitCode.REFUSED,
        )
    if isinstance(error, AuthenticationError):
        return (
            "a token was granted but refused on an API call: the app key may belong to "
            f"another merchant or environment; {where}",
            ExitCode.REFUSED,
        )
    code = ExitCode.REFUSED if isinstance(error, BkashAPIError) else ExitCode.TRANSPORT
    return explain(error), code


def _read_config(console: Console) -> BkashConfig:
    problems = check_variables(os.environ)
    for problem in problems:
        _report(console, "problem", problem)
    if problems:
        raise CommandFailed(
            f"{len(problems)} BKASH_* value(s) to fix: {problems[0]}", ExitCode.USAGE
        )
    try:
        return BkashConfig.from_env()
    except ConfigurationError as error:
        hint = "" if credentials_configured() else " (no credentials? try `bkash-sdk demo`)"
        raise CommandFailed(f"configuration error: {error}{hint}", ExitCode.USAGE) from None


def run(args: argparse.Namespace, console: Console) -> int:
    """Check, explain, and exit 0 only when a token was granted and accepted."""
    console.line("bkash-sdk doctor")
    config = _read_config(console)
    _report(console, "ok", f"configuration: {config.environment} at {config.base_url}")
    if config.uses_public_sandbox_credentials:
        _report(console, "info", "using bKash's public sandbox credentials (sandbox only)")
    if config.callback_url is None:
        _report(console, "warning", "BKASH_CALLBACK_URL is not set: pass callback_url to create")
    else:
        _report(console, "ok", f"callback URL {config.callback_url}")
        if config.environment is Environment.PRODUCTION and config.callback_url.startswith("http:"):
            _report(console, "warning", "the callback URL is plain http on production")
    if config.webhook_secret is None:
        _report(console, "info", "BKASH_WEBHOOK_SECRET is not set: callback URLs are unsigned")
    http = httpx.Client()
    client = BkashClient(attrs.evolve(config, max_retries=0), http_client=http)
    try:
        client.payments.query(PROBE_PAYMENT_ID)
    except BkashError as error:
        answered = isinstance(error, BkashAPIError) and error.code is not None
        if not answered or isinstance(error, AuthenticationError) or not client.token_stats.grants:
            message, code = diagnose(error, config)
            raise CommandFailed(message, code) from None
    finally:
        client.close()
        http.close()
    _report(console, "ok", "token granted by bKash and accepted on a read-only API call")
    console.line("healthy: the SDK can talk to bKash with these settings")
    return ExitCode.OK
