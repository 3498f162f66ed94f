"""Signed callback URLs: signing, verification, rotation, expiry, tampering, totality."""

from __future__ import annotations

import contextlib
import time
import traceback
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bkash_sdk import ConfigurationError, PaymentState, SignatureVerificationError
from bkash_sdk.webhooks.callbacks import (
    DEFAULT_TOLERANCE,
    VerifiedCallback,
    sign_callback_url,
    verify_callback,
)
from tests import canaries
from tests.client._wire import CALLBACK, PAYMENT_ID, Wire, body, created, executed
from tests.conftest import find_leaks

SECRET = canaries.WEBHOOK_SECRET
OLD_SECRET = "CANARYwebhookSecret77aa12-old"
NOW = 1_762_072_142


def params_of(url: str, **extra: str) -> dict[str, str]:
    return {**dict(parse_qsl(urlsplit(url).query)), **extra}


def signed(reference: str = "INV-1", secret: str = SECRET, at: int = NOW) -> dict[str, str]:
    return params_of(sign_callback_url(CALLBACK, reference, secret, timestamp=at))


def test_round_trip_keeps_the_merchant_query() -> None:
    url = sign_callback_url("https://shop.example/cb?order=42", "INV-1", SECRET, timestamp=NOW)
    assert url.startswith("https://shop.example/cb?order=42&bk_ref=INV-1&bk_ts=1762072142&bk_sig=")
    params = params_of(url, paymentID=PAYMENT_ID, status="success")
    assert params["bk_sig"].startswith("v1,")
    verified = verify_callback(params, SECRET, reference="INV-1", now=NOW + 10)
    assert verified == VerifiedCallback(reference="INV-1", timestamp=NOW)


def test_secret_never_appears_in_the_url() -> None:
    assert SECRET not in sign_callback_url(CALLBACK, "INV-1", SECRET)


def test_rotation_accepts_any_listed_secret() -> None:
    old = signed(secret=OLD_SECRET)
    assert verify_callback(old, [SECRET, OLD_SECRET], now=NOW).reference == "INV-1"
    with pytest.raises(SignatureVerificationError):
        verify_callback(old, [SECRET], now=NOW)


def test_several_signatures_in_one_parameter() -> None:
    params = signed()
    params["bk_sig"] = f"v1,AAAA {params['bk_sig']} v2,zzz"
    assert verify_callback(params, SECRET, now=NOW)


@pytest.mark.parametrize(
    ("offset", "valid"),
    [(DEFAULT_TOLERANCE, True), (DEFAULT_TOLERANCE + 1, False), (-300, True), (-301, False)],
)
def test_expiry_window(offset: float, valid: bool) -> None:
    params = signed()
    if valid:
        verify_callback(params, SECRET, now=NOW + offset)
    else:
        with pytest.raises(SignatureVerificationError):
            verify_callback(params, SECRET, now=NOW + offset)


TAMPERINGS: dict[str, Callable[[dict[str, str]], object]] = {
    "reference": lambda p: p.update(bk_ref="INV-2"),
    "timestamp": lambda p: p.update(bk_ts=str(NOW + 1)),
    "signature": lambda p: p.update(bk_sig=p["bk_sig"][:-2] + "A="),
    "version": lambda p: p.update(bk_sig="v2" + p["bk_sig"][2:]),
    "no signature": lambda p: p.pop("bk_sig"),
    "no timestamp": lambda p: p.pop("bk_ts"),
    "no reference": lambda p: p.pop("bk_ref"),
    "signed timestamp padded": lambda p: p.update(bk_ts="0" + p["bk_ts"]),
}


@pytest.mark.parametrize("tamper", TAMPERINGS.values(), ids=TAMPERINGS.keys())
def test_tampered_or_unsigned_callbacks_fail(tamper: Callable[[dict[str, str]], object]) -> None:
    params = signed()
    tamper(params)
    with pytest.raises(SignatureVerificationError):
        verify_callback(params, SECRET, now=NOW)


