"""The pytest plugin: installed through the ``pytest11`` entry point, three-line user tests."""

from __future__ import annotations

import pytest

from bkash_sdk.testing import Clock, FakeBkash

from ._merchant import in_process

pytest_plugins = ["pytester"]
INI = "[pytest]\nasyncio_default_fixture_loop_scope = function\n"

USER_TESTS = """
from decimal import Decimal

import pytest

from bkash_sdk import BkashAPIError


def test_checkout(bkash_client, bkash_fake):
    payment = bkash_client.payments.create(
        amount=Decimal("500"), merchant_invoice_number="I-1", payer_reference="u-1")
    bkash_fake.approve(payment.payment_id)
    assert bkash_client.payments.execute(payment.payment_id).transaction_status == "Completed"


@pytest.mark.asyncio
async def test_async_checkout(async_bkash_client, bkash_fake):
    payment = await async_bkash_client.payments.create(
        amount=Decimal("5"), merchant_invoice_number="I-2", payer_reference="u-2")
    bkash_fake.approve(payment.payment_id)
    assert (await async_bkash_client.payments.execute(payment.payment_id)).trx_id


def test_equal_payments_need_another_wallet(bkash_client, bkash_fake):
    ids = [
        bkash_client.payments.create(
            amount=Decimal("50"), merchant_invoice_number=f"I-{n}", payer_reference="u"
        ).payment_id
        for n in range(3)
    ]
    bkash_fake.approve(ids[0])
    bkash_client.payments.execute(ids[0])
    bkash_fake.approve(ids[1])
    with pytest.raises(BkashAPIError) as refused:
        bkash_client.payments.execute(ids[1])
    assert refused.value.code == "2029"
    bkash_fake.approve(ids[2], wallet="01929918378")
    assert bkash_client.payments.execute(ids[2]).trx_id


def test_each_test_gets_a_fresh_sandbox(bkash_fake, bkash_credentials):
    assert bkash_fake.count("grant") == 0
    assert bkash_credentials.app_key
"""


def test_a_users_three_line_tests_pass(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI)
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)


def test_fixtures_are_listed(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI)
    result = pytester.runpytest("--fixtures", "-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(
        ["*bkash_fake*", "*2029*", "*bkash_client*", "*async_bkash_client*"], consecutive=False
    )


def test_duplicate_window_zero_turns_the_2029_rule_off_even_on_a_frozen_clock() -> None:
    fake = FakeBkash(clock=Clock(start=1_700_000_000.0), duplicate_window=0)
    with in_process(fake) as merchant:
        for _ in range(2):
            payment_id = str(merchant.create(amount="50")["paymentID"])
            fake.approve(payment_id)
            assert merchant.call("execute", {"paymentID": payment_id}).code() == "0000"
