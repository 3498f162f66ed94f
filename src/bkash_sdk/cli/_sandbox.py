"""``bkash-sdk sandbox``: the offline bKash sandbox over HTTP, until Ctrl+C."""

from __future__ import annotations

import argparse
import errno
import signal
from types import FrameType

from .._config import _is_loopback
from ..testing import PUBLIC_SANDBOX_CREDENTIALS, FakeBkash, SandboxServer
from ._args import Commands, port
from ._exit import CommandFailed, ExitCode
from ._output import Console
from ._target import env_credentials

_PORT_ERRORS = (errno.EADDRINUSE, errno.EACCES)
"""Bind failures caused by the port; any other (an unknown or foreign address) is the host's."""


def register(commands: Commands, common: argparse.ArgumentParser) -> None:
    """Add the ``sandbox`` command."""
    parser = commands.add_parser(
        "sandbox",
        parents=[common],
        help="run the offline bKash sandbox over HTTP",
        description=(
            "Serve FakeBkash (API, refund v2 and the customer's checkout page) on loopback "
            "until Ctrl+C. It accepts bKash's published sandbox credential sets."
        ),
    )
    parser.add_argument("--host", default="127.0.0.1", help="address (default: %(default)s)")
    parser.add_argument(
        "--port", type=port, default=8765, help="port, 0 for any free one (default: %(default)s)"
    )
    parser.add_argument(
        "--accept-env-credentials",
        action="store_true",
        help="also accept the credentials set in BKASH_APP_KEY/APP_SECRET/USERNAME/PASSWORD",
    )
    parser.set_defaults(handler=run)


def _stop(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def run(args: argparse.Namespace, console: Console) -> int:
    """Serve until SIGINT (Ctrl+C) or SIGTERM; both stop cleanly with exit status 0.

    SIGINT is handled explicitly so that it works even where it was ignored at start-up (a
    background job of a non-interactive shell).
    """
    extra = [env_credentials()] if args.accept_env_credentials else []
    fake = FakeBkash(credentials=extra)
    try:
        server = SandboxServer(fake.handle, args.host, args.port)
    except OSError as exc:
        advice = "pick another --port" if exc.errno in _PORT_ERRORS else "check --host"
        raise CommandFailed(
            f"cannot listen on {args.host}:{args.port} ({exc.strerror or exc}); {advice}",
            ExitCode.USAGE,
        ) from None
    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        _banner(console, server, bool(extra))
        server.serve_forever()
    except KeyboardInterrupt:
        console.line("bKash sandbox stopped")
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return ExitCode.OK


def _banner(console: Console, server: SandboxServer, extra_credentials: bool) -> None:
    public = PUBLIC_SANDBOX_CREDENTIALS[0]
    console.line(f"bKash sandbox listening on {server.origin} (checkout page at /)")
    console.line(f"  API root:       {server.base_url}")
    console.line(f"  refund v2 root: {server.refund_v2_url}")
    console.line(
        f"  accepts the public sandbox credential sets; set T2 has app key {public.app_key}"
    )
    if extra_credentials:
        console.line("  also accepts the credentials set in BKASH_*")
    console.line("Point your app or the SDK at it:")
    console.line(f"  export BKASH_BASE_URL={server.base_url}")
    if not _is_loopback(server.host):
        console.line("  note: not on loopback; clients refuse plain http off loopback")
    console.line("Press Ctrl+C to stop.")
