"""Totality: any input gives a verified message or SignatureVerificationError, nothing else."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bkash_sdk import SignatureVerificationError
from bkash_sdk.webhooks import AsyncSnsVerifier, SnsMessage

from ._support import NOW, PROPERTY_EXAMPLES, TOPIC, TOTALITY_EXAMPLES, signer, vector

SETTINGS = settings(
    max_examples=TOTALITY_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
VERIFIER = signer().verifier()
VALID = signer().envelope(Subject="s")
AWS = vector("notification-sigv2-subject.json")
KEYS = sorted({*VALID, *AWS, "SubscribeURL", "Token", "UnsubscribeURL"})

json_leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=24)
)
json_values = st.recursive(
    json_leaves,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=4,
)
any_text = st.text(st.characters(exclude_categories=()))
header_names = (
    any_text
    | st.binary(max_size=32)
    | st.sampled_from(
        ["x-amz-sns-message-type", b"x-amz-sns-message-id", "X-Amz-Sns-Topic-Arn", b"\xff"]
    )
)
header_values = any_text | st.binary(max_size=32) | json_leaves
any_headers = (
    st.none()
    | st.dictionaries(header_names, header_values, max_size=3)
    | st.lists(st.tuples(header_names, header_values), max_size=3)
    | st.lists(st.lists(header_names, max_size=3) | json_leaves | st.binary(), max_size=3)
    | json_leaves
)


def _check(raw: bytes | str, headers: Any = None) -> None:
    try:
        message = VERIFIER.verify(raw, headers=headers)
    except SignatureVerificationError:
        return
    assert isinstance(message, SnsMessage)
    assert message.verified


@SETTINGS
@given(st.binary(max_size=4096))
def test_arbitrary_bytes(raw: bytes) -> None:
    _check(raw)


@SETTINGS
@given(any_text)
def test_arbitrary_text_including_surrogates(raw: str) -> None:
    _check(raw)
    _check(raw.encode("utf-8", "surrogatepass"))


def _apply(base: dict[str, str], changes: dict[str, Any]) -> dict[str, Any]:
    envelope: dict[str, Any] = dict(base)
    for key, value in changes.items():
        if value is None:
            envelope.pop(key, None)
        else:
            envelope[key] = value
    return envelope


envelopes = st.builds(
    _apply,
    st.sampled_from([VALID, AWS]),
    st.dictionaries(
        st.sampled_from(KEYS),
        st.one_of(st.just(None), json_leaves, st.sampled_from(list(VALID.values())), json_values),
        max_size=3,
    ),
)


@SETTINGS
@given(
    document=st.one_of(json_values, envelopes),
    headers=any_headers,
)
def test_arbitrary_json_documents_and_envelopes(document: Any, headers: Any) -> None:
    """Any JSON value or envelope, with any headers: mappings, raw pairs, or junk."""
    _check(json.dumps(document), headers)


@settings(SETTINGS, max_examples=PROPERTY_EXAMPLES)
@given(data=st.data(), base=st.sampled_from([VALID, AWS]))
def test_byte_level_corruption_of_valid_bodies(data: st.DataObject, base: dict[str, str]) -> None:
    raw = bytearray(json.dumps(base).encode())
    for _ in range(data.draw(st.integers(1, 3))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    _check(bytes(raw))


HUGE = [
    b"[" * 1_000_000,
    b'{"a":' * 200_000,
    b"1" * 100_000,
    b" " * (3 * 1024 * 1024),
    json.dumps(VALID | {"Message": "x" * 1_000_000}).encode(),
    json.dumps(VALID | {"Signature": "A" * 1_000_000}).encode(),
    json.dumps(VALID | {"Timestamp": "9" * 100_000}).encode(),
    json.dumps(VALID | {"Timestamp": "9999-12-31T23:59:59-23:59"}).encode(),
    json.dumps(VALID | {"Timestamp": "0001-01-01T00:00:00+23:59"}).encode(),
    json.dumps(VALID | {"MessageId": 10**4000}).encode(),
    json.dumps(VALID | {"Message": "\ud800"}).encode(),
    json.dumps(VALID | {"Signature": "*" * 100}).encode(),
    json.dumps(VALID | {"Signature": "\u00e9" * 8}).encode(),
    json.dumps(VALID | {"Signature": ""}).encode(),
    json.dumps(VALID | {"Type": ["Notification"]}).encode(),
    json.dumps(VALID | {"Type": {"a": 1}}).encode(),
    json.dumps(VALID | {"SignatureVersion": 1}).encode(),
    b'{"Type":"Notification","Type":"SubscriptionConfirmation"}',
    b"\xef\xbb\xbf" + json.dumps(VALID).encode(),
    b"\xff\xfe",
    b"NaN",
    b"",
]


@pytest.mark.parametrize("raw", HUGE, ids=range(len(HUGE)))
def test_huge_and_pathological_inputs(raw: bytes) -> None:
    with pytest.raises(SignatureVerificationError):
        VERIFIER.verify(raw)


@pytest.mark.parametrize("raw", [None, 42, [], {}, object()])
def test_non_text_bodies(raw: Any) -> None:
    with pytest.raises(SignatureVerificationError):
        VERIFIER.verify(raw)


@settings(SETTINGS, max_examples=PROPERTY_EXAMPLES)
@given(st.one_of(st.binary(max_size=512), json_values.map(json.dumps)))
async def test_async_verifier_is_total(raw: bytes | str) -> None:
    certs = signer().static()
    verifier = AsyncSnsVerifier(
        allowed_topic_arns=[TOPIC], fetcher=certs, trust=certs.trust, clock=lambda: NOW
    )
    try:
        message = await verifier.averify(raw)
    except SignatureVerificationError:
        return
    assert message.verified
