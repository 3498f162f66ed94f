# Sourced by the scripts: creates .venv (Python 3.11) if needed and installs the project.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ ! -x .venv/bin/python ]; then
    python="$(command -v python3.11 || command -v python3)"
    "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[${BKASH_EXTRAS:-dev}]"
