"""Agreements (mode ``0000``): create, execute, query and cancel a tokenized agreement.

An agreement execute whose answer is open (or that says 2116, already done) is settled by one
query of its payment id: for an agreement's payment id bKash answers with the agreement's
fields (``agreementID``, ``agreementStatus``...), which the result is built from, marked
``reconciled=True``.
"""

from __future__ import annotations

from .._exceptions import BkashError
from .._operations import (
    CANCEL_AGREEMENT,
    CREATE_AGREEMENT,
    EXECUTE_AGREEMENT,
    QUERY_AGREEMENT,
)
from .._pipeline import Flow
from .._validation import validate_id, validate_reference
from ..models import Agreement, AgreementCancellation, AgreementDetails, AgreementExecution
from ._base import AsyncRun, Context, SyncRun, parse
from ._reconcile import call_or_reconcile, is_state_refusal, query_after
from .payments import resolve_callback_url

MODE_AGREEMENT = "0000"


def create_flow(ctx: Context, *, payer_reference: str, callback_url: str | None) -> Flow[Agreement]:
    """Start an agreement; send the customer to its ``bkash_url``."""
    body = {
        "mode": MODE_AGREEMENT,
        "payerReference": validate_reference(payer_reference, "payer_reference"),
        "callbackURL": resolve_callback_url(ctx, callback_url),
    }
    reply = yield from ctx.call(CREATE_AGREEMENT, body)
    return parse(Agreement, reply, CREATE_AGREEMENT)


def execute_flow(ctx: Context, payment_id: str) -> Flow[AgreementExecution]:
    """Execute the agreement's payment id once, to obtain the ``agreement_id``."""
    payment_id = validate_id(payment_id, "payment_id")

    def recover(error: BkashError) -> Flow[AgreementExecution]:
        status = yield from query_after(ctx, EXECUTE_AGREEMENT, payment_id, error)
        if is_state_refusal(EXECUTE_AGREEMENT, error) and status.agreement_id is None:
            raise error  # the query confirms it: no agreement came of this payment id
        return AgreementExecution.from_status(status)

    return (
        yield from call_or_reconcile(
            ctx,
            EXECUTE_AGREEMENT,
            {"paymentID": payment_id},
            read=lambda reply: parse(AgreementExecution, reply, EXECUTE_AGREEMENT),
            recover=recover,
        )
    )


def query_flow(ctx: Context, agreement_id: str) -> Flow[AgreementDetails]:
    """The agreement's current state."""
    body = {"agreementID": validate_id(agreement_id, "agreement_id")}
    reply = yield from ctx.call(QUERY_AGREEMENT, body)
    return parse(AgreementDetails, reply, QUERY_AGREEMENT)


def cancel_flow(ctx: Context, agreement_id: str) -> Flow[AgreementCancellation]:
    """Cancel the agreement (a second cancel raises ``InvalidStateError``, code 2053)."""
    body = {"agreementID": validate_id(agreement_id, "agreement_id")}
    reply = yield from ctx.call(CANCEL_AGREEMENT, body)
    return parse(AgreementCancellation, reply, CANCEL_AGREEMENT)


class Agreements:
    """``client.agreements``."""

    def __init__(self, run: SyncRun, ctx: Context) -> None:
        self._run = run
        self._ctx = ctx

    def create(self, *, payer_reference: str, callback_url: str | None = None) -> Agreement:
        """Start an agreement (mode ``0000``); ``callback_url`` defaults to the configured one."""
        return self._run(
            create_flow(self._ctx, payer_reference=payer_reference, callback_url=callback_url)
        )

    def execute(self, payment_id: str) -> AgreementExecution:
        """Execute the agreement's payment id; store the returned ``agreement_id``."""
        return self._run(execute_flow(self._ctx, payment_id))

    def query(self, agreement_id: str) -> AgreementDetails:
        """The agreement's current state."""
        return self._run(query_flow(self._ctx, agreement_id))

    def cancel(self, agreement_id: str) -> AgreementCancellation:
        """Cancel the agreement."""
        return self._run(cancel_flow(self._ctx, agreement_id))


class AsyncAgreements:
    """``client.agreements`` of the async client."""

    def __init__(self, run: AsyncRun, ctx: Context) -> None:
        self._run = run
        self._ctx = ctx

    async def create(self, *, payer_reference: str, callback_url: str | None = None) -> Agreement:
        """Start an agreement; see :meth:`Agreements.create`."""
        return await self._run(
            create_flow(self._ctx, payer_reference=payer_reference, callback_url=callback_url)
        )

    async def execute(self, payment_id: str) -> AgreementExecution:
        """Execute the agreement's payment id; see :meth:`Agreements.execute`."""
        return await self._run(execute_flow(self._ctx, payment_id))

    async def query(self, agreement_id: str) -> AgreementDetails:
        """The agreement's current state."""
        return await self._run(query_flow(self._ctx, agreement_id))

    async def cancel(self, agreement_id: str) -> AgreementCancellation:
        """Cancel the agreement."""
        return await self._run(cancel_flow(self._ctx, agreement_id))