def test_reference_must_match() -> None:
    with pytest.raises(SignatureVerificationError, match="another invoice"):
        verify_callback(signed("INV-1"), SECRET, reference="INV-2", now=NOW)


def test_no_secret_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError):
        verify_callback(signed(), [], now=NOW)


def test_url_already_signed_is_refused() -> None:
    with pytest.raises(ValueError, match="bk_ref"):
        sign_callback_url(CALLBACK + "?bk_ref=x", "INV-1", SECRET)


@given(st.dictionaries(st.text(max_size=12), st.text(max_size=80), max_size=6))
def test_verify_is_total_on_arbitrary_params(params: dict[str, str]) -> None:
    with contextlib.suppress(SignatureVerificationError):
        verify_callback(params, [SECRET, OLD_SECRET], reference="INV-1", now=NOW)


@given(
    st.fixed_dictionaries(
        {
            "bk_ref": st.text(max_size=40),
            "bk_ts": st.one_of(st.text(max_size=14), st.integers(0, 10**13).map(str)),
            "bk_sig": st.one_of(st.text(max_size=60), st.just("v1,") | st.just("v1,====")),
        }
    )
)
def test_verify_is_total_on_shaped_params(params: dict[str, str]) -> None:
    with contextlib.suppress(SignatureVerificationError):
        verify_callback(params, SECRET, now=NOW)


@given(st.text(min_size=1, max_size=60))
def test_any_reference_round_trips(reference: str) -> None:
    params = params_of(sign_callback_url(CALLBACK, reference, SECRET, timestamp=NOW))
    assert verify_callback(params, SECRET, now=NOW).reference == reference


# -- through the client ---------------------------------------------------------------------


def _signed_wire(flavour: str, clock: Callable[[], float] = time.time) -> Wire:
    return Wire(flavour, webhook_secret=SECRET, clock=clock)


def _finalize(params: dict[str, str], **options: Any) -> Callable[[Any], Any]:
    return lambda c: c.checkout.finalize(
        params, expected_amount=Decimal("599.00"), merchant_invoice_number="INV-42-1", **options
    )


def _created_callback(wire: Wire) -> str:
    wire["create"].mock(return_value=created())
    wire.call(
        lambda c: c.payments.create(
            amount=Decimal("599"), merchant_invoice_number="INV-42-1", payer_reference="cust-42"
        )
    )
    return str(body(wire["create"].calls.last.request)["callbackURL"])


def test_create_signs_and_finalize_verifies(flavour: str) -> None:
    wire = _signed_wire(flavour)
    url = _created_callback(wire)
    assert url.startswith(CALLBACK + "?bk_ref=INV-42-1&bk_ts=")
    wire["execute"].mock(return_value=executed())
    params = params_of(url, paymentID=PAYMENT_ID, status="success", signature="Xy12AbCdEf")
    assert wire.call(_finalize(params)).state is PaymentState.CONFIRMED


@pytest.mark.parametrize(
    "params",
    [
        {"paymentID": PAYMENT_ID, "status": "success"},
        {**signed("INV-42-1", at=int(time.time())), "paymentID": PAYMENT_ID, "status": "success"},
    ],
    ids=["unsigned", "signed-with-another-clock"],
)
def test_finalize_rejects_before_any_call(flavour: str, params: dict[str, str]) -> None:
    wire = _signed_wire(flavour, clock=lambda: NOW)
    with pytest.raises(SignatureVerificationError):
        wire.call(_finalize(params))
    assert wire.total_calls == 0


def test_finalize_rejects_expired_callbacks(flavour: str) -> None:
    now = [float(NOW)]
    wire = _signed_wire(flavour, clock=lambda: now[0])
    url = _created_callback(wire)
    params = params_of(url, paymentID=PAYMENT_ID, status="success")
    now[0] += DEFAULT_TOLERANCE + 1
    with pytest.raises(SignatureVerificationError, match="expired"):
        wire.call(_finalize(params))
    assert wire["execute"].call_count == 0


