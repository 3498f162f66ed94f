"""Known-answer tests against messages genuinely signed by Amazon SNS, and their mutations."""

from __future__ import annotations

import contextlib
import json
from datetime import datetime, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bkash_sdk import SignatureVerificationError
from bkash_sdk.webhooks import AsyncSnsVerifier, SnsVerifier
from bkash_sdk.webhooks._urls import topic_region

from ._support import (
    AWS_CERT_URL,
    AWS_PEM,
    PROPERTY_EXAMPLES,
    VECTOR_FILES,
    CountingFetcher,
    aws_verifier,
    vector,
    vector_clock,
)

SIGNED_FIELDS = ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
MUTABLE_FIELDS = (*SIGNED_FIELDS, "Signature", "SignatureVersion")
VECTORS = {name: vector(name) for name in VECTOR_FILES}


@pytest.mark.parametrize("name", VECTOR_FILES)
def test_real_aws_vector_verifies(name: str) -> None:
    data = VECTORS[name]
    fetcher = CountingFetcher(AWS_PEM)
    verified = aws_verifier(data, fetcher).verify(json.dumps(data))
    assert verified.message_id == data["MessageId"]
    assert verified.topic_arn == data["TopicArn"]
    assert verified.subject == data.get("Subject")
    assert verified.signature_version == data["SignatureVersion"]
    assert verified.timestamp.isoformat().startswith(data["Timestamp"][:19])
    assert verified.unsubscribe_url == data["UnsubscribeURL"]
    assert verified.signing_cert_url == AWS_CERT_URL
    assert verified.verified
    assert not verified.duplicate
    assert fetcher.calls == 1


@pytest.mark.parametrize("name", VECTOR_FILES)
async def test_real_aws_vector_verifies_async(name: str) -> None:
    data = VECTORS[name]
    verifier = AsyncSnsVerifier(
        allowed_topic_arns=[data["TopicArn"]],
        fetcher=CountingFetcher(AWS_PEM),
        clock=lambda: vector_clock(data),
    )
    assert (await verifier.averify(json.dumps(data).encode())).message_id == data["MessageId"]


def _refused(data: dict[str, str], original: dict[str, str]) -> None:
    """Refused even with the mutated topic allowed and the clock at the mutated time."""
    allowed = [original["TopicArn"]]
    with contextlib.suppress(SignatureVerificationError):
        topic_region(data["TopicArn"])
        allowed.append(data["TopicArn"])
    try:
        now = datetime.fromisoformat(data["Timestamp"]) + timedelta(minutes=1)
        assert now.tzinfo is not None
    except (ValueError, AssertionError):
        now = vector_clock(original)
    verifier = SnsVerifier(
        allowed_topic_arns=allowed, fetcher=CountingFetcher(AWS_PEM), clock=lambda: now
    )
    with pytest.raises(SignatureVerificationError):
        verifier.verify(json.dumps(data))


@settings(max_examples=PROPERTY_EXAMPLES, deadline=None)
@given(
    name=st.sampled_from(VECTOR_FILES),
    field=st.sampled_from(MUTABLE_FIELDS),
    position=st.integers(min_value=0),
    replacement=st.characters(codec="utf-8"),
)
def test_any_single_character_change_is_refused(
    name: str, field: str, position: int, replacement: str
) -> None:
    data = dict(VECTORS[name])
    assume(field in data)
    value = data[field]
    index = position % len(value)
    assume(value[index] != replacement)
    data[field] = value[:index] + replacement + value[index + 1 :]
    _refused(data, VECTORS[name])


@pytest.mark.parametrize(
    ("name", "field"),
    [
        (name, field)
        for name in ("notification-sigv1.json", "notification-sigv2-subject.json")
        for field in SIGNED_FIELDS
        if field in VECTORS[name]
    ],
)
def test_every_position_of_every_signed_field_matters(name: str, field: str) -> None:
    original = VECTORS[name]
    value = original[field]
    for index, char in enumerate(value):
        replacement = "A" if char != "A" else "B"
        _refused(original | {field: value[:index] + replacement + value[index + 1 :]}, original)


@pytest.mark.parametrize("name", VECTOR_FILES)
def test_removing_or_adding_a_subject_is_refused(name: str) -> None:
    data = dict(VECTORS[name])
    if "Subject" in data:
        del data["Subject"]
    else:
        data["Subject"] = ""
    _refused(data, VECTORS[name])


@pytest.mark.parametrize("name", VECTOR_FILES)
def test_signature_version_swapped_is_refused(name: str) -> None:
    data = VECTORS[name]
    other = "2" if data["SignatureVersion"] == "1" else "1"
    _refused(data | {"SignatureVersion": other}, data)


@pytest.mark.parametrize("version", ["", "3", "0", " 1", "1 ", "v1", "01"])
def test_unknown_signature_version_is_refused(version: str) -> None:
    data = VECTORS["notification-sigv1.json"]
    _refused(data | {"SignatureVersion": version}, data)
