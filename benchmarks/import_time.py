"""``import bkash_sdk`` time beyond its dependencies, in fresh interpreters.

Each run starts a new interpreter, imports the dependencies first (httpx, pydantic with its
model machinery, attrs, cachetools, cryptography's x509), then times ``import bkash_sdk``,
then ``bkash_sdk.webhooks`` and ``bkash_sdk.testing`` on top. The table shows medians.

Usage: .venv/bin/python benchmarks/import_time.py [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

from _canned import print_table

STEPS = {
    "dependencies": (
        "import httpx, attrs, cachetools, cryptography.x509; from pydantic import BaseModel"
    ),
    "bkash_sdk": "import bkash_sdk",
    "bkash_sdk.webhooks": "import bkash_sdk.webhooks",
    "bkash_sdk.testing": "import bkash_sdk.testing",
}
_PROGRAM = "import time\n" + "".join(
    f"t = time.perf_counter(); {code}; print(time.perf_counter() - t)\n" for code in STEPS.values()
)
_DEPENDENCIES = STEPS["dependencies"]


def timed_run() -> list[float]:
    """Seconds of each step in one fresh interpreter."""
    out = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-I", "-c", _PROGRAM], capture_output=True, text=True, check=True
    ).stdout
    return [float(line) for line in out.split()]


def slowest_modules(count: int) -> list[tuple[str, float]]:
    """The ``bkash_sdk`` modules whose own code takes longest to import (``-X importtime``)."""
    program = f"{_DEPENDENCIES}; import bkash_sdk"
    err = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-I", "-X", "importtime", "-c", program],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    found = []
    for line in err.splitlines():
        fields = [part.strip() for part in line.removeprefix("import time:").split("|")]
        if len(fields) == 3 and fields[2].startswith("bkash_sdk") and fields[0].isdigit():
            found.append((fields[2], int(fields[0]) / 1e6))
    return sorted(found, key=lambda item: -item[1])[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run of a few seconds")
    runs = 3 if parser.parse_args().quick else 21
    timed_run()  # writes the bytecode caches
    samples = [timed_run() for _ in range(runs)]
    rows = [
        (name, f"{statistics.median(sample[i] for sample in samples) * 1000:.1f}")
        for i, name in enumerate(STEPS)
    ]
    print(f"Import time in a fresh interpreter, each step on top of the ones above ({runs} runs)")
    print_table(("step", "median ms"), rows)
    print()
    print("Slowest bkash_sdk modules after the dependencies (own time, one run)")
    print_table(
        ("module", "ms"), [(name, f"{seconds * 1000:.1f}") for name, seconds in slowest_modules(5)]
    )


if __name__ == "__main__":
    main()
