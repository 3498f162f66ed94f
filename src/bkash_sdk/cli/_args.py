"""Argument helpers shared by the command modules."""

from __future__ import annotations

import argparse
from decimal import Decimal, InvalidOperation
from typing import TypeAlias

from .._config import _check_callback_url
from .._exceptions import ConfigurationError

Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
"""The object ``add_subparsers()`` returns, where each module registers its commands."""


def amount(text: str) -> Decimal:
    """An amount in BDT, such as ``500`` or ``99.50``."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not an amount: {text!r}") from None
    if not value.is_finite() or value <= 0:
        raise argparse.ArgumentTypeError(f"not a positive amount: {text!r}")
    return value


def port(text: str) -> int:
    """A TCP port number, 0 to 65535 (0: any free port)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"not a port number (0 to 65535): {text!r}")
    return value


def callback_url(text: str) -> str:
    """An absolute http(s) callback URL, checked as ``BkashConfig`` checks it."""
    try:
        _check_callback_url(text)
    except ConfigurationError:
        raise argparse.ArgumentTypeError("must be an absolute http(s) URL") from None
    return text
