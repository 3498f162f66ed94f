"""``bkash-sdk uat``: the flow bKash asks for before go-live, written as a masked transcript."""

from __future__ import annotations

import argparse
import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from .. import __version__
from .._exceptions import BkashError
from .._masking import redact
from ._args import Commands
from ._demo import DEMO_REFUND, add_flow_options, flow_amount
from ._exit import CommandFailed, ExitCode, explain
from ._flow import CheckoutFlow
from ._output import Console
from ._recording import RecordingTransport
from ._target import open_target
from ._transcript import build, to_markdown

TITLE = "bKash Tokenized Checkout: go-live validation transcript"


def register(commands: Commands, common: argparse.ArgumentParser) -> None:
    """Add the ``uat`` command."""
    parser = commands.add_parser(
        "uat",
        parents=[common],
        help="run bKash's go-live validation flow and write a masked transcript",
        description=(
            "Grant token, create, execute, query, search, refund and refund status on one "
            "paymentID, recorded as bKash's sandbox validation asks (API title, URL, request "
            "body, response, error handling), with every secret and wallet number masked."
        ),
    )
    parser.add_argument(
        "--out",
        required=True,
        type=Path,
        metavar="FILE",
        help="where to write: FILE.json and FILE.md (a .json or .md suffix is replaced)",
    )
    add_flow_options(parser)
    parser.set_defaults(handler=run)


def transcript_paths(out: Path) -> tuple[Path, Path]:
    """``(FILE.json, FILE.md)`` for ``--out FILE``."""
    stem = out.with_suffix("") if out.suffix.lower() in (".json", ".md") else out
    return stem.with_name(stem.name + ".json"), stem.with_name(stem.name + ".md")


def run(args: argparse.Namespace, console: Console) -> int:
    """Run the flow through a recording transport, then write both transcript files."""
    json_path, md_path = transcript_paths(args.out)
    if not json_path.parent.is_dir():
        raise CommandFailed(f"no such directory: {json_path.parent}", ExitCode.USAGE)
    recorders: list[RecordingTransport] = []

    def record(inner: httpx.BaseTransport) -> httpx.BaseTransport:
        recorders.append(RecordingTransport(inner))
        return recorders[0]

    target = open_target(offline=args.offline, wrap=record)
    recorder = recorders[0]
    header = {
        "title": TITLE,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "sdk": f"bkash-sdk {__version__}",
        "environment": target.description,
        "base_url": target.client.config.base_url,
    }
    outcome: dict[str, Any]
    try:
        console.line(f"bkash-sdk uat on the {target.description}")
        flow = CheckoutFlow(
            target,
            console,
            amount=flow_amount(),
            refund_amount=DEMO_REFUND,
            invoice=f"UAT-{uuid.uuid4().hex[:10].upper()}",
            wait=args.wait,
            on_step=lambda step: setattr(recorder, "step", step),
        )
        result = flow.run()
    except (BkashError, CommandFailed) as error:
        reason = explain(error) if isinstance(error, BkashError) else str(error)
        outcome = {"completed": False, "result": f"failed: {reason}"}
        _write(json_path, md_path, build(recorder.exchanges, header, outcome))
        console.line(f"partial transcript written: {json_path} and {md_path}")
        raise
    finally:
        target.close()
    outcome = {
        "completed": True,
        "result": "completed: paid, executed, queried, found, refunded",
        "payment_id": result.payment_id,
        "trx_id": result.trx_id,
        "refund_trx_id": result.refund_trx_id,
    }
    _write(json_path, md_path, build(recorder.exchanges, header, outcome))
    console.line(f"transcript written: {json_path} and {md_path}")
    return ExitCode.OK


def _write(json_path: Path, md_path: Path, document: dict[str, Any]) -> None:
    document = redact(document)
    json_path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", "utf-8")
    md_path.write_text(to_markdown(document) + "\n", "utf-8")
