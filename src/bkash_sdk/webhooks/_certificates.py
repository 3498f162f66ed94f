"""SNS signing certificates: fetching, the one-PEM body rule, trust, and a single-flight cache.

A certificate is fetched only after its URL passed the strict SNS rule, parsed only if the
body is exactly one PEM certificate, trusted only after the caller's trust check accepted it
(on every use), and fetched once per URL and fetcher however many threads or coroutines ask
at the same time. A fetch that could not complete raises :class:`CertificateUnavailableError`.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Protocol, runtime_checkable

import httpx
from cachetools import TTLCache
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from .._exceptions import (
    CertificateUnavailableError,
    ConfigurationError,
    SignatureVerificationError,
)
from ._urls import check_certificate_url

MAX_CERTIFICATE_BYTES = 16 * 1024
DEFAULT_FETCH_TIMEOUT = 5.0

CertificateTrust = Callable[[x509.Certificate, datetime], None]
"""Decides whether a certificate may sign SNS messages at ``now``; raises to refuse.

Raise :class:`~bkash_sdk.SignatureVerificationError` with a reason; any other exception
is also taken as a refusal.
"""

_RETRY_LATER = frozenset({408, 429})


_PEM = re.compile(
    rb"-----BEGIN CERTIFICATE-----\r?\n(?:[A-Za-z0-9+/=]{1,76}\r?\n)+-----END CERTIFICATE-----"
)
_SNS_SUBJECT = re.compile(r"sns(?:\.[a-z]{2}(?:-[a-z]+)+-[0-9]{1,2})?\.amazonaws\.com(?:\.cn)?")


def load_certificate(body: bytes) -> x509.Certificate:
    """Parse a body that must be exactly one PEM certificate (surrounding whitespace allowed)."""
    if len(body) > MAX_CERTIFICATE_BYTES:
        raise SignatureVerificationError("signing certificate body is too large")
    pem = body.strip(b" \t\r\n")
    if _PEM.fullmatch(pem) is None:
        raise SignatureVerificationError("signing certificate body is not one PEM certificate")
    try:
        return x509.load_pem_x509_certificate(pem)
    except ValueError:
        raise SignatureVerificationError("signing certificate cannot be parsed") from None


def amazon_sns_trust(certificate: x509.Certificate, now: datetime) -> None:
    """The default trust: valid at ``now``, issued for SNS, by an Amazon issuer."""
    if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
        raise SignatureVerificationError("signing certificate is not valid at this time")
    subject = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if len(subject) != 1 or not _SNS_SUBJECT.fullmatch(str(subject[0].value)):
        raise SignatureVerificationError("signing certificate was not issued for Amazon SNS")
    issuer = certificate.issuer.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    if not any("Amazon" in str(attribute.value) for attribute in issuer):
        raise SignatureVerificationError("signing certificate was not issued by Amazon")


@runtime_checkable
class CertificateFetcher(Protocol):
    """Fetches the body served at a certificate URL (sync)."""

    def fetch(self, url: str) -> bytes:
        """Return the body at ``url``; raise to fail."""
        ...


@runtime_checkable
class AsyncCertificateFetcher(Protocol):
    """Fetches the body served at a certificate URL (async)."""

    async def afetch(self, url: str) -> bytes:
        """Return the body at ``url``; raise to fail."""
        ...


def _check_response(response: httpx.Response, max_bytes: int) -> None:
    status = response.status_code
    if status != 200:
        reason = f"signing certificate fetch answered HTTP {status}"
        if status >= 500 or status in _RETRY_LATER:
            raise CertificateUnavailableError(reason)
        raise SignatureVerificationError(reason)
    length = response.headers.get("content-length", "0")
    if not length.isdigit() or int(length) > max_bytes:
        raise SignatureVerificationError("signing certificate body is too large")


def _append_capped(body: bytearray, chunk: bytes, max_bytes: int) -> None:
    body += chunk
    if len(body) > max_bytes:
        raise SignatureVerificationError("signing certificate body is too large")


class HttpxCertificateFetcher:
    """Sync fetch over HTTPS: no redirects, short timeout, body capped while streaming."""

    def __init__(
        self,
        client: httpx.Client | None = None,
        *,
        timeout: float = DEFAULT_FETCH_TIMEOUT,
        max_bytes: int = MAX_CERTIFICATE_BYTES,
    ) -> None:
        self._client = client
        self._timeout = timeout
        self._max_bytes = max_bytes

    def fetch(self, url: str) -> bytes:
        """GET ``url`` and return its body."""
        if self._client is not None:
            return self._get(self._client, url)
        with httpx.Client(timeout=self._timeout) as client:
            return self._get(client, url)

    def _get(self, client: httpx.Client, url: str) -> bytes:
        with client.stream("GET", url, timeout=self._timeout, follow_redirects=False) as resp:
            _check_response(resp, self._max_bytes)
            body = bytearray()
            for chunk in resp.iter_bytes():
                _append_capped(body, chunk, self._max_bytes)
            return bytes(body)


class AsyncHttpxCertificateFetcher:
    """Async fetch over HTTPS: no redirects, short timeout, body capped while streaming."""

    def __init__(
        self,
        client: httpx.AsyncClient | None = None,
        *,
        timeout: float = DEFAULT_FETCH_TIMEOUT,
        max_bytes: int = MAX_CERTIFICATE_BYTES,
    ) -> None:
        self._client = client
        self._timeout = timeout
        self._max_bytes = max_bytes

    async def afetch(self, url: str) -> bytes:
        """GET ``url`` and return its body."""
        if self._client is not None:
            return await self._get(self._client, url)
        async with httpx.AsyncClient(timeout=self._timeout) as client:
            return await self._get(client, url)

    async def _get(self, client: httpx.AsyncClient, url: str) -> bytes:
        request = client.stream("GET", url, timeout=self._timeout, follow_redirects=False)
        async with request as resp:
            _check_response(resp, self._max_bytes)
            body = bytearray()
            chunks: AsyncIterator[bytes] = resp.aiter_bytes()
            async for chunk in chunks:
                _append_capped(body, chunk, self._max_bytes)
            return bytes(body)


def _fingerprint(certificate: x509.Certificate) -> bytes:
    return hashlib.sha256(certificate.public_bytes(Encoding.DER)).digest()


class StaticCertificates:
    """Fixed certificates by URL, and a trust that accepts exactly those certificates.

    For tests and the offline sandbox, which sign with their own key::

        certs = StaticCertificates({cert_url: cert_pem})
        verifier = SnsVerifier(allowed_topic_arns=[arn], fetcher=certs, trust=certs.trust)

    Each URL must still be an SNS certificate URL (``https://sns.<region>.amazonaws.com/
    SimpleNotificationService-<hex>.pem``); nothing is fetched over the network.
    """

    def __init__(self, certificates: Mapping[str, str | bytes]) -> None:
        self._bodies: dict[str, bytes] = {}
        for url, pem in certificates.items():
            body = pem.encode("ascii") if isinstance(pem, str) else pem
            try:
                check_certificate_url(url, region=None)
                load_certificate(body)
            except SignatureVerificationError as exc:
                raise ConfigurationError(f"StaticCertificates: {exc.message}") from None
            self._bodies[url] = body
        self._trusted = frozenset(_fingerprint(load_certificate(b)) for b in self._bodies.values())

    def fetch(self, url: str) -> bytes:
        """The configured body for ``url``."""
        try:
            return self._bodies[url]
        except KeyError:
            raise SignatureVerificationError("no certificate is configured for this URL") from None

    async def afetch(self, url: str) -> bytes:
        """The configured body for ``url``."""
        return self.fetch(url)

    def trust(self, certificate: x509.Certificate, now: datetime) -> None:
        """Accept only the configured certificates (at any time)."""
        if _fingerprint(certificate) not in self._trusted:
            raise SignatureVerificationError("signing certificate is not a configured one")


_Key = tuple[str, int]
_Entry = tuple[x509.Certificate, object]


class CertificateCache:
    """Parsed certificates by URL and fetcher: bounded, expiring, thread-safe, single-flight.

    An entry comes only from the fetcher that asks for it, so verifiers with different
    fetchers never share one. Failures (fetch, body, trust) are never cached, and every
    caller's own trust is applied, at its own ``now``, on every use: a certificate that
    expires while cached is refused.
    """

    _STRIPES = 64

    def __init__(
        self,
        *,
        maxsize: int = 64,
        ttl: float = 24 * 3600,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self._cache: TTLCache[_Key, _Entry] = TTLCache(maxsize, ttl, timer=timer)
        self._lock = threading.Lock()
        self._stripes = tuple(threading.Lock() for _ in range(self._STRIPES))
        self._inflight: dict[_Key, asyncio.Future[x509.Certificate]] = {}

    def _lookup(self, key: _Key) -> x509.Certificate | None:
        with self._lock:
            entry = self._cache.get(key)
        return None if entry is None else entry[0]

    def _accept(
        self,
        key: _Key,
        fetcher: object,
        certificate: x509.Certificate,
        trust: CertificateTrust,
        now: datetime,
    ) -> x509.Certificate:
        _apply_trust(trust, certificate, now)
        with self._lock:
            # The entry holds the fetcher, so its id (in the key) stays unique while cached.
            self._cache[key] = (certificate, fetcher)
        return certificate

    def get(
        self, url: str, fetcher: CertificateFetcher, trust: CertificateTrust, now: datetime
    ) -> x509.Certificate:
        """The certificate at ``url``, trusted by ``trust`` at ``now``; fetched once at a time."""
        key = (url, id(fetcher))
        certificate = self._lookup(key)
        if certificate is None:
            with self._stripes[hash(key) % self._STRIPES]:
                certificate = self._lookup(key)
                if certificate is None:
                    with _fetch_errors():
                        body = fetcher.fetch(url)
                    return self._accept(key, fetcher, load_certificate(body), trust, now)
        _apply_trust(trust, certificate, now)
        return certificate

    async def aget(
        self, url: str, fetcher: AsyncCertificateFetcher, trust: CertificateTrust, now: datetime
    ) -> x509.Certificate:
        """Async :meth:`get`: coroutines asking one fetcher for one URL share one fetch."""
        key = (url, id(fetcher))
        certificate = self._lookup(key)
        if certificate is not None:
            _apply_trust(trust, certificate, now)
            return certificate
        future = self._inflight.get(key)
        if future is None or future.get_loop() is not asyncio.get_running_loop():
            future = asyncio.ensure_future(_afetch(url, fetcher))
            self._inflight[key] = future
            future.add_done_callback(lambda done: self._finished(key, done))
        certificate = await asyncio.shield(future)
        return self._accept(key, fetcher, certificate, trust, now)

    def _finished(self, key: _Key, future: asyncio.Future[x509.Certificate]) -> None:
        if self._inflight.get(key) is future:
            del self._inflight[key]
        if not future.cancelled():
            future.exception()  # retrieved here so a fetch nobody awaits any more stays quiet


async def _afetch(url: str, fetcher: AsyncCertificateFetcher) -> x509.Certificate:
    with _fetch_errors():
        body = await fetcher.afetch(url)
    return load_certificate(body)


@contextmanager
def _fetch_errors() -> Iterator[None]:
    """Turn whatever else an injected fetcher raises into ``CertificateUnavailableError``."""
    try:
        yield
    except SignatureVerificationError:
        raise
    except Exception as exc:
        raise CertificateUnavailableError("could not fetch the signing certificate") from exc


def _apply_trust(trust: CertificateTrust, certificate: x509.Certificate, now: datetime) -> None:
    try:
        trust(certificate, now)
    except SignatureVerificationError:
        raise
    except Exception as exc:
        raise SignatureVerificationError("signing certificate is not trusted") from exc
