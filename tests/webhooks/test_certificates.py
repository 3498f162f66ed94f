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
    CertificateUnavailableError,
    HttpxCertificateFetcher,
    SnsMessage,
    SnsVerifier,
    StaticCertificates,
    amazon_sns_trust,
    load_certificate,
    sns,
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


@pytest.mark.parametrize(
    ("status", "unavailable"),
    [
        (301, False),
        (302, False),
        (307, False),
        (308, False),
        (403, False),
        (404, False),
        (204, False),
        (408, True),
        (429, True),
        (500, True),
        (502, True),
        (503, True),
        (504, True),
    ],
)
def test_non_200_and_redirects_are_refused_and_not_followed(status: int, unavailable: bool) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, headers={"location": CERT_URL}, content=PEM)

    fetcher = HttpxCertificateFetcher(_client(httpx.MockTransport(handler)))
    with pytest.raises(SignatureVerificationError, match=str(status)) as info:
        fetcher.fetch(CERT_URL)
    assert isinstance(info.value, CertificateUnavailableError) is unavailable
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


TRANSPORT_ERRORS = [
    httpx.ConnectError("refused"),
    httpx.ConnectTimeout("slow"),
    httpx.ReadTimeout("slow"),
    httpx.ReadError("reset"),
    httpx.RemoteProtocolError("garbled"),
]


@pytest.mark.parametrize("error", TRANSPORT_ERRORS, ids=lambda e: type(e).__name__)
def test_transport_errors_mean_the_certificate_is_unavailable(error: httpx.HTTPError) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise error

    verifier = signer().verifier(
        fetcher=HttpxCertificateFetcher(_client(httpx.MockTransport(handler)))
    )
    with pytest.raises(CertificateUnavailableError, match="could not fetch"):
        verifier.verify(body(signer().envelope()))


@pytest.mark.parametrize("status", [500, 503])
async def test_async_fetch_failures_mean_the_certificate_is_unavailable(status: int) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("ef.pem"):
            raise httpx.ConnectTimeout("slow")
        return httpx.Response(status)

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        verifier = _async_verifier(AsyncHttpxCertificateFetcher(client))
        with pytest.raises(CertificateUnavailableError, match="could not fetch"):
            await verifier.averify(body(signer().envelope()))
        other = Signer(shared_key(), signer().certificate, CERT_URL.replace("ef.pem", "ee.pem"))
        with pytest.raises(CertificateUnavailableError, match=str(status)):
            await verifier.averify(body(other.envelope()))


class BrokenFetcher:
    """A custom fetcher whose network is down."""

    def fetch(self, url: str) -> bytes:
        raise OSError("network unreachable")

    async def afetch(self, url: str) -> bytes:
        return self.fetch(url)


async def test_any_error_from_a_custom_fetcher_means_unavailable() -> None:
    with pytest.raises(CertificateUnavailableError):
        signer().verifier(fetcher=BrokenFetcher()).verify(body(signer().envelope()))
    with pytest.raises(CertificateUnavailableError):
        await _async_verifier(BrokenFetcher()).averify(body(signer().envelope()))


def _untrusting(certificate: x509.Certificate, now: datetime) -> None:
    raise SignatureVerificationError("not trusted here")


@pytest.mark.parametrize(
    "case", ["bad-pem", "oversize", "untrusted", "trust-bug", "refused-url", "unknown-static-url"]
)
def test_content_and_trust_failures_are_not_unavailability(case: str) -> None:
    envelope = signer().envelope()
    verifier = {
        "bad-pem": signer().verifier(fetcher=CountingFetcher(BAD_BODIES["html-wrapped"])),
        "oversize": signer().verifier(fetcher=CountingFetcher(BAD_BODIES["oversize"])),
        "untrusted": signer().verifier(trust=_untrusting),
        "trust-bug": signer().verifier(trust=lambda cert, now: 1 / 0),
        "refused-url": signer().verifier(fetcher=CountingFetcher(PEM)),
        "unknown-static-url": signer().verifier(
            fetcher=StaticCertificates({CERT_URL.replace("0123", "4567"): PEM})
        ),
    }[case]
    if case == "refused-url":
        envelope = signer().sign(envelope | {"SigningCertURL": CERT_URL + "?x=1"})
    with pytest.raises(SignatureVerificationError) as info:
        verifier.verify(body(envelope))
    assert not isinstance(info.value, CertificateUnavailableError)


def test_oversize_streamed_body_is_not_unavailability() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=b"A" * 20_000))
    with pytest.raises(SignatureVerificationError, match="too large") as info:
        HttpxCertificateFetcher(_client(transport)).fetch(CERT_URL)
    assert not isinstance(info.value, CertificateUnavailableError)


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
    with pytest.raises(CertificateUnavailableError, match="could not fetch"):
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
    assert all(isinstance(r, CertificateUnavailableError) for r in results)
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


