"""Offline bKash Tokenized Checkout sandbox for tests and local development.

``FakeBkash`` is one stateful state machine with two faces: :meth:`FakeBkash.transport` (an
httpx transport for ``httpx.Client`` and ``httpx.AsyncClient``) and :meth:`FakeBkash.serve`
(an HTTP server on loopback, with the hosted checkout page). ``FakeBkash.ipn`` signs
bKash IPNs (SNS notifications) for completed payments. See ``docs/sandbox.md``.
"""

from ._app import ENDPOINTS
from ._clock import Clock
from ._credentials import PUBLIC_SANDBOX_CREDENTIALS, Credentials
from ._fake import DEFAULT_PAGE_URL, FakeBkash, RecordedRequest
from ._faults import Fault
from ._ipn import IpnDelivery, IpnMessage, IpnSettings, SandboxIpn
from ._ledger import CheckoutError
from ._run import run_server
from ._server import SandboxServer
from ._state import Agreement, Payment, PaymentCompleted, Refund, Stage
from ._transport import FakeTransport
from ._wire import Reply, WireRequest

__all__ = [
    "DEFAULT_PAGE_URL",
    "ENDPOINTS",
    "PUBLIC_SANDBOX_CREDENTIALS",
    "Agreement",
    "CheckoutError",
    "Clock",
    "Credentials",
    "FakeBkash",
    "FakeTransport",
    "Fault",
    "IpnDelivery",
    "IpnMessage",
    "IpnSettings",
    "Payment",
    "PaymentCompleted",
    "RecordedRequest",
    "Refund",
    "Reply",
    "SandboxIpn",
    "SandboxServer",
    "Stage",
    "WireRequest",
    "run_server",
]
