"""The pytest plugin: installed through the ``pytest11`` entry point, three-line user tests."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]
INI = "[pytest]\nasyncio_default_fixture_loop_scope = function\n"

USER_TESTS = """
from decimal import Decimal

import pytest


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


def test_each_test_gets_a_fresh_sandbox(bkash_fake, bkash_credentials):
    assert bkash_fake.count("grant") == 0
    assert bkash_credentials.app_key
"""


def test_a_users_three_line_tests_pass(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI)
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)


def test_fixtures_are_listed(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI)
    result = pytester.runpytest("--fixtures", "-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(
        ["*bkash_fake*", "*bkash_client*", "*async_bkash_client*"], consecutive=False
    )