class RecordingTrust:
    """A trust that records each ``now`` it is asked about and accepts only ``accept``."""

    def __init__(self, *, accept: bool = True) -> None:
        self.accept = accept
        self.times: list[datetime] = []

    def __call__(self, certificate: x509.Certificate, now: datetime) -> None:
        self.times.append(now)
        if not self.accept:
            raise SignatureVerificationError("refused by this verifier's trust")


def _sharing(
    fetcher: AsyncCertificateFetcher, cache: CertificateCache, trust: RecordingTrust, now: datetime
) -> AsyncSnsVerifier:
    return AsyncSnsVerifier(
        allowed_topic_arns=[TOPIC],
        fetcher=fetcher,
        trust=trust,
        clock=lambda: now,
        certificate_cache=cache,
    )


async def test_coroutines_joining_a_fetch_apply_their_own_trust() -> None:
    fetcher, cache = SlowFetcher(PEM), CertificateCache()
    lenient, strict = RecordingTrust(), RecordingTrust(accept=False)
    first = _sharing(fetcher, cache, lenient, NOW)
    second = _sharing(fetcher, cache, strict, NOW)
    results = await asyncio.gather(
        first.averify(body(signer().envelope())),
        second.averify(body(signer().envelope())),
        return_exceptions=True,
    )
    assert fetcher.calls == 1
    assert isinstance(results[0], SnsMessage)
    assert isinstance(results[1], SignatureVerificationError)
    assert "this verifier's trust" in str(results[1])
    assert (lenient.times, strict.times) == ([NOW], [NOW])


async def test_coroutines_joining_a_fetch_apply_trust_at_their_own_time() -> None:
    short = Signer(shared_key(), make_certificate(shared_key(), not_after=NOW + timedelta(hours=1)))
    fetcher, cache = SlowFetcher(short.pem), CertificateCache()
    later = NOW + timedelta(hours=2)
    before = AsyncSnsVerifier(
        allowed_topic_arns=[TOPIC], fetcher=fetcher, clock=lambda: NOW, certificate_cache=cache
    )
    after = AsyncSnsVerifier(
        allowed_topic_arns=[TOPIC], fetcher=fetcher, clock=lambda: later, certificate_cache=cache
    )
    results = await asyncio.gather(
        before.averify(body(short.envelope())),
        after.averify(body(short.envelope(timestamp=later))),
        return_exceptions=True,
    )
    assert fetcher.calls == 1
    assert isinstance(results[0], SnsMessage)
    assert isinstance(results[1], SignatureVerificationError)
    assert "not valid" in str(results[1])


async def test_verifiers_with_different_fetchers_never_share_a_fetch() -> None:
    cache = CertificateCache()
    mine, theirs = SlowFetcher(PEM), SlowFetcher(PEM)
    verifiers = [_sharing(f, cache, RecordingTrust(), NOW) for f in (mine, theirs, mine, theirs)]
    await asyncio.gather(*(v.averify(body(signer().envelope())) for v in verifiers))
    await verifiers[1].averify(body(signer().envelope()))
    assert (mine.calls, theirs.calls) == (1, 1)


def test_sync_verifiers_with_different_fetchers_never_share_a_certificate() -> None:
    cache = CertificateCache()
    mine, theirs = CountingFetcher(PEM), CountingFetcher(PEM)
    for fetcher in (mine, theirs, mine, theirs):
        verifier = signer().verifier(fetcher=fetcher, certificate_cache=cache)
        assert verifier.verify(body(signer().envelope())).verified
    assert (mine.calls, theirs.calls) == (1, 1)


def test_sync_callers_sharing_a_certificate_apply_their_own_trust_and_time() -> None:
    fetcher, cache = CountingFetcher(PEM), CertificateCache()
    lenient, strict = RecordingTrust(), RecordingTrust(accept=False)
    later = NOW + timedelta(minutes=1)
    cache.get(CERT_URL, fetcher, lenient, NOW)
    with pytest.raises(SignatureVerificationError, match="this verifier's trust"):
        cache.get(CERT_URL, fetcher, strict, later)
    assert (lenient.times, strict.times, fetcher.calls) == ([NOW], [later], 1)


async def test_default_verifiers_sharing_a_cache_share_its_certificates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fetcher = CountingFetcher(PEM)
    monkeypatch.setattr(sns._SHARED_FETCHER, "fetch", fetcher.fetch)
    monkeypatch.setattr(sns._SHARED_AFETCHER, "afetch", fetcher.afetch)
    trust = signer().static().trust
    for cache in (CertificateCache(), CertificateCache()):
        for _ in range(2):
            verifier = SnsVerifier(
                allowed_topic_arns=[TOPIC], trust=trust, clock=lambda: NOW, certificate_cache=cache
            )
            assert verifier.verify(body(signer().envelope())).verified
            averifier = AsyncSnsVerifier(
                allowed_topic_arns=[TOPIC], trust=trust, clock=lambda: NOW, certificate_cache=cache
            )
            assert (await averifier.averify(body(signer().envelope()))).verified
    assert fetcher.calls == 4  # one per cache and sync/async fetcher


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
