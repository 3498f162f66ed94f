# Sourced by the scripts: creates .venv (Python 3.11) if needed and installs the project.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ ! -x .venv/bin/python ]; then
    python="$(command -v python3.11 || command -v python3 || true)"
    if [ -z "$python" ] || ! "$python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
        echo "bkash-sdk needs Python 3.11 (python3.11 or python3 on PATH)" >&2
        exit 1
    fi
    "$python" -m venv .venv
fi
pip_install() {
    # this machine's pip configuration warns about optional local indexes; the rest is shown
    .venv/bin/python -m pip install --quiet --disable-pip-version-check "$@" \
        2> >(grep -v "^WARNING: Location '" >&2)
}
pip_install --upgrade pip
pip_install -e ".[${BKASH_EXTRAS:-dev}]"
