"""Credential sets and the documented answers to wrong credentials."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import attrs
import httpx
import pytest

from bkash_sdk.testing import PUBLIC_SANDBOX_CREDENTIALS, Credentials, FakeBkash
from tests import canaries

from ._driver import PATHS, SANDBOX_ORIGIN

CANARY = Credentials(**canaries.CREDENTIALS)


@contextmanager
def _client(fake: FakeBkash, face: str) -> Iterator[httpx.Client]:
    if face == "transport":
        with httpx.Client(transport=fake.transport(), base_url=SANDBOX_ORIGIN) as client:
            yield client
        return
    with fake.serve() as server, httpx.Client(base_url=server.origin) as client:
        yield client


@pytest.fixture(params=["transport", "http"])
def client(request: pytest.FixtureRequest) -> Iterator[httpx.Client]:
    fake = FakeBkash(credentials=[CANARY])
    with _client(fake, request.param) as made:
        yield made


def grant(client: httpx.Client, creds: Credentials, **overrides: str) -> httpx.Response:
    values = {**attrs.asdict(creds), **overrides}
    body = {"app_key": values["app_key"], "app_secret": values["app_secret"]}
    headers = {"username": values["username"], "password": values["password"]}
    return client.post(PATHS["grant"], json=body, headers=headers)


def _claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return decoded


@pytest.mark.parametrize(
    "creds", [*PUBLIC_SANDBOX_CREDENTIALS, CANARY], ids=["T2", "T1", "N", "custom"]
)
def test_accepted_sets_get_look_alike_cognito_tokens(
    client: httpx.Client, creds: Credentials
) -> None:
    response = grant(client, creds)
    body = response.json()
    assert (response.status_code, body["statusCode"], body["statusMessage"]) == (
        200,
        "0000",
        "Successful",
    )
    claims = _claims(body["id_token"])
    assert claims["aud"] == creds.app_key
    assert claims["cognito:username"] == creds.username
    assert claims["token_use"] == "id"
    assert claims["exp"] == claims["iat"] + 3600
    assert len(body["id_token"].split(".")) == 3
    assert len(body["refresh_token"].split(".")) == 5


def test_published_values_are_copied_exactly() -> None:
    t2, t1, n = PUBLIC_SANDBOX_CREDENTIALS
    assert (t2.username, t2.password) == ("sandboxTokenizedUser02", "sandboxTokenizedUser02@12345")
    assert t2.app_key == "4f6o0cjiki2rfm34kfdadl1eqq"
    assert t2.app_secret == "2is7hdktrekvrbljjh44ll3d9l1dtjo4pasmjvs5vl5qr3fug4b"
    assert (t1.username, t1.password) == ("sandboxTokenizedUser01", "sandboxTokenizedUser12345")
    assert t1.app_key == "7epj60ddf7id0chhcm3vkejtab"
    assert t1.app_secret == "18mvi27h9l38dtdv110rq5g603blk0fhh5hg46gfb27cp2rbs66f"
    assert (n.username, n.password) == ("01770618567", "D7DaC<*E*eG")
    assert n.app_key == "0vWQuCRGiUX7EPVjQDr0EUAYtc"
    assert n.app_secret == "jcUNPBgbcqEDedNKdvE4G1cAK7D3hCjmJccNPZZBq96QIxxwAMEx"
    assert canaries.APP_SECRET not in repr(CANARY)


def test_unknown_username(client: httpx.Client) -> None:
    response = grant(client, CANARY, username="nobody")
    assert response.status_code == 200
    assert response.json() == {"statusCode": "9999", "statusMessage": "Username does not exist"}


@pytest.mark.parametrize("field", ["app_key", "app_secret"])
def test_wrong_app_credentials_are_a_gateway_401(client: httpx.Client, field: str) -> None:
    response = grant(client, CANARY, **{field: "wrong"})
    assert (response.status_code, response.json()) == (401, {"message": "Unauthorized"})


def test_wrong_password_answers_invalid_json_with_a_raw_newline(client: httpx.Client) -> None:
    response = grant(client, CANARY, password="wrong")
    assert response.status_code == 200
    assert response.content == b'{"statusCode":"9999","statusMessage":"Invalid credentials.\n"}'
    with pytest.raises(json.JSONDecodeError):
        response.json()
    assert json.loads(response.text, strict=False)["statusMessage"] == "Invalid credentials.\n"


def test_public_sets_can_be_switched_off() -> None:
    fake = FakeBkash(public_sandbox_credentials=False, credentials=[CANARY])
    with httpx.Client(transport=fake.transport(), base_url=SANDBOX_ORIGIN) as client:
        assert grant(client, PUBLIC_SANDBOX_CREDENTIALS[0]).status_code == 401
        assert grant(client, CANARY).status_code == 200


def test_tokens_are_per_app(client: httpx.Client) -> None:
    token = grant(client, CANARY).json()["id_token"]
    other = PUBLIC_SANDBOX_CREDENTIALS[0].app_key
    for headers in (
        {"Authorization": token, "X-APP-Key": other},
        {"Authorization": token},
        {"X-APP-Key": canaries.APP_KEY},
    ):
        response = client.post(PATHS["query"], json={"paymentID": "x"}, headers=headers)
        assert (response.status_code, response.json()) == (401, {"message": "Unauthorized"})
    lower = {"authorization": token, "x-app-key": canaries.APP_KEY}
    answer = client.post(PATHS["query"], json={"paymentID": "x"}, headers=lower)
    assert answer.json()["statusCode"] == "2002"


def test_unknown_paths_and_methods_get_the_gateway_403(client: httpx.Client) -> None:
    missing = {"message": "Missing Authentication Token"}
    assert client.post("/v1.2.0-beta/tokenized/checkout/nothing", json={}).json() == missing
    response = client.get(PATHS["query"])
    assert (response.status_code, response.json()) == (403, missing)
