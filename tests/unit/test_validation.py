"""Input checks applied before any request leaves the SDK."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bkash_sdk._exceptions import BkashValidationError
from bkash_sdk._validation import (
    MAX_AMOUNT,
    validate_amount,
    validate_callback_url,
    validate_id,
    validate_intent,
    validate_merchant_association_info,
    validate_reference,
    validate_text,
)
from bkash_sdk.models import format_amount

T = TypeVar("T")


def _attempt(check: Callable[[object], T], value: object) -> T | BkashValidationError:
    """The checked value, or the validation error (any other exception propagates)."""
    try:
        return check(value)
    except BkashValidationError as error:
        return error


# --- amounts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (Decimal("500"), "500.00"),
        (Decimal("599.5"), "599.50"),
        (Decimal("1.230"), "1.23"),
        (500, "500.00"),
        ("500", "500.00"),
        (" 10.05 ", "10.05"),
        ("0.01", "0.01"),
        ("1000000000", "1000000000.00"),
    ],
)
def test_validate_amount_accepts_and_quantises(raw: object, expected: str) -> None:
    amount = validate_amount(raw)
    assert isinstance(amount, Decimal)
    assert str(amount) == expected
    assert format_amount(amount) == expected


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (1.5, "Decimal or a string"),
        (True, "not bool"),
        (None, "NoneType"),
        (b"5", "bytes"),
        (Decimal("NaN"), "finite"),
        (Decimal("sNaN"), "finite"),
        (Decimal("Infinity"), "finite"),
        (Decimal(0), "greater than zero"),
        (-5, "greater than zero"),
        ("-5", "plain decimal"),
        (Decimal("1.005"), "2 decimal places"),
        ("1.001", "2 decimal places"),
        (Decimal("1000000000.01"), "exceed"),
        (10**12, "exceed"),
        ("1e3", "plain decimal"),
        ("", "plain decimal"),
        ("five", "plain decimal"),
        ("١٢", "plain decimal"),
    ],
)
def test_validate_amount_rejects(raw: object, words: str) -> None:
    with pytest.raises(BkashValidationError) as info:
        validate_amount(raw)
    assert info.value.field == "amount"
    assert words in str(info.value)


def test_validate_amount_names_the_field() -> None:
    with pytest.raises(BkashValidationError) as info:
        validate_amount("x", field="refund_amount")
    assert info.value.field == "refund_amount"


def test_validate_amount_error_truncates_echoed_input() -> None:
    with pytest.raises(BkashValidationError) as info:
        validate_amount("01770618575 is my wallet and a long story")
    assert "01770618575" not in str(info.value)
    assert len(str(info.value)) < 120


anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.decimals(),
    st.text(max_size=40),
    st.from_regex(r"\s*[+-]?[0-9]{0,12}(\.[0-9]{0,4})?\s*", fullmatch=True),
    st.binary(max_size=8),
    st.builds(object),
    st.lists(st.integers(), max_size=2),
)


@settings(max_examples=400)
@given(anything)
def test_validate_amount_raises_only_its_own_error(value: object) -> None:
    amount = _attempt(validate_amount, value)
    if isinstance(amount, BkashValidationError):
        assert amount.field == "amount"
        return
    assert isinstance(amount, Decimal)
    assert amount.is_finite()
    assert Decimal(0) < amount <= MAX_AMOUNT
    assert amount == amount.quantize(Decimal("0.01"))
    assert not isinstance(value, float | bool)


@given(st.decimals(min_value=Decimal("0.01"), max_value=MAX_AMOUNT, places=2))
def test_valid_amounts_survive_every_accepted_spelling(value: Decimal) -> None:
    assert validate_amount(value) == value
    assert validate_amount(str(value)) == value
    assert validate_amount(format_amount(value)) == value


# --- references and texts ---------------------------------------------------------------------


def test_validate_reference() -> None:
    assert validate_reference("  INV-42-1 ", "merchant_invoice_number") == "INV-42-1"
    assert validate_reference("user-৪২", "payer_reference") == "user-৪২"
    assert validate_reference("x" * 255, "payer_reference") == "x" * 255


@pytest.mark.parametrize(
    "raw", ["", "   ", "x" * 256, "a<b", "a>b", "a&b", "a\nb", "a\x00b", "a\u2028b", 42, None]
)
def test_validate_reference_rejects(raw: object) -> None:
    with pytest.raises(BkashValidationError) as info:
        validate_reference(raw, "merchant_invoice_number")
    assert info.value.field == "merchant_invoice_number"


def test_validate_text() -> None:
    assert validate_text(" plus ", "sku") == "plus"
    assert validate_text("customer changed their mind & asked", "reason") == (
        "customer changed their mind & asked"
    )


@pytest.mark.parametrize("raw", ["", " ", "x" * 256, "two\nlines", b"sku", None])
def test_validate_text_rejects(raw: object) -> None:
    with pytest.raises(BkashValidationError) as info:
        validate_text(raw, "reason")
    assert info.value.field == "reason"


# --- URLs -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://shop.example/api/v1/payments/bkash/callback",
        "http://localhost:8000/cb?order=42&sig=abc",
        " HTTPS://shop.example/cb ",
        "https://[::1]:8443/cb",
    ],
)
def test_validate_callback_url_accepts(url: str) -> None:
    assert validate_callback_url(url) == url.strip()


@pytest.mark.parametrize(
    "url",
    [
        "",
        "shop.example/cb",
        "/relative/cb",
        "ftp://shop.example/cb",
        "javascript:alert(1)",
        "https://",
        "https:///path",
        "https://shop.example/a b",
        "https://shop.example/\tcb",
        "https://user:pass@shop.example/cb",
        "https://shop.example/cb#frag",
        "https://shop.example:99999/cb",
        "https://shop.example/" + "x" * 3000,
        None,
    ],
)
def test_validate_callback_url_rejects(url: object) -> None:
    with pytest.raises(BkashValidationError) as info:
        validate_callback_url(url)
    assert info.value.field == "callback_url"


def test_url_error_never_echoes_the_url() -> None:
    with pytest.raises(BkashValidationError) as info:
        validate_callback_url("https://user:CANARYpass0d4e77!@shop.example/cb")
    assert "CANARY" not in str(info.value)


# --- ids, intent, association info -----------------------------------------------------------


def test_validate_id() -> None:
    assert validate_id(" TR0011aBcD3fG1762072142166 ", "payment_id") == "TR0011aBcD3fG1762072142166"
    assert validate_id("CK250NROQ5", "trx_id") == "CK250NROQ5"


@pytest.mark.parametrize("raw", ["", "  ", "TR 1", "TR\x001", "TR\u200b1", "x" * 101, 123, None])
def test_validate_id_rejects(raw: object) -> None:
    with pytest.raises(BkashValidationError) as info:
        validate_id(raw, "payment_id")
    assert info.value.field == "payment_id"


@pytest.mark.parametrize(
    ("raw", "expected"), [("sale", "sale"), (" Authorization ", "authorization")]
)
def test_validate_intent(raw: str, expected: str) -> None:
    assert validate_intent(raw) == expected


@pytest.mark.parametrize("raw", ["", "capture", "SALE!", None, 1])
def test_validate_intent_rejects(raw: object) -> None:
    with pytest.raises(BkashValidationError) as info:
        validate_intent(raw)
    assert info.value.field == "intent"


def test_validate_merchant_association_info() -> None:
    assert validate_merchant_association_info("MI05MID54RF09123456One") == "MI05MID54RF09123456One"
    assert validate_merchant_association_info("") == ""


@pytest.mark.parametrize("raw", ["x" * 256, "MI05\nMID54", "\x7f", None])
def test_validate_merchant_association_info_rejects(raw: object) -> None:
    with pytest.raises(BkashValidationError) as info:
        validate_merchant_association_info(raw)
    assert info.value.field == "merchant_association_info"


# --- properties -----------------------------------------------------------------------------

inputs = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="ascii"), max_size=40),
    st.none(),
    st.integers(),
    st.binary(max_size=8),
    st.builds(object),
)


def _no_controls(text: str) -> bool:
    return all(unicodedata.category(ch) not in ("Cc", "Cs", "Zl", "Zp") for ch in text)


@settings(max_examples=200)
@given(inputs)
def test_validate_reference_property(value: object) -> None:
    text = _attempt(lambda v: validate_reference(v, "payer_reference"), value)
    if isinstance(text, BkashValidationError):
        assert text.field == "payer_reference"
        return
    assert isinstance(value, str)
    assert text == value.strip()
    assert 0 < len(text) <= 255
    assert not set(text) & set("<>&")
    assert _no_controls(text)


@settings(max_examples=200)
@given(inputs)
def test_validate_text_property(value: object) -> None:
    text = _attempt(lambda v: validate_text(v, "sku"), value)
    if isinstance(text, BkashValidationError):
        assert text.field == "sku"
        return
    assert isinstance(value, str)
    assert text == value.strip()
    assert 0 < len(text) <= 255
    assert _no_controls(text)


@settings(max_examples=200)
@given(inputs)
def test_validate_id_property(value: object) -> None:
    text = _attempt(lambda v: validate_id(v, "trx_id"), value)
    if isinstance(text, BkashValidationError):
        assert text.field == "trx_id"
        return
    assert 0 < len(text) <= 100
    assert not any(ch.isspace() for ch in text)
    assert text.isprintable()


urls = st.one_of(
    inputs,
    st.builds(
        lambda scheme, host, rest: f"{scheme}://{host}{rest}",
        st.sampled_from(["http", "https", "HTTPS", "ftp", ""]),
        st.text(max_size=20),
        st.text(max_size=20),
    ),
)


@settings(max_examples=300)
@given(urls)
def test_validate_callback_url_property(value: object) -> None:
    url = _attempt(validate_callback_url, value)
    if isinstance(url, BkashValidationError):
        assert url.field == "callback_url"
        return
    parts = urlsplit(url)
    assert parts.scheme.lower() in ("http", "https")
    assert parts.hostname
    assert not any(ch.isspace() for ch in url)
    assert not parts.fragment
    assert parts.username is None


@pytest.mark.parametrize(
    "check",
    [validate_intent, validate_merchant_association_info],
)
@settings(max_examples=100)
@given(value=inputs)
def test_other_validators_raise_only_their_error(
    check: Callable[[object], str], value: object
) -> None:
    try:
        result = check(value)
    except BkashValidationError:
        return
    assert isinstance(result, str)
    assert len(result) <= 255
