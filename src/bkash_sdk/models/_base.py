"""The base of every bKash wire model: aliases, tolerance of unknown fields, a masked repr."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from pydantic import (
    AliasChoices,
    AliasGenerator,
    AliasPath,
    BaseModel,
    ConfigDict,
    Field,
    model_validator,
)
from pydantic.fields import FieldInfo

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


def _lookup_keys(name: str, field: FieldInfo, by_alias: bool, by_name: bool) -> tuple[str, ...]:
    """The input keys pydantic reads ``field`` from, in the order it tries them."""
    keys: list[str] = []
    alias = field.validation_alias if field.validation_alias is not None else field.alias
    if by_alias and alias is not None:
        for choice in alias.choices if isinstance(alias, AliasChoices) else (alias,):
            if not isinstance(choice, AliasPath):
                keys.append(choice)
            elif len(choice.path) == 1 and isinstance(choice.path[0], str):
                keys.append(choice.path[0])
            else:
                raise TypeError(f"{name}: nested alias paths are not supported")
    if by_name or not keys:
        keys.append(name)
    return tuple(dict.fromkeys(keys))


def _blank_lookups(model: type[WireModel]) -> tuple[tuple[str, ...], ...]:
    """The lookup keys of each optional field of ``model`` whose default is ``None``."""
    config = model.model_config
    by_alias = config.get("validate_by_alias", True)
    by_name = bool(config.get("validate_by_name") or config.get("populate_by_name"))
    blank: dict[str, bool] = {}
    lookups = []
    for name, field in model.model_fields.items():
        keys = _lookup_keys(name, field, by_alias, by_name)
        optional = not field.is_required() and field.default is None
        for key in keys:
            if blank.setdefault(key, optional) != optional:
                raise TypeError(f"{model.__name__}: input key {key!r} feeds fields of both kinds")
        if optional:
            lookups.append(keys)
    return tuple(lookups)


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

    _blank_keys: ClassVar[tuple[tuple[str, ...], ...]] = ()
    """Per optional field (default ``None``): the input keys it is read from, in lookup order."""

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls._blank_keys = _blank_lookups(cls)

    @model_validator(mode="before")
    @classmethod
    def _blank_means_missing(cls, data: Any) -> Any:
        """A blank string in an optional field reads as ``None`` (one pass over the input).

        Only the key each optional field is actually read from is changed, so unknown fields
        (``model_extra``) keep their values and what counts as set is unchanged.
        """
        if not isinstance(data, Mapping):
            return data
        for value in data.values():
            if isinstance(value, str) and not value.strip():
                break
        else:
            return data
        cleaned = dict(data)
        for keys in cls._blank_keys:
            for key in keys:
                if key in cleaned:
                    value = cleaned[key]
                    if isinstance(value, str) and not value.strip():
                        cleaned[key] = None
                    break
        return cleaned

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
