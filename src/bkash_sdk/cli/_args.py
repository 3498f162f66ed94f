"""Argument helpers shared by the command modules."""

from __future__ import annotations

import argparse
from decimal import Decimal, InvalidOperation
from typing import TypeAlias

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
