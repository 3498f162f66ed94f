"""Conformance scenarios, written once and run through every face of the sandbox.

Each asserts the exact fields and codes of bkash-api.md; the driver records a normalised
transcript so faces can be compared.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any
from urllib.parse import parse_qs, urlsplit

from bkash_sdk.testing import FakeBkash

from ._driver import PAYMENT_ID, T2, TRX_ID, Answer, Call, Scenario, api, grant, token_headers

CALLBACK = "https://shop.example/bkash/cb?order=42"
WALLET = "01770618575"
Flow = Generator[Call, Answer, Any]
UNAUTHORIZED = {"message": "Unauthorized"}


def login() -> Flow:
    """Grant with T2; the id_token."""
    answer = yield grant()
    assert answer.status == 200
    assert answer.code() == "0000"
    return str(answer.json["id_token"])


def payment_body(amount: Any = "100", **changes: Any) -> dict[str, Any]:
    """A valid mode-0011 create body, with *changes*."""
    body: dict[str, Any] = {
        "mode": "0011",
        "payerReference": "cust-42",
        "callbackURL": CALLBACK,
        "amount": amount,
        "currency": "BDT",
        "intent": "sale",
        "merchantInvoiceNumber": "INV-42",
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


def create(token: str, **changes: Any) -> Flow:
    """A successful create; its answer."""
    answer = yield api("create", payment_body(**changes), token)
    assert answer.code() == "0000", answer.json
    return answer


def pay(fake: FakeBkash, token: str, amount: str, wallet: str = WALLET, **changes: Any) -> Flow:
    """Create, approve, execute: (paymentID, trxID)."""
    created = yield from create(token, amount=amount, **changes)
    payment_id = created.json["paymentID"]
    fake.approve(payment_id, wallet=wallet)
    executed = yield api("execute", {"paymentID": payment_id}, token)
    assert executed.code() == "0000", executed.json
    return payment_id, executed.json["trxID"]


def expect_code(answer: Answer, code: str, message: str) -> None:
    """A v1 business error in HTTP 200, exactly."""
    assert answer.status == 200
    assert answer.json == {"statusCode": code, "statusMessage": message}


def tokens(fake: FakeBkash) -> Scenario:
    """Grant, refresh without rotation, the refresh limit, expiry and the app-key check."""
    granted = yield grant()
    assert granted.status == 200
    assert list(granted.json) == [
        "statusCode",
        "statusMessage",
        "id_token",
        "token_type",
        "expires_in",
        "refresh_token",
    ]
    assert granted.json["token_type"] == "Bearer"
    assert granted.json["expires_in"] == 3600
    refresh_body = {
        "app_key": T2.app_key,
        "app_secret": T2.app_secret,
        "refresh_token": granted.json["refresh_token"],
    }
    first = yield Call("refresh", refresh_body, token_headers())
    assert first.code() == "0000"
    assert first.json["refresh_token"] == granted.json["refresh_token"]
    assert first.json["id_token"] != granted.json["id_token"]
    token = first.json["id_token"]
    bearer = yield Call(
        "query",
        {"paymentID": "TR0011nope"},
        {"Authorization": f"Bearer {token}", "X-APP-Key": T2.app_key},
    )
    expect_code(bearer, "2002", "Invalid Payment ID")
    mismatch = yield api("query", {"paymentID": "x"}, token, app_key="someone-elses-key")
    assert (mismatch.status, mismatch.json) == (401, UNAUTHORIZED)
    garbled = yield api("query", {"paymentID": "x"}, token[:-4] + "AAAA")
    assert (garbled.status, garbled.json) == (401, UNAUTHORIZED)
    second = yield Call("refresh", refresh_body, {})  # headers are optional on refresh
    assert second.code() == "0000"
    third = yield Call("refresh", refresh_body, token_headers())
    blocked = {
        "statusCode": "9999",
        "statusMessage": "Too many refresh requests; try again after an hour",
    }
    assert (third.status, third.json) == (200, blocked)
    fake.clock.advance(1800)  # the block runs an hour from the third refresh
    still = yield Call("refresh", refresh_body, token_headers())
    assert still.json == blocked
    fake.clock.advance(1801)
    expired = yield api("query", {"paymentID": "x"}, second.json["id_token"])
    assert (expired.status, expired.json) == (401, UNAUTHORIZED)
    again = yield Call("refresh", refresh_body, token_headers())
    assert again.code() == "0000"
    unknown = yield Call("refresh", {**refresh_body, "refresh_token": "a.b.c.d.e"}, token_headers())
    assert unknown.json == {"statusCode": "9999", "statusMessage": "Invalid refresh token"}


def sale(fake: FakeBkash) -> Scenario:
    """Create 0011, 2056 before approval, approve, execute, repeat, query and search."""
    token = yield from login()
    created = yield from create(token, amount="599.00")
    body = created.json
    payment_id = body["paymentID"]
    assert PAYMENT_ID.fullmatch(payment_id)
    assert payment_id.startswith("TR0011")
    assert body["amount"] == "599.00"
    assert (body["intent"], body["currency"], body["transactionStatus"]) == (
        "sale",
        "BDT",
        "Initiated",
    )
    assert body["merchantInvoiceNumber"] == "INV-42"
    assert body["callbackURL"] == CALLBACK
    signature = parse_qs(urlsplit(body["successCallbackURL"]).query)["signature"][0]
    assert len(signature) == 10
    for key, status in (("success", "success"), ("failure", "failure"), ("cancelled", "cancel")):
        expected = f"{CALLBACK}&paymentID={payment_id}&status={status}&signature={signature}"
        assert body[f"{key}CallbackURL"] == expected
    page = urlsplit(body["bkashURL"])
    assert parse_qs(page.query)["paymentId"] == [payment_id]
    assert page.query.endswith("&mode=0011&apiVersion=v1.2.0-beta/")
    early = yield api("execute", {"paymentID": payment_id}, token)
    expect_code(early, "2056", "Invalid Payment State")
    before = yield api("query", {"paymentID": payment_id}, token)
    assert before.json["transactionStatus"] == "Initiated"
    assert before.json["verificationStatus"] == "Incomplete"
    redirect = fake.approve(payment_id, wallet="01619777283")
    appended = f"&paymentID={payment_id}&status=success&signature={signature}"
    assert redirect == f"{CALLBACK}{appended}&apiVersion=1.2.0-beta/"
    verified = yield api("query", {"paymentID": payment_id}, token)
    assert verified.json["verificationStatus"] == "Complete"
    assert verified.json["transactionStatus"] == "Initiated"
    assert "trxID" not in verified.json
    assert "paymentExecuteTime" not in verified.json
    assert verified.json["merchantInvoice"] == "INV-42"
    assert "merchantInvoiceNumber" not in verified.json
    executed = yield api("execute", {"paymentID": payment_id}, token)
    result = executed.json
    assert result["statusCode"] == "0000"
    assert result["transactionStatus"] == "Completed"
    assert TRX_ID.fullmatch(result["trxID"])
    assert (result["customerMsisdn"], result["payerAccount"]) == ("01619777283", "01619777283")
    assert (result["amount"], result["maxRefundableAmount"]) == ("599.00", "599.00")
    assert result["payerType"] == "Customer"
    repeat = yield api("execute", {"paymentID": payment_id}, token)
    expect_code(repeat, "2117", "The payment execution has already been completed")
    after = yield api("query", {"paymentID": payment_id}, token)
    assert after.json["trxID"] == result["trxID"]
    assert after.json["transactionStatus"] == "Completed"
    found = yield api("search", {"trxID": result["trxID"]}, token)
    assert found.json["transactionType"] == "bKash Tokenized Checkout via API"
    assert found.json["transactionStatus"] == "Completed"
    assert found.json["organizationShortCode"] == "50011"
    assert found.json["completedTime"].endswith(":000 GMT+0600")
    missing = yield api("search", {"trxID": "ZZZZZZZZZZ"}, token)
    expect_code(missing, "2033", "Transaction Not Found")
    unknown = yield api("query", {"paymentID": "TR0011nothing"}, token)
    expect_code(unknown, "2002", "Invalid Payment ID")


def repeat_execute_2062(fake: FakeBkash) -> Scenario:
    """The 2021 sandbox answered a repeat execute with 2062."""
    token = yield from login()
    payment_id, _ = yield from pay(fake, token, "15")
    repeat = yield api("execute", {"paymentID": payment_id}, token)
    expect_code(repeat, "2062", "The payment has already been completed")


def customer_gave_up(fake: FakeBkash) -> Scenario:
    """Failure and cancel on the page: execute 2056, query Initiated."""
    token = yield from login()
    for end in (fake.fail, fake.cancel):
        created = yield from create(token, amount="20")
        payment_id = created.json["paymentID"]
        status = parse_qs(urlsplit(end(payment_id)).query)["status"][0]
        assert status in ("failure", "cancel")
        refused = yield api("execute", {"paymentID": payment_id}, token)
        expect_code(refused, "2056", "Invalid Payment State")
        query = yield api("query", {"paymentID": payment_id}, token)
        assert query.json["transactionStatus"] == "Initiated"
        assert query.json["verificationStatus"] == "Incomplete"


def debit_block_at_execute(fake: FakeBkash) -> Scenario:
    """With the option set, 01823074818 passes the page and fails at execute with 2038."""
    token = yield from login()
    created = yield from create(token, amount="30")
    payment_id = created.json["paymentID"]
    assert "status=success" in fake.approve(payment_id, wallet="01823074818")
    refused = yield api("execute", {"paymentID": payment_id}, token)
    message = "Debit party identity tag prohibits execution of this transaction."
    expect_code(refused, "2038", message)
    again = yield api("execute", {"paymentID": payment_id}, token)
    expect_code(again, "2056", "Invalid Payment State")


def refunds_v1(fake: FakeBkash) -> Scenario:
    """One refund per trx, idempotent replay, 2072, status form, search of the refund."""
    token = yield from login()
    payment_id, trx_id = yield from pay(fake, token, "100")
    none_yet = yield api("refund_status", {"paymentID": payment_id, "trxID": trx_id}, token)
    expect_code(none_yet, "2002", "Invalid Payment ID")
    request = {"paymentID": payment_id, "trxID": trx_id, "sku": "plus", "reason": "test"}
    too_much = yield api("refund", {**request, "amount": "100.01"}, token)
    expect_code(too_much, "2072", "Refund amount not valid")
    refund = yield api("refund", {**request, "amount": "40"}, token)
    assert list(refund.json) == [
        "originalTrxID",
        "refundTrxID",
        "transactionStatus",
        "amount",
        "currency",
        "charge",
        "completedTime",
        "statusCode",
        "statusMessage",
    ]
    assert (refund.json["originalTrxID"], refund.json["amount"]) == (trx_id, "40")
    assert (refund.json["transactionStatus"], refund.json["charge"]) == ("Completed", "0.00")
    replay = yield api("refund", {**request, "amount": "40"}, token)
    assert replay.json == refund.json
    status = yield api("refund_status", {"paymentID": payment_id, "trxID": trx_id}, token)
    assert status.json == refund.json
    wrong_trx = yield api("refund", {**request, "trxID": "AAAAAAAAAA", "amount": "1"}, token)
    expect_code(wrong_trx, "2077", "Invalid TrxID")
    found = yield api("search", {"trxID": refund.json["refundTrxID"]}, token)
    assert found.json["transactionType"] == "bKash Checkout Reversal via API"
    assert (found.json["amount"], found.json["originalTrxAmount"]) == ("40", "100")
    paid = yield api("search", {"trxID": trx_id}, token)
    assert paid.json["maxRefundableAmount"] == "60.00"
    created = yield from create(token, amount="7")
    unpaid = created.json["paymentID"]
    early = yield api("refund", {"paymentID": unpaid, "trxID": "X", "amount": "1"}, token)
    expect_code(early, "2127", "Transaction not yet completed")


def refunds_v2(fake: FakeBkash) -> Scenario:
    """Up to 10 partials, sum <= amount (2072), 2127, invalid body, status list."""
    token = yield from login()
    payment_id, trx_id = yield from pay(fake, token, "100")
    base = {"paymentId": payment_id, "trxId": trx_id, "sku": "plus", "reason": "partial"}
    for _ in range(10):
        partial = yield api("refund_v2", {**base, "refundAmount": "5"}, token)
        assert partial.status == 200
        assert "statusCode" not in partial.json
        assert partial.json["refundTransactionStatus"] == "Completed"
        assert (partial.json["originalTrxId"], partial.json["refundAmount"]) == (trx_id, "5")
    eleventh = yield api("refund_v2", {**base, "refundAmount": "5"}, token)
    assert eleventh.status == 400
    assert eleventh.json["externalCode"] == "2074"
    status = yield api("refund_status_v2", {"paymentId": payment_id, "trxId": trx_id}, token)
    assert status.json["originalTrxId"] == trx_id
    assert len(status.json["refundTransactions"]) == 10
    other_id, other_trx = yield from pay(fake, token, "100", wallet="01929918378")
    other = {"paymentId": other_id, "trxId": other_trx, "sku": "plus", "reason": "partial"}
    first = yield api("refund_v2", {**other, "refundAmount": "60"}, token)
    assert first.status == 200
    over = yield api("refund_v2", {**other, "refundAmount": "50"}, token)
    assert over.status == 400
    assert set(over.json) == {"internalCode", "externalCode", "errorMessageEn", "errorMessageBn"}
    assert over.json["externalCode"] == "2072"
    assert over.json["internalCode"] == "refund_amount_exceed_payment_amount"
    assert over.json["errorMessageEn"] == "Refund amount not valid"
    no_reason = yield api("refund_v2", {**other, "refundAmount": "1", "reason": None}, token)
    assert (no_reason.status, no_reason.json) == (400, {"message": "Invalid request body"})
    created = yield from create(token, amount="9")
    unpaid = {**base, "paymentId": created.json["paymentID"], "refundAmount": "1"}
    early = yield api("refund_v2", unpaid, token)
    assert (early.status, early.json["externalCode"]) == (400, "2127")


def authorize_capture_void(fake: FakeBkash) -> Scenario:
    """intent=authorization: Authorized, capture/void, 2119 on repeat or wrong state."""
    token = yield from login()
    held_id, held_trx = yield from pay(fake, token, "50", intent="authorization")
    query = yield api("query", {"paymentID": held_id}, token)
    assert query.json["transactionStatus"] == "Authorized"
    refund = yield api("refund", {"paymentID": held_id, "trxID": held_trx, "amount": "1"}, token)
    expect_code(refund, "2127", "Transaction not yet completed")
    captured = yield api("capture", {"paymentID": held_id}, token)
    assert list(captured.json) == [
        "paymentId",
        "createTime",
        "updateTime",
        "trxID",
        "transactionStatus",
        "statusCode",
        "statusMessage",
    ]
    assert (captured.json["paymentId"], captured.json["trxID"]) == (held_id, held_trx)
    assert captured.json["transactionStatus"] == "Completed"
    message = "The authorized payment has already been processed"
    again = yield api("capture", {"paymentID": held_id}, token)
    expect_code(again, "2119", message)
    void_done = yield api("void", {"paymentID": held_id}, token)
    expect_code(void_done, "2119", message)
    other_id, _ = yield from pay(fake, token, "51", intent="authorization")
    voided = yield api("void", {"paymentID": other_id}, token)
    assert voided.json["transactionStatus"] == "Cancelled"
    void_again = yield api("void", {"paymentID": other_id}, token)
    expect_code(void_again, "2119", message)
    capture_voided = yield api("capture", {"paymentID": other_id}, token)
    expect_code(capture_voided, "2119", message)
    sale_id, _ = yield from pay(fake, token, "52")
    capture_sale = yield api("capture", {"paymentID": sale_id}, token)
    expect_code(capture_sale, "2119", message)


def agreements(fake: FakeBkash) -> Scenario:
    """Mode 0000 -> agreementID -> mode 0001 payments -> cancel (2053 after)."""
    token = yield from login()
    body = {"mode": "0000", "payerReference": WALLET, "callbackURL": CALLBACK}
    created = yield api("create", body, token)
    setup_id = created.json["paymentID"]
    assert setup_id.startswith("TR0000")
    assert created.json["agreementStatus"] == "Initiated"
    early = yield api("execute", {"paymentID": setup_id}, token)
    expect_code(early, "2054", "Agreement execution pre-requisite hasn't been met")
    fake.approve(setup_id)
    executed = yield api("execute", {"paymentID": setup_id}, token)
    agreement_id = executed.json["agreementID"]
    assert executed.json["agreementStatus"] == "Completed"
    assert executed.json["customerMsisdn"] == WALLET
    repeat = yield api("execute", {"paymentID": setup_id}, token)
    expect_code(repeat, "2050", "Agreement already exists between payer and merchant")
    setup_query = yield api("query", {"paymentID": setup_id}, token)
    assert setup_query.json["agreementID"] == agreement_id
    assert setup_query.json["agreementStatus"] == "Completed"
    status = yield api("agreement_status", {"agreementID": agreement_id}, token)
    assert status.json["agreementStatus"] == "Completed"
    assert "agreementVoidTime" not in status.json
    assert list(status.json)[-2:] == ["statusCode", "statusMessage"]
    paid = yield api(
        "create",
        payment_body("75", mode="0001", agreementID=agreement_id, payerReference=None),
        token,
    )
    assert paid.json["agreementID"] == agreement_id
    assert "mode=0001" in paid.json["bkashURL"]
    payment_id = paid.json["paymentID"]
    fake.approve(payment_id)
    done = yield api("execute", {"paymentID": payment_id}, token)
    assert (done.json["agreementID"], done.json["transactionStatus"]) == (agreement_id, "Completed")
    assert done.json["payerReference"] == WALLET
    assert done.json["customerMsisdn"] == WALLET
    query = yield api("query", {"paymentID": payment_id}, token)
    assert query.json["agreementID"] == agreement_id
    cancelled = yield api("agreement_cancel", {"agreementID": agreement_id}, token)
    assert cancelled.json["agreementStatus"] == "Cancelled"
    twice = yield api("agreement_cancel", {"agreementID": agreement_id}, token)
    expect_code(twice, "2053", "Agreement has already been cancelled")
    after = yield api("agreement_status", {"agreementID": agreement_id}, token)
    assert after.json["agreementStatus"] == "Cancelled"
    assert "agreementVoidTime" in after.json
    refused = yield api("create", payment_body(mode="0001", agreementID=agreement_id), token)
    expect_code(refused, "2053", "Agreement has already been cancelled")
    unknown = yield api(
        "create", payment_body(mode="0001", agreementID="TokenizedMerchant01X"), token
    )
    expect_code(unknown, "2051", "Invalid Agreement ID")
    status_unknown = yield api("agreement_status", {"agreementID": "nope"}, token)
    expect_code(status_unknown, "2051", "Invalid Agreement ID")


def agreement_repeat_2116(fake: FakeBkash) -> Scenario:
    """The newer code for a repeated agreement execute."""
    token = yield from login()
    created = yield api(
        "create", {"mode": "0000", "payerReference": "p", "callbackURL": CALLBACK}, token
    )
    fake.approve(created.json["paymentID"])
    yield api("execute", {"paymentID": created.json["paymentID"]}, token)
    repeat = yield api("execute", {"paymentID": created.json["paymentID"]}, token)
    expect_code(repeat, "2116", "The agreement execution has already been completed")


def duplicate_window(fake: FakeBkash) -> Scenario:
    """Same wallet, amount and merchant within 2 minutes: 2029 at execute, no money moves."""
    token = yield from login()
    yield from pay(fake, token, "250")
    fake.clock.advance(100)
    created = yield from create(token, amount="250.00", merchantInvoiceNumber="INV-43")
    payment_id = created.json["paymentID"]
    fake.approve(payment_id)
    duplicate = yield api("execute", {"paymentID": payment_id}, token)
    expect_code(duplicate, "2029", "Duplicate for All Transactions")
    query = yield api("query", {"paymentID": payment_id}, token)
    assert query.json["transactionStatus"] == "Initiated"
    assert "trxID" not in query.json
    yield from pay(fake, token, "250", wallet="01877722345")  # another wallet is fine
    fake.clock.advance(121)
    yield from pay(fake, token, "250", merchantInvoiceNumber="INV-44")


def expiry(fake: FakeBkash) -> Scenario:
    """A paymentID lives 24 hours: execute refused after, query still answers."""
    token = yield from login()
    created = yield from create(token, amount="10")
    payment_id = created.json["paymentID"]
    fake.approve(payment_id)
    fake.clock.advance(24 * 3600 + 1)
    stale = yield api("execute", {"paymentID": payment_id}, token)
    assert (stale.status, stale.json) == (401, UNAUTHORIZED)  # the token expired long ago
    token = yield from login()
    refused = yield api("execute", {"paymentID": payment_id}, token)
    expect_code(refused, "2056", "Invalid Payment State")
    query = yield api("query", {"paymentID": payment_id}, token)
    assert query.json["transactionStatus"] == "Initiated"


def create_validation(fake: FakeBkash) -> Scenario:
    """Create errors in HTTP 200 with the section-14 codes."""
    token = yield from login()
    cases = [
        (payment_body(amount="0"), "2006", "Invalid amount."),
        (payment_body(amount="1.234"), "2006", "Invalid amount."),
        (payment_body(amount=12), "2006", "Invalid amount."),
        (payment_body(currency="USD"), "2007", "Invalid currency"),
        (payment_body(intent="buy"), "2008", "Invalid intent"),
        (payment_body(merchantInvoiceNumber="A<B"), "2031", "Invalid merchant invoice number"),
        (payment_body(merchantInvoiceNumber="x" * 256), "2031", "Invalid merchant invoice number"),
        (payment_body(callbackURL="/relative"), "2049", "Invalid Merchant Callback URL"),
        (payment_body(callbackURL="ftp://x.example/"), "2049", "Invalid Merchant Callback URL"),
        (payment_body(amount=None), "2065", "Mendatory field missing"),
        (payment_body(mode="0101"), "2063", "Mode is not valid as per request data"),
        (payment_body(merchantAssociationInfo="MI05MID"), "2047", "TLV Data Format Error"),
    ]
    for body, code, message in cases:
        answer = yield api("create", body, token)
        expect_code(answer, code, message)
    tlv = yield api("create", payment_body(merchantAssociationInfo="MI05MID54RF09123456One"), token)
    assert tlv.code() == "0000"
    garbage = yield api("create", b"{not json", token)
    expect_code(garbage, "2025", "Invalid request body")


SCENARIOS: dict[str, tuple[dict[str, Any], Callable[[FakeBkash], Scenario]]] = {
    "tokens": ({}, tokens),
    "sale": ({}, sale),
    "repeat_execute_2062": ({"repeat_execute_code": "2062"}, repeat_execute_2062),
    "customer_gave_up": ({}, customer_gave_up),
    "debit_block_at_execute": ({"debit_block_at_execute": True}, debit_block_at_execute),
    "refunds_v1": ({}, refunds_v1),
    "refunds_v2": ({}, refunds_v2),
    "authorize_capture_void": ({}, authorize_capture_void),
    "agreements": ({}, agreements),
    "agreement_repeat_2116": ({"repeat_agreement_execute_code": "2116"}, agreement_repeat_2116),
    "duplicate_window": ({}, duplicate_window),
    "expiry": ({}, expiry),
    "create_validation": ({}, create_validation),
}
