"""Run every benchmark; exit non-zero if any of them fails to run.

Usage: .venv/bin/python benchmarks/run_all.py [--quick]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

BENCHMARKS = ("cpu_cycle", "token_concurrency", "sns_certificates", "import_time")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke runs of a few seconds each")
    quick = ["--quick"] if parser.parse_args().quick else []
    here = Path(__file__).parent
    failed = []
    for name in BENCHMARKS:
        print(f"== {name}", flush=True)
        command = [sys.executable, str(here / f"{name}.py"), *quick]
        result = subprocess.run(command, check=False)  # noqa: S603 - our own scripts
        if result.returncode != 0:
            failed.append(name)
        print(flush=True)
    if failed:
        print(f"failed to run: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
