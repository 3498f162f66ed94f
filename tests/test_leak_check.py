"""The suite-wide leak check itself: a planted canary fails the session, a clean one passes."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent
PLANTED = "PLANTEDsecretForTheLeakCheck42"


@pytest.fixture
def suite(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A scratch suite that runs under this suite's conftest."""
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.setenv("BKASH_TEST_EXTRA_CANARY", PLANTED)
    pytester.makeconftest((ROOT / "tests" / "conftest.py").read_text())
    return pytester


def _run(suite: pytest.Pytester, body: str) -> pytest.RunResult:
    suite.makepyfile(test_planted=body)
    return suite.runpytest_subprocess("-p", "no:cacheprovider")


def test_a_clean_suite_passes(suite: pytest.Pytester) -> None:
    result = _run(suite, "def test_nothing():\n    assert True\n")
    assert result.ret == 0


@pytest.mark.parametrize(
    "body",
    [
        # a record at DEBUG, after another test turned the logger down
        "import logging\n"
        "def test_quiet():\n    logging.getLogger('bkash_sdk').setLevel(logging.ERROR)\n"
        "def test_leak():\n    logging.getLogger('bkash_sdk').debug('x %s', SECRET)\n",
        # a secret in an extra field of a record
        "import logging\n"
        "def test_leak():\n    logging.getLogger('httpx').info('x', extra={'k': SECRET})\n",
        # output a test read and swallowed
        "def test_leak(capsys):\n    print(SECRET)\n    capsys.readouterr()\n",
        # a warning
        "import warnings\ndef test_leak():\n    warnings.warn(SECRET)\n",
    ],
    ids=["logger-turned-down", "record-extra", "read-output", "warning"],
)
def test_a_planted_canary_fails_the_session(suite: pytest.Pytester, body: str) -> None:
    result = _run(suite, f"SECRET = {PLANTED!r}\n{body}")
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*SECRET LEAK CHECK FAILED*"])
