"""The same scenarios through httpx.Client, httpx.AsyncClient and real HTTP: same results."""

from __future__ import annotations

import httpx
import pytest

from bkash_sdk.testing import FakeBkash

from ._driver import SANDBOX_ORIGIN, Step, run_async, run_sync
from ._scenarios import SCENARIOS


def _through_transport(name: str) -> list[Step]:
    options, scenario = SCENARIOS[name]
    fake = FakeBkash(**options)
    with httpx.Client(transport=fake.transport(), base_url=SANDBOX_ORIGIN) as client:
        return run_sync(client, scenario(fake))


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_transport_and_http_server_agree(name: str) -> None:
    options, scenario = SCENARIOS[name]
    fake = FakeBkash(**options)
    with fake.serve() as server, httpx.Client(base_url=server.origin) as client:
        over_http = run_sync(client, scenario(fake))
    assert over_http == _through_transport(name)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
async def test_async_client_agrees(name: str) -> None:
    options, scenario = SCENARIOS[name]
    fake = FakeBkash(**options)
    async with httpx.AsyncClient(transport=fake.transport(), base_url=SANDBOX_ORIGIN) as client:
        transcript = await run_async(client, scenario(fake))
    assert transcript == _through_transport(name)
