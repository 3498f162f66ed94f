"""One-off calls against the configured bKash: ``payment``, ``search`` and ``refund``."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from pydantic import BaseModel

from .._client import BkashClient
from ._args import Commands, amount, callback_url
from ._exit import ExitCode
from ._output import Console
from ._target import configured_client, token_store

Call = Callable[[BkashClient, argparse.Namespace], BaseModel]
_SHOWN = (
    ("paymentID", "payment_id"),
    ("bkashURL", "bkash_url"),
    ("trxID", "trx_id"),
    ("status", "transaction_status"),
    ("verification", "verification_status"),
    ("type", "transaction_type"),
    ("amount", "amount"),
    ("invoice", "merchant_invoice_number"),
    ("customer", "customer_msisdn"),
    ("refundTrxID", "refund_trx_id"),
    ("originalTrxID", "original_trx_id"),
    ("reason", "reason"),
    ("reconciled", "reconciled"),
    ("completed", "completed_time"),
    ("request id", "request_id"),
)


def _command(
    commands: Commands,
    common: argparse.ArgumentParser,
    name: str,
    summary: str,
    title: str,
    call: Call,
) -> argparse.ArgumentParser:
    parser = commands.add_parser(name, parents=[common], help=summary, description=summary)
    parser.add_argument("--json", action="store_true", help="print masked JSON instead")
    parser.add_argument(
        "--redis-url",
        metavar="URL",
        help="reuse the token across invocations through Redis (default: BKASH_REDIS_URL)",
    )
    parser.set_defaults(handler=_runner(title, call))
    return parser


def _runner(title: str, call: Call) -> Callable[[argparse.Namespace, Console], int]:
    def run(args: argparse.Namespace, console: Console) -> int:
        client, http = configured_client(
            callback_url=getattr(args, "callback_url", None), store=token_store(args.redis_url)
        )
        try:
            result = call(client, args)
        finally:
            client.close()
            http.close()
        if args.json:
            console.json(result)
        else:
            show(console, title, result)
        return ExitCode.OK

    return run


def show(console: Console, title: str, result: BaseModel) -> None:
    """A readable rendering of an answer: the fields people look for."""
    console.line(f"{title}:")
    console.fields((label, getattr(result, attr, None)) for label, attr in _SHOWN)
    if amount_refunded := getattr(result, "refunded_amount", None):
        console.fields([("refunded", amount_refunded)])
    for refund in getattr(result, "refunds", ()):
        console.line(
            f"  - refund {refund.refund_trx_id}: {refund.amount} BDT, "
            f"{refund.transaction_status}, {refund.completed_time}"
        )


def _create(client: BkashClient, args: argparse.Namespace) -> BaseModel:
    return client.payments.create(
        amount=args.amount,
        merchant_invoice_number=args.invoice,
        payer_reference=args.payer_reference or args.invoice,
        intent=args.intent,
    )


def register(commands: Commands, common: argparse.ArgumentParser) -> None:
    """Add ``payment create|execute|query``, ``search`` and ``refund create|status``."""
    payment = commands.add_parser("payment", help="create, execute or query one payment")
    payment_commands = payment.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = _command(
        payment_commands, common, "create", "create a payment (BKASH_*)", "payment created", _create
    )
    create.add_argument("--amount", type=amount, required=True, help="BDT, e.g. 500 or 99.50")
    create.add_argument("--invoice", required=True, help="your merchantInvoiceNumber")
    create.add_argument("--payer-reference", help="shown on the bKash page (default: invoice)")
    create.add_argument("--callback-url", type=callback_url, help="overrides BKASH_CALLBACK_URL")
    create.add_argument("--intent", choices=("sale", "authorization"), default="sale")
    execute = _command(
        payment_commands,
        common,
        "execute",
        "execute a payment the customer approved (sent once)",
        "payment executed",
        lambda c, a: c.payments.execute(a.payment_id),
    )
    query = _command(
        payment_commands,
        common,
        "query",
        "query a payment's status",
        "payment status",
        lambda c, a: c.payments.query(a.payment_id),
    )
    for parser in (execute, query):
        parser.add_argument("payment_id", metavar="PAYMENT_ID")
    search = _command(
        commands,
        common,
        "search",
        "look a transaction up by trxID",
        "transaction",
        lambda c, a: c.transactions.search(a.trx_id),
    )
    search.add_argument("trx_id", metavar="TRX_ID")
    refund = commands.add_parser("refund", help="refund a payment or read its refunds")
    refund_commands = refund.add_subparsers(dest="action", metavar="ACTION", required=True)
    refund_create = _command(
        refund_commands,
        common,
        "create",
        "refund a completed payment, fully or partly (sent once)",
        "refund",
        lambda c, a: c.refunds.create(
            payment_id=a.payment_id,
            trx_id=a.trx_id,
            amount=a.amount,
            sku=a.sku,
            reason=a.reason,
            api=a.api,
        ),
    )
    refund_create.add_argument("--amount", type=amount, required=True, help="BDT to refund")
    refund_create.add_argument("--sku", required=True, help="what is refunded")
    refund_create.add_argument("--reason", required=True, help="why")
    refund_status = _command(
        refund_commands,
        common,
        "status",
        "list the refunds of a payment",
        "refund status",
        lambda c, a: c.refunds.status(payment_id=a.payment_id, trx_id=a.trx_id, api=a.api),
    )
    for parser in (refund_create, refund_status):
        parser.add_argument("--payment-id", required=True)
        parser.add_argument("--trx-id", required=True, help="the payment's trxID")
        parser.add_argument("--api", choices=("v2", "v1"), default="v2", help="refund API")
