"""Certificate bodies, fetching, trust and the single-flight cache."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from bkash_sdk import ConfigurationError, SignatureVerificationError
from bkash_sdk.webhooks import (
    AsyncCertificateFetcher,
    AsyncHttpxCertificateFetcher,
    AsyncSnsVerifier,
    CertificateCache,
    HttpxCertificateFetcher,
    SnsVerifier,
    StaticCertificates,
    amazon_sns_trust,
    load_certificate,
)

from ._support import (
    AWS_PEM,
    CERT_URL,
    NOW,
    TOPIC,
    CountingFetcher,
    Signer,
    body,
    make_certificate,
    shared_key,
    signer,
)

PEM = signer().pem
KEY_PEM = shared_key().private_bytes(
    serialization.Encoding.PEM,
    serialization.PrivateFormat.PKCS8,
    serialization.NoEncryption(),
)

BAD_BODIES = {
    "xml-wrapped": b"<?xml version='1.0'?><Certificate>" + PEM + b"</Certificate>",
    "html-wrapped": b"<html><body><pre>" + PEM + b"</pre></body></html>",
    "junk-after": PEM + b"junk",
    "junk-before": b"junk\n" + PEM,
    "two-certificates": PEM + PEM,
    "empty": b"",
    "whitespace": b" \n\t ",
    "oversize": PEM + b"\n" * 20_000,
    "private-key": KEY_PEM,
    "truncated": PEM[: len(PEM) // 2],
    "bad-base64": PEM.replace(b"M", b"!", 1),
    "not-a-certificate": b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
}


@pytest.mark.parametrize("name", sorted(BAD_BODIES))
def test_body_that_is_not_exactly_one_pem_certificate_is_refused(name: str) -> None:
    with pytest.raises(SignatureVerificationError):
        load_certificate(BAD_BODIES[name])
    verifier = signer().verifier(fetcher=CountingFetcher(BAD_BODIES[name]))
    with pytest.raises(SignatureVerificationError):
        verifier.verify(body(signer().envelope()))


@pytest.mark.parametrize(
    "wrapped", [PEM, b"\n\n" + PEM + b"\n \t", PEM.replace(b"\n", b"\r\n"), PEM.rstrip()]
)
def test_one_pem_certificate_with_surrounding_whitespace_is_accepted(wrapped: bytes) -> None:
    assert load_certificate(wrapped) == signer().certificate


def _client(handler: httpx.MockTransport) -> httpx.Client:
    return httpx.Client(transport=handler)


def test_httpx_fetcher_returns_the_body() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=PEM)

    fetcher = HttpxCertificateFetcher(_client(httpx.MockTransport(handler)))
    verifier = signer().verifier(fetcher=fetcher)
    assert verifier.verify(body(signer().envelope())).verified
    assert [str(r.url) for r in seen] == [CERT_URL]


@pytest.mark.parametrize("status", [301, 302, 307, 308, 404, 500, 204])
def test_non_200_and_redirects_are_refused_and_not_followed(status: int) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, headers={"location": CERT_URL}, content=PEM)

    fetcher = HttpxCertificateFetcher(_client(httpx.MockTransport(handler)))
    with pytest.raises(SignatureVerificationError, match=str(status)):
        fetcher.fetch(CERT_URL)
    assert len(seen) == 1


def test_streamed_body_is_capped_without_reading_it_all() -> None:
    produced = 0

    def endless() -> Iterator[bytes]:
        nonlocal produced
        while True:
            produced += 1
            yield b"A" * 1024

    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=endless()))
    with pytest.raises(SignatureVerificationError, match="too large"):
        HttpxCertificateFetcher(_client(transport)).fetch(CERT_URL)
    assert produced <= 17


def test_declared_oversize_body_is_refused() -> None:
    transport = httpx.MockTransport(
        lambda request: httpx.Response(200, headers={"content-length": "999999"}, content=PEM)
    )
    with pytest.raises(SignatureVerificationError, match="too large"):
        HttpxCertificateFetcher(_client(transport)).fetch(CERT_URL)


async def test_async_httpx_fetcher_caps_and_refuses_redirects() -> None:
    async def endless() -> AsyncIterator[bytes]:
        while True:
            yield b"A" * 1024

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("ef.pem"):
            return httpx.Response(200, content=endless())
        return httpx.Response(302, headers={"location": CERT_URL})

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        fetcher = AsyncHttpxCertificateFetcher(client)
        with pytest.raises(SignatureVerificationError, match="too large"):
            await fetcher.afetch(CERT_URL)
        with pytest.raises(SignatureVerificationError, match="302"):
            await fetcher.afetch(CERT_URL.replace("ef.pem", "ee.pem"))


async def test_async_httpx_fetcher_returns_the_body() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=PEM))
    async with httpx.AsyncClient(transport=transport) as client:
        certs = signer().static()
        verifier = AsyncSnsVerifier(
            allowed_topic_arns=[TOPIC],
            fetcher=AsyncHttpxCertificateFetcher(client),
            trust=certs.trust,
            clock=lambda: NOW,
        )
        assert (await verifier.averify(body(signer().envelope()))).verified


def test_connection_errors_become_signature_errors() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    verifier = signer().verifier(
        fetcher=HttpxCertificateFetcher(_client(httpx.MockTransport(handler)))
    )
    with pytest.raises(SignatureVerificationError, match="could not fetch"):
        verifier.verify(body(signer().envelope()))


def test_100_messages_sharing_a_certificate_cause_one_fetch() -> None:
    fetcher = CountingFetcher(PEM)
    verifier = signer().verifier(fetcher=fetcher)
    for _ in range(100):
        message = verifier.verify(body(signer().envelope()))
        assert not message.duplicate
    assert fetcher.calls == 1


class SlowFetcher(CountingFetcher):
    """Takes a while, so concurrent callers overlap."""

    def fetch(self, url: str) -> bytes:
        time.sleep(0.05)
        return super().fetch(url)

    async def afetch(self, url: str) -> bytes:
        await asyncio.sleep(0.05)
        return super().fetch(url)


def test_32_threads_on_a_cold_cache_cause_one_fetch() -> None:
    fetcher = SlowFetcher(PEM)
    verifier = signer().verifier(fetcher=fetcher)
    bodies = [body(signer().envelope()) for _ in range(32)]
    barrier = threading.Barrier(32)
    results: list[bool] = []

    def run(raw: bytes) -> None:
        barrier.wait()
        results.append(verifier.verify(raw).verified)

    threads = [threading.Thread(target=run, args=(raw,)) for raw in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [True] * 32
    assert fetcher.calls == 1


def _async_verifier(fetcher: AsyncCertificateFetcher) -> AsyncSnsVerifier:
    certs = signer().static()
    return AsyncSnsVerifier(
        allowed_topic_arns=[TOPIC], fetcher=fetcher, trust=certs.trust, clock=lambda: NOW
    )


async def test_100_concurrent_async_verifications_cause_one_fetch() -> None:
    fetcher = SlowFetcher(PEM)
    verifier = _async_verifier(fetcher)
    bodies = [body(signer().envelope()) for _ in range(100)]
    messages = await asyncio.gather(*(verifier.averify(raw) for raw in bodies))
    assert all(m.verified and not m.duplicate for m in messages)
    assert fetcher.calls == 1


class FlakyFetcher(CountingFetcher):
    """Fails its first ``failures`` calls."""

    def __init__(self, body: bytes, failures: int = 1) -> None:
        super().__init__(body)
        self.failures = failures

    def fetch(self, url: str) -> bytes:
        result = super().fetch(url)
        if self.calls <= self.failures:
            raise httpx.ConnectTimeout("timed out")
        return result

    async def afetch(self, url: str) -> bytes:
        await asyncio.sleep(0.01)
        return self.fetch(url)


def test_a_failed_fetch_is_not_cached() -> None:
    fetcher = FlakyFetcher(PEM)
    verifier = signer().verifier(fetcher=fetcher)
    with pytest.raises(SignatureVerificationError, match="could not fetch"):
        verifier.verify(body(signer().envelope()))
    assert verifier.verify(body(signer().envelope())).verified
    assert verifier.verify(body(signer().envelope())).verified
    assert fetcher.calls == 2


async def test_a_failed_async_fetch_is_shared_then_not_cached() -> None:
    fetcher = FlakyFetcher(PEM)
    verifier = _async_verifier(fetcher)
    bodies = [body(signer().envelope()) for _ in range(10)]
    results = await asyncio.gather(
        *(verifier.averify(raw) for raw in bodies), return_exceptions=True
    )
    assert all(isinstance(r, SignatureVerificationError) for r in results)
    assert fetcher.calls == 1
    assert (await verifier.averify(body(signer().envelope()))).verified
    assert fetcher.calls == 2


def test_an_untrusted_certificate_is_not_cached() -> None:
    fetcher = CountingFetcher(PEM)
    decisions = iter([False, True])

    def trust(certificate: x509.Certificate, now: datetime) -> None:
        if not next(decisions):
            raise SignatureVerificationError("not yet")

    verifier = signer().verifier(fetcher=fetcher, trust=trust)
    with pytest.raises(SignatureVerificationError, match="not yet"):
        verifier.verify(body(signer().envelope()))
    assert verifier.verify(body(signer().envelope())).verified
    assert fetcher.calls == 2


def test_trust_is_rechecked_for_cached_certificates() -> None:
    now = [NOW]
    short = Signer(shared_key(), make_certificate(shared_key(), not_after=NOW + timedelta(hours=2)))
    verifier = SnsVerifier(
        allowed_topic_arns=[TOPIC], fetcher=CountingFetcher(short.pem), clock=lambda: now[0]
    )
    assert verifier.verify(body(short.envelope())).verified
    now[0] = NOW + timedelta(hours=3)
    with pytest.raises(SignatureVerificationError, match="not valid"):
        verifier.verify(body(short.envelope(timestamp=now[0])))


def test_cache_entries_expire_and_are_bounded() -> None:
    ticks = [0.0]
    cache = CertificateCache(maxsize=1, ttl=10, timer=lambda: ticks[0])
    fetcher = CountingFetcher(PEM)
    trust = signer().static().trust
    other = CERT_URL.replace("0123", "4567")
    cache.get(CERT_URL, fetcher, trust, NOW)
    cache.get(CERT_URL, fetcher, trust, NOW)
    assert fetcher.calls == 1
    ticks[0] = 11
    cache.get(CERT_URL, fetcher, trust, NOW)
    assert fetcher.calls == 2
    cache.get(other, fetcher, trust, NOW)
    cache.get(CERT_URL, fetcher, trust, NOW)
    assert fetcher.calls == 4


def test_any_exception_from_a_custom_trust_is_a_refusal() -> None:
    def broken(certificate: x509.Certificate, now: datetime) -> None:
        raise RuntimeError("bug in trust")

    with pytest.raises(SignatureVerificationError, match="not trusted"):
        signer().verifier(trust=broken).verify(body(signer().envelope()))


def test_custom_trust_receives_the_certificate_and_the_clock_time() -> None:
    calls: list[tuple[x509.Certificate, datetime]] = []
    verifier = signer().verifier(trust=lambda cert, now: calls.append((cert, now)))
    verifier.verify(body(signer().envelope()))
    assert calls == [(signer().certificate, NOW)]


class TestAmazonTrust:
    """The default trust: valid now, subject SNS, issuer Amazon."""

    @pytest.mark.parametrize(
        "common_name",
        [
            "sns.amazonaws.com",
            "sns.ap-southeast-1.amazonaws.com",
            "sns.cn-north-1.amazonaws.com.cn",
        ],
    )
    def test_accepts_sns_subjects_issued_by_amazon(self, common_name: str) -> None:
        amazon_sns_trust(make_certificate(shared_key(), common_name=common_name), NOW)

    @pytest.mark.parametrize(
        ("common_name", "organization"),
        [
            ("evil.com", "Amazon"),
            ("sns.amazonaws.com.evil.com", "Amazon"),
            ("xsns.amazonaws.com", "Amazon"),
            ("sns.amazonaws.com", "Evil Corp"),
            ("sns.amazonaws.com", "amazon"),
        ],
    )
    def test_refuses_other_subjects_and_issuers(self, common_name: str, organization: str) -> None:
        cert = make_certificate(shared_key(), common_name=common_name, organization=organization)
        with pytest.raises(SignatureVerificationError):
            amazon_sns_trust(cert, NOW)

    @pytest.mark.parametrize("offset", [timedelta(days=-2), timedelta(days=366)])
    def test_refuses_outside_the_validity_window(self, offset: timedelta) -> None:
        with pytest.raises(SignatureVerificationError, match="not valid"):
            amazon_sns_trust(signer().certificate, NOW + offset)

    def test_the_real_aws_certificate_is_trusted_only_while_valid(self) -> None:
        cert = load_certificate(AWS_PEM)
        amazon_sns_trust(cert, datetime.fromisoformat("2022-07-28T22:00:00+00:00"))
        with pytest.raises(SignatureVerificationError, match="not valid"):
            amazon_sns_trust(cert, datetime.fromisoformat("2023-01-01T00:00:00+00:00"))


class TestStaticCertificates:
    """The pre-loaded certificates used by tests and the offline sandbox."""

    def test_verifies_messages_signed_with_its_own_key(self) -> None:
        certs = StaticCertificates({CERT_URL: PEM.decode()})
        verifier = SnsVerifier(
            allowed_topic_arns=[TOPIC], fetcher=certs, trust=certs.trust, clock=lambda: NOW
        )
        assert verifier.verify(body(signer().envelope(version="2"))).verified

    def test_trusts_only_the_configured_certificates(self) -> None:
        other = make_certificate(shared_key(), common_name="sns.amazonaws.com")
        with pytest.raises(SignatureVerificationError, match="configured"):
            StaticCertificates({CERT_URL: PEM}).trust(other, NOW)

    def test_unknown_url_is_refused(self) -> None:
        with pytest.raises(SignatureVerificationError, match="configured"):
            StaticCertificates({CERT_URL: PEM}).fetch(CERT_URL.replace("0123", "4567"))

    @pytest.mark.parametrize(
        "mapping",
        [
            {"https://localhost/cert.pem": PEM},
            {CERT_URL: b"not a pem"},
            {CERT_URL: PEM + PEM},
        ],
    )
    def test_refuses_bad_configuration(self, mapping: dict[str, bytes]) -> None:
        with pytest.raises(ConfigurationError):
            StaticCertificates(mapping)
