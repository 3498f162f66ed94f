"""The hosted checkout page, walked over HTTP like a browser would, without one."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import attrs
import httpx
import pytest

from bkash_sdk.testing import FakeBkash

from ._merchant import Merchant, in_process, over_http

SUCCESS_WALLETS = (
    "01770618575",
    "01929918378",
    "01770618576",
    "01877722345",
    "01619777282",
    "01619777283",
)


@attrs.define
class Form:
    """The checkout form: where it posts, its input names, and its buttons."""

    action: str = ""
    inputs: list[str] = attrs.Factory(list)
    buttons: list[str] = attrs.Factory(list)
    errors: list[str] = attrs.Factory(list)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.form = Form()
        self._in_error = False

    def handle_starttag(self, tag: str, attrs_: list[tuple[str, str | None]]) -> None:
        found = dict(attrs_)
        if tag == "form":
            self.form.action = found.get("action") or ""
        elif tag == "input":
            self.form.inputs.append(found.get("name") or "")
        elif tag == "button":
            self.form.buttons.append(found.get("value") or "")
        self._in_error = tag == "p" and found.get("class") == "error"

    def handle_data(self, data: str) -> None:
        if self._in_error:
            self.form.errors.append(data)
            self._in_error = False


def read_form(page: httpx.Response) -> Form:
    """Parse the checkout form out of a page."""
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    parser = _FormParser()
    parser.feed(page.text)
    return parser.form


class Browser:
    """Opens a bkashURL and submits its form, never following the redirect."""

    def __init__(self, client: httpx.Client, bkash_url: str) -> None:
        self.client = client
        self.url = bkash_url
        self.form = read_form(client.get(bkash_url))

    def submit(self, **fields: str) -> httpx.Response:
        """POST the form; re-read it when the page answers with the form again."""
        target = urljoin(self.url, self.form.action)
        response = self.client.post(target, data=fields, follow_redirects=False)
        if response.status_code == 200:
            self.form = read_form(response)
        return response


@pytest.fixture
def shop() -> Iterator[tuple[FakeBkash, Merchant]]:
    fake = FakeBkash()
    with over_http(fake) as merchant:
        yield fake, merchant


def redirect_params(response: httpx.Response) -> dict[str, list[str]]:
    assert response.status_code == 303
    return parse_qs(urlsplit(response.headers["location"]).query)


def pay_fields(wallet: str, pin: str = "12121") -> dict[str, Any]:
    return {"wallet": wallet, "otp": "123456", "pin": pin, "action": "confirm"}


def test_success_redirects_to_the_callback_with_appended_parameters(
    shop: tuple[FakeBkash, Merchant],
) -> None:
    _, merchant = shop
    created = merchant.create(amount="120.50")
    assert created["bkashURL"].startswith(merchant.client.base_url.scheme + "://127.0.0.1:")
    browser = Browser(merchant.client, created["bkashURL"])
    assert browser.form.inputs == ["wallet", "otp", "pin"]
    assert browser.form.buttons == ["confirm", "cancel"]
    response = browser.submit(**pay_fields("01877722345"))
    payment_id = created["paymentID"]
    signature = parse_qs(urlsplit(created["successCallbackURL"]).query)["signature"][0]
    assert response.headers["location"] == (
        "https://shop.example/bkash/cb?order=42"
        f"&paymentID={payment_id}&status=success&signature={signature}&apiVersion=1.2.0-beta/"
    )
    executed = merchant.call("execute", {"paymentID": payment_id})
    assert executed.json["transactionStatus"] == "Completed"
    assert executed.json["customerMsisdn"] == "01877722345"


def test_callback_without_query_gets_a_question_mark(shop: tuple[FakeBkash, Merchant]) -> None:
    _, merchant = shop
    created = merchant.create(callbackURL="https://shop.example/cb")
    response = Browser(merchant.client, created["bkashURL"]).submit(**pay_fields("01770618575"))
    assert response.headers["location"].startswith(
        f"https://shop.example/cb?paymentID={created['paymentID']}&status=success&signature="
    )


@pytest.mark.parametrize("wallet", SUCCESS_WALLETS)
def test_documented_success_wallets(shop: tuple[FakeBkash, Merchant], wallet: str) -> None:
    _, merchant = shop
    created = merchant.create(amount="11")
    response = Browser(merchant.client, created["bkashURL"]).submit(**pay_fields(wallet))
    assert redirect_params(response)["status"] == ["success"]


def test_cancel(shop: tuple[FakeBkash, Merchant]) -> None:
    _, merchant = shop
    created = merchant.create()
    response = Browser(merchant.client, created["bkashURL"]).submit(action="cancel")
    params = redirect_params(response)
    assert params["status"] == ["cancel"]
    assert params["paymentID"] == [created["paymentID"]]
    refused = merchant.call("execute", {"paymentID": created["paymentID"]})
    assert refused.code() == "2056"


@pytest.mark.parametrize(("wallet", "code"), [("01823074817", "2023"), ("01823074818", "2038")])
def test_documented_failing_wallets(
    shop: tuple[FakeBkash, Merchant], wallet: str, code: str
) -> None:
    fake, merchant = shop
    created = merchant.create()
    response = Browser(merchant.client, created["bkashURL"]).submit(**pay_fields(wallet))
    assert redirect_params(response)["status"] == ["failure"]
    assert fake.payment(created["paymentID"]).failure_code == code
    refused = merchant.call("execute", {"paymentID": created["paymentID"]})
    assert refused.json == {"statusCode": "2056", "statusMessage": "Invalid Payment State"}
    query = merchant.call("query", {"paymentID": created["paymentID"]})
    assert query.json["transactionStatus"] == "Initiated"


def test_wrong_pin_three_times_fails(shop: tuple[FakeBkash, Merchant]) -> None:
    _, merchant = shop
    created = merchant.create()
    browser = Browser(merchant.client, created["bkashURL"])
    for left in (2, 1):
        again = browser.submit(**pay_fields("01770618575", pin="00000"))
        assert again.status_code == 200
        assert browser.form.errors == [f"Wrong PIN (2014); {left} attempt(s) left"]
    final = browser.submit(**pay_fields("01770618575", pin="00000"))
    assert redirect_params(final)["status"] == ["failure"]
    assert merchant.call("execute", {"paymentID": created["paymentID"]}).code() == "2056"
    gone = merchant.client.get(created["bkashURL"])
    assert gone.status_code == 404


def test_wrong_otp_and_bad_wallet_show_the_form_again(shop: tuple[FakeBkash, Merchant]) -> None:
    _, merchant = shop
    browser = Browser(merchant.client, merchant.create()["bkashURL"])
    browser.submit(wallet="01770618575", otp="000000", pin="12121", action="confirm")
    assert browser.form.errors == ["Invalid OTP (2010)"]
    browser.submit(wallet="12345", otp="123456", pin="12121", action="confirm")
    assert browser.form.errors == ["Invalid Wallet (2009)"]
    done = browser.submit(**pay_fields("01770618576"))
    assert redirect_params(done)["status"] == ["success"]


def test_agreement_payment_asks_only_for_the_pin(shop: tuple[FakeBkash, Merchant]) -> None:
    fake, merchant = shop
    setup = merchant.call(
        "create",
        {"mode": "0000", "payerReference": "01929918378", "callbackURL": "https://s.example/a"},
    ).json
    setup_page = Browser(merchant.client, setup["bkashURL"])
    assert setup_page.form.inputs == ["wallet", "otp", "pin"]
    setup_page.submit(**pay_fields("01929918378"))
    agreement_id = merchant.call("execute", {"paymentID": setup["paymentID"]}).json["agreementID"]
    created = merchant.create(mode="0001", agreementID=agreement_id)
    browser = Browser(merchant.client, created["bkashURL"])
    assert browser.form.inputs == ["pin"]
    response = browser.submit(pin="12121", action="confirm")
    assert redirect_params(response)["status"] == ["success"]
    assert fake.payment(created["paymentID"]).wallet == "01929918378"


def test_unknown_or_tampered_page_is_refused(shop: tuple[FakeBkash, Merchant]) -> None:
    _, merchant = shop
    created = merchant.create()
    tampered = created["bkashURL"].replace("hash=", "hash=x")
    assert merchant.client.get(tampered).status_code == 404
    assert merchant.client.get("/?paymentId=TR0011nothing&hash=x").status_code == 404


def test_the_page_is_served_in_process_too() -> None:
    fake = FakeBkash()
    with in_process(fake) as merchant:
        created = merchant.create()
        assert created["bkashURL"].startswith("https://sandbox.payment.bkash.com/?paymentId=")
        response = Browser(merchant.client, created["bkashURL"]).submit(**pay_fields("01770618575"))
        assert redirect_params(response)["status"] == ["success"]


def test_customer_helpers_refuse_inactive_payments() -> None:
    fake = FakeBkash()
    with in_process(fake) as merchant:
        payment_id = merchant.create()["paymentID"]
        fake.cancel(payment_id)
        with pytest.raises(ValueError, match="no longer active"):
            fake.approve(payment_id)
        with pytest.raises(ValueError, match="Invalid payment request"):
            fake.fail("TR0011unknown")
        other = merchant.create()["paymentID"]
        with pytest.raises(ValueError, match="Invalid Wallet"):
            fake.approve(other, wallet="123")
