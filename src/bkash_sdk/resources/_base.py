"""What every resource shares: the call context, the runners, and reply parsing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol, TypeVar

import attrs
from pydantic import ValidationError

from .._config import BkashConfig
from .._exceptions import BkashServerError, Outcome
from .._operations import Operation
from .._pipeline import Flow, Pipeline, Reply
from ..models import BkashModel

T = TypeVar("T")
M = TypeVar("M", bound=BkashModel)


class SyncRun(Protocol):
    """Drives a flow with blocking I/O (``BkashClient._run``)."""

    def __call__(self, flow: Flow[T], /) -> T: ...


class AsyncRun(Protocol):
    """Drives a flow with asyncio (``AsyncBkashClient._run``)."""

    def __call__(self, flow: Flow[T], /) -> Awaitable[T]: ...


@attrs.frozen
class Context:
    """The client-side state a flow needs: the pipeline, the settings and the clock."""

    pipeline: Pipeline
    config: BkashConfig
    clock: Callable[[], float]
    """Wall-clock seconds since the epoch (signed callback timestamps)."""

    def call(self, operation: Operation, body: Mapping[str, Any]) -> Flow[Reply]:
        return self.pipeline.call(operation, body)


def parse(model: type[M], reply: Reply, operation: Operation) -> M:
    """``reply`` as ``model`` carrying its request id; an unusable shape is a server error."""
    try:
        return model.model_validate({**reply.data, "request_id": reply.request_id})
    except ValidationError as exc:
        fields = sorted({".".join(str(part) for part in error["loc"]) for error in exc.errors()})
        raise BkashServerError(
            f"bKash answered {operation.name} with an unexpected shape ({', '.join(fields)})",
            http_status=reply.http_status,
            request_id=reply.request_id,
            operation=operation.name,
            outcome=Outcome.UNKNOWN,
        ) from None
