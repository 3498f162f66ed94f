"""SNS certificate fetches under load, and verification throughput.

Messages signed with one self-generated key share one certificate URL. The verifier starts
with a cold certificate cache and an injected fetcher that takes 20 ms (a stand-in for the
HTTPS fetch) and counts its calls: however many messages and callers, one fetch is expected.

Usage: .venv/bin/python benchmarks/sns_certificates.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from _canned import print_table
from _sns import TOPIC_ARN, Signer

from bkash_sdk.webhooks import AsyncSnsVerifier, SnsVerifier, StaticCertificates

FETCH_DELAY = 0.02
THREADS = 32
COROUTINES = 100


class CountingFetcher:
    """Serves the certificate slowly, sync and async, and counts the fetches."""

    def __init__(self, certificates: StaticCertificates) -> None:
        self._certificates = certificates
        self._lock = threading.Lock()
        self.fetches = 0

    def _count(self) -> None:
        with self._lock:
            self.fetches += 1

    def fetch(self, url: str) -> bytes:
        self._count()
        time.sleep(FETCH_DELAY)
        return self._certificates.fetch(url)

    async def afetch(self, url: str) -> bytes:
        self._count()
        await asyncio.sleep(FETCH_DELAY)
        return self._certificates.fetch(url)


def _chunks(bodies: list[bytes], count: int) -> list[list[bytes]]:
    return [bodies[i::count] for i in range(count)]


def run_sync(
    certificates: StaticCertificates, bodies: list[bytes], workers: int
) -> tuple[int, float]:
    """Certificate fetches and wall seconds to verify ``bodies`` on ``workers`` threads."""
    fetcher = CountingFetcher(certificates)
    verifier = SnsVerifier(
        allowed_topic_arns=[TOPIC_ARN], fetcher=fetcher, trust=certificates.trust
    )

    def verify_all(chunk: list[bytes]) -> None:
        for body in chunk:
            if verifier.verify(body).duplicate:
                raise RuntimeError("a fresh message was flagged as a duplicate")

    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        for future in [pool.submit(verify_all, chunk) for chunk in _chunks(bodies, workers)]:
            future.result()
    return fetcher.fetches, time.perf_counter() - started


async def run_async(certificates: StaticCertificates, bodies: list[bytes]) -> tuple[int, float]:
    """Certificate fetches and wall seconds to verify ``bodies`` on ``COROUTINES`` coroutines."""
    fetcher = CountingFetcher(certificates)
    verifier = AsyncSnsVerifier(
        allowed_topic_arns=[TOPIC_ARN], fetcher=fetcher, trust=certificates.trust
    )

    async def verify_all(chunk: list[bytes]) -> None:
        for body in chunk:
            if (await verifier.averify(body)).duplicate:
                raise RuntimeError("a fresh message was flagged as a duplicate")

    started = time.perf_counter()
    await asyncio.gather(*(verify_all(chunk) for chunk in _chunks(bodies, COROUTINES)))
    return fetcher.fetches, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run of a few seconds")
    messages = 200 if parser.parse_args().quick else 2000
    signer = Signer()
    certificates = StaticCertificates({signer.certificate_url: signer.pem})
    v1 = [signer.notification(f"BENCH{i:05d}", version="1") for i in range(messages)]
    v2 = [signer.notification(f"BENCH{i:05d}", version="2") for i in range(messages)]
    cases = {
        "1 thread, SignatureVersion 1": run_sync(certificates, v1, 1),
        "1 thread, SignatureVersion 2": run_sync(certificates, v2, 1),
        f"{THREADS} threads, SignatureVersion 2": run_sync(certificates, v2, THREADS),
        f"{COROUTINES} coroutines, SignatureVersion 2": asyncio.run(run_async(certificates, v2)),
    }
    rows = [
        (name, messages, fetches, f"{messages / seconds:,.0f}")
        for name, (fetches, seconds) in cases.items()
    ]
    print(f"SNS verification, cold certificate cache (fetch takes {FETCH_DELAY * 1000:.0f} ms)")
    print_table(("callers", "messages", "certificate fetches", "messages/s"), rows)


if __name__ == "__main__":
    main()
