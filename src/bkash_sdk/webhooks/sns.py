"""Amazon SNS signature verification for bKash Instant Payment Notifications.

One implementation of the rules, two I/O edges::

    _SnsVerifierBase._prepare()                 pure: parse, allow-list, URL, clock (no I/O)
    CertificateCache.get() / .aget()            the only sync/async difference: the fetch
    _SnsVerifierBase._verify_with_certificate() pure: RSA PKCS#1 v1.5 over the string to sign
    seen store                                  ``duplicate=True`` if already marked processed

The public ``verify``/``averify`` return a verified :class:`SnsMessage` or raise
``SignatureVerificationError``; nothing else, whatever the body holds. Verifying records
nothing: the application calls ``mark_processed``/``amark_processed`` once it has handled the
message, so a message whose handling failed is processed again when SNS redelivers it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

import httpx
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from .._exceptions import (
    BkashAPIError,
    BkashConnectionError,
    BkashTimeoutError,
    ConfigurationError,
    SignatureVerificationError,
)
from ._certificates import (
    DEFAULT_FETCH_TIMEOUT,
    AsyncCertificateFetcher,
    AsyncHttpxCertificateFetcher,
    CertificateCache,
    CertificateFetcher,
    CertificateTrust,
    HttpxCertificateFetcher,
    amazon_sns_trust,
)
from ._envelope import Freshness, Headers, Prepared, prepare
from ._seen import AsyncSeenStore, MemorySeenStore, SeenStore
from ._urls import REGION, check_subscribe_url, topic_region
from .models import SnsMessage, verified_message

SNS_RETRY_WINDOW = 3600.0
"""SNS stops redelivering a message after at most one hour."""
DEFAULT_CLOCK_SKEW = 300.0

Clock = Callable[[], datetime]

_log = logging.getLogger("bkash_sdk.webhooks")
_OPERATION = "sns.confirm_subscription"
_SHARED_FETCHER = HttpxCertificateFetcher()
_SHARED_AFETCHER = AsyncHttpxCertificateFetcher()


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _default_fetcher(client: httpx.Client | None) -> CertificateFetcher:
    """Without a client, one shared fetcher: verifiers sharing a cache then share its entries."""
    return _SHARED_FETCHER if client is None else HttpxCertificateFetcher(client)


def _default_afetcher(client: httpx.AsyncClient | None) -> AsyncCertificateFetcher:
    """Async :func:`_default_fetcher`."""
    return _SHARED_AFETCHER if client is None else AsyncHttpxCertificateFetcher(client)


def _allowed(arns: str | Iterable[str]) -> frozenset[str]:
    allowed = frozenset([arns] if isinstance(arns, str) else arns)
    for arn in allowed:
        try:
            topic_region(arn)
        except SignatureVerificationError:
            raise ConfigurationError(
                "allowed_topic_arns holds a value that is not an SNS topic ARN"
            ) from None
    return allowed


class _SnsVerifierBase:
    """Configuration and the I/O-free steps shared by the sync and async verifiers."""

    def __init__(
        self,
        *,
        allowed_topic_arns: str | Iterable[str],
        region: str | None,
        trust: CertificateTrust,
        clock: Clock,
        max_age: float,
        clock_skew: float,
        certificate_cache: CertificateCache | None,
    ) -> None:
        if region is not None and not REGION.fullmatch(region):
            raise ConfigurationError("region must look like ap-southeast-1")
        self._allowed_topic_arns = _allowed(allowed_topic_arns)
        self._region = region
        self._trust = trust
        self._clock = clock
        self._freshness = Freshness(max_age=max_age, skew=clock_skew)
        self._certificates = CertificateCache() if certificate_cache is None else certificate_cache

    def _now(self) -> datetime:
        now = self._clock()
        if now.tzinfo is None:
            raise ConfigurationError("the verifier's clock must return an aware datetime")
        return now

    def _prepare(self, body: bytes | str, headers: Headers | None) -> Prepared:
        return prepare(
            body,
            headers,
            allowed_topic_arns=self._allowed_topic_arns,
            region=self._region,
            now=self._now(),
            freshness=self._freshness,
        )

    def _verify_with_certificate(
        self, prepared: Prepared, certificate: x509.Certificate
    ) -> SnsMessage:
        key = certificate.public_key()
        if not isinstance(key, rsa.RSAPublicKey):
            raise SignatureVerificationError("signing certificate does not hold an RSA key")
        try:
            key.verify(
                prepared.signature,
                prepared.string_to_sign,
                padding.PKCS1v15(),
                prepared.hash_algorithm,
            )
        except (InvalidSignature, ValueError):
            raise SignatureVerificationError("SNS message refused: bad signature") from None
        return verified_message(prepared.fields)

    def _processed_id(self, message: SnsMessage) -> str:
        if not message.verified:
            raise SignatureVerificationError("only a verified message can be marked processed")
        return message.message_id

    def _confirmation_url(self, message: SnsMessage) -> str:
        if not message.verified or message.type != "SubscriptionConfirmation":
            raise SignatureVerificationError(
                "only a verified SubscriptionConfirmation can be confirmed"
            )
        if message.topic_arn not in self._allowed_topic_arns:
            raise SignatureVerificationError("TopicArn is not allowed")
        if message.subscribe_url is None or message.token is None:
            raise SignatureVerificationError("SubscriptionConfirmation lacks SubscribeURL or Token")
        check_subscribe_url(
            message.subscribe_url,
            region=topic_region(message.topic_arn),
            topic_arn=message.topic_arn,
            token=message.token,
        )
        return message.subscribe_url


def _flag(message: SnsMessage, duplicate: bool) -> SnsMessage:
    message._duplicate = duplicate
    return message


def _lookup_failed(exc: Exception) -> bool:
    _log.warning("SNS seen-store unavailable (%s); treating the message as new", type(exc).__name__)
    return False


def _record_failed(exc: Exception) -> None:
    _log.warning(
        "SNS seen-store unavailable (%s); a redelivery will be processed again",
        type(exc).__name__,
    )


def _confirmation_failed(response: httpx.Response) -> None:
    if response.status_code != 200:
        raise BkashAPIError(
            "SNS refused the subscription confirmation",
            http_status=response.status_code,
            operation=_OPERATION,
        )


def _transport_error(exc: httpx.HTTPError) -> Exception:
    if isinstance(exc, httpx.TimeoutException):
        return BkashTimeoutError("SNS subscription confirmation timed out", operation=_OPERATION)
    return BkashConnectionError(
        "SNS subscription confirmation failed to connect", operation=_OPERATION
    )


class SnsVerifier(_SnsVerifierBase):
    """Verifies SNS messages (bKash IPNs) synchronously.

    ``allowed_topic_arns`` is required; an empty allow-list refuses everything. ``region``
    optionally pins the topic (and so the certificate) to one region, e.g. ``ap-southeast-1``.
    ``fetcher`` and ``trust`` replace the HTTPS fetch and the Amazon issuer check (see
    :class:`StaticCertificates`); ``clock`` returns an aware ``datetime``.

    ``verify`` flags ``duplicate=True`` only for a ``MessageId`` passed to
    :meth:`mark_processed`; call it after the message was handled successfully.
    """

    def __init__(
        self,
        *,
        allowed_topic_arns: str | Iterable[str],
        region: str | None = None,
        fetcher: CertificateFetcher | None = None,
        trust: CertificateTrust = amazon_sns_trust,
        seen_store: SeenStore | None = None,
        clock: Clock = _utc_now,
        max_age: float = SNS_RETRY_WINDOW,
        clock_skew: float = DEFAULT_CLOCK_SKEW,
        certificate_cache: CertificateCache | None = None,
        http_client: httpx.Client | None = None,
    ) -> None:
        super().__init__(
            allowed_topic_arns=allowed_topic_arns,
            region=region,
            trust=trust,
            clock=clock,
            max_age=max_age,
            clock_skew=clock_skew,
            certificate_cache=certificate_cache,
        )
        self._fetcher = _default_fetcher(http_client) if fetcher is None else fetcher
        self._seen = MemorySeenStore() if seen_store is None else seen_store
        self._http_client = http_client

    def verify(self, body: bytes | str, headers: Headers | None = None) -> SnsMessage:
        """Verify a raw SNS body (and, if given, its ``x-amz-sns-*`` headers); records nothing.

        Raises :class:`CertificateUnavailableError` (answer 503) when the certificate could
        not be fetched, and ``SignatureVerificationError`` (answer 400) for anything else.
        """
        prepared = self._prepare(body, headers)
        certificate = self._certificates.get(
            prepared.certificate_url, self._fetcher, self._trust, prepared.now
        )
        message = self._verify_with_certificate(prepared, certificate)
        try:
            duplicate = self._seen.contains(prepared.message_id)
        except Exception as exc:
            duplicate = _lookup_failed(exc)
        return _flag(message, duplicate)

    def mark_processed(self, message: SnsMessage) -> None:
        """Record a verified message as handled: its redeliveries verify as ``duplicate``.

        Call it only after the message was handled (payment stored, subscription confirmed).
        A seen-store failure is logged, not raised: the redelivery is then processed again.
        """
        message_id = self._processed_id(message)
        try:
            self._seen.add(message_id, self._freshness.seen_ttl)
        except Exception as exc:
            _record_failed(exc)

    def confirm_subscription(self, message: SnsMessage) -> None:
        """Confirm a verified SubscriptionConfirmation: GET its checked ``SubscribeURL``."""
        url = self._confirmation_url(message)
        try:
            if self._http_client is not None:
                response = self._http_client.get(
                    url, follow_redirects=False, timeout=DEFAULT_FETCH_TIMEOUT
                )
            else:
                with httpx.Client(timeout=DEFAULT_FETCH_TIMEOUT) as client:
                    response = client.get(url, follow_redirects=False)
        except httpx.HTTPError as exc:
            raise _transport_error(exc) from None
        _confirmation_failed(response)


class AsyncSnsVerifier(_SnsVerifierBase):
    """Async :class:`SnsVerifier`: same rules, async certificate fetch and seen store.

    ``averify`` flags ``duplicate=True`` only for a ``MessageId`` passed to
    :meth:`amark_processed`; await it after the message was handled successfully.
    """

    def __init__(
        self,
        *,
        allowed_topic_arns: str | Iterable[str],
        region: str | None = None,
        fetcher: AsyncCertificateFetcher | None = None,
        trust: CertificateTrust = amazon_sns_trust,
        seen_store: AsyncSeenStore | None = None,
        clock: Clock = _utc_now,
        max_age: float = SNS_RETRY_WINDOW,
        clock_skew: float = DEFAULT_CLOCK_SKEW,
        certificate_cache: CertificateCache | None = None,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        super().__init__(
            allowed_topic_arns=allowed_topic_arns,
            region=region,
            trust=trust,
            clock=clock,
            max_age=max_age,
            clock_skew=clock_skew,
            certificate_cache=certificate_cache,
        )
        self._fetcher = _default_afetcher(http_client) if fetcher is None else fetcher
        self._seen = MemorySeenStore() if seen_store is None else seen_store
        self._http_client = http_client

    async def averify(self, body: bytes | str, headers: Headers | None = None) -> SnsMessage:
        """Verify a raw SNS body (and, if given, its ``x-amz-sns-*`` headers); records nothing.

        Raises :class:`CertificateUnavailableError` (answer 503) when the certificate could
        not be fetched, and ``SignatureVerificationError`` (answer 400) for anything else.
        """
        prepared = self._prepare(body, headers)
        certificate = await self._certificates.aget(
            prepared.certificate_url, self._fetcher, self._trust, prepared.now
        )
        message = self._verify_with_certificate(prepared, certificate)
        try:
            duplicate = await self._seen.acontains(prepared.message_id)
        except Exception as exc:
            duplicate = _lookup_failed(exc)
        return _flag(message, duplicate)

    async def amark_processed(self, message: SnsMessage) -> None:
        """Async :meth:`SnsVerifier.mark_processed`."""
        message_id = self._processed_id(message)
        try:
            await self._seen.aadd(message_id, self._freshness.seen_ttl)
        except Exception as exc:
            _record_failed(exc)

    async def aconfirm_subscription(self, message: SnsMessage) -> None:
        """Confirm a verified SubscriptionConfirmation: GET its checked ``SubscribeURL``."""
        url = self._confirmation_url(message)
        try:
            if self._http_client is not None:
                response = await self._http_client.get(
                    url, follow_redirects=False, timeout=DEFAULT_FETCH_TIMEOUT
                )
            else:
                async with httpx.AsyncClient(timeout=DEFAULT_FETCH_TIMEOUT) as client:
                    response = await client.get(url, follow_redirects=False)
        except httpx.HTTPError as exc:
            raise _transport_error(exc) from None
        _confirmation_failed(response)
