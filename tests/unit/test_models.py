"""Behaviour shared by every model: aliases, extras, blanks, immutability, masked repr."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from bkash_sdk.models import (
    Agreement,
    AgreementDetails,
    AgreementExecution,
    BkashModel,
    Payment,
    PaymentExecution,
    PaymentStatus,
    Transaction,
    TransactionStatus,
)
from tests.unit.test_models_payments import (
    CREATE_2025,
    EXECUTE_0001_2021,
    EXECUTE_2025,
    QUERY_AGREEMENT_MODE,
)
from tests.unit.test_models_refunds_agreements import (
    AGREEMENT_CREATE,
    AGREEMENT_EXECUTE,
    AGREEMENT_STATUS_2021,
    SEARCH_FULL,
    SEARCH_PAYMENT_2021,
)


@pytest.mark.parametrize(
    ("model", "body"),
    [
        (PaymentExecution, {"paymentId": "TR1", "trxId": "ABC", "agreementId": "AG"}),
        (PaymentExecution, {"paymentID": "TR1", "trxID": "ABC", "agreementID": "AG"}),
        (PaymentExecution, {"payment_id": "TR1", "trx_id": "ABC", "agreement_id": "AG"}),
    ],
)
def test_both_id_spellings_and_field_names(model: type[BaseModel], body: dict[str, Any]) -> None:
    done = model.model_validate(body)
    assert isinstance(done, PaymentExecution)
    assert (done.payment_id, done.trx_id, done.agreement_id) == ("TR1", "ABC", "AG")


def test_camel_id_urls_are_accepted() -> None:
    payment = Payment.model_validate({"paymentId": "TR1", "bkashUrl": "https://x.example/"})
    assert payment.bkash_url == "https://x.example/"


def test_unknown_fields_are_kept() -> None:
    body = {**EXECUTE_2025, "signature": "Xy12AbCdEf", "newThing": {"a": 1}}
    done = PaymentExecution.model_validate(body)
    assert done.model_extra == {"signature": "Xy12AbCdEf", "newThing": {"a": 1}}
    assert done.signature == "Xy12AbCdEf"  # type: ignore[attr-defined]


def test_unknown_status_values_do_not_break_parsing() -> None:
    done = PaymentExecution.model_validate({**EXECUTE_2025, "transactionStatus": "Reversed"})
    assert done.transaction_status == "Reversed"
    assert isinstance(done.transaction_status, TransactionStatus)


def test_blank_optional_fields_read_as_missing() -> None:
    body = {**EXECUTE_2025, "trxID": "", "amount": "", "paymentExecuteTime": " ", "agreementID": ""}
    done = PaymentExecution.model_validate(body)
    assert (done.trx_id, done.amount, done.payment_execute_time, done.agreement_id) == (
        None,
        None,
        None,
        None,
    )


def test_required_id_missing_is_a_validation_error_without_input_echo() -> None:
    with pytest.raises(ValidationError) as info:
        PaymentExecution.model_validate({"customerMsisdn": "01619777283"})
    assert "01619777283" not in str(info.value)


def test_models_are_immutable_and_request_id_is_set_by_copy() -> None:
    payment = Payment.model_validate(CREATE_2025)
    with pytest.raises(ValidationError):
        payment.payment_id = "other"  # type: ignore[misc]
    tagged = payment.model_copy(update={"request_id": "req-42"})
    assert tagged.request_id == "req-42"
    assert payment.request_id is None
    assert "request_id='req-42'" in repr(tagged)


def test_amounts_dump_as_strings_in_json_mode() -> None:
    dumped = PaymentExecution.model_validate(EXECUTE_2025).model_dump(mode="json", by_alias=True)
    assert dumped["amount"] == "599.00"
    assert dumped["paymentID"] == "TR0011aBcD3fG1762072142166"
    assert dumped["trxID"] == "CK250NROQ5"
    assert dumped["paymentExecuteTime"] == "2025-11-02T14:30:12.378000+06:00"
    assert PaymentExecution.model_validate(dumped) == PaymentExecution.model_validate(EXECUTE_2025)


# --- masking --------------------------------------------------------------------------------

WALLET_BODIES: list[tuple[type[BkashModel], dict[str, Any]]] = [
    (PaymentExecution, EXECUTE_2025),
    (PaymentExecution, EXECUTE_0001_2021),
    (PaymentStatus, QUERY_AGREEMENT_MODE),
    (Transaction, SEARCH_PAYMENT_2021),
    (Transaction, SEARCH_FULL),
    (AgreementExecution, AGREEMENT_EXECUTE),
    (AgreementDetails, AGREEMENT_STATUS_2021),
    (Agreement, AGREEMENT_CREATE),
]


@pytest.mark.parametrize(("model", "body"), WALLET_BODIES)
def test_repr_and_str_mask_wallet_numbers(model: type[BkashModel], body: dict[str, Any]) -> None:
    parsed = model.model_validate(body)
    for text in (repr(parsed), str(parsed), f"{parsed!r}", repr([parsed])):
        assert "1770618575" not in text
        assert "1619777283" not in text
    assert "575" in repr(parsed) or "283" in repr(parsed)


def test_repr_masks_wallets_in_unknown_fields() -> None:
    body = {
        **EXECUTE_2025,
        "debitMSISDN": "8801700000001",
        "note": "paid from +8801770618575",
        "nested": {"wallet": "01929918378", "token": "secret-token-value"},
        "list": ["01877722345"],
    }
    text = repr(PaymentExecution.model_validate(body))
    for wallet in ("1700000001", "1770618575", "1929918378", "1877722345"):
        assert wallet not in text
    assert "secret-token-value" not in text
    assert "paid from" in text


def test_wallet_named_fields_are_masked_even_when_odd_shaped() -> None:
    done = PaymentExecution.model_validate({"paymentID": "TR1", "customerMsisdn": "1234567"})
    assert "1234567" not in repr(done)
    assert done.customer_msisdn == "1234567"


def test_repr_is_readable() -> None:
    text = repr(Payment.model_validate(CREATE_2025))
    assert text.startswith("Payment(")
    assert "payment_id='TR0011aBcD3fG1762072142166'" in text
    assert "agreement_id" not in text
