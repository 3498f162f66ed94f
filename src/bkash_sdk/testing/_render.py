"""Response bodies, field for field as bKash sends them (bkash-api.md sections 4 to 11)."""

from __future__ import annotations

from ._state import Agreement, Payment, Refund
from ._wire import timestamp

ORGANIZATION_SHORT_CODE = "50011"
PAYMENT_TRANSACTION_TYPE = "bKash Tokenized Checkout via API"
REFUND_TRANSACTION_TYPE = "bKash Checkout Reversal via API"

Body = dict[str, object]


def _time(epoch: float | None) -> str:
    return "" if epoch is None else timestamp(epoch)


def created(payment: Payment) -> Body:
    """``/create``: payment modes, or agreement set-up (mode 0000)."""
    urls: Body = {
        "paymentID": payment.payment_id,
        "bkashURL": payment.bkash_url,
        "callbackURL": payment.callback_url,
        "successCallbackURL": payment.callback("success", redirect=False),
        "failureCallbackURL": payment.callback("failure", redirect=False),
        "cancelledCallbackURL": payment.callback("cancel", redirect=False),
    }
    if payment.mode == "0000":
        return {
            **urls,
            "payerReference": payment.payer_reference,
            "agreementStatus": "Initiated",
            "agreementCreateTime": _time(payment.created_at),
        }
    agreement: Body = {"agreementID": payment.agreement_id} if payment.mode == "0001" else {}
    return {
        **urls,
        **agreement,
        "amount": payment.amount,
        "intent": payment.intent,
        "currency": payment.currency,
        "paymentCreateTime": _time(payment.created_at),
        "transactionStatus": "Initiated",
        "merchantInvoiceNumber": payment.merchant_invoice_number,
    }


def executed(payment: Payment) -> Body:
    """``/execute`` of a payment (sale or authorization)."""
    agreement: Body = {"agreementID": payment.agreement_id} if payment.mode == "0001" else {}
    return {
        "paymentID": payment.payment_id,
        **agreement,
        "trxID": payment.trx_id,
        "transactionStatus": payment.transaction_status,
        "amount": payment.amount,
        "currency": payment.currency,
        "intent": payment.intent,
        "paymentExecuteTime": _time(payment.executed_at),
        "merchantInvoiceNumber": payment.merchant_invoice_number,
        "payerType": "Customer",
        "payerReference": payment.payer_reference,
        "customerMsisdn": payment.wallet,
        "payerAccount": payment.wallet,
        "maxRefundableAmount": payment.max_refundable(),
    }


def agreement_executed(payment: Payment, agreement: Agreement) -> Body:
    """``/execute`` of a mode-0000 paymentID."""
    return {
        "paymentID": payment.payment_id,
        "agreementID": agreement.agreement_id,
        "payerReference": agreement.payer_reference,
        "customerMsisdn": agreement.wallet,
        "agreementExecuteTime": _time(agreement.executed_at),
        "agreementStatus": agreement.status,
    }


def queried(payment: Payment, agreement: Agreement | None) -> Body:
    """``/payment/status``: note ``merchantInvoice``; no ``trxID`` until executed."""
    if payment.mode == "0000":
        return _agreement_query(payment, agreement)
    body: Body = {
        "paymentID": payment.payment_id,
        "mode": payment.mode,
        "paymentCreateTime": _time(payment.created_at),
    }
    if payment.executed_at is not None:
        body["paymentExecuteTime"] = _time(payment.executed_at)
    body.update(
        amount=payment.amount,
        currency=payment.currency,
        intent=payment.intent,
        merchantInvoice=payment.merchant_invoice_number,
    )
    if payment.trx_id is not None:
        body["trxID"] = payment.trx_id
    body.update(
        transactionStatus=payment.transaction_status,
        verificationStatus=payment.verification_status,
        payerReference=payment.payer_reference,
    )
    if payment.trx_id is not None:
        body.update(customerMsisdn=payment.wallet, maxRefundableAmount=payment.max_refundable())
    if agreement is not None:
        body.update(
            agreementID=agreement.agreement_id,
            agreementStatus=agreement.status,
            agreementCreateTime=_time(agreement.created_at),
            agreementExecuteTime=_time(agreement.executed_at),
        )
    return body


def _agreement_query(payment: Payment, agreement: Agreement | None) -> Body:
    body: Body = {"paymentID": payment.payment_id}
    if agreement is not None:
        body["agreementID"] = agreement.agreement_id
    body.update(payerReference=payment.payer_reference)
    if payment.wallet is not None:
        body.update(payerAccount=payment.wallet, payerType="Customer")
    body.update(
        agreementStatus="Initiated" if agreement is None else agreement.status,
        agreementCreateTime=_time(payment.created_at),
    )
    if agreement is not None:
        body["agreementExecuteTime"] = _time(agreement.executed_at)
    body.update(mode=payment.mode, verificationStatus=payment.verification_status)
    return body


