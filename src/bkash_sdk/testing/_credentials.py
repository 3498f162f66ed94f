"""Merchant credential sets the sandbox accepts."""

from __future__ import annotations

import attrs


@attrs.frozen
class Credentials:
    """One merchant's app key, app secret, username and password (only the app key in repr)."""

    app_key: str
    app_secret: str = attrs.field(repr=False)
    username: str = attrs.field(repr=False)
    password: str = attrs.field(repr=False)


# The shared public sandbox sets of bkash-api.md section 16 (T2, T1 and N), copied verbatim.
PUBLIC_SANDBOX_CREDENTIALS: tuple[Credentials, ...] = (
    Credentials(
        app_key="4f6o0cjiki2rfm34kfdadl1eqq",
        app_secret="2is7hdktrekvrbljjh44ll3d9l1dtjo4pasmjvs5vl5qr3fug4b",
        username="sandboxTokenizedUser02",
        password="sandboxTokenizedUser02@12345",  # noqa: S106 - published sandbox value
    ),
    Credentials(
        app_key="7epj60ddf7id0chhcm3vkejtab",
        app_secret="18mvi27h9l38dtdv110rq5g603blk0fhh5hg46gfb27cp2rbs66f",
        username="sandboxTokenizedUser01",
        password="sandboxTokenizedUser12345",  # noqa: S106 - published sandbox value
    ),
    Credentials(
        app_key="0vWQuCRGiUX7EPVjQDr0EUAYtc",
        app_secret="jcUNPBgbcqEDedNKdvE4G1cAK7D3hCjmJccNPZZBq96QIxxwAMEx",
        username="01770618567",
        password="D7DaC<*E*eG",  # noqa: S106 - published sandbox value
    ),
)
