#!/usr/bin/env bash
# Install the test dependencies (Python packages and Debian's Chromium) and run every test.
# Usage: ./test.sh [pytest arguments]
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh
ensure_venv "[test]"
ensure_chromium

export NO_MKDOCS_2_WARNING=1
exec python -m pytest "$@"