def agreement_status(agreement: Agreement) -> Body:
    """``/agreement/status``."""
    body: Body = {
        "agreementID": agreement.agreement_id,
        "paymentID": agreement.payment_id,
        "agreementStatus": agreement.status,
        "agreementCreateTime": _time(agreement.created_at),
        "agreementExecuteTime": _time(agreement.executed_at),
    }
    if agreement.voided_at is not None:
        body["agreementVoidTime"] = _time(agreement.voided_at)
    body.update(payerReference=agreement.payer_reference, customerMsisdn=agreement.wallet)
    return body


def agreement_cancelled(agreement: Agreement) -> Body:
    """``/agreement/cancel``."""
    return {
        "paymentID": agreement.payment_id,
        "agreementID": agreement.agreement_id,
        "payerReference": agreement.payer_reference,
        "agreementVoidTime": _time(agreement.voided_at),
        "agreementStatus": agreement.status,
    }


def settled(payment: Payment) -> Body:
    """``/payment/confirm/capture`` and ``/void``: lower-case ``paymentId`` as in the docs."""
    return {
        "paymentId": payment.payment_id,
        "createTime": _time(payment.created_at),
        "updateTime": _time(payment.settled_at),
        "trxID": payment.trx_id,
        "transactionStatus": payment.transaction_status,
    }


def searched(payment: Payment, refund: Refund | None) -> Body:
    """``/general/searchTransaction`` of a payment or a refund trxID."""
    if refund is not None:
        return {
            "trxID": refund.refund_trx_id,
            "initiationTime": timestamp(refund.completed_at, millis=False),
            "completedTime": timestamp(refund.completed_at, millis=False),
            "transactionType": REFUND_TRANSACTION_TYPE,
            "customerMsisdn": payment.wallet,
            "transactionStatus": "Completed",
            "amount": refund.amount,
            "currency": payment.currency,
            "organizationShortCode": ORGANIZATION_SHORT_CODE,
            "originalTrxAmount": payment.amount,
        }
    assert payment.executed_at is not None
    return {
        "trxID": payment.trx_id,
        "initiationTime": timestamp(payment.executed_at, millis=False),
        "completedTime": timestamp(payment.executed_at, millis=False),
        "transactionType": PAYMENT_TRANSACTION_TYPE,
        "customerMsisdn": payment.wallet,
        "payerAccount": payment.wallet,
        "payerType": "Customer",
        "transactionStatus": payment.transaction_status,
        "amount": payment.amount,
        "currency": payment.currency,
        "organizationShortCode": ORGANIZATION_SHORT_CODE,
        "serviceFee": "0.00",
        "creditedAmount": payment.amount,
        "maxRefundableAmount": payment.max_refundable(),
        "transactionReference": payment.payer_reference,
    }


def refunded_v1(payment: Payment, refund: Refund) -> Body:
    """Refund v1 (and its status form)."""
    return {
        "originalTrxID": payment.trx_id,
        "refundTrxID": refund.refund_trx_id,
        "transactionStatus": "Completed",
        "amount": refund.amount,
        "currency": payment.currency,
        "charge": "0.00",
        "completedTime": _time(refund.completed_at),
    }


def refunded_v2(payment: Payment, refund: Refund) -> Body:
    """Refund v2 transaction: no ``statusCode``; camel-case ``Id``s."""
    return {
        "originalTrxId": payment.trx_id,
        "refundTrxId": refund.refund_trx_id,
        "refundTransactionStatus": "Completed",
        "originalTrxAmount": payment.amount,
        "refundAmount": refund.amount,
        "currency": payment.currency,
        "completedTime": timestamp(refund.completed_at, zone=False),
        "sku": refund.sku,
        "reason": refund.reason,
    }


def refund_status_v2(payment: Payment) -> Body:
    """Refund v2 status: every refund of the payment."""
    assert payment.executed_at is not None
    return {
        "originalTrxId": payment.trx_id,
        "originalTrxAmount": payment.amount,
        "originalTrxCompletedTime": timestamp(payment.executed_at, zone=False),
        "refundTransactions": [
            {
                "refundTrxId": r.refund_trx_id,
                "refundTransactionStatus": "Completed",
                "refundAmount": r.amount,
                "completedTime": timestamp(r.completed_at, zone=False),
            }
            for r in payment.refunds
        ],
    }