def test_finalize_rejects_another_invoice_and_failure_callbacks_too(flavour: str) -> None:
    wire = _signed_wire(flavour, clock=lambda: NOW)
    other = {**signed("INV-9"), "paymentID": PAYMENT_ID, "status": "success"}
    with pytest.raises(SignatureVerificationError, match="another invoice"):
        wire.call(_finalize(other))
    with pytest.raises(SignatureVerificationError):
        wire.call(_finalize({"paymentID": PAYMENT_ID, "status": "cancel"}))
    assert wire.total_calls == 0


def test_finalize_accepts_rotated_secrets(flavour: str) -> None:
    wire = _signed_wire(flavour, clock=lambda: NOW)
    wire["execute"].mock(return_value=executed())
    params = {**signed("INV-42-1", OLD_SECRET), "paymentID": PAYMENT_ID, "status": "success"}
    with pytest.raises(SignatureVerificationError):
        wire.call(_finalize(params))
    outcome = wire.call(_finalize(params, callback_secrets=[SECRET, OLD_SECRET]))
    assert outcome.state is PaymentState.CONFIRMED


# -- secrets in tracebacks -------------------------------------------------------------------


def _with_locals(error: BaseException) -> str:
    """The traceback from the first SDK frame on, with every frame's locals (the test's own
    frames, which hold its plain secrets, are left out)."""
    tb = error.__traceback__
    while tb is not None and "bkash_sdk" not in tb.tb_frame.f_code.co_filename:
        tb = tb.tb_next
    assert tb is not None
    rendered = traceback.TracebackException(type(error), error, tb, capture_locals=True)
    return "".join(rendered.format())


def _forged(reference: str = "INV-1") -> dict[str, str]:
    params = signed(reference)
    params["bk_sig"] = params["bk_sig"][:-2] + "A="
    return params


@pytest.mark.parametrize(
    "secrets", [SECRET, [SECRET, OLD_SECRET], (OLD_SECRET,)], ids=["str", "list", "tuple"]
)
@pytest.mark.parametrize(
    ("params", "now"), [(_forged(), NOW), (signed(), NOW + 2 * DEFAULT_TOLERANCE)]
)
def test_frame_locals_of_a_refused_callback_hold_no_secret(
    secrets: str | list[str], params: dict[str, str], now: int
) -> None:
    with pytest.raises(SignatureVerificationError) as caught:
        verify_callback(params, secrets, now=now)
    rendered = _with_locals(caught.value)
    assert "secrets = " in rendered  # the locals were captured...
    assert find_leaks(rendered) == []  # ...and no secret is readable in them


@pytest.mark.parametrize("configured", [True, False], ids=["webhook_secret", "callback_secrets"])
def test_frame_locals_of_a_forged_callback_through_finalize_hold_no_secret(
    flavour: str, configured: bool
) -> None:
    wire = Wire(flavour, clock=lambda: NOW, **({"webhook_secret": SECRET} if configured else {}))
    options = {} if configured else {"callback_secrets": [SECRET, OLD_SECRET]}
    params = {**_forged("INV-42-1"), "paymentID": PAYMENT_ID, "status": "success"}
    with pytest.raises(SignatureVerificationError) as caught:
        wire.call(_finalize(params, **options))
    rendered = _with_locals(caught.value)
    assert "callback_secrets = " in rendered
    assert find_leaks(rendered) == []
    assert wire.total_calls == 0


def test_frame_locals_of_a_refused_signing_hold_no_secret() -> None:
    with pytest.raises(ValueError, match="bk_ref") as caught:
        sign_callback_url(CALLBACK + "?bk_ref=x", "INV-1", SECRET)
    rendered = _with_locals(caught.value)
    assert "secret = " in rendered
    assert find_leaks(rendered) == []
