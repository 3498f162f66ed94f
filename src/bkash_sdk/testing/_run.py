"""The blocking entry point behind ``bkash-sdk sandbox``."""

from __future__ import annotations

from ._fake import FakeBkash
from ._server import SandboxServer


def run_server(host: str = "127.0.0.1", port: int = 8765, fake: FakeBkash | None = None) -> None:
    """Serve a sandbox until Ctrl+C, printing only its URLs (never credentials or tokens)."""
    sandbox = fake or FakeBkash()
    server = SandboxServer(sandbox.handle, host, port)
    print(f"bKash sandbox: API root {server.base_url}", flush=True)
    print(f"  refund v2 root {server.refund_v2_url}; checkout page {server.origin}/", flush=True)
    print("  accepts the public sandbox credentials; press Ctrl+C to stop", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("bKash sandbox stopped", flush=True)
