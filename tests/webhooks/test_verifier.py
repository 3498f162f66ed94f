"""Verifier rules with our own signing key: types, versions, topics, time, duplicates."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any, cast

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


def test_a_redelivery_of_a_processed_message_is_flagged_duplicate_not_refused() -> None:
    verifier = signer().verifier()
    raw = body(signer().envelope())
    message = verifier.verify(raw)
    assert not message.duplicate
    verifier.mark_processed(message)
    assert verifier.verify(raw).duplicate
    assert verifier.verify(raw.decode()).duplicate
    assert not verifier.verify(body(signer().envelope())).duplicate


def test_verifying_records_nothing_so_a_failed_handling_is_retried() -> None:
    """The handler failed (no ``mark_processed``): SNS's redelivery must be processed again."""
    verifier = signer().verifier()
    raw = body(signer().envelope())
    assert not verifier.verify(raw).duplicate
    assert not verifier.verify(raw).duplicate  # the redelivery after a 500
    verifier.mark_processed(verifier.verify(raw))
    assert verifier.verify(raw).duplicate


def test_the_documented_flow_processes_a_payment_exactly_once_despite_a_failure() -> None:
    verifier = signer().verifier()
    raw = body(signer().envelope())
    stored: list[str] = []
    database_up = iter([False, True, True])

    def endpoint(request_body: bytes) -> int:
        message = verifier.verify(request_body)
        if not message.duplicate:
            try:
                if not next(database_up):
                    raise ConnectionError("database down")
                stored.append(message.message_id)
            except ConnectionError:
                return 500
            verifier.mark_processed(message)
        return 200

    assert [endpoint(raw), endpoint(raw), endpoint(raw)] == [500, 200, 200]
    assert stored == [json.loads(raw)["MessageId"]]


def test_a_refused_message_cannot_be_marked_processed() -> None:
    verifier = signer().verifier()
    envelope = signer().envelope()
    with pytest.raises(SignatureVerificationError):
        verifier.verify(body(envelope | {"Message": "forged"}))
    fields: dict[str, Any] = dict(envelope) | {"Timestamp": NOW}
    with pytest.raises(SignatureVerificationError, match="verified"):
        verifier.mark_processed(SnsMessage.model_validate(fields))
    assert not verifier.verify(body(envelope)).duplicate


def test_marks_are_per_seen_store() -> None:
    store = MemorySeenStore()
    raw = body(signer().envelope())
    first, second = signer().verifier(seen_store=store), signer().verifier(seen_store=store)
    first.mark_processed(first.verify(raw))
    assert second.verify(raw).duplicate
    assert not signer().verifier().verify(raw).duplicate


def test_memory_store_forgets_after_the_ttl() -> None:
    ticks = [0.0]
    store = MemorySeenStore(timer=lambda: ticks[0])
    assert not store.contains("m")
    assert store.add("m", 10)
    assert store.contains("m")
    assert not store.add("m", 10)
    ticks[0] = 11
    assert not store.contains("m")
    assert store.add("m", 10)


async def test_async_duplicates_share_the_rules() -> None:
    certs = signer().static()
    verifier = AsyncSnsVerifier(
        allowed_topic_arns=[TOPIC], fetcher=certs, trust=certs.trust, clock=lambda: NOW
    )
    raw = body(signer().envelope())
    message = await verifier.averify(raw)
    assert not message.duplicate
    assert not (await verifier.averify(raw)).duplicate
    await verifier.amark_processed(message)
    assert (await verifier.averify(raw)).duplicate
    with pytest.raises(SignatureVerificationError):
        await verifier.averify(b"{}")
    with pytest.raises(SignatureVerificationError, match="verified"):
        await verifier.amark_processed(SnsMessage.model_validate(message.model_dump(by_alias=True)))


class BrokenStore:
    """A seen store whose backend is down (sync and async)."""

    def contains(self, message_id: str) -> bool:
        raise ConnectionError("store down")

    def add(self, message_id: str, ttl: float) -> bool:
        raise ConnectionError("store down")

    async def acontains(self, message_id: str) -> bool:
        return self.contains(message_id)

    async def aadd(self, message_id: str, ttl: float) -> bool:
        return self.add(message_id, ttl)


def test_a_failing_seen_store_does_not_drop_verified_messages(
    caplog: pytest.LogCaptureFixture,
) -> None:
    verifier = signer().verifier(seen_store=BrokenStore())
    envelope = signer().envelope()
    message = verifier.verify(body(envelope))
    assert not message.duplicate
    verifier.mark_processed(message)  # logged, not raised: the redelivery is processed again
    assert not verifier.verify(body(envelope)).duplicate
    assert "seen-store unavailable" in caplog.text
    assert "processed again" in caplog.text
    assert envelope["MessageId"] not in caplog.text


async def test_a_failing_async_seen_store_does_not_drop_verified_messages() -> None:
    certs = signer().static()
    verifier = AsyncSnsVerifier(
        allowed_topic_arns=[TOPIC],
        fetcher=certs,
        trust=certs.trust,
        clock=lambda: NOW,
        seen_store=BrokenStore(),
    )
    message = await verifier.averify(body(signer().envelope()))
    assert not message.duplicate
    await verifier.amark_processed(message)


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


def _asgi(headers: dict[str, str]) -> list[tuple[bytes, bytes]]:
    return [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]


@pytest.mark.parametrize("form", ["asgi-raw", "bytes-dict", "pair-lists", "str-pairs"])
@pytest.mark.parametrize(
    ("header", "accepted"),
    [("Notification", True), ("SubscriptionConfirmation", False), ("Notification ", False)],
)
def test_bytes_headers_are_decoded_and_cross_checked(
    form: str, header: str, accepted: bool
) -> None:
    raw = body(signer().envelope())
    pairs = _asgi({"host": "shop.example", "X-Amz-Sns-Message-Type": header})
    headers: Any = {
        "asgi-raw": pairs,
        "bytes-dict": dict(pairs),
        "pair-lists": [list(pair) for pair in pairs],
        "str-pairs": [(k.decode(), v.decode()) for k, v in pairs],
    }[form]
    verifier = signer().verifier()
    if accepted:
        assert verifier.verify(raw, headers=headers).verified
    else:
        with pytest.raises(SignatureVerificationError, match="x-amz-sns-message-type"):
            verifier.verify(raw, headers=headers)


def test_every_copy_of_a_repeated_raw_header_must_match() -> None:
    envelope = signer().envelope()
    good = (b"x-amz-sns-message-id", envelope["MessageId"].encode())
    verifier = signer().verifier()
    assert verifier.verify(body(envelope), headers=[good, good]).verified
    with pytest.raises(SignatureVerificationError, match="x-amz-sns-message-id"):
        verifier.verify(body(envelope), headers=[good, (b"x-amz-sns-message-id", b"other")])


@pytest.mark.parametrize(
    "headers",
    [
        [(b"x-amz-sns-message-type",)],
        [b"x-amz-sns-message-type: Notification"],
        "x-amz-sns-message-type: Notification",
        b"raw",
        42,
    ],
)
def test_headers_that_are_not_name_value_pairs_are_refused(headers: Any) -> None:
    with pytest.raises(SignatureVerificationError, match="headers"):
        signer().verifier().verify(body(signer().envelope()), headers=headers)


def test_a_matching_header_with_a_non_text_value_is_refused() -> None:
    with pytest.raises(SignatureVerificationError, match="x-amz-sns-message-type"):
        signer().verifier().verify(
            body(signer().envelope()), headers=cast(Any, {"x-amz-sns-message-type": None})
        )


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
