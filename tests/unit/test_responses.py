"""Response interpretation: every envelope becomes data or the right typed error."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bkash_sdk import (
    AlreadyCompletedError,
    AuthenticationError,
    BkashAPIError,
    BkashServerError,
    InvalidRequestError,
    InvalidStateError,
    Outcome,
    PaymentDeclinedError,
    RateLimitError,
)
from bkash_sdk._errors_catalog import CATALOG
from bkash_sdk._operations import (
    ALL_OPERATIONS,
    EXECUTE_PAYMENT,
    GRANT_TOKEN,
    QUERY_PAYMENT,
    REFUND_V2,
)
from bkash_sdk._responses import interpret, parse_body

# Every code of bkash-api.md section 14, with its documented class.
DOCUMENTED = {
    "VAL": "2002 2004 2005 2006 2007 2008 2012 2021 2022 2025 2026 2027 2028 2030 2031 2032 "
    "2033 2047 2048 2049 2050 2051 2063 2065 2066 2071 2072 2073 2074 2075 2076 2077 2078 2118",
    "CUST": "2009 2010 2011 2013 2014 2015 2016 2017 2018 2019 2023 2029 2037 2038 2043 2044 "
    "2045 2046 2057 2058 2059",
    "STATE": "2036 2052 2053 2054 2055 2056 2060 2069 2127",
    "DONE": "2034 2062 2068 2116 2117 2119",
    "TRANS": "2003 2020 2024 503 9999",
    "AUTH": "2001 2035 2039 2040 2041 2042 2061 2064 2067 2079 2080 2081 2082",
}
CLASSES = {
    "VAL": (InvalidRequestError, Outcome.FAILED),
    "CUST": (PaymentDeclinedError, Outcome.FAILED),
    "STATE": (InvalidStateError, Outcome.FAILED),
    "DONE": (AlreadyCompletedError, Outcome.DONE),
    "TRANS": (BkashServerError, Outcome.UNKNOWN),
    "AUTH": (AuthenticationError, Outcome.FAILED),
}
CASES = [(code, kind) for kind, codes in DOCUMENTED.items() for code in codes.split()]


def body(**fields: object) -> bytes:
    return json.dumps(fields).encode()


def test_the_catalogue_covers_every_documented_code_and_nothing_invented() -> None:
    assert set(CATALOG) == {code for code, _ in CASES}


@pytest.mark.parametrize(("code", "kind"), CASES)
def test_each_code_maps_to_its_class_and_outcome(code: str, kind: str) -> None:
    error, outcome = CLASSES[kind]
    raw = body(statusCode=code, statusMessage="bKash text")
    with pytest.raises(error) as caught:
        interpret(EXECUTE_PAYMENT, 200, raw, parse_body(raw), "req-1")
    assert caught.value.code == code
    assert caught.value.outcome is outcome
    assert caught.value.http_status == 200
    assert caught.value.request_id == "req-1"
    assert caught.value.message == "bKash text"


def test_success_returns_the_data() -> None:
    raw = body(statusCode="0000", statusMessage="Successful", paymentID="TR1")
    assert interpret(QUERY_PAYMENT, 200, raw, parse_body(raw), "r")["paymentID"] == "TR1"


def test_an_undocumented_code_is_an_unknown_outcome() -> None:
    raw = body(statusCode="2099", statusMessage="Something new")
    with pytest.raises(BkashAPIError) as caught:
        interpret(EXECUTE_PAYMENT, 200, raw, parse_body(raw), "r")
    assert type(caught.value) is BkashAPIError
    assert caught.value.outcome is Outcome.UNKNOWN


def test_legacy_error_code_envelope() -> None:
    raw = body(errorCode="2023", errorMessage="Insufficient Balance")
    with pytest.raises(PaymentDeclinedError) as caught:
        interpret(EXECUTE_PAYMENT, 200, raw, parse_body(raw), "r")
    assert caught.value.code == "2023"


def test_v2_refund_success_has_no_status_code() -> None:
    raw = body(refundTrxId="BFD90JRLST", refundTransactionStatus="Completed")
    assert interpret(REFUND_V2, 200, raw, parse_body(raw), "r")["refundTrxId"] == "BFD90JRLST"


def test_v1_answer_without_status_code_is_not_success() -> None:
    raw = body(paymentID="TR1")
    with pytest.raises(BkashServerError) as caught:
        interpret(EXECUTE_PAYMENT, 200, raw, parse_body(raw), "r")
    assert caught.value.outcome is Outcome.UNKNOWN


def test_v2_http_400_external_code() -> None:
    raw = body(
        internalCode="refund_amount_exceed_payment_amount",
        externalCode="2072",
        errorMessageEn="Refund amount not valid",
        errorMessageBn="...",
    )
    with pytest.raises(InvalidRequestError) as caught:
        interpret(REFUND_V2, 400, raw, parse_body(raw), "r")
    assert (caught.value.code, caught.value.http_status) == ("2072", 400)
    assert caught.value.message == "Refund amount not valid"


@pytest.mark.parametrize(("status", "message"), [(401, "Unauthorized"), (403, "Forbidden")])
def test_gateway_refusals_are_authentication_errors(status: int, message: str) -> None:
    raw = body(message=message)
    with pytest.raises(AuthenticationError) as caught:
        interpret(QUERY_PAYMENT, status, raw, parse_body(raw), "r")
    assert caught.value.code is None
    assert message in str(caught.value)


@pytest.mark.parametrize(
    "raw",
    [b"<html><body><h1>503 Service Unavailable</h1></body></html>", b"", b"\xff\xfe", b"[1, 2]"],
)
def test_unreadable_5xx_bodies_are_server_errors_not_decode_errors(raw: bytes) -> None:
    with pytest.raises(BkashServerError) as caught:
        interpret(EXECUTE_PAYMENT, 503, raw, parse_body(raw), "r")
    assert caught.value.outcome is Outcome.UNKNOWN
    assert caught.value.http_status == 503


def test_a_gateway_message_on_http_200_is_unknown() -> None:
    raw = body(message="Endpoint request timed out")
    with pytest.raises(BkashServerError) as caught:
        interpret(EXECUTE_PAYMENT, 200, raw, parse_body(raw), "r")
    assert caught.value.outcome is Outcome.UNKNOWN


def test_json_with_a_raw_newline_is_read() -> None:
    raw = b'{"statusCode":"9999","statusMessage":"Invalid credentials.\n"}'
    with pytest.raises(AuthenticationError) as caught:
        interpret(GRANT_TOKEN, 200, raw, parse_body(raw), "r")
    assert caught.value.code == "9999"
    assert caught.value.message == "Invalid credentials."


def test_9999_outside_token_calls_is_transient() -> None:
    raw = body(statusCode="9999", statusMessage="System Error.")
    with pytest.raises(BkashServerError):
        interpret(QUERY_PAYMENT, 200, raw, parse_body(raw), "r")


def test_429_is_a_rate_limit_error() -> None:
    with pytest.raises(RateLimitError):
        interpret(QUERY_PAYMENT, 429, b"Too Many Requests", None, "r")


def test_raw_body_on_errors_is_masked() -> None:
    raw = body(
        statusCode="2023", statusMessage="x", customerMsisdn="01770618575", id_token="eyJabc"
    )
    with pytest.raises(BkashAPIError) as caught:
        interpret(EXECUTE_PAYMENT, 200, raw, parse_body(raw), "r")
    assert caught.value.raw_body is not None
    assert "01770618575" not in caught.value.raw_body
    assert "575" in caught.value.raw_body
    assert "eyJabc" not in caught.value.raw_body


@given(
    status=st.integers(100, 599),
    raw=st.one_of(st.binary(max_size=200), st.text(max_size=200).map(str.encode)),
    op=st.sampled_from(ALL_OPERATIONS),
)
def test_interpretation_is_total(status: int, raw: bytes, op: object) -> None:
    with contextlib.suppress(BkashAPIError):
        interpret(op, status, raw, parse_body(raw), "r")  # type: ignore[arg-type]


@pytest.mark.parametrize(("code", "error"), [("503", BkashServerError), ("2003", BkashServerError)])
def test_an_outage_during_a_token_call_stays_transient(code: str, error: type[Exception]) -> None:
    raw = body(statusCode=code, statusMessage="System is undergoing maintenance")
    with pytest.raises(error) as caught:
        interpret(GRANT_TOKEN, 200, raw, parse_body(raw), "r")
    assert type(caught.value) is error
