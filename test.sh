#!/usr/bin/env bash
# Install the test dependencies (Python packages; Debian's Chromium, nginx and openssl) and run every test.
# Usage: ./test.sh [pytest arguments]
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh
ensure_venv "[test]"
ensure_debian_packages

export NO_MKDOCS_2_WARNING=1
exec python -m pytest "$@"
