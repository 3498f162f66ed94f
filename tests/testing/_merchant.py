"""A raw-httpx merchant backend for tests that are not scenarios."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from bkash_sdk.testing import FakeBkash

from ._driver import PATHS, SANDBOX_ORIGIN, T2, Answer, token_headers
from ._scenarios import payment_body


class Merchant:
    """Grants once, then makes authenticated calls by endpoint key."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client
        body = {"app_key": T2.app_key, "app_secret": T2.app_secret}
        granted = client.post(PATHS["grant"], json=body, headers=token_headers())
        self.headers = {"Authorization": granted.json()["id_token"], "X-APP-Key": T2.app_key}

    def call(self, endpoint: str, body: dict[str, Any], timeout: float | None = 5.0) -> Answer:
        """POST *body* to *endpoint*."""
        response = self.client.post(
            PATHS[endpoint], json=body, headers=self.headers, timeout=timeout
        )
        return Answer.of(response)

    def create(self, **changes: Any) -> dict[str, Any]:
        """A created payment's body."""
        answer = self.call("create", payment_body(**changes))
        assert answer.code() == "0000", answer.json
        result: dict[str, Any] = answer.json
        return result


@contextmanager
def in_process(fake: FakeBkash) -> Iterator[Merchant]:
    """A merchant talking to *fake* through its httpx transport."""
    with httpx.Client(transport=fake.transport(), base_url=SANDBOX_ORIGIN) as client:
        yield Merchant(client)


@contextmanager
def over_http(fake: FakeBkash) -> Iterator[Merchant]:
    """A merchant talking to *fake* over loopback HTTP."""
    with fake.serve() as server, httpx.Client(base_url=server.origin) as client:
        yield Merchant(client)


FACES = {"transport": in_process, "http": over_http}
