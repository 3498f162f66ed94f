"""Shared field types: amounts, timestamps, wallet numbers, lifetimes and status enums."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter, ValidationError

from bkash_sdk._exceptions import BkashValidationError
from bkash_sdk.models import (
    DHAKA_TZ,
    AgreementStatus,
    Amount,
    BkashDateTime,
    ExpiresIn,
    Msisdn,
    RefundTransactionStatus,
    TransactionStatus,
    VerificationStatus,
    format_amount,
    format_bkash_datetime,
    normalize_msisdn,
)

AMOUNT = TypeAdapter(Amount)
OPTIONAL_AMOUNT = TypeAdapter(Amount | None)
TIMESTAMP = TypeAdapter(BkashDateTime)
MSISDN = TypeAdapter(Msisdn)
EXPIRES_IN = TypeAdapter(ExpiresIn)
SIX = timedelta(hours=6)

# --- amounts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("500", Decimal("500")),
        ("599.00", Decimal("599.00")),
        (" 10.50 ", Decimal("10.50")),
        (500, Decimal(500)),
        (2.0, Decimal("2.0")),
        (0.1, Decimal("0.1")),
        (Decimal("15"), Decimal("15")),
        ("0.00", Decimal("0.00")),
    ],
)
def test_amount_reads_strings_and_numbers_exactly(raw: object, expected: Decimal) -> None:
    value = AMOUNT.validate_python(raw)
    assert isinstance(value, Decimal)
    assert value == expected
    assert str(value) == str(expected)


def test_amount_from_json_string_keeps_every_digit() -> None:
    assert str(AMOUNT.validate_json('"599.10"')) == "599.10"
    assert AMOUNT.validate_json("599") == Decimal(599)


@pytest.mark.parametrize(
    "raw",
    ["abc", "", "NaN", "Infinity", "-inf", "1,000", "1e999999999", True, None, [], b"5"],
)
def test_amount_rejects_non_numbers_with_validation_error(raw: object) -> None:
    with pytest.raises(ValidationError):
        AMOUNT.validate_python(raw)


def test_amount_serialises_as_string_in_json() -> None:
    assert AMOUNT.dump_python(Decimal("599.00"), mode="json") == "599.00"
    assert AMOUNT.dump_json(Decimal("1E+3")) == b'"1000"'
    assert OPTIONAL_AMOUNT.validate_python(None) is None


@pytest.mark.parametrize(
    ("value", "wire"),
    [
        (Decimal("500"), "500.00"),
        (Decimal("599.5"), "599.50"),
        (Decimal("0.01"), "0.01"),
        (Decimal("1.230"), "1.23"),
        (Decimal("1E+3"), "1000.00"),
        (Decimal("-0"), "0.00"),
        (Decimal("123456789.99"), "123456789.99"),
    ],
)
def test_format_amount_has_exactly_two_decimals(value: Decimal, wire: str) -> None:
    assert format_amount(value) == wire


@pytest.mark.parametrize(
    "value",
    [
        Decimal("1.234"),
        Decimal("0.001"),
        Decimal("NaN"),
        Decimal("Infinity"),
        Decimal("1E+999999999"),
        1.5,
        "5",
    ],
)
def test_format_amount_refuses_to_round_or_guess(value: object) -> None:
    with pytest.raises(BkashValidationError) as info:
        format_amount(value)  # type: ignore[arg-type]
    assert info.value.field == "amount"


cents = st.decimals(
    min_value=Decimal("0.01"),
    max_value=Decimal("999999999.99"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)


@given(cents)
def test_amount_formatting_and_parsing_round_trip(value: Decimal) -> None:
    wire = format_amount(value)
    whole, _, fraction = wire.partition(".")
    assert whole.isdigit()
    assert len(fraction) == 2
    assert fraction.isdigit()
    assert AMOUNT.validate_python(wire) == value
    assert AMOUNT.validate_json(f'"{wire}"') == value
    assert format_amount(AMOUNT.validate_python(wire)) == wire


@settings(max_examples=300)
@given(
    st.one_of(
        st.text(max_size=40),
        st.decimals(),
        st.floats(),
        st.integers(),
        st.none(),
        st.booleans(),
        st.binary(max_size=4),
    )
)
def test_arbitrary_amount_input_parses_or_raises_validation_error(value: object) -> None:
    try:
        amount = AMOUNT.validate_python(value)
    except ValidationError:
        return
    assert isinstance(amount, Decimal)
    assert amount.is_finite()


# --- timestamps -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "2025-11-02T14:29:02:166 GMT+0600",
            datetime(2025, 11, 2, 14, 29, 2, 166000, tzinfo=DHAKA_TZ),
        ),
        (
            "2025-11-02T14:29:02:166 GMT-0430",
            datetime(2025, 11, 2, 14, 29, 2, 166000, tzinfo=timezone(-timedelta(hours=4.5))),
        ),
        (
            "2025-11-02T14:29:02:166 GMT+06:00",
            datetime(2025, 11, 2, 14, 29, 2, 166000, tzinfo=DHAKA_TZ),
        ),
        ("2024-06-13T16:27:24:000", datetime(2024, 6, 13, 16, 27, 24, tzinfo=DHAKA_TZ)),
        ("20200516203233", datetime(2020, 5, 16, 14, 32, 33, tzinfo=UTC)),
        ("2020-05-16T14:32:33.133Z", datetime(2020, 5, 16, 14, 32, 33, 133000, tzinfo=UTC)),
        ("2024-03-10T10:00:01+06:00", datetime(2024, 3, 10, 4, 0, 1, tzinfo=UTC)),
        ("2024-03-10 10:00:01", datetime(2024, 3, 10, 10, 0, 1, tzinfo=DHAKA_TZ)),
    ],
)
def test_timestamp_formats(raw: str, expected: datetime) -> None:
    value = TIMESTAMP.validate_python(raw)
    assert value == expected
    assert value.utcoffset() is not None


def test_bkash_offset_reads_as_dhaka() -> None:
    value = TIMESTAMP.validate_python("2025-11-02T14:29:02:166 GMT+0600")
    assert value.utcoffset() == SIX
    assert value.tzname() == "Asia/Dhaka"
    assert value.isoformat() == "2025-11-02T14:29:02.166000+06:00"


def test_naive_datetime_is_read_as_dhaka_time() -> None:
    value = TIMESTAMP.validate_python(datetime(2024, 1, 1, 12, 0))
    assert value.utcoffset() == SIX


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "yesterday",
        "2025-13-02T14:29:02:166 GMT+0600",
        "2025-11-02T25:29:02:166 GMT+0600",
        "2025-11-02T14:29:02:166 GMT+2500",
        "2025-11-02T14:29:02:166 GMT+0675",
        "20201399000000",
        "x" * 500,
        12345,
        None,
    ],
)
def test_invalid_timestamps_raise_validation_error(raw: object) -> None:
    with pytest.raises(ValidationError):
        TIMESTAMP.validate_python(raw)


def test_format_bkash_datetime() -> None:
    moment = datetime(2025, 11, 2, 14, 29, 2, 166000, tzinfo=DHAKA_TZ)
    assert format_bkash_datetime(moment) == "2025-11-02T14:29:02:166 GMT+0600"
    west = datetime(2025, 1, 1, 0, 0, tzinfo=timezone(-timedelta(hours=3, minutes=30)))
    assert format_bkash_datetime(west) == "2025-01-01T00:00:00:000 GMT-0330"


offsets = st.integers(min_value=-(14 * 60), max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
moments = st.builds(
    lambda naive, tz: naive.replace(microsecond=naive.microsecond // 1000 * 1000, tzinfo=tz),
    st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(9998, 12, 31)),
    offsets,
)


@given(moments)
def test_timestamp_round_trips_through_bkash_formats(moment: datetime) -> None:
    assert TIMESTAMP.validate_python(format_bkash_datetime(moment)) == moment
    local = moment.astimezone(DHAKA_TZ)
    zoneless = f"{local:%Y-%m-%dT%H:%M:%S}:{local.microsecond // 1000:03d}"
    assert TIMESTAMP.validate_python(zoneless) == moment
    compact = TIMESTAMP.validate_python(f"{local:%Y%m%d%H%M%S}")
    assert compact == moment.replace(microsecond=0)
    assert TIMESTAMP.validate_python(moment.isoformat()) == moment


@settings(max_examples=300)
@given(st.one_of(st.text(max_size=40), st.from_regex(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d.*")))
def test_arbitrary_text_parses_or_raises_validation_error(text: str) -> None:
    try:
        value = TIMESTAMP.validate_python(text)
    except ValidationError:
        return
    assert value.utcoffset() is not None


# --- wallet numbers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("01770618575", "01770618575"),
        ("8801770618575", "01770618575"),
        ("+8801770618575", "01770618575"),
        ("008801770618575", "01770618575"),
        ("+880 1770-618575", "01770618575"),
        (8801770618575, "01770618575"),
        ("01929918***", "01929918***"),
        ("12345", "12345"),
        ("Customer", "Customer"),
    ],
)
def test_msisdn_is_normalised_to_local_form(raw: object, expected: str) -> None:
    assert MSISDN.validate_python(raw) == expected


def test_normalize_msisdn_keeps_odd_values_as_given() -> None:
    assert normalize_msisdn(" 0171 ") == " 0171 "


# --- lifetimes ------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [3600, "3600", " 3600 ", 3600.0, "3600.0"])
def test_expires_in_accepts_number_or_string(raw: object) -> None:
    assert EXPIRES_IN.validate_python(raw) == 3600


@pytest.mark.parametrize("raw", ["soon", "1.5", "NaN", "", "1e99999999999", None])
def test_expires_in_rejects_non_integers(raw: object) -> None:
    with pytest.raises(ValidationError):
        EXPIRES_IN.validate_python(raw)


# --- status enums ---------------------------------------------------------------------------


class _Holder(BaseModel):
    status: TransactionStatus


def test_known_status_is_the_member() -> None:
    assert _Holder(status="Completed").status is TransactionStatus.COMPLETED
    assert TransactionStatus("completed ") is TransactionStatus.COMPLETED
    assert TransactionStatus("Pending Authorized") is TransactionStatus.PENDING_AUTHORIZED
    assert TransactionStatus.COMPLETED.is_known
    assert VerificationStatus("Incomplete") is VerificationStatus.INCOMPLETE
    assert AgreementStatus("Cancelled") is AgreementStatus.CANCELLED
    assert RefundTransactionStatus("Completed") is RefundTransactionStatus.COMPLETED


def test_unknown_status_is_kept_as_a_pseudo_member() -> None:
    status = _Holder.model_validate({"status": "Reversed"}).status
    assert isinstance(status, TransactionStatus)
    assert status == "Reversed"
    assert str(status) == "Reversed"
    assert status.value == "Reversed"
    assert not status.is_known
    assert status != TransactionStatus.COMPLETED
    assert TransactionStatus("Reversed") == status
    assert pickle.loads(pickle.dumps(status)) == status  # noqa: S301 - own data
    assert _Holder(status=status).model_dump(mode="json") == {"status": "Reversed"}
    assert "Reversed" not in TransactionStatus.__members__


def test_enum_json_round_trip() -> None:
    holder = _Holder.model_validate_json('{"status": "Authorized"}')
    assert holder.status is TransactionStatus.AUTHORIZED
    assert holder.model_dump_json() == '{"status":"Authorized"}'


@pytest.mark.parametrize("raw", ["", "   ", 5, None, "x" * 100])
def test_status_rejects_blank_or_non_text(raw: object) -> None:
    with pytest.raises(ValidationError):
        _Holder.model_validate({"status": raw})
