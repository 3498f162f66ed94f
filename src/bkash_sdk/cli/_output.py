"""Everything the command prints goes through :class:`Console`, which masks it first."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from decimal import Decimal
from enum import Enum
from typing import Any, TextIO

from pydantic import BaseModel

from .._masking import redact, redact_text


class Console:
    """Masked output: lines and JSON on stdout, errors and warnings on stderr."""

    def __init__(self, stdout: TextIO | None = None, stderr: TextIO | None = None) -> None:
        self._out = stdout or sys.stdout
        self._err = stderr or sys.stderr

    def line(self, text: str = "") -> None:
        """One line of human output."""
        print(redact_text(text), file=self._out, flush=True)

    def fields(self, pairs: Iterable[tuple[str, object]], indent: str = "  ") -> None:
        """Aligned ``name: value`` lines, skipping empty values."""
        shown = [(name, value) for name, value in pairs if value not in (None, "")]
        width = max((len(name) for name, _ in shown), default=0)
        for name, value in shown:
            self.line(f"{indent}{name + ':':<{width + 1}} {plain(value)}")

    def json(self, data: object) -> None:
        """Machine-readable output: masked, indented JSON."""
        text = json.dumps(redact(jsonable(data)), indent=2, ensure_ascii=False, sort_keys=True)
        print(text, file=self._out, flush=True)

    def error(self, text: str) -> None:
        """One line on stderr."""
        print(f"bkash-sdk: {redact_text(text)}", file=self._err, flush=True)

    def raw_error(self, text: str) -> None:
        """Text on stderr, masked line by line (``--debug`` tracebacks)."""
        for line in text.splitlines():
            print(redact_text(line), file=self._err)
        self._err.flush()


def jsonable(value: Any) -> Any:
    """Models, decimals and enums as plain JSON values (models by their snake_case names)."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal | Enum):
        return str(value.value if isinstance(value, Enum) else value)
    return value


def plain(value: object) -> str:
    """A value as a person reads it: enums by their text, amounts as written."""
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)
