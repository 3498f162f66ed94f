"""The base of every bKash wire model: aliases, tolerance of unknown fields, a masked repr."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from pydantic import (
    AliasChoices,
    AliasGenerator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from .._masking import mask_msisdn, redact, redact_text

__all__ = ["BkashModel", "WireModel", "wire_name"]

_ACRONYMS = {"id": "ID", "url": "URL"}


def wire_name(field_name: str) -> str:
    """bKash's spelling of a snake_case attribute: ``payment_id`` -> ``paymentID``."""
    head, *rest = field_name.split("_")
    return head + "".join(_ACRONYMS.get(part, part.capitalize()) for part in rest)


def _wire_choices(field_name: str) -> str | AliasChoices:
    """Accept both of bKash's spellings of ids and URLs (``paymentID`` and ``paymentId``)."""
    canonical = wire_name(field_name)
    head, *rest = field_name.split("_")
    camel = head + "".join(part.capitalize() for part in rest)
    return canonical if camel == canonical else AliasChoices(canonical, camel)


class WireModel(BaseModel):
    """Common behaviour of everything bKash sends (responses and notifications).

    - snake_case attributes; bKash's names are accepted as aliases (both ``…ID`` and ``…Id``);
    - unknown fields are kept (see ``model_extra``), nothing fails on a new field;
    - instances are immutable; a blank string in an optional field reads as ``None``;
    - ``repr()`` and ``str()`` leave out unset fields and mask wallet numbers, including
      inside unknown fields; ``model_dump()`` returns the data unmasked.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
        frozen=True,
        alias_generator=AliasGenerator(
            validation_alias=_wire_choices, serialization_alias=wire_name
        ),
        coerce_numbers_to_str=True,
        hide_input_in_errors=True,
    )

    _wallet_fields: ClassVar[frozenset[str]] = frozenset(
        {"customer_msisdn", "payer_account", "debit_msisdn"}
    )

    @field_validator("*", mode="before")
    @classmethod
    def _blank_means_missing(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, str) and not value.strip() and info.field_name is not None:
            field = cls.model_fields.get(info.field_name)
            if field is not None and not field.is_required() and field.default is None:
                return None
        return value

    def __repr_args__(self) -> Iterable[tuple[str | None, Any]]:
        for name, value in super().__repr_args__():
            if value is None:
                continue
            if name in self._wallet_fields and isinstance(value, str):
                yield name, mask_msisdn(value)
            else:
                yield name, _masked(value)


class BkashModel(WireModel):
    """A bKash API response: a :class:`WireModel` with bKash's status envelope."""

    status_code: str | None = None
    """bKash's ``statusCode`` (``"0000"`` on success); absent on refund v2 answers."""
    status_message: str | None = None
    """bKash's ``statusMessage``; informative only, never branch on it."""
    request_id: str | None = Field(default=None, alias="request_id")
    """The SDK's id of the HTTP exchange that produced this model (set by the client)."""


def _masked(value: Any) -> Any:
    """``value`` with wallet numbers and secrets masked, unchanged when nothing needed it."""
    if isinstance(value, str):
        masked = redact_text(value)
        return value if masked == value else masked
    if isinstance(value, dict | list | tuple):
        return redact(value)
    return value
