"""The one redaction module: secrets replaced, wallets reduced to their last digits."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from bkash_sdk._masking import REDACTED, mask_msisdn, redact, redact_body, redact_text


def test_wallet_numbers_keep_only_their_last_three_digits() -> None:
    assert mask_msisdn("01770618575") == "********575"
    assert mask_msisdn("8801770618575") == "**********575"
    assert mask_msisdn("12") == "**"
    assert mask_msisdn(None) is None


def test_wallets_and_tokens_inside_text_are_masked() -> None:
    text = "paid by 01770618575 (+8801929918378) with eyJraWQiOi.eyJzdWIi.sig"
    masked = redact_text(text)
    assert "01770618575" not in masked
    assert "01929918378" not in masked
    assert "eyJraWQiOi" not in masked
    assert "575" in masked


def test_sensitive_keys_are_redacted_at_any_depth() -> None:
    data = {
        "app_secret": "s",
        "nested": [{"password": "p", "Authorization": "t", "paymentID": "TR1"}],
        "username": "u",
        "refresh_token": "",
    }
    assert redact(data) == {
        "app_secret": REDACTED,
        "nested": [{"password": REDACTED, "Authorization": REDACTED, "paymentID": "TR1"}],
        "username": REDACTED,
        "refresh_token": "",
    }


def test_non_json_bodies_are_masked_as_text() -> None:
    masked = redact_body(b'<p>password=hunter2 app_secret: "x y" wallet 01770618575</p>')
    assert "hunter2" not in masked
    assert '"x y"' not in masked
    assert "01770618575" not in masked


def test_bodies_are_capped() -> None:
    assert len(redact_body(json.dumps({"a": "b" * 10_000}))) < 2100


@given(st.text())
def test_redaction_never_fails_on_text(text: str) -> None:
    assert isinstance(redact_body(text), str)
    assert isinstance(redact_text(text), str)
