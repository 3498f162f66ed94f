"""The ``bkash-sdk`` command: sandbox, doctor, demo, uat and one-off calls.

Every line it prints is masked (``bkash_sdk._masking``); errors are one line on stderr and the
exit status says what happened (see :class:`~bkash_sdk.cli._exit.ExitCode` and docs/cli.md).
"""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from .. import __version__
from .._exceptions import BkashError
from .._masking import redact_text
from . import _demo, _doctor, _oneoff, _sandbox, _uat
from ._exit import CommandFailed, ExitCode, exit_code, explain
from ._output import Console

__all__ = ["ExitCode", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command registered."""
    parser = argparse.ArgumentParser(
        prog="bkash-sdk",
        description="bKash Tokenized Checkout from the terminal. Configuration: BKASH_* variables.",
        epilog="exit status: 0 ok, 1 bKash said no, 2 usage or configuration, 3 no answer "
        "(connection or timeout), 4 outcome unknown, 70 internal error, 130 interrupted",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true", help="show SDK logs and tracebacks")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show SDK logs and tracebacks",
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    for module in (_sandbox, _doctor, _demo, _uat, _oneoff):
        module.register(commands, common)
    return parser


class _MaskedFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact_text(super().format(record))


@contextmanager
def _debug_logs(enabled: bool) -> Iterator[None]:
    """Masked ``bkash_sdk`` logs on stderr for the duration of one command."""
    if not enabled:
        yield
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_MaskedFormatter("%(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("bkash_sdk")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return its exit status (never raises, apart from ``--help``)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    console = Console()
    if not hasattr(args, "handler"):
        parser.print_help()
        return ExitCode.USAGE
    try:
        with _debug_logs(args.debug):
            return int(args.handler(args, console))
    except KeyboardInterrupt:
        console.error("interrupted")
        return ExitCode.INTERRUPTED
    except Exception as error:
        if args.debug:
            console.raw_error(traceback.format_exc())
        return _failed(console, error)


def _failed(console: Console, error: Exception) -> int:
    """Print the one-line explanation of *error*; return the exit status."""
    if isinstance(error, CommandFailed):
        console.error(str(error))
        return error.code
    if isinstance(error, BkashError):
        console.error(explain(error))
        return exit_code(error)
    console.error(
        f"unexpected error: {type(error).__name__}: {error} (rerun with --debug for details)"
    )
    return ExitCode.INTERNAL
