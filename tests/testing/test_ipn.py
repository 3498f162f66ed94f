"""The sandbox's signed IPNs, checked end to end by the real SNS verifier."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

import httpx
import pytest

from bkash_sdk import BkashAPIError, BkashClient, ConfigurationError, SignatureVerificationError
from bkash_sdk.testing import (
    PUBLIC_SANDBOX_CREDENTIALS,
    Clock,
    FakeBkash,
    IpnMessage,
    IpnSettings,
)
from bkash_sdk.webhooks import DHAKA, SnsVerifier

START = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
WALLET = "01619777283"
SNS_HEADERS = {
    "x-amz-sns-message-type",
    "x-amz-sns-message-id",
    "x-amz-sns-topic-arn",
    "x-amz-sns-subscription-arn",
}


def sandbox(**settings: Any) -> FakeBkash:
    return FakeBkash(clock=Clock(start=START.timestamp()), ipn=IpnSettings(**settings))


@pytest.fixture
def fake() -> FakeBkash:
    return sandbox()


def connect(fake: FakeBkash) -> BkashClient:
    creds = PUBLIC_SANDBOX_CREDENTIALS[0]
    return BkashClient(
        app_key=creds.app_key,
        app_secret=creds.app_secret,
        username=creds.username,
        password=creds.password,
        callback_url="https://shop.example/bkash/callback",
        http_client=httpx.Client(transport=fake.transport()),
    )


@pytest.fixture
def client(fake: FakeBkash) -> Iterator[BkashClient]:
    with connect(fake) as bkash:
        yield bkash


def create(client: BkashClient, intent: Literal["sale", "authorization"] = "sale") -> str:
    payment = client.payments.create(
        amount=Decimal("500.50"),
        merchant_invoice_number="INV-7",
        payer_reference="order-7",
        intent=intent,
    )
    return payment.payment_id


def sell(
    client: BkashClient, fake: FakeBkash, intent: Literal["sale", "authorization"] = "sale"
) -> str:
    """Create a payment and let the customer approve it with ``WALLET``."""
    payment_id = create(client, intent)
    fake.approve(payment_id, wallet=WALLET)
    return payment_id


def tampered(ipn: IpnMessage, **payment: str) -> bytes:
    inner = json.loads(ipn.envelope["Message"]) | payment
    return json.dumps(ipn.envelope | {"Message": json.dumps(inner)}).encode()


# -- a sale, verified end to end ---------------------------------------------------------


@pytest.mark.parametrize("version", ["1", "2"])
def test_sale_emits_an_ipn_the_verifier_accepts(version: str) -> None:
    fake = sandbox(signature_version=version)
    with connect(fake) as client:
        done = client.payments.execute(sell(client, fake))

    [ipn] = fake.ipn.take()
    message = fake.ipn.verifier().verify(ipn.body, ipn.headers)
    assert (message.type, message.signature_version, message.duplicate) == (
        "Notification",
        version,
        False,
    )
    assert message.timestamp == START
    assert message.topic_arn == "arn:aws:sns:ap-southeast-1:123456789012:bpt_01770618567"
    payment = message.payment()
    assert payment.trx_id == done.trx_id == ipn.trx_id
    assert payment.amount == Decimal("500.50")
    assert (payment.currency, payment.transaction_status) == ("BDT", "Completed")
    assert payment.transaction_type == "10002294"
    assert payment.merchant_invoice_number == "INV-7"
    assert payment.transaction_reference == "order-7"
    assert payment.credit_short_code == "01770618567"
    assert payment.credit_organization_name == "FakeBkash Merchant"
    assert payment.debit_msisdn == WALLET
    assert WALLET not in repr(payment)
    assert "********283" in repr(payment)
    assert payment.date_time == START == done.payment_execute_time
    assert payment.date_time.utcoffset() == timedelta(hours=6)
    assert payment.date_time.tzinfo == DHAKA


def test_envelope_and_headers_look_like_sns(client: BkashClient, fake: FakeBkash) -> None:
    client.payments.execute(sell(client, fake))
    [ipn] = fake.ipn.messages
    assert list(ipn.envelope) == [
        "Type",
        "MessageId",
        "TopicArn",
        "Message",
        "Timestamp",
        "SignatureVersion",
        "Signature",
        "SigningCertURL",
        "UnsubscribeURL",
    ]
    assert ipn.envelope["Timestamp"] == "2024-05-01T12:00:00.000Z"
    assert ipn.envelope["SigningCertURL"] == fake.ipn.certificate_url
    assert json.loads(ipn.envelope["Message"])["dateTime"] == "20240501180000"
    assert ipn.headers["x-amz-sns-message-id"] == ipn.message_id
    assert ipn.headers["x-amz-sns-subscription-arn"] == fake.ipn.subscription_arn
    assert ipn.headers["Content-Type"] == "text/plain; charset=UTF-8"
    assert ipn.headers["User-Agent"] == "Amazon Simple Notification Service Agent"
    assert "01770618567" not in repr(ipn)


def test_async_verifier_accepts_the_ipn(client: BkashClient, fake: FakeBkash) -> None:
    client.payments.execute(sell(client, fake))
    [ipn] = fake.ipn.take()
    message = asyncio.run(fake.ipn.async_verifier().averify(ipn.body, ipn.headers))
    assert message.payment().trx_id == ipn.trx_id


def test_redelivery_is_flagged_duplicate(client: BkashClient, fake: FakeBkash) -> None:
    client.payments.execute(sell(client, fake))
    [ipn] = fake.ipn.take()
    verifier = fake.ipn.verifier()
    message = verifier.verify(ipn.body, ipn.headers)
    assert not message.duplicate
    assert not verifier.verify(ipn.body, ipn.headers).duplicate  # not processed yet
    verifier.mark_processed(message)
    assert verifier.verify(ipn.body, ipn.headers).duplicate


def test_tampered_amount_is_refused(client: BkashClient, fake: FakeBkash) -> None:
    client.payments.execute(sell(client, fake))
    [ipn] = fake.ipn.take()
    with pytest.raises(SignatureVerificationError):
        fake.ipn.verifier().verify(tampered(ipn, amount="5.05"))


def test_only_a_verifier_that_trusts_the_sandbox_accepts_it(
    client: BkashClient, fake: FakeBkash
) -> None:
    client.payments.execute(sell(client, fake))
    [ipn] = fake.ipn.take()
    amazon_only = SnsVerifier(
        allowed_topic_arns=[fake.ipn.topic_arn],
        fetcher=fake.ipn.certificates(),
        clock=lambda: START,
    )
    with pytest.raises(SignatureVerificationError):
        amazon_only.verify(ipn.body)
    with pytest.raises(SignatureVerificationError):
        sandbox().ipn.verifier().verify(ipn.body)  # another sandbox's topic and certificate


def test_stale_ipn_is_refused(client: BkashClient, fake: FakeBkash) -> None:
    client.payments.execute(sell(client, fake))
    [ipn] = fake.ipn.take()
    fake.clock.advance(2 * 3600)
    with pytest.raises(SignatureVerificationError):
        fake.ipn.verifier().verify(ipn.body)


def test_topic_is_configurable() -> None:
    arn = "arn:aws:sns:us-east-1:999988887777:bpt_01929918378"
    message = sandbox(topic_arn=arn).ipn.subscription_confirmation()
    assert message.envelope["TopicArn"] == arn
    assert message.envelope["SigningCertURL"].startswith("https://sns.us-east-1.amazonaws.com/")
    with pytest.raises(ConfigurationError):
        sandbox(topic_arn="arn:aws:sqs:ap-southeast-1:123456789012:queue")


# -- which payments are notified ---------------------------------------------------------


def test_authorization_is_notified_at_capture(client: BkashClient, fake: FakeBkash) -> None:
    payment_id = sell(client, fake, "authorization")
    client.payments.execute(payment_id)
    assert fake.ipn.take() == []
    captured = client.payments.capture(payment_id)
    [ipn] = fake.ipn.take()
    assert fake.ipn.verifier().verify(ipn.body).payment().trx_id == captured.trx_id


def test_unfinished_payments_emit_nothing(client: BkashClient, fake: FakeBkash) -> None:
    failed, cancelled, broke = (create(client) for _ in range(3))
    fake.fail(failed)
    fake.cancel(cancelled)
    fake.approve(broke, wallet="01823074817")  # insufficient balance
    voided = sell(client, fake, "authorization")
    client.payments.execute(voided)
    client.payments.void(voided)
    for payment_id in (failed, cancelled, broke):
        with pytest.raises(BkashAPIError):
            client.payments.execute(payment_id)
    assert fake.ipn.messages == ()


# -- subscription confirmation -----------------------------------------------------------


class Recorder:
    """An httpx handler that records requests and answers ``status``."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(self.status)


