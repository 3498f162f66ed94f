"""The hosted checkout page (the customer side of ``bkashURL``), plain HTML over the stdlib."""

from __future__ import annotations

from html import escape
from urllib.parse import parse_qs, urlencode

import attrs

from ._ledger import CheckoutError, Ledger, wallet_hint
from ._state import Payment
from ._wire import Reply

_HTML = "text/html; charset=utf-8"
_STYLE = (
    "body{font-family:sans-serif;max-width:26rem;margin:3rem auto;color:#222}"
    "h1{color:#e2136e}label{display:block;margin:.6rem 0}input{width:100%;padding:.4rem}"
    ".error{color:#b00020}button{margin:.8rem .4rem 0 0;padding:.5rem 1rem}"
)


def _document(title: str, content: str, status: int = 200) -> Reply:
    html = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}'
        f"</title><style>{_STYLE}</style></head><body><h1>bKash sandbox</h1>{content}"
        "</body></html>"
    )
    return Reply(status, html.encode(), _HTML)


def _form(payment: Payment, error: str | None = None) -> Reply:
    action = "?" + urlencode({"paymentId": payment.payment_id, "hash": payment.page_hash})
    fields = []
    if payment.mode != "0001":
        fields.append(
            _input("Wallet number", "wallet", "tel", wallet_hint(payment.payer_reference) or "")
        )
        fields.append(_input("Verification code (OTP)", "otp", "text", ""))
    fields.append(_input("PIN", "pin", "password", ""))
    amount = f"<p>Amount: <b>{escape(payment.amount or '')} BDT</b></p>" if payment.amount else ""
    invoice = escape(payment.merchant_invoice_number or payment.payer_reference or "")
    problem = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    content = (
        f"<p>Payment <code>{escape(payment.payment_id)}</code> ({invoice})</p>{amount}{problem}"
        f'<form method="post" action="{escape(action)}">{"".join(fields)}'
        '<button type="submit" name="action" value="confirm">Confirm</button>'
        '<button type="submit" name="action" value="cancel" formnovalidate>Cancel</button>'
        "</form>"
    )
    return _document("bKash checkout", content)


def _input(label: str, name: str, kind: str, value: str) -> str:
    return (
        f'<label>{escape(label)}<input name="{name}" type="{kind}" value="{escape(value)}" '
        "required></label>"
    )


def _redirect(url: str) -> Reply:
    link = f'<p>Returning to the merchant: <a href="{escape(url)}">continue</a></p>'
    return attrs.evolve(_document("Redirecting", link, status=303), location=url)


def checkout_page(ledger: Ledger, method: str, query: str, body: bytes) -> Reply:
    """GET shows the form for ``?paymentId=...&hash=...``; POST confirms or cancels."""
    params = parse_qs(query)
    payment_id = params.get("paymentId", [""])[0]
    page_hash = params.get("hash", [""])[0]
    try:
        payment = ledger.checkout(payment_id, page_hash)
    except CheckoutError as error:
        return _document("bKash checkout", f'<p class="error">{escape(str(error))}</p>', 404)
    if method != "POST":
        return _form(payment)
    form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
    if form.get("action") == "cancel":
        return _redirect(ledger.cancel(payment))
    try:
        url = ledger.submit(payment, form.get("wallet"), form.get("otp"), form.get("pin", ""))
    except CheckoutError as error:
        return _form(payment, str(error))
    return _redirect(url)
