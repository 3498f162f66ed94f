"""Signed bKash IPNs from the sandbox: an SNS ``Notification`` for every completed payment.

``FakeBkash.ipn`` listens to the sandbox's ``PaymentCompleted`` events, builds the bKash
payload, wraps it in an SNS envelope signed with the sandbox's own certificate, keeps it for
the test and, for subscribed endpoints, POSTs it as SNS would (in a background thread, so
the sandbox never waits on a webhook receiver).
"""

from __future__ import annotations

import json
import secrets
import threading
import uuid
from concurrent.futures import Future, wait
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import attrs
import httpx

from .._exceptions import ConfigurationError, SignatureVerificationError
from .._masking import redact
from ..webhooks import AsyncSnsVerifier, SnsVerifier, StaticCertificates
from ..webhooks._urls import topic_region
from ..webhooks.models import DHAKA
from ._ledger import wallet_hint
from ._sns_signer import SignatureVersion, SnsSigner
from ._state import PaymentCompleted

if TYPE_CHECKING:
    from ._fake import FakeBkash

DEFAULT_MERCHANT_WALLET = "01770618567"
DELIVERY_TIMEOUT = 5.0
TRANSACTION_TYPE_API = "10002294"
"""bKash's ``transactionType`` for a payment made through the API (checkout)."""

_USER_AGENT = "Amazon Simple Notification Service Agent"
_CONTENT_TYPE = "text/plain; charset=UTF-8"
_XML = {"content-type": "text/xml"}


@attrs.frozen
class IpnSettings:
    """The merchant as bKash's IPN shows it, and how the sandbox signs.

    ``topic_arn`` defaults to ``arn:aws:sns:ap-southeast-1:123456789012:bpt_<merchant_wallet>``.
    """

    merchant_wallet: str = DEFAULT_MERCHANT_WALLET
    organization_name: str = "FakeBkash Merchant"
    topic_arn: str | None = None
    signature_version: SignatureVersion = attrs.field(
        default="1", validator=attrs.validators.in_(("1", "2"))
    )

    def arn(self) -> str:
        """The SNS topic the sandbox publishes on."""
        default = f"arn:aws:sns:ap-southeast-1:123456789012:bpt_{self.merchant_wallet}"
        return self.topic_arn or default


@attrs.frozen
class IpnMessage:
    """One signed SNS message: the exact ``body`` and ``headers`` SNS would POST.

    ``repr`` masks wallet numbers (the topic ARN ends with the merchant wallet).
    """

    envelope: dict[str, str] = attrs.field(repr=False)
    body: bytes = attrs.field(repr=False)
    headers: dict[str, str] = attrs.field(repr=lambda headers: repr(redact(headers)))
    trx_id: str | None = None

    @property
    def type(self) -> str:
        """``Notification`` or ``SubscriptionConfirmation``."""
        return self.envelope["Type"]

    @property
    def message_id(self) -> str:
        """The SNS ``MessageId`` (kept by every redelivery)."""
        return self.envelope["MessageId"]