def test_confirmation_verifies_and_confirms_through_a_transport(fake: FakeBkash) -> None:
    confirmation = fake.ipn.subscription_confirmation()
    message = fake.ipn.verifier().verify(confirmation.body, confirmation.headers)
    assert message.type == "SubscriptionConfirmation"
    assert message.token == confirmation.envelope["Token"]

    recorder = Recorder()
    verifier = fake.ipn.verifier(http_client=httpx.Client(transport=httpx.MockTransport(recorder)))
    verifier.confirm_subscription(verifier.verify(confirmation.body))
    assert [(r.method, str(r.url)) for r in recorder.requests] == [
        ("GET", confirmation.envelope["SubscribeURL"])
    ]
    fake.ipn.verifier().confirm_subscription(message)  # the sandbox's own SNS answers 200


def test_sns_answers_only_this_sandboxs_tokens(fake: FakeBkash) -> None:
    mine = fake.ipn.subscription_confirmation()
    other = sandbox().ipn.subscription_confirmation()
    with httpx.Client(transport=fake.ipn.transport()) as sns:
        assert sns.get(mine.envelope["SubscribeURL"]).status_code == 200
        assert sns.get(other.envelope["SubscribeURL"]).status_code == 400


# -- delivery over HTTP ------------------------------------------------------------------


