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


# The shared public sandbox sets of bkash-api.md section 16, copied verbatim:
# T2, T1 and N, each as (app_key, app_secret, username, password).
PUBLIC_SANDBOX_CREDENTIALS: tuple[Credentials, ...] = tuple(
    Credentials(*values)
    for values in (
        (
            "4f6o0cjiki2rfm34kfdadl1eqq",
            "2is7hdktrekvrbljjh44ll3d9l1dtjo4pasmjvs5vl5qr3fug4b",
            "sandboxTokenizedUser02",
            "sandboxTokenizedUser02@12345",
        ),
        (
            "7epj60ddf7id0chhcm3vkejtab",
            "18mvi27h9l38dtdv110rq5g603blk0fhh5hg46gfb27cp2rbs66f",
            "sandboxTokenizedUser01",
            "sandboxTokenizedUser12345",
        ),
        (
            "0vWQuCRGiUX7EPVjQDr0EUAYtc",
            "jcUNPBgbcqEDedNKdvE4G1cAK7D3hCjmJccNPZZBq96QIxxwAMEx",
            "01770618567",
            "D7DaC<*E*eG",
        ),
    )
)
