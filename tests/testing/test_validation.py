"""Hostile create and refund input: ASCII-only numbers, safe callback URLs, and no crash ever."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

import pytest

from bkash_sdk.testing import FakeBkash, _app

from ._driver import PATHS
from ._merchant import FACES, Merchant, in_process
from ._scenarios import payment_body

BENGALI = str.maketrans("0123456789", "".join(chr(0x09E6 + n) for n in range(10)))
Face = Callable[[FakeBkash], AbstractContextManager[Merchant]]


@pytest.fixture(params=sorted(FACES))
def shop(request: pytest.FixtureRequest) -> Iterator[tuple[FakeBkash, Merchant]]:
    fake = FakeBkash()
    face: Face = FACES[request.param]
    with face(fake) as merchant:
        yield fake, merchant


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"amount": "\u09e7\u09e6\u09e6"}, "2006"),  # 100 in Bengali digits
        ({"amount": "100.\u09eb\u09e6"}, "2006"),
        ({"amount": "\uff11\uff10\uff10"}, "2006"),  # fullwidth
        ({"merchantAssociationInfo": "MI\u00b23abc"}, "2047"),  # superscript two
        ({"merchantAssociationInfo": "MI\u09e6\u09e9abc"}, "2047"),
        ({"merchantAssociationInfo": "MI03abc"}, "0000"),
        ({"callbackURL": "https://shop.example/cb\r\nSet-Cookie: session=x"}, "2049"),
        ({"callbackURL": "https://shop.example/cb\nLocation: https://evil.example"}, "2049"),
        ({"callbackURL": "https://shop.example/a b"}, "2049"),
        ({"callbackURL": "https://shop.example/cb\t"}, "2049"),
        ({"callbackURL": "https://shop.example/\x00"}, "2049"),
        ({"callbackURL": "https://shöp.example/cb"}, "2049"),
        ({"callbackURL": "https://shop.example:99999/cb"}, "2049"),
        ({"callbackURL": "https://[::1/cb"}, "2049"),
        ({"callbackURL": "javascript:alert(1)"}, "2049"),
        ({"callbackURL": "https://shop.example/cb?a=%0D%0A"}, "0000"),
    ],
)
def test_create_refuses_what_bkash_refuses(
    shop: tuple[FakeBkash, Merchant], changes: dict[str, str], code: str
) -> None:
    _, merchant = shop
    answer = merchant.call("create", payment_body(**changes))
    assert (answer.status, answer.code()) == (200, code)


def test_refund_amounts_and_wallets_are_ascii_digits(shop: tuple[FakeBkash, Merchant]) -> None:
    fake, merchant = shop
    payment_id = str(merchant.create()["paymentID"])
    with pytest.raises(ValueError, match="2009"):
        fake.approve(payment_id, wallet="01770618575".translate(BENGALI))
    fake.approve(payment_id)
    trx_id = merchant.call("execute", {"paymentID": payment_id}).json["trxID"]
    refund = {"paymentID": payment_id, "trxID": trx_id, "sku": "s", "reason": "r"}
    assert merchant.call("refund", {**refund, "amount": "10".translate(BENGALI)}).code() == "2072"
    assert merchant.call("refund", {**refund, "amount": "10"}).code() == "0000"


def test_a_sandbox_failure_is_an_http_500_not_an_exception_or_a_dropped_connection(
    shop: tuple[FakeBkash, Merchant], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, merchant = shop

    def broken(call: object) -> object:
        raise RuntimeError("sandbox bug")

    monkeypatch.setitem(_app._HANDLERS, "query", broken)
    answer = merchant.call("query", {"paymentID": "x"})
    assert (answer.status, answer.json) == (500, {"message": "Internal server error"})
    assert fake.requests[-1].status == 500
    assert merchant.call("search", {"trxID": "x"}).code() == "2033"  # same connection, still up


def test_a_pathologically_nested_body_is_an_http_500() -> None:
    fake = FakeBkash()
    with in_process(fake) as merchant:
        created = merchant.client.post(
            PATHS["create"], content=b"[" * 100_000, headers=merchant.headers
        )
        granted = merchant.client.post(PATHS["grant"], content=b"[" * 100_000)
    assert created.status_code == granted.status_code == 500