class Receiver(ThreadingHTTPServer):
    """A webhook endpoint on loopback that records each POST and answers 200."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.received: list[tuple[dict[str, str], bytes]] = []

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}/bkash/ipn"


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield server
    server.shutdown()
    thread.join()
    server.server_close()


def test_subscribed_endpoint_gets_signed_posts(
    client: BkashClient, fake: FakeBkash, receiver: Receiver
) -> None:
    verifier = fake.ipn.verifier()
    fake.ipn.subscribe_endpoint(receiver.url, timeout=2.0)
    [confirm_delivery] = fake.ipn.wait()
    assert confirm_delivery.ok
    [(headers, body)] = receiver.received
    confirmation = verifier.verify(body, headers)
    assert confirmation.type == "SubscriptionConfirmation"
    assert not fake.ipn.is_confirmed(receiver.url)
    verifier.confirm_subscription(confirmation)
    assert fake.ipn.is_confirmed(receiver.url)

    done = client.payments.execute(sell(client, fake))
    [delivery] = fake.ipn.wait()
    assert (delivery.ok, delivery.url) == (True, receiver.url)
    headers, body = receiver.received[-1]
    assert set(headers) >= SNS_HEADERS
    assert headers["x-amz-sns-message-type"] == "Notification"
    assert headers["content-type"] == "text/plain; charset=UTF-8"
    assert headers["user-agent"] == "Amazon Simple Notification Service Agent"
    message = verifier.verify(body, headers)
    assert message.payment().trx_id == done.trx_id
    verifier.mark_processed(message)

    notification = fake.ipn.messages[-1]
    assert fake.ipn.deliver(notification, receiver.url).ok  # SNS retries: same MessageId
    again_headers, again_body = receiver.received[-1]
    assert again_body == body
    assert verifier.verify(again_body, again_headers).duplicate


def test_unconfirmed_endpoint_gets_no_notifications(
    client: BkashClient, fake: FakeBkash, receiver: Receiver
) -> None:
    fake.ipn.subscribe_endpoint(receiver.url)
    fake.ipn.wait()
    client.payments.execute(sell(client, fake))
    assert fake.ipn.wait() == []
    assert len(receiver.received) == 1  # the confirmation only
    assert len(fake.ipn.messages) == 2


def test_delivery_through_an_injected_client(client: BkashClient, fake: FakeBkash) -> None:
    recorder = Recorder(status=500)
    http = httpx.Client(transport=httpx.MockTransport(recorder))
    fake.ipn.subscribe_endpoint("https://shop.example/ipn", confirmed=True, http_client=http)
    client.payments.execute(sell(client, fake))
    [delivery] = fake.ipn.wait()
    assert (delivery.status, delivery.ok) == (500, False)
    [request] = recorder.requests
    assert (request.method, str(request.url)) == ("POST", "https://shop.example/ipn")
    assert request.content == fake.ipn.messages[0].body
    assert request.headers["x-amz-sns-message-id"] == delivery.message_id


def test_unreachable_endpoint_is_recorded_not_raised(fake: FakeBkash) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    http = httpx.Client(transport=httpx.MockTransport(refuse))
    message = fake.ipn.subscription_confirmation()
    delivery = fake.ipn.deliver(message, "https://shop.example/ipn", http_client=http)
    assert (delivery.status, delivery.error) == (None, "ConnectError")
    assert fake.ipn.deliveries == (delivery,)
