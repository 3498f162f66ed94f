"""Field types shared by the wire models: amounts, timestamps, wallet numbers, lifetimes.

Each type is an ``Annotated`` alias usable in any pydantic model or ``TypeAdapter``. The
parsers raise ``ValueError`` only, so bad input always surfaces as a pydantic
``ValidationError``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Annotated

from pydantic import AwareDatetime, BeforeValidator, PlainSerializer

from .._exceptions import BkashValidationError

__all__ = [
    "DHAKA_TZ",
    "Amount",
    "BkashDateTime",
    "ExpiresIn",
    "Msisdn",
    "decimal_places",
    "format_amount",
    "format_bkash_datetime",
    "normalize_msisdn",
    "parse_amount",
    "parse_bkash_datetime",
]

DHAKA_TZ = timezone(timedelta(hours=6), "Asia/Dhaka")
"""Bangladesh time (UTC+06:00, no daylight saving since 2009): bKash's zone-less times."""

_MAX_INPUT_CHARS = 64
_MAX_EXPONENT = 18

# ---------------------------------------------------------------------------------------------
# Amounts


def decimal_places(value: Decimal) -> int:
    """How many decimal places ``value`` needs (trailing zeros ignored); finite values only."""
    _, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):
        raise ValueError("not a finite number")
    if exponent >= 0:
        return 0
    significant = len(digits)
    while significant and not digits[significant - 1]:
        significant -= 1
    if not significant:
        return 0
    return max(0, -exponent - (len(digits) - significant))


def parse_amount(value: object) -> Decimal:
    """Read an amount exactly from a JSON string or number (``"500"``, ``"599.00"``, ``500``)."""
    if isinstance(value, str):  # the usual case; str excludes every type tested below
        text = value.strip()
        if not text or len(text) > _MAX_INPUT_CHARS:
            raise ValueError("an amount string must hold a number")
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise ValueError("an amount string must hold a number") from None
    elif isinstance(value, bool):
        raise ValueError("an amount must be a number or a numeric string, not a boolean")
    elif isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        # repr() is the shortest text that round-trips, so no binary noise is introduced.
        result = Decimal(repr(value))
    else:
        raise ValueError("an amount must be a number or a numeric string")
    if not result.is_finite():
        raise ValueError("an amount must be finite")
    if not result.is_zero() and not -_MAX_EXPONENT <= result.adjusted() <= _MAX_EXPONENT:
        raise ValueError("an amount must be within a sane range")
    return result


def format_amount(value: Decimal) -> str:
    """Render an amount for the wire with exactly two decimals: ``Decimal("500")`` -> ``"500.00"``.

    Raises ``BkashValidationError`` for non-finite values or more than two decimal places;
    it never rounds.
    """
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise BkashValidationError("amount must be a Decimal", field="amount")
    amount = Decimal(value)
    if not amount.is_finite():
        raise BkashValidationError("amount must be a finite number", field="amount")
    if not amount.is_zero() and amount.adjusted() > _MAX_EXPONENT:
        raise BkashValidationError("amount is out of range", field="amount")
    # With an exponent of -2 or more there cannot be more than two decimal places.
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2 and decimal_places(amount) > 2:
        raise BkashValidationError("amount must have at most 2 decimal places", field="amount")
    if amount.is_zero():
        return "0.00"
    return format(amount, ".2f")


def _amount_to_wire(value: Decimal) -> str:
    return format(value, "f")


Amount = Annotated[
    Decimal,
    BeforeValidator(parse_amount),
    PlainSerializer(_amount_to_wire, return_type=str, when_used="json"),
]
"""A ``Decimal`` amount read exactly from bKash's strings or numbers; JSON output is a string."""

# ---------------------------------------------------------------------------------------------
# Timestamps

_BKASH_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})"
    r"(?:[:.](\d{1,6}))?"
    r"\s*(?:(?:Z|GMT|UTC)?\s*([+-])(\d{2}):?(\d{2})|(Z|GMT|UTC))?",
    re.ASCII,
)
"""Groups: year, month, day, hour, minute, second, fraction, sign, hh, mm, bare zone."""
_USUAL_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2}):(\d{3}) GMT\+0600", re.ASCII
)
"""bKash's usual form, a special case of ``_BKASH_TIME`` read without the general steps."""
_COMPACT_TIME = re.compile(r"\d{14}", re.ASCII)
_ZONES: dict[tuple[str, str, str], timezone] = {}
"""Offsets already read (at most 2 x 24 x 60 valid ones), so each is computed once."""


