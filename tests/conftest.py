"""Suite-wide fixtures, and the leak check: no canary secret in any log, output or traceback."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest

from tests import canaries
from tests.services import redis_prefix

__all__ = ["redis_prefix"]

_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")
_LOGGERS = ("", "bkash_sdk", "httpx", "httpcore", "hpack", "asyncio")


class _Recorder(logging.Handler):
    """Keeps the text of every record, formatted as a handler would format it."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.texts: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        text = self.format(record)
        extra = getattr(record, "bkash", None)
        self.texts.append(f"{text} {extra!r}" if extra is not None else text)


_recorder = _Recorder()
_leaks: list[str] = []


def find_leaks(text: str) -> list[str]:
    """The canary secrets (and token-shaped strings) present in ``text``."""
    found = [secret for secret in (*canaries.SECRETS, *canaries.TOKENS) if secret in text]
    if _JWT.search(text):
        found.append("a JWT-shaped token")
    return found


def pytest_configure(config: pytest.Config) -> None:
    root = logging.getLogger()
    root.addHandler(_recorder)
    for name in _LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    texts = [report.longreprtext, report.capstdout, report.capstderr, report.caplog]
    for text in texts:
        for leak in find_leaks(text or ""):
            _leaks.append(f"{report.nodeid} ({report.when}): {leak}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    for text in _recorder.texts:
        _leaks.extend(f"log record: {leak}" for leak in find_leaks(text))
    if _leaks:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        lines = sorted(set(_leaks))
        if reporter is not None:
            reporter.write_line(f"SECRET LEAK CHECK FAILED ({len(lines)}):", red=True)
            for line in lines[:50]:
                reporter.write_line(f"  {line}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture
def log_records() -> Iterator[list[logging.LogRecord]]:
    """Records emitted on the ``bkash_sdk`` logger during the test."""
    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Collect(logging.DEBUG)
    logger = logging.getLogger("bkash_sdk")
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)
