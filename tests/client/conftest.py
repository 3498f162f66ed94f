"""Fixtures of the operation tests: every test runs against the sync and the async client."""

from __future__ import annotations

import pytest

from tests.client._wire import Wire


@pytest.fixture(params=["sync", "async"])
def flavour(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def wire(flavour: str) -> Wire:
    return Wire(flavour)