def _zone(sign: str, hours: str, minutes: str) -> timezone:
    key = (sign, hours, minutes)
    zone = _ZONES.get(key)
    if zone is not None:
        return zone
    if int(minutes) > 59:
        raise ValueError("time zone offset out of range")
    offset = timedelta(hours=int(hours), minutes=int(minutes))
    if offset >= timedelta(hours=24):
        raise ValueError("time zone offset out of range")
    offset = -offset if sign == "-" else offset
    zone = DHAKA_TZ if offset == timedelta(hours=6) else timezone(offset)
    _ZONES[key] = zone
    return zone


def _from_match(match: re.Match[str]) -> datetime:
    *fields, frac, sign, hh, mm, bare = match.groups()
    year, month, day, hour, minute, second = map(int, fields)
    if sign:
        tz: timezone = _zone(sign, hh, mm)
    elif bare:
        tz = UTC
    else:
        tz = DHAKA_TZ
    micro = int(frac.ljust(6, "0")) if frac else 0
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=tz)


def parse_bkash_datetime(value: object) -> datetime:
    """Read any of bKash's timestamp forms as an aware ``datetime``.

    Accepted: ``2025-11-02T14:29:02:166 GMT+0600`` (also ``GMT-0500``, ``GMT+06:00``),
    zone-less ``2024-06-13T16:27:24:000`` (Bangladesh time), compact ``20200516203233``
    (Bangladesh time), ISO-8601 strings and ``datetime`` objects (naive ones are read as
    Bangladesh time). Anything else raises ``ValueError``.
    """
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=DHAKA_TZ)
    if not isinstance(value, str):
        raise ValueError("a timestamp must be a string")
    text = value.strip()
    if not text or len(text) > _MAX_INPUT_CHARS:
        raise ValueError("not a bKash timestamp")
    usual = _USUAL_TIME.fullmatch(text)
    if usual is not None:
        year, month, day, hour, minute, second, millis = map(int, usual.groups())
        try:
            return datetime(year, month, day, hour, minute, second, millis * 1000, tzinfo=DHAKA_TZ)
        except ValueError:
            raise ValueError("not a valid bKash timestamp") from None
    if _COMPACT_TIME.fullmatch(text):
        try:
            return datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=DHAKA_TZ)
        except ValueError:
            raise ValueError("not a valid compact timestamp") from None
    match = _BKASH_TIME.fullmatch(text)
    try:
        if match:
            return _from_match(match)
        parsed = datetime.fromisoformat(text)
    except (ValueError, OverflowError):
        raise ValueError("not a valid bKash timestamp") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=DHAKA_TZ)


def format_bkash_datetime(value: datetime) -> str:
    """Render a datetime the way bKash does: ``2025-11-02T14:29:02:166 GMT+0600``.

    Aware values keep their own offset; naive ones are taken as Bangladesh time.
    """
    moment = value if value.tzinfo is not None else value.replace(tzinfo=DHAKA_TZ)
    offset = moment.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(offset) // timedelta(minutes=1)
    zone = f"GMT{sign}{minutes // 60:02d}{minutes % 60:02d}"
    return f"{moment:%Y-%m-%dT%H:%M:%S}:{moment.microsecond // 1000:03d} {zone}"


BkashDateTime = Annotated[AwareDatetime, BeforeValidator(parse_bkash_datetime)]
"""An aware ``datetime`` read from any of bKash's timestamp formats."""

# ---------------------------------------------------------------------------------------------
# Wallet numbers

_LOCAL_WALLET = re.compile(r"(?:\+|00)?(?:88)?(01[0-9]{9})", re.ASCII)
_WALLET_SEPARATORS = re.compile(r"[\s-]")


def normalize_msisdn(value: str) -> str:
    """Normalise a Bangladeshi wallet number to local ``01XXXXXXXXX`` form.

    ``8801…``, ``+8801…`` and ``008801…`` (spaces and dashes ignored) become ``01…``; values
    of any other shape are returned unchanged.
    """
    compact = _WALLET_SEPARATORS.sub("", value)
    match = _LOCAL_WALLET.fullmatch(compact)
    return match.group(1) if match else value


def _to_msisdn(value: object) -> object:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return normalize_msisdn(value) if isinstance(value, str) else value


Msisdn = Annotated[str, BeforeValidator(_to_msisdn)]
"""A wallet number, normalised to ``01XXXXXXXXX`` when it has a recognisable shape."""

# ---------------------------------------------------------------------------------------------
# Lifetimes


_SECONDS = re.compile(r"\+?([0-9]{1,12})(?:\.0*)?", re.ASCII)


def _to_seconds(value: object) -> object:
    if isinstance(value, str):
        match = _SECONDS.fullmatch(value.strip())
        if not match:
            raise ValueError("not a whole number of seconds")
        return int(match.group(1))
    return value


ExpiresIn = Annotated[int, BeforeValidator(_to_seconds)]
"""A lifetime in whole seconds, sent by bKash as a number (``3600``) or a string (``"3600"``)."""
