"""Verifier rules with our own signing key: types, versions, topics, time, duplicates."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from bkash_sdk import ConfigurationError, SignatureVerificationError
from bkash_sdk.webhooks import AsyncSnsVerifier, MemorySeenStore, SnsMessage

from ._support import NOW, TOPIC, body, signer

TYPES = ["Notification", "SubscriptionConfirmation", "UnsubscribeConfirmation"]


@pytest.mark.parametrize("version", ["1", "2"])
@pytest.mark.parametrize("message_type", TYPES)
def test_each_type_and_version_verifies(message_type: str, version: str) -> None:
    envelope = signer().envelope(message_type, version=version)
    message = signer().verifier().verify(body(envelope))
    assert message.type == message_type
    assert message.signature_version == version
    assert message.message_id == envelope["MessageId"]
    assert message.timestamp == NOW
    if message_type != "Notification":
        assert message.token == envelope["Token"]
        assert message.subscribe_url == envelope["SubscribeURL"]


@pytest.mark.parametrize("message_type", TYPES[1:])
@pytest.mark.parametrize("field", ["SubscribeURL", "Token", "Message", "MessageId", "Type"])
def test_confirmation_strings_cover_token_and_subscribe_url(message_type: str, field: str) -> None:
    envelope = signer().envelope(message_type)
    tampered = envelope | {field: envelope[field] + "x"}
    with pytest.raises(SignatureVerificationError):
        signer().verifier().verify(body(tampered))


@pytest.mark.parametrize("message_type", TYPES[1:])
def test_confirmation_without_token_is_refused(message_type: str) -> None:
    envelope = signer().envelope(message_type)
    del envelope["Token"]
    with pytest.raises(SignatureVerificationError, match="Token"):
        signer().verifier().verify(body(envelope))


def test_unsigned_keys_of_another_type_are_ignored_not_signed() -> None:
    envelope = signer().envelope("Notification") | {"Token": "", "SubscribeURL": "https://x"}
    message = signer().verifier().verify(body(envelope))
    assert message.token is None
    assert message.subscribe_url is None


def test_subject_is_signed_for_notifications() -> None:
    envelope = signer().envelope(Subject="Payment")
    assert signer().verifier().verify(body(envelope)).subject == "Payment"
    with pytest.raises(SignatureVerificationError):
        signer().verifier().verify(body(envelope | {"Subject": "Refund"}))


def test_message_is_used_raw() -> None:
    raw = '{"b": 1,  "a": "\\u00e9"}'
    envelope = signer().envelope(message=raw)
    assert signer().verifier().verify(json.dumps(envelope)).message == raw


@pytest.mark.parametrize("message_type", ["notification", "Notification ", "Unknown", ""])
def test_unknown_type_is_refused(message_type: str) -> None:
    envelope = signer().envelope() | {"Type": message_type}
    with pytest.raises(SignatureVerificationError, match="Type"):
        signer().verifier().verify(body(signer().sign(envelope)))


def test_topic_not_in_the_allow_list_is_refused() -> None:
    other = "arn:aws:sns:ap-southeast-1:123456789012:bpt_other"
    envelope = signer().envelope(topic_arn=other)
    with pytest.raises(SignatureVerificationError, match="TopicArn is not allowed"):
        signer().verifier().verify(body(envelope))
    assert signer().verifier(allowed_topic_arns=[TOPIC, other]).verify(body(envelope)).verified


def test_a_single_arn_string_is_accepted() -> None:
    assert signer().verifier(allowed_topic_arns=TOPIC).verify(body(signer().envelope())).verified


def test_an_empty_allow_list_refuses_everything() -> None:
    verifier = signer().verifier(allowed_topic_arns=[])
    for message_type in TYPES:
        with pytest.raises(SignatureVerificationError, match="not allowed"):
            verifier.verify(body(signer().envelope(message_type)))


def test_allowed_topics_must_be_arns() -> None:
    with pytest.raises(ConfigurationError):
        signer().verifier(allowed_topic_arns=["bpt_01700000001"])


def test_region_pin() -> None:
    envelope = signer().envelope()
    assert signer().verifier(region="ap-southeast-1").verify(body(envelope)).verified
    with pytest.raises(SignatureVerificationError, match="region"):
        signer().verifier(region="us-east-1").verify(body(envelope))


@pytest.mark.parametrize(
    ("age", "accepted"),
    [
        (timedelta(0), True),
        (timedelta(minutes=64), True),
        (timedelta(hours=1, minutes=5), True),
        (timedelta(hours=1, minutes=5, seconds=1), False),
        (timedelta(days=3), False),
        (timedelta(minutes=-5), True),
        (timedelta(minutes=-5, seconds=-1), False),
        (timedelta(days=-1), False),
    ],
)
def test_timestamp_window(age: timedelta, accepted: bool) -> None:
    envelope = signer().envelope(timestamp=NOW - age)
    verifier = signer().verifier()
    if accepted:
        assert verifier.verify(body(envelope)).verified
    else:
        with pytest.raises(SignatureVerificationError, match="Timestamp"):
            verifier.verify(body(envelope))


@pytest.mark.parametrize(
    "timestamp", ["2024-05-01T12:00:00", "2024-05-01", "yesterday", "", "2024-05-01T12:00:00Zjunk"]
)
def test_timestamp_must_be_iso_with_offset(timestamp: str) -> None:
    envelope = signer().sign(signer().envelope() | {"Timestamp": timestamp})
    with pytest.raises(SignatureVerificationError, match="Timestamp"):
        signer().verifier().verify(body(envelope))


def test_timestamp_with_an_offset_is_converted_to_utc() -> None:
    envelope = signer().sign(signer().envelope() | {"Timestamp": "2024-05-01T18:00:00+06:00"})
    assert signer().verifier().verify(body(envelope)).timestamp == NOW


def test_naive_clock_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="aware"):
        signer().verifier(clock=lambda: NOW.replace(tzinfo=None)).verify(body(signer().envelope()))


def test_a_redelivery_is_flagged_duplicate_not_refused() -> None:
    verifier = signer().verifier()
    raw = body(signer().envelope())
    assert not verifier.verify(raw).duplicate
    assert verifier.verify(raw).duplicate
    assert verifier.verify(raw.decode()).duplicate
    assert not verifier.verify(body(signer().envelope())).duplicate


def test_a_refused_message_is_not_recorded_as_seen() -> None:
    verifier = signer().verifier()
    envelope = signer().envelope()
    with pytest.raises(SignatureVerificationError):
        verifier.verify(body(envelope | {"Message": "forged"}))
    assert not verifier.verify(body(envelope)).duplicate


def test_memory_store_forgets_after_the_ttl() -> None:
    ticks = [0.0]
    store = MemorySeenStore(timer=lambda: ticks[0])
    assert store.add("m", 10)
    assert not store.add("m", 10)
    ticks[0] = 11
    assert store.add("m", 10)


async def test_async_duplicates_share_the_rules() -> None:
    certs = signer().static()
    verifier = AsyncSnsVerifier(
        allowed_topic_arns=[TOPIC], fetcher=certs, trust=certs.trust, clock=lambda: NOW
    )
    raw = body(signer().envelope())
    assert not (await verifier.averify(raw)).duplicate
    assert (await verifier.averify(raw)).duplicate
    with pytest.raises(SignatureVerificationError):
        await verifier.averify(b"{}")


class BrokenStore:
    """A seen store whose backend is down."""

    def add(self, message_id: str, ttl: float) -> bool:
        raise ConnectionError("store down")


def test_a_failing_seen_store_does_not_drop_verified_messages(
    caplog: pytest.LogCaptureFixture,
) -> None:
    verifier = signer().verifier(seen_store=BrokenStore())
    envelope = signer().envelope()
    assert not verifier.verify(body(envelope)).duplicate
    assert "seen-store unavailable" in caplog.text
    assert envelope["MessageId"] not in caplog.text


@pytest.mark.parametrize(
    ("headers", "accepted"),
    [
        ({"x-amz-sns-message-type": "Notification"}, True),
        ({"X-Amz-Sns-Message-Type": "Notification", "Content-Type": "text/plain"}, True),
        ({"x-amz-sns-message-type": "SubscriptionConfirmation"}, False),
        ({"x-amz-sns-topic-arn": TOPIC}, True),
        ({"x-amz-sns-topic-arn": TOPIC + "x"}, False),
        ({"x-amz-sns-message-id": "other"}, False),
        ({}, True),
    ],
)
def test_headers_are_cross_checked(headers: dict[str, str], accepted: bool) -> None:
    raw = body(signer().envelope())
    verifier = signer().verifier()
    if accepted:
        assert verifier.verify(raw, headers=headers).verified
    else:
        with pytest.raises(SignatureVerificationError, match="header"):
            verifier.verify(raw, headers=headers)


def test_unknown_fields_are_kept_but_cannot_shadow_the_model() -> None:
    envelope = signer().envelope() | {
        "Extra": [1, 2],
        "duplicate": True,
        "type": "x",
        "_verified": 0,
    }
    message = signer().verifier().verify(body(envelope))
    assert message.model_extra == {"Extra": [1, 2]}
    assert message.type == "Notification"
    assert message.duplicate is False


def test_a_hand_built_message_is_not_verified() -> None:
    fields: dict[str, Any] = dict(signer().envelope()) | {"Timestamp": NOW}
    assert not SnsMessage.model_validate(fields).verified


def test_error_messages_do_not_echo_the_body() -> None:
    envelope = signer().envelope(message="secret-payload-8801700000001") | {"Signature": "AAAA"}
    with pytest.raises(SignatureVerificationError) as info:
        signer().verifier().verify(body(envelope))
    assert "secret-payload" not in str(info.value)
    assert "8801700000001" not in str(info.value)
