"""``bkash-sdk demo``: the whole checkout flow, with progress lines and a summary."""

from __future__ import annotations

import argparse
import time
import uuid
from decimal import Decimal

from ._args import Commands
from ._exit import ExitCode
from ._flow import CheckoutFlow, FlowResult
from ._output import Console
from ._target import open_target

DEMO_REFUND = Decimal("100.00")
DEFAULT_WAIT = 300.0


def flow_amount(now: float | None = None) -> Decimal:
    """500.01 to 509.99 BDT, from the clock: a new amount every 1/8 s, repeating after 124.875 s.

    bKash refuses the same amount from the same wallet within two minutes (2029), so runs
    started between 1/8 s and two minutes apart never charge the same amount.
    """
    step = int((time.time() if now is None else now) * 8) % 999
    return Decimal(50001 + step) / 100


def add_flow_options(parser: argparse.ArgumentParser) -> None:
    """``--offline`` and ``--wait``, shared with ``uat``."""
    parser.add_argument(
        "--offline",
        action="store_true",
        help="use the embedded sandbox even when BKASH_* credentials are set",
    )
    parser.add_argument(
        "--wait",
        type=float,
        default=DEFAULT_WAIT,
        metavar="SECONDS",
        help="how long to wait for a person to pay on bkashURL (default: %(default)g)",
    )


def register(commands: Commands, common: argparse.ArgumentParser) -> None:
    """Add the ``demo`` command."""
    parser = commands.add_parser(
        "demo",
        parents=[common],
        help="run the whole checkout flow (offline unless BKASH_* is set)",
        description=(
            "Grant, create, customer approval, execute, query, search, refund and refund "
            "status on one payment. Without BKASH_* credentials (or with --offline) it runs "
            "against an embedded sandbox in about a second; otherwise against the configured "
            "sandbox, where a person pays on the printed bkashURL."
        ),
    )
    add_flow_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, console: Console) -> int:
    """Run the flow and print a summary."""
    target = open_target(offline=args.offline)
    try:
        console.line(f"bkash-sdk demo on the {target.description}")
        flow = CheckoutFlow(
            target,
            console,
            amount=flow_amount(),
            refund_amount=DEMO_REFUND,
            invoice=f"DEMO-{uuid.uuid4().hex[:10].upper()}",
            wait=args.wait,
        )
        result = flow.run()
    finally:
        target.close()
    print_summary(console, result)
    return ExitCode.OK


def print_summary(console: Console, result: FlowResult) -> None:
    """The readable end of a successful flow."""
    console.line()
    console.line("Summary: payment completed and partly refunded")
    console.fields(
        [
            ("paymentID", result.payment_id),
            ("invoice", result.invoice),
            ("paid", f"{result.amount} BDT by wallet {result.wallet or 'unknown'}"),
            ("trxID", result.trx_id),
            ("refund", f"{result.refund_amount} BDT, {result.refund_status}"),
            ("refundTrxID", result.refund_trx_id),
            ("refunded total", f"{result.refunded_total} BDT"),
            ("token grants", f"{result.grants} (one token reused for every call)"),
            ("took", f"{result.seconds:.2f} s"),
        ]
    )
