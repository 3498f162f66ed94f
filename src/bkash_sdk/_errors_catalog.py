"""Every documented bKash status code: its error class and what it means for the money.

``Outcome.FAILED`` means nothing happened; ``Outcome.UNKNOWN`` means query before deciding;
``Outcome.DONE`` means the action already happened and its result must be read back.
Codes not listed here are treated as ``UNKNOWN``.
"""

from __future__ import annotations

from types import MappingProxyType

import attrs

from ._exceptions import (
    AlreadyCompletedError,
    AuthenticationError,
    BkashAPIError,
    BkashServerError,
    InvalidRequestError,
    InvalidStateError,
    Outcome,
    PaymentDeclinedError,
)


@attrs.frozen
class CodeInfo:
    """What one bKash code means."""

    error: type[BkashAPIError]
    outcome: Outcome
    message: str


_VAL = (InvalidRequestError, Outcome.FAILED)
_CUST = (PaymentDeclinedError, Outcome.FAILED)
_STATE = (InvalidStateError, Outcome.FAILED)
_DONE = (AlreadyCompletedError, Outcome.DONE)
_TRANS = (BkashServerError, Outcome.UNKNOWN)
_AUTH = (AuthenticationError, Outcome.FAILED)

_TABLE: dict[str, tuple[tuple[type[BkashAPIError], Outcome], str]] = {
    "2001": (_AUTH, "Invalid App Key"),
    "2002": (_VAL, "Invalid Payment ID"),
    "2003": (_TRANS, "Process failed"),
    "2004": (_VAL, "Invalid firstPaymentDate"),
    "2005": (_VAL, "Invalid frequency"),
    "2006": (_VAL, "Invalid amount"),
    "2007": (_VAL, "Invalid currency"),
    "2008": (_VAL, "Invalid intent"),
    "2009": (_CUST, "Invalid Wallet"),
    "2010": (_CUST, "Invalid OTP"),
    "2011": (_CUST, "Invalid PIN"),
    "2012": (_VAL, "Invalid Receiver MSISDN"),
    "2013": (_CUST, "Resend Limit Exceeded"),
    "2014": (_CUST, "Wrong PIN"),
    "2015": (_CUST, "Wrong PIN count exceeded"),
    "2016": (_CUST, "Wrong verification code"),
    "2017": (_CUST, "Wrong verification limit exceeded"),
    "2018": (_CUST, "OTP verification time expired"),
    "2019": (_CUST, "PIN verification time expired"),
    "2020": (_TRANS, "Exception Occurred"),
    "2021": (_VAL, "Invalid Mandate ID"),
    "2022": (_VAL, "The mandate does not exist"),
    "2023": (_CUST, "Insufficient Balance"),
    "2024": (_TRANS, "Exception occurred"),
    "2025": (_VAL, "Invalid request body"),
    "2026": (_VAL, "The reversal amount cannot be greater than the original transaction amount"),
    "2027": (_VAL, "The mandate corresponding to the payer reference number already exists"),
    "2028": (_VAL, "Reverse failed because the transaction serial number does not exist"),
    "2029": (_CUST, "Duplicate for all transactions"),
    "2030": (_VAL, "Invalid mandate request type"),
    "2031": (_VAL, "Invalid merchant invoice number"),
    "2032": (_VAL, "Invalid transfer type"),
    "2033": (_VAL, "Transaction not found"),
    "2034": (_DONE, "The original transaction has already been reversed"),
    "2035": (_AUTH, "The initiator has no permission to reverse the transaction"),
    "2036": (_STATE, "The direct debit mandate is not in Active state"),
    "2037": (_CUST, "The account of the debit party prohibits this transaction"),
    "2038": (_CUST, "Debit party identity tag prohibits execution of this transaction"),
    "2039": (_AUTH, "The account of the credit party prohibits this transaction"),
    "2040": (_AUTH, "Credit party identity tag prohibits execution of this transaction"),
    "2041": (_AUTH, "Credit party identity does not support the current service"),
    "2042": (_AUTH, "The initiator has no permission to reverse the transaction"),
    "2043": (_CUST, "The security credential of the subscriber is incorrect"),
    "2044": (_CUST, "Identity has not subscribed to the expected service or is not active"),
    "2045": (_CUST, "The MSISDN of the customer does not exist"),
    "2046": (_CUST, "Identity has not subscribed to a product with the requested service"),
    "2047": (_VAL, "TLV Data Format Error"),
    "2048": (_VAL, "Invalid Payer Reference"),
    "2049": (_VAL, "Invalid Merchant Callback URL"),
    "2050": (_VAL, "Agreement already exists between payer and merchant"),
    "2051": (_VAL, "Invalid Agreement ID"),
    "2052": (_STATE, "Agreement is in incomplete state"),
    "2053": (_STATE, "Agreement has already been cancelled"),
    "2054": (_STATE, "Agreement execution pre-requisite hasn't been met"),
    "2055": (_STATE, "Invalid Agreement State"),
    "2056": (_STATE, "Invalid Payment State"),
    "2057": (_CUST, "Not a bKash Account"),
    "2058": (_CUST, "Not a Customer Wallet"),
    "2059": (_CUST, "Multiple OTP request for a single session denied"),
    "2060": (_STATE, "Payment execution pre-requisite hasn't been met"),
    "2061": (_AUTH, "Only the agreement or payment initiator may perform this action"),
    "2062": (_DONE, "The payment has already been completed"),
    "2063": (_VAL, "Mode is not valid as per request data"),
    "2064": (_AUTH, "This product mode currently unavailable"),
    "2065": (_VAL, "Mandatory field missing"),
    "2066": (_VAL, "Agreement is not shared with other merchant"),
    "2067": (_AUTH, "Invalid permission"),
    "2068": (_DONE, "Transaction has already been completed"),
    "2069": (_STATE, "Transaction has already been cancelled"),
    "2071": (_VAL, "Refund not allowed after the refund window"),
    "2072": (_VAL, "Refund amount not valid"),
    "2073": (_VAL, "Invalid SKU"),
    "2074": (_VAL, "The transaction cannot be reversed"),
    "2075": (_VAL, "SKU Character Limit Exceeded"),
    "2076": (_VAL, "Reason Character Limit Exceeded"),
    "2077": (_VAL, "Invalid TrxID"),
    "2078": (_VAL, "Invalid Reason"),
    "2079": (_AUTH, "Invalid app Token"),
    "2080": (_AUTH, "The identity is not permitted to initiate this transaction"),
    "2081": (_AUTH, "The debit or credit party is in a state which prohibits this transaction"),
    "2082": (_AUTH, "The merchant is not permitted to initiate this transaction"),
    "2116": (_DONE, "The agreement execution has already been completed"),
    "2117": (_DONE, "The payment execution has already been completed"),
    "2118": (_VAL, "The Platform value is invalid"),
    "2119": (_DONE, "The authorized payment has already been processed"),
    "2127": (_STATE, "Transaction not yet completed"),
    "503": (_TRANS, "System is undergoing maintenance"),
    "9999": (_TRANS, "System Error"),
}

CATALOG: MappingProxyType[str, CodeInfo] = MappingProxyType(
    {code: CodeInfo(kind[0], kind[1], message) for code, (kind, message) in _TABLE.items()}
)

TOKEN_REJECTED_CODES = frozenset({"2079"})
"""Codes meaning the id_token itself was refused: invalidate it and replay once."""


def lookup(code: str, *, token_call: bool = False) -> CodeInfo:
    """The meaning of ``code``; unknown codes are ``UNKNOWN`` so money is never presumed lost.

    On token calls a refusal is an authentication failure (``9999`` included: bKash answers
    "Username does not exist" with it), except bKash's own outages (maintenance, "Process
    failed"), which stay transient.
    """
    info = CATALOG.get(code)
    if token_call and (info is None or info.error is not BkashServerError or code == "9999"):
        return CodeInfo(AuthenticationError, Outcome.FAILED, info.message if info else "")
    if info is None:
        return CodeInfo(BkashAPIError, Outcome.UNKNOWN, "")
    return info
