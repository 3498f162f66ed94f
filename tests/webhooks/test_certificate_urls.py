"""The certificate URL rule: hostile URLs are refused before any network call."""

from __future__ import annotations

import httpx
import pytest

from bkash_sdk import SignatureVerificationError
from bkash_sdk.webhooks import HttpxCertificateFetcher, SnsVerifier
from bkash_sdk.webhooks._urls import check_certificate_url

from ._support import NOW, TOPIC, CountingFetcher, FailingFetcher, body, signer

HEX = "0123456789abcdef0123456789abcdef"
GOOD = f"https://sns.ap-southeast-1.amazonaws.com/SimpleNotificationService-{HEX}.pem"
FILE = f"SimpleNotificationService-{HEX}.pem"
HOST = "sns.ap-southeast-1.amazonaws.com"

HOSTILE_URLS = [
    f"http://{HOST}/{FILE}",
    f"HTTPS://{HOST}/{FILE}",
    f"ftp://{HOST}/{FILE}",
    f"//{HOST}/{FILE}",
    f"https://{HOST}.evil.com/{FILE}",
    f"https://{HOST}.cn.evil.com/{FILE}",
    f"https://evilsns.ap-southeast-1.amazonaws.com/{FILE}",
    f"https://sns.ap-southeast-1.amazonaws.co/{FILE}",
    f"https://sns.ap-southeast-1.amazonaws.com.co/{FILE}",
    f"https://sns.evil.ap-southeast-1.amazonaws.com/{FILE}",
    f"https://a.{HOST}/{FILE}",
    f"https://{HOST}./{FILE}",
    f"https://sns.amazonaws.com/{FILE}",
    f"https://sns..amazonaws.com/{FILE}",
    f"https://sns.us-east-1.amazonaws.com/{FILE}",
    f"https://user@{HOST}/{FILE}",
    f"https://user:pass@{HOST}/{FILE}",
    f"https://{HOST}@evil.com/{FILE}",
    f"https://{HOST}:443/{FILE}",
    f"https://{HOST}:8443/{FILE}",
    f"https://{HOST}/{FILE}?x=1",
    f"https://{HOST}/{FILE}?",
    f"https://evil.com/?u=https://{HOST}/{FILE}",
    f"https://evil.com/cert?{FILE}",
    f"https://{HOST}/?file={FILE}",
    f"https://{HOST}/{FILE}#fragment",
    f"https://{HOST}/{FILE}#",
    f"https://{HOST}/{FILE}\n",
    f"https://{HOST}/{FILE} ",
    f" https://{HOST}/{FILE}",
    f"https://{HOST}/{FILE}\t",
    f"https://{HOST}/{FILE}\x00",
    f"https://{HOST}/SimpleNotificationService-{HEX}%2Epem",
    f"https://sns%2Eap-southeast-1.amazonaws.com/{FILE}",
    f"https://{HOST}/%53impleNotificationService-{HEX}.pem",
    f"https://{HOST}\\@evil.com/{FILE}",
    f"https:\\\\{HOST}\\{FILE}",
    f"https://{HOST}\\{FILE}",
    f"https://54.240.197.233/{FILE}",
    f"https://[::1]/{FILE}",
    f"https://0x36F0C5E9/{FILE}",
    f"https://SNS.ap-southeast-1.amazonaws.com/{FILE}",
    f"https://sns.AP-SOUTHEAST-1.amazonaws.com/{FILE}",
    f"https://sns.ap-southeast-1.AMAZONAWS.COM/{FILE}",
    f"https://\u0455ns.ap-southeast-1.amazonaws.com/{FILE}",
    f"https://sns.ap-southeast-1\u3002amazonaws.com/{FILE}",
    f"https://sns.ap-southeast-\u0661.amazonaws.com/{FILE}",
    f"https://{HOST}/../{FILE}",
    f"https://{HOST}/foo/../{FILE}",
    f"https://{HOST}/./{FILE}",
    f"https://{HOST}//{FILE}",
    f"https://{HOST}/{FILE}/",
    f"https://{HOST}/certs/{FILE}",
    f"https://{HOST}/SimpleNotificationService.pem",
    f"https://{HOST}/SimpleNotificationService-.pem",
    f"https://{HOST}/SimpleNotificationService-xyz0123456789.pem",
    f"https://{HOST}/SimpleNotificationService-{HEX}.PEM",
    f"https://{HOST}/SimpleNotificationService-{HEX}.pem.txt",
    f"https://{HOST}/SimpleNotificationService-{HEX}.pem;x=1",
    f"https://{HOST}/simplenotificationservice-{HEX}.pem",
    f"https://{HOST}/SimpleNotificationService-{'a' * 3000}.pem",
    f"https://{HOST}/evil.pem",
    f"https://{HOST}/",
    f"https://{HOST}",
    "",
    "not a url",
]


def test_there_are_at_least_25_hostile_urls() -> None:
    assert len(set(HOSTILE_URLS)) == len(HOSTILE_URLS) >= 25


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_hostile_url_is_refused_without_fetching(url: str) -> None:
    fetcher = FailingFetcher()
    counting = CountingFetcher(signer().pem)
    envelope = signer().envelope(SigningCertURL=url)
    for candidate in (fetcher, counting):
        verifier = signer().verifier(fetcher=candidate)
        with pytest.raises(SignatureVerificationError):
            verifier.verify(body(envelope))
    assert counting.calls == 0


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_hostile_url_makes_no_http_request(url: str) -> None:
    requests: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200, content=signer().pem)

    client = httpx.Client(transport=httpx.MockTransport(record))
    verifier = SnsVerifier(
        allowed_topic_arns=[TOPIC],
        fetcher=HttpxCertificateFetcher(client),
        trust=signer().static().trust,
        clock=lambda: NOW,
    )
    with pytest.raises(SignatureVerificationError):
        verifier.verify(body(signer().envelope(SigningCertURL=url)))
    assert requests == []


def test_the_good_url_is_fetched_and_verifies() -> None:
    counting = CountingFetcher(signer().pem)
    assert signer().verifier(fetcher=counting).verify(body(signer().envelope())).verified
    assert counting.calls == 1
    assert signer().cert_url == GOOD


@pytest.mark.parametrize(
    ("url", "region"),
    [
        (GOOD, "ap-southeast-1"),
        (f"https://sns.us-east-1.amazonaws.com/{FILE}", "us-east-1"),
        (f"https://sns.us-gov-west-1.amazonaws.com/{FILE}", "us-gov-west-1"),
        (f"https://sns.cn-north-1.amazonaws.com.cn/{FILE}", "cn-north-1"),
        (f"https://sns.eu-central-2.amazonaws.com/{FILE}", None),
    ],
)
def test_genuine_sns_certificate_urls_pass(url: str, region: str | None) -> None:
    check_certificate_url(url, region=region)


def test_region_pin_refuses_other_regions() -> None:
    with pytest.raises(SignatureVerificationError, match="region"):
        check_certificate_url(GOOD, region="us-east-1")
