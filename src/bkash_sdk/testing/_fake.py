"""``FakeBkash``: one sandbox state machine behind an httpx transport and an HTTP server."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Literal

import attrs

from .._masking import REDACTED, is_sensitive_key, redact
from ._app import ENDPOINTS, MISSING_ROUTE, Api, endpoint_key, parse_body
from ._clock import Clock
from ._credentials import PUBLIC_SANDBOX_CREDENTIALS, Credentials
from ._faults import Fault, FaultPlan
from ._ipn import IpnSettings, SandboxIpn
from ._ledger import DEFAULT_WALLET, Ledger, Settings, wallet_hint
from ._page import checkout_page
from ._server import REQUEST_TIMEOUT, SandboxServer
from ._state import Agreement, Payment, PaymentCompleted
from ._tokens import TokenAuthority
from ._transport import FakeTransport
from ._wire import INTERNAL_ERROR, MAX_BODY, TOO_LARGE, Reply, WireRequest

DEFAULT_PAGE_URL = "https://sandbox.payment.bkash.com"


@attrs.frozen
class RecordedRequest:
    """One API call as the sandbox saw it, with secrets masked."""

    method: str
    path: str
    endpoint: str | None
    headers: dict[str, str]
    body: object
    status: int | None  # None when the connection was stalled or reset


class FakeBkash:
    """A stateful offline bKash Tokenized Checkout sandbox.

    Use :meth:`transport` in-process with httpx, or :meth:`serve` for a real HTTP server on
    loopback. Both call :meth:`handle`, the single protocol implementation.
    """

    def __init__(
        self,
        *,
        credentials: Iterable[Credentials] = (),
        public_sandbox_credentials: bool = True,
        clock: Clock | None = None,
        repeat_execute_code: Literal["2117", "2062"] = "2117",
        repeat_agreement_execute_code: Literal["2050", "2116"] = "2050",
        debit_block_at_execute: bool = False,
        duplicate_window: float = 120.0,
        page_url: str = DEFAULT_PAGE_URL,
        ipn: IpnSettings | None = None,
    ) -> None:
        self.clock = clock or Clock()
        self.page_url = page_url
        accepted = [
            *(PUBLIC_SANDBOX_CREDENTIALS if public_sandbox_credentials else ()),
            *credentials,
        ]
        settings = Settings(
            repeat_execute_code,
            repeat_agreement_execute_code,
            debit_block_at_execute,
            duplicate_window,
        )
        self._lock = threading.RLock()
        self._tokens = TokenAuthority(accepted, self.clock)
        self._ledger = Ledger(self.clock, settings, self._completed)
        self._api = Api(self._tokens, self._ledger)
        self._faults = FaultPlan()
        self._requests: list[RecordedRequest] = []
        self._events: list[PaymentCompleted] = []
        self._listeners: list[Callable[[PaymentCompleted], None]] = []
        self.ipn = SandboxIpn(self, ipn or IpnSettings())
        """Signed SNS IPNs for completed payments (see ``docs/sandbox.md``)."""

    # -- the two faces ---------------------------------------------------------------------

    def transport(self) -> FakeTransport:
        """An httpx transport (sync and async) answering from this sandbox."""
        return FakeTransport(self.handle)

    def serve(
        self, host: str = "127.0.0.1", port: int = 0, *, request_timeout: float = REQUEST_TIMEOUT
    ) -> SandboxServer:
        """Start an HTTP server in a background thread; use it as a context manager.

        A connection that stalls for *request_timeout* seconds mid-request is closed.
        """
        server = SandboxServer(self.handle, host, port, request_timeout)
        server.start()
        return server

    def handle(self, request: WireRequest) -> Reply:
        """Answer one HTTP request: the checkout page at ``/``, else the merchant API.

        It never raises: a request the sandbox fails on gets HTTP 500
        ``{"message":"Internal server error"}`` (recorded with ``endpoint=None``).
        """
        try:
            return self._answer(request)
        except Exception:  # a sandbox bug must not escape into the caller or drop a connection
            self._record(request, None, None, INTERNAL_ERROR)
            return INTERNAL_ERROR

    def _answer(self, request: WireRequest) -> Reply:
        if len(request.body) > MAX_BODY:
            self._record(request, None, None, TOO_LARGE)
            return TOO_LARGE
        if request.path in ("", "/"):
            with self._lock:
                return checkout_page(self._ledger, request.method, request.query, request.body)
        body = parse_body(request.body)
        key = endpoint_key(request.path, body)
        if key is None or request.method != "POST":
            self._record(request, None, body, MISSING_ROUTE)
            return MISSING_ROUTE
        fault = self._faults.take(key)
        if fault is not None and not fault.applied:
            reply = fault.shape(None)
        else:
            page_url = request.page_url or self.page_url
            with self._lock:
                real = self._api.answer(key, request.headers, body, page_url)
            reply = real if fault is None else fault.shape(real)
        self._record(request, key, body, reply)
        return reply

    # -- the customer, without a browser ---------------------------------------------------

    def approve(self, payment_id: str, wallet: str | None = None) -> str:
        """Pay on the checkout page (OTP and PIN correct); return the redirect URL.

        The wallet defaults to the payer reference when it is a wallet number, else
        ``01770618575``; mode 0001 uses the agreement's wallet. The documented failing test
        wallets fail here as on the page.
        """
        with self._lock:
            payment = self._ledger.checkout(payment_id)
            chosen = wallet or wallet_hint(payment.payer_reference) or DEFAULT_WALLET
            return self._ledger.submit(payment, chosen, "123456", "12121")

    def fail(self, payment_id: str, code: str = "2015") -> str:
        """End the checkout page in failure (default: wrong PIN count exceeded)."""
        with self._lock:
            return self._ledger.fail(self._ledger.checkout(payment_id), code)

    def cancel(self, payment_id: str) -> str:
        """Press Cancel on the checkout page; return the redirect URL."""
        with self._lock:
            return self._ledger.cancel(self._ledger.checkout(payment_id))

    # -- faults and inspection -------------------------------------------------------------

    def inject(self, endpoint: str, fault: Fault, times: int = 1) -> None:
        """Apply *fault* to the next *times* calls of *endpoint* (a key of ``ENDPOINTS``)."""
        if endpoint not in ENDPOINTS:
            raise ValueError(f"unknown endpoint {endpoint!r}; expected one of {ENDPOINTS}")
        self._faults.add(endpoint, fault, times)

    def clear_faults(self) -> None:
        """Forget every fault not yet used."""
        self._faults.clear()

    @property
    def requests(self) -> tuple[RecordedRequest, ...]:
        """Every API call so far, oldest first."""
        with self._lock:
            return tuple(self._requests)

    def count(self, endpoint: str) -> int:
        """How many calls *endpoint* received (token calls included under their keys)."""
        return sum(1 for r in self.requests if r.endpoint == endpoint)

    @property
    def issued_tokens(self) -> tuple[str, ...]:
        """Every id_token and refresh_token ever minted (for leak tests)."""
        with self._lock:
            return tuple(self._tokens.issued)

    @property
    def events(self) -> tuple[PaymentCompleted, ...]:
        """Payments whose money reached the merchant, in order."""
        with self._lock:
            return tuple(self._events)

    def subscribe(self, listener: Callable[[PaymentCompleted], None]) -> None:
        """Call *listener* for each completed payment (with the sandbox lock held)."""
        self._listeners.append(listener)

    def payment(self, payment_id: str) -> Payment:
        """The live record of a paymentID (read it; do not change it)."""
        with self._lock:
            found = self._ledger.payments.get(payment_id)
        if found is None:
            raise KeyError(payment_id)
        return found

    def agreement(self, agreement_id: str) -> Agreement:
        """The live record of an agreement."""
        with self._lock:
            found = self._ledger.agreements.get(agreement_id)
        if found is None:
            raise KeyError(agreement_id)
        return found

    # -- internals -------------------------------------------------------------------------

    def _completed(self, event: PaymentCompleted) -> None:
        self._events.append(event)
        for listener in self._listeners:
            listener(event)

    def _record(self, request: WireRequest, key: str | None, body: object, reply: Reply) -> None:
        headers = {
            name: REDACTED if is_sensitive_key(name) else value
            for name, value in request.headers.items()
        }
        status = None if reply.stall or reply.reset else reply.status
        entry = RecordedRequest(request.method, request.path, key, headers, redact(body), status)
        with self._lock:
            self._requests.append(entry)
