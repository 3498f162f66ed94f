"""Token calls under concurrency: 100 coroutines and 32 threads on a cold or expired token.

Each round builds a fresh client over canned bKash answers whose token calls take 50 ms (to
widen the race), then makes every caller query a payment at once. The expired case first
warms the token, then moves the client's clock an hour ahead, so the callers need a refresh.

Usage: .venv/bin/python benchmarks/token_concurrency.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from _canned import CONFIG, PAYMENT_ID, CannedBkash, print_table

from bkash_sdk import AsyncBkashClient, BkashClient

COROUTINES = 100
THREADS = 32
TOKEN_DELAY = 0.05
TOKEN_LIFETIME = 3600.0


class Clock:
    """A wall clock that can be moved forward."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


def _token_calls(canned: CannedBkash, before: Counter[str]) -> str:
    """The token calls made since ``before``, e.g. ``1 refresh``."""
    made = canned.calls - before
    return ", ".join(f"{made[f'token/{kind}']} {kind}" for kind in ("grant", "refresh"))


def threads_round(expired: bool) -> tuple[str, float]:
    """Token calls and wall seconds for ``THREADS`` threads querying at once."""
    canned, clock = CannedBkash(TOKEN_DELAY), Clock()
    with BkashClient(CONFIG, http_client=canned.client(), clock=clock) as client:
        if expired:
            client.payments.query(PAYMENT_ID)
            clock.offset = TOKEN_LIFETIME
        before = canned.calls.copy()
        barrier = threading.Barrier(THREADS)

        def query() -> None:
            barrier.wait()
            client.payments.query(PAYMENT_ID)

        started = time.perf_counter()
        with ThreadPoolExecutor(THREADS) as pool:
            for future in [pool.submit(query) for _ in range(THREADS)]:
                future.result()
        return _token_calls(canned, before), time.perf_counter() - started


async def coroutines_round(expired: bool) -> tuple[str, float]:
    """Token calls and wall seconds for ``COROUTINES`` coroutines querying at once."""
    canned, clock = CannedBkash(TOKEN_DELAY), Clock()
    async with AsyncBkashClient(CONFIG, http_client=canned.async_client(), clock=clock) as client:
        if expired:
            await client.payments.query(PAYMENT_ID)
            clock.offset = TOKEN_LIFETIME
        before = canned.calls.copy()
        started = time.perf_counter()
        await asyncio.gather(*(client.payments.query(PAYMENT_ID) for _ in range(COROUTINES)))
        return _token_calls(canned, before), time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run of a few seconds")
    rounds = 2 if parser.parse_args().quick else 20
    rows = []
    for expired in (False, True):
        token = "expired" if expired else "cold"
        cases = {
            f"{COROUTINES} coroutines": [
                asyncio.run(coroutines_round(expired)) for _ in range(rounds)
            ],
            f"{THREADS} threads": [threads_round(expired) for _ in range(rounds)],
        }
        for callers, results in cases.items():
            calls = " | ".join(sorted({made for made, _ in results}))
            slowest = max(seconds for _, seconds in results)
            rows.append((callers, token, rounds, calls, f"{slowest * 1000:.0f}"))
    print(f"Token calls per round (token call latency {TOKEN_DELAY * 1000:.0f} ms)")
    print_table(("callers", "token", "rounds", "token calls per round", "slowest round ms"), rows)


if __name__ == "__main__":
    main()
