"""Signed SNS notifications for the benchmarks, made with the sandbox's own SNS signer."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from bkash_sdk.testing._sns_signer import SnsSigner

TOPIC_ARN = "arn:aws:sns:ap-southeast-1:123456789012:bpt_bench_merchant"


class Signer:
    """One signing certificate; every notification it signs shares it."""

    def __init__(self) -> None:
        self._signer = SnsSigner("ap-southeast-1", datetime.now(UTC))
        self.pem = self._signer.certificate_pem
        self.certificate_url = self._signer.certificate_url

    def notification(self, trx_id: str, version: str = "2") -> bytes:
        """The raw body of a signed notification carrying one bKash payment."""
        payment = {
            "dateTime": "20240501180000",
            "debitMSISDN": "01770618575",
            "creditOrganizationName": "Bench Shop",
            "creditShortCode": "01770618575",
            "trxID": trx_id,
            "transactionStatus": "Completed",
            "transactionType": "10002294",
            "amount": "500.00",
            "currency": "BDT",
            "merchantInvoiceNumber": "INV-1",
        }
        envelope = {
            "Type": "Notification",
            "MessageId": str(uuid.uuid4()),
            "TopicArn": TOPIC_ARN,
            "Message": json.dumps(payment),
            "Timestamp": datetime.now(UTC).isoformat(timespec="milliseconds")[:-6] + "Z",
        }
        signed = self._signer.sign(envelope, "1" if version == "1" else "2")
        return json.dumps(signed).encode()
