"""Transactions: look a payment or refund up by its bKash transaction id."""

from __future__ import annotations

from .._operations import SEARCH_TRANSACTION
from .._pipeline import Flow
from .._validation import validate_id
from ..models import Transaction
from ._base import AsyncRun, Context, SyncRun, parse


def search_flow(ctx: Context, trx_id: str) -> Flow[Transaction]:
    """The transaction ``trx_id`` (a payment's ``trxID`` or a refund's ``refundTrxID``)."""
    body = {"trxID": validate_id(trx_id, "trx_id")}
    reply = yield from ctx.call(SEARCH_TRANSACTION, body)
    return parse(Transaction, reply, SEARCH_TRANSACTION)


class Transactions:
    """``client.transactions``."""

    def __init__(self, run: SyncRun, ctx: Context) -> None:
        self._run = run
        self._ctx = ctx

    def search(self, trx_id: str) -> Transaction:
        """Look a transaction up; an unknown id raises ``InvalidRequestError`` (code 2033)."""
        return self._run(search_flow(self._ctx, trx_id))


class AsyncTransactions:
    """``client.transactions`` of the async client."""

    def __init__(self, run: AsyncRun, ctx: Context) -> None:
        self._run = run
        self._ctx = ctx

    async def search(self, trx_id: str) -> Transaction:
        """Look a transaction up; see :meth:`Transactions.search`."""
        return await self._run(search_flow(self._ctx, trx_id))
