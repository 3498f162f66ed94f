"""bKash's widely published shared sandbox credential sets (they only work on the sandbox)."""

from __future__ import annotations

import attrs


@attrs.frozen
class SandboxCredentials:
    """One published credential set."""

    name: str
    username: str = attrs.field(repr=False)
    password: str = attrs.field(repr=False)
    app_key: str
    app_secret: str = attrs.field(repr=False)


PUBLIC_SANDBOX_CREDENTIALS: tuple[SandboxCredentials, ...] = (
    SandboxCredentials(
        name="T2",
        username="sandboxTokenizedUser02",
        password="sandboxTokenizedUser02@12345",  # noqa: S106 - published sandbox value
        app_key="4f6o0cjiki2rfm34kfdadl1eqq",
        app_secret="2is7hdktrekvrbljjh44ll3d9l1dtjo4pasmjvs5vl5qr3fug4b",  # noqa: S106
    ),
    SandboxCredentials(
        name="T1",
        username="sandboxTokenizedUser01",
        password="sandboxTokenizedUser12345",  # noqa: S106 - published sandbox value
        app_key="7epj60ddf7id0chhcm3vkejtab",
        app_secret="18mvi27h9l38dtdv110rq5g603blk0fhh5hg46gfb27cp2rbs66f",  # noqa: S106
    ),
    SandboxCredentials(
        name="N",
        username="01770618567",
        password="D7DaC<*E*eG",  # noqa: S106 - published sandbox value
        app_key="0vWQuCRGiUX7EPVjQDr0EUAYtc",
        app_secret="jcUNPBgbcqEDedNKdvE4G1cAK7D3hCjmJccNPZZBq96QIxxwAMEx",  # noqa: S106
    ),
)