@attrs.frozen
class IpnDelivery:
    """One HTTP POST of a message: the receiver's status, or the transport error's name."""

    url: str
    message_id: str
    status: int | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the receiver answered 2xx (what SNS counts as delivered)."""
        return self.status is not None and 200 <= self.status < 300


@attrs.define
class _Endpoint:
    token: str
    http_client: httpx.Client | None
    timeout: float


def _iso(epoch: float) -> str:
    stamp = datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds")
    return stamp.replace("+00:00", "Z")


class SandboxIpn:
    """The sandbox's SNS topic: signed IPNs, delivery, and verifiers that trust them."""

    def __init__(self, fake: FakeBkash, settings: IpnSettings) -> None:
        self.settings = settings
        self.topic_arn = settings.arn()
        try:
            self._region = topic_region(self.topic_arn)
        except SignatureVerificationError:
            raise ConfigurationError("IpnSettings.topic_arn is not an SNS topic ARN") from None
        self.subscription_arn = f"{self.topic_arn}:{uuid.uuid4()}"
        self._fake = fake
        self._lock = threading.Lock()
        self._signer: SnsSigner | None = None
        self._messages: list[IpnMessage] = []
        self._taken = 0
        self._deliveries: list[IpnDelivery] = []
        self._endpoints: dict[str, _Endpoint] = {}
        self._tokens: set[str] = set()
        self._confirmed: set[str] = set()
        self._pending: list[Future[IpnDelivery]] = []
        fake.subscribe(self._on_completed)

    # -- what was published ----------------------------------------------------------------

    @property
    def messages(self) -> tuple[IpnMessage, ...]:
        """Every message published so far, oldest first."""
        with self._lock:
            return tuple(self._messages)

    def take(self) -> list[IpnMessage]:
        """The messages published since the previous ``take``."""
        with self._lock:
            taken, self._taken = self._messages[self._taken :], len(self._messages)
            return taken

    @property
    def deliveries(self) -> tuple[IpnDelivery, ...]:
        """Every HTTP delivery attempted so far, in the order they finished."""
        with self._lock:
            return tuple(self._deliveries)

    # -- the signing identity and verifiers that trust it ----------------------------------

    @property
    def certificate_url(self) -> str:
        """The ``SigningCertURL`` (SNS-shaped; served only by :meth:`certificates`)."""
        return self._identity().certificate_url

    @property
    def certificate_pem(self) -> bytes:
        """The sandbox's self-signed certificate, PEM-encoded."""
        return self._identity().certificate_pem

    def certificates(self) -> StaticCertificates:
        """A fetcher and trust that accept exactly the sandbox's certificate."""
        return StaticCertificates({self.certificate_url: self.certificate_pem})

    def verifier(self, **options: Any) -> SnsVerifier:
        """An :class:`SnsVerifier` for this sandbox: its certificate, topic and clock.

        Subscription confirmations go to :meth:`transport`; ``options`` override any argument.
        """
        defaults = self._verifier_defaults()
        if "http_client" not in options:
            defaults["http_client"] = httpx.Client(transport=self.transport())
        return SnsVerifier(**(defaults | options))

    def async_verifier(self, **options: Any) -> AsyncSnsVerifier:
        """An :class:`AsyncSnsVerifier` for this sandbox (see :meth:`verifier`)."""
        defaults = self._verifier_defaults()
        if "http_client" not in options:
            defaults["http_client"] = httpx.AsyncClient(transport=self.transport())
        return AsyncSnsVerifier(**(defaults | options))

    # -- subscriptions -----------------------------------------------------------------------

    def subscription_confirmation(self) -> IpnMessage:
        """Publish a ``SubscriptionConfirmation`` (:meth:`transport` answers its SubscribeURL)."""
        return self._confirmation(secrets.token_hex(64))

    def subscribe_endpoint(
        self,
        url: str,
        *,
        confirmed: bool = False,
        http_client: httpx.Client | None = None,
        timeout: float = DELIVERY_TIMEOUT,
    ) -> None:
        """Subscribe ``url``: notifications are POSTed to it automatically once confirmed.

        Unless ``confirmed``, SNS's handshake runs first: a ``SubscriptionConfirmation`` is
        POSTed to ``url`` and the endpoint receives notifications only after its
        ``SubscribeURL`` was fetched through :meth:`transport` (as ``verifier()`` does).
        """
        endpoint = _Endpoint(secrets.token_hex(64), http_client, timeout)
        with self._lock:
            self._endpoints[url] = endpoint
            if confirmed:
                self._confirmed.add(endpoint.token)
        if not confirmed:
            self._post_later(self._confirmation(endpoint.token), url, endpoint)

    def is_confirmed(self, url: str) -> bool:
        """Whether the subscription of ``url`` has been confirmed."""
        with self._lock:
            endpoint = self._endpoints.get(url)
            return endpoint is not None and endpoint.token in self._confirmed

    def transport(self) -> httpx.MockTransport:
        """SNS's side of the handshake: answers the ``SubscribeURL`` of this topic's tokens."""
        return httpx.MockTransport(self._answer_subscribe)

    # -- delivery --------------------------------------------------------------------------

    def deliver(
        self,
        message: IpnMessage,
        url: str,
        *,
        http_client: httpx.Client | None = None,
        timeout: float = DELIVERY_TIMEOUT,
    ) -> IpnDelivery:
        """POST ``message`` to ``url`` now; delivering it again is an SNS redelivery."""
        options: dict[str, Any] = {"content": message.body, "headers": message.headers}
        try:
            if http_client is not None:
                response = http_client.post(url, timeout=timeout, **options)
            else:
                with httpx.Client(timeout=timeout) as client:
                    response = client.post(url, **options)
            delivery = IpnDelivery(url, message.message_id, response.status_code)
        except httpx.HTTPError as exc:
            delivery = IpnDelivery(url, message.message_id, None, type(exc).__name__)
        with self._lock:
            self._deliveries.append(delivery)
        return delivery

    def wait(self, timeout: float = 2 * DELIVERY_TIMEOUT) -> list[IpnDelivery]:
        """Wait for the automatic deliveries started so far; return their results."""
        with self._lock:
            pending, self._pending = self._pending, []
        _, late = wait(pending, timeout)
        if late:
            raise TimeoutError(f"{len(late)} IPN deliveries still running after {timeout} s")
        return [future.result() for future in pending]

    # -- internals -------------------------------------------------------------------------

    def _identity(self) -> SnsSigner:
        with self._lock:
            if self._signer is None:
                self._signer = SnsSigner(self._region, self._now())
            return self._signer

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._fake.clock.now(), UTC)

    def _verifier_defaults(self) -> dict[str, Any]:
        certificates = self.certificates()
        return {
            "allowed_topic_arns": [self.topic_arn],
            "fetcher": certificates,
            "trust": certificates.trust,
            "clock": self._now,
        }

    def _publish(
        self, envelope: dict[str, str], extra: dict[str, str], trx_id: str | None = None
    ) -> IpnMessage:
        signed = self._identity().sign(envelope, self.settings.signature_version) | extra
        headers = {
            "x-amz-sns-message-type": signed["Type"],
            "x-amz-sns-message-id": signed["MessageId"],
            "x-amz-sns-topic-arn": self.topic_arn,
        }
        if signed["Type"] == "Notification":
            headers["x-amz-sns-subscription-arn"] = self.subscription_arn
        headers |= {"Content-Type": _CONTENT_TYPE, "User-Agent": _USER_AGENT}
        body = json.dumps(signed, indent=2, separators=(",", " : ")).encode("utf-8")
        message = IpnMessage(signed, body, headers, trx_id)
        with self._lock:
            self._messages.append(message)
        return message

    def _confirmation(self, token: str) -> IpnMessage:
        subscribe_url = (
            f"https://sns.{self._region}.amazonaws.com/?Action=ConfirmSubscription"
            f"&TopicArn={self.topic_arn}&Token={token}"
        )
        text = (
            f"You have chosen to subscribe to the topic {self.topic_arn}.\n"
            "To confirm the subscription, visit the SubscribeURL included in this message."
        )
        with self._lock:
            self._tokens.add(token)
        envelope = {
            "Type": "SubscriptionConfirmation",
            "MessageId": str(uuid.uuid4()),
            "Token": token,
            "TopicArn": self.topic_arn,
            "Message": text,
            "SubscribeURL": subscribe_url,
            "Timestamp": _iso(self._fake.clock.now()),
        }
        return self._publish(envelope, {})

    def _on_completed(self, event: PaymentCompleted) -> None:
        envelope = {
            "Type": "Notification",
            "MessageId": str(uuid.uuid4()),
            "TopicArn": self.topic_arn,
            "Message": json.dumps(self._payload(event), separators=(",", ":")),
            "Timestamp": _iso(self._fake.clock.now()),
        }
        unsubscribe = (
            f"https://sns.{self._region}.amazonaws.com/?Action=Unsubscribe"
            f"&SubscriptionArn={self.subscription_arn}"
        )
        message = self._publish(envelope, {"UnsubscribeURL": unsubscribe}, event.trx_id)
        with self._lock:
            targets = [(u, e) for u, e in self._endpoints.items() if e.token in self._confirmed]
        for url, endpoint in targets:
            self._post_later(message, url, endpoint)

    def _payload(self, event: PaymentCompleted) -> dict[str, str]:
        when = datetime.fromtimestamp(event.completed_at, DHAKA)
        payload = {
            "dateTime": when.strftime("%Y%m%d%H%M%S"),
            "debitMSISDN": event.wallet,
            "creditOrganizationName": self.settings.organization_name,
            "creditShortCode": self.settings.merchant_wallet,
            "trxID": event.trx_id,
            "transactionStatus": "Completed",
            "transactionType": TRANSACTION_TYPE_API,
            "amount": event.amount,
            "currency": event.currency,
        }
        if event.merchant_invoice_number is not None:
            payload["merchantInvoiceNumber"] = event.merchant_invoice_number
        reference = self._fake.payment(event.payment_id).payer_reference
        if reference and wallet_hint(reference) is None:
            payload["transactionReference"] = reference
        return payload

    def _post_later(self, message: IpnMessage, url: str, endpoint: _Endpoint) -> None:
        future: Future[IpnDelivery] = Future()

        def run() -> None:
            try:
                future.set_result(
                    self.deliver(
                        message, url, http_client=endpoint.http_client, timeout=endpoint.timeout
                    )
                )
            except Exception as exc:
                future.set_exception(exc)

        with self._lock:
            self._pending.append(future)
        threading.Thread(target=run, name="fakebkash-ipn", daemon=True).start()

    def _answer_subscribe(self, request: httpx.Request) -> httpx.Response:
        params = request.url.params
        token = params.get("Token", "")
        with self._lock:
            known = (
                request.method == "GET"
                and request.url.host == f"sns.{self._region}.amazonaws.com"
                and params.get("Action") == "ConfirmSubscription"
                and params.get("TopicArn") == self.topic_arn
                and token in self._tokens
            )
            if known:
                self._confirmed.add(token)
        if not known:
            return httpx.Response(400, headers=_XML, text="<ErrorResponse/>")
        result = f"<SubscriptionArn>{self.subscription_arn}</SubscriptionArn>"
        text = f"<ConfirmSubscriptionResponse>{result}</ConfirmSubscriptionResponse>"
        return httpx.Response(200, headers=_XML, text=text)
