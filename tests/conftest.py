"""Suite-wide fixtures, and the leak check: no canary secret in any log, output or traceback.

Every logger the SDK or httpx uses is kept at DEBUG for every test, and the text of every
log record (message, extras and traceback), test report, captured output (including what a
test read with ``capsys``/``capfd``) and warning is searched for the canary credentials of
``tests/canaries.py`` and for JWT-shaped strings. A finding fails the session.
"""

from __future__ import annotations

import logging
import os
import re
import warnings
from collections.abc import Iterator

import _pytest.capture
import pytest

from tests import canaries
from tests.services import redis_prefix

__all__ = ["redis_prefix"]

_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")
_LOGGERS = ("", "bkash_sdk", "httpx", "httpcore", "hpack", "asyncio")
_STANDARD_RECORD_KEYS = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


_EXTRA_CANARY = os.environ.get("BKASH_TEST_EXTRA_CANARY")
"""One more canary, for the test of this check (so that its own output stays clean)."""


def find_leaks(text: str) -> list[str]:
    """The canary secrets (and token-shaped strings) present in ``text``."""
    secrets = (*canaries.SECRETS, *canaries.TOKENS, *([_EXTRA_CANARY] if _EXTRA_CANARY else []))
    found = [secret for secret in secrets if secret in text]
    if _JWT.search(text):
        found.append("a JWT-shaped token")
    return found


class _Recorder(logging.Handler):
    """Keeps the text of every record: formatted message, traceback and extra fields."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.texts: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        extras = {k: v for k, v in record.__dict__.items() if k not in _STANDARD_RECORD_KEYS}
        self.texts.append(f"{self.format(record)} {extras!r}")


_recorder = _Recorder()
_leaks: list[str] = []
_current_test = "(collection)"


def _scan(where: str, text: str | None) -> None:
    _leaks.extend(f"{where}: {leak}" for leak in find_leaks(text or ""))


def _keep_everything_logged() -> None:
    logging.disable(logging.NOTSET)
    root = logging.getLogger()
    if _recorder not in root.handlers:
        root.addHandler(_recorder)
    for name in _LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG)
    for logger in logging.root.manager.loggerDict.values():
        if isinstance(logger, logging.Logger) and logger.name.startswith(_LOGGERS[1:]):
            logger.setLevel(logging.DEBUG)


_original_readouterr = _pytest.capture.CaptureFixture.readouterr


def _scanned_readouterr(self: _pytest.capture.CaptureFixture[str]) -> object:
    result = _original_readouterr(self)
    _scan(f"{_current_test} (read output)", f"{result.out}\n{result.err}")
    return result


def pytest_configure(config: pytest.Config) -> None:
    _pytest.capture.CaptureFixture.readouterr = _scanned_readouterr  # type: ignore[method-assign,assignment]
    _keep_everything_logged()


@pytest.fixture(autouse=True)
def _everything_logged(request: pytest.FixtureRequest) -> Iterator[None]:
    """Re-assert DEBUG everywhere before each test, and refuse handlers a test leaves behind."""
    global _current_test  # noqa: PLW0603 - the test whose output is being scanned
    _current_test = request.node.nodeid
    _keep_everything_logged()
    sdk = logging.getLogger("bkash_sdk")
    handlers = list(sdk.handlers)
    yield
    leaked = [h for h in sdk.handlers if h not in handlers]
    for handler in leaked:
        sdk.removeHandler(handler)
    assert not leaked, f"the test left handlers on the bkash_sdk logger: {leaked}"


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    for text in (report.longreprtext, report.capstdout, report.capstderr, report.caplog):
        _scan(f"{report.nodeid} ({report.when})", text)


def pytest_warning_recorded(warning_message: warnings.WarningMessage, nodeid: str) -> None:
    _scan(f"{nodeid} (warning)", str(warning_message.message))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    for text in _recorder.texts:
        _scan("log record", text)
    if _recorder not in logging.getLogger().handlers or logging.root.manager.disable:
        _leaks.append("the leak check was switched off during the session")
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
