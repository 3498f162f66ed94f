"""Confirming a subscription: only verified, allowed, SNS-shaped, without redirects."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from bkash_sdk import (
    BkashAPIError,
    BkashConnectionError,
    BkashTimeoutError,
    SignatureVerificationError,
)
from bkash_sdk.webhooks import AsyncSnsVerifier, SnsMessage, SnsVerifier

from ._support import NOW, TOPIC, body, signer

TOKEN = "2336412f37fb687f5d51e6e2425c464d"
BASE = "https://sns.ap-southeast-1.amazonaws.com/"
GOOD = f"{BASE}?Action=ConfirmSubscription&TopicArn={TOPIC}&Token={TOKEN}"


class Recorder:
    """An httpx handler that records requests and answers with ``status``."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(self.status, headers={"location": "https://evil.example/"})


def _verifier(recorder: Recorder, **kwargs: Any) -> SnsVerifier:
    client = httpx.Client(transport=httpx.MockTransport(recorder))
    return signer().verifier(http_client=client, **kwargs)


def _confirmation(subscribe_url: str = GOOD) -> SnsMessage:
    envelope = signer().envelope("SubscriptionConfirmation", SubscribeURL=subscribe_url)
    return signer().verifier().verify(body(envelope))


def test_confirms_with_one_get_to_the_subscribe_url() -> None:
    recorder = Recorder()
    _verifier(recorder).confirm_subscription(_confirmation())
    assert [(r.method, str(r.url)) for r in recorder.requests] == [("GET", GOOD)]


def test_percent_encoded_topic_is_accepted() -> None:
    recorder = Recorder()
    encoded = GOOD.replace(TOPIC, TOPIC.replace(":", "%3A"))
    _verifier(recorder).confirm_subscription(_confirmation(encoded))
    assert len(recorder.requests) == 1


HOSTILE_SUBSCRIBE_URLS = [
    f"https://evil.example/?Action=ConfirmSubscription&TopicArn={TOPIC}&Token={TOKEN}",
    f"https://sns.ap-southeast-1.amazonaws.com.evil.example/?Action=ConfirmSubscription&TopicArn={TOPIC}&Token={TOKEN}",
    GOOD.replace("https://", "http://"),
    GOOD.replace(".com/", ".com:8443/"),
    GOOD.replace("https://", "https://user@"),
    GOOD.replace(".com/?", ".com/confirm?"),
    GOOD.replace(".com/?", ".com?"),
    GOOD.replace("sns.ap-southeast-1", "sns.us-east-1"),
    GOOD.replace("ConfirmSubscription", "Unsubscribe"),
    GOOD.replace(TOPIC, TOPIC + "-other"),
    GOOD.replace(TOKEN, TOKEN[::-1]),
    GOOD + "#fragment",
    GOOD + "&Extra=1",
    GOOD + f"&Token={TOKEN}",
    f"{BASE}?Action=ConfirmSubscription&TopicArn={TOPIC}",
    GOOD + "\n",
    GOOD.replace("&", "&&"),
    BASE,
]


@pytest.mark.parametrize("url", HOSTILE_SUBSCRIBE_URLS)
def test_refuses_a_subscribe_url_that_is_not_sns_confirm_for_this_topic(url: str) -> None:
    recorder = Recorder()
    with pytest.raises(SignatureVerificationError):
        _verifier(recorder).confirm_subscription(_confirmation(url))
    assert recorder.requests == []


@pytest.mark.parametrize("status", [301, 302, 307, 403, 500])
def test_follows_no_redirect_and_reports_failure(status: int) -> None:
    recorder = Recorder(status)
    with pytest.raises(BkashAPIError) as info:
        _verifier(recorder).confirm_subscription(_confirmation())
    assert info.value.http_status == status
    assert len(recorder.requests) == 1


def test_refuses_an_unverified_message() -> None:
    recorder = Recorder()
    message = _confirmation()
    forged = SnsMessage.model_validate(message.model_dump(by_alias=True))
    with pytest.raises(SignatureVerificationError, match="verified"):
        _verifier(recorder).confirm_subscription(forged)
    assert recorder.requests == []


def test_refuses_notifications_and_unsubscribes() -> None:
    recorder = Recorder()
    for message_type in ("Notification", "UnsubscribeConfirmation"):
        message = signer().verifier().verify(body(signer().envelope(message_type)))
        with pytest.raises(SignatureVerificationError):
            _verifier(recorder).confirm_subscription(message)
    assert recorder.requests == []


def test_refuses_a_topic_this_verifier_does_not_allow() -> None:
    recorder = Recorder()
    other = "arn:aws:sns:ap-southeast-1:123456789012:bpt_other"
    with pytest.raises(SignatureVerificationError, match="not allowed"):
        _verifier(recorder, allowed_topic_arns=[other]).confirm_subscription(_confirmation())
    assert recorder.requests == []


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (httpx.ConnectTimeout("slow"), BkashTimeoutError),
        (httpx.ReadTimeout("slow"), BkashTimeoutError),
        (httpx.ConnectError("down"), BkashConnectionError),
    ],
)
def test_transport_failures_are_sdk_errors(
    error: httpx.HTTPError, expected: type[Exception]
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise error

    client = httpx.Client(transport=httpx.MockTransport(handler))
    with pytest.raises(expected):
        signer().verifier(http_client=client).confirm_subscription(_confirmation())


async def test_async_confirmation() -> None:
    recorder = Recorder()
    certs = signer().static()
    async with httpx.AsyncClient(transport=httpx.MockTransport(recorder)) as client:
        verifier = AsyncSnsVerifier(
            allowed_topic_arns=[TOPIC],
            fetcher=certs,
            trust=certs.trust,
            clock=lambda: NOW,
            http_client=client,
        )
        message = await verifier.averify(body(signer().envelope("SubscriptionConfirmation")))
        await verifier.aconfirm_subscription(message)
        with pytest.raises(SignatureVerificationError):
            await verifier.aconfirm_subscription(_confirmation(HOSTILE_SUBSCRIBE_URLS[0]))
        recorder.status = 302
        with pytest.raises(BkashAPIError):
            await verifier.aconfirm_subscription(message)
    assert len(recorder.requests) == 2


def test_a_confirmation_whose_confirm_failed_is_confirmed_on_redelivery() -> None:
    outcomes: list[httpx.HTTPError | None] = [httpx.ConnectTimeout("slow"), None]
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        error = outcomes.pop(0)
        if error is not None:
            raise error
        return httpx.Response(200)

    verifier = signer().verifier(http_client=httpx.Client(transport=httpx.MockTransport(handler)))
    raw = body(signer().envelope("SubscriptionConfirmation"))

    def endpoint() -> int:
        message = verifier.verify(raw)
        if not message.duplicate:
            try:
                verifier.confirm_subscription(message)
            except BkashTimeoutError:
                return 503
            verifier.mark_processed(message)
        return 200

    assert [endpoint(), endpoint(), endpoint()] == [503, 200, 200]
    assert [str(r.url) for r in requests] == [GOOD, GOOD]
